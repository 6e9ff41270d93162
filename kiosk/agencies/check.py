"""The check: every enabled agency asked in parallel, each answer delivered as it lands.

`AgencyCheck.results(identity)` yields one `AgencyResult` per agency as soon as it is known;
`AgencyCheck.run(identity, on_result)` does the same through a callback and returns the whole
`CheckOutcome`. Both are blocking calls meant for a worker thread (the UI draws tiles from the
callback, by signal); callbacks and hooks run on the calling thread.

One deadline (`agencies.timeout_s`) covers everything, token calls included. When it passes,
agencies still out are `unavailable` with reason TIMEOUT. Each agency runs on its own daemon
thread, so a straggler neither delays the answer nor holds the process open at exit.

Before asking, the check skips an agency the connectivity monitor sees down (reason OFFLINE) or
whose circuit breaker is open (reason CIRCUIT_OPEN): with the network down the answer comes at
once instead of at the deadline. Breakers count failures here; their recovery probes run in the
background (`kiosk.agencies.connectivity`), never on a citizen's request.

Seams for the offline cache (hooks given to the constructor):
- `fallback(identity, result) -> result` is applied to every result whose live answer failed
  (status `unavailable` or `error`, skipped agencies included) — e.g. return the last snapshot
  with `result.with_source(ResultSource.CACHE, reason=..., message=...)`, or `result` unchanged.
- `on_live(identity, result)` receives every live answer (`ok` or `not_found`) before it is
  delivered — e.g. to write its snapshot. `run(..., keep_snapshots=False)` (the citizen opted
  out) skips it. When `run` returns, every `on_live` call has returned.
- `run(..., fallback=hook)` / `results(..., fallback=hook)` replace the constructor's fallback for
  one check: what only that check knows (the NHSO applet read from the citizen's card, the
  snapshots read for that citizen) reaches the fallback without the adapters seeing it.
- `on_asked(result, elapsed_s)` is told each asked agency's own result (before any fallback)
  and how long it took — the deadline for one that did not answer — for the metrics' latency
  histogram. Skipped agencies were not asked: it is not called for them.
A hook that raises is logged (type only) and the result goes on unchanged.

The agency threads a check starts end by themselves shortly after its deadline; `join_workers`
waits for them (an owner's clean shutdown).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from adapters.answer import bangkok_now, failed_result
from adapters.base import (
    AgencyAdapter,
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    FailureReason,
    ResultSource,
)
from adapters.breaker import CircuitBreaker
from adapters.deadline import Deadline

log = logging.getLogger(__name__)

Fallback = Callable[[CitizenIdentity, AgencyResult], AgencyResult]
OnLive = Callable[[CitizenIdentity, AgencyResult], None]
OnResult = Callable[[AgencyResult], None]
OnAsked = Callable[[AgencyResult, float], None]

# Live failures that say the agency could not be reached in time: they feed the breaker and
# count as "down" for the network summary.
UNREACHED = frozenset(
    {FailureReason.TIMEOUT, FailureReason.UNREACHABLE, FailureReason.SERVER_ERROR}
)
DOWN = UNREACHED | {FailureReason.OFFLINE, FailureReason.CIRCUIT_OPEN}


class NetworkState(StrEnum):
    """The `network` field of `kiosk check --json`."""

    ONLINE = "online"  # every agency reached
    DEGRADED = "degraded"  # some agencies down
    OFFLINE = "offline"  # every agency down


class AgencyHealthView(Protocol):
    """What the check asks the connectivity monitor."""

    def is_down(self, agency_id: str) -> bool:
        """True when the agency's last background probe failed."""
        ...


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """Every enabled agency's result, in the adapters' order."""

    checked_at: datetime
    results: tuple[AgencyResult, ...]
    network: NetworkState
    elapsed_s: float

    def result(self, agency_id: str) -> AgencyResult:
        """One agency's result."""
        for result in self.results:
            if result.agency == agency_id:
                return result
        raise KeyError(agency_id)


def network_state(results: Sequence[AgencyResult]) -> NetworkState:
    """Online when every agency was reached, offline when none was, degraded in between."""
    down = sum(1 for r in results if r.reason in DOWN)
    if down == 0:
        return NetworkState.ONLINE
    return NetworkState.OFFLINE if down == len(results) else NetworkState.DEGRADED


