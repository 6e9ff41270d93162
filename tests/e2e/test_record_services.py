"""Record services over real HTTP: every built-in definition against the simulator, the faults
agencies show, the offline cache behind the ones that may be kept, and the command line
(`kiosk services`, `kiosk lookup`, `kiosk agency-sim --write-config`), including a definition
for an agency the project has never seen, dropped into a folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from adapters.base import AgencyStatus, FailureReason, ResultSource
from adapters.services.catalogue import builtin_definitions
from adapters.simulator import AgencySimulator, Dataset, parse_fault
from adapters.simulator.records import SERVICE_ROUTES
from kiosk.agencies.service import AgencyService
from kiosk.config import validate_config
from kiosk.records.desk import ServiceNotReadyError
from tests.fixtures.agency_sim import sim_config_data, write_toml

LIVENESS = 30.0
DEMO = "1120100345899"
UNKNOWN = "1101400223340"
RECORDS = [e.id for e in builtin_definitions() if e.definition.kind == "record"]
BUILTIN_DIR = Path(__file__).resolve().parents[2] / "adapters" / "services" / "builtin"

# A service the project has never seen: a library card, asked through GDX at a path of its own.
NEW_SERVICE = """
id = "library_card"
kind = "record"
contract = "library-card/1"
modelled = true
group = "records"
sources = ["https://example.org/library"]
name = { th = "บัตรห้องสมุด", en = "Library card" }
agency = { th = "ห้องสมุดประชาชน", en = "Public library", hotline = "1234" }

[ask]
via = "gdx"
path = "/ws/library/v1/card"

[[answer.fields]]
key = "card_no"
query = "cardNo"
label = { th = "เลขบัตร", en = "Card number" }

[[answer.fields]]
key = "expires"
query = "expires"
type = "date"
label = { th = "หมดอายุ", en = "Expires" }

[answer.entries]
query = "loans"
heading = "title"
[[answer.entries.fields]]
key = "due"
query = "due"
type = "date"
label = { th = "กำหนดคืน", en = "Due" }
"""
LIBRARY_CARD = {
    "cardNo": "LIB-0042",
    "expires": "2028-01-31",
    "loans": [{"title": "<b>ช้างน้อย</b>", "due": "2026-12-20"}],
}


@pytest.fixture
def service_factory(tmp_path: Path) -> Iterator[Callable[..., AgencyService]]:
    made: list[AgencyService] = []

    def make(sim: AgencySimulator, **agencies: Any) -> AgencyService:
        config = validate_config(sim_config_data(sim, tmp_path / "data", **agencies))
        service = AgencyService.from_config(config).start()
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


def fast_copy(folder: Path, service_id: str, deadline_s: float = 1.0) -> Path:
    """A deployer's copy of a built-in definition with a short deadline (for hang tests)."""
    folder.mkdir(exist_ok=True)
    text = (BUILTIN_DIR / f"{service_id}.toml").read_text(encoding="utf-8")
    text = text.replace("\nkind = ", f"\ndeadline_s = {deadline_s}\nkind = ", 1)
    (folder / f"{service_id}.toml").write_text(text, encoding="utf-8")
    return folder


def test_every_builtin_record_answers_the_demo_citizen_with_items(
    agency_sim: AgencySimulator, service_factory: Callable[..., AgencyService]
) -> None:
    service = service_factory(agency_sim)
    assert sorted(e.id for e in service.records.offered()) == sorted(
        e.id for e in builtin_definitions()
    )
    assert service.records.unready == {}
    for service_id in RECORDS:
        result = service.lookup(service_id, DEMO)
        assert (result.status, result.source) == (AgencyStatus.OK, ResultSource.LIVE), (
            service_id,
            result.message,
        )
        assert result.record is not None, service_id
        assert result.record.items, service_id
        assert result.as_of is not None
        unknown = service.lookup(service_id, UNKNOWN)
        assert unknown.status is AgencyStatus.NOT_FOUND
        assert unknown.record is None


def test_every_served_path_belongs_to_a_builtin_definition() -> None:
    paths = {}
    for entry in builtin_definitions():
        ask = entry.definition.ask
        if ask is not None:
            paths[ask.path] = entry.id
    assert {path: sid for path, (sid, _) in SERVICE_ROUTES.items()} == paths


