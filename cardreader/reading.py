"""One full read of a Thai ID card, delivered progressively: CID first, photo last.

The plan (see `layout`): SELECT the main applet; one 0xFF-byte block from the CID on gives the
CID, both names, birth date and gender (`cid_read`); a second block gives issuer and dates (and,
with the photo wanted, the photo's first bytes); the address (all 160 bytes) completes the
identity (`identity_read`). Then the NHSO applet and the laser ID, where the card has them, and
last the photo, block by block until its JPEG end marker (`photo_read`), never the padding after
it. The whole card (`read_done`) carries the NHSO record and laser ID as well.

Pure logic over a `CardChannel`; the PC/SC transport and its thread live elsewhere.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Protocol

from cardreader import apdu, layout
from cardreader.errors import CardError, NotThaiIdCardError
from cardreader.identity import parse_cid, parse_identity, parse_laser_id, parse_nhso
from cardreader.photo import is_jpeg_start, jpeg_end
from cardreader.protocol import CardChannel, CardProtocol, CardStatusError
from cardreader.types import CardData, NhsoCardData

log = logging.getLogger(__name__)

_PAD = 0x20


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What to read besides the main file's identity fields."""

    photo: bool = True
    nhso: bool = True
    laser_id: bool = True


class ReadProgress(Protocol):
    """Receives one read's results as they arrive (on the reader thread, in this order)."""

    def cid_read(self, cid: str) -> None:
        """The CID, checksum verified: first, after one data exchange."""

    def identity_read(self, card: CardData) -> None:
        """Every main-file field but the photo (`photo`, `nhso`, `laser_id` still None)."""

    def photo_read(self, jpeg: bytes) -> None:
        """The JPEG, start to end marker (not called with `photo=False` or without a photo)."""

    def read_done(self, card: CardData) -> None:
        """The whole card: identity, NHSO record and laser ID where present, photo."""

    def read_failed(self, error: CardError) -> None:
        """The read ended with this error (no other callback follows)."""


class SilentProgress:
    """A `ReadProgress` that ignores everything (for callers that only want the result)."""

    def cid_read(self, cid: str) -> None:
        """Ignore."""

    def identity_read(self, card: CardData) -> None:
        """Ignore."""

    def photo_read(self, jpeg: bytes) -> None:
        """Ignore."""

    def read_done(self, card: CardData) -> None:
        """Ignore."""

    def read_failed(self, error: CardError) -> None:
        """Ignore."""


class CardReading:
    """The read sequence for one inserted card."""

    def __init__(self, channel: CardChannel, atr: bytes, options: ReadOptions) -> None:
        self._protocol = CardProtocol(channel, atr)
        self._atr = bytes(atr)
        self._options = options
        self._image = bytearray([_PAD]) * layout.MAIN_FILE_SIZE
        self._main_selected = False
        self._photo_have = 0  # photo bytes already in the image, from the photo area's start

    def run(self, progress: ReadProgress) -> CardData:
        """Read the card, reporting to `progress`; returns the whole card.

        Raises `CardError`s; `progress.read_failed` is the caller's to send.
        """
        if not self._protocol.select(apdu.THAI_ID_AID, fetch_fci=True):
            raise NotThaiIdCardError("the Thai ID applet's SELECT failed")
        self._main_selected = True

        self._fill(layout.FIRST_BLOCK)
        progress.cid_read(parse_cid(layout.CID.cut(self._image)))

        rest = layout.IDENTITY_REST_WITH_PHOTO_HEAD if self._options.photo else layout.IDENTITY_REST
        self._fill(rest)
        self._photo_have = max(0, rest.end - layout.PHOTO.offset)
        self._fill(layout.ADDRESS)
        identity = parse_identity(self._image, self._atr)
        progress.identity_read(identity)

        nhso = self._read_nhso() if self._options.nhso else None
        laser_id = self._read_laser_id() if self._options.laser_id else None
        photo = self._read_photo() if self._options.photo else None
        if photo is not None:
            progress.photo_read(photo)
        card = dataclasses.replace(identity, nhso=nhso, laser_id=laser_id, photo=photo)
        progress.read_done(card)
        return card

    def _fill(self, span: layout.Span) -> None:
        """Read `span` of the main file into the image, re-selecting the applet if needed."""
        self._image[span.offset : span.end] = self._read_main(span.offset, span.length)

    def _read_main(self, offset: int, length: int) -> bytes:
        if not self._main_selected:
            self._select_main()
        try:
            return self._protocol.read(offset, length)
        except CardStatusError:
            # After a failed SELECT of another applet a card normally keeps the main applet
            # (ISO 7816-4), so the read plan skips re-selecting it; a card that does not keep
            # it refuses the read, and gets its SELECT and one retry here.
            self._select_main()
            return self._protocol.read(offset, length)

    def _select_main(self) -> None:
        if not self._protocol.select(apdu.THAI_ID_AID, fetch_fci=False):
            raise NotThaiIdCardError("the Thai ID applet's SELECT failed on re-selection")
        self._main_selected = True

    def _read_nhso(self) -> NhsoCardData | None:
        if not self._protocol.select(apdu.NHSO_AID, fetch_fci=False):
            return None  # no NHSO applet: fine, the card simply has no on-card health right
        self._main_selected = False
        try:
            record = self._protocol.read(layout.NHSO_RECORD.offset, layout.NHSO_RECORD.length)
        except CardStatusError as exc:
            log.info("the NHSO applet refused its read (%s); going on without it", exc.sw_hex)
            return None
        return parse_nhso(record)

    def _read_laser_id(self) -> str | None:
        if not self._protocol.select(apdu.LASER_AID, fetch_fci=False):
            return None
        self._main_selected = False
        try:
            raw = self._protocol.exchange_with_response(apdu.LASER_ID_COMMAND, "LASER ID")
        except CardStatusError as exc:
            log.info("the card refused the laser ID command (%s)", exc.sw_hex)
            return None
        return parse_laser_id(raw)

    def _read_photo(self) -> bytes | None:
        """Read the photo area block by block until the JPEG's end marker has been seen."""
        area = layout.PHOTO
        have = self._photo_have
        while True:
            data = bytes(self._image[area.offset : area.offset + have])
            if have >= 2 and not is_jpeg_start(data):
                log.warning("the card's photo area holds no JPEG; going on without a photo")
                return None
            end = jpeg_end(data)
            if end is not None:
                return data[:end]
            if have >= area.length:
                log.warning("the card's photo has no JPEG end marker; going on without a photo")
                return None
            block = self._read_main(area.offset + have, min(apdu.MAX_BLOCK, area.length - have))
            self._image[area.offset + have : area.offset + have + len(block)] = block
            have += len(block)
