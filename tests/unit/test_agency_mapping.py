"""Mapping agencies' answers to entitlements, and strict validation of their bodies (pure)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from adapters.answer import parse_answer
from adapters.base import AgencyCallError, EntitlementStatus, FailureReason
from adapters.gdx_agencies import (
    read_cgd,
    read_disability,
    read_elderly,
    read_farmer,
    read_sso,
    read_welfare,
)
from adapters.nhso.rights import RIGHT_TITLES, RightSearch, answer_info, rights_of

TODAY = date(2026, 11, 24)


def body(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def fund(code: str = "UCS", name: str = "สิทธิ", **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "mainInscl": {"id": code, "name": name},
        "subInscl": {"id": "89", "name": "ช่วงอายุ 12-59 ปี"},
        "hospMain": {"hcode": "10669", "hname": "โรงพยาบาลสรรพสิทธิประสงค์"},
        "hospSub": {"hcode": "03773", "hname": "รพ.สต.ในเมือง"},
        "startDateTime": "2015-10-30",
        "expireDateTime": None,
    }
    doc.update(over)
    return doc


def right_search(funds: Any, **over: Any) -> RightSearch:
    doc: dict[str, Any] = {
        "checkDate": "2026-11-24T10:00:00",
        "pid": "1101700203450",
        "tname": "นาย",
        "fname": "สมชาย",
        "lname": "ใจดี",
        "deathDate": None,
        "status": "001",
        "funds": funds,
    }
    doc.update(over)
    return parse_answer(RightSearch, body(doc), "NHSO right search")


# --- NHSO -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["UCS", "WEL", "OFC", "SSS", "SSI", "LGO", "PVT", "STP"])
def test_every_listed_nhso_code_gets_its_thai_and_english_title(code: str) -> None:
    (ent,) = rights_of(right_search([fund(code, name="agency's own words")]), TODAY)
    assert ent.code == code
    assert (ent.title_th, ent.title_en) == RIGHT_TITLES[code]
    assert ent.status is EntitlementStatus.ACTIVE


def test_an_unlisted_nhso_code_is_shown_with_the_agencys_name() -> None:
    (ent,) = rights_of(right_search([fund("KKT", name="สิทธิการเคหะแห่งชาติ")]), TODAY)
    assert ent.code == "KKT"
    assert ent.title_th == "สิทธิการเคหะแห่งชาติ"
    assert ent.title_en == "สิทธิการเคหะแห่งชาติ (KKT)"


def test_codes_beyond_the_eight_have_titles_and_a_code_without_a_known_thai_name_keeps_nhsos() -> (
    None
):
    bkk, sof, gof = rights_of(
        right_search(
            [fund("BKK", name="x"), fund("SOF", name="y"), fund("GOF", name="สิทธิหน่วยงานรัฐอื่น")]
        ),
        TODAY,
    )
    assert (bkk.title_th, bkk.title_en) == RIGHT_TITLES["BKK"]
    assert sof.title_en == "Social security and civil servant"
    assert (gof.title_th, gof.title_en) == (
        "สิทธิหน่วยงานรัฐอื่น",
        "Other government agency or state enterprise",
    )


def test_the_main_right_comes_first() -> None:
    other, main = fund("SSS"), {**fund("UCS"), "fundType": "Y"}
    first, second = rights_of(right_search([other, main]), TODAY)
    assert (first.code, second.code) == ("UCS", "SSS")


def test_nhso_hospitals_and_sub_scheme_go_in_details_with_dates() -> None:
    (ent,) = rights_of(right_search([fund()]), TODAY)
    assert ent.details == {
        "sub_scheme_code": "89",
        "sub_scheme": "ช่วงอายุ 12-59 ปี",
        "hospital_main_code": "10669",
        "hospital_main": "โรงพยาบาลสรรพสิทธิประสงค์",
        "hospital_sub_code": "03773",
        "hospital_sub": "รพ.สต.ในเมือง",
    }
    assert ent.valid_from == date(2015, 10, 30)
    assert ent.valid_until is None


def test_nhso_null_hospitals_and_sub_scheme_leave_no_detail() -> None:
    (ent,) = rights_of(
        right_search([fund("OFC", subInscl=None, hospMain=None, hospSub=None)]), TODAY
    )
    assert ent.details == {}


def test_nhso_datetime_strings_are_read_as_dates() -> None:
    (ent,) = rights_of(right_search([fund(startDateTime="2015-10-30T00:00:00")]), TODAY)
    assert ent.valid_from == date(2015, 10, 30)


def test_a_recorded_death_makes_every_right_inactive() -> None:
    answer = right_search([fund("UCS"), fund("SSS")], deathDate="2025-12-02", status="003")
    ents = rights_of(answer, TODAY)
    assert [e.status for e in ents] == [EntitlementStatus.INACTIVE] * 2
    assert answer_info(answer) == {"nhso_status": "003", "deceased": "true"}


def test_expired_and_future_rights_are_inactive_and_pending() -> None:
    old, later = rights_of(
        right_search(
            [fund(expireDateTime="2020-01-01"), fund(startDateTime="2027-01-01")],
        ),
        TODAY,
    )
    assert old.status is EntitlementStatus.INACTIVE
    assert later.status is EntitlementStatus.PENDING


def test_no_funds_means_no_entitlement_and_nhso_status_is_information_only() -> None:
    answer = right_search([], status="001")
    assert rights_of(answer, TODAY) == ()
    assert answer_info(answer) == {"nhso_status": "001"}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"funds": "none"}, "funds"),
        ({"pid": 1101700203450}, "pid"),
        ({"funds": [fund(mainInscl={"id": 5, "name": "x"})]}, "funds.0.mainInscl.id"),
        ({"funds": [{k: v for k, v in fund().items() if k != "mainInscl"}]}, "funds.0.mainInscl"),
        ({"funds": [fund(startDateTime="30/10/2015")]}, "funds.0.startDateTime"),
    ],
)
def test_a_missing_or_wrongly_typed_nhso_field_fails_the_answer(
    change: dict[str, Any], where: str
) -> None:
    with pytest.raises(AgencyCallError) as info:
        right_search(**{"funds": [fund()], **change})
    assert info.value.reason is FailureReason.BAD_ANSWER
    assert where in info.value.message


def test_a_sparse_answer_as_public_clients_see_it_is_read() -> None:
    """Only `pid` and each fund's `mainInscl.id` are required; the rest may be missing, and
    fields the kiosk does not know are ignored."""
    sparse = {
        "pid": "1101700203450",
        "birthDate": "25280307",
        "cardId": "abc",
        "funds": [{"mainInscl": {"id": "UCS"}, "newField": {"x": 1}}],
    }
    answer = parse_answer(RightSearch, body(sparse), "NHSO right search")
    [ucs] = rights_of(answer, TODAY)
    assert (ucs.code, ucs.status, ucs.details) == ("UCS", EntitlementStatus.ACTIVE, {})
    assert answer_info(answer) == {}


def test_a_bad_answer_message_quotes_no_value_from_the_body() -> None:
    with pytest.raises(AgencyCallError) as info:
        right_search([fund(mainInscl={"id": 12345, "name": "สมชาย"})], pid=1101700203450)
    assert "12345" not in info.value.message
    assert "สมชาย" not in info.value.message
    assert "1101700203450" not in info.value.message


def test_a_body_that_is_not_json_is_a_bad_answer() -> None:
    with pytest.raises(AgencyCallError) as info:
        parse_answer(RightSearch, b'{"truncated": ', "NHSO right search")
    assert info.value.reason is FailureReason.BAD_ANSWER


# --- GDX agencies ----------------------------------------------------------------------------

SSO = {
    "insured": True,
    "section": "33",
    "status": "active",
    "employer": "บริษัท ตัวอย่าง จำกัด",
    "contributionMonths": 84,
    "lastContribution": "2026-10",
    "hospital": {"code": "10669", "name": "โรงพยาบาลสรรพสิทธิประสงค์"},
}
WELFARE = {
    "registered": True,
    "cardStatus": "active",
    "round": "2565",
    "benefits": [
        {"type": "consumer_goods", "amountThb": 300, "period": "monthly"},
        {"type": "gas", "amountThb": 100, "period": "quarterly"},
    ],
}
ELDERLY = {
    "registered": True,
    "monthlyThb": 700,
    "localAuthority": "เทศบาลนครขอนแก่น",
    "payments": [
        {"month": "2026-09", "amountThb": 700, "paidOn": "2026-09-10"},
        {"month": "2026-10", "amountThb": 700, "paidOn": "2026-10-10"},
    ],
}
DISABILITY = {
    "registered": True,
    "cardNo": "3099-0067-8341",
    "cardExpiry": "2030-01-01",
    "disabilityType": "การมองเห็น",
    "monthlyThb": 1000,
}
CGD = {
    "medicalRight": True,
    "role": "pensioner",
    "department": "กรมทางหลวง",
    "pensionMonthlyThb": 23000,
}
FARMER = {
    "registered": True,
    "farmerId": "50-0123-4567",
    "plots": [{"crop": "ข้าว", "rai": 12.5}, {"crop": "ลำไย", "rai": 4}],
    "lastUpdate": "2026-06-01",
}


@pytest.mark.parametrize("section", ["33", "39", "40"])
def test_sso_section_gives_its_code(section: str) -> None:
    (ent,) = read_sso(body({**SSO, "section": section}), TODAY)
    assert ent.code == f"SSO_S{section}"
    assert f"Section {section}" in ent.title_en
    assert f"มาตรา {section}" in ent.title_th
    assert ent.status is EntitlementStatus.ACTIVE
    assert ent.details["contribution_months"] == "84"
    assert ent.details["hospital"] == "โรงพยาบาลสรรพสิทธิประสงค์"


def test_sso_unknown_section_is_a_bad_answer() -> None:
    with pytest.raises(AgencyCallError):
        read_sso(body({**SSO, "section": "41"}), TODAY)


def test_sso_status_words_map_to_ours() -> None:
    (ent,) = read_sso(body({**SSO, "status": "suspended"}), TODAY)
    assert ent.status is EntitlementStatus.INACTIVE


def test_welfare_card_is_one_entitlement_per_benefit_with_amount_and_period() -> None:
    ents = read_welfare(body(WELFARE), TODAY)
    assert [(e.code, e.amount_thb, e.period) for e in ents] == [
        ("WELFARE_CARD", 300.0, "monthly"),
        ("WELFARE_CARD", 100.0, "quarterly"),
    ]
    assert ents[0].title_en == "State welfare card: essential consumer goods"
    assert ents[1].title_th.startswith("บัตรสวัสดิการแห่งรัฐ")
    assert ents[0].details["round"] == "2565"


def test_welfare_card_without_benefits_is_the_card_alone() -> None:
    (ent,) = read_welfare(body({**WELFARE, "benefits": []}), TODAY)
    assert (ent.code, ent.amount_thb) == ("WELFARE_CARD", None)


def test_elderly_allowance_is_monthly_with_the_latest_payment() -> None:
    (ent,) = read_elderly(body(ELDERLY), TODAY)
    assert (ent.code, ent.amount_thb, ent.period) == ("ELDERLY_ALLOWANCE", 700.0, "monthly")
    assert ent.details["last_payment_month"] == "2026-10"
    assert ent.details["last_paid_on"] == "2026-10-10"


def test_disability_allowance_is_inactive_once_the_card_expired() -> None:
    (ent,) = read_disability(body(DISABILITY), TODAY)
    assert (ent.code, ent.amount_thb, ent.status) == (
        "DISABILITY_ALLOWANCE",
        1000.0,
        EntitlementStatus.ACTIVE,
    )
    assert ent.valid_until == date(2030, 1, 1)
    (old,) = read_disability(body({**DISABILITY, "cardExpiry": "2025-01-01"}), TODAY)
    assert old.status is EntitlementStatus.INACTIVE


def test_cgd_pensioner_gets_medical_and_pension() -> None:
    medical, pension = read_cgd(body(CGD), TODAY)
    assert medical.code == "CGD_MEDICAL"
    assert (pension.code, pension.amount_thb, pension.period) == (
        "CGD_PENSION",
        23000.0,
        "monthly",
    )


def test_cgd_civil_servant_gets_medical_only() -> None:
    ents = read_cgd(body({**CGD, "role": "civil_servant", "pensionMonthlyThb": 0}), TODAY)
    assert [e.code for e in ents] == ["CGD_MEDICAL"]


def test_farmer_lists_plots_and_total_area() -> None:
    (ent,) = read_farmer(body(FARMER), TODAY)
    assert ent.code == "FARMER"
    assert ent.details["plots"] == "ข้าว 12.5 ไร่, ลำไย 4 ไร่"
    assert ent.details["total_rai"] == "16.5"


@pytest.mark.parametrize(
    ("reader", "flag_body"),
    [
        (read_sso, {"insured": False}),
        (read_welfare, {"registered": False}),
        (read_elderly, {"registered": False}),
        (read_disability, {"registered": False}),
        (read_cgd, {"medicalRight": False}),
        (read_farmer, {"registered": False}),
    ],
)
def test_a_false_flag_is_no_entitlement(reader: Any, flag_body: dict[str, Any]) -> None:
    assert reader(body(flag_body), TODAY) == ()


@pytest.mark.parametrize(
    ("reader", "good", "field", "bad"),
    [
        (read_sso, SSO, "insured", "yes"),
        (read_sso, SSO, "contributionMonths", "84"),
        (read_sso, SSO, "employer", None),
        (read_welfare, WELFARE, "benefits", {"type": "gas"}),
        (read_welfare, WELFARE, "cardStatus", 1),
        (read_elderly, ELDERLY, "monthlyThb", "700"),
        (read_elderly, ELDERLY, "monthlyThb", True),
        (read_elderly, ELDERLY, "monthlyThb", -700),
        (read_disability, DISABILITY, "cardExpiry", "soon"),
        (read_cgd, CGD, "role", "minister"),
        (read_farmer, FARMER, "plots", [{"crop": "ข้าว"}]),
    ],
)
def test_a_wrong_typed_field_fails_the_whole_answer(
    reader: Any, good: dict[str, Any], field: str, bad: object
) -> None:
    with pytest.raises(AgencyCallError) as info:
        reader(body({**good, field: bad}), TODAY)
    assert info.value.reason is FailureReason.BAD_ANSWER


@pytest.mark.parametrize(
    ("reader", "good"),
    [
        (read_sso, SSO),
        (read_welfare, WELFARE),
        (read_elderly, ELDERLY),
        (read_disability, DISABILITY),
        (read_cgd, CGD),
        (read_farmer, FARMER),
    ],
)
def test_a_missing_listed_field_fails_the_whole_answer(reader: Any, good: dict[str, Any]) -> None:
    for field in good:
        broken = {k: v for k, v in good.items() if k != field}
        with pytest.raises(AgencyCallError):
            reader(body(broken), TODAY)


def test_empty_strings_and_zero_amounts_are_valid() -> None:
    (ent,) = read_sso(body({**SSO, "employer": "", "contributionMonths": 0}), TODAY)
    assert ent.details["employer"] == ""
    (allowance,) = read_elderly(body({**ELDERLY, "monthlyThb": 0, "localAuthority": ""}), TODAY)
    assert allowance.amount_thb == 0.0


def test_unlisted_fields_are_ignored() -> None:
    (ent,) = read_farmer(body({**FARMER, "extra": {"anything": [1, 2]}}), TODAY)
    assert ent.code == "FARMER"
