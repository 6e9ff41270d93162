"""The card reader as the session's `CardReading` port: reads run on the `ReaderThread`, their
progress becomes session events, and the NHSO record each card carries is kept for that
citizen's check until their session ends.

    session --StartRead(token)--> ReaderCardReading.start_read --> ReaderThread.start_read
    reader thread: cid_read, identity_read, photo_read, read_done | read_failed --> ReadFeed
                   cid_read / read_done / read_failed --> CardNhsoRecords (for the check)
    session --EndSession(token)--> cancel_read(token): the read stops, the record is dropped

The card's NHSO record arrives with the whole card (`read_done`, after the photo), while the
session asks for consent as soon as the identity is in; a citizen who agrees at once may start
the check before it. `CardNhsoRecords.wait` lets the check wait for it — only when NHSO itself
fails, which is the only time the record is shown (`kiosk.agencies.citizen`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cardreader.errors import CardError, CardErrorKind, ReaderFaultError
from cardreader.reading import ReadOptions
from cardreader.types import CardData, NhsoCardData
from kiosk.session.feed import ReadFeed

if TYPE_CHECKING:  # pyscard is loaded with the reader thread, not with this module
    from cardreader.reader_thread import ReaderThread, ReadJob

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Record:
    cid: str = field(repr=False)
    done: bool = False
    nhso: NhsoCardData | None = field(default=None, repr=False)


class CardNhsoRecords:
    """The NHSO applet read from each open session's card, by session token (thread-safe).

    Personal data: `forget(token)` drops a session's record when it ends (`cancel_read`).
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._records: dict[int, _Record] = {}
        self._forgotten = 0  # every session up to this one has ended

    def expect(self, token: int, cid: str) -> None:
        """Session `token` is reading the card of `cid`; its record is still to come (nothing
        is kept for a session that has already ended: a read cancelled mid-way)."""
        with self._lock:
            if token > self._forgotten:
                self._records[token] = _Record(cid)

    def resolve(self, token: int, nhso: NhsoCardData | None) -> None:
        """The read of session `token` ended: the card's record (None: no NHSO applet, or the
        read failed)."""
        with self._lock:
            record = self._records.get(token)
            if record is not None:
                record.done, record.nhso = True, nhso
            self._lock.notify_all()

    def forget(self, upto: int) -> None:
        """Sessions up to `upto` ended: drop their records (anyone waiting gets None)."""
        with self._lock:
            self._forgotten = max(self._forgotten, upto)
            for token in [t for t in self._records if t <= upto]:
                del self._records[token]
            self._lock.notify_all()

    def known(self, cid: str) -> tuple[bool, NhsoCardData | None]:
        """(True, record) once the card of `cid` has been read to the end; (False, None) while
        its read is still running (or nothing is known about it)."""
        with self._lock:
            record = self._find(cid)
            if record is None or not record.done:
                return False, None
            return True, record.nhso

    def wait(self, cid: str, timeout: float) -> NhsoCardData | None:
        """The record of the card of `cid`, waiting up to `timeout` seconds for its read to end;
        None when the card has none, the read failed or ended with the session, or time ran out."""
        with self._lock:
            self._lock.wait_for(
                lambda: (r := self._find(cid)) is None or r.done,
                timeout,
            )
            record = self._find(cid)
            return record.nhso if record is not None and record.done else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def _find(self, cid: str) -> _Record | None:
        for token in sorted(self._records, reverse=True):  # the newest session first
            if self._records[token].cid == cid:
                return self._records[token]
        return None


class ReaderCardReading:
    """The `kiosk.session.ports.CardReading` port over the reader thread.

    The reader thread is attached once it runs (`attach`): it reports to the session, which
    exists before it. `on_failure(kind)` hears every read that failed for a reason other than
    the kiosk cancelling it (metrics: card read failures by cause). Never blocks: `start_read`
    queues the read on the reader thread, `cancel_read` only flags it.
    """

    def __init__(
        self,
        records: CardNhsoRecords,
        reader: ReaderThread | None = None,
        *,
        options: ReadOptions | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self._reader = reader
        self._records = records
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
        """Sessions up to `token` ended: stop their reads, drop their cards' records."""
        with self._lock:
            ended = [t for t in self._jobs if t <= token]
            jobs = [self._jobs.pop(t) for t in ended]
        for job in jobs:
            job.cancel()
        self._records.forget(token)

    @property
    def reads_running(self) -> int:
        """Reads started and not yet ended (tests, shutdown)."""
        with self._lock:
            return len(self._jobs)

    def _ended(self, relay: _ReadRelay, nhso: NhsoCardData | None, failure: str | None) -> None:
        token = relay.token
        with self._lock:
            relay.ended = True
            self._jobs.pop(token, None)  # the job holds the whole card: let it go
        self._records.resolve(token, nhso)
        if failure is not None and self._on_failure is not None:
            try:
                self._on_failure(failure)
            except Exception:  # a metrics hook must not break a read
                log.exception("the card read failure hook failed")


class _ReadRelay:
    """One read's `cardreader.reading.ReadProgress` (reader thread): to the session's feed, and
    the card's NHSO record to the records."""

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
        self._port._records.expect(self._feed.token, cid)
        self._feed.cid_read(cid)

    def identity_read(self, card: CardData) -> None:
        self._feed.identity_read(card)

    def photo_read(self, jpeg: bytes) -> None:
        self._photo_sent = True
        self._feed.photo_read(jpeg)

    def read_done(self, card: CardData) -> None:
        self._port._ended(self, card.nhso, None)
        if card.photo is not None and not self._photo_sent:
            self._feed.photo_read(card.photo)

    def read_failed(self, error: CardError) -> None:
        cancelled = error.kind is CardErrorKind.CANCELLED
        self._port._ended(self, None, None if cancelled else error.kind.value)
        self._feed.read_failed(error)
