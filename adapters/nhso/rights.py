"""NHSO's right-search answer: its model and how it maps to entitlements (pure functions).

The model is what every NHSO API is read into (SRM and v2 send it as JSON; UCWS's SOAP answer is
mapped onto it, `adapters.nhso.ucws`). Only `pid` (which must be the CID asked) and each fund's
`mainInscl.id` are required: public clients show answers without `hospSub`, fund dates,
`deathDate` or `status`, and with fields of their own, which are ignored.

One entitlement per fund, coded by `mainInscl.id`; hospitals and the sub-scheme go in `details`.
A `deathDate` means no right is active; no funds means no health right on record. NHSO's own
`status` code is information only (`AgencyResult.info["nhso_status"]`).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from adapters.answer import AgencyAnswer, IsoDate
from adapters.base import Entitlement, EntitlementStatus

# `mainInscl` codes and their titles. NHSO publishes no code list the project could reach; the
# Thai names are as NHSO's own answers spell them where public clients show one (WEL, DIS, OFC,
# SSS, SSI, LGO, PVT: saved SRM answers and "(CODE) name" strings in public kiosk and HIS code;
# UCS likewise, with "(บัตรทอง)", the name citizens know it by, added), else as public hospital
# software's code tables spell them (the combined codes, BFC, NRD, NRH, FRG, STP, VET; BKK, BMT
# and SRT from claim software's labels). The English titles are the project's own short words
# for a screen. Where no public source spells a Thai name (GOF, WVO), the answer's own `name`
# is shown. The sources are listed in docs/agency-api.md ("Right codes").
RIGHT_TITLES: dict[str, tuple[str, str]] = {
    "UCS": ("สิทธิหลักประกันสุขภาพแห่งชาติ (บัตรทอง)", "Universal Coverage (gold card)"),
    "WEL": (
        "สิทธิหลักประกันสุขภาพแห่งชาติ (ยกเว้นการร่วมจ่ายค่าบริการ 30 บาท)",
        "Universal Coverage, no co-payment",
    ),
    "DIS": (
        "สิทธิหลักประกันสุขภาพแห่งชาติ (ผู้ประกันตนคนพิการ)",
        "Universal Coverage, insured person with a disability",
    ),
    "OFC": ("สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ", "Civil servant medical benefit"),
    "SSS": ("สิทธิประกันสังคม", "Social security"),
    "SSI": ("สิทธิประกันสังคมกรณีทุพพลภาพ", "Social security, disability"),
    "LGO": ("สิทธิสวัสดิการพนักงานส่วนท้องถิ่น", "Local government officer"),
    "PVT": ("สิทธิครูเอกชน", "Private-school teacher"),
    "STP": ("บุคคลผู้มีปัญหาสถานะและสิทธิ", "Person with status and rights problems"),
    "BKK": ("ข้าราชการ กรุงเทพมหานคร", "Bangkok Metropolitan Administration staff"),
    "BMT": ("สิทธิองค์การขนส่งมวลชนกรุงเทพ", "Bangkok Mass Transit Authority staff"),
    "SRT": ("สิทธิการรถไฟแห่งประเทศไทย", "State Railway of Thailand staff"),
    "BFC": ("สิทธิข้าราชการการเมือง/นักการเมือง", "Political office holder"),
    "NRD": ("สถานะคนต่างด้าว", "Non-Thai resident (status only)"),
    "NRH": ("สิทธิบุคคลต่างด้าว (ซื้อประกันสุขภาพ)", "Health insurance bought by a non-Thai"),
    "FRG": ("สถานะคนไทยในต่างประเทศ", "Thai living abroad (status only)"),
    "VET": ("สิทธิทหารผ่านศึก", "Veteran"),
    # Two or more rights at once.
    "SOF": ("สิทธิประกันสังคม/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ", "Social security and civil servant"),
    "OFL": (
        "สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Civil servant and local government officer",
    ),
    "SLG": (
        "สิทธิประกันสังคม/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Social security and local government officer",
    ),
    "SOL": (
        "สิทธิประกันสังคม/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Social security, civil servant and local government officer",
    ),
    "VSS": ("สิทธิประกันสังคม/สิทธิทหารผ่านศึก", "Social security and veteran"),
    "VOF": ("สิทธิทหารผ่านศึก/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ", "Veteran and civil servant"),
    "VSO": (
        "สิทธิประกันสังคม/สิทธิทหารผ่านศึก/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ",
        "Social security, veteran and civil servant",
    ),
    "POF": ("สิทธิครูเอกชน/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ", "Private-school teacher and civil servant"),
    "PSS": ("สิทธิประกันสังคม/สิทธิครูเอกชน", "Social security and private-school teacher"),
    "PSO": (
        "สิทธิประกันสังคม/สิทธิครูเอกชน/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ",
        "Social security, private-school teacher and civil servant",
    ),
    "VPT": ("สิทธิครูเอกชน/สิทธิทหารผ่านศึก", "Private-school teacher and veteran"),
    "VSI": ("สิทธิประกันสังคมแบบทุพพลภาพ/สิทธิทหารผ่านศึก", "Social security (disability) and veteran"),
    "SIF": (
        "สิทธิประกันสังคมกรณีทุพพลภาพ/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ",
        "Social security (disability) and civil servant",
    ),
    "VIO": (
        "สิทธิประกันสังคมแบบทุพพลภาพ/สิทธิทหารผ่านศึก/สิทธิข้าราชการ",
        "Social security (disability), veteran and civil servant",
    ),
    "PSI": (
        "สิทธิครูเอกชน/สิทธิประกันสังคมแบบทุพพลภาพ",
        "Private-school teacher and social security (disability)",
    ),
    "VLG": (
        "สิทธิทหารผ่านศึก/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Veteran and local government officer",
    ),
    "PLG": (
        "สิทธิครูเอกชน/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Private-school teacher and local government officer",
    ),
    "PSL": (
        "สิทธิประกันสังคม/สิทธิครูเอกชน/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Social security, private-school teacher and local government officer",
    ),
    "VOL": (
        "สิทธิทหารผ่านศึก/สิทธิข้าราชการ/สิทธิรัฐวิสาหกิจ/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Veteran, civil servant and local government officer",
    ),
    "VSL": (
        "สิทธิประกันสังคม/สิทธิทหารผ่านศึก/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Social security, veteran and local government officer",
    ),
    "POL": (
        "สิทธิครูเอกชน/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ/สิทธิสวัสดิการพนักงานส่วนท้องถิ่น",
        "Private-school teacher, civil servant and local government officer",
    ),
    "DOF": (
        "สิทธิประกันสุขภาพถ้วนหน้า (ผู้ประกันตนคนพิการ)/สิทธิข้าราชการ/สิทธิหน่วยงานรัฐ",
        "Universal Coverage (disability) and civil servant",
    ),
    "PBF": ("สิทธิครูเอกชน/สิทธิข้าราชการการเมือง", "Private-school teacher and political office"),
    "PSB": (
        "สิทธิประกันสังคม/สิทธิครูเอกชน/สิทธิข้าราชการการเมือง",
        "Social security, private-school teacher and political office",
    ),
    "SBF": (
        "สิทธิประกันสังคมและสิทธิข้าราชการการเมือง/นักการเมือง",
        "Social security and political office",
    ),
    "VBF": ("สิทธิทหารผ่านศึก/สิทธิข้าราชการการเมือง", "Veteran and political office"),
    "VSB": (
        "สิทธิประกันสังคม/สิทธิทหารผ่านศึก/สิทธิข้าราชการการเมือง",
        "Social security, veteran and political office",
    ),
    "VPS": (
        "สิทธิครูเอกชน/สิทธิประกันสังคม/สิทธิทหารผ่านศึก",
        "Private-school teacher, social security and veteran",
    ),
    "VPO": (
        "สิทธิครูเอกชน/สิทธิทหารผ่านศึก/สิทธิข้าราชการ",
        "Private-school teacher, veteran and civil servant",
    ),
    "VPB": (
        "สิทธิครูเอกชน/สิทธิทหารผ่านศึก/สิทธิข้าราชการการเมือง",
        "Private-school teacher, veteran and political office",
    ),
}
# Codes met in answers whose Thai name no public source spells: the answer's own name is shown,
# with these English words.
ENGLISH_ONLY: dict[str, str] = {
    "GOF": "Other government agency or state enterprise",
    "WVO": "War Veterans Organization",
}


class Coded(AgencyAnswer):
    """An NHSO code with its Thai name (`mainInscl`, `subInscl`); the name may be missing."""

    id: str
    name: str | None = None


class Hospital(AgencyAnswer):
    """A registered hospital; either part may be missing."""

    hcode: str | None = None
    hname: str | None = None


class Fund(AgencyAnswer):
    """One health-care right: only `mainInscl.id` is required."""

    main_inscl: Coded = Field(alias="mainInscl")
    sub_inscl: Coded | None = Field(default=None, alias="subInscl")
    hosp_main: Hospital | None = Field(default=None, alias="hospMain")
    hosp_sub: Hospital | None = Field(default=None, alias="hospSub")
    start: IsoDate | None = Field(default=None, alias="startDateTime")
    expire: IsoDate | None = Field(default=None, alias="expireDateTime")
    fund_type: str | None = Field(default=None, alias="fundType")  # "Y": the main right


class RightSearch(AgencyAnswer):
    """The right-search answer. The citizen's names, sent too, are not listed: never read."""

    pid: str | None = None  # absent only from v2's "not found" (no funds)
    check_date: str | None = Field(default=None, alias="checkDate")
    death_date: IsoDate | None = Field(default=None, alias="deathDate")
    status: str | None = None
    funds: list[Fund] = Field(default_factory=list)


