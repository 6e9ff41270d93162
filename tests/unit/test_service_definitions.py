"""Service definitions: every built-in loads; a bad file is left out with its file and key named
(never a value); a deployer's folder replaces and adds; ids of entitlement agencies are taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.services.catalogue import (
    DefinitionError,
    build_catalogue,
    builtin_definitions,
    parse_definition,
)
from adapters.services.definition import GROUPS

pytestmark = pytest.mark.unit

# The menu of the Smart Kiosk this project replaces (issue #14), by id or family.
MENU = {
    "dopa_civil_record": "record",
    "sso_old_age_savings": "record",
    "nhso_disability": "record",
    "nhso_disability_equipment": "record",
    "nhso_rehabilitation": "record",
    "dla_disability_allowance": "record",
    "moph_health_checkup": "record",
    "hospital_appointments": "record",
    "traffic_tickets": "record",
    "oag_complaints": "record",
    "water_account": "record",
    "teachers_license": "record",
    "student_loan": "record",
    "credit_report": "handoff",
    "tang_rat_signup": "handoff",
}

MINIMAL = """
id = "{id}"
kind = "record"
contract = "test/1"
modelled = true
group = "records"
name = {{ th = "บริการทดสอบ", en = "A test service" }}
agency = {{ th = "หน่วยงานทดสอบ", en = "A test agency", hotline = "1111" }}

[ask]
via = "gdx"
path = "/ws/test/v1/thing"

[[answer.fields]]
key = "value"
query = "value"
label = {{ th = "ค่า", en = "Value" }}
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_menu_item_ships_as_a_valid_builtin_definition() -> None:
    entries = builtin_definitions()
    by_family: dict[str, set[str]] = {}
    for entry in entries:
        by_family.setdefault(entry.definition.family, set()).add(entry.definition.kind)
    assert {family: kinds.pop() for family, kinds in by_family.items()} == MENU
    hospitals = [e.id for e in entries if e.definition.family == "hospital_appointments"]
    assert len(hospitals) >= 2  # one definition per hospital
    for entry in entries:
        d = entry.definition
        assert entry.file == f"{d.id}.toml"
        assert d.agency.web.startswith("https://"), d.id
        assert d.sources, f"{d.id} cites no source"
        if d.kind == "record":
            assert d.modelled, f"{d.id}: every agency contract here is modelled"


def test_the_catalogue_orders_the_menu_by_group() -> None:
    catalogue = build_catalogue()
    groups = [GROUPS.index(e.definition.group) for e in catalogue.entries]
    assert groups == sorted(groups)
    assert catalogue.problems == ()


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (('group = "records"', 'group = "games"'), "group", "Input should be"),
        (('via = "gdx"', 'via = "ftp"'), "ask", "tag"),
        (('query = "value"', 'query = "value["'), "answer.fields.0.query", "JMESPath"),
        (('path = "/ws/test/v1/thing"', 'path = "ws test"'), "ask.gdx.path", "wrong form"),
        (('kind = "record"', 'kind = "handoff"'), "", "a handoff needs [handoff]"),
        (
            ('contract = "test/1"\n', 'contract = "test/1"\ncolour = "red"\n'),
            "colour",
            "unknown key",
        ),
        (('hotline = "1111"', 'hotline = "call us"'), "agency.hotline", "wrong form"),
    ],
)
def test_a_bad_definition_names_its_file_and_key(
    change: tuple[str, str], key: str, problem: str
) -> None:
    text = MINIMAL.format(id="test_service").replace(*change)
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "folder/test_service.toml")
    assert caught.value.where == "folder/test_service.toml"
    assert caught.value.key.startswith(key)
    assert problem in caught.value.problem
    assert "call us" not in str(caught.value)  # a value is never echoed


def test_not_toml_is_named_as_such() -> None:
    with pytest.raises(DefinitionError, match=r"x\.toml: not valid TOML"):
        parse_definition("id = ", "x.toml")


def test_a_folder_adds_replaces_and_leaves_out_what_is_broken(tmp_path: Path) -> None:
    folder = tmp_path / "services"
    write(folder, "new.toml", MINIMAL.format(id="new_agency_thing"))
    replaced = MINIMAL.format(id="traffic_tickets").replace("A test service", "Local tickets")
    write(folder, "tickets.toml", replaced)
    write(folder, "broken.toml", MINIMAL.format(id="broken_one").replace("kind", "knd"))
    write(folder, "twin.toml", MINIMAL.format(id="new_agency_thing"))
    write(folder, "sso.toml", MINIMAL.format(id="sso"))
    write(folder, "notes.txt", "not a definition")
    catalogue = build_catalogue(folder, reserved={"sso", "nhso"})
    ids = catalogue.ids()
    assert "new_agency_thing" in ids
    assert "broken_one" not in ids
    assert "sso" not in ids
    tickets = catalogue.get("traffic_tickets")
    assert tickets is not None
    assert tickets.origin == "folder"
    assert tickets.definition.name.en == "Local tickets"
    problems = {Path(p.file).name: (p.key, p.problem) for p in catalogue.problems}
    assert problems["broken.toml"] == ("kind", "is required")
    assert problems["sso.toml"][0] == "id"
    assert "entitlement agency" in problems["sso.toml"][1]
    assert problems["twin.toml"][0] == "id"
    assert "new.toml" in problems["twin.toml"][1]
    assert set(problems) == {"broken.toml", "sso.toml", "twin.toml"}
    assert len(ids) == len(build_catalogue().ids()) + 1


def test_a_folder_that_cannot_be_read_is_one_problem(tmp_path: Path) -> None:
    catalogue = build_catalogue(tmp_path / "missing")
    assert catalogue.ids() == build_catalogue().ids()
    assert [p.problem for p in catalogue.problems] == ["cannot be read (FileNotFoundError)"]


def test_an_oversized_or_undecodable_file_is_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "services"
    write(folder, "big.toml", "# " + "x" * 300_000)
    (folder / "latin.toml").write_bytes(b"id = '\xe9'")
    problems = sorted(p.problem for p in build_catalogue(folder).problems)
    assert problems == ["cannot be read (UnicodeDecodeError)", "larger than 256 KiB"]
