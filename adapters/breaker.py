"""A circuit breaker per agency: after repeated failures, skip the agency at once.

States: `closed` (calls go through), `open` (calls are skipped with reason CIRCUIT_OPEN), and
`half_open` (one background probe is under way; calls are still skipped). The breaker itself never
probes: a background prober (the kiosk's connectivity monitor) asks `begin_probe()` when the
cool-down has passed, probes the agency's endpoint, and reports with `end_probe(ok)`. So a
citizen's request never pays for finding out whether a dead agency is back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    """Where the breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Thread-safe breaker. `threshold` consecutive failures open it for `cooldown_s`.

    Each failed probe doubles the cool-down, up to `max_cooldown_s`; a good probe closes it.
    """

    def __init__(
        self,
        *,
        threshold: int = 3,
        cooldown_s: float = 10.0,
        max_cooldown_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self.base_cooldown_s = cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._cooldown_s = cooldown_s
        self._retry_at = 0.0

    @property
    def state(self) -> BreakerState:
        """The current state."""
        with self._lock:
            return self._state

    @property
    def failures(self) -> int:
        """Consecutive failures counted so far."""
        with self._lock:
            return self._failures

    def allows_request(self) -> bool:
        """True when a citizen's request may go to the agency (the breaker is closed)."""
        with self._lock:
            return self._state is BreakerState.CLOSED

    def record_success(self) -> None:
        """A call answered: forget past failures."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                self._failures = 0

    def record_failure(self) -> None:
        """A call failed (no answer, refused, 5xx); the `threshold`-th in a row opens it."""
        with self._lock:
            if self._state is not BreakerState.CLOSED:
                return
            self._failures += 1
            if self._failures >= self.threshold:
                self._open(self.base_cooldown_s)

    def probe_due(self) -> bool:
        """True when the breaker is open and its cool-down has passed."""
        with self._lock:
            return self._state is BreakerState.OPEN and self._clock() >= self._retry_at

    def begin_probe(self) -> bool:
        """Move to half-open if a probe is due; True means the caller must probe and report."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._clock() >= self._retry_at:
                self._state = BreakerState.HALF_OPEN
                return True
            return False

    def end_probe(self, ok: bool) -> None:
        """Report the probe: closed again when it answered, else open for longer."""
        with self._lock:
            if self._state is not BreakerState.HALF_OPEN:
                return
            if ok:
                self._state = BreakerState.CLOSED
                self._failures = 0
                self._cooldown_s = self.base_cooldown_s
            else:
                self._open(min(self._cooldown_s * 2, self.max_cooldown_s))

    def _open(self, cooldown_s: float) -> None:
        self._state = BreakerState.OPEN
        self._cooldown_s = cooldown_s
        self._retry_at = self._clock() + cooldown_s