def right_titles(main: Coded) -> tuple[str, str]:
    """Thai and English titles for a main scheme; unknown codes keep NHSO's own name."""
    known = RIGHT_TITLES.get(main.id)
    if known:
        return known
    name = main.name or main.id
    english = ENGLISH_ONLY.get(main.id)
    if english is not None:
        return name, english
    return name, f"{name} ({main.id})" if main.name else main.id  # a code the table lacks


def fund_status(fund: Fund, *, deceased: bool, today: date) -> EntitlementStatus:
    """Active unless the holder died, the right expired, or it starts later."""
    if deceased or (fund.expire is not None and fund.expire < today):
        return EntitlementStatus.INACTIVE
    if fund.start is not None and fund.start > today:
        return EntitlementStatus.PENDING
    return EntitlementStatus.ACTIVE


def fund_details(fund: Fund) -> dict[str, str]:
    """Sub-scheme and hospitals, as the detail screen lists them."""
    found = {
        "sub_scheme_code": fund.sub_inscl.id if fund.sub_inscl else None,
        "sub_scheme": fund.sub_inscl.name if fund.sub_inscl else None,
        "hospital_main_code": fund.hosp_main.hcode if fund.hosp_main else None,
        "hospital_main": fund.hosp_main.hname if fund.hosp_main else None,
        "hospital_sub_code": fund.hosp_sub.hcode if fund.hosp_sub else None,
        "hospital_sub": fund.hosp_sub.hname if fund.hosp_sub else None,
    }
    return {key: value for key, value in found.items() if value}


def rights_of(answer: RightSearch, today: date) -> tuple[Entitlement, ...]:
    """One entitlement per fund: the main right (`fundType` "Y") first, then NHSO's order."""
    deceased = answer.death_date is not None
    out = []
    for fund in sorted(answer.funds, key=lambda f: f.fund_type != "Y"):
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
    info = {"nhso_status": answer.status} if answer.status else {}
    if answer.death_date is not None:
        info["deceased"] = "true"
    return info