@pytest.mark.parametrize(
    ("fault", "status", "reason", "in_message"),
    [
        ("traffic_tickets=hang", AgencyStatus.UNAVAILABLE, FailureReason.TIMEOUT, "in time"),
        ("traffic_tickets=status:503", AgencyStatus.UNAVAILABLE, FailureReason.SERVER_ERROR, "503"),
        (
            "traffic_tickets=reset",
            AgencyStatus.UNAVAILABLE,
            FailureReason.UNREACHABLE,
            "connection",
        ),
        ("traffic_tickets=malformed", AgencyStatus.ERROR, FailureReason.BAD_ANSWER, "not JSON"),
        (
            "gdx=gdx_error:7001",
            AgencyStatus.UNAVAILABLE,
            FailureReason.SERVER_ERROR,
            "GDX code 7001",
        ),
        ("traffic_tickets=status:403", AgencyStatus.ERROR, FailureReason.AUTH, "refused"),
    ],
)
def test_a_failing_service_is_a_result_with_its_reason(
    start_agency_sim: Callable[..., AgencySimulator],
    service_factory: Callable[..., AgencyService],
    tmp_path: Path,
    fault: str,
    status: AgencyStatus,
    reason: FailureReason,
    in_message: str,
) -> None:
    sim = start_agency_sim()
    service = service_factory(
        sim, services_dir=str(fast_copy(tmp_path / "defs", "traffic_tickets"))
    )
    sim.faults.add(parse_fault(fault))
    started = time.monotonic()
    result = service.lookup("traffic_tickets", DEMO)
    assert time.monotonic() - started < LIVENESS
    assert (result.status, result.reason, result.source) == (status, reason, ResultSource.NONE)
    assert in_message in result.message
    assert DEMO not in result.message
    assert result.record is None


def test_an_expired_gdx_token_is_renewed_once(
    agency_sim: AgencySimulator, service_factory: Callable[..., AgencyService]
) -> None:
    service = service_factory(agency_sim)
    assert service.lookup("teachers_license", DEMO).status is AgencyStatus.OK
    agency_sim.faults.add(parse_fault("teachers_license=expired_token@1"))
    assert service.lookup("teachers_license", DEMO).status is AgencyStatus.OK
    assert agency_sim.stats()["gdx.token"] == 2


def test_one_gdx_token_serves_the_check_and_the_records(
    agency_sim: AgencySimulator, service_factory: Callable[..., AgencyService]
) -> None:
    from kiosk.session.check_request import CheckRequest

    service = service_factory(agency_sim)
    service.run(CheckRequest(DEMO))
    service.lookup("traffic_tickets", DEMO)
    service.lookup("student_loan", DEMO)
    assert agency_sim.stats()["gdx.token"] == 1


def test_plain_https_services_send_their_own_credential(
    agency_sim: AgencySimulator, service_factory: Callable[..., AgencyService]
) -> None:
    good = service_factory(agency_sim)
    assert good.lookup("nhso_rehabilitation", DEMO).status is AgencyStatus.OK
    wrong = service_factory(
        agency_sim, nhso_records={"base_url": agency_sim.url, "bearer_token": "not-it"}
    )
    refused = wrong.lookup("nhso_rehabilitation", DEMO)
    # Refused; the answer kept a moment ago (the same data folder) stands in, with its date.
    assert (refused.reason, refused.source) == (FailureReason.AUTH, ResultSource.CACHE)
    assert "credential refused" in refused.message


