"""Thai citizen ID (CID) numbers: checksum, validation and masking.

A CID is 13 digits; the last is a mod-11 check digit over the first twelve. CIDs shown to people
are masked to their last four digits (`x-xxxx-xxxx3-45-0`), in the 1-2345-67890-12-3 grouping.
"""

from __future__ import annotations

CID_LENGTH = 13
_GROUPS = (1, 4, 5, 2, 1)


class InvalidCidError(ValueError):
    """A string that is not a valid CID. The message never repeats the digits."""


def cid_check_digit(first12: str) -> int:
    """Return the check digit for the first twelve digits of a CID."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12[:12]))
    return (11 - total % 11) % 10


def is_valid_cid(cid: str) -> bool:
    """True when `cid` is thirteen ASCII digits whose last digit is the mod-11 check digit."""
    return (
        len(cid) == CID_LENGTH
        and cid.isascii()
        and cid.isdigit()
        and cid_check_digit(cid) == int(cid[-1])
    )


def validate_cid(cid: str) -> str:
    """Return `cid` stripped of spaces and dashes, or raise `InvalidCidError` saying why."""
    cleaned = cid.replace("-", "").replace(" ", "")
    if len(cleaned) != CID_LENGTH:
        raise InvalidCidError(f"a citizen ID has 13 digits, this one has {len(cleaned)} characters")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise InvalidCidError("a citizen ID has only digits")
    if cid_check_digit(cleaned) != int(cleaned[-1]):
        raise InvalidCidError("the citizen ID's check digit does not match (mistyped digit?)")
    return cleaned


def mask_cid(cid: str) -> str:
    """Mask all but the last four digits, keeping the printed grouping: `x-xxxx-xxxx3-45-0`."""
    digits = cid.replace("-", "").replace(" ", "")
    if len(digits) != CID_LENGTH:
        return "x-xxxx-xxxxx-xx-x"
    masked = "x" * (CID_LENGTH - 4) + digits[-4:]
    parts, pos = [], 0
    for size in _GROUPS:
        parts.append(masked[pos : pos + size])
        pos += size
    return "-".join(parts)
