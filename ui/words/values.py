"""How values read in each language: dates (Buddhist era in Thai), amounts, entitlement
headlines and tile badges. Pure functions over the string table; no Qt, so they are tested and
reused by the screens and the printed slip alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from adapters.base import Entitlement, EntitlementStatus, FailureReason
from adapters.services.record import RecordItem
from kiosk.session.view import Tile, TileState
from ui.words.strings import ENGLISH_MONTHS, THAI_MONTHS, THAI_SHORT_MONTHS, Words

BUDDHIST_ERA_OFFSET = 543
# `details` keys the detail screen labels, in this order; keys not listed are shown by value.
DETAIL_KEYS = (
    "hospital_main",
    "hospital_sub",
    "hospital",
    "sub_scheme",
    "employer",
    "contribution_months",
    "last_contribution",
    "round",
    "local_authority",
    "last_payment_month",
    "last_payment_thb",
    "last_paid_on",
    "card_expiry",
    "disability_type",
    "role",
    "department",
    "plots",
    "total_rai",
    "last_update",
)
# Codes and identifiers that mean nothing to the citizen (or should not be on a public screen).
HIDDEN_DETAIL_KEYS = frozenset(
    {
        "hospital_code",
        "hospital_main_code",
        "hospital_sub_code",
        "sub_scheme_code",
        "benefit",
        "card_status",
        "card_no",
        "farmer_id",
    }
)
_HOSPITAL_KEYS = ("hospital_main", "hospital")


class Glyph(StrEnum):
    """The status icons (drawn with QPainter, never taken from a font)."""

    CHECK = "check"
    HOURGLASS = "hourglass"
    WARNING = "warning"
    CROSS = "cross"
    DASH = "dash"
    CARD = "card"
    INFO = "info"
    DOWN = "down"  # more below: scroll


class Tone(StrEnum):
    """Which state colour a badge takes."""

    ACTIVE = "active"
    ASKING = "asking"
    OFFLINE = "offline"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Badge:
    """A tile's state as the citizen sees it: an icon, a word and a colour."""

    glyph: Glyph
    text: str
    tone: Tone


# A run of text and whether it is bold (amounts and periods are).
Segment = tuple[str, bool]


def format_date(day: date, language: str) -> str:
    """`24 พฤศจิกายน 2569` (Buddhist era) in Thai, `24 November 2026` in English."""
    if language == "th":
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def format_short_date(day: date, language: str) -> str:
    """`24 พ.ย. 2569` in Thai, `24 Nov 2026` in English: for badges, where room is short."""
    # No-break spaces: a date wraps as one piece, never with its year alone on the next line.
    if language == "th":
        month = THAI_SHORT_MONTHS[day.month - 1]
        return f"{day.day}\u00a0{month}\u00a0{day.year + BUDDHIST_ERA_OFFSET}"
    return f"{day.day}\u00a0{ENGLISH_MONTHS[day.month - 1][:3]}\u00a0{day.year}"


def format_datetime(moment: datetime, language: str) -> str:
    """A date with the time of day, e.g. `24 พฤศจิกายน 2569 10:05 น.`."""
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    suffix = " น." if language == "th" else ""
    return f"{format_date(moment.date(), language)} {clock}{suffix}"


def format_amount(amount: float) -> str:
    """`700`, `23,000`, `12.50`: no decimals for whole baht."""
    if float(amount).is_integer():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def amount_text(entitlement: Entitlement, words: Words) -> str | None:
    """`700 บาท/เดือน`, `1,000 THB/month`, or None without an amount."""
    if entitlement.amount_thb is None:
        return None
    amount = format_amount(entitlement.amount_thb)
    period = entitlement.period
    if period == "once":
        return words("amount_once", amount=amount)
    if period and words.has(f"period_{period}"):
        return words("amount_per", amount=amount, period=words(f"period_{period}"))
    return words("amount", amount=amount)


def title(entitlement: Entitlement, language: str) -> str:
    """The entitlement's title in `language` (the other one when that is empty)."""
    first, second = (
        (entitlement.title_th, entitlement.title_en)
        if language == "th"
        else (entitlement.title_en, entitlement.title_th)
    )
    return first or second


def headline(entitlement: Entitlement, words: Words, *, within: str = "") -> list[Segment]:
    """One line for a tile: the title, the main hospital where there is one, the amount and
    period in bold; the status when the entitlement is not active.

    `within`: the agency's name on the tile; a title "X: benefit" whose X the name already says
    reads as just "benefit" (the welfare card's benefits)."""
    text = title(entitlement, words.language)
    head, sep, rest = text.partition(": ")
    if sep and rest and within and head.casefold() in within.casefold():
        text = rest[:1].upper() + rest[1:]
    hospital = next(
        (entitlement.details[k] for k in _HOSPITAL_KEYS if k in entitlement.details), ""
    )
    if hospital:
        text = words("hospital_headline", title=text, hospital=hospital)
    segments: list[Segment] = [(text, False)]
    amount = amount_text(entitlement, words)
    if amount:
        segments += [("  ", False), (amount, True)]
    if entitlement.status is not EntitlementStatus.ACTIVE:
        segments += [("  ", False), (f"({status_word(entitlement, words)})", False)]
    return segments


