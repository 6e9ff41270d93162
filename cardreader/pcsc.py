"""PC/SC through pyscard, typed, with every call checked to run on the thread that owns it.

pyscard is not safe to share between threads, so a `PcscContext` (and each `PcscCard` it opens)
belongs to the thread that created it, and asserts so on every call — Electrum's
`assert_runs_in_hwd_thread`. The kiosk creates its context on the `ReaderThread`; tools and tests
may own one on their own thread. PC/SC result codes become the typed `CardError`s here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from smartcard import scard

from cardreader.apdu import CommandKind, Response, command_kind
from cardreader.errors import (
    CardError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    PcscdNotRunningError,
    ReadCancelledError,
    ReaderBusyError,
    ReaderFaultError,
    UnreadableCardError,
)

PNP_NOTIFICATION = "\\\\?PnP?\\Notification"

STATE_UNAWARE: int = scard.SCARD_STATE_UNAWARE
STATE_CHANGED: int = scard.SCARD_STATE_CHANGED
STATE_UNKNOWN: int = scard.SCARD_STATE_UNKNOWN
STATE_UNAVAILABLE: int = scard.SCARD_STATE_UNAVAILABLE
STATE_EMPTY: int = scard.SCARD_STATE_EMPTY
STATE_PRESENT: int = scard.SCARD_STATE_PRESENT
STATE_MUTE: int = scard.SCARD_STATE_MUTE

# Result codes that mean the service itself is gone (pcscd stopped or restarted).
_SERVICE_GONE = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_F_COMM_ERROR,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
}
# Result codes that, during an exchange, mean the card left (or lost contact).
_CARD_GONE = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_UNKNOWN_READER,
}


_ERRORS: dict[int, type[CardError]] = {
    scard.SCARD_E_UNKNOWN_READER: NoReaderError,
    scard.SCARD_E_READER_UNAVAILABLE: NoReaderError,
    scard.SCARD_E_NO_READERS_AVAILABLE: NoReaderError,
    scard.SCARD_E_NO_SMARTCARD: NoCardError,
    scard.SCARD_W_REMOVED_CARD: NoCardError,
    scard.SCARD_E_SHARING_VIOLATION: ReaderBusyError,
    scard.SCARD_W_UNRESPONSIVE_CARD: UnreadableCardError,
    scard.SCARD_W_UNPOWERED_CARD: UnreadableCardError,
    scard.SCARD_E_PROTO_MISMATCH: UnreadableCardError,
}


def error_for(hresult: int, during: str, *, card_in_use: bool = False) -> CardError:
    """The typed error for a failed PC/SC call (`during` names the call, for the log).

    With `card_in_use` (an open card, mid-read), codes that mean the card went away become
    `CardRemovedError` rather than "no card".
    """
    detail = f"{during}: {scard.SCardGetErrorMessage(hresult)} (0x{hresult & 0xFFFFFFFF:08X})"
    if hresult in _SERVICE_GONE:
        return PcscdNotRunningError(detail)
    if card_in_use and hresult in _CARD_GONE:
        return CardRemovedError(detail)
    return _ERRORS.get(hresult, ReaderFaultError)(detail)


@dataclass(frozen=True, slots=True)
class ReaderState:
    """One reader's state as SCardGetStatusChange reports it."""

    reader: str
    event_state: int
    atr: bytes = b""

    @property
    def event_count(self) -> int:
        """pcsc-lite's per-reader insert/remove counter (upper 16 bits of the state)."""
        return (self.event_state >> 16) & 0xFFFF

    @property
    def present(self) -> bool:
        """A card is in the reader."""
        return bool(self.event_state & STATE_PRESENT)

    @property
    def mute(self) -> bool:
        """The card in the reader does not answer (no ATR)."""
        return bool(self.event_state & STATE_MUTE)

    @property
    def gone(self) -> bool:
        """The reader itself has disappeared."""
        return bool(self.event_state & (STATE_UNKNOWN | STATE_UNAVAILABLE))

    @property
    def known_state(self) -> int:
        """The state to pass back as "current" so the next call waits for a real change."""
        return self.event_state & ~STATE_CHANGED


@dataclass(frozen=True, slots=True)
class ApduTiming:
    """One APDU exchange as measured on the reader thread (no data bytes kept)."""

    kind: CommandKind
    sent: int
    received: int
    sw: str
    seconds: float


