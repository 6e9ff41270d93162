"""Turning the bytes read from the card into `CardData` and `NhsoCardData`. Pure.

The only field whose damage fails the read is the CID: a CID that is not thirteen digits with a
valid mod-11 check digit means the card is unreadable (never a silent pass). Other fields degrade
to "unknown" (empty text, no date), so that a card with one odd field still serves its holder.
"""

from __future__ import annotations

from cardreader import layout
from cardreader.address import parse_address
from cardreader.cid import is_valid_cid
from cardreader.dates import parse_be_date
from cardreader.errors import UnreadableCardError
from cardreader.text import decode_text, parse_name
from cardreader.types import CardData, Gender, NhsoCardData


def parse_cid(raw: bytes) -> str:
    """The CID field as 13 digits; raises `UnreadableCardError` when its checksum fails."""
    text = raw.decode("ascii", errors="replace").strip(" \x00")
    if not is_valid_cid(text):
        # Never put the digits in the message: the error reaches logs and screens.
        raise UnreadableCardError("the card's citizen ID is malformed or fails its checksum")
    return text


def parse_gender(raw: bytes) -> Gender:
    """`1` male, `2` female, anything else unknown."""
    return {b"1": Gender.MALE, b"2": Gender.FEMALE}.get(raw.strip(b" \x00"), Gender.UNKNOWN)


def parse_identity(
    image: bytes | bytearray,
    atr: bytes,
    *,
    nhso: NhsoCardData | None = None,
    laser_id: str | None = None,
    photo: bytes | None = None,
) -> CardData:
    """Build `CardData` from `image`, the main file's bytes from offset 0 (`MAIN_FILE_SIZE` long).

    Parts of the file that were not read hold spaces (the card's padding) and parse as empty.
    """
    if len(image) < layout.MAIN_FILE_SIZE:
        raise ValueError("the main file image is shorter than the card's main file")
    birth = parse_be_date(layout.BIRTH_DATE.cut(image))
    issue = parse_be_date(layout.ISSUE_DATE.cut(image))
    expiry = parse_be_date(layout.EXPIRY_DATE.cut(image))
    return CardData(
        cid=parse_cid(layout.CID.cut(image)),
        atr=bytes(atr),
        name_th=parse_name(layout.NAME_TH.cut(image)),
        name_en=parse_name(layout.NAME_EN.cut(image)),
        birth_date=birth.date,
        birth_year=birth.year,
        gender=parse_gender(layout.GENDER.cut(image)),
        issuer=decode_text(layout.ISSUER.cut(image)),
        issue_date=issue.date,
        expiry_date=expiry.date,
        lifelong=expiry.lifelong,
        address=parse_address(layout.ADDRESS.cut(image)),
        photo=photo,
        nhso=nhso,
        laser_id=laser_id,
    )


def parse_nhso(record: bytes) -> NhsoCardData:
    """Parse the NHSO applet's record (`layout.NHSO_RECORD`, from offset 0x0004)."""
    base = layout.NHSO_RECORD.offset

    def text(span: layout.Span) -> str:
        return decode_text(span.cut(record, base))

    change = layout.NHSO_CHANGE_COUNT.cut(record, base)
    return NhsoCardData(
        main_inscl=text(layout.NHSO_MAIN_INSCL),
        sub_inscl=text(layout.NHSO_SUB_INSCL),
        main_hospital=text(layout.NHSO_MAIN_HOSPITAL),
        sub_hospital=text(layout.NHSO_SUB_HOSPITAL),
        paid_type=text(layout.NHSO_PAID_TYPE),
        issue_date=parse_be_date(layout.NHSO_ISSUE_DATE.cut(record, base)).date,
        expiry_date=parse_be_date(layout.NHSO_EXPIRY_DATE.cut(record, base)).date,
        update_date=parse_be_date(layout.NHSO_UPDATE_DATE.cut(record, base)).date,
        change_count=int(change) if change.isdigit() else None,
    )


def parse_laser_id(raw: bytes) -> str | None:
    """The laser ID as the card answers it (ASCII, NUL/space padded); None when blank."""
    text = raw.decode("ascii", errors="replace").strip(" \x00")
    return text or None
