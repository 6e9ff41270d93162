from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardreader.cid import InvalidCidError, cid_check_digit, is_valid_cid, mask_cid, validate_cid


def test_design_example_is_valid_and_masks_to_last_four() -> None:
    assert is_valid_cid("1101700203450")
    assert mask_cid("1101700203450") == "x-xxxx-xxxx3-45-0"


@pytest.mark.parametrize(
    ("cid", "reason"),
    [
        ("110170020345", "13 digits"),
        ("11017002034501", "13 digits"),
        ("110170020345a", "only digits"),
        ("1101700203451", "check digit"),
    ],
)
def test_invalid_cids_say_why_without_echoing_digits(cid: str, reason: str) -> None:
    with pytest.raises(InvalidCidError, match=reason) as info:
        validate_cid(cid)
    assert cid not in str(info.value)


def test_dashes_and_spaces_are_accepted() -> None:
    assert validate_cid("1-1017-00203-45-0") == "1101700203450"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_twelve_digits_have_exactly_one_valid_check_digit(first12: str) -> None:
    valid = [d for d in "0123456789" if is_valid_cid(first12 + d)]
    assert valid == [str(cid_check_digit(first12))]
