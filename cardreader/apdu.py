"""APDU encoding for the Thai ID card: commands, responses, status words. Pure; no I/O.

Command shapes (docs/card.md, "The card's protocol"):
- SELECT by AID: `00 A4 04 00 Lc AID`
- READ BINARY: `80 B0 P1 P2 02 00 Le` (P1P2 = offset; the length travels in the data field)
- GET RESPONSE: `00 C0 00 P2 Le` with P2 = 01 for cards whose ATR starts `3B 67`, else 00.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cardreader.errors import UnreadableCardError

THAI_ID_AID = bytes.fromhex("A000000054480001")
NHSO_AID = bytes.fromhex("A000000054480083")
LASER_AID = bytes.fromhex("A000000084060002")

MAX_BLOCK = 0xFF  # longest READ BINARY real cards are known to answer
MAX_OFFSET = 0xFFFF

SW_OK = 0x9000
SW1_MORE_DATA = 0x61
SW1_WRONG_LE = 0x6C


class CommandKind(StrEnum):
    """What an exchange was, for per-APDU timings and the maintenance "test read"."""

    SELECT = "SELECT"
    READ_BINARY = "READ BINARY"
    GET_RESPONSE = "GET RESPONSE"
    LASER = "LASER"


@dataclass(frozen=True, slots=True)
class Response:
    """A response APDU: data bytes and the two status bytes."""

    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        """The status word as one number, e.g. 0x9000."""
        return (self.sw1 << 8) | self.sw2

    @property
    def sw_hex(self) -> str:
        """The status word as people write it: `90 00`."""
        return f"{self.sw1:02X} {self.sw2:02X}"

    @classmethod
    def parse(cls, raw: bytes) -> Response:
        """Split raw response bytes into data and status; fewer than two bytes is unreadable."""
        if len(raw) < 2:
            raise UnreadableCardError(f"response of {len(raw)} bytes has no status word")
        return cls(bytes(raw[:-2]), raw[-2], raw[-1])


def select(aid: bytes) -> bytes:
    """SELECT by DF name (the applet's AID)."""
    if not 1 <= len(aid) <= 16:
        raise ValueError("an AID has 1 to 16 bytes")
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY of `length` (1..255) bytes at `offset`, in the Thai card's form."""
    if not 0 <= offset <= MAX_OFFSET:
        raise ValueError("offset out of range")
    if not 1 <= length <= MAX_BLOCK:
        raise ValueError("a READ BINARY reads 1 to 255 bytes")
    return bytes([0x80, 0xB0, offset >> 8, offset & 0xFF, 0x02, 0x00, length])


def get_response(length: int, p2: int) -> bytes:
    """GET RESPONSE of `length` bytes (1..256, 256 encoded as 00) with the card's P2 variant."""
    if not 1 <= length <= 256:
        raise ValueError("GET RESPONSE fetches 1 to 256 bytes")
    return bytes([0x00, 0xC0, 0x00, p2, length & 0xFF])


LASER_ID_COMMAND = bytes([0x80, 0x00, 0x00, 0x00, 0x07])


def get_response_p2(atr: bytes) -> int:
    """P2 of GET RESPONSE for a card with this ATR: 01 for ATRs starting `3B 67`, else 00."""
    return 0x01 if atr[:2] == b"\x3b\x67" else 0x00


def command_kind(apdu: bytes) -> CommandKind:
    """Name the command in `apdu` (for timings); unknown instructions count as LASER/other."""
    ins = apdu[1] if len(apdu) > 1 else -1
    if ins == 0xA4:
        return CommandKind.SELECT
    if ins == 0xB0:
        return CommandKind.READ_BINARY
    if ins == 0xC0:
        return CommandKind.GET_RESPONSE
    return CommandKind.LASER
