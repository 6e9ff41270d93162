"""The one thread that owns pyscard: card monitor, card reads, and any other PC/SC call.

Other threads talk to it through `submit()` (run a function on the reader thread, get a Future —
Electrum's `run_in_hwd_thread`), `start_read()` (a progressive card read, cancellable) and
`stop()` (which joins the thread). Between tasks the thread runs the `CardMonitor`, which tells
`CardEvents` about readers coming and going, cards inserted and removed, and the service state
(pcscd down, no reader, fine). When pcscd stops, the thread drops its context and keeps retrying
until pcscd is back.

All callbacks run on the reader thread: they must return quickly and not call back into pyscard.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from types import TracebackType
from typing import TypeVar

from cardreader.card_monitor import CardEvents, CardMonitor, emit
from cardreader.errors import (
    CardError,
    NoCardError,
    NoReaderError,
    PcscdNotRunningError,
    ReadCancelledError,
    ReaderFaultError,
)
from cardreader.pcsc import ApduTiming, PcscContext
from cardreader.reading import CardReading, ReadOptions, ReadProgress
from cardreader.types import CardData

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_OPTIONS = ReadOptions()


@dataclass(eq=False)
class ReadJob:
    """A card read handed to the reader thread. `wait()` for it, `cancel()` to stop it.

    After it ends: `card` or `error` is set, and `exchanges` holds each APDU's timing.
    """

    reader: str | None
    options: ReadOptions
    progress: ReadProgress
    card: CardData | None = None
    error: CardError | None = None
    exchanges: list[ApduTiming] = field(default_factory=list)
    started_at: float = 0.0  # perf_counter when the reader thread began the read
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    def cancel(self) -> None:
        """Stop the read before its next APDU; it ends with `ReadCancelledError`."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """True once `cancel()` was called."""
        return self._cancelled.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the read has ended; False if `timeout` passed first."""
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        """True once the read has ended (either way)."""
        return self._done.is_set()

    @property
    def card_busy_s(self) -> float:
        """Seconds spent in APDU exchanges."""
        return sum(t.seconds for t in self.exchanges)

    def _finish(self) -> None:
        self._done.set()