def test_a_service_without_its_credentials_is_left_out_and_says_which_key(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    data = sim_config_data(agency_sim, tmp_path / "data")
    del data["agencies"]["nhso_records"]
    with AgencyService.from_config(validate_config(data)) as service:
        offered = {e.id for e in service.records.offered()}
        assert "nhso_disability" not in offered
        assert "traffic_tickets" in offered
        assert service.records.unready["nhso_disability"] == (
            "agencies.nhso_records.base_url: is required"
        )
        with pytest.raises(ServiceNotReadyError, match=r"nhso_records\.base_url"):
            service.lookup("nhso_disability", DEMO)


def test_dopa_linkage_ids_go_with_the_request(
    agency_sim: AgencySimulator, service_factory: Callable[..., AgencyService], tmp_path: Path
) -> None:
    folder = tmp_path / "defs"
    folder.mkdir()
    text = (BUILTIN_DIR / "dopa_civil_record.toml").read_text(encoding="utf-8")
    without = text.split("[ask.linkage]")[0] + "[answer]" + text.split("[answer]", 1)[1]
    (folder / "dopa_civil_record.toml").write_text(without, encoding="utf-8")
    assert service_factory(agency_sim).lookup("dopa_civil_record", DEMO).status is AgencyStatus.OK
    bare = service_factory(agency_sim, services_dir=str(folder))
    result = bare.lookup("dopa_civil_record", DEMO)
    assert result.status is AgencyStatus.UNAVAILABLE
    assert "GDX code 90001" in result.message


def test_a_kept_record_answers_from_the_cache_with_its_date_and_others_say_nothing(
    start_agency_sim: Callable[..., AgencySimulator],
    service_factory: Callable[..., AgencyService],
    tmp_path: Path,
) -> None:
    sim = start_agency_sim()
    folder = fast_copy(tmp_path / "defs", "sso_old_age_savings")
    fast_copy(folder, "traffic_tickets")
    service = service_factory(sim, services_dir=str(folder))
    live = service.lookup("sso_old_age_savings", DEMO)
    service.lookup("traffic_tickets", DEMO)
    assert service.flush_snapshots(LIVENESS)
    sim.faults.add(parse_fault("all=hang"))
    cached = service.lookup("sso_old_age_savings", DEMO)
    assert (cached.status, cached.source, cached.reason) == (
        AgencyStatus.OK,
        ResultSource.CACHE,
        FailureReason.TIMEOUT,
    )
    assert cached.as_of == live.as_of
    assert cached.record == live.record
    not_kept = service.lookup("traffic_tickets", DEMO)  # cache = false in its definition
    assert (not_kept.source, not_kept.record) == (ResultSource.NONE, None)


def test_an_opted_out_citizen_is_neither_kept_nor_read(
    start_agency_sim: Callable[..., AgencySimulator],
    service_factory: Callable[..., AgencyService],
    tmp_path: Path,
) -> None:
    sim = start_agency_sim()
    service = service_factory(
        sim, services_dir=str(fast_copy(tmp_path / "defs", "sso_old_age_savings"))
    )
    service.lookup("sso_old_age_savings", DEMO, opt_out=True)
    assert service.flush_snapshots(LIVENESS)
    stats = service.cache_stats()
    assert stats is not None
    assert stats.snapshots == 0
    service.lookup("sso_old_age_savings", DEMO)
    assert service.flush_snapshots(LIVENESS)
    sim.faults.add(parse_fault("all=status:503"))
    assert service.lookup("sso_old_age_savings", DEMO, opt_out=True).source is ResultSource.NONE


# --- the command line ---------------------------------------------------------------------------


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=LIVENESS,
        env={**clean, **(env or {})},
        check=False,
    )


def config_file(sim: AgencySimulator, folder: Path, **agencies: Any) -> Path:
    return write_toml(folder / "kiosk.toml", sim_config_data(sim, folder / "data", **agencies))


