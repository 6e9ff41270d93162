"""The parallel check and the connectivity monitor, against the simulator over real HTTP."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest

from adapters.base import (
    AgencyAdapter,
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    FailureReason,
    HealthProbe,
    ResultSource,
)
from adapters.breaker import BreakerState, CircuitBreaker
from adapters.deadline import Deadline
from adapters.simulator import AgencySimulator, parse_fault
from kiosk.agencies.check import AgencyCheck, NetworkState
from kiosk.agencies.connectivity import ConnectivityMonitor
from kiosk.agencies.roster import AgencySet

LIVENESS = 5.0
DEMO = CitizenIdentity("1120100345899")
ORDER = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")


def wait_until(condition: Callable[[], bool], bound: float = LIVENESS) -> None:
    end = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < end, "condition not reached within the liveness bound"
        time.sleep(0.01)


def test_every_agency_answers_once_in_enabled_order(sim_agencies: AgencySet) -> None:
    outcome = AgencyCheck(sim_agencies.adapters, timeout_s=3.0).run(DEMO)
    assert tuple(r.agency for r in outcome.results) == ORDER
    assert all(r.source is ResultSource.LIVE for r in outcome.results)
    assert outcome.network is NetworkState.ONLINE
    assert outcome.checked_at.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    assert outcome.result("sso").entitlements[0].code == "SSO_S40"


def test_results_are_delivered_as_they_land(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("farmer=latency:300"))
    agency_sim.faults.add(parse_fault("nhso=latency:700"))
    check = AgencyCheck(sim_agencies.adapters, timeout_s=3.0)
    check.run(DEMO)  # tokens in hand first, so only the agencies' own latency counts
    started = time.monotonic()
    landed: list[tuple[str, float]] = []
    outcome = check.run(DEMO, lambda r: landed.append((r.agency, time.monotonic() - started)))
    assert [agency for agency, _ in landed][-2:] == ["farmer", "nhso"]
    first_at, last_at = landed[0][1], landed[-1][1]
    assert last_at - first_at >= 0.6  # the fast ones did not wait for the slow one
    assert tuple(r.agency for r in outcome.results) == ORDER  # the outcome keeps config order


def test_the_iterator_yields_each_agency_once(sim_agencies: AgencySet) -> None:
    check = AgencyCheck(sim_agencies.adapters, timeout_s=3.0)
    assert sorted(r.agency for r in check.results(DEMO)) == sorted(ORDER)


def test_a_hanging_agency_is_timed_out_and_the_others_answer(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("welfare=hang"))
    check = AgencyCheck(sim_agencies.adapters, timeout_s=0.8)
    outcome = check.run(DEMO)
    assert outcome.elapsed_s < LIVENESS
    welfare = outcome.result("welfare")
    assert (welfare.status, welfare.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.TIMEOUT)
    assert welfare.source is ResultSource.NONE
    assert outcome.result("nhso").status is AgencyStatus.OK
    assert outcome.network is NetworkState.DEGRADED
    assert check.breakers["welfare"].failures == 1


def test_everything_hanging_still_answers_by_the_deadline(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("all=hang"))
    outcome = AgencyCheck(sim_agencies.adapters, timeout_s=0.5).run(DEMO)
    assert outcome.elapsed_s < LIVENESS
    assert {r.reason for r in outcome.results} == {FailureReason.TIMEOUT}
    assert outcome.network is NetworkState.OFFLINE


# --- the seams for the offline cache ------------------------------------------------------------


def test_fallback_gets_every_failed_result_and_on_live_every_answer(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("sso=malformed"))
    agency_sim.faults.add(parse_fault("cgd=status:503"))
    fell_back: list[str] = []
    lived: list[tuple[str, AgencyStatus]] = []

    def fallback(identity: CitizenIdentity, result: AgencyResult) -> AgencyResult:
        assert identity == DEMO
        fell_back.append(result.agency)
        return result.with_source(ResultSource.CACHE, reason=result.reason, message="cached")

    def on_live(identity: CitizenIdentity, result: AgencyResult) -> None:
        lived.append((result.agency, result.status))

    check = AgencyCheck(sim_agencies.adapters, timeout_s=3.0, fallback=fallback, on_live=on_live)
    outcome = check.run(DEMO)
    assert sorted(fell_back) == ["cgd", "sso"]
    assert sorted(lived) == sorted(
        [
            ("nhso", AgencyStatus.OK),
            ("welfare", AgencyStatus.OK),
            ("elderly", AgencyStatus.NOT_FOUND),
            ("disability", AgencyStatus.NOT_FOUND),
            ("farmer", AgencyStatus.NOT_FOUND),
        ]
    )
    sso = outcome.result("sso")
    assert (sso.source, sso.reason, sso.message) == (
        ResultSource.CACHE,
        FailureReason.BAD_ANSWER,
        "cached",
    )


def test_an_opted_out_citizen_gets_no_on_live_call(sim_agencies: AgencySet) -> None:
    lived: list[str] = []
    check = AgencyCheck(
        sim_agencies.adapters, timeout_s=3.0, on_live=lambda _i, r: lived.append(r.agency)
    )
    check.run(DEMO, keep_snapshots=False)
    assert lived == []


def test_a_failing_hook_is_logged_and_the_result_stands(
    sim_agencies: AgencySet, agency_sim: AgencySimulator, caplog: pytest.LogCaptureFixture
) -> None:
    agency_sim.faults.add(parse_fault("farmer=malformed"))

    def broken(identity: CitizenIdentity, result: AgencyResult) -> AgencyResult:
        raise RuntimeError(identity.cid)

    def broken_live(identity: CitizenIdentity, result: AgencyResult) -> None:
        raise RuntimeError(identity.cid)

    check = AgencyCheck(sim_agencies.adapters, timeout_s=3.0, fallback=broken, on_live=broken_live)
    with caplog.at_level(logging.ERROR, logger="kiosk.agencies.check"):
        outcome = check.run(DEMO)
    assert outcome.result("farmer").reason is FailureReason.BAD_ANSWER
    assert outcome.result("nhso").status is AgencyStatus.OK
    assert "fallback hook failed for farmer (RuntimeError)" in caplog.text
    assert DEMO.cid not in caplog.text


class FakeBrokenAdapter(AgencyAdapter):
    """A fake: an adapter with a bug (raises), which no real part here can produce."""

    id = "broken"
    name_th = "ทดสอบ"
    name_en = "Broken"

    def check(self, identity: CitizenIdentity, deadline: Deadline) -> AgencyResult:
        raise ValueError(f"lookup failed for {identity.cid}")

    def probe(self, deadline: Deadline) -> HealthProbe:
        raise ValueError("probe bug")


def test_an_adapter_that_raises_is_an_internal_error_logged_without_its_text(
    sim_agencies: AgencySet, caplog: pytest.LogCaptureFixture
) -> None:
    adapters = (*sim_agencies.adapters[:2], FakeBrokenAdapter())
    with caplog.at_level(logging.ERROR, logger="kiosk.agencies.check"):
        outcome = AgencyCheck(adapters, timeout_s=3.0).run(DEMO)
    broken = outcome.result("broken")
    assert (broken.status, broken.reason) == (AgencyStatus.ERROR, FailureReason.INTERNAL)
    assert "adapter raised ValueError" in caplog.text
    assert DEMO.cid not in caplog.text


# --- circuit breaker and connectivity monitor ----------------------------------------------------


def test_breaker_opens_after_repeated_failures_and_then_skips_without_traffic(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("sso=reset"))
    check = AgencyCheck(sim_agencies.adapters, timeout_s=2.0)
    for _ in range(3):
        assert check.run(DEMO).result("sso").reason is FailureReason.UNREACHABLE
    assert check.breakers["sso"].state is BreakerState.OPEN
    before = agency_sim.stats()["sso"]
    outcome = check.run(DEMO)
    sso = outcome.result("sso")
    assert (sso.status, sso.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.CIRCUIT_OPEN)
    assert agency_sim.stats()["sso"] == before  # skipped: nothing sent
    assert outcome.result("welfare").status is AgencyStatus.OK


def test_breaker_half_opens_in_the_background_and_closes_when_the_agency_is_back(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    breakers = {a.id: CircuitBreaker(threshold=2, cooldown_s=0.3) for a in sim_agencies}
    check = AgencyCheck(sim_agencies.adapters, timeout_s=2.0, breakers=breakers)
    agency_sim.faults.add(parse_fault("cgd=status:500"))
    check.run(DEMO)
    check.run(DEMO)
    assert breakers["cgd"].state is BreakerState.OPEN
    monitor = ConnectivityMonitor(
        sim_agencies.adapters, breakers=breakers, interval_s=3600, down_interval_s=3600, tick_s=0.05
    )
    with monitor:
        # While the agency is still failing, the background probe keeps the breaker open.
        wait_until(lambda: agency_sim.stats()["cgd"] >= 5)  # 2 checks x 2 tries + 1 probe
        assert breakers["cgd"].state in (BreakerState.OPEN, BreakerState.HALF_OPEN)
        skipped = check.run(DEMO).result("cgd")
        assert skipped.reason is FailureReason.CIRCUIT_OPEN
        agency_sim.faults.clear("cgd")
        wait_until(lambda: breakers["cgd"].state is BreakerState.CLOSED)
    assert check.run(DEMO).result("cgd").status is AgencyStatus.NOT_FOUND


def test_monitor_marks_agencies_down_and_the_check_skips_them(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    changes: list[tuple[str, bool | None]] = []
    monitor = ConnectivityMonitor(
        sim_agencies.adapters,
        interval_s=0.1,
        down_interval_s=0.1,
        tick_s=0.02,
        on_change=lambda h: changes.append((h.agency, h.up)),
    )
    check = AgencyCheck(sim_agencies.adapters, timeout_s=2.0, health=monitor)
    with monitor:
        wait_until(lambda: all(h.up for h in monitor.view().values()))
        assert monitor.network() is NetworkState.ONLINE
        agency_sim.faults.add(parse_fault("nhso=reset"))
        wait_until(lambda: monitor.is_down("nhso"))
        assert monitor.network() is NetworkState.DEGRADED
        before = agency_sim.stats().get("nhso.token", 0) + agency_sim.stats()["nhso"]
        outcome = check.run(DEMO)
        nhso = outcome.result("nhso")
        assert (nhso.status, nhso.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.OFFLINE)
        assert outcome.result("sso").status is AgencyStatus.OK
        assert outcome.network is NetworkState.DEGRADED

        agency_sim.faults.add(parse_fault("all=reset"))
        wait_until(lambda: monitor.network() is NetworkState.OFFLINE)
        stats_before = agency_sim.stats()
        monitor.stop()  # so that only the check could send anything now
        offline = check.run(DEMO)
        assert {r.reason for r in offline.results} == {FailureReason.OFFLINE}
        assert offline.network is NetworkState.OFFLINE
        assert agency_sim.stats() == stats_before  # answered with no request at all
    assert ("nhso", True) in changes
    assert ("nhso", False) in changes
    assert before >= 1


def test_monitor_survives_an_adapter_whose_probe_raises() -> None:
    monitor = ConnectivityMonitor([FakeBrokenAdapter()], tick_s=0.02)
    with monitor:
        wait_until(lambda: monitor.view()["broken"].up is False)
    assert "ValueError" in monitor.view()["broken"].detail