class ReaderThread:
    """Owns every pyscard call of the process; see the module docstring."""

    def __init__(
        self,
        events: CardEvents | None = None,
        *,
        poll_s: float = 0.1,
        retry_s: float = 0.5,
        context_factory: Callable[[], PcscContext] = PcscContext,
        name: str = "card-reader",
    ) -> None:
        self._events = events
        self._poll_ms = max(1, int(poll_s * 1000))
        self._retry_s = retry_s
        self._context_factory = context_factory
        self._tasks: queue.SimpleQueue[Callable[[PcscContext | None], None]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._jobs: set[ReadJob] = set()
        self._jobs_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._context: PcscContext | None = None
        self._monitor = CardMonitor(events, self._poll_ms)

    # -- other threads -------------------------------------------------------------------------

    def start(self) -> ReaderThread:
        """Start the thread (returns self, for chaining)."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel reads in progress, stop the thread and join it."""
        self._stop.set()
        with self._jobs_lock:
            for job in self._jobs:
                job.cancel()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("the card reader thread did not stop within %.1f s", timeout)

    def __enter__(self) -> ReaderThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        return self._thread.is_alive()

    def submit(self, fn: Callable[[PcscContext], T]) -> Future[T]:
        """Run `fn(context)` on the reader thread; its result or exception goes to the Future.

        With pcscd down the Future fails with `PcscdNotRunningError`.
        """
        future: Future[T] = Future()

        def task(context: PcscContext | None) -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                if context is None:
                    raise PcscdNotRunningError("no PC/SC context")
                future.set_result(fn(context))
            except Exception as exc:  # noqa: BLE001 - the caller gets it through the Future
                future.set_exception(exc)

        if self._stop.is_set():
            future.set_exception(ReaderFaultError("the card reader thread has stopped"))
            return future
        self._enqueue(task)
        return future

    def start_read(
        self,
        reader: str | None,
        progress: ReadProgress,
        options: ReadOptions = DEFAULT_OPTIONS,
    ) -> ReadJob:
        """Read the card in `reader` (None: the first reader with a card) on the reader thread."""
        job = ReadJob(reader, options, progress)
        with self._jobs_lock:
            self._jobs.add(job)
        if self._stop.is_set():
            job.cancel()
        self._enqueue(lambda context: self._read(context, job))
        return job

    def _enqueue(self, task: Callable[[PcscContext | None], None]) -> None:
        self._tasks.put(task)
        if self._stop.is_set() and not self._thread.is_alive():
            # Stopped already: nobody will take the task, so end it here. With no context it
            # never reaches pyscard, so running it off the reader thread is safe.
            self._fail_pending()

    # -- the reader thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._context is None and not self._connect_service():
                    self._serve_tasks(wait_s=self._retry_s)
                    continue
                self._serve_tasks(wait_s=0.0 if self._events else self._poll_ms / 1000)
                if self._events is not None and self._context is not None:
                    self._watch(self._context)
        except Exception:  # a bug: log it (no personal data in our reprs) and end cleanly
            log.exception("the card reader thread failed")
        finally:
            self._drop_context()
            self._fail_pending()

    def _connect_service(self) -> bool:
        try:
            self._context = self._context_factory()
        except PcscdNotRunningError as exc:
            self._monitor.set_service(exc)
            return False
        return True

    def _drop_context(self) -> None:
        context, self._context = self._context, None
        if context is not None:
            with contextlib.suppress(Exception):
                context.release()

    def _lose_service(self, error: PcscdNotRunningError) -> None:
        self._drop_context()
        self._monitor.service_lost(error)

    def _serve_tasks(self, wait_s: float) -> None:
        """Run queued tasks; with none queued, wait up to `wait_s` for one."""
        try:
            task = self._tasks.get(timeout=wait_s) if wait_s > 0 else self._tasks.get_nowait()
        except queue.Empty:
            return
        while True:
            task(self._context)
            if self._stop.is_set():
                return
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                return

    def _fail_pending(self) -> None:
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                return
            task(None)

    def _watch(self, context: PcscContext) -> None:
        try:
            self._monitor.watch(context)
        except PcscdNotRunningError as exc:
            self._lose_service(exc)
        except CardError as exc:
            # Any other PC/SC failure of the watch (pcsc-lite has answered "access denied"
            # while pcscd was stopping): start afresh with a new context after a pause. If the
            # service is gone, connecting again says so; if it stays broken, this repeats at
            # the retry pace, never faster.
            log.warning("watching the readers failed (%s); connecting again", exc.detail)
            self._drop_context()
            self._serve_tasks(wait_s=self._retry_s)

    def _read(self, context: PcscContext | None, job: ReadJob) -> None:
        job.started_at = time.perf_counter()
        card_handle = None
        try:
            if job.cancelled:
                raise ReadCancelledError("cancelled before it started")
            if context is None:
                raise PcscdNotRunningError("no PC/SC context")
            reader = job.reader or _first_reader_with_card(context)
            card_handle = context.connect(reader, lambda: job.cancelled)
            card_handle.begin_transaction()
            job.card = CardReading(card_handle, card_handle.atr, job.options).run(job.progress)
        except CardError as exc:
            job.error = exc
        except Exception as exc:  # a bug, or a consumer's callback failing: never kill the thread
            log.exception("card read failed unexpectedly")
            job.error = ReaderFaultError(type(exc).__name__)
        finally:
            if card_handle is not None:
                job.exchanges = list(card_handle.exchanges)
                with contextlib.suppress(Exception):
                    card_handle.disconnect()
            with self._jobs_lock:
                self._jobs.discard(job)
        if job.error is not None:
            if isinstance(job.error, PcscdNotRunningError) and context is not None:
                self._lose_service(job.error)
            emit(job.progress.read_failed, job.error)
        job._finish()


def _first_reader_with_card(context: PcscContext) -> str:
    readers = context.readers()
    if not readers:
        raise NoReaderError("no reader connected")
    for state in context.states(readers):
        if state.present:
            return state.reader
    raise NoCardError("no card in any reader")
