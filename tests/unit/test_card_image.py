"""The virtual card's answers (`CardApplets`): what a Thai ID card says to each command."""

from __future__ import annotations

import pytest

from cardreader import apdu, layout
from cardreader.card_image import CardApplets, CardImage

MAIN = bytes(range(256)) * 22 + bytes(range(256))[: layout.MAIN_FILE_SIZE - 256 * 22]
IMAGE = CardImage(
    atr=bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44 20 31 30"),
    main=MAIN,
    nhso=b"N" * layout.NHSO_FILE_SIZE,
    laser_id=b"JT1-2345678-90",
)


def card(image: CardImage = IMAGE, max_read: int | None = None) -> CardApplets:
    applets = CardApplets(image, max_read)
    assert applets.answer(apdu.select(apdu.THAI_ID_AID)) == b"\x61\x0a"
    return applets


def test_select_then_fci() -> None:
    applets = card()
    assert applets.answer(apdu.get_response(10, 0))[-2:] == b"\x90\x00"


def test_read_binary_answers_61_then_get_response_gives_the_bytes() -> None:
    applets = card()
    assert applets.answer(apdu.read_binary(0x1234, 200)) == b"\x61\xc8"
    assert applets.answer(apdu.get_response(200, 0)) == MAIN[0x1234 : 0x1234 + 200] + b"\x90\x00"


def test_short_get_response_chains_with_61() -> None:
    applets = card()
    applets.answer(apdu.read_binary(0, 10))
    assert applets.answer(apdu.get_response(4, 0)) == MAIN[:4] + b"\x61\x06"
    assert applets.answer(apdu.get_response(6, 0)) == MAIN[4:10] + b"\x90\x00"


def test_long_get_response_is_answered_6c_with_the_right_length() -> None:
    applets = card()
    applets.answer(apdu.read_binary(0, 10))
    assert applets.answer(apdu.get_response(20, 0)) == b"\x6c\x0a"
    assert applets.answer(apdu.get_response(10, 0)) == MAIN[:10] + b"\x90\x00"


def test_read_past_the_end_gets_6c_with_what_is_left() -> None:
    applets = card()
    assert applets.answer(apdu.read_binary(layout.MAIN_FILE_SIZE - 5, 20)) == b"\x6c\x05"
    assert applets.answer(apdu.read_binary(layout.MAIN_FILE_SIZE, 1)) == b"\x6b\x00"


def test_max_read_fault_answers_6c() -> None:
    applets = card(max_read=64)
    assert applets.answer(apdu.read_binary(0, 65)) == b"\x6c\x40"


def test_get_response_p2_must_match_the_atr() -> None:
    applets = card()
    applets.answer(apdu.read_binary(0, 4))
    assert applets.answer(apdu.get_response(4, 1)) == b"\x6a\x86"
    image_3b67 = CardImage(atr=bytes.fromhex("3B 67 00 00 73 20 00 6C 68 90 00"), main=MAIN)
    applets = card(image_3b67)
    applets.answer(apdu.read_binary(0, 4))
    assert applets.answer(apdu.get_response(4, 0)) == b"\x6a\x86"
    assert applets.answer(apdu.get_response(4, 1)) == MAIN[:4] + b"\x90\x00"


def test_other_commands_drop_the_pending_response() -> None:
    applets = card()
    applets.answer(apdu.read_binary(0, 4))
    applets.answer(apdu.select(apdu.NHSO_AID))
    applets.answer(apdu.read_binary(0, 2))
    assert applets.answer(apdu.get_response(2, 0)) == b"NN\x90\x00"
    assert applets.answer(apdu.get_response(2, 0)) == b"\x69\x85"


def test_failed_select_keeps_the_current_applet() -> None:
    applets = card(CardImage(atr=IMAGE.atr, main=MAIN))
    assert applets.answer(apdu.select(apdu.NHSO_AID)) == b"\x6a\x82"
    assert applets.answer(apdu.read_binary(0, 1)) == b"\x61\x01"


def test_card_that_forgets_its_selection() -> None:
    applets = CardApplets(CardImage(atr=IMAGE.atr, main=MAIN), forgets_selection=True)
    applets.answer(apdu.select(apdu.THAI_ID_AID))
    applets.answer(apdu.select(apdu.NHSO_AID))
    assert applets.answer(apdu.read_binary(0, 1)) == b"\x69\x86"


def test_laser_id_command() -> None:
    applets = card()
    applets.answer(apdu.select(apdu.LASER_AID))
    assert applets.answer(apdu.LASER_ID_COMMAND) == b"\x61\x10"
    assert applets.answer(apdu.get_response(16, 0)) == b"JT1-2345678-90\x00\x00\x90\x00"


def test_reset_forgets_everything() -> None:
    applets = card()
    applets.reset()
    assert applets.answer(apdu.read_binary(0, 1)) == b"\x69\x86"


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        (b"\x00\xa4", b"\x67\x00"),
        (b"\x80\xb0\x00\x00\x01\x00\x05", b"\x67\x00"),
        (b"\x00\xb0\x00\x00\x05", b"\x6d\x00"),
        (b"\xa0\xb0\x00\x00\x05", b"\x6e\x00"),
        (b"\x00\xa4\x00\x00\x02\x3f\x00", b"\x6a\x86"),
        (b"\x80\xb0\x00\x00\x02\x00\x00", b"\x67\x00"),
    ],
)
def test_malformed_commands(command: bytes, sw: bytes) -> None:
    assert card().answer(command) == sw


def test_a_card_without_the_thai_applet_refuses_its_select() -> None:
    applets = CardApplets(CardImage(atr=IMAGE.atr, main=None))
    assert applets.answer(apdu.select(apdu.THAI_ID_AID)) == b"\x6a\x82"
