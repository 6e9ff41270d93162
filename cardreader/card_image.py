"""What a (virtual) Thai ID card holds, byte for byte, and how a card answers APDUs about it.

`CardImage` is the card's content: ATR and the files of its applets. `CardApplets` answers the
real protocol over an image: SELECT (main, NHSO, laser applets; a failed SELECT keeps the current
applet, as ISO 7816-4 says), READ BINARY at any offset and length (`61 xx`, or `6C xx` when the
card has fewer bytes than asked), GET RESPONSE in the P2 variant the ATR calls for (`6C xx` on a
wrong Le, `61 xx` chaining on a short one), and the laser ID command. Pure; the vpcd connection
is `virtual_card`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardreader import apdu

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_FILE_NOT_FOUND = b"\x6a\x82"
SW_OFFSET_OUTSIDE = b"\x6b\x00"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_NO_PENDING = b"\x69\x85"
SW_INS_UNKNOWN = b"\x6d\x00"
SW_CLA_UNKNOWN = b"\x6e\x00"

_FCI = bytes.fromhex("6F 08 84 06 00 00 00 00 00 00")
_LASER_ANSWER_LENGTH = 0x10


@dataclass(frozen=True, slots=True)
class CardImage:
    """A card's content: its ATR, and each applet's file (None when the card lacks the applet)."""

    atr: bytes
    main: bytes | None
    nhso: bytes | None = None
    laser_id: bytes | None = None


def _sw(sw1: int, sw2: int) -> bytes:
    return bytes([sw1, sw2 & 0xFF])


class CardApplets:
    """Answers command APDUs the way a Thai ID card does, from a `CardImage`."""

    def __init__(
        self, image: CardImage, max_read: int | None = None, *, forgets_selection: bool = False
    ) -> None:
        """`max_read`: longest READ BINARY answered (else `6C xx`); `forgets_selection`: a
        failed SELECT deselects the current applet (cards that stray from ISO 7816-4)."""
        self._image = image
        self._max_read = max_read
        self._forgets_selection = forgets_selection
        self._gr_p2 = apdu.get_response_p2(image.atr)
        self._applets: dict[bytes, bytes] = {}
        if image.main is not None:
            self._applets[apdu.THAI_ID_AID] = image.main
        if image.nhso is not None:
            self._applets[apdu.NHSO_AID] = image.nhso
        if image.laser_id is not None:
            self._applets[apdu.LASER_AID] = b""
        self._selected: bytes | None = None
        self._pending = b""

    def reset(self) -> None:
        """Power cycle: nothing selected, nothing pending."""
        self._selected = None
        self._pending = b""

    def answer(self, command: bytes) -> bytes:
        """The response APDU (data + status word) to one command APDU."""
        if len(command) < 4:
            return SW_WRONG_LENGTH
        header = (command[0], command[1])
        if header == (0x00, 0xC0):
            return self._get_response(command)
        self._pending = b""  # any other command drops an unfetched response
        if header == (0x00, 0xA4):
            return self._select(command)
        if header == (0x80, 0xB0):
            return self._read_binary(command)
        if command == apdu.LASER_ID_COMMAND:
            return self._laser_id()
        return SW_INS_UNKNOWN if command[0] in (0x00, 0x80) else SW_CLA_UNKNOWN

    def _select(self, command: bytes) -> bytes:
        if len(command) < 5 or command[2:4] != b"\x04\x00":
            return SW_WRONG_P1P2
        aid = command[5 : 5 + command[4]]
        if len(aid) != command[4]:
            return SW_WRONG_LENGTH
        if aid not in self._applets:
            if self._forgets_selection:
                self._selected = None
            return SW_FILE_NOT_FOUND  # otherwise the current selection stays (ISO 7816-4)
        self._selected = aid
        self._pending = _FCI
        return _sw(0x61, len(_FCI))

    def _read_binary(self, command: bytes) -> bytes:
        if len(command) != 7 or command[4] != 0x02 or command[5] != 0x00:
            return SW_WRONG_LENGTH
        if self._selected is None or self._selected == apdu.LASER_AID:
            return SW_NO_CURRENT_EF
        data = self._applets[self._selected]
        offset, length = (command[2] << 8) | command[3], command[6]
        if length == 0:
            return SW_WRONG_LENGTH
        if offset >= len(data):
            return SW_OFFSET_OUTSIDE
        limit = min(len(data) - offset, self._max_read or apdu.MAX_BLOCK)
        if length > limit:
            return _sw(0x6C, limit)
        self._pending = data[offset : offset + length]
        return _sw(0x61, length)

    def _get_response(self, command: bytes) -> bytes:
        if len(command) != 5:
            return SW_WRONG_LENGTH
        if command[2] != 0x00 or command[3] != self._gr_p2:
            return SW_WRONG_P1P2
        if not self._pending:
            return SW_NO_PENDING
        wanted = command[4] or 256
        if wanted > len(self._pending):
            return _sw(0x6C, len(self._pending))
        data, self._pending = self._pending[:wanted], self._pending[wanted:]
        if self._pending:
            return data + _sw(0x61, len(self._pending))
        return data + SW_OK

    def _laser_id(self) -> bytes:
        if self._selected != apdu.LASER_AID or self._image.laser_id is None:
            return SW_INS_UNKNOWN
        self._pending = self._image.laser_id.ljust(_LASER_ANSWER_LENGTH, b"\x00")
        return _sw(0x61, len(self._pending))
