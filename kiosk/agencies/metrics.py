"""The agency service's share of the fleet metrics (`kiosk.metrics.KioskMetrics`).

- `kiosk_agency_request_seconds{agency}`: each asked agency's time to its own answer (the
  deadline for one that did not answer); skipped agencies were not asked and are not timed.
- `kiosk_agency_failures_total{agency,reason}`: every answer whose live call failed, by reason —
  skips (`offline`, `circuit_open`) included, so an agency that is down stays visible even once
  the kiosk no longer asks it. Failure ratio = failures / (asked + skipped).
- `kiosk_fallback_answers_total{agency,source}`: answers not from the agency live (`cache`,
  `card`, `none`); `kiosk_cache_hits_total{agency}`: those from the offline cache.
- `kiosk_cache_write_failures_total`: snapshots the store did not take.
Labels are agency ids, reasons and sources: never anything about a citizen.
"""

from __future__ import annotations

from adapters.base import AgencyResult, ResultSource
from kiosk.agencies.check import OnResult
from kiosk.agencies.snapshot_writer import SnapshotSink
from kiosk.metrics import KioskMetrics
from offline_cache import SnapshotEntry


class AgencyMetrics:
    """Records checks into `metrics`. Thread-safe (prometheus_client's series are)."""

    def __init__(self, metrics: KioskMetrics) -> None:
        self._metrics = metrics

    def asked(self, result: AgencyResult, elapsed_s: float) -> None:
        """An asked agency's own result and how long it took (`AgencyCheck`'s `on_asked`)."""
        self._metrics.agency_latency.labels(agency=result.agency).observe(elapsed_s)

    def answered(self, result: AgencyResult) -> None:
        """One answer as the citizen gets it (after the fallback)."""
        m = self._metrics
        if result.reason is not None:
            m.agency_failures.labels(agency=result.agency, reason=result.reason.value).inc()
        if result.source is not ResultSource.LIVE:
            m.fallback_answers.labels(agency=result.agency, source=result.source.value).inc()
        if result.source is ResultSource.CACHE:
            m.cache_hits.labels(agency=result.agency).inc()

    def counting(self, on_result: OnResult | None) -> OnResult:
        """`on_result` (if any), after each answer is counted."""

        def deliver(result: AgencyResult) -> None:
            self.answered(result)
            if on_result is not None:
                on_result(result)

        return deliver

    def counted(self, store: SnapshotSink) -> SnapshotSink:
        """`store` as the snapshot writer sees it, counting the snapshots it did not take."""
        return _CountedSink(store, self._metrics)


class _CountedSink:
    """A `SnapshotSink` that counts failed writes; everything else goes straight through."""

    def __init__(self, store: SnapshotSink, metrics: KioskMetrics) -> None:
        self._store = store
        self._metrics = metrics

    def put_many(self, entries: list[SnapshotEntry]) -> bool:
        """Write, counting the entries of a write that failed (or raised: the writer counts
        that as a failure too)."""
        written = False
        try:
            written = self._store.put_many(entries)
        finally:
            if not written:
                self._metrics.cache_writes_failed.inc(len(entries))
        return written

    def delete_citizen(self, cid: str) -> int | None:
        """As the store."""
        return self._store.delete_citizen(cid)

    def purge_expired(self) -> int | None:
        """As the store."""
        return self._store.purge_expired()
