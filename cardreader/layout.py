"""Where each field lives on the card (docs/card.md), and how a read is planned.

Offsets are the card's: the main applet's file holds the identity fields, the photo area and the
address; the NHSO applet's file holds the on-card health-care right.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """`length` bytes at `offset` in an applet's file."""

    offset: int
    length: int

    @property
    def end(self) -> int:
        """The first offset after the span."""
        return self.offset + self.length

    def cut(self, image: bytes | bytearray, base: int = 0) -> bytes:
        """This span's bytes out of `image`, which holds the file from offset `base` on."""
        return bytes(image[self.offset - base : self.end - base])


# Main applet (A0 00 00 00 54 48 00 01)
CID = Span(0x0004, 13)
NAME_TH = Span(0x0011, 100)
NAME_EN = Span(0x0075, 100)
BIRTH_DATE = Span(0x00D9, 8)
GENDER = Span(0x00E1, 1)
ISSUER = Span(0x00F6, 100)
ISSUE_DATE = Span(0x0167, 8)
EXPIRY_DATE = Span(0x016F, 8)
PHOTO = Span(0x017B, 0x1579 - 0x017B)  # 5118 bytes, padded with 0x20 after the JPEG's end
ADDRESS = Span(0x1579, 160)
MAIN_FILE_SIZE = ADDRESS.end

# NHSO applet (A0 00 00 00 54 48 00 83)
NHSO_MAIN_INSCL = Span(0x0004, 60)
NHSO_SUB_INSCL = Span(0x0040, 100)
NHSO_MAIN_HOSPITAL = Span(0x00A4, 80)
NHSO_SUB_HOSPITAL = Span(0x00F4, 80)
NHSO_PAID_TYPE = Span(0x0144, 1)
NHSO_ISSUE_DATE = Span(0x0145, 8)
NHSO_EXPIRY_DATE = Span(0x014D, 8)
NHSO_UPDATE_DATE = Span(0x0155, 8)
NHSO_CHANGE_COUNT = Span(0x015D, 1)
NHSO_FILE_SIZE = NHSO_CHANGE_COUNT.end
NHSO_RECORD = Span(NHSO_MAIN_INSCL.offset, NHSO_FILE_SIZE - NHSO_MAIN_INSCL.offset)

# The read plan. Block one starts at the CID and runs a full 0xFF bytes: CID, both names, birth
# date and gender in one exchange, so the CID (and the names) are known after the first read.
# Block two covers the rest of the identity fields (issuer, issue and expiry dates) and, when the
# photo is wanted, runs on into the photo area so its first bytes come for free.
FIRST_BLOCK = Span(CID.offset, 0xFF)
IDENTITY_REST = Span(FIRST_BLOCK.end, EXPIRY_DATE.end - FIRST_BLOCK.end)
IDENTITY_REST_WITH_PHOTO_HEAD = Span(FIRST_BLOCK.end, 0xFF)
IDENTITY = Span(CID.offset, EXPIRY_DATE.end - CID.offset)
