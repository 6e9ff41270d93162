"""Work off the GUI thread: one worker abstraction, results and errors by signal.

`Workers.run(fn, *args, on_success=..., on_failure=..., on_done=...)` runs `fn` on a
QThreadPool thread: `on_success(result)` or `on_failure(exception)`, then `on_done()`, all on the
GUI thread and in one turn of its event loop. The job reports once (`WorkerSignals.ended`), and
the GUI side calls the callbacks from that one report: nothing can run between a result and its
`on_done`, so a controller that cleans up in `on_done` is never seen half done (two separate
reports let the maintenance door drop a knock that came right after a shown answer). The
callbacks are connected before the job starts: a fast job cannot finish before anyone listens.
An exception is never swallowed: it reaches `on_failure`, and the log records its type (not its
message, which may quote a URL with a CID).

`WorkerCardReading` and `WorkerAgencyChecking` turn blocking read / check functions into the
non-blocking ports of `kiosk.session.ports`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from adapters.base import AgencyResult, FailureReason
from adapters.services.asking import failed_lookup
from adapters.services.record import LookupResult
from kiosk.session.check_request import CheckRequest
from kiosk.session.commands import StartLookup
from kiosk.session.feed import CheckFeed, ReadFeed, RecordFeed

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    """What a worker reports. `ended` comes from the worker thread, once; the others are
    emitted on the GUI thread after the job's callbacks ran, for listeners added later.

    Signals:
        ended(bool, object): the job is over: (True, its return value) or (False, the
            exception it raised).
        succeeded(object): the function's return value.
        failed(object): the exception it raised.
        finished(): after either.
    """

    ended = Signal(bool, object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class _Job(QRunnable):
    def __init__(
        self, fn: Callable[..., Any], args: tuple[Any, ...], signals: WorkerSignals
    ) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self.signals = signals
        self.setAutoDelete(False)  # Python keeps the job until `finished` (see Workers._jobs)

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except BaseException as exc:  # noqa: BLE001 - delivered to `on_failure`, never swallowed
            log.warning(
                "worker %s failed: %s",
                getattr(self._fn, "__qualname__", "?"),
                type(exc).__name__,
            )
            self.signals.ended.emit(False, exc)
        else:
            self.signals.ended.emit(True, result)


class Workers(QObject):
    """Runs functions on a thread pool; create it on the GUI thread."""

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._jobs: set[_Job] = set()
        self._closed = False

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> WorkerSignals:
        """Run `fn(*args)` off the GUI thread and report through the callbacks (GUI thread).

        The returned signals serve listeners added later, which may miss a job that already
        ended; pass callbacks for anything that must not be missed.
        """
        signals = WorkerSignals(self)
        job = _Job(fn, args, signals)
        self._jobs.add(job)

        def ended(ok: bool, value: Any) -> None:  # on the GUI thread: signals live there
            if self._closed:  # the app is closing: the callbacks' widgets may be gone
                self._forget(job)
                signals.deleteLater()
                return
            try:
                if ok and on_success is not None:
                    on_success(value)
                elif not ok and on_failure is not None:
                    on_failure(value)
            finally:
                try:
                    if on_done is not None:
                        on_done()
                finally:
                    self._forget(job)
                    (signals.succeeded if ok else signals.failed).emit(value)
                    signals.finished.emit()
                    signals.deleteLater()

        signals.ended.connect(ended)
        self._pool.start(job)
        return signals

    def _forget(self, job: _Job) -> None:
        self._jobs.discard(job)

    @property
    def busy(self) -> int:
        """Jobs started and not yet reported finished."""
        return len(self._jobs)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the pool's threads are idle (shutdown and tests only)."""
        return bool(self._pool.waitForDone(timeout_ms))

    def close(self, timeout_ms: int = 5000) -> bool:
        """The app is closing: from now on no job's callback runs (a result that lands late is
        dropped, its job forgotten), and wait for the pool as `wait` does."""
        self._closed = True
        return self.wait(timeout_ms)


