"""The health-care right written on the citizen's ID card (the NHSO applet) as an NHSO answer.

When NHSO cannot be asked, the card itself says which scheme the citizen was registered under
when the card was last updated at a hospital: an offline source, shown as `source: "card"` with
`as_of` the applet's update date. The applet's scheme fields read like `(UCS) สิทธิหลักประกัน...`
(the code in brackets, then NHSO's Thai name); the titles come from the same table as the live
answer's (`adapters.nhso.rights`), so a card answer and a live one read alike on screen.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from adapters.answer import BANGKOK
from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    ResultSource,
)
from adapters.nhso.rights import Coded, right_titles
from cardreader.types import NhsoCardData

NHSO = "nhso"  # the agency id of the NHSO adapter, which the card's applet stands in for

# "(UCS) name", "(89) name", "UCS name", or a bare code; codes are letters and digits.
_CODED = re.compile(r"^\s*\(\s*([A-Za-z0-9]{1,10})\s*\)\s*(.*?)\s*$")
_BARE_CODE = re.compile(r"^\s*([A-Z]{2,5}|[0-9]{1,4})(?:\s+(.*?))?\s*$")


def split_scheme(text: str) -> tuple[str, str]:
    """A scheme field as (code, name); ("", name) when the card carries no code."""
    for pattern in (_CODED, _BARE_CODE):
        match = pattern.match(text)
        if match:
            return match.group(1).upper(), (match.group(2) or "").strip()
    return "", text.strip()


def card_as_of(nhso: NhsoCardData) -> datetime | None:
    """When the applet was last written: its update date (else its issue date), at the start
    of that day in Bangkok; None when the card gives neither."""
    day = nhso.update_date or nhso.issue_date
    return datetime.combine(day, time(0), BANGKOK) if day is not None else None


def card_right(nhso: NhsoCardData, *, today: date) -> AgencyResult | None:
    """The NHSO answer the card gives (`ok`, one entitlement, `source: card`), or None when the
    applet holds no scheme. The caller sets `reason` and `message` (`with_source`)."""
    code, name = split_scheme(nhso.main_inscl)
    if not code and not name:
        return None
    title_th, title_en = right_titles(Coded(id=code or "NHSO", name=name))
    expired = nhso.expiry_date is not None and nhso.expiry_date < today
    entitlement = Entitlement(
        code=code or "NHSO",
        title_th=title_th,
        title_en=title_en,
        status=EntitlementStatus.INACTIVE if expired else EntitlementStatus.ACTIVE,
        valid_from=nhso.issue_date,
        valid_until=nhso.expiry_date,
        details=_details(nhso),
    )
    info = {"paid_type": nhso.paid_type} if nhso.paid_type else {}
    return AgencyResult(
        agency=NHSO,
        status=AgencyStatus.OK,
        source=ResultSource.CARD,
        as_of=card_as_of(nhso),
        entitlements=(entitlement,),
        info=info,
    )


def _details(nhso: NhsoCardData) -> dict[str, str]:
    # The same keys as the live answer's details (adapters.nhso_rights.fund_details); the card
    # names hospitals without their codes.
    details: dict[str, str] = {}
    sub_code, sub_name = split_scheme(nhso.sub_inscl)
    if sub_code:
        details["sub_scheme_code"] = sub_code
    if sub_name:
        details["sub_scheme"] = sub_name
    if nhso.main_hospital.strip():
        details["hospital_main"] = nhso.main_hospital.strip()
    if nhso.sub_hospital.strip():
        details["hospital_sub"] = nhso.sub_hospital.strip()
    return details
