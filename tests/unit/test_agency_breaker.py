"""The circuit breaker's states, on a clock the test moves by hand."""

from __future__ import annotations

import pytest

from adapters.breaker import BreakerState, CircuitBreaker


class ManualClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def test_opens_after_threshold_consecutive_failures(clock: ManualClock) -> None:
    breaker = CircuitBreaker(threshold=3, cooldown_s=10, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allows_request()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allows_request()


def test_a_success_resets_the_count(clock: ManualClock) -> None:
    breaker = CircuitBreaker(threshold=2, cooldown_s=10, clock=clock)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_probe_is_due_only_after_the_cooldown(clock: ManualClock) -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    assert not breaker.probe_due()
    assert not breaker.begin_probe()
    clock.now += 10
    assert breaker.probe_due()
    assert breaker.begin_probe()
    assert breaker.state is BreakerState.HALF_OPEN
    assert not breaker.allows_request()  # citizens still skip it while the probe runs
    assert not breaker.begin_probe()  # one probe at a time


def test_a_good_probe_closes_it(clock: ManualClock) -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.now += 10
    breaker.begin_probe()
    breaker.end_probe(ok=True)
    assert breaker.state is BreakerState.CLOSED
    assert breaker.failures == 0
    assert breaker.allows_request()


def test_a_failed_probe_reopens_with_a_longer_cooldown(clock: ManualClock) -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=10, max_cooldown_s=25, clock=clock)
    breaker.record_failure()
    clock.now += 10
    breaker.begin_probe()
    breaker.end_probe(ok=False)
    assert breaker.state is BreakerState.OPEN
    clock.now += 19
    assert not breaker.probe_due()
    clock.now += 1
    assert breaker.begin_probe()
    breaker.end_probe(ok=False)
    clock.now += 24
    assert not breaker.probe_due()  # capped at 25 s, not 40
    clock.now += 1
    assert breaker.probe_due()


def test_calls_finishing_while_open_do_not_change_it(clock: ManualClock) -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    breaker.record_success()  # a straggler from before it opened
    assert breaker.state is BreakerState.OPEN


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(threshold=0)