class _Round:
    """One check's mailbox: workers post results until the collector closes it at the deadline."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.closed = False
        self.inbox: queue.SimpleQueue[tuple[int, AgencyResult]] = queue.SimpleQueue()

    def post(self, index: int, result: AgencyResult) -> None:
        with self.lock:
            if not self.closed:  # after the deadline nobody reads it: drop
                self.inbox.put((index, result))

    def close(self) -> list[tuple[int, AgencyResult]]:
        """Stop accepting; return what was posted in time and not yet read."""
        with self.lock:
            self.closed = True
        late: list[tuple[int, AgencyResult]] = []
        while True:
            try:
                late.append(self.inbox.get_nowait())
            except queue.Empty:
                return late


class AgencyCheck:
    """Asks every adapter in parallel within one deadline. Reusable and thread-safe."""

    def __init__(
        self,
        adapters: Sequence[AgencyAdapter],
        *,
        timeout_s: float,
        breakers: Mapping[str, CircuitBreaker] | None = None,
        health: AgencyHealthView | None = None,
        fallback: Fallback | None = None,
        on_live: OnLive | None = None,
        on_asked: OnAsked | None = None,
        now: Callable[[], datetime] = bangkok_now,
    ) -> None:
        self.adapters = tuple(adapters)
        self.timeout_s = timeout_s
        self.breakers: dict[str, CircuitBreaker] = dict(breakers or {})
        for adapter in self.adapters:
            self.breakers.setdefault(adapter.id, CircuitBreaker())
        self._health = health
        self._fallback = fallback
        self._on_live = on_live
        self._on_asked = on_asked
        self._now = now
        self._workers_lock = threading.Lock()
        self._workers: set[threading.Thread] = set()

    def run(
        self,
        identity: CitizenIdentity,
        on_result: OnResult | None = None,
        *,
        keep_snapshots: bool = True,
        fallback: Fallback | None = None,
    ) -> CheckOutcome:
        """Ask every agency; call `on_result` with each result as it lands; return them all.

        `fallback`, when given, replaces the constructor's fallback for this check."""
        started = time.monotonic()
        checked_at = self._now()
        got: dict[str, AgencyResult] = {}
        for result in self.results(identity, keep_snapshots=keep_snapshots, fallback=fallback):
            got[result.agency] = result
            if on_result is not None:
                on_result(result)
        ordered = tuple(got[a.id] for a in self.adapters)
        return CheckOutcome(
            checked_at=checked_at,
            results=ordered,
            network=network_state(ordered),
            elapsed_s=time.monotonic() - started,
        )

    def results(
        self,
        identity: CitizenIdentity,
        *,
        keep_snapshots: bool = True,
        fallback: Fallback | None = None,
    ) -> Iterator[AgencyResult]:
        """Yield each agency's result as soon as it is known; the last by the deadline."""
        hooks = _Hooks(fallback or self._fallback, self._on_live if keep_snapshots else None)
        deadline = Deadline.after(self.timeout_s)
        started = time.monotonic()
        mailbox = _Round()
        pending: dict[int, AgencyAdapter] = {}
        skipped: list[AgencyResult] = []
        for index, adapter in enumerate(self.adapters):
            reason = self._skip_reason(adapter.id)
            if reason is not None:
                skipped.append(failed_result(adapter.id, reason, _SKIP_MESSAGES[reason]))
                continue
            pending[index] = adapter
            self._start_worker(adapter, identity, deadline, index, mailbox)
        for result in skipped:
            yield self._finish(identity, result, hooks)
        while pending:
            try:
                index, result = mailbox.inbox.get(timeout=deadline.remaining())
            except queue.Empty:
                break
            self._observe(result, time.monotonic() - started)
            yield self._delivered(pending.pop(index), identity, result, hooks)
        if not pending:
            return
        for index, result in mailbox.close():
            self._observe(result, time.monotonic() - started)
            yield self._delivered(pending.pop(index), identity, result, hooks)
        for adapter in pending.values():
            self.breakers[adapter.id].record_failure()
            late = failed_result(
                adapter.id, FailureReason.TIMEOUT, f"no answer within {self.timeout_s:g} s"
            )
            self._observe(late, self.timeout_s)
            yield self._finish(identity, late, hooks)

    def join_workers(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for every agency thread still running (stragglers end
        shortly after their check's deadline); False if some are still running."""
        end = time.monotonic() + timeout
        while True:
            with self._workers_lock:
                workers = list(self._workers)
            if not workers:
                return True
            for worker in workers:
                worker.join(max(0.0, end - time.monotonic()))
            if time.monotonic() >= end:
                with self._workers_lock:
                    return not self._workers

    def _start_worker(
        self,
        adapter: AgencyAdapter,
        identity: CitizenIdentity,
        deadline: Deadline,
        index: int,
        mailbox: _Round,
    ) -> None:
        def work() -> None:
            try:
                _ask(adapter, identity, deadline, index, mailbox)
            finally:
                with self._workers_lock:
                    self._workers.discard(worker)

        worker = threading.Thread(
            target=work,
            name=f"agency-{adapter.id}",
            daemon=True,  # a straggler must not hold the process open at exit
        )
        with self._workers_lock:
            self._workers.add(worker)
        worker.start()

    def _observe(self, result: AgencyResult, elapsed_s: float) -> None:
        if self._on_asked is None:
            return
        try:
            self._on_asked(result, elapsed_s)
        except Exception as exc:  # noqa: BLE001 - metrics must never cost an answer
            log.error("on_asked hook failed for %s (%s)", result.agency, type(exc).__name__)

    def _skip_reason(self, agency_id: str) -> FailureReason | None:
        if self._health is not None and self._health.is_down(agency_id):
            return FailureReason.OFFLINE
        if not self.breakers[agency_id].allows_request():
            return FailureReason.CIRCUIT_OPEN
        return None

    def _delivered(
        self,
        adapter: AgencyAdapter,
        identity: CitizenIdentity,
        result: AgencyResult,
        hooks: _Hooks,
    ) -> AgencyResult:
        breaker = self.breakers[adapter.id]
        if result.reason in UNREACHED:
            breaker.record_failure()
        elif result.reason is not FailureReason.INTERNAL:
            breaker.record_success()
        return self._finish(identity, result, hooks)

    def _finish(
        self, identity: CitizenIdentity, result: AgencyResult, hooks: _Hooks
    ) -> AgencyResult:
        live = result.source is ResultSource.LIVE and result.status in _ANSWERED
        if live:
            if hooks.on_live is not None:
                try:
                    hooks.on_live(identity, result)
                except Exception as exc:  # noqa: BLE001 - a cache failure must not cost the answer
                    log.error("on_live hook failed for %s (%s)", result.agency, type(exc).__name__)
            return result
        if hooks.fallback is None:
            return result
        try:
            return hooks.fallback(identity, result)
        except Exception as exc:  # noqa: BLE001 - the live failure still stands
            log.error("fallback hook failed for %s (%s)", result.agency, type(exc).__name__)
            return result


@dataclass(frozen=True, slots=True)
class _Hooks:
    """The hooks of one check: its fallback, and `on_live` unless the citizen opted out."""

    fallback: Fallback | None
    on_live: OnLive | None


_ANSWERED = frozenset({AgencyStatus.OK, AgencyStatus.NOT_FOUND})
_SKIP_MESSAGES = {
    FailureReason.OFFLINE: "skipped: the agency is not reachable (background probe)",
    FailureReason.CIRCUIT_OPEN: "skipped: the agency failed repeatedly; retried in background",
}


def _ask(
    adapter: AgencyAdapter,
    identity: CitizenIdentity,
    deadline: Deadline,
    index: int,
    mailbox: _Round,
) -> None:
    """One agency's worker: its result, or INTERNAL if the adapter broke its contract."""
    try:
        result = adapter.check(identity, deadline)
        if not isinstance(result, AgencyResult) or result.agency != adapter.id:
            raise TypeError("check() must return this agency's AgencyResult")
    except Exception as exc:  # noqa: BLE001 - becomes an INTERNAL result, frames logged
        # Frames only: an exception's text may quote a URL with the CID in it.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("agency %s: adapter raised %s\n%s", adapter.id, type(exc).__name__, frames)
        result = failed_result(adapter.id, FailureReason.INTERNAL, "the adapter failed")
    mailbox.post(index, result)
