"""Thai QR Code Payment, bill payment ("tag 30"): the text of the QR a citizen scans with any
Thai banking app to pay a bill. The kiosk only shows it; it takes no money.

The payload is EMVCo merchant-presented QR in the Thai standard: ID-length-value fields, each
length two digits:

    00 "01"                   payload format indicator
    01 "12"                   point of initiation: dynamic (the amount is set)
    30 (merchant account)     00 AID "A000000677010112" (bill payment)
                              01 biller ID (tax ID + suffix, 15 digits)
                              02 reference 1, 03 reference 2 (optional)
    53 "764"                  currency: baht
    58 "TH"                   country
    54 amount                 e.g. "1250.00"
    63 CRC                    CRC-16/CCITT-FALSE over everything before it, including "6304"

Between 00 (first) and 63 (last) EMVCo leaves the order free; this is the order of the
promptparse library, whose published example a test reproduces. References are kept to capital
letters and digits, reference 1 to 15 characters and reference 2 to 20 (the stricter of SCB's
API and the pheerathach/promptpay library). Sources: docs/services.md, "Thai QR payment".
"""

from __future__ import annotations

import binascii
import re

BILL_PAYMENT_AID = "A000000677010112"
_REFERENCES = {"02": re.compile(r"^[0-9A-Z]{1,15}$"), "03": re.compile(r"^[0-9A-Z]{1,20}$")}
_BILLER = re.compile(r"^[0-9]{15}$")
MAX_AMOUNT_THB = 9_999_999_999.99  # the amount field holds at most 13 characters


class ThaiQrError(ValueError):
    """A value cannot go into a Thai QR bill payment (the message names which, not its value)."""


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ThaiQrError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF) as four hex digits."""
    return f"{binascii.crc_hqx(text.encode('ascii'), 0xFFFF):04X}"


def bill_payment(*, biller_id: str, ref1: str, ref2: str | None, amount_thb: float) -> str:
    """The QR text for paying `amount_thb` to `biller_id` with the bill's references."""
    if not _BILLER.fullmatch(biller_id):
        raise ThaiQrError("the biller ID must be 15 digits")
    references = [("02", ref1)] + ([("03", ref2)] if ref2 else [])
    for tag, value in references:
        if not _REFERENCES[tag].fullmatch(value):
            number, longest = ("1", 15) if tag == "02" else ("2", 20)
            raise ThaiQrError(f"reference {number} must be 1-{longest} digits or capital letters")
    if not 0 < amount_thb <= MAX_AMOUNT_THB:
        raise ThaiQrError("the amount is out of range")
    account = _field("00", BILL_PAYMENT_AID) + _field("01", biller_id)
    account += "".join(_field(tag, value) for tag, value in references)
    body = (
        _field("00", "01")
        + _field("01", "12")
        + _field("30", account)
        + _field("53", "764")
        + _field("58", "TH")
        + _field("54", f"{amount_thb:.2f}")
        + "6304"
    )
    return body + crc16(body)
