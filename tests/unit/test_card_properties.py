"""Property tests: on arbitrary bytes and status words, parsers and the APDU layer raise nothing
but the typed card errors — and always finish."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader import layout
from cardreader.address import parse_address
from cardreader.apdu import Response
from cardreader.card_image import CardApplets, CardImage
from cardreader.dates import parse_be_date
from cardreader.errors import CardError
from cardreader.identity import parse_cid, parse_identity, parse_laser_id, parse_nhso
from cardreader.photo import jpeg_end
from cardreader.profile import shipped_profile
from cardreader.protocol import CardProtocol
from cardreader.reading import CardReading, ReadOptions, SilentProgress
from cardreader.text import parse_name

ATR = bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44 20 31 30")


@given(st.binary(max_size=200))
def test_text_parsers_never_fail(raw: bytes) -> None:
    parse_name(raw)
    parse_address(raw)
    parse_be_date(raw)
    parse_nhso(raw)
    parse_laser_id(raw)


@given(st.binary(max_size=30))
def test_cid_parser_raises_only_card_errors(raw: bytes) -> None:
    try:
        cid = parse_cid(raw)
    except CardError:
        return
    assert len(cid) == 13


@given(st.binary(max_size=layout.IDENTITY.length), st.binary(max_size=layout.ADDRESS.length))
def test_identity_parser_raises_only_card_errors(identity: bytes, address: bytes) -> None:
    image = bytearray(b" ") * layout.MAIN_FILE_SIZE
    image[layout.IDENTITY.offset : layout.IDENTITY.offset + len(identity)] = identity
    image[layout.ADDRESS.offset : layout.ADDRESS.offset + len(address)] = address
    with contextlib.suppress(CardError):
        parse_identity(image, ATR)


@given(st.binary(max_size=600))
def test_jpeg_end_never_fails_and_stays_inside(data: bytes) -> None:
    end = jpeg_end(data)
    assert end is None or 4 <= end <= len(data)


@given(st.binary(max_size=600))
def test_jpeg_end_on_a_jpeg_prefix(tail: bytes) -> None:
    end = jpeg_end(b"\xff\xd8" + tail)
    assert end is None or end <= len(tail) + 2


class ArbitraryCard:
    """A card channel answering whatever hypothesis draws: data plus any status word."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers
        self.count = 0

    def transmit(self, command: bytes) -> Response:
        answer = self.answers[self.count % len(self.answers)]
        self.count += 1
        assert self.count < 10_000, "the protocol layer does not terminate"
        return Response.parse(answer)


answers = st.lists(
    st.tuples(st.binary(max_size=300), st.integers(0, 255), st.integers(0, 255)).map(
        lambda t: t[0] + bytes([t[1], t[2]])
    ),
    min_size=1,
    max_size=8,
)


@given(answers, st.integers(0, 0xFFFF - 0x200), st.integers(0, 0x200))
def test_protocol_raises_only_card_errors(replies: list[bytes], offset: int, length: int) -> None:
    protocol = CardProtocol(ArbitraryCard(replies), ATR)
    try:
        data = protocol.read(offset, length)
    except CardError:
        return
    assert len(data) == length


@given(answers, st.booleans(), st.booleans())
@settings(max_examples=150)
def test_a_whole_read_raises_only_card_errors(
    replies: list[bytes], photo: bool, nhso: bool
) -> None:
    reading = CardReading(ArbitraryCard(replies), ATR, ReadOptions(photo=photo, nhso=nhso))
    with contextlib.suppress(CardError):
        reading.run(SilentProgress())


@given(st.binary(max_size=20))
def test_virtual_card_answers_anything_with_a_status_word(command: bytes) -> None:
    applets = CardApplets(CardImage(atr=ATR, main=b" " * layout.MAIN_FILE_SIZE))
    assert len(applets.answer(command)) >= 2


class CorruptedCard:
    """A real card's answers (the demo profile), with some replaced by arbitrary ones."""

    def __init__(self, corruptions: dict[int, bytes]) -> None:
        self.applets = CardApplets(shipped_profile("demo").image())
        self.corruptions = corruptions
        self.count = 0

    def transmit(self, command: bytes) -> Response:
        self.count += 1
        assert self.count < 10_000, "the read does not terminate"
        real = self.applets.answer(command)
        return Response.parse(self.corruptions.get(self.count, real))


@given(st.dictionaries(st.integers(1, 60), answers.map(lambda a: a[0]), max_size=4))
@settings(max_examples=200)
def test_a_real_read_with_corrupted_answers_raises_only_card_errors(
    corruptions: dict[int, bytes],
) -> None:
    card = CorruptedCard(corruptions)
    try:
        result = CardReading(card, ATR, ReadOptions()).run(SilentProgress())
    except CardError:
        return
    assert len(result.cid) == 13
