"""The card reader as the session's `CardReadPort`: reads run on the `ReaderThread` and
their progress becomes session events.

    session --StartRead(token)--> ReaderCardReading.start_read --> ReaderThread.start_read
    reader thread: cid_read, identity_read, photo_read, read_done | read_failed --> ReadFeed
                   (read_done: the photo if it was not sent yet, then the card's NHSO record,
                   which the session puts into its check request)
    session --EndSession(token)--> cancel_read(token): the read stops
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from cardreader.errors import CardError, CardErrorKind, ReaderFaultError
from cardreader.reading import ReadOptions
from cardreader.types import CardData
from kiosk.session.feed import ReadFeed

if TYPE_CHECKING:  # pyscard is loaded with the reader thread, not with this module
    from cardreader.reader_thread import ReaderThread, ReadJob

log = logging.getLogger(__name__)


class ReaderCardReading:
    """The `kiosk.session.ports.CardReadPort` over the reader thread.

    The reader thread is attached once it runs (`attach`): it reports to the session, which
    exists before it. `on_failure(kind)` hears every read that failed for a reason other than
    the kiosk cancelling it (metrics: card read failures by cause). Never blocks: `start_read`
    queues the read on the reader thread, `cancel_read` only flags it.
    """

    def __init__(
        self,
        reader: ReaderThread | None = None,
        *,
        options: ReadOptions | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self._reader = reader
        self._options = options if options is not None else ReadOptions()
        self._on_failure = on_failure
        self._lock = threading.Lock()
        self._jobs: dict[int, ReadJob] = {}

    def attach(self, reader: ReaderThread) -> None:
        """Read through `reader` from now on."""
        self._reader = reader

    def start_read(self, reader: str, progress: ReadFeed) -> None:
        """Queue a read of the card in `reader` for session `progress.token`."""
        relay = _ReadRelay(progress, self)
        if self._reader is None:
            relay.read_failed(ReaderFaultError("no reader thread"))
            return
        job = self._reader.start_read(reader, relay, self._options)
        with self._lock:
            if not relay.ended:  # a read can end before we get here
                self._jobs[progress.token] = job

    def cancel_read(self, token: int) -> None:
        """Sessions up to `token` ended: stop their reads."""
        with self._lock:
            ended = [t for t in self._jobs if t <= token]
            jobs = [self._jobs.pop(t) for t in ended]
        for job in jobs:
            job.cancel()

    @property
    def reads_running(self) -> int:
        """Reads started and not yet ended (tests, shutdown)."""
        with self._lock:
            return len(self._jobs)

    def _ended(self, relay: _ReadRelay, failure: str | None) -> None:
        with self._lock:
            relay.ended = True
            self._jobs.pop(relay.token, None)  # the job holds the whole card: let it go
        if failure is not None and self._on_failure is not None:
            try:
                self._on_failure(failure)
            except Exception:  # a metrics hook must not break a read
                log.exception("the card read failure hook failed")


class _ReadRelay:
    """One read's `cardreader.reading.ReadProgress` (reader thread), to the session's feed."""

    def __init__(self, feed: ReadFeed, port: ReaderCardReading) -> None:
        self._feed = feed
        self._port = port
        self._photo_sent = False
        self.ended = False  # set under the port's lock

    @property
    def token(self) -> int:
        """The session this read is for."""
        return self._feed.token

    def cid_read(self, cid: str) -> None:
        self._feed.cid_read(cid)

    def identity_read(self, card: CardData) -> None:
        self._feed.identity_read(card)

    def photo_read(self, jpeg: bytes) -> None:
        self._photo_sent = True
        self._feed.photo_read(jpeg)

    def read_done(self, card: CardData) -> None:
        self._port._ended(self, None)
        if card.photo is not None and not self._photo_sent:
            self._feed.photo_read(card.photo)
        self._feed.card_record_read(card.nhso)

    def read_failed(self, error: CardError) -> None:
        cancelled = error.kind is CardErrorKind.CANCELLED
        self._port._ended(self, None if cancelled else error.kind.value)
        self._feed.read_failed(error)
