"""The six agencies behind GDX: their answers, how each maps to entitlements, their factories.

Each reader first looks at the answer's flag (`insured`, `registered`, `medicalRight`): false is
status `ok` with no entitlement, and the other fields are not needed. True requires every listed
field with its type (a missing or wrongly typed one fails the whole answer as `error`); empty
strings and zero amounts are valid.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from adapters.answer import AgencyAnswer, IsoDate, parse_answer
from adapters.base import Entitlement, EntitlementStatus
from adapters.gdx import GdxService, gdx_factory

Period = Literal["monthly", "quarterly", "yearly", "once"]


def status_of(word: str) -> EntitlementStatus:
    """An agency's status word as ours: `active`, `pending`, anything else inactive."""
    normal = word.strip().lower()
    if normal == "active":
        return EntitlementStatus.ACTIVE
    if normal == "pending":
        return EntitlementStatus.PENDING
    return EntitlementStatus.INACTIVE


def amount_text(value: float) -> str:
    """12.5 -> "12.5", 12.0 -> "12" (for details, which are text)."""
    return f"{value:g}"


# --- SSO: social security --------------------------------------------------------------------


class InsuredFlag(AgencyAnswer):
    """The flag the SSO answer starts from."""

    insured: bool


class SsoHospital(AgencyAnswer):
    """The hospital an insured person is registered with."""

    code: str
    name: str


class SsoInsured(AgencyAnswer):
    """`/ws/sso/v1/insured` when `insured` is true."""

    insured: bool
    section: Literal["33", "39", "40"]
    status: str
    employer: str
    contribution_months: int = Field(alias="contributionMonths", ge=0)
    last_contribution: str = Field(alias="lastContribution")
    hospital: SsoHospital | None


SSO_TITLES = {
    "33": ("ผู้ประกันตนมาตรา 33 (ลูกจ้าง)", "Social security, Section 33 (employee)"),
    "39": ("ผู้ประกันตนมาตรา 39 (สมัครใจ)", "Social security, Section 39 (voluntary)"),
    "40": ("ผู้ประกันตนมาตรา 40 (แรงงานนอกระบบ)", "Social security, Section 40 (informal worker)"),
}


def read_sso(body: bytes, today: date) -> tuple[Entitlement, ...]:
    """SSO_S33 / SSO_S39 / SSO_S40 for an insured person."""
    del today
    purpose = "GDX sso"
    if not parse_answer(InsuredFlag, body, purpose).insured:
        return ()
    answer = parse_answer(SsoInsured, body, purpose)
    details = {
        "employer": answer.employer,
        "contribution_months": str(answer.contribution_months),
        "last_contribution": answer.last_contribution,
    }
    if answer.hospital is not None:
        details["hospital_code"] = answer.hospital.code
        details["hospital"] = answer.hospital.name
    title_th, title_en = SSO_TITLES[answer.section]
    return (
        Entitlement(
            code=f"SSO_S{answer.section}",
            title_th=title_th,
            title_en=title_en,
            status=status_of(answer.status),
            details=details,
        ),
    )


# --- Welfare card (กรมบัญชีกลาง) ----------------------------------------------------------------


class RegisteredFlag(AgencyAnswer):
    """The flag most GDX answers start from."""

    registered: bool


class WelfareBenefit(AgencyAnswer):
    """One benefit on the state welfare card."""

    type: str
    amount_thb: float = Field(alias="amountThb", ge=0)
    period: Period


class WelfareCard(AgencyAnswer):
    """`/ws/mof/welfare/v1/card` when `registered` is true."""

    registered: bool
    card_status: str = Field(alias="cardStatus")
    round: str
    benefits: list[WelfareBenefit]


WELFARE_CARD_TITLE = ("บัตรสวัสดิการแห่งรัฐ", "State welfare card")
BENEFIT_TITLES = {
    "consumer_goods": ("ค่าซื้อสินค้าอุปโภคบริโภคที่จำเป็น", "essential consumer goods"),
    "gas": ("ส่วนลดค่าซื้อก๊าซหุงต้ม", "cooking gas discount"),
    "transport": ("ค่าโดยสารรถสาธารณะ", "public transport fares"),
    "electricity": ("ค่าไฟฟ้า", "electricity bill"),
    "water": ("ค่าน้ำประปา", "water bill"),
}


