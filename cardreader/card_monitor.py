"""The card monitor: reader states from SCardGetStatusChange turned into `CardEvents`.

It runs on the reader thread (`ReaderThread` calls `watch()` between tasks) and keeps the last
state of every reader, so each insert, removal and reader change is reported once: a card found
at start-up counts as inserted, a card pulled and re-inserted between two looks as removed and
inserted again, and when pcscd stops every card and reader is reported gone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from cardreader.errors import CardError, NoReaderError
from cardreader.pcsc import PNP_NOTIFICATION, STATE_UNAWARE, PcscContext, ReaderState

log = logging.getLogger(__name__)

# Even with PnP notification, re-list readers now and then: some drivers never announce them.
_RELIST_S = 2.0


class CardEvents(Protocol):
    """What the monitor reports; called on the reader thread."""

    def readers_changed(self, readers: list[str]) -> None:
        """The list of readers is now `readers` (possibly empty)."""

    def card_inserted(self, reader: str, atr: bytes) -> None:
        """A card is in `reader` (also for a card found there at start; `atr` empty if mute)."""

    def card_removed(self, reader: str) -> None:
        """The card left `reader` (or the reader or pcscd went away with it)."""

    def service_state(self, error: CardError | None) -> None:
        """pcscd down (`PcscdNotRunningError`), no reader (`NoReaderError`), or fine (None)."""


def emit(callback: Callable[..., object], *args: object) -> None:
    """Run one consumer callback; a failing consumer must not take the reader thread down."""
    try:
        callback(*args)
    except Exception:
        log.exception("a card event callback failed")


class CardMonitor:
    """The monitor's view of readers and cards, and the events it sends (reader thread only).

    With `events=None` it only tracks the service state (for a reader thread that just reads).
    """

    def __init__(self, events: CardEvents | None, poll_ms: int) -> None:
        self._events = events
        self._poll_ms = poll_ms
        self._service: str | None = "unknown"
        self._forget()

    def _forget(self) -> None:
        self._readers: list[str] = []
        self._states: dict[str, ReaderState] = {}
        self._pnp_state = 0
        self._listed_at = 0.0

    def set_service(self, error: CardError | None) -> None:
        """Report the service state when it changed (pcscd down, no reader, fine)."""
        kind = error.kind.value if error is not None else None
        if kind != self._service:
            self._service = kind
            if self._events is not None:
                emit(self._events.service_state, error)

    def service_lost(self, error: CardError) -> None:
        """pcscd went away: every card and reader with it; then the service state."""
        if self._events is not None:
            for name, state in self._states.items():
                if state.present:
                    emit(self._events.card_removed, name)
            if self._readers:
                emit(self._events.readers_changed, [])
        self._forget()
        self.set_service(error)

    def watch(self, context: PcscContext) -> None:
        """One step: re-list readers when due, then wait up to the poll time for a change.

        Raises `PcscdNotRunningError` when pcscd has gone (the caller drops its context).
        """
        try:
            if time.monotonic() - self._listed_at >= _RELIST_S:
                self._relist(context)
            states = [
                (r, self._states[r].known_state if r in self._states else STATE_UNAWARE)
                for r in self._readers
            ]
            states.append((PNP_NOTIFICATION, self._pnp_state))
            changed = context.status_change(states, self._poll_ms)
            if changed is not None and self._apply(changed):
                self._relist(context)
        except NoReaderError:
            self._listed_at = 0.0  # a reader vanished between listing and waiting: re-list

    def _apply(self, changed: list[ReaderState]) -> bool:
        """Take in new reader states; True when the reader list needs a fresh look."""
        relist = False
        for state in changed:
            if state.reader == PNP_NOTIFICATION:
                if state.known_state != self._pnp_state:
                    self._pnp_state = state.known_state
                    relist = True
            elif state.gone:
                relist = True
            else:
                self._update_card(state)
        return relist

    def _relist(self, context: PcscContext) -> None:
        self._listed_at = time.monotonic()
        readers = context.readers()
        if readers != self._readers:
            for gone in set(self._readers) - set(readers):
                old = self._states.pop(gone, None)
                if old is not None and old.present and self._events is not None:
                    emit(self._events.card_removed, gone)
            self._readers = readers
            if self._events is not None:
                emit(self._events.readers_changed, list(readers))
            for state in context.states([r for r in readers if r not in self._states]):
                self._update_card(state)
        self.set_service(None if readers else NoReaderError("no reader connected"))

    def _update_card(self, state: ReaderState) -> None:
        old = self._states.get(state.reader)
        self._states[state.reader] = state
        events = self._events
        if events is None:
            return
        was_present = old is not None and old.present
        if old is not None and was_present:
            swapped = state.present and state.event_count - old.event_count >= 2
            if not state.present or swapped:
                # Gone, or pulled and re-inserted between two looks (the counter moved twice).
                emit(events.card_removed, state.reader)
                was_present = False
        if state.present and not was_present:
            emit(events.card_inserted, state.reader, b"" if state.mute else state.atr)
