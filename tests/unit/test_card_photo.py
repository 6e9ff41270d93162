"""Finding the end of the card's JPEG, so a read stops before the photo area's padding."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from cardreader.photo import is_jpeg_start, jpeg_end
from cardreader.profile import shipped_profile, shipped_profile_names

PADDING = b" " * 600


def jpeg(**options: object) -> bytes:
    img = Image.new("RGB", (48, 40), (200, 180, 160))
    for x in range(48):
        img.putpixel((x, x % 40), (x * 5, 40, 90))
    out = io.BytesIO()
    img.save(out, "JPEG", **options)
    return out.getvalue()


@pytest.mark.parametrize("name", [n for n in shipped_profile_names() if n != "non_thai"])
def test_profile_photos_end_where_the_jpeg_ends(name: str) -> None:
    photo = shipped_profile(name).photo
    assert jpeg_end(photo + PADDING) == len(photo)


@pytest.mark.parametrize(
    "options",
    [{}, {"progressive": True}, {"restart_marker_blocks": 1}, {"quality": 95, "optimize": True}],
    ids=["baseline", "progressive", "restart-markers", "optimized"],
)
def test_jpeg_variants(options: dict[str, object]) -> None:
    data = jpeg(**options)
    assert jpeg_end(data + PADDING) == len(data)


def test_end_marker_inside_a_header_segment_is_not_the_end() -> None:
    data = jpeg()
    # An APP1 segment whose payload holds FF D9 (an embedded thumbnail's own end marker).
    payload = b"Exif\x00\x00" + b"\xff\xd8thumb\xff\xd9"
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    with_app1 = data[:2] + app1 + data[2:]
    assert jpeg_end(with_app1 + PADDING) == len(with_app1)


def test_incomplete_jpeg_needs_more_data() -> None:
    data = jpeg()
    for cut in (2, 3, 10, len(data) // 2, len(data) - 1):
        assert jpeg_end(data[:cut]) is None


def test_not_a_jpeg() -> None:
    assert not is_jpeg_start(b"  ")
    assert jpeg_end(b"\x00\x01\xff\xd9") is None
    assert jpeg_end(b"") is None


def test_end_right_after_start() -> None:
    assert jpeg_end(b"\xff\xd8\xff\xd9    ") == 4
