"""Virtual card profiles: JSON files of readable values, turned into card bytes.

A profile says who the card belongs to in plain values (names, Buddhist-era date strings, the
address slots with their labels, a base64 JPEG); `CardProfile.image()` builds the bytes the card
would hold (TIS-620, `#` separators, space padding). The keys are listed in
`cardreader/profiles/README.md`. Profiles name invented people only.
"""

from __future__ import annotations

import base64
import binascii
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cardreader import layout
from cardreader.card_image import CardImage
from cardreader.text import encode_name, encode_text
from cardreader.types import PersonName

PROFILE_PACKAGE = "cardreader.profiles"


class ProfileError(ValueError):
    """A profile file that cannot be used, with a message naming the file and the bad key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfileName(_Model):
    """A name as the card writes it: `prefix#first#middle#last`."""

    prefix: str = ""
    first: str = ""
    middle: str = ""
    last: str = ""

    def person_name(self) -> PersonName:
        """The same name as the card data type."""
        return PersonName(self.prefix, self.first, self.middle, self.last)


class ProfileNhso(_Model):
    """The NHSO applet's fields; dates are the card's Buddhist-era `YYYYMMDD` strings."""

    main_inscl: str = ""
    sub_inscl: str = ""
    main_hospital: str = ""
    sub_hospital: str = ""
    paid_type: str = ""
    issue: str = ""
    expiry: str = ""
    update: str = ""
    change_count: str = ""


def _be(value: str, length: int = 8) -> str:
    if len(value.encode("tis_620")) > length:
        raise ValueError(f"at most {length} characters")
    return value


class CardProfile(_Model):
    """One virtual card. `expect` is what `kiosk card read --json` must print for it."""

    description: str = ""
    atr: str = "3B 79 18 00 00 54 48 20 4E 49 44 20 31 30"
    thai_id: bool = True
    cid: str = ""
    name_th: ProfileName = ProfileName()
    name_en: ProfileName = ProfileName()
    birth: str = "00000000"
    gender: str = "male"  # "male", "female", or the raw card character
    issuer: str = ""
    issue: str = "00000000"
    expiry: str = "00000000"
    address: list[str] = Field(default_factory=list)
    photo_jpeg_base64: str = ""
    nhso: ProfileNhso | None = None
    laser_id: str | None = None
    expect: dict[str, Any] | None = None

    @field_validator("atr")
    @classmethod
    def _atr_is_hex(cls, value: str) -> str:
        try:
            raw = bytes.fromhex(value)
        except ValueError as exc:
            raise ValueError("the ATR must be hex bytes, e.g. '3B 79 18 ...'") from exc
        if not 2 <= len(raw) <= 33:
            raise ValueError("an ATR has 2 to 33 bytes")
        return value

    @field_validator("birth", "issue", "expiry")
    @classmethod
    def _date_fits(cls, value: str) -> str:
        return _be(value)

    @field_validator("photo_jpeg_base64")
    @classmethod
    def _photo_fits(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("the photo must be base64") from exc
        if len(raw) > layout.PHOTO.length:
            raise ValueError(
                f"the photo has {len(raw)} bytes; the card holds {layout.PHOTO.length}"
            )
        return value

    @property
    def photo(self) -> bytes:
        """The JPEG as the profile gives it (may be empty)."""
        return base64.b64decode(self.photo_jpeg_base64)

    def image(self) -> CardImage:
        """The card's bytes. Raises `ProfileError` when a value does not fit its field."""
        try:
            return CardImage(
                atr=bytes.fromhex(self.atr),
                main=self._main_file() if self.thai_id else None,
                nhso=self._nhso_file(),
                laser_id=self.laser_id.encode("ascii") if self.laser_id is not None else None,
            )
        except (ValueError, UnicodeError) as exc:
            raise ProfileError(f"profile value does not fit the card: {exc}") from exc

    def _main_file(self) -> bytes:
        main = bytearray(b" ") * layout.MAIN_FILE_SIZE
        main[0:4] = b"\x00\x00\x00\x00"

        def put(span: layout.Span, raw: bytes) -> None:
            main[span.offset : span.end] = raw.ljust(span.length, b" ")[: span.length]

        put(layout.CID, encode_text(self.cid, layout.CID.length))
        put(layout.NAME_TH, encode_name(self.name_th.person_name(), layout.NAME_TH.length))
        put(layout.NAME_EN, encode_name(self.name_en.person_name(), layout.NAME_EN.length))
        put(layout.BIRTH_DATE, encode_text(self.birth, 8))
        gender = {"male": "1", "female": "2"}.get(self.gender, self.gender)
        put(layout.GENDER, encode_text(gender, 1))
        put(layout.ISSUER, encode_text(self.issuer, layout.ISSUER.length))
        put(layout.ISSUE_DATE, encode_text(self.issue, 8))
        put(layout.EXPIRY_DATE, encode_text(self.expiry, 8))
        put(layout.PHOTO, self.photo)
        put(layout.ADDRESS, encode_text("#".join(self.address), layout.ADDRESS.length))
        return bytes(main)

    def _nhso_file(self) -> bytes | None:
        if self.nhso is None:
            return None
        nhso = bytearray(b" ") * layout.NHSO_FILE_SIZE
        n = self.nhso
        for span, text in (
            (layout.NHSO_MAIN_INSCL, n.main_inscl),
            (layout.NHSO_SUB_INSCL, n.sub_inscl),
            (layout.NHSO_MAIN_HOSPITAL, n.main_hospital),
            (layout.NHSO_SUB_HOSPITAL, n.sub_hospital),
            (layout.NHSO_PAID_TYPE, n.paid_type),
            (layout.NHSO_ISSUE_DATE, n.issue),
            (layout.NHSO_EXPIRY_DATE, n.expiry),
            (layout.NHSO_UPDATE_DATE, n.update),
            (layout.NHSO_CHANGE_COUNT, n.change_count),
        ):
            nhso[span.offset : span.end] = encode_text(text, span.length)
        return bytes(nhso)


def load_profile(path: Path) -> CardProfile:
    """Read and validate a profile file; `ProfileError` says what is wrong, in one sentence."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {path} is not valid JSON: {exc}") from exc
    return _validate(data, str(path))


def shipped_profile_names() -> list[str]:
    """Names (without `.json`) of the profiles shipped in `cardreader/profiles/`."""
    folder = resources.files(PROFILE_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def shipped_profile(name: str) -> CardProfile:
    """A profile shipped with the package, by name (`standard`, `demo`, ...)."""
    resource = resources.files(PROFILE_PACKAGE) / f"{name}.json"
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, FileNotFoundError) as exc:
        raise ProfileError(f"no shipped profile named {name!r}") from exc
    return _validate(json.loads(text), name)


def resolve_profile(spec: str) -> CardProfile:
    """A profile from a file path, or a shipped profile's name when no such file exists."""
    path = Path(spec)
    if path.exists() or path.suffix == ".json" or "/" in spec:
        return load_profile(path)
    return shipped_profile(spec)


def _validate(data: object, origin: str) -> CardProfile:
    try:
        return CardProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ProfileError(f"profile {origin}: key '{where}': {first['msg']}") from exc
