"""Parsing of every card field: text and names, Buddhist-era dates, CID, gender, NHSO, laser ID."""

from __future__ import annotations

from datetime import date

import pytest

from cardreader import layout
from cardreader.dates import parse_be_date
from cardreader.errors import UnreadableCardError
from cardreader.identity import parse_cid, parse_gender, parse_laser_id, parse_nhso
from cardreader.text import decode_text, encode_name, encode_text, parse_name
from cardreader.types import Gender, PersonName


def tis(text: str, length: int = 100) -> bytes:
    return text.encode("tis_620").ljust(length, b" ")


class TestText:
    def test_decodes_tis620_and_drops_space_padding(self) -> None:
        assert decode_text(tis("สำนักทะเบียนอำเภอเมือง")) == "สำนักทะเบียนอำเภอเมือง"

    def test_drops_nul_padding_too(self) -> None:
        assert decode_text(b"Bangkok\x00\x00\x00  ") == "Bangkok"

    def test_undefined_tis620_bytes_become_replacement_characters(self) -> None:
        assert decode_text(b"A\xdbB") == "A\ufffdB"

    def test_encode_pads_and_refuses_overflow(self) -> None:
        assert encode_text("ab", 4) == b"ab  "
        with pytest.raises(ValueError, match="does not fit"):
            encode_text("abcde", 4)


class TestNames:
    def test_four_parts_thai(self) -> None:
        assert parse_name(tis("นาย#สมชาย##ใจดี")) == PersonName("นาย", "สมชาย", "", "ใจดี")

    def test_english_middle_name(self) -> None:
        name = parse_name(tis("Miss#Kanokwan#Elizabeth Margaret#Charoen"))
        assert name == PersonName("Miss", "Kanokwan", "Elizabeth Margaret", "Charoen")

    def test_spaces_around_parts_are_dropped(self) -> None:
        assert parse_name(tis("Mr. #Somchai ## Jaidee")) == PersonName(
            "Mr.", "Somchai", "", "Jaidee"
        )

    def test_missing_parts_are_empty(self) -> None:
        assert parse_name(tis("นาย#สมชาย")) == PersonName("นาย", "สมชาย", "", "")
        assert parse_name(tis("")) == PersonName("", "", "", "")

    def test_extra_separators_fold_into_the_last_name(self) -> None:
        assert parse_name(tis("Mr.#A##B#C")).last == "B C"

    def test_encode_name_round_trips(self) -> None:
        name = PersonName("นางสาว", "มาลี", "", "ศรีสุข")
        assert parse_name(encode_name(name, 100)) == name

    def test_full_name_joins_thai_prefix_without_space(self) -> None:
        assert PersonName("นาย", "สมชาย", "", "ใจดี").full() == "นายสมชาย ใจดี"
        assert PersonName("Mr.", "Somchai", "", "Jaidee").full() == "Mr. Somchai Jaidee"


class TestDates:
    def test_buddhist_era_date(self) -> None:
        parsed = parse_be_date(b"25280307")
        assert (parsed.date, parsed.year, parsed.lifelong) == (date(1985, 3, 7), 1985, False)

    @pytest.mark.parametrize("raw", [b"25280000", b"25280300", b"25280007"])
    def test_unknown_month_or_day_keeps_the_year(self, raw: bytes) -> None:
        parsed = parse_be_date(raw)
        assert (parsed.date, parsed.year) == (None, 1985)

    def test_lifelong(self) -> None:
        parsed = parse_be_date(b"99999999")
        assert (parsed.date, parsed.year, parsed.lifelong) == (None, None, True)

    @pytest.mark.parametrize("raw", [b"00000000", b"        ", b"", b"2528O307", b"2528030"])
    def test_blank_or_garbage_is_unknown(self, raw: bytes) -> None:
        parsed = parse_be_date(raw)
        assert (parsed.date, parsed.year, parsed.lifelong) == (None, None, False)

    def test_impossible_date_keeps_the_year(self) -> None:
        parsed = parse_be_date(b"25670230")  # 30 February 2024
        assert (parsed.date, parsed.year) == (None, 2024)

    def test_leap_day(self) -> None:
        assert parse_be_date(b"25670229").date == date(2024, 2, 29)


