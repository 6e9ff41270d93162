"""The 160-byte address, parsed by its Thai labels rather than by slot position alone."""

from __future__ import annotations

import pytest

from cardreader.address import parse_address
from cardreader.types import Address


def card_address(*slots: str) -> bytes:
    return "#".join(slots).encode("tis_620").ljust(160, b" ")


def test_provincial_address_in_card_order() -> None:
    address = parse_address(
        card_address(
            "123/4", "หมู่ที่ 5", "", "", "", "ตำบลในเมือง", "อำเภอเมืองอุบลราชธานี", "จังหวัดอุบลราชธานี"
        )
    )
    assert address == Address(
        house_no="123/4",
        moo="5",
        soi="",
        road="",
        subdistrict="ในเมือง",
        district="เมืองอุบลราชธานี",
        province="อุบลราชธานี",
        text="123/4 หมู่ที่ 5 ตำบลในเมือง อำเภอเมืองอุบลราชธานี จังหวัดอุบลราชธานี",
    )


def test_bangkok_khwaeng_khet_and_unlabelled_province() -> None:
    address = parse_address(
        card_address("1024/15", "", "", "ซอยสีลม 9", "ถนนสีลม", "แขวงสีลม", "เขตบางรัก", "กรุงเทพมหานคร")
    )
    assert (address.soi, address.road) == ("สีลม 9", "สีลม")
    assert (address.subdistrict, address.district, address.province) == (
        "สีลม",
        "บางรัก",
        "กรุงเทพมหานคร",
    )
    assert address.moo == ""


def test_labels_win_over_positions() -> None:
    # Slots shifted (an odd card): each is still recognised by its label.
    address = parse_address(
        card_address("9", "ถนนมิตรภาพ", "ตำบลในเมือง", "อำเภอเมือง", "จังหวัดขอนแก่น")
    )
    assert address.road == "มิตรภาพ"
    assert address.subdistrict == "ในเมือง"
    assert address.district == "เมือง"
    assert address.province == "ขอนแก่น"
    assert address.house_no == "9"


def test_empty_slots_give_empty_parts() -> None:
    address = parse_address(
        card_address("199", "", "", "", "", "ตำบลปากช่อง", "อำเภอปากช่อง", "จังหวัดนครราชสีมา")
    )
    assert (address.moo, address.soi, address.road) == ("", "", "")
    assert address.text == "199 ตำบลปากช่อง อำเภอปากช่อง จังหวัดนครราชสีมา"


def test_abbreviated_labels() -> None:
    address = parse_address(
        card_address("5", "ม.2", "", "ซ.3", "ถ.สุขุมวิท", "ต.บางพลี", "อ.บางพลี", "จ.สมุทรปราการ")
    )
    assert (address.moo, address.soi, address.road) == ("2", "3", "สุขุมวิท")
    assert (address.subdistrict, address.district, address.province) == (
        "บางพลี",
        "บางพลี",
        "สมุทรปราการ",
    )


def test_housing_estate_name_is_not_a_village_number() -> None:
    address = parse_address(
        card_address("8/1 หมู่บ้านสุขใจ", "หมู่ที่ 3", "", "", "", "ตำบลคูคต", "อำเภอลำลูกกา", "จังหวัดปทุมธานี")
    )
    assert address.house_no == "8/1 หมู่บ้านสุขใจ"
    assert address.moo == "3"


def test_lane_is_kept_in_the_soi_part() -> None:
    address = parse_address(
        card_address(
            "3", "", "ตรอกวัดสามจีน", "ซอย 2", "", "แขวงตลาดน้อย", "เขตสัมพันธวงศ์", "กรุงเทพมหานคร"
        )
    )
    assert address.soi == "ตรอกวัดสามจีน 2"


def test_unlabelled_slot_in_a_taken_position_joins_the_house_number() -> None:
    address = parse_address(
        card_address("12", "หมู่ที่ 1", "", "", "", "ตำบลหนึ่ง", "อำเภอสอง", "จังหวัดสาม", "อาคารเอ")
    )
    assert address.house_no == "12 อาคารเอ"


@pytest.mark.parametrize("raw", [b"", b" " * 160, b"#" * 160])
def test_blank_address(raw: bytes) -> None:
    address = parse_address(raw)
    assert address == Address("", "", "", "", "", "", "", "")
