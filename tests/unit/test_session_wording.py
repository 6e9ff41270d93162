"""The screens' words (no Qt): the string table, Buddhist-era dates, amounts, headlines, badges."""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta, timezone

import pytest

from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.view import OutOfServiceCause, Tile, TileState, tile_state
from ui.words.strings import STRINGS, Words
from ui.words.values import (
    Glyph,
    Tone,
    amount_text,
    badge,
    detail_lines,
    format_amount,
    format_date,
    format_datetime,
    format_short_date,
    headline,
    reason_text,
    tile_hint,
)

TH, EN = Words("th"), Words("en")
NOW = datetime(2026, 11, 24, 10, 5, tzinfo=timezone(timedelta(hours=7)))
NHSO = AgencyInfo("nhso", "สปสช.", "NHSO", "1330", "https://www.nhso.go.th")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_fields(key: str) -> None:
    thai, english = STRINGS[key]
    assert thai.strip()
    assert english.strip()
    assert fields(thai) == fields(english)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no strings"):
        Words("fr")


def test_every_reason_cause_and_state_has_words() -> None:
    for reason in FailureReason:
        assert reason_text(reason, TH)
        assert reason_text(reason, EN)
    for cause in OutOfServiceCause:
        assert TH.has(f"oos_cause_{cause.value}")
    for status in EntitlementStatus:
        assert TH.has(f"entitlement_{status.value}")


def test_dates_are_buddhist_era_in_thai_and_gregorian_in_english() -> None:
    day = date(2026, 11, 24)
    assert format_date(day, "th") == "24 พฤศจิกายน 2569"
    assert format_date(day, "en") == "24 November 2026"
    assert format_short_date(day, "th") == "24\u00a0พ.ย.\u00a02569"
    assert format_short_date(day, "en") == "24\u00a0Nov\u00a02026"
    assert format_datetime(NOW, "th") == "24 พฤศจิกายน 2569 10:05 น."
    assert format_datetime(NOW, "en") == "24 November 2026 10:05"


@pytest.mark.parametrize(
    ("amount", "text"), [(700.0, "700"), (23000.0, "23,000"), (12.5, "12.50"), (0.0, "0")]
)
def test_amounts(amount: float, text: str) -> None:
    assert format_amount(amount) == text


@pytest.mark.parametrize(
    ("period", "thai", "english"),
    [
        ("monthly", "700 บาท/เดือน", "700 THB/month"),
        ("quarterly", "700 บาท/3 เดือน", "700 THB/quarter"),
        ("yearly", "700 บาท/ปี", "700 THB/year"),
        ("once", "700 บาท (ครั้งเดียว)", "700 THB (one-off)"),
        (None, "700 บาท", "700 THB"),
        ("fortnightly", "700 บาท", "700 THB"),
    ],
)
def test_amount_with_its_period(period: str | None, thai: str, english: str) -> None:
    right = Entitlement(
        "X", "เบี้ย", "Allowance", EntitlementStatus.ACTIVE, amount_thb=700, period=period
    )
    assert amount_text(right, TH) == thai
    assert amount_text(right, EN) == english
    assert amount_text(Entitlement("X", "a", "b", EntitlementStatus.ACTIVE), TH) is None


def test_headline_puts_amount_and_period_in_bold_and_names_the_main_hospital() -> None:
    gold = Entitlement(
        "UCS",
        "บัตรทอง",
        "Gold card",
        EntitlementStatus.ACTIVE,
        details={"hospital_main": "รพ.สรรพสิทธิประสงค์"},
    )
    assert headline(gold, EN) == [("Gold card — รพ.สรรพสิทธิประสงค์", False)]
    allowance = Entitlement(
        "E", "เบี้ยยังชีพ", "", EntitlementStatus.INACTIVE, amount_thb=700, period="monthly"
    )
    assert headline(allowance, EN) == [
        ("เบี้ยยังชีพ", False),  # no English title: the Thai one rather than nothing
        ("  ", False),
        ("700 THB/month", True),
        ("  ", False),
        ("(Not active)", False),
    ]


