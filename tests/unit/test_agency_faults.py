"""The simulator's fault specs and how faults apply to requests (pure)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import cardreader
from adapters.simulator.dataset import Dataset, DatasetError
from adapters.simulator.faults import Fault, FaultBoard, FaultError, parse_fault

SSO = frozenset({"sso", "gdx", "all"})
NHSO = frozenset({"nhso", "all"})


@pytest.mark.parametrize(
    ("spec", "fault"),
    [
        ("sso=hang", Fault("sso", "hang")),
        ("nhso=latency:250", Fault("nhso", "latency", 250)),
        ("all=status:503@1", Fault("all", "status", 503, 1)),
        ("gdx=malformed@2", Fault("gdx", "malformed", None, 2)),
        (" welfare = reset ", Fault("welfare", "reset")),
        ("nhso=expired_token@1", Fault("nhso", "expired_token", None, 1)),
    ],
)
def test_fault_specs_parse(spec: str, fault: Fault) -> None:
    assert parse_fault(spec) == fault


@pytest.mark.parametrize(
    "spec",
    [
        "sso",
        "sso=",
        "Moon!=hang",
        "sso=explode",
        "sso=latency",
        "sso=status:99",
        "sso=hang@0",
        "sso=latency:x",
        "sso=latency:-5",
    ],
)
def test_bad_fault_specs_are_refused_with_a_reason(spec: str) -> None:
    with pytest.raises(FaultError):
        parse_fault(spec)


def test_a_service_target_is_one_the_simulator_serves() -> None:
    board = FaultBoard(services=frozenset({"water_account", "water_account.mwa"}))
    for target in ("water_account", "water_account.mwa", "services", "gdx", "sso"):
        board.add(parse_fault(f"{target}=hang"))
    with pytest.raises(FaultError, match="unknown target 'moon'"):
        board.add(parse_fault("moon=hang"))  # the shape of a service id, but none is served
    with pytest.raises(FaultError, match="unknown target 'moon'"):
        FaultBoard((parse_fault("moon=hang"),))


def test_fault_from_json_takes_a_spec_or_fields() -> None:
    assert Fault.from_json({"spec": "sso=hang"}) == Fault("sso", "hang")
    assert Fault.from_json({"target": "sso", "kind": "status", "value": 500}) == Fault(
        "sso", "status", 500
    )
    with pytest.raises(FaultError):
        Fault.from_json({"target": "sso"})
    with pytest.raises(FaultError):
        Fault.from_json(["sso=hang"])


def test_latencies_add_up_and_the_first_action_wins() -> None:
    board = FaultBoard(
        (
            Fault("all", "latency", 100),
            Fault("sso", "latency", 50),
            Fault("gdx", "status", 502),
            Fault("sso", "hang"),
        )
    )
    plan = board.plan(SSO, has_token=True)
    assert plan.latency_s == pytest.approx(0.15)
    assert plan.action == Fault("gdx", "status", 502)
    nhso = board.plan(NHSO, has_token=True)
    assert nhso.latency_s == pytest.approx(0.1)
    assert nhso.action is None


def test_limited_faults_are_used_up() -> None:
    board = FaultBoard((Fault("sso", "status", 503, times=2),))
    assert board.plan(SSO, has_token=True).action is not None
    assert board.list() == [Fault("sso", "status", 503, times=1)]
    assert board.plan(SSO, has_token=True).action is not None
    assert board.plan(SSO, has_token=True).action is None
    assert board.list() == []


def test_expired_token_waits_for_a_call_with_a_token() -> None:
    board = FaultBoard((Fault("nhso", "expired_token", times=1),))
    assert board.plan(NHSO, has_token=False).action is None
    assert board.plan(NHSO, has_token=True).action == Fault("nhso", "expired_token", times=1)
    assert board.list() == []


def test_clear_by_target_or_all() -> None:
    board = FaultBoard((Fault("sso", "hang"), Fault("nhso", "hang")))
    board.clear("sso")
    assert board.list() == [Fault("nhso", "hang")]
    board.clear()
    assert board.list() == []


def test_the_shipped_data_set_covers_every_case_with_valid_cids() -> None:
    data = Dataset.default()
    codes: set[str] = set()
    for cid in data.cids():
        nhso = data.answer("nhso", cid)
        if nhso:
            codes.update(f["mainInscl"]["id"] for f in nhso["funds"])
    assert {"UCS", "WEL", "OFC", "SSS", "SSI", "LGO", "PVT", "STP"} <= codes
    assert codes - {"UCS", "WEL", "OFC", "SSS", "SSI", "LGO", "PVT", "STP"}  # one other code
    answers = [data.answer("nhso", c) for c in data.cids()]
    assert any(a is not None and a["deathDate"] for a in answers)
    assert any(all(data.answer(a, c) is None for a in ("nhso", "sso")) for c in data.cids())
    for agency in ("sso", "welfare", "elderly", "disability", "cgd", "farmer"):
        assert any(data.answer(agency, c) for c in data.cids()), agency
    pensioners = [
        c for c in data.cids() if (data.answer("cgd", c) or {}).get("role") == "pensioner"
    ]
    assert pensioners


PROFILES = Path(cardreader.__file__).parent / "profiles"


def test_the_data_set_has_every_virtual_card_profiles_citizen() -> None:
    readme = (PROFILES / "README.md").read_text()
    listed = set(re.findall(r"^\| `\w+\.json` \| (\d{13}) \|", readme, re.M))
    in_files = {json.loads(p.read_text()).get("cid") for p in PROFILES.glob("*.json")} - {None}
    assert len(listed) >= 8
    assert listed <= set(Dataset.default().cids())
    assert in_files <= set(Dataset.default().cids())


def test_the_data_set_agrees_with_the_cards_names_and_nhso_applets() -> None:
    data = Dataset.default()
    for path in PROFILES.glob("*.json"):
        profile = json.loads(path.read_text())
        nhso = data.answer("nhso", profile.get("cid") or "")
        if nhso is None:
            continue
        name = profile["name_th"]
        assert (nhso["fname"], nhso["lname"]) == (name["first"], name["last"]), path.name
        if profile.get("nhso"):
            fund = nhso["funds"][0]
            assert profile["nhso"]["main_inscl"].startswith(f"({fund['mainInscl']['id']})")
            assert profile["nhso"]["main_hospital"] == fund["hospMain"]["hname"], path.name


def test_a_data_set_with_a_bad_cid_is_refused_without_showing_it() -> None:
    with pytest.raises(DatasetError) as info:
        Dataset({"1101700203451": {}})
    assert "1101700203451" not in str(info.value)
    with pytest.raises(DatasetError, match="unknown agency"):
        Dataset({"1101700203450": {"moon": {}}})
    with pytest.raises(DatasetError, match="not valid JSON"):
        Dataset.from_json("{")


def test_a_data_set_merged_with_another_keeps_both_and_their_routes() -> None:
    shipped = Dataset.default()
    extra = Dataset.from_json(
        '{"routes": {"/ws/x/v1/y": {"service": "x_y"}},'
        ' "citizens": {"1120100345899": {"services": {"x_y": {"a": 1}}}}}'
    )
    merged = shipped.merged(extra)
    assert merged.service_answer("x_y", "1120100345899") == {"a": 1}
    assert merged.service_answer("traffic_tickets", "1120100345899") is not None
    assert merged.answer("nhso", "1120100345899") == shipped.answer("nhso", "1120100345899")
    assert merged.routes == {"/ws/x/v1/y": ("x_y", "gdx")}
    assert shipped.service_answer("x_y", "1120100345899") is None  # a new data set