def status_word(entitlement: Entitlement, words: Words) -> str:
    """`ใช้ได้` / `Active`, `สิ้นสุดแล้ว` / `Not active`, `รอดำเนินการ` / `Pending`."""
    return words(f"entitlement_{entitlement.status.value}")


_PLAIN_BADGES = {
    TileState.ASKING: (Glyph.HOURGLASS, "state_asking", Tone.ASKING),
    TileState.NOT_REGISTERED: (Glyph.DASH, "state_not_registered", Tone.NEUTRAL),
    TileState.UNAVAILABLE: (Glyph.CROSS, "state_unavailable", Tone.NEUTRAL),
}


def badge(tile: Tile, words: Words) -> Badge:
    """The icon, word and colour of a tile's state (its date, if any, is in `tile_hint`)."""
    if tile.state in _PLAIN_BADGES:
        glyph, key, tone = _PLAIN_BADGES[tile.state]
        return Badge(glyph, words(key), tone)
    if tile.state is TileState.CACHED:
        return Badge(Glyph.WARNING, words("state_cached"), Tone.OFFLINE)
    if tile.state is TileState.CARD:
        return Badge(Glyph.CARD, words("state_card"), Tone.OFFLINE)
    if any(e.status is EntitlementStatus.ACTIVE for e in tile.entitlements):
        return Badge(Glyph.CHECK, words("state_live"), Tone.ACTIVE)
    return Badge(Glyph.INFO, words("state_live_inactive"), Tone.NEUTRAL)


def tile_hint(tile: Tile, words: Words) -> str:
    """The small line under a tile's headlines: how old a copy is, or whom to call."""
    if tile.from_copy:
        if tile.as_of is None:
            return ""
        return words("state_as_of", date=format_short_date(tile.as_of.date(), words.language))
    if tile.state is TileState.UNAVAILABLE:
        hotline = tile.agency.hotline
        if hotline:
            return words("tile_unavailable_call", hotline=hotline)
        return words("tile_unavailable_hint")
    return ""


def reason_text(reason: FailureReason | None, words: Words) -> str | None:
    """Why the live answer failed, in plain words (None when it did not)."""
    return words(f"reason_{reason.value}") if reason is not None else None


def detail_lines(entitlement: Entitlement, words: Words) -> list[tuple[str, str]]:
    """(label, value) pairs for the detail screen: status, amount, dates, then the agency's
    details in a fixed order (codes and identifiers left out)."""
    lang = words.language
    lines: list[tuple[str, str]] = [("", status_word(entitlement, words))]
    amount = amount_text(entitlement, words)
    if amount:
        lines.append(("", amount))
    if entitlement.valid_from:
        lines.append(("", words("detail_from", date=format_date(entitlement.valid_from, lang))))
    if entitlement.valid_until:
        lines.append(("", words("detail_until", date=format_date(entitlement.valid_until, lang))))
    details = entitlement.details
    ordered = [k for k in DETAIL_KEYS if k in details]
    ordered += sorted(k for k in details if k not in DETAIL_KEYS and k not in HIDDEN_DETAIL_KEYS)
    for key in ordered:
        value = details[key]
        if not value:
            continue
        label = words(f"detail_key_{key}") if key in DETAIL_KEYS else ""
        if key == "role" and words.has(f"role_{value}"):
            value = words(f"role_{value}")
        lines.append((label, _detail_value(value, lang)))
    return lines


def _detail_value(value: str, language: str) -> str:
    """ISO dates (and year-months) in the details read as dates; anything else as given."""
    try:
        return format_date(date.fromisoformat(value), language)
    except ValueError:
        pass
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        year, month = int(value[:4]), int(value[5:])
        if 1 <= month <= 12:
            if language == "th":
                return f"{THAI_MONTHS[month - 1]} {year + BUDDHIST_ERA_OFFSET}"
            return f"{ENGLISH_MONTHS[month - 1]} {year}"
    return value


def record_value(item: RecordItem, words: Words) -> str:
    """A record's value as people read it: dates in the Buddhist era on Thai screens, money in
    baht, counts grouped, a status in the service's words; text exactly as the agency sent it
    (shown as plain text: markup stays characters)."""
    value = item.value
    if item.type == "date" and isinstance(value, date):
        return format_date(value, words.language)
    if item.type == "money" and isinstance(value, int | float):
        return words("record_money", amount=f"{value:,.2f}")
    if item.type == "count" and isinstance(value, int):
        return f"{value:,}"
    if item.type == "status":
        word = item.word_th if words.language == "th" else item.word_en
        return word or str(value)
    return str(value)


def record_label(item: RecordItem, language: str) -> str:
    """The item's label in `language`."""
    return item.label_th if language == "th" else item.label_en