def test_services_json_lists_the_whole_menu_and_the_agencies(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    run = kiosk("services", "--json", "--config", str(config_file(agency_sim, tmp_path)))
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    listed = {s["id"]: s for s in doc["services"]}
    agencies = ["nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"]
    assert [s["id"] for s in doc["services"]][:7] == agencies
    assert all(listed[a]["kind"] == "entitlements" for a in agencies)
    families = {s["family"] for s in doc["services"]}
    from tests.unit.test_service_definitions import MENU

    assert set(MENU) <= families
    assert {s["origin"] for s in doc["services"]} == {"built-in"}
    assert doc["problems"] == []


def test_lookup_json_answers_ok_with_items_for_every_record(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = str(config_file(agency_sim, tmp_path))

    def one(service_id: str) -> dict[str, Any]:
        run = kiosk("lookup", service_id, DEMO, "--json", "--config", config)
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
        doc: dict[str, Any] = json.loads(run.stdout)
        return doc

    with ThreadPoolExecutor(4) as pool:
        docs = dict(zip(RECORDS, pool.map(one, RECORDS), strict=True))
    for service_id, doc in docs.items():
        assert set(doc) == {"service", "status", "source", "as_of", "message", "record"}
        assert (doc["service"], doc["status"], doc["source"]) == (service_id, "ok", "live")
        assert doc["record"]["items"], service_id
        assert DEMO not in json.dumps(doc)  # the CID is not echoed


def test_lookup_refuses_what_is_not_a_record_service(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = str(config_file(agency_sim, tmp_path))
    family = kiosk("lookup", "hospital_appointments", DEMO, "--config", config)
    assert family.returncode == 2
    assert "hospital_appointments.ramathibodi" in family.stderr
    for service_id in ("credit_report", "nhso", "no_such"):
        run = kiosk("lookup", service_id, DEMO, "--config", config)
        assert run.returncode == 2, service_id
        assert "not a record service" in run.stderr, service_id
    bad_cid = kiosk("lookup", "traffic_tickets", "1234", "--config", config)
    assert bad_cid.returncode == 2
    assert "invalid citizen ID" in bad_cid.stderr


def test_a_new_definition_in_a_folder_is_listed_and_asked_without_code(
    start_agency_sim: Callable[..., AgencySimulator], tmp_path: Path
) -> None:
    shipped = Path(__file__).resolve().parents[2] / "adapters" / "simulator" / "data"
    dataset = json.loads((shipped / "citizens.json").read_text("utf-8"))
    dataset["routes"] = {"/ws/library/v1/card": {"service": "library_card", "via": "gdx"}}
    dataset["citizens"][DEMO]["services"]["library_card"] = LIBRARY_CARD
    sim = start_agency_sim(Dataset.from_json(json.dumps(dataset)))
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "library_card.toml").write_text(NEW_SERVICE, encoding="utf-8")
    (folder / "broken.toml").write_text(NEW_SERVICE.replace("kind", "kin"), encoding="utf-8")
    config = str(config_file(sim, tmp_path, services_dir=str(folder)))
    listed = kiosk("services", "--json", "--config", config)
    doc = json.loads(listed.stdout)
    library = next(s for s in doc["services"] if s["id"] == "library_card")
    assert (library["origin"], library["kind"], library["name_en"]) == (
        "folder",
        "record",
        "Library card",
    )
    assert doc["problems"] == [f"{folder / 'broken.toml'}: kind: is required"]
    assert "broken.toml: kind: is required" in listed.stderr
    run = kiosk("lookup", "library_card", DEMO, "--config", config)
    assert run.returncode == 0, run.stderr
    assert "Card number: LIB-0042" in run.stdout
    assert "1. <b>ช้างน้อย</b>" in run.stdout  # markup from an agency stays characters
    assert "Due: 2026-12-20" in run.stdout


def test_agency_sim_writes_a_config_that_check_and_lookup_use(tmp_path: Path) -> None:
    written = tmp_path / "sim.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "agency-sim",
            "--port",
            "0",
            "--write-config",
            str(written),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert sim.stdout is not None
        lines = [sim.stdout.readline(), sim.stdout.readline()]
        assert lines[1].strip() == f"agency-sim wrote {written}", lines
        assert oct(written.stat().st_mode & 0o777) == "0o600"
        data_env = {
            "KIOSK_KIOSK__DATA_DIR": str(tmp_path / "data"),
            "KIOSK_KIOSK__KEY_FILE": str(tmp_path / "key"),
        }
        check = kiosk("check", DEMO, "--json", "--config", str(written), env=data_env)
        assert check.returncode == 0, check.stderr
        assert {a["status"] for a in json.loads(check.stdout)["agencies"]} <= {"ok", "not_found"}
        lookup = kiosk(
            "lookup", "student_loan", DEMO, "--json", "--config", str(written), env=data_env
        )
        assert lookup.returncode == 0, lookup.stderr
        assert json.loads(lookup.stdout)["record"]["payment"]["payload"].startswith("000201")
    finally:
        sim.terminate()
        sim.communicate(timeout=LIVENESS)
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


@pytest.mark.parametrize("service_id", RECORDS)
def test_every_record_service_turns_agency_faults_into_results(
    start_agency_sim: Callable[..., AgencySimulator],
    service_factory: Callable[..., AgencyService],
    service_id: str,
) -> None:
    sim = start_agency_sim()
    service = service_factory(sim)
    family = service_id.partition(".")[0]
    sim.faults.add(parse_fault(f"{family}=malformed@1"))
    garbled = service.lookup(service_id, DEMO)
    assert (garbled.status, garbled.reason) == (AgencyStatus.ERROR, FailureReason.BAD_ANSWER)
    sim.faults.add(parse_fault(f"{service_id}=status:503"))
    down = service.lookup(service_id, DEMO)
    assert down.reason is FailureReason.SERVER_ERROR
    assert down.status is AgencyStatus.UNAVAILABLE
    kept = service.records.catalogue.get(service_id)
    assert kept is not None
    # Nothing was kept from a failure; a service that may be cached has nothing to show yet.
    assert down.source is ResultSource.NONE
