"""The snapshot writer: one thread that writes live answers to the offline cache, off the check.

Why a thread rather than a short busy timeout: a write may wait for another process's lock (a
`kiosk check` run, `kiosk cache purge`) for up to the store's busy timeout. On the writer thread
that wait costs the citizen nothing — `save` only queues — and the write still lands once the
lock is free, instead of being skipped as a short timeout would. The answers of one check that
arrive together are written in one transaction.

Order is kept: a citizen's `forget` runs after every `save` queued before it. The writer also
runs the store's daily retention purge (the store purges at open and runs no thread itself).
`close()` writes what is queued, then joins the thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from adapters.answer import bangkok_now
from adapters.base import AgencyResult
from kiosk.agencies.snapshots import is_cacheable, result_to_payload
from offline_cache import SnapshotEntry

log = logging.getLogger(__name__)

DAY_S = 24 * 3600.0
MAX_PENDING = 512  # about 70 checks' answers: beyond that the store is stuck; drop, do not grow
_BATCH = 64


class SnapshotSink(Protocol):
    """The part of `offline_cache.SnapshotStore` the writer uses."""

    def put_many(self, entries: list[SnapshotEntry]) -> bool:
        """Store entries in one transaction; False if they could not be written."""
        ...

    def delete_citizen(self, cid: str) -> int | None:
        """Delete one citizen's snapshots: how many, or None if the store could not."""
        ...

    def purge_expired(self) -> int | None:
        """Delete snapshots past retention: how many, or None."""
        ...


@dataclass(frozen=True, slots=True)
class WriterStats:
    """What the writer did since it started (no personal data)."""

    pending: int
    written: int  # snapshots written
    failed: int  # snapshots the store did not take (full disk, lock held too long, ...)
    dropped: int  # snapshots not even queued: the queue was full, or the writer closed
    forgotten: int  # citizens whose snapshots were deleted


@dataclass(frozen=True, slots=True)
class _Save:
    entry: SnapshotEntry


@dataclass(frozen=True, slots=True)
class _Forget:
    cid: str
    done: Future[int | None]


_Job = _Save | _Forget