class PcscContext:
    """A PC/SC context owned by the thread that creates it."""

    def __init__(self) -> None:
        self._owner = threading.current_thread()
        hresult, handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscdNotRunningError(f"SCardEstablishContext: 0x{hresult & 0xFFFFFFFF:08X}")
        self._handle: Any = handle
        self._released = False

    def check_thread(self) -> None:
        """Assert that pyscard is only touched on the thread that owns this context."""
        assert threading.current_thread() is self._owner, (
            "pyscard called off its reader thread; use ReaderThread.submit()"
        )

    def readers(self) -> list[str]:
        """Names of the readers pcscd knows; empty when there are none."""
        self.check_thread()
        hresult, names = scard.SCardListReaders(self._handle, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "SCardListReaders")
        return list(names)

    def status_change(
        self, states: Sequence[tuple[str, int]], timeout_ms: int
    ) -> list[ReaderState] | None:
        """Wait up to `timeout_ms` for a reader's state to differ from `states`; None on timeout."""
        self.check_thread()
        hresult, result = scard.SCardGetStatusChange(self._handle, timeout_ms, list(states))
        if hresult == scard.SCARD_E_TIMEOUT:
            return None
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "SCardGetStatusChange")
        return [ReaderState(name, state, bytes(atr)) for name, state, atr in result]

    def states(self, readers: Sequence[str]) -> list[ReaderState]:
        """The readers' present states (no waiting)."""
        if not readers:
            return []
        result = self.status_change([(r, STATE_UNAWARE) for r in readers], 0)
        return result or []

    def connect(self, reader: str, should_stop: Callable[[], bool] = lambda: False) -> PcscCard:
        """Open the card in `reader` (shared mode, T=0 or T=1)."""
        self.check_thread()
        hresult, card, protocol = scard.SCardConnect(
            self._handle,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "SCardConnect")
        return PcscCard(self, reader, card, protocol, should_stop)

    def release(self) -> None:
        """Release the context (idempotent; errors ignored: pcscd may be gone already)."""
        self.check_thread()
        if not self._released:
            self._released = True
            scard.SCardReleaseContext(self._handle)


class PcscCard:
    """An open card: APDU exchanges, each timed and checked for cancellation first."""

    def __init__(
        self,
        context: PcscContext,
        reader: str,
        handle: Any,
        protocol: int,
        should_stop: Callable[[], bool],
    ) -> None:
        self._context = context
        self.reader = reader
        self._handle = handle
        self._protocol = protocol
        self._should_stop = should_stop
        self._in_transaction = False
        self.exchanges: list[ApduTiming] = []
        self.atr = self._read_atr()

    def _read_atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._handle)
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "SCardStatus", card_in_use=True)
        return bytes(atr)

    def begin_transaction(self) -> None:
        """Hold the card for this read: other programs wait until `disconnect()`."""
        self._context.check_thread()
        hresult = scard.SCardBeginTransaction(self._handle)
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "SCardBeginTransaction", card_in_use=True)
        self._in_transaction = True

    def transmit(self, command: bytes) -> Response:
        """Exchange one APDU (the `CardChannel` the protocol layer uses)."""
        self._context.check_thread()
        if self._should_stop():
            raise ReadCancelledError("stopped before an exchange")
        started = time.perf_counter()
        hresult, response = scard.SCardTransmit(self._handle, self._protocol, list(command))
        seconds = time.perf_counter() - started
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "SCardTransmit", card_in_use=True)
        if len(response) < 2:
            # What vpcd (and some readers) hand back when the card vanishes mid-exchange: an
            # answer with not even a status word. The card has lost contact: removed.
            raise CardRemovedError("SCardTransmit: empty response")
        parsed = Response.parse(bytes(response))
        self.exchanges.append(
            ApduTiming(command_kind(command), len(command), len(response), parsed.sw_hex, seconds)
        )
        return parsed

    def disconnect(self) -> None:
        """End the transaction and close the card, leaving it as it is (errors ignored)."""
        self._context.check_thread()
        if self._in_transaction:
            self._in_transaction = False
            scard.SCardEndTransaction(self._handle, scard.SCARD_LEAVE_CARD)
        scard.SCardDisconnect(self._handle, scard.SCARD_LEAVE_CARD)
