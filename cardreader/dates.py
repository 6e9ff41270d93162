"""Buddhist-era dates as the card writes them: `YYYYMMDD` (BE = Gregorian + 543). Pure.

`00` month or day means the date is not known (often only the birth year is); `99999999` on an
expiry date means a lifelong card. Anything else that is not a date reads as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BE_OFFSET = 543
LIFELONG = b"99999999"


@dataclass(frozen=True, slots=True)
class CardDate:
    """A date field: the full date when known, the Gregorian year when known, lifelong flag."""

    date: date | None
    year: int | None
    lifelong: bool = False


UNKNOWN = CardDate(None, None)


def parse_be_date(raw: bytes) -> CardDate:
    """Parse an 8-byte Buddhist-era date field."""
    text = raw.strip(b" \x00")
    if text == LIFELONG:
        return CardDate(None, None, lifelong=True)
    if len(text) != 8 or not text.isdigit():
        return UNKNOWN
    be_year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    year = be_year - BE_OFFSET
    if not 1 <= year <= 9999:
        return UNKNOWN
    if month == 0 or day == 0:
        return CardDate(None, year)
    try:
        return CardDate(date(year, month, day), year)
    except ValueError:
        return CardDate(None, year)