class SnapshotWriter:
    """Writes snapshots on its own thread. Thread-safe; `save` and `forget` never block."""

    def __init__(
        self,
        store: SnapshotSink,
        *,
        purge_every_s: float = DAY_S,
        now: Callable[[], datetime] = bangkok_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._purge_every_s = purge_every_s
        self._now = now
        self._monotonic = monotonic
        self._cond = threading.Condition()
        self._jobs: deque[_Job] = deque()
        self._busy = 0  # jobs taken off the queue and not yet done
        self._closing = False
        self._thread: threading.Thread | None = None
        self._exited = False  # the thread has returned: nothing queued now would be done by it
        self._counts = {"written": 0, "failed": 0, "dropped": 0, "forgotten": 0}

    # --- running -------------------------------------------------------------------------------

    def start(self) -> SnapshotWriter:
        """Start the thread (once)."""
        with self._cond:
            if self._thread is None and not self._closing:
                self._thread = threading.Thread(
                    target=self._loop, name="snapshot-writer", daemon=True
                )
                self._thread.start()
        return self

    def close(self, timeout: float | None = None) -> bool:
        """Write what is queued, stop, join the thread; False if it had not ended by `timeout`
        (it is a daemon thread: it cannot hold the process open)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            thread = self._thread
        if thread is None:
            self._drain_here()  # never started: do what was queued on this thread
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def __enter__(self) -> SnapshotWriter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- queueing ------------------------------------------------------------------------------

    def save(self, cid: str, result: AgencyResult) -> bool:
        """Queue a live `ok`/`not_found` answer; False when it was not queued (the writer is
        closed or its queue is full). Other results are refused with ValueError."""
        payload = result_to_payload(result)  # raises for what must never be cached
        entry = SnapshotEntry(
            cid=cid, agency=result.agency, payload=payload, as_of=result.as_of or self._now()
        )
        return self.save_entry(entry)

    def save_entry(self, entry: SnapshotEntry) -> bool:
        """Queue any snapshot (a record service's, `kiosk.records.cached`); False when it was
        not queued (the writer is closed or its queue is full)."""
        with self._cond:
            if self._closing or len(self._jobs) >= MAX_PENDING:
                self._counts["dropped"] += 1
                full = not self._closing
            else:
                self._jobs.append(_Save(entry))
                self._cond.notify_all()
                return True
        if full:
            log.warning("offline cache: writer backlog full, a %s snapshot dropped", entry.agency)
        return False

    def save_result(self, cid: str, result: AgencyResult) -> None:
        """`save` for anything: answers that are not cacheable are ignored."""
        if is_cacheable(result):
            self.save(cid, result)

    def forget(self, cid: str) -> Future[int | None]:
        """Queue the deletion of this citizen's snapshots, after every save queued before it.
        The future gives the number deleted, or None if the store could not delete."""
        done: Future[int | None] = Future()
        with self._cond:
            self._jobs.append(_Forget(cid, done))
            self._cond.notify_all()
            running = self._thread_serves()
        if not running:
            # Not started, or its thread has ended: do the queue here, in order (the store stays
            # open until its owner closes it, after the writer).
            self._drain_here()
        return done

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is done; False on timeout."""
        with self._cond:
            running = self._thread_serves()
        if not running:
            self._drain_here()
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def stats(self) -> WriterStats:
        """Counters since the start."""
        with self._cond:
            return WriterStats(pending=len(self._jobs) + self._busy, **self._counts)

    # --- the thread ----------------------------------------------------------------------------

    def _thread_serves(self) -> bool:
        """Under the lock: True when the thread will take what is queued now (it leaves only
        under the lock, with the queue empty)."""
        return self._thread is not None and not self._exited

    def _loop(self) -> None:
        next_purge = self._monotonic() + self._purge_every_s
        while True:
            with self._cond:
                while not self._jobs and not self._closing:
                    left = next_purge - self._monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if not self._jobs and self._closing:
                    self._exited = True
                    return
                batch = self._take()
                self._busy = len(batch)
            try:
                if batch:
                    self._run(batch)
                if self._monotonic() >= next_purge:
                    next_purge = self._monotonic() + self._purge_every_s
                    self._purge()
            finally:
                with self._cond:
                    self._busy = 0
                    self._cond.notify_all()

    def _take(self) -> list[_Job]:
        """Under the lock: a run of saves (one transaction), or one forget."""
        if not self._jobs:
            return []
        if isinstance(self._jobs[0], _Forget):
            return [self._jobs.popleft()]
        batch: list[_Job] = []
        while self._jobs and isinstance(self._jobs[0], _Save) and len(batch) < _BATCH:
            batch.append(self._jobs.popleft())
        return batch

    def _run(self, batch: list[_Job]) -> None:
        first = batch[0]
        if isinstance(first, _Forget):
            first.done.set_result(self._delete(first.cid))
            return
        entries = [job.entry for job in batch if isinstance(job, _Save)]
        try:
            ok = self._store.put_many(entries)
        except Exception as exc:  # noqa: BLE001 - the writer must outlive one bad batch
            log.error("offline cache: writing snapshots failed (%s)", type(exc).__name__)
            ok = False
        with self._cond:
            self._counts["written" if ok else "failed"] += len(entries)

    def _delete(self, cid: str) -> int | None:
        try:
            deleted = self._store.delete_citizen(cid)
        except Exception as exc:  # noqa: BLE001 - reported as "could not delete"
            log.error("offline cache: deleting a citizen failed (%s)", type(exc).__name__)
            deleted = None
        if deleted is not None:
            with self._cond:
                self._counts["forgotten"] += 1
        return deleted

    def _purge(self) -> None:
        try:
            purged = self._store.purge_expired()
        except Exception as exc:  # noqa: BLE001 - retried tomorrow
            log.error("offline cache: retention purge failed (%s)", type(exc).__name__)
            return
        if purged:
            log.info("offline cache: %d expired snapshots purged", purged)

    def _drain_here(self) -> None:
        while True:
            with self._cond:
                batch = self._take()
            if not batch:
                return
            self._run(batch)
