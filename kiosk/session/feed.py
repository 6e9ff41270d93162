"""Seams from the card reader and the agency check to the session.

The reader thread and the check's workers call these objects; each call becomes a session event
handed to `post`, which must be thread-safe and deliver on the session's thread (in the kiosk,
`ui.bridge.EventBridge.post`, a queued Qt signal). Nothing here touches the session directly,
so no lock is needed around it.

    card monitor  --CardFeed-->  post(CardInserted / CardRemoved / ReadersChanged / ...)
    one card read --ReadFeed(token)-->  post(CidRead / IdentityRead / PhotoRead / ReadFailed)
    one check     --CheckFeed(token)--> post(AgencyAnswered ... CheckFinished)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from adapters.base import AgencyResult
from adapters.services.record import LookupResult
from cardreader.types import CardData, NhsoCardData
from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    CardRecordRead,
    CardRemoved,
    CheckFinished,
    CidRead,
    IdentityRead,
    PhotoRead,
    ReadersChanged,
    ReaderServiceChanged,
    ReadFailed,
    RecordAnswered,
    SessionEvent,
)

Post = Callable[[SessionEvent], None]

# Card errors that mean "no reader" rather than "the service is down": the reader list says that.
NO_READER_KINDS = frozenset({"no_reader"})
# The monitor reports a card already in a reader in the same pass that reports the reader
# (microseconds later; the margin covers a thread switch). A card put in after the reader
# appeared is seen one status change later: pcscd alone takes longer than this to notice it.
FIRST_LOOK_S = 0.1


class CardProblem(Protocol):
    """What the session needs of the card reader's typed error (`cardreader` `CardError`)."""

    @property
    def kind(self) -> str:
        """A stable code, e.g. "not_thai_id"."""

    @property
    def message_th(self) -> str:
        """What happened, in Thai words for the citizen."""

    @property
    def message_en(self) -> str:
        """What happened, in English words for the citizen."""


class CardFeed:
    """The card monitor's callbacks (reader thread) as session events.

    A card the monitor reports right after the reader itself appeared (its first look at a
    reader: kiosk start-up, a reader plugged in, pcscd back) was already in; nobody inserted it
    for this session, so it is reported `already_present` and the kiosk asks for it back.
    """

    def __init__(
        self,
        post: Post,
        no_reader_kinds: Iterable[str] = NO_READER_KINDS,
        *,
        first_look_s: float = FIRST_LOOK_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._post = post
        self._no_reader_kinds = frozenset(no_reader_kinds)
        self._first_look_s = first_look_s
        self._clock = clock
        self._known: set[str] = set()
        self._appeared: dict[str, float] = {}  # reader -> when it appeared

    def readers_changed(self, readers: Sequence[str]) -> None:
        """The reader list now."""
        now = self._clock()
        for reader in set(readers) - self._known:
            self._appeared[reader] = now
        self._known = set(readers)
        self._appeared = {r: t for r, t in self._appeared.items() if r in self._known}
        self._post(ReadersChanged(tuple(readers)))

    def card_inserted(self, reader: str, atr: bytes = b"", already_present: bool = False) -> None:
        """A card is in `reader` (`already_present`: the caller knows it was found, not put in)."""
        del atr  # the session does not need it; the read reports the card itself
        appeared = self._appeared.pop(reader, None)
        if appeared is not None and self._clock() - appeared <= self._first_look_s:
            already_present = True
        self._post(CardInserted(reader, already_present))

    def card_removed(self, reader: str) -> None:
        """The card left `reader`."""
        self._appeared.pop(reader, None)
        self._post(CardRemoved(reader))

    def service_state(self, error: CardProblem | None) -> None:
        """pcscd up (None) or a problem with the smart-card service."""
        if error is None:
            self._post(ReaderServiceChanged(up=True))
        elif error.kind not in self._no_reader_kinds:
            self._post(ReaderServiceChanged(up=False))


class ReadFeed:
    """One card read's progress (reader thread) as events of session `token`."""

    def __init__(self, post: Post, token: int) -> None:
        self._post = post
        self.token = token

    def cid_read(self, cid: str) -> None:
        """The CID, first."""
        self._post(CidRead(self.token, cid))

    def identity_read(self, card: CardData) -> None:
        """Everything but the photo."""
        self._post(IdentityRead(self.token, card))

    def photo_read(self, jpeg: bytes) -> None:
        """The photo, last."""
        self._post(PhotoRead(self.token, jpeg))

    def read_done(self, card: CardData) -> None:
        """The whole card: its photo, and the NHSO record on it (for the check)."""
        if card.photo is not None:
            self._post(PhotoRead(self.token, card.photo))
        self.card_record_read(card.nhso)

    def card_record_read(self, nhso: NhsoCardData | None) -> None:
        """The read's end: the card's NHSO record (None: it has none)."""
        self._post(CardRecordRead(self.token, nhso))

    def read_failed(self, error: CardProblem) -> None:
        """The read failed; the error's words go to the "please take your card" screen."""
        self._post(ReadFailed(self.token, error.kind, error.message_th, error.message_en))


class CheckFeed:
    """One agency check's answers (worker threads) as events of session `token`."""

    def __init__(self, post: Post, token: int) -> None:
        self._post = post
        self.token = token

    def on_result(self, result: AgencyResult) -> None:
        """One agency's answer, as it lands."""
        self._post(AgencyAnswered(self.token, result))

    def on_done(self) -> None:
        """Every agency has answered or the deadline passed."""
        self._post(CheckFinished(self.token))


class RecordFeed:
    """Where a record lookup reports its answer (from any thread): posts `RecordAnswered`."""

    def __init__(self, post: Post, token: int) -> None:
        self._post = post
        self.token = token

    def on_result(self, result: LookupResult) -> None:
        """The service's answer (or its failure, as a result)."""
        self._post(RecordAnswered(self.token, result))
