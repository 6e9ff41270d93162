"""The connectivity monitor: a background thread that probes each agency's own endpoint.

It keeps an up/down view per agency (`is_down`, `view`, `network`) that the check uses to skip an
agency seen down straight to the cache, so a dead network costs no timeout. It is also where an
open circuit breaker gets its half-open probe once the cool-down has passed: in the background,
never on a citizen's request. Probes carry no CID (`AgencyAdapter.probe`).

Agencies are probed every `interval_s` while up and every `down_interval_s` while down, all of a
round in parallel, each within `probe_timeout_s`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from adapters.answer import bangkok_now
from adapters.base import AgencyAdapter, HealthProbe
from adapters.breaker import CircuitBreaker
from adapters.deadline import Deadline
from kiosk.agencies.check import NetworkState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AgencyHealth:
    """What the monitor last saw of one agency (`up` is None before the first probe)."""

    agency: str
    up: bool | None = None
    checked_at: datetime | None = None
    latency_s: float | None = None
    detail: str = ""


class ConnectivityMonitor:
    """Probes agencies in the background; thread-safe to read from any thread."""

    def __init__(
        self,
        adapters: Sequence[AgencyAdapter],
        *,
        breakers: Mapping[str, CircuitBreaker] | None = None,
        interval_s: float = 30.0,
        down_interval_s: float = 10.0,
        probe_timeout_s: float = 3.0,
        tick_s: float = 0.5,
        on_change: Callable[[AgencyHealth], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.adapters = tuple(adapters)
        self.breakers = dict(breakers or {})
        self.interval_s = interval_s
        self.down_interval_s = down_interval_s
        self.probe_timeout_s = probe_timeout_s
        self.tick_s = tick_s
        self._on_change = on_change
        self._clock = clock
        self._lock = threading.Lock()
        self._view = {a.id: AgencyHealth(a.id) for a in self.adapters}
        self._next_at = dict.fromkeys(self._view, 0.0)  # probe everyone on the first round
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # --- reading -------------------------------------------------------------------------------

    def is_down(self, agency_id: str) -> bool:
        """True when the agency's last probe failed (unknown counts as up)."""
        with self._lock:
            health = self._view.get(agency_id)
        return health is not None and health.up is False

    def view(self) -> dict[str, AgencyHealth]:
        """Every agency's last probe."""
        with self._lock:
            return dict(self._view)

    def network(self) -> NetworkState:
        """Online when no agency is seen down, offline when all are, degraded in between."""
        with self._lock:
            down = sum(1 for h in self._view.values() if h.up is False)
            total = len(self._view)
        if down == 0:
            return NetworkState.ONLINE
        return NetworkState.OFFLINE if down == total else NetworkState.DEGRADED

    # --- running -------------------------------------------------------------------------------

    def start(self) -> ConnectivityMonitor:
        """Start the background thread; the first round of probes begins at once."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="agency-connectivity", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the round under way (which ends within `probe_timeout_s`)."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        self._wake.set()
        thread.join(self.probe_timeout_s + 1.0 if timeout is None else timeout)
        self._thread = None

    def __enter__(self) -> ConnectivityMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def probe_soon(self) -> None:
        """Probe every agency on the next tick (e.g. a technician's "test connection")."""
        with self._lock:
            for agency_id in self._next_at:
                self._next_at[agency_id] = 0.0
        self._wake.set()

    def probe(self, agency_id: str) -> HealthProbe:
        """Probe one agency now, on this thread, within `probe_timeout_s`, and keep what it
        says (maintenance mode's "probe"). Raises KeyError for an agency it does not watch."""
        adapter = next((a for a in self.adapters if a.id == agency_id), None)
        if adapter is None:
            raise KeyError(agency_id)
        found: dict[str, HealthProbe] = {}
        _probe(adapter, Deadline.after(self.probe_timeout_s), found)
        probe = found[agency_id]
        self._record(agency_id, probe)
        return probe

    def run_round(self) -> None:
        """Probe now whatever is due: breakers past their cool-down and periodic probes."""
        now = self._clock()
        due: list[tuple[AgencyAdapter, bool]] = []
        for adapter in self.adapters:
            breaker = self.breakers.get(adapter.id)
            if breaker is not None and breaker.begin_probe():
                due.append((adapter, True))  # the breaker's half-open trial
                continue
            with self._lock:
                periodic = now >= self._next_at[adapter.id]
            if periodic:
                due.append((adapter, False))
        if not due:
            return
        probes: dict[str, HealthProbe] = {}
        deadline = Deadline.after(self.probe_timeout_s)
        threads = [
            threading.Thread(
                target=_probe,
                args=(adapter, deadline, probes),
                name=f"agency-probe-{adapter.id}",
                daemon=True,  # a plug-in whose probe ignores its deadline must not block exit
            )
            for adapter, _ in due
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(deadline.remaining() + 0.5)
        for adapter, trial in due:
            probe = probes.get(adapter.id) or HealthProbe(False, None, "probe did not finish")
            if trial:
                self.breakers[adapter.id].end_probe(probe.ok)
            self._record(adapter.id, probe)

    def _record(self, agency_id: str, probe: HealthProbe) -> None:
        health = AgencyHealth(
            agency=agency_id,
            up=probe.ok,
            checked_at=bangkok_now(),
            latency_s=probe.latency_s,
            detail=probe.detail,
        )
        with self._lock:
            before = self._view[agency_id].up
            self._view[agency_id] = health
            wait = self.interval_s if probe.ok else self.down_interval_s
            self._next_at[agency_id] = self._clock() + wait
        if before != probe.ok:
            log.info("agency %s is %s", agency_id, "up" if probe.ok else "down")
            if self._on_change is not None:
                self._on_change(health)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_round()
            except Exception:  # the monitor must outlive a bug in one probe round
                log.exception("connectivity round failed")
            self._wake.wait(self.tick_s)
            self._wake.clear()


def _probe(adapter: AgencyAdapter, deadline: Deadline, out: dict[str, HealthProbe]) -> None:
    try:
        out[adapter.id] = adapter.probe(deadline)
    except Exception as exc:  # noqa: BLE001 - a plug-in's probe must not stop the monitor
        out[adapter.id] = HealthProbe(False, None, f"probe failed ({type(exc).__name__})")
