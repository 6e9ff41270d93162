"""Card text: TIS-620, space padded; names as `prefix#first#middle#last`. Pure, never raises."""

from __future__ import annotations

from cardreader.types import PersonName

_PADDING = " \x00"


def decode_text(raw: bytes) -> str:
    """Decode a TIS-620 field and drop its padding (spaces, NULs) at both ends.

    Bytes TIS-620 leaves undefined become U+FFFD rather than failing the whole read.
    """
    return raw.decode("tis_620", errors="replace").strip(_PADDING)


def parse_name(raw: bytes) -> PersonName:
    """Split a name field `prefix#first#middle#last` into its parts.

    Missing parts are empty; extra `#` separators (not seen on real cards) fold into the last name
    so that no part of a name is lost.
    """
    parts = [part.strip(_PADDING) for part in decode_text(raw).split("#")]
    parts += [""] * (4 - len(parts))
    prefix, first, middle = parts[0], parts[1], parts[2]
    last = " ".join(part for part in parts[3:] if part)
    return PersonName(prefix=prefix, first=first, middle=middle, last=last)


def encode_text(text: str, length: int) -> bytes:
    """Encode `text` as the card stores it: TIS-620, padded with spaces to `length` bytes.

    Raises ValueError when the text does not fit (the virtual card builds its files with this).
    """
    raw = text.encode("tis_620")
    if len(raw) > length:
        raise ValueError(f"text of {len(raw)} bytes does not fit a {length}-byte field")
    return raw.ljust(length, b" ")


def encode_name(name: PersonName, length: int) -> bytes:
    """Encode a name as `prefix#first#middle#last`, padded to `length` bytes."""
    return encode_text("#".join((name.prefix, name.first, name.middle, name.last)), length)