class TestCid:
    def test_valid_cid(self) -> None:
        assert parse_cid(b"1101700203450") == "1101700203450"

    def test_bad_checksum_is_unreadable_and_names_no_digits(self) -> None:
        with pytest.raises(UnreadableCardError) as caught:
            parse_cid(b"1101700203451")
        assert not any(ch.isdigit() for ch in str(caught.value))
        assert caught.value.kind == "unreadable"

    @pytest.mark.parametrize("raw", [b"             ", b"110170020345", b"11017002034\xff0"])
    def test_blank_short_or_binary_is_unreadable(self, raw: bytes) -> None:
        with pytest.raises(UnreadableCardError):
            parse_cid(raw)


class TestGender:
    @pytest.mark.parametrize(
        ("raw", "gender"),
        [
            (b"1", Gender.MALE),
            (b"2", Gender.FEMALE),
            (b" ", Gender.UNKNOWN),
            (b"9", Gender.UNKNOWN),
        ],
    )
    def test_codes(self, raw: bytes, gender: Gender) -> None:
        assert parse_gender(raw) is gender


class TestNhso:
    def record(self, **fields: str) -> bytes:
        data = bytearray(b" ") * layout.NHSO_FILE_SIZE
        spans = {
            "main": layout.NHSO_MAIN_INSCL,
            "sub": layout.NHSO_SUB_INSCL,
            "hmain": layout.NHSO_MAIN_HOSPITAL,
            "hsub": layout.NHSO_SUB_HOSPITAL,
            "paid": layout.NHSO_PAID_TYPE,
            "issue": layout.NHSO_ISSUE_DATE,
            "expiry": layout.NHSO_EXPIRY_DATE,
            "update": layout.NHSO_UPDATE_DATE,
            "changes": layout.NHSO_CHANGE_COUNT,
        }
        for key, text in fields.items():
            span = spans[key]
            data[span.offset : span.end] = encode_text(text, span.length)
        return bytes(data[layout.NHSO_RECORD.offset :])

    def test_every_field(self) -> None:
        nhso = parse_nhso(
            self.record(
                main="(UCS) สิทธิหลักประกันสุขภาพแห่งชาติ",
                sub="(89) ช่วงอายุ 12-59 ปี",
                hmain="โรงพยาบาลสุรินทร์",
                hsub="รพ.สต.นอกเมือง",
                paid="1",
                issue="25660101",
                expiry="99999999",
                update="25670615",
                changes="2",
            )
        )
        assert nhso.main_inscl == "(UCS) สิทธิหลักประกันสุขภาพแห่งชาติ"
        assert nhso.sub_inscl == "(89) ช่วงอายุ 12-59 ปี"
        assert nhso.main_hospital == "โรงพยาบาลสุรินทร์"
        assert nhso.sub_hospital == "รพ.สต.นอกเมือง"
        assert nhso.paid_type == "1"
        assert nhso.issue_date == date(2023, 1, 1)
        assert nhso.expiry_date is None
        assert nhso.update_date == date(2024, 6, 15)
        assert nhso.change_count == 2

    def test_blank_record_parses_as_empty(self) -> None:
        nhso = parse_nhso(self.record())
        assert (nhso.main_inscl, nhso.issue_date, nhso.change_count) == ("", None, None)

    def test_short_record_does_not_fail(self) -> None:
        assert parse_nhso(b"\x00\x00(UCS)").change_count is None


class TestLaserId:
    def test_nul_padded_answer(self) -> None:
        assert parse_laser_id(b"JT1-2345678-90\x00\x00") == "JT1-2345678-90"

    def test_blank_answer_is_none(self) -> None:
        assert parse_laser_id(b"\x00" * 16) is None
