"""The agency service: what the kiosk holds for its lifetime to ask agencies about citizens.

It owns the adapters, the check and its circuit breakers, the connectivity monitor, the offline
cache (the snapshot store and its writer thread) and the audit log, all built from a
`KioskConfig` (`AgencyService.from_config`). A check

- asks every enabled agency in parallel within `agencies.timeout_s` (`kiosk.agencies.check`);
- skips at once an agency the monitor sees down or whose breaker is open, so once the kiosk has
  seen the network fail, an answer costs no timeout (the first failure of a check also has the
  monitor probe at once);
- answers a failed agency from the card (NHSO, from the record on the citizen's card that the
  request carries: if the card read is still running, NHSO's failed answer waits a little for
  it) or from the cache (`kiosk.agencies.fallback`);
- queues every live `ok`/`not_found` answer for the snapshot writer, which never delays it —
  unless the citizen opted out (`CheckRequest.opt_out`): then nothing is written, the cache is
  not read for them, and their snapshots are deleted once the answers are out;
- writes one audit line (the keyed HMAC of the CID, never the CID);
- counts latencies, failures, cache hits, fallback answers and failed cache writes into the
  `KioskMetrics` passed in, if any (`kiosk.agencies.metrics`).

The cache is best-effort: a key file that cannot be read or a database that cannot be opened
leaves the service answering live (`cache_problem()` says why). Blocking calls (`run`,
`forget_citizen`) are for worker threads (the kiosk's: `ui.worker.WorkerAgencyChecking`).
`close()` joins every thread the service started. What `health()` reports is described in
`kiosk.agencies.health`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from adapters.answer import bangkok_now
from adapters.base import AgencyResult, CitizenIdentity, HealthProbe, ResultSource
from adapters.breaker import CircuitBreaker
from adapters.deadline import Deadline
from adapters.services.catalogue import Catalogue
from adapters.services.record import LookupResult
from kiosk.agencies.card_right import NHSO
from kiosk.agencies.check import AgencyCheck, CheckOutcome, OnResult
from kiosk.agencies.connectivity import ConnectivityMonitor
from kiosk.agencies.credentials import SealedCredentials
from kiosk.agencies.fallback import CitizenFallback, with_card_right
from kiosk.agencies.health import ServiceHealth, agency_reports
from kiosk.agencies.metrics import AgencyMetrics
from kiosk.agencies.roster import AgencySet, adapter_settings, build_agencies
from kiosk.agencies.snapshot_writer import SnapshotWriter
from kiosk.agencies.snapshots import load_cache_secret, open_snapshot_store
from kiosk.audit import AuditLog, open_audit_log
from kiosk.config import KioskConfig
from kiosk.metrics import KioskMetrics
from kiosk.records.catalogue import load_catalogue
from kiosk.records.desk import DeskStores, RecordDesk
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.check_request import CheckRequest
from offline_cache import CacheSecret, CacheStats, HealthState, KeyFileError, SnapshotStore

log = logging.getLogger(__name__)

CLOSE_GRACE_S = 1.0  # beyond a check's deadline, for its threads to notice and end
CARD_WAIT_S = 2.0  # the rest of a card read (the photo) takes well under a second
FORGET_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """How the connectivity monitor probes (see `kiosk.agencies.connectivity`)."""

    interval_s: float = 30.0
    down_interval_s: float = 10.0
    probe_timeout_s: float = 3.0
    tick_s: float = 0.5


class AgencyService:
    """Asks agencies about citizens, with the offline fallback; see the module docstring."""

    def __init__(
        self,
        agencies: AgencySet,
        *,
        timeout_s: float,
        store: SnapshotStore | None = None,
        audit: AuditLog | None = None,
        monitor: MonitorSettings | None = None,
        cache_problem: str | None = None,
        metrics: KioskMetrics | None = None,
        now: Callable[[], datetime] = bangkok_now,
        card_wait_s: float = CARD_WAIT_S,
        records: RecordDesk | None = None,
    ) -> None:
        self._agencies = agencies
        self._now = now
        self._card_wait_s = card_wait_s
        self._store = store
        self._audit = audit
        self._cache_problem = cache_problem
        self._metrics = AgencyMetrics(metrics) if metrics is not None else None
        self._writer = None
        if store is not None:
            sink = self._metrics.counted(store) if self._metrics is not None else store
            self._writer = SnapshotWriter(sink, now=now)
        on_live = None
        if self._writer is not None:
            writer = self._writer

            def on_live(identity: CitizenIdentity, result: AgencyResult) -> None:
                writer.save(identity.cid, result)

        # One breaker per agency, shared: the check counts failures, the monitor probes.
        breakers = {adapter.id: CircuitBreaker() for adapter in agencies.adapters}
        self._monitor = (
            ConnectivityMonitor(
                agencies.adapters,
                breakers=breakers,
                interval_s=monitor.interval_s,
                down_interval_s=monitor.down_interval_s,
                probe_timeout_s=monitor.probe_timeout_s,
                tick_s=monitor.tick_s,
            )
            if monitor is not None
            else None
        )
        self._check = AgencyCheck(
            agencies.adapters,
            timeout_s=timeout_s,
            breakers=breakers,
            health=self._monitor,
            on_live=on_live,
            on_asked=self._metrics.asked if self._metrics is not None else None,
            now=now,
        )
        self._lock = threading.Condition()
        self._closed = False
        self._running = 0  # checks under way (`run` calls, on any thread)
        self._threads: set[threading.Thread] = set()
        self._audit_counts = {"lines": 0, "failures": 0}
        self._records = (records or RecordDesk(Catalogue(), {}, {})).with_stores(
            DeskStores(
                keep=self._writer.save_entry if self._writer is not None else None,
                read=store.get if store is not None else None,
                audit=self._record,
            )
        )

    @classmethod
    def from_config(
        cls,
        config: KioskConfig,
        *,
        monitor: MonitorSettings | None = None,
        metrics: KioskMetrics | None = None,
    ) -> AgencyService:
        """Build the service: adapters (a `ConfigError` names a bad key), cache and audit log
        (best-effort: a problem is reported by `cache_problem()`, not raised). `monitor` None:
        no connectivity monitor (a one-shot `kiosk check`); the kiosk app passes settings.
        `metrics`: where checks are counted (the kiosk app's; None counts nothing)."""
        secret: CacheSecret | None = None
        problem: str | None = None
        try:
            secret = load_cache_secret(config)
        except KeyFileError as exc:
            problem = str(exc)  # names the key file, never a secret or a citizen
            log.warning("offline cache and audit log disabled: %s", problem)
        credentials = SealedCredentials(config.kiosk.data_dir, secret) if secret else None
        agencies = build_agencies(config, credentials=credentials)
        store: SnapshotStore | None = None
        audit: AuditLog | None = None
        records: RecordDesk | None = None
        try:
            records = RecordDesk.build(
                load_catalogue(config),
                lambda service_id: adapter_settings(config, service_id),
                agencies.context,
            )
            if secret is not None:
                store = open_snapshot_store(config, secret=secret)
                audit = open_audit_log(config, secret)
            return cls(
                agencies,
                timeout_s=config.agencies.timeout_s,
                store=store,
                audit=audit,
                monitor=monitor,
                cache_problem=problem,
                metrics=metrics,
                records=records,
            )
        except BaseException:
            if records is not None:
                records.close()
            agencies.close()
            if store is not None:
                store.close()
            raise

    # --- lifetime ------------------------------------------------------------------------------

    def start(self) -> AgencyService:
        """Start the snapshot writer and the connectivity monitor (its first probes at once)."""
        if self._writer is not None:
            self._writer.start()
        if self._monitor is not None:
            self._monitor.start()
        return self

    def close(self) -> None:
        """Stop taking checks, wait for those under way (each ends by its deadline), stop the
        monitor, write the queued snapshots, close adapters and the store. Joins every thread
        the service started."""
        grace = self._check.timeout_s + CLOSE_GRACE_S
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self._lock.wait_for(lambda: self._running == 0, grace):
                log.warning("closing while %d checks still run", self._running)
            threads = list(self._threads)
        for thread in threads:
            thread.join(grace)
        if not self._check.join_workers(grace):
            log.warning("an agency thread outlived its check's deadline (a plug-in's bug?)")
        if self._monitor is not None:
            self._monitor.stop()
        if self._writer is not None:
            self._writer.close()
        self._records.close()
        self._agencies.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> AgencyService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- checks --------------------------------------------------------------------------------

    @property
    def agencies(self) -> tuple[AgencyInfo, ...]:
        """The enabled agencies as the screens show them, in order."""
        return tuple(AgencyInfo.of(a) for a in self._agencies.adapters)

    @property
    def timeout_s(self) -> float:
        """The deadline of one check."""
        return self._check.timeout_s

    def run(
        self,
        request: CheckRequest,
        on_result: OnResult | None = None,
        *,
        actor: str = "kiosk",
    ) -> CheckOutcome:
        """Check one citizen on this thread: `on_result` gets each answer as it lands (a
        callback that raises is logged and skipped); returns when all are in, and, for a
        citizen who opted out, their snapshots are deleted. `actor` says who asked, for the
        audit line (`kiosk`, `cli:<user>`)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the agency service is closed")
            self._running += 1
        try:
            return self._run(request, on_result, actor)
        finally:
            if request.opt_out and self.forget_citizen(request.cid, FORGET_TIMEOUT_S) is None:
                log.warning("an opted-out citizen's snapshots could not be deleted now")
            with self._lock:
                self._running -= 1
                self._lock.notify_all()

    @property
    def records(self) -> RecordDesk:
        """The record services: the menu (`offered()`), the catalogue, what is not set up."""
        return self._records

    def lookup(
        self, service_id: str, cid: str, *, opt_out: bool = False, actor: str = "kiosk"
    ) -> LookupResult:
        """Ask one record service about one citizen, on this thread (up to the service's own
        deadline); see `kiosk.records.desk`. KeyError: no such record service;
        `ServiceNotReadyError`: it cannot be asked here."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the agency service is closed")
            self._running += 1
        try:
            return self._records.lookup(service_id, cid, opt_out=opt_out, actor=actor)
        finally:
            with self._lock:
                self._running -= 1
                self._lock.notify_all()

    def probe_now(self) -> None:
        """Have the connectivity monitor probe every agency on its next tick (a technician's
        "test connection"); nothing without a monitor."""
        if self._monitor is not None:
            self._monitor.probe_soon()

    def probe_agency(self, agency_id: str) -> HealthProbe:
        """Probe one agency's endpoint now, on this thread (maintenance mode's "probe"): no
        citizen, no credentials; the connectivity monitor keeps the result. Bounded by the
        monitor's probe timeout (the check's deadline without a monitor). KeyError for an
        agency that is not enabled."""
        if self._monitor is not None:
            return self._monitor.probe(agency_id)
        adapter = next((a for a in self._agencies.adapters if a.id == agency_id), None)
        if adapter is None:
            raise KeyError(agency_id)
        try:
            return adapter.probe(Deadline.after(self.timeout_s))
        except Exception as exc:  # noqa: BLE001 - a plug-in's probe must not fail the caller
            return HealthProbe(False, None, f"probe failed ({type(exc).__name__})")

    def purge_cache(self, *, everything: bool) -> int | None:
        """Delete the expired snapshots (older than the retention), or `everything` (and any
        database moved aside earlier): the number deleted, None when the cache could not (or
        there is none). Blocks on the database: call it off the GUI thread."""
        if self._store is None:
            return None
        if not everything:
            return self._store.purge_expired()
        deleted = self._store.purge_all()
        if deleted is not None:
            self._store.remove_set_aside()
        return deleted

    def flush_snapshots(self, timeout: float | None = None) -> bool:
        """Wait until the snapshots queued so far are written (or failed); False on timeout.
        Nothing needs this to be correct: it is for tests and for a technician's "sync now"."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def forget_citizen(self, cid: str, timeout: float | None = None) -> int | None:
        """Delete this citizen's snapshots (the consent screen's opt-out), after any of theirs
        still queued: the number deleted, or None when the cache could not (or there is none,
        or `timeout` passed). Blocks up to the store's busy timeout: call it off the GUI
        thread."""
        if self._writer is None:
            return None
        try:
            deleted = self._writer.forget(cid).result(timeout)
        except TimeoutError:
            return None
        self._record("cache.forget", "kiosk", None, {"deleted": deleted})
        return deleted

    # --- health --------------------------------------------------------------------------------

    def cache_problem(self) -> str | None:
        """Why answers are not being cached (one plain sentence), or None when the cache works."""
        if self._cache_problem is not None:
            return self._cache_problem
        if self._store is None:
            return "there is no offline cache"
        health = self._store.health()
        if health.state is HealthState.OK:
            return None
        cause = health.cause.value if health.cause else "unknown"
        if health.state is HealthState.UNAVAILABLE:
            return f"the offline cache database cannot be used ({cause})"
        return f"the offline cache cannot be written ({cause})"

    def cache_stats(self) -> CacheStats | None:
        """Counts, sizes and ages of the offline cache (no personal data), None without one.
        Reads the database: call it off the GUI thread (maintenance mode's status page)."""
        return self._store.stats() if self._store is not None else None

    def health(self) -> ServiceHealth:
        """Per-agency probes and breakers, the network as the monitor sees it, cache health."""
        with self._lock:
            lines, failures = self._audit_counts["lines"], self._audit_counts["failures"]
        return ServiceHealth(
            network=self._monitor.network() if self._monitor else None,
            agencies=agency_reports(
                self._agencies.adapters,
                self._monitor.view() if self._monitor else {},
                self._check.breakers,
            ),
            cache=self._store.health() if self._store is not None else None,
            cache_problem=self.cache_problem(),
            writer=self._writer.stats() if self._writer is not None else None,
            audit_lines=lines,
            audit_failures=failures,
        )

    # --- internals -----------------------------------------------------------------------------

    def _run(self, request: CheckRequest, on_result: OnResult | None, actor: str) -> CheckOutcome:
        identity, keep_snapshots = CitizenIdentity(request.cid), not request.opt_out
        card_known, card_nhso = request.card.known()
        if not keep_snapshots and self._writer is not None:
            self._writer.forget(identity.cid)  # queued: deleted without waiting for it
        fallback = CitizenFallback(
            # An opted-out citizen's snapshots are being deleted: do not read them either.
            snapshots=self._store if keep_snapshots else None,
            card_nhso=card_nhso,
            on_unreached=self._monitor.probe_soon if self._monitor is not None else None,
        )
        outcome: CheckOutcome | None = None
        try:
            deliver = _guarded(on_result)
            if not card_known and deliver is not None:
                deliver = self._with_late_card(request, deliver)
            if self._metrics is not None:
                deliver = self._metrics.counting(deliver)
            outcome = self._check.run(
                identity,
                deliver,
                keep_snapshots=keep_snapshots,
                fallback=fallback,
            )
            return outcome
        finally:
            self._record("check", actor, identity.cid, _check_detail(outcome, keep_snapshots))

    def _with_late_card(self, request: CheckRequest, deliver: OnResult) -> OnResult:
        """`deliver`, where NHSO's failed answer waits (at most `card_wait_s`) for the card
        read still running, then takes the card's right by the fallback's rule."""

        def late(result: AgencyResult) -> None:
            if result.agency == NHSO and result.source is not ResultSource.LIVE:
                nhso = request.card.wait(self._card_wait_s)
                if nhso is not None:
                    result = with_card_right(result, nhso, self._now().date())
            deliver(result)

        return late

    def _record(
        self,
        event: str,
        actor: str,
        cid: str | None,
        detail: Mapping[str, str | int | float | bool | None],
    ) -> None:
        if self._audit is None:
            return
        try:
            ok = self._audit.record(event, actor=actor, cid=cid, detail=detail)
        except ValueError as exc:  # a malformed actor name: our bug, not worth the answer
            log.error("audit line refused (%s)", exc)
            ok = False
        with self._lock:
            self._audit_counts["lines" if ok else "failures"] += 1


def _guarded(on_result: OnResult | None) -> OnResult | None:
    """`on_result` whose exceptions are logged (type only) instead of ending the check."""
    if on_result is None:
        return None
    callback = on_result

    def deliver(result: AgencyResult) -> None:
        try:
            callback(result)
        except Exception as exc:  # noqa: BLE001 - one screen's bug must not lose the others
            log.error("on_result failed for %s (%s)", result.agency, type(exc).__name__)

    return deliver


def _check_detail(
    outcome: CheckOutcome | None, keep_snapshots: bool
) -> dict[str, str | int | float | bool | None]:
    """The audit line's detail: where the answers came from, counted; no personal data."""
    detail: dict[str, str | int | float | bool | None] = {"keep_snapshots": keep_snapshots}
    if outcome is None:
        detail["completed"] = False
        return detail
    detail["network"] = outcome.network.value
    for result in outcome.results:
        key = f"source_{result.source.value}"
        detail[key] = int(detail.get(key) or 0) + 1
    return detail
