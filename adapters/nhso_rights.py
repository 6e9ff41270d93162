"""NHSO's right-search answer: its model and how it maps to entitlements (pure functions).

One entitlement per fund, coded by `mainInscl.id`; hospitals and the sub-scheme go in `details`.
A non-null `deathDate` means no right is active; `funds: []` means no health right on record.
NHSO's own `status` code is information only (`AgencyResult.info["nhso_status"]`).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from adapters.answer import AgencyAnswer, IsoDate
from adapters.base import Entitlement, EntitlementStatus

# mainInscl codes and their titles (docs/agency-api.md). Other codes (BKK, BMT, SRT, PTY, ...) are
# shown with the name NHSO sends.
RIGHT_TITLES: dict[str, tuple[str, str]] = {
    "UCS": ("สิทธิหลักประกันสุขภาพแห่งชาติ (บัตรทอง)", "Universal Coverage (gold card)"),
    "WEL": ("สิทธิหลักประกันสุขภาพแห่งชาติ ยกเว้นการร่วมจ่าย", "Universal Coverage, no co-payment"),
    "OFC": ("สิทธิข้าราชการ/หน่วยงานของรัฐ", "Civil servant medical benefit"),
    "SSS": ("สิทธิประกันสังคม", "Social security"),
    "SSI": ("สิทธิประกันสังคมกรณีทุพพลภาพ", "Social security, disability"),
    "LGO": ("สิทธิพนักงานส่วนท้องถิ่น", "Local government officer"),
    "PVT": ("สิทธิครูเอกชน", "Private-school teacher"),
    "STP": ("บุคคลที่มีปัญหาสถานะและสิทธิ", "Person with status and rights problems"),
}


class Coded(AgencyAnswer):
    """An NHSO code with its Thai name (`mainInscl`, `subInscl`)."""

    id: str
    name: str


class Hospital(AgencyAnswer):
    """A registered hospital."""

    hcode: str
    hname: str


class Fund(AgencyAnswer):
    """One health-care right. Every field must be present; those that may be absent are null."""

    main_inscl: Coded = Field(alias="mainInscl")
    sub_inscl: Coded | None = Field(alias="subInscl")
    hosp_main: Hospital | None = Field(alias="hospMain")
    hosp_sub: Hospital | None = Field(alias="hospSub")
    start: IsoDate | None = Field(alias="startDateTime")
    expire: IsoDate | None = Field(alias="expireDateTime")


class RightSearch(AgencyAnswer):
    """The right-search answer. Names are validated (they are listed) but never used or kept."""

    check_date: str = Field(alias="checkDate")
    pid: str
    tname: str
    fname: str
    lname: str
    death_date: IsoDate | None = Field(alias="deathDate")
    status: str
    funds: list[Fund]


def right_titles(main: Coded) -> tuple[str, str]:
    """Thai and English titles for a main scheme; unknown codes keep NHSO's own name."""
    known = RIGHT_TITLES.get(main.id)
    if known:
        return known
    name = main.name or main.id
    return name, f"{name} ({main.id})" if main.name else main.id


def fund_status(fund: Fund, *, deceased: bool, today: date) -> EntitlementStatus:
    """Active unless the holder died, the right expired, or it starts later."""
    if deceased or (fund.expire is not None and fund.expire < today):
        return EntitlementStatus.INACTIVE
    if fund.start is not None and fund.start > today:
        return EntitlementStatus.PENDING
    return EntitlementStatus.ACTIVE


def fund_details(fund: Fund) -> dict[str, str]:
    """Sub-scheme and hospitals, as the detail screen lists them."""
    details: dict[str, str] = {}
    if fund.sub_inscl is not None:
        details["sub_scheme_code"] = fund.sub_inscl.id
        details["sub_scheme"] = fund.sub_inscl.name
    if fund.hosp_main is not None:
        details["hospital_main_code"] = fund.hosp_main.hcode
        details["hospital_main"] = fund.hosp_main.hname
    if fund.hosp_sub is not None:
        details["hospital_sub_code"] = fund.hosp_sub.hcode
        details["hospital_sub"] = fund.hosp_sub.hname
    return details


def rights_of(answer: RightSearch, today: date) -> tuple[Entitlement, ...]:
    """One entitlement per fund, in NHSO's order."""
    deceased = answer.death_date is not None
    out = []
    for fund in answer.funds:
        title_th, title_en = right_titles(fund.main_inscl)
        out.append(
            Entitlement(
                code=fund.main_inscl.id,
                title_th=title_th,
                title_en=title_en,
                status=fund_status(fund, deceased=deceased, today=today),
                valid_from=fund.start,
                valid_until=fund.expire,
                details=fund_details(fund),
            )
        )
    return tuple(out)


def answer_info(answer: RightSearch) -> dict[str, str]:
    """What the result carries as information only: NHSO's status code, a recorded death."""
    info = {"nhso_status": answer.status}
    if answer.death_date is not None:
        info["deceased"] = "true"
    return info