def read_welfare(body: bytes, today: date) -> tuple[Entitlement, ...]:
    """One WELFARE_CARD entitlement per benefit (a tile reads "card — benefit: amount/period").

    A card with no benefit listed is one WELFARE_CARD entitlement with no amount.
    """
    del today
    purpose = "GDX welfare"
    if not parse_answer(RegisteredFlag, body, purpose).registered:
        return ()
    card = parse_answer(WelfareCard, body, purpose)
    status = status_of(card.card_status)
    base = {"round": card.round, "card_status": card.card_status}
    card_th, card_en = WELFARE_CARD_TITLE
    if not card.benefits:
        return (Entitlement("WELFARE_CARD", card_th, card_en, status, details=base),)
    out = []
    for benefit in card.benefits:
        what_th, what_en = BENEFIT_TITLES.get(benefit.type, (benefit.type, benefit.type))
        out.append(
            Entitlement(
                code="WELFARE_CARD",
                title_th=f"{card_th}: {what_th}",
                title_en=f"{card_en}: {what_en}",
                status=status,
                amount_thb=benefit.amount_thb,
                period=benefit.period,
                details={**base, "benefit": benefit.type},
            )
        )
    return tuple(out)


# --- Elderly allowance (กรมส่งเสริมการปกครองท้องถิ่น) -------------------------------------------


class ElderlyPayment(AgencyAnswer):
    """One monthly payment."""

    month: str
    amount_thb: float = Field(alias="amountThb", ge=0)
    paid_on: IsoDate = Field(alias="paidOn")


class ElderlyAllowance(AgencyAnswer):
    """`/ws/dla/v1/elderly-allowance` when `registered` is true."""

    registered: bool
    monthly_thb: float = Field(alias="monthlyThb", ge=0)
    local_authority: str = Field(alias="localAuthority")
    payments: list[ElderlyPayment]


def read_elderly(body: bytes, today: date) -> tuple[Entitlement, ...]:
    """ELDERLY_ALLOWANCE with the monthly amount and the latest payment."""
    del today
    purpose = "GDX elderly"
    if not parse_answer(RegisteredFlag, body, purpose).registered:
        return ()
    answer = parse_answer(ElderlyAllowance, body, purpose)
    details = {"local_authority": answer.local_authority}
    if answer.payments:
        last = max(answer.payments, key=lambda p: (p.paid_on, p.month))
        details["last_payment_month"] = last.month
        details["last_payment_thb"] = amount_text(last.amount_thb)
        details["last_paid_on"] = last.paid_on.isoformat()
    return (
        Entitlement(
            code="ELDERLY_ALLOWANCE",
            title_th="เบี้ยยังชีพผู้สูงอายุ",
            title_en="Old-age allowance",
            status=EntitlementStatus.ACTIVE,
            amount_thb=answer.monthly_thb,
            period="monthly",
            details=details,
        ),
    )


# --- Disability (กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ) ----------------------------------------


class Disability(AgencyAnswer):
    """`/ws/dep/v1/disability` when `registered` is true."""

    registered: bool
    card_no: str = Field(alias="cardNo")
    card_expiry: IsoDate = Field(alias="cardExpiry")
    disability_type: str = Field(alias="disabilityType")
    monthly_thb: float = Field(alias="monthlyThb", ge=0)


def read_disability(body: bytes, today: date) -> tuple[Entitlement, ...]:
    """DISABILITY_ALLOWANCE; inactive once the disability card has expired (it needs renewing)."""
    purpose = "GDX disability"
    if not parse_answer(RegisteredFlag, body, purpose).registered:
        return ()
    answer = parse_answer(Disability, body, purpose)
    expired = answer.card_expiry < today
    return (
        Entitlement(
            code="DISABILITY_ALLOWANCE",
            title_th="เบี้ยความพิการ",
            title_en="Disability allowance",
            status=EntitlementStatus.INACTIVE if expired else EntitlementStatus.ACTIVE,
            valid_until=answer.card_expiry,
            amount_thb=answer.monthly_thb,
            period="monthly",
            details={
                "card_no": answer.card_no,
                "card_expiry": answer.card_expiry.isoformat(),
                "disability_type": answer.disability_type,
            },
        ),
    )


# --- CGD: civil-servant medical benefit and pension (กรมบัญชีกลาง) ------------------------------


class MedicalFlag(AgencyAnswer):
    """The flag the CGD answer starts from."""

    medical_right: bool = Field(alias="medicalRight")


class CgdBenefits(AgencyAnswer):
    """`/ws/cgd/v1/benefits` when `medicalRight` is true."""

    medical_right: bool = Field(alias="medicalRight")
    role: Literal["civil_servant", "pensioner", "dependent"]
    department: str
    pension_monthly_thb: float = Field(alias="pensionMonthlyThb", ge=0)


