"""The Thai ID card's exchange rules over any channel: SELECT, READ BINARY, GET RESPONSE chains.

Pure logic over a `CardChannel` (the PC/SC transport in production, a list of canned answers in
unit tests). It honours `61 xx` (fetch with GET RESPONSE, in the card's P2 variant) and `6C xx`
(resend with Le = xx), reads ranges longer than one block as several blocks of at most 0xFF bytes,
and accepts a card that answers fewer bytes than asked by reading on from where it stopped.
"""

from __future__ import annotations

from typing import Protocol

from cardreader import apdu
from cardreader.apdu import Response
from cardreader.errors import UnreadableCardError

# A card that keeps answering 6C or 61 forever must not hang the kiosk.
_MAX_RETRIES = 3


class CardStatusError(UnreadableCardError):
    """The card answered a command with a status word that means failure."""

    def __init__(self, command: str, sw_hex: str) -> None:
        super().__init__(f"{command} answered {sw_hex}")
        self.sw_hex = sw_hex


class CardChannel(Protocol):
    """Sends one command APDU to the card and returns its response."""

    def transmit(self, command: bytes) -> Response:
        """Exchange one APDU. Raises a `CardError` when the card or reader fails."""
        ...


class CardProtocol:
    """Thai ID card commands over `channel`, for a card with this `atr`."""

    def __init__(self, channel: CardChannel, atr: bytes, max_block: int = apdu.MAX_BLOCK) -> None:
        self._channel = channel
        self._p2 = apdu.get_response_p2(atr)
        self._max_block = max(1, min(max_block, apdu.MAX_BLOCK))

    def select(self, aid: bytes, *, fetch_fci: bool) -> bool:
        """SELECT an applet; True on `90 00` or `61 xx`, False on any other status.

        With `fetch_fci`, a `61 xx` answer is followed by its GET RESPONSE (docs/card.md: the
        main applet's SELECT). Other selections skip it: the FCI is not used, and a card drops
        pending response bytes when the next command arrives.
        """
        response = self._channel.transmit(apdu.select(aid))
        if response.sw1 == apdu.SW1_MORE_DATA:
            if fetch_fci:
                self._fetch(response.sw2 or 256, "SELECT")
            return True
        return response.sw == apdu.SW_OK

    def read(self, offset: int, length: int) -> bytes:
        """Read `length` bytes at `offset` in blocks of at most `max_block` bytes."""
        if length < 0 or offset < 0 or offset + length > apdu.MAX_OFFSET + 1:
            raise ValueError("read outside the card's address space")
        out = bytearray()
        while len(out) < length:
            block = self.read_block(offset + len(out), min(self._max_block, length - len(out)))
            out += block
        return bytes(out[:length])

    def read_block(self, offset: int, length: int) -> bytes:
        """One READ BINARY (plus its GET RESPONSE): at most `length` bytes, never empty."""
        command = apdu.read_binary(offset, length)
        response = self._channel.transmit(command)
        for _ in range(_MAX_RETRIES):
            if response.sw1 != apdu.SW1_WRONG_LE:
                break
            if response.sw2 == 0:
                raise CardStatusError("READ BINARY", response.sw_hex)
            length = min(length, response.sw2)
            response = self._channel.transmit(apdu.read_binary(offset, length))
        if response.sw1 == apdu.SW1_MORE_DATA:
            data = self._fetch(min(response.sw2 or 256, length), "READ BINARY")
        elif response.sw == apdu.SW_OK:
            data = response.data  # a T=1 card may answer the data at once
        else:
            raise CardStatusError("READ BINARY", response.sw_hex)
        if not data:
            raise UnreadableCardError("READ BINARY returned no data")
        return data[:length]

    def exchange_with_response(self, command: bytes, label: str) -> bytes:
        """Send a command whose answer is `61 xx` + GET RESPONSE (or data with `90 00`)."""
        response = self._channel.transmit(command)
        if response.sw1 == apdu.SW1_MORE_DATA:
            return self._fetch(response.sw2 or 256, label)
        if response.sw == apdu.SW_OK:
            return response.data
        raise CardStatusError(label, response.sw_hex)

    def _fetch(self, available: int, label: str) -> bytes:
        """GET RESPONSE until the card has no more for us (`90 00`), honouring `6C xx`."""
        out = bytearray()
        wanted = available
        for _ in range(_MAX_RETRIES * 4):
            response = self._channel.transmit(apdu.get_response(wanted, self._p2))
            if response.sw1 == apdu.SW1_WRONG_LE:
                if response.sw2 == 0:
                    raise CardStatusError(f"{label} GET RESPONSE", response.sw_hex)
                wanted = response.sw2
                continue
            out += response.data
            if response.sw1 == apdu.SW1_MORE_DATA:
                wanted = response.sw2 or 256
                continue
            if response.sw != apdu.SW_OK:
                raise CardStatusError(f"{label} GET RESPONSE", response.sw_hex)
            return bytes(out)
        raise UnreadableCardError(f"{label} GET RESPONSE never completed")