class WorkerCardReading:
    """A `CardReadPort` over a blocking `read(reader, progress)` function.

    The function must report through `progress` and may raise; a raise becomes a failed read
    (kind "reader_fault") so the session never waits forever.
    """

    def __init__(self, workers: Workers, read: Callable[[str, ReadFeed], None]) -> None:
        self._workers = workers
        self._read = read

    def start_read(self, reader: str, progress: ReadFeed) -> None:
        """Start the read on a worker."""
        self._workers.run(
            self._read,
            reader,
            progress,
            on_failure=lambda exc: progress.read_failed(_ReaderFault(exc)),
        )

    def cancel_read(self, token: int) -> None:
        """Nothing to stop: the session ignores a cancelled read's late reports."""
        del token


class _ReaderFault:
    """An unexpected exception from a read function, shaped like a card error."""

    kind = "reader_fault"
    message_th = ""
    message_en = ""

    def __init__(self, exc: BaseException) -> None:
        self.cause = type(exc).__name__


class WorkerAgencyChecking:
    """An `AgencyCheckPort` over a blocking `check(request, on_result)` function that calls
    `on_result` for each agency as it lands and returns when the check is over."""

    def __init__(
        self,
        workers: Workers,
        check: Callable[[CheckRequest, Callable[[AgencyResult], None]], object],
    ) -> None:
        self._workers = workers
        self._check = check
        self._cancelled_upto = 0  # session tokens only grow: every one up to this is over
        self._lock = threading.Lock()

    def start_check(self, request: CheckRequest, feed: CheckFeed) -> None:
        """Start the check on a worker; `feed.on_done` follows it, however it ends."""

        def deliver(result: AgencyResult) -> None:
            with self._lock:
                if feed.token <= self._cancelled_upto:
                    return
            feed.on_result(result)

        # A lambda, not `feed.on_done`: PySide holds a bound method's object only weakly, and
        # nothing else keeps this feed alive until the check ends.
        self._workers.run(self._check, request, deliver, on_done=lambda: feed.on_done())  # noqa: PLW0108

    def cancel_check(self, token: int) -> None:
        """Stop delivering answers of session `token`."""
        with self._lock:
            self._cancelled_upto = max(self._cancelled_upto, token)


class WorkerRecordLookups:
    """A `RecordLookupPort` over a blocking `lookup(service, cid, opt_out)` that returns the
    service's `LookupResult` (its deadline bounds it); a lookup that raises becomes a failed
    result (the type is logged, never the message: it could name the citizen)."""

    def __init__(self, workers: Workers, lookup: Callable[[str, str, bool], LookupResult]) -> None:
        self._workers = workers
        self._lookup = lookup
        self._cancelled_upto = 0
        self._lock = threading.Lock()

    def start_lookup(self, lookup: StartLookup, feed: RecordFeed) -> None:
        """Run the lookup on a worker; `feed` gets its answer unless the session ended."""

        def deliver(result: LookupResult) -> None:
            with self._lock:
                if feed.token <= self._cancelled_upto:
                    return
            feed.on_result(result)

        def failed(exc: BaseException) -> None:
            log.error("a %s lookup failed (%s)", lookup.service, type(exc).__name__)
            deliver(failed_lookup(lookup.service, FailureReason.INTERNAL, "internal error"))

        self._workers.run(
            self._lookup,
            lookup.service,
            lookup.cid,
            lookup.opt_out,
            on_success=deliver,
            on_failure=failed,
        )

    def cancel_lookups(self, token: int) -> None:
        """Stop delivering answers of session `token`."""
        with self._lock:
            self._cancelled_upto = max(self._cancelled_upto, token)


class NoRecordLookups:
    """The kiosk without record services (a broken configuration, screenshots): a lookup
    answers at once that the service cannot be asked."""

    def start_lookup(self, lookup: StartLookup, feed: RecordFeed) -> None:
        """Answer `unavailable` through `feed`."""
        feed.on_result(failed_lookup(lookup.service, FailureReason.OFFLINE, "not set up"))

    def cancel_lookups(self, token: int) -> None:
        """Nothing runs."""
