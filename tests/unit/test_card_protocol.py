"""The exchange rules: 61 xx with GET RESPONSE (both P2 variants), 6C xx, blocks of 0xFF bytes.

`ScriptedChannel` is a fake card channel (canned answers per command) for the corner cases a
real card rarely shows; the full protocol against real card logic is in test_card_reading.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cardreader import apdu
from cardreader.apdu import Response
from cardreader.errors import UnreadableCardError
from cardreader.protocol import CardProtocol, CardStatusError

ATR = bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44 20 31 30")
ATR_3B67 = bytes.fromhex("3B 67 00 00 73 20 00 6C 68 90 00")


class ScriptedChannel:
    """A fake `CardChannel`: answers from a function of the command, and logs the commands."""

    def __init__(self, answer: Callable[[bytes], bytes]) -> None:
        self.answer = answer
        self.sent: list[bytes] = []

    def transmit(self, command: bytes) -> Response:
        self.sent.append(command)
        return Response.parse(self.answer(command))


def memory_card(data: bytes, *, max_block: int = 0xFF, p2: int = 0) -> Callable[[bytes], bytes]:
    """A card whose file is `data`: READ answers 61 xx (or 6C), GET RESPONSE the bytes."""
    pending = b""

    def answer(command: bytes) -> bytes:
        nonlocal pending
        if command[1] == 0xB0:
            offset, length = (command[2] << 8) | command[3], command[6]
            if length > max_block:
                return bytes([0x6C, max_block])
            pending = data[offset : offset + length]
            return bytes([0x61, len(pending)])
        if command[1] == 0xC0:
            if command[3] != p2:
                return b"\x6a\x86"
            out, pending = pending[: command[4]], pending[command[4] :]
            return out + (bytes([0x61, len(pending)]) if pending else b"\x90\x00")
        return b"\x90\x00"

    return answer


DATA = bytes(range(256)) * 4


def test_read_binary_then_get_response() -> None:
    channel = ScriptedChannel(memory_card(DATA))
    assert CardProtocol(channel, ATR).read(0x10, 13) == DATA[0x10:0x1D]
    assert channel.sent == [
        bytes.fromhex("80 B0 00 10 02 00 0D"),
        bytes.fromhex("00C000000D"),
    ]


def test_get_response_uses_p2_01_for_atr_3b67() -> None:
    channel = ScriptedChannel(memory_card(DATA, p2=1))
    assert CardProtocol(channel, ATR_3B67).read(0, 8) == DATA[:8]
    assert channel.sent[1] == bytes.fromhex("00C0000108")


def test_long_ranges_are_read_in_blocks_of_at_most_0xff() -> None:
    channel = ScriptedChannel(memory_card(DATA))
    assert CardProtocol(channel, ATR).read(0, 600) == DATA[:600]
    reads = [c for c in channel.sent if c[1] == 0xB0]
    assert [c[6] for c in reads] == [0xFF, 0xFF, 600 - 2 * 0xFF]
    assert [(c[2] << 8) | c[3] for c in reads] == [0, 0xFF, 0x1FE]


def test_6c_on_read_is_resent_with_the_cards_length_and_the_rest_read_after() -> None:
    channel = ScriptedChannel(memory_card(DATA, max_block=100))
    assert CardProtocol(channel, ATR).read(0, 255) == DATA[:255]
    reads = [c[6] for c in channel.sent if c[1] == 0xB0]
    assert reads == [255, 100, 155, 100, 55]


def test_6c_on_get_response_is_resent_with_that_le() -> None:
    def answer(command: bytes) -> bytes:
        if command[1] == 0xB0:
            return b"\x61\x08"
        if command[4] != 5:
            return b"\x6c\x05"
        return b"HELLO\x90\x00"

    channel = ScriptedChannel(answer)
    assert CardProtocol(channel, ATR).read(0, 5) == b"HELLO"
    assert [c[4] for c in channel.sent if c[1] == 0xC0] == [5]


def test_get_response_chain_of_61() -> None:
    chunks = [b"AB\x61\x02", b"CD\x90\x00"]

    def answer(command: bytes) -> bytes:
        return b"\x61\x04" if command[1] == 0xB0 else chunks.pop(0)

    assert CardProtocol(ScriptedChannel(answer), ATR).read(0, 4) == b"ABCD"


def test_data_with_9000_straight_away_is_accepted() -> None:
    def answer(command: bytes) -> bytes:
        return b"1234\x90\x00"

    assert CardProtocol(ScriptedChannel(answer), ATR).read(0, 4) == b"1234"


@pytest.mark.parametrize("sw", [b"\x6a\x82", b"\x69\x86", b"\x6f\x00", b"\x6b\x00"])
def test_error_status_on_read_is_a_typed_error(sw: bytes) -> None:
    with pytest.raises(CardStatusError) as caught:
        CardProtocol(ScriptedChannel(lambda c: sw), ATR).read(0, 4)
    assert caught.value.kind == "unreadable"
    assert caught.value.sw_hex == f"{sw[0]:02X} {sw[1]:02X}"


def test_endless_6c_ends_with_an_error() -> None:
    with pytest.raises(UnreadableCardError):
        CardProtocol(ScriptedChannel(lambda c: b"\x6c\x10"), ATR).read(0, 0x20)


def test_endless_61_chain_ends_with_an_error() -> None:
    with pytest.raises(UnreadableCardError):
        CardProtocol(ScriptedChannel(lambda c: b"X\x61\x01"), ATR).read(0, 1)


def test_empty_answer_with_9000_is_unreadable_not_a_loop() -> None:
    with pytest.raises(UnreadableCardError):
        CardProtocol(ScriptedChannel(lambda c: b"\x90\x00"), ATR).read(0, 4)


@pytest.mark.parametrize(
    ("sw", "selected"),
    [(b"\x90\x00", True), (b"\x61\x0a", True), (b"\x6a\x82", False), (b"\x6d\x00", False)],
)
def test_select_success_is_9000_or_61xx(sw: bytes, selected: bool) -> None:
    def answer(command: bytes) -> bytes:
        return sw if command[1] == 0xA4 else b"\x00" * 10 + b"\x90\x00"

    channel = ScriptedChannel(answer)
    assert CardProtocol(channel, ATR).select(apdu.THAI_ID_AID, fetch_fci=True) is selected
    assert channel.sent[0] == bytes.fromhex("00A4040008A000000054480001")
    fetched = [c for c in channel.sent if c[1] == 0xC0]
    assert fetched == ([bytes.fromhex("00C000000A")] if sw[0] == 0x61 else [])


def test_select_without_fci_sends_no_get_response() -> None:
    channel = ScriptedChannel(lambda c: b"\x61\x0a")
    assert CardProtocol(channel, ATR).select(apdu.NHSO_AID, fetch_fci=False)
    assert len(channel.sent) == 1


def test_command_builders_refuse_out_of_range_values() -> None:
    with pytest.raises(ValueError, match="1 to 255"):
        apdu.read_binary(0, 256)
    with pytest.raises(ValueError, match="offset"):
        apdu.read_binary(0x10000, 1)
    with pytest.raises(ValueError, match="AID"):
        apdu.select(b"")
    assert apdu.get_response(256, 0) == bytes.fromhex("00C0000000")


def test_response_needs_a_status_word() -> None:
    with pytest.raises(UnreadableCardError):
        Response.parse(b"\x90")
    assert Response.parse(b"\x61\x0a").sw == 0x610A
