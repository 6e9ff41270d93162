"""Finding where the card's JPEG ends, so a reader can stop before the padding. Pure.

The photo area is 5118 bytes; the JPEG inside ends with its EOI marker `FF D9` and the rest is
padding. `FF D9` can also sit inside a header segment (an embedded thumbnail, a table), so the
scan walks the segment structure: lengths up to the start of scan, then entropy-coded data,
where a real marker is `FF` followed by anything but `00` (stuffing) or `D0`-`D7` (restarts).
"""

from __future__ import annotations

SOI = b"\xff\xd8"
EOI = 0xD9
_SOS = 0xDA
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length field


def is_jpeg_start(data: bytes) -> bool:
    """True when `data` begins with a JPEG start-of-image marker."""
    return data[:2] == SOI


def jpeg_end(data: bytes) -> int | None:
    """Length of the JPEG at the start of `data` up to and including EOI; None if not there yet.

    Returns None too when `data` does not start like a JPEG; callers check `is_jpeg_start`.
    """
    if not is_jpeg_start(data):
        return None
    headers = _skip_headers(data)
    if headers is None:
        return None
    pos, ended = headers
    return pos if ended else _scan_entropy(data, pos)


def _skip_headers(data: bytes) -> tuple[int, bool] | None:
    """Walk the header segments (FF xx LL LL payload) after SOI.

    Returns (offset where entropy-coded data starts, False) after SOS, (the JPEG's length, True)
    when EOI comes before any scan, or None when `data` ends first (or holds no marker where one
    must be).
    """
    pos, size = 2, len(data)
    while True:
        while pos + 1 < size and data[pos] == 0xFF and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 1 >= size or data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == EOI:
            return pos + 2, True
        if marker in _STANDALONE:
            pos += 2
            continue
        if pos + 3 >= size:
            return None
        pos += 2 + ((data[pos + 2] << 8) | data[pos + 3])
        if marker == _SOS:
            return pos, False


def _scan_entropy(data: bytes, pos: int) -> int | None:
    """Find EOI in entropy-coded data: `FF` followed by anything but stuffing, fill, restarts."""
    size = len(data)
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= size:
            return None
        follower = data[found + 1]
        if follower == EOI:
            return found + 2
        if follower in (0x00, 0xFF) or 0xD0 <= follower <= 0xD7:
            pos = found + 1
            continue
        # A marker segment between scans (progressive JPEGs: DHT, SOS ...): skip its header.
        if found + 3 >= size:
            return None
        pos = found + 2 + ((data[found + 2] << 8) | data[found + 3])