def test_headline_drops_a_prefix_the_tile_already_says() -> None:
    goods = Entitlement(
        "WELFARE_CARD", "บัตรสวัสดิการแห่งรัฐ: ค่าซื้อสินค้า", "State welfare card: goods",
        EntitlementStatus.ACTIVE,
    )  # fmt: skip
    assert headline(goods, TH, within="บัตรสวัสดิการแห่งรัฐ (กรมบัญชีกลาง)")[0][0] == "ค่าซื้อสินค้า"
    assert headline(goods, EN, within="State Welfare Card (CGD)")[0][0] == "Goods"
    assert headline(goods, EN, within="Somewhere else")[0][0] == "State welfare card: goods"


def _tile(result: AgencyResult | None, *, done: bool = False) -> Tile:
    return Tile(NHSO, tile_state(result, check_done=done), result)


def _result(status: AgencyStatus, source: ResultSource, *, active: bool = True) -> AgencyResult:
    rights = (
        (
            Entitlement(
                "UCS", "ท", "G", EntitlementStatus.ACTIVE if active else EntitlementStatus.INACTIVE
            ),
        )
        if status is AgencyStatus.OK
        else ()
    )
    return AgencyResult("nhso", status, source, NOW, entitlements=rights)


@pytest.mark.parametrize(
    ("result", "glyph", "key", "tone"),
    [
        (None, Glyph.HOURGLASS, "state_asking", Tone.ASKING),
        (_result(AgencyStatus.OK, ResultSource.LIVE), Glyph.CHECK, "state_live", Tone.ACTIVE),
        (
            _result(AgencyStatus.OK, ResultSource.LIVE, active=False),
            Glyph.INFO,
            "state_live_inactive",
            Tone.NEUTRAL,
        ),
        (_result(AgencyStatus.OK, ResultSource.CACHE), Glyph.WARNING, "state_cached", Tone.OFFLINE),
        (_result(AgencyStatus.OK, ResultSource.CARD), Glyph.CARD, "state_card", Tone.OFFLINE),
        (
            _result(AgencyStatus.NOT_FOUND, ResultSource.LIVE),
            Glyph.DASH,
            "state_not_registered",
            Tone.NEUTRAL,
        ),
        (
            _result(AgencyStatus.UNAVAILABLE, ResultSource.NONE),
            Glyph.CROSS,
            "state_unavailable",
            Tone.NEUTRAL,
        ),
    ],
)
def test_badge_is_icon_word_and_colour(
    result: AgencyResult | None, glyph: Glyph, key: str, tone: Tone
) -> None:
    for words in (TH, EN):
        shown = badge(_tile(result), words)
        assert (shown.glyph, shown.text, shown.tone) == (glyph, words(key), tone)


def test_tile_hint_dates_a_copy_and_offers_the_hotline() -> None:
    cached = _tile(_result(AgencyStatus.OK, ResultSource.CACHE))
    assert tile_hint(cached, TH) == "ข้อมูล ณ วันที่ 24\u00a0พ.ย.\u00a02569"
    assert tile_hint(cached, EN) == "As of 24\u00a0Nov\u00a02026"
    gone = _tile(None, done=True)
    assert gone.state is TileState.UNAVAILABLE
    assert tile_hint(gone, TH) == "ลองใหม่ภายหลัง หรือโทร 1330"
    assert tile_hint(_tile(_result(AgencyStatus.OK, ResultSource.LIVE)), EN) == ""


def test_detail_lines_label_known_details_and_hide_codes() -> None:
    right = Entitlement(
        "ELDERLY",
        "เบี้ยยังชีพ",
        "Old-age allowance",
        EntitlementStatus.ACTIVE,
        valid_from=date(2020, 1, 1),
        amount_thb=700,
        period="monthly",
        details={
            "hospital_main_code": "10669",
            "card_no": "123",
            "local_authority": "เทศบาลนครอุบลราชธานี",
            "last_payment_month": "2026-10",
            "last_paid_on": "2026-10-10",
            "role": "pensioner",
            "something_new": "value",
        },
    )
    lines = detail_lines(right, EN)
    assert lines[:3] == [("", "Active"), ("", "700 THB/month"), ("", "From 1 January 2020")]
    assert ("Paid by", "เทศบาลนครอุบลราชธานี") in lines
    assert ("Last month paid", "October 2026") in lines
    assert ("Last paid on", "10 October 2026") in lines
    assert ("Status", "Pensioner") in lines
    assert ("", "value") in lines
    assert all("10669" not in value and value != "123" for _, value in lines)
    thai = dict(detail_lines(right, TH))
    assert thai["เดือนที่จ่ายล่าสุด"] == "ตุลาคม 2569"
