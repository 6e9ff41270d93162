"""Thai QR bill payment: the payload of published examples, to the character and CRC."""

from __future__ import annotations

import pytest

from adapters.services.thai_qr import ThaiQrError, bill_payment, crc16

pytestmark = pytest.mark.unit

# maythiwat/promptparse, src/index.test.ts: a dynamic bill payment (biller 099400016550100,
# reference 1 123456789012, reference 2 670429, 3,649.22 baht).
PROMPTPARSE_BILL = (
    "00020101021230650016A00000067701011201150994000165501000212123456789012030667042953037645802"
    "TH54073649.2263044534"
)
# pheerathach/promptpay, ThaiQRPromptPayTest.java (its tags in another order; CRC only).
PHEERATHACH_BILL = (
    "00020101021230640016A0000006770101120113000000000000102076300002031212121456454153037645406"
    "100.355802TH6304BD9D"
)


def test_the_published_bill_payment_is_reproduced_exactly() -> None:
    payload = bill_payment(
        biller_id="099400016550100", ref1="123456789012", ref2="670429", amount_thb=3649.22
    )
    assert payload == PROMPTPARSE_BILL


@pytest.mark.parametrize("payload", [PROMPTPARSE_BILL, PHEERATHACH_BILL])
def test_crc_matches_published_payloads(payload: str) -> None:
    assert crc16(payload[:-4]) == payload[-4:]


def test_crc_is_ccitt_false() -> None:
    assert crc16("123456789") == "29B1"  # the standard check value of CRC-16/CCITT-FALSE


def test_reference_2_is_optional() -> None:
    payload = bill_payment(biller_id="099999999999990", ref1="A1", ref2=None, amount_thb=1)
    assert "0302" not in payload.split("5303")[0][-12:]
    assert "0202A1" in payload
    assert "54041.00" in payload
    assert crc16(payload[:-4]) == payload[-4:]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"biller_id": "12345"}, "biller ID must be 15 digits"),
        ({"ref1": "lower"}, "reference 1 must be 1-15"),
        ({"ref1": "A" * 16}, "reference 1 must be 1-15"),
        ({"ref2": "ก"}, "reference 2 must be 1-20"),
        ({"amount_thb": 0.0}, "amount is out of range"),
        ({"amount_thb": 1e12}, "amount is out of range"),
    ],
)
def test_values_outside_the_standard_are_refused(fields: dict[str, object], problem: str) -> None:
    values: dict[str, object] = {
        "biller_id": "099999999999990",
        "ref1": "A1",
        "ref2": "B2",
        "amount_thb": 10.0,
        **fields,
    }
    with pytest.raises(ThaiQrError, match=problem):
        bill_payment(**values)  # type: ignore[arg-type]