def read_cgd(body: bytes, today: date) -> tuple[Entitlement, ...]:
    """CGD_MEDICAL, plus CGD_PENSION for a pensioner."""
    del today
    purpose = "GDX cgd"
    if not parse_answer(MedicalFlag, body, purpose).medical_right:
        return ()
    answer = parse_answer(CgdBenefits, body, purpose)
    details = {"role": answer.role, "department": answer.department}
    out = [
        Entitlement(
            code="CGD_MEDICAL",
            title_th="สิทธิสวัสดิการรักษาพยาบาลข้าราชการ",
            title_en="Civil servant medical benefit",
            status=EntitlementStatus.ACTIVE,
            details=details,
        )
    ]
    if answer.role == "pensioner":
        out.append(
            Entitlement(
                code="CGD_PENSION",
                title_th="เงินบำนาญ",
                title_en="Government pension",
                status=EntitlementStatus.ACTIVE,
                amount_thb=answer.pension_monthly_thb,
                period="monthly",
                details=details,
            )
        )
    return tuple(out)


# --- Farmer registry (กรมส่งเสริมการเกษตร) ----------------------------------------------------


class FarmPlot(AgencyAnswer):
    """One registered plot."""

    crop: str
    rai: float = Field(ge=0)


class FarmerRecord(AgencyAnswer):
    """`/ws/doae/v1/farmer` when `registered` is true."""

    registered: bool
    farmer_id: str = Field(alias="farmerId")
    plots: list[FarmPlot]
    last_update: IsoDate = Field(alias="lastUpdate")


def read_farmer(body: bytes, today: date) -> tuple[Entitlement, ...]:
    """FARMER with the plots summarised (crop and area in rai)."""
    del today
    purpose = "GDX farmer"
    if not parse_answer(RegisteredFlag, body, purpose).registered:
        return ()
    answer = parse_answer(FarmerRecord, body, purpose)
    plots = ", ".join(f"{p.crop} {amount_text(p.rai)} ไร่" for p in answer.plots)
    return (
        Entitlement(
            code="FARMER",
            title_th="ทะเบียนเกษตรกร",
            title_en="Registered farmer",
            status=EntitlementStatus.ACTIVE,
            details={
                "farmer_id": answer.farmer_id,
                "plots": plots,
                "total_rai": amount_text(sum(p.rai for p in answer.plots)),
                "last_update": answer.last_update.isoformat(),
            },
        ),
    )


# --- The services and their entry points -------------------------------------------------------

SSO = GdxService(
    id="sso",
    name_th="สำนักงานประกันสังคม",
    name_en="Social Security Office",
    path="/ws/sso/v1/insured",
    read=read_sso,
    web="https://www.sso.go.th",
    hotline="1506",
)
WELFARE = GdxService(
    id="welfare",
    name_th="บัตรสวัสดิการแห่งรัฐ (กรมบัญชีกลาง)",
    name_en="State Welfare Card (Comptroller General's Department)",
    path="/ws/mof/welfare/v1/card",
    read=read_welfare,
    web="https://welfare.mof.go.th",
)
ELDERLY = GdxService(
    id="elderly",
    name_th="เบี้ยยังชีพผู้สูงอายุ (กรมส่งเสริมการปกครองท้องถิ่น)",
    name_en="Old-age allowance (Department of Local Administration)",
    path="/ws/dla/v1/elderly-allowance",
    read=read_elderly,
    web="https://www.dla.go.th",
)
DISABILITY = GdxService(
    id="disability",
    name_th="กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ",
    name_en="Department of Empowerment of Persons with Disabilities",
    path="/ws/dep/v1/disability",
    read=read_disability,
    web="https://www.dep.go.th",
    hotline="1479",
)
CGD = GdxService(
    id="cgd",
    name_th="กรมบัญชีกลาง (สวัสดิการข้าราชการ)",
    name_en="Comptroller General's Department (civil servant benefits)",
    path="/ws/cgd/v1/benefits",
    read=read_cgd,
    web="https://www.cgd.go.th",
)
FARMER = GdxService(
    id="farmer",
    name_th="กรมส่งเสริมการเกษตร (ทะเบียนเกษตรกร)",
    name_en="Department of Agricultural Extension (farmer registry)",
    path="/ws/doae/v1/farmer",
    read=read_farmer,
    web="https://www.doae.go.th",
)

SERVICES: dict[str, GdxService] = {
    s.id: s for s in (SSO, WELFARE, ELDERLY, DISABILITY, CGD, FARMER)
}

create_sso = gdx_factory(SSO)
create_welfare = gdx_factory(WELFARE)
create_elderly = gdx_factory(ELDERLY)
create_disability = gdx_factory(DISABILITY)
create_cgd = gdx_factory(CGD)
create_farmer = gdx_factory(FARMER)
