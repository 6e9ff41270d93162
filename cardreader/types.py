"""What a Thai national ID card holds, as plain immutable values.

These types are personal data. Their `repr` never shows a field's value, so a stray log line or
exception message cannot leak a citizen's CID, name, address or photo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from cardreader.cid import mask_cid


class _RedactedRepr:
    """Mixin: `repr` names the type and its fields but shows no value."""

    def __repr__(self) -> str:
        names = ", ".join(f.name for f in fields(self))  # type: ignore[arg-type]
        return f"{type(self).__name__}(<redacted: {names}>)"

    __str__ = __repr__


class Gender(StrEnum):
    """Gender as the card records it (`1` male, `2` female)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, repr=False)
class PersonName(_RedactedRepr):
    """A name from the card's `prefix#first#middle#last` field."""

    prefix: str
    first: str
    middle: str
    last: str

    def full(self) -> str:
        """The name as people write it: prefix and first name joined the Thai way, then the rest."""
        joiner = "" if _is_thai(self.prefix) else " "
        head = f"{self.prefix}{joiner}{self.first}"
        return " ".join(part for part in (head.strip(), self.middle, self.last) if part)


@dataclass(frozen=True, slots=True, repr=False)
class Address(_RedactedRepr):
    """The card's address, parsed by its Thai labels; parts carry no labels."""

    house_no: str
    moo: str
    soi: str
    road: str
    subdistrict: str
    district: str
    province: str
    text: str  # the whole address as one line, labels included, as the card has it


@dataclass(frozen=True, slots=True, repr=False)
class NhsoCardData(_RedactedRepr):
    """The NHSO applet: the health-care right as last written to the card (an offline source)."""

    main_inscl: str
    sub_inscl: str
    main_hospital: str
    sub_hospital: str
    paid_type: str
    issue_date: date | None
    expiry_date: date | None
    update_date: date | None
    change_count: int | None


@dataclass(frozen=True, slots=True, repr=False)
class CardData(_RedactedRepr):
    """Everything read from one card. `photo` is the JPEG from its start to its end marker."""

    cid: str
    atr: bytes
    name_th: PersonName
    name_en: PersonName
    birth_date: date | None  # None when the card gives only the year (or nothing)
    birth_year: int | None  # Gregorian
    gender: Gender
    issuer: str
    issue_date: date | None
    expiry_date: date | None  # None with lifelong=True for `99999999`
    lifelong: bool
    address: Address
    photo: bytes | None
    nhso: NhsoCardData | None
    laser_id: str | None = None

    @property
    def cid_masked(self) -> str:
        """The CID as it may be shown to people: last four digits only."""
        return mask_cid(self.cid)

    @property
    def photo_sha256(self) -> str | None:
        """SHA-256 of the JPEG (start to end marker, no padding), or None without a photo."""
        return hashlib.sha256(self.photo).hexdigest() if self.photo is not None else None


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)
