"""The full read sequence against the virtual card's own logic (`CardApplets`), no pcscd.

The end-to-end tests run the same through pcscd + vpcd + pyscard; these pin the read plan and
every profile's values quickly, and the corner cases that need a card that misbehaves.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from cardreader import layout
from cardreader.apdu import Response
from cardreader.card_image import CardApplets, CardImage
from cardreader.errors import CardError, NotThaiIdCardError, UnreadableCardError
from cardreader.profile import shipped_profile, shipped_profile_names
from cardreader.reading import CardReading, ReadOptions
from cardreader.types import CardData
from kiosk.cli.card_cmds import card_json

THAI_PROFILES = [name for name in shipped_profile_names() if name != "non_thai"]
CLASSIC_EXCHANGES = 1 + 2 * (9 + 20)  # SELECT, then 9 fields and 20 photo chunks, READ + GET


class AppletChannel:
    """A `CardChannel` straight into the card logic (what vpcd would carry), counting reads."""

    def __init__(self, applets: CardApplets) -> None:
        self.applets = applets
        self.sent: list[bytes] = []

    def transmit(self, command: bytes) -> Response:
        self.sent.append(command)
        return Response.parse(self.applets.answer(command))

    def read_spans(self) -> list[tuple[int, int]]:
        return [((c[2] << 8) | c[3], c[6]) for c in self.sent if c[:2] == b"\x80\xb0"]


class Recorder:
    """A `ReadProgress` that records the order of callbacks."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def cid_read(self, cid: str) -> None:
        self.events.append(("cid", cid))

    def identity_read(self, card: CardData) -> None:
        self.events.append(("identity", card))

    def photo_read(self, jpeg: bytes) -> None:
        self.events.append(("photo", jpeg))

    def read_done(self, card: CardData) -> None:
        self.events.append(("done", card))

    def read_failed(self, error: CardError) -> None:
        self.events.append(("failed", error))


def read(
    image: CardImage, options: ReadOptions | None = None, **card: Any
) -> tuple[CardData, Recorder, AppletChannel]:
    channel = AppletChannel(CardApplets(image, **card))
    progress = Recorder()
    result = CardReading(channel, image.atr, options or ReadOptions()).run(progress)
    return result, progress, channel


@pytest.mark.parametrize("name", THAI_PROFILES)
def test_every_profile_reads_to_its_expected_values(name: str) -> None:
    profile = shipped_profile(name)
    card, _, _ = read(profile.image())
    got = card_json(card)
    assert profile.expect is not None
    for key, value in profile.expect.items():
        assert got[key] == value, key
    assert card.photo == profile.photo
    assert card.atr == bytes.fromhex(profile.atr)
    assert card.laser_id == profile.laser_id


def test_progress_comes_in_order_cid_first_photo_last() -> None:
    profile = shipped_profile("nhso")
    card, progress, _ = read(profile.image())
    assert [kind for kind, _ in progress.events] == ["cid", "identity", "photo", "done"]
    assert progress.events[0][1] == profile.cid
    identity = progress.events[1][1]
    assert identity.name_th.first == "อนุชา"
    assert (identity.photo, identity.nhso, identity.laser_id) == (None, None, None)
    assert progress.events[2][1] == profile.photo
    assert progress.events[3][1] is card
    assert card.nhso is not None
    assert card.laser_id == "JT1-2345678-90"


def test_cid_is_known_after_the_first_data_exchange() -> None:
    image = shipped_profile("standard").image()
    channel = AppletChannel(CardApplets(image))
    exchanges_at_cid: list[int] = []

    class AtCid(Recorder):
        def cid_read(self, cid: str) -> None:
            exchanges_at_cid.append(len(channel.sent))

    CardReading(channel, image.atr, ReadOptions()).run(AtCid())
    # SELECT + its GET RESPONSE, then one READ BINARY + GET RESPONSE.
    assert exchanges_at_cid == [4]


def test_read_plan_beats_the_classic_sequence_and_stops_at_the_jpeg_end() -> None:
    profile = shipped_profile("standard")
    _, _, channel = read(profile.image())
    assert len(channel.sent) <= 0.85 * CLASSIC_EXCHANGES
    spans = channel.read_spans()
    assert all(length <= 0xFF for _, length in spans)
    photo_end = layout.PHOTO.offset + len(profile.photo)
    last_photo_read = max(
        offset + length for offset, length in spans if offset < layout.ADDRESS.offset
    )
    # The last block is the one holding the end marker: no padding block after it.
    assert photo_end <= last_photo_read < photo_end + 0xFF
    # The whole address is read (the classic sequence reads 100 of its 160 bytes).
    assert (layout.ADDRESS.offset, layout.ADDRESS.length) in spans


