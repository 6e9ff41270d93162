"""A virtual Thai ID card that plugs into vsmartcard's vpcd reader driver inside pcscd.

vpcd listens on TCP (35963 for "Virtual PCD 00 00", 35964 for "... 00 01"); the card is the TCP
*client*: connecting is inserting it, disconnecting is pulling it out. Messages both ways are a
2-byte big-endian length and a payload; a 1-byte payload from vpcd is a control code (0 power
off, 1 power on, 2 reset: no reply; 4: reply with the ATR), anything else is an APDU to answer.

Faults for tests and demos: pull the card after N APDUs, answer a wrong status word to chosen
APDUs, answer `6C xx` to reads longer than a card buffer, and latency: a fixed cost per APDU plus
10 bit times per byte at a given baud rate (a 115200-baud reader: ~87 us a byte).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

from cardreader.card_image import CardApplets, CardImage

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORTS = (35963, 35964)  # reader slots "Virtual PCD 00 00" and "Virtual PCD 00 01"

_CTRL_OFF, _CTRL_ON, _CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4
_TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


@dataclass(frozen=True, slots=True)
class Latency:
    """Time a real reader and card take for one exchange: fixed part + bytes at `baud`."""

    per_apdu_s: float = 0.0
    baud: int | None = None

    def of_exchange(self, sent: int, received: int) -> float:
        """Seconds for an exchange of `sent` command and `received` response bytes."""
        per_byte = 10.0 / self.baud if self.baud else 0.0
        return self.per_apdu_s + (sent + received) * per_byte


# A contact reader at 115200 baud (ATR TA1 = 18) with a few ms of reader and card processing
# per exchange; used by the benchmark and `kiosk virtual-card --realistic`.
REALISTIC_LATENCY = Latency(per_apdu_s=0.005, baud=115200)


@dataclass(frozen=True, slots=True)
class CardFaults:
    """Faults to inject. APDU numbers count from 1 since the card was inserted."""

    remove_after_apdus: int | None = None  # answer N APDUs, then vanish instead of answering
    wrong_sw: dict[int, bytes] = field(default_factory=dict)  # APDU number -> status word
    max_read: int | None = None  # READ BINARY longer than this gets `6C xx`


class VirtualCard:
    """One virtual card; `insert()` connects it to vpcd, `remove()` pulls it out.

    Serving runs on a thread of its own while inserted; `remove()` and `close()` join it.
    """

    def __init__(
        self,
        image: CardImage,
        host: str = VPCD_HOST,
        port: int = VPCD_PORTS[0],
        *,
        latency: Latency = Latency(),
        faults: CardFaults = CardFaults(),
    ) -> None:
        self.image = image
        self.host, self.port = host, port
        self.latency = latency
        self.faults = faults
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._applets = CardApplets(image, faults.max_read)
        self._apdus = 0
        self._pulled_by_fault = threading.Event()

    @property
    def apdu_count(self) -> int:
        """APDUs answered since the last insert."""
        return self._apdus

    @property
    def inserted(self) -> bool:
        """True while the card is connected to vpcd."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def pulled_by_fault(self) -> bool:
        """True once the `remove_after_apdus` fault has pulled the card."""
        return self._pulled_by_fault.is_set()

    def insert(self, timeout: float = 5.0) -> None:
        """Connect to vpcd (retrying while it is not listening yet, up to `timeout` seconds)."""
        with self._lock:
            if self.inserted:
                return
            self._join()
            deadline = time.monotonic() + timeout
            while True:
                try:
                    sock = socket.create_connection((self.host, self.port), timeout=1.0)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        raise
                    time.sleep(0.05)
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
            self._apdus = 0
            self._pulled_by_fault.clear()
            self._applets = CardApplets(self.image, self.faults.max_read)
            self._thread = threading.Thread(
                target=self._serve, args=(sock,), name=f"virtual-card:{self.port}", daemon=True
            )
            self._thread.start()

    def remove(self) -> None:
        """Pull the card: close the connection and wait for the serving thread to end."""
        with self._lock:
            self._join()

    def close(self) -> None:
        """Same as `remove()`; the card can be inserted again afterwards."""
        self.remove()

    def __enter__(self) -> VirtualCard:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _join(self) -> None:
        sock, thread = self._sock, self._thread
        self._sock, self._thread = None, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the serving thread's recv
            sock.close()
        if thread is not None:
            thread.join()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _receive(sock)
                if message is None:
                    return
                reply = self._handle(message)
                if reply is _PULL:
                    self._pulled_by_fault.set()
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    return
                if reply is not None:
                    sock.sendall(struct.pack(">H", len(reply)) + reply)
        except OSError:
            return  # the card was removed (our side or vpcd's): nothing more to answer

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            code = message[0]
            if code == _CTRL_ATR:
                return self.image.atr
            if code in (_CTRL_OFF, _CTRL_ON, _CTRL_RESET):
                self._applets.reset()
            return None
        number = self._apdus + 1
        if self.faults.remove_after_apdus is not None and number > self.faults.remove_after_apdus:
            return _PULL
        self._apdus = number
        wrong = self.faults.wrong_sw.get(number)
        response = wrong if wrong is not None else self._applets.answer(message)
        delay = self.latency.of_exchange(len(message), len(response))
        if delay > 0:
            time.sleep(delay)
        return response


_PULL = b"\x00pull"  # sentinel reply: vanish instead of answering (never sent)


def _receive(sock: socket.socket) -> bytes | None:
    """One length-prefixed message from vpcd, or None when the connection is gone."""
    header = _receive_exactly(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    return _receive_exactly(sock, length) if length else b""


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < size:
        if _TCP_QUICKACK is not None:
            # Linux turns quick ACKs off again after a while; re-arm before every receive, or
            # delayed ACKs plus Nagle on vpcd's side cost ~40 ms per APDU.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)
        chunk = sock.recv(size - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)
