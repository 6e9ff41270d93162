"""The offline fallback end to end: `AgencyService` against the agency simulator over real HTTP
on loopback, with the offline cache on a real SQLite file in a temporary folder."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.answer import BANGKOK, bangkok_now
from adapters.base import AgencyResult, AgencyStatus, FailureReason, ResultSource
from adapters.breaker import BreakerState
from adapters.simulator import AgencySimulator, parse_fault
from cardreader import layout
from cardreader.identity import parse_nhso
from cardreader.profile import shipped_profile
from cardreader.types import NhsoCardData
from kiosk.agencies.check import DOWN, CheckOutcome, NetworkState
from kiosk.agencies.service import AgencyService, MonitorSettings
from kiosk.agencies.snapshots import open_snapshot_store, result_to_payload
from kiosk.audit import AUDIT_FILE
from kiosk.config import KioskConfig, validate_config
from kiosk.session.check_request import CardRecord, CheckRequest
from offline_cache import HealthState

LIVENESS = 10.0  # far above a check (timeout 1 s) and a probe round (0.5 s)
DEMO = CheckRequest("1120100345899")  # nhso, sso, welfare ok; the other four not_found
CARD_CITIZEN = CheckRequest("1320100890127")  # the NHSO applet card's citizen
NOBODY = CheckRequest("1101400223340")  # known to no agency
FRESH = CheckRequest("3400100567895")  # never checked in these tests unless said
ORDER = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")
# Probes only when told (the first round, and the nudge of a check that could not reach an
# agency), so each test decides when the monitor looks.
QUIET_MONITOR = MonitorSettings(
    interval_s=3600, down_interval_s=3600, probe_timeout_s=0.5, tick_s=0.02
)
_SERVICE_THREAD = re.compile(r"^(agency-(?!sim).*|snapshot-writer)$")


def wait_until(condition: Callable[[], bool]) -> None:
    end = time.monotonic() + LIVENESS
    while not condition():
        assert time.monotonic() < end, "condition not reached within the liveness bound"
        time.sleep(0.01)


def service_threads() -> list[str]:
    """Threads of the kind the service starts (check, agency, probe, monitor, writer)."""
    return sorted(
        t.name for t in threading.enumerate() if _SERVICE_THREAD.match(t.name) and t.is_alive()
    )


def opted_out(request: CheckRequest) -> CheckRequest:
    """The same citizen, who ticked "don't keep an offline copy"."""
    return dataclasses.replace(request, opt_out=True)


def carrying(request: CheckRequest, nhso: NhsoCardData) -> CheckRequest:
    """The same citizen, whose card read ended with this NHSO record."""
    card = CardRecord()
    card.resolve(nhso)
    return dataclasses.replace(request, card=card)


def card_nhso(**changes: Any) -> NhsoCardData:
    """The NHSO applet of the shipped `nhso` card profile, parsed as the reader parses it."""
    applet = shipped_profile("nhso").image().nhso
    assert applet is not None
    return dataclasses.replace(parse_nhso(applet[layout.NHSO_RECORD.offset :]), **changes)


@pytest.fixture
def config(agency_sim: AgencySimulator, tmp_path: Path) -> KioskConfig:
    return validate_config(
        {
            "kiosk": {
                "id": "offline-test",
                "data_dir": str(tmp_path / "data"),
                "key_file": str(tmp_path / "keys" / "cache.key"),
            },
            "agencies": {"timeout_s": 1.0, **agency_sim.agency_tables()},
        }
    )


@pytest.fixture
def make_service(config: KioskConfig) -> Iterator[Callable[..., AgencyService]]:
    """Start services on `config`; each is closed at teardown, leaving none of its threads."""
    made: list[AgencyService] = []

    def make(monitor: MonitorSettings | None = None) -> AgencyService:
        service = AgencyService.from_config(config, monitor=monitor).start()
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()
    assert service_threads() == []


@pytest.fixture
def service(make_service: Callable[..., AgencyService]) -> AgencyService:
    """A service without a connectivity monitor (what each check sees is its own)."""
    return make_service()


def saved(config: KioskConfig, identity: CheckRequest) -> dict[str, Any]:
    """What the cache file holds for a citizen, read through a second handle on the file."""
    with open_snapshot_store(config, purge_on_open=False) as store:
        return {agency: snap.as_of for agency, snap in store.get_all(identity.cid).items()}


def by_agency(outcome: CheckOutcome) -> dict[str, AgencyResult]:
    return {r.agency: r for r in outcome.results}


# --- the cache answers for agencies that fail ----------------------------------------------------


def test_a_live_answer_is_saved_and_served_with_its_own_time_once_the_simulator_stops(
    make_service: Callable[..., AgencyService],
    agency_sim: AgencySimulator,
    config: KioskConfig,
) -> None:
    service = make_service(QUIET_MONITOR)
    first = service.run(DEMO)
    assert {r.source for r in first.results} == {ResultSource.LIVE}
    assert service.flush_snapshots(LIVENESS)
    assert saved(config, DEMO) == {r.agency: r.as_of for r in first.results}

    agency_sim.stop()
    second = service.run(DEMO)

    assert tuple(r.agency for r in second.results) == ORDER
    for before, after in zip(first.results, second.results, strict=True):
        assert after.source is ResultSource.CACHE
        assert after.status is before.status  # ok stays ok, not_found stays not_found
        assert after.as_of == before.as_of  # the first answer's time, not now
        assert after.entitlements == before.entitlements
        assert after.reason in DOWN
        assert "showing the last answer saved on this kiosk" in after.message
    assert [r.status.value for r in second.results] == ["ok"] * 3 + ["not_found"] * 4
    assert second.network is NetworkState.OFFLINE


def test_a_hanging_simulator_costs_one_deadline_then_the_monitor_skips_straight_to_the_cache(
    make_service: Callable[..., AgencyService], agency_sim: AgencySimulator
) -> None:
    service = make_service(QUIET_MONITOR)
    wait_until(lambda: all(a.up for a in service.health().agencies))
    first = service.run(DEMO)
    assert service.flush_snapshots(LIVENESS)
    agency_sim.faults.add(parse_fault("all=hang"))

    unseen = service.run(DEMO)  # the kiosk has not seen the failure yet: the deadline applies
    assert {r.reason for r in unseen.results} == {FailureReason.TIMEOUT}
    assert {r.source for r in unseen.results} == {ResultSource.CACHE}
    assert [r.status for r in unseen.results] == [r.status for r in first.results]

    # That check had the monitor probe at once (its own interval is an hour).
    wait_until(lambda: service.health().network is NetworkState.OFFLINE)
    seen = service.run(DEMO)
    assert {r.reason for r in seen.results} == {FailureReason.OFFLINE}  # asked nobody
    assert {r.source for r in seen.results} == {ResultSource.CACHE}
    assert [r.as_of for r in seen.results] == [r.as_of for r in first.results]
    assert seen.network is NetworkState.OFFLINE


def test_answers_known_to_nobody_are_served_from_the_cache_as_not_found(
    service: AgencyService, agency_sim: AgencySimulator
) -> None:
    first = service.run(NOBODY)
    assert {r.status for r in first.results} == {AgencyStatus.NOT_FOUND}
    assert service.flush_snapshots(LIVENESS)
    agency_sim.faults.add(parse_fault("all=reset"))
    cached = service.run(NOBODY)
    assert {(r.status, r.source) for r in cached.results} == {
        (AgencyStatus.NOT_FOUND, ResultSource.CACHE)
    }
    assert {r.reason for r in cached.results} == {FailureReason.UNREACHABLE}


def test_with_no_snapshot_a_failed_agency_is_unavailable_from_nowhere(
    service: AgencyService, agency_sim: AgencySimulator
) -> None:
    service.run(DEMO)  # someone else's snapshots do not answer for this citizen
    agency_sim.stop()
    outcome = service.run(FRESH)
    for result in outcome.results:
        assert (result.status, result.source, result.as_of) == (
            AgencyStatus.UNAVAILABLE,
            ResultSource.NONE,
            None,
        )
        assert result.reason is FailureReason.UNREACHABLE


def test_an_error_answer_is_also_served_from_the_cache_keeping_its_reason(
    service: AgencyService, agency_sim: AgencySimulator
) -> None:
    service.run(DEMO)
    assert service.flush_snapshots(LIVENESS)
    agency_sim.faults.add(parse_fault("sso=malformed"))
    sso = service.run(DEMO).result("sso")
    assert (sso.status, sso.source, sso.reason) == (
        AgencyStatus.OK,
        ResultSource.CACHE,
        FailureReason.BAD_ANSWER,
    )
    assert sso.message.startswith("The agency's answer could not be read")


def test_an_agency_skipped_by_its_open_breaker_is_answered_from_the_cache(
    service: AgencyService, agency_sim: AgencySimulator
) -> None:
    first = service.run(DEMO).result("sso")
    assert service.flush_snapshots(LIVENESS)
    agency_sim.faults.add(parse_fault("sso=reset"))
    for _ in range(3):  # three failures in a row open the breaker
        assert service.run(DEMO).result("sso").reason is FailureReason.UNREACHABLE
    asked = agency_sim.stats()["sso"]
    sso = service.run(DEMO).result("sso")
    assert (sso.reason, sso.source, sso.as_of) == (
        FailureReason.CIRCUIT_OPEN,
        ResultSource.CACHE,
        first.as_of,
    )
    assert agency_sim.stats()["sso"] == asked  # skipped: nothing was sent


# --- the card answers for NHSO --------------------------------------------------------------------


def test_the_card_answers_for_nhso_when_nhso_fails_and_nothing_is_saved(
    service: AgencyService, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("nhso=status:503"))
    outcome = service.run(carrying(CARD_CITIZEN, card_nhso()))
    nhso = outcome.result("nhso")
    assert (nhso.status, nhso.source, nhso.reason) == (
        AgencyStatus.OK,
        ResultSource.CARD,
        FailureReason.SERVER_ERROR,
    )
    assert nhso.as_of is not None
    assert nhso.as_of.isoformat() == "2024-06-15T00:00:00+07:00"  # the applet's update date
    (ucs,) = nhso.entitlements
    assert (ucs.code, ucs.title_en) == ("UCS", "Universal Coverage (gold card)")
    assert ucs.details["hospital_main"] == "โรงพยาบาลสุรินทร์"
    assert outcome.result("sso").source is ResultSource.LIVE  # the card is NHSO's only
    assert outcome.network is NetworkState.DEGRADED


def test_a_live_nhso_answer_ignores_the_card(service: AgencyService) -> None:
    nhso = service.run(carrying(CARD_CITIZEN, card_nhso())).result("nhso")
    assert nhso.source is ResultSource.LIVE


def test_a_snapshot_newer_than_the_cards_update_wins_over_the_card(
    service: AgencyService, agency_sim: AgencySimulator
) -> None:
    live = service.run(CARD_CITIZEN).result("nhso")  # saved today; the card: June 2024
    assert service.flush_snapshots(LIVENESS)
    agency_sim.faults.add(parse_fault("nhso=reset"))
    nhso = service.run(carrying(CARD_CITIZEN, card_nhso())).result("nhso")
    assert nhso.source is ResultSource.CACHE
    assert nhso.as_of == live.as_of


def test_a_card_updated_after_the_snapshot_wins_over_the_snapshot(
    service: AgencyService, agency_sim: AgencySimulator, config: KioskConfig
) -> None:
    live = service.run(CARD_CITIZEN).result("nhso")
    assert service.flush_snapshots(LIVENESS)
    # Another process (another `kiosk check`) saved this answer three days ago...
    three_days_ago = bangkok_now() - timedelta(days=3)
    with open_snapshot_store(config) as other:
        assert other.delete_citizen(CARD_CITIZEN.cid) == 7
        assert other.put(CARD_CITIZEN.cid, "nhso", result_to_payload(live), three_days_ago)
    # ...and since then a hospital updated the card.
    card = card_nhso(update_date=(three_days_ago + timedelta(days=1)).date())
    agency_sim.faults.add(parse_fault("nhso=reset"))
    nhso = service.run(carrying(CARD_CITIZEN, card)).result("nhso")
    assert nhso.source is ResultSource.CARD
    assert nhso.as_of is not None
    assert nhso.as_of.date() == (three_days_ago + timedelta(days=1)).astimezone(BANGKOK).date()


# --- opting out ---------------------------------------------------------------------------------


def test_an_opted_out_check_writes_nothing_deletes_what_was_saved_and_reads_none_of_it(
    service: AgencyService, agency_sim: AgencySimulator, config: KioskConfig
) -> None:
    service.run(DEMO)
    service.run(NOBODY)
    assert service.flush_snapshots(LIVENESS)
    assert len(saved(config, DEMO)) == 7

    answered = service.run(opted_out(DEMO))
    assert {r.source for r in answered.results} == {ResultSource.LIVE}
    assert service.flush_snapshots(LIVENESS)
    assert saved(config, DEMO) == {}
    assert len(saved(config, NOBODY)) == 7  # nobody else is touched

    service.run(opted_out(FRESH))
    assert service.flush_snapshots(LIVENESS)
    assert saved(config, FRESH) == {}

    service.run(DEMO)  # agreed this time: saved again
    assert service.flush_snapshots(LIVENESS)
    agency_sim.stop()
    offline = service.run(opted_out(DEMO))
    assert {r.source for r in offline.results} == {ResultSource.NONE}  # not read for them
    assert service.flush_snapshots(LIVENESS)
    assert saved(config, DEMO) == {}


def test_forget_citizen_is_the_consent_screens_opt_out_and_is_audited_naming_nobody(
    service: AgencyService, config: KioskConfig
) -> None:
    service.run(DEMO)
    assert service.forget_citizen(DEMO.cid, LIVENESS) == 7  # after its queued snapshots
    assert saved(config, DEMO) == {}
    assert service.forget_citizen(DEMO.cid, LIVENESS) == 0
    lines = [
        json.loads(line)
        for line in (config.kiosk.data_dir / AUDIT_FILE).read_text().splitlines()
        if '"cache.forget"' in line
    ]
    assert [(line["citizen"], line["detail"]) for line in lines] == [
        (None, {"deleted": 7}),
        (None, {"deleted": 0}),
    ]


# --- the service's shape --------------------------------------------------------------------------


def test_each_check_writes_an_audit_line_with_the_keyed_hmac_and_no_cid(
    service: AgencyService, agency_sim: AgencySimulator, config: KioskConfig
) -> None:
    agency_sim.faults.add(parse_fault("cgd=reset"))
    service.run(DEMO)
    service.run(opted_out(DEMO), actor="cli:tester")
    text = (config.kiosk.data_dir / AUDIT_FILE).read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    first, second = (line for line in lines if line["event"] == "check")
    assert (first["event"], first["actor"], first["kiosk"]) == ("check", "kiosk", "offline-test")
    assert re.fullmatch(r"[0-9a-f]{64}", first["citizen"])
    assert second["citizen"] == first["citizen"]  # linkable on this kiosk, by nobody else
    assert first["detail"] == {
        "keep_snapshots": True,
        "network": "degraded",
        "source_live": 6,
        "source_none": 1,
    }
    assert (second["actor"], second["detail"]["keep_snapshots"]) == ("cli:tester", False)
    assert DEMO.cid not in text
    # The opted-out check also deletes the citizen's snapshots, audited as `cache.forget`.
    assert [line["event"] for line in lines] == ["check", "check", "cache.forget"]
    assert service.health().audit_lines == 3


@pytest.mark.parametrize(
    ("fault", "network"),
    [
        (None, NetworkState.ONLINE),
        ("sso=reset", NetworkState.DEGRADED),
        ("all=status:503", NetworkState.OFFLINE),
    ],
)
def test_the_network_field_says_what_the_check_saw_even_when_the_cache_answers(
    service: AgencyService, agency_sim: AgencySimulator, fault: str | None, network: NetworkState
) -> None:
    service.run(DEMO)
    assert service.flush_snapshots(LIVENESS)
    if fault is not None:
        agency_sim.faults.add(parse_fault(fault))
    assert service.run(DEMO).network is network


def test_a_check_reports_each_answer_as_it_lands(service: AgencyService) -> None:
    """(A session that ends stops hearing its check in the port: tests/gui/test_workers.py.)"""
    landed: list[str] = []
    outcome = service.run(DEMO, on_result=lambda r: landed.append(r.agency))
    assert sorted(landed) == sorted(ORDER)
    assert tuple(r.agency for r in outcome.results) == ORDER


def test_a_broken_result_callback_costs_no_answer(
    service: AgencyService, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(result: AgencyResult) -> None:
        raise RuntimeError(DEMO.cid)

    with caplog.at_level(logging.ERROR):
        outcome = service.run(DEMO, on_result=broken)
    assert {r.source for r in outcome.results} == {ResultSource.LIVE}
    assert "on_result failed for nhso (RuntimeError)" in caplog.text
    assert DEMO.cid not in caplog.text


def test_close_joins_every_thread_even_with_a_check_hanging(
    config: KioskConfig, agency_sim: AgencySimulator
) -> None:
    service = AgencyService.from_config(config, monitor=QUIET_MONITOR).start()
    agency_sim.faults.add(parse_fault("all=hang"))
    worker = threading.Thread(target=service.run, args=(DEMO,), name="a-worker")  # the kiosk's
    worker.start()
    wait_until(lambda: any(name.startswith("agency-nhso") for name in service_threads()))
    service.close()  # waits out the check (deadline 1 s), then stops monitor and writer
    assert service_threads() == []
    worker.join(LIVENESS)
    assert not worker.is_alive()
    with pytest.raises(RuntimeError, match="closed"):
        service.run(DEMO)


def test_health_reports_probes_breakers_network_and_cache(
    make_service: Callable[..., AgencyService], agency_sim: AgencySimulator
) -> None:
    service = make_service(
        MonitorSettings(interval_s=0.1, down_interval_s=0.1, probe_timeout_s=0.5, tick_s=0.02)
    )
    wait_until(lambda: service.health().network is NetworkState.ONLINE)
    wait_until(lambda: all(a.up for a in service.health().agencies))
    health = service.health()
    assert [a.agency for a in health.agencies] == list(ORDER)
    assert {a.breaker for a in health.agencies} == {BreakerState.CLOSED}
    assert health.cache is not None
    assert health.cache.state is HealthState.OK
    assert health.cache_problem is None
    json.dumps(health.to_json())  # maintenance mode shows it as is

    agency_sim.faults.add(parse_fault("sso=reset"))
    wait_until(lambda: service.health().network is NetworkState.DEGRADED)
    sso = next(a for a in service.health().agencies if a.agency == "sso")
    assert sso.up is False
    assert sso.detail


def test_a_key_file_that_cannot_be_read_leaves_a_live_service_without_cache_or_audit(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    key_dir = tmp_path / "key-is-a-folder"
    key_dir.mkdir()
    config = validate_config(
        {
            "kiosk": {"data_dir": str(tmp_path / "data"), "key_file": str(key_dir)},
            "agencies": agency_sim.agency_tables(),
        }
    )
    with AgencyService.from_config(config) as service:
        problem = service.cache_problem()
        assert problem is not None
        assert "cannot be read" in problem
        outcome = service.run(DEMO)
        assert {r.source for r in outcome.results} == {ResultSource.LIVE}
        assert service.forget_citizen(DEMO.cid) is None
    assert not (tmp_path / "data" / "cache.db").exists()
    assert service_threads() == []