def test_full_size_photo_is_read_completely() -> None:
    profile = shipped_profile("standard")
    comment = b"\xff\xfe" + (layout.PHOTO.length - len(profile.photo) - 4 + 2).to_bytes(2, "big")
    big = (
        profile.photo[:2]
        + comment
        + b"x" * (layout.PHOTO.length - len(profile.photo) - 4)
        + profile.photo[2:]
    )
    assert len(big) == layout.PHOTO.length
    image = dataclasses.replace(profile.image(), main=_with_photo(profile.image().main, big))
    card, _, channel = read(image)
    assert card.photo == big
    assert len(channel.sent) <= 0.85 * CLASSIC_EXCHANGES


def _with_photo(main: bytes | None, photo: bytes) -> bytes:
    assert main is not None
    data = bytearray(main)
    data[layout.PHOTO.offset : layout.PHOTO.end] = photo.ljust(layout.PHOTO.length, b" ")
    return bytes(data)


def test_no_photo_reads_no_photo_bytes() -> None:
    card, progress, channel = read(shipped_profile("standard").image(), ReadOptions(photo=False))
    assert card.photo is None
    assert "photo" not in [kind for kind, _ in progress.events]
    assert all(
        offset + length <= layout.PHOTO.offset or offset >= layout.ADDRESS.offset
        for offset, length in channel.read_spans()
    )


def test_without_nhso_and_laser_options_no_other_applet_is_selected() -> None:
    _, _, channel = read(shipped_profile("nhso").image(), ReadOptions(nhso=False, laser_id=False))
    selects = [c for c in channel.sent if c[1] == 0xA4]
    assert len(selects) == 1


def test_atr_3b67_card_needs_and_gets_p2_01() -> None:
    profile = shipped_profile("atr_3b67")
    _, _, channel = read(profile.image())
    assert {c[3] for c in channel.sent if c[1] == 0xC0} == {0x01}


def test_not_a_thai_card() -> None:
    profile = shipped_profile("non_thai")
    channel = AppletChannel(CardApplets(profile.image()))
    progress = Recorder()
    with pytest.raises(NotThaiIdCardError):
        CardReading(channel, profile.image().atr, ReadOptions()).run(progress)
    assert len(channel.sent) == 1
    assert progress.events == []


def test_bad_cid_checksum_fails_before_any_data_is_published() -> None:
    profile = shipped_profile("standard").model_copy(update={"cid": "1340100123453"})
    channel = AppletChannel(CardApplets(profile.image()))
    progress = Recorder()
    with pytest.raises(UnreadableCardError):
        CardReading(channel, profile.image().atr, ReadOptions()).run(progress)
    assert progress.events == []


def test_card_with_a_small_buffer_answers_6c_and_is_still_read_whole() -> None:
    profile = shipped_profile("demo")
    card, _, channel = read(profile.image(), max_read=100)
    assert card.photo == profile.photo
    assert card.address.province == "นนทบุรี"
    assert any(length == 100 for _, length in channel.read_spans())


def test_card_that_forgets_its_applet_after_a_failed_select_is_reselected() -> None:
    profile = shipped_profile("standard")
    card, _, channel = read(profile.image(), forgets_selection=True)
    assert card.photo == profile.photo
    main_selects = [c for c in channel.sent if c == bytes.fromhex("00A4040008A000000054480001")]
    assert len(main_selects) == 2


def test_photo_area_without_a_jpeg_gives_no_photo() -> None:
    image = shipped_profile("standard").image()
    image = dataclasses.replace(image, main=_with_photo(image.main, b"not a jpeg at all"))
    card, progress, channel = read(image)
    assert card.photo is None
    assert [kind for kind, _ in progress.events] == ["cid", "identity", "done"]
    assert len(channel.sent) < 20  # it gave up at the first block, not after 5118 bytes


def test_photo_without_end_marker_gives_no_photo_after_reading_the_area() -> None:
    image = shipped_profile("standard").image()
    image = dataclasses.replace(
        image, main=_with_photo(image.main, shipped_profile("standard").photo[:-2])
    )
    card, _, _ = read(image)
    assert card.photo is None
