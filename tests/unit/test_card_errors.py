"""Card errors: a stable kind, a plain Thai and English message, nothing personal."""

from __future__ import annotations

import pytest

from cardreader import errors
from cardreader.errors import CardError, CardErrorKind

ALL = [
    errors.PcscdNotRunningError,
    errors.NoReaderError,
    errors.NoCardError,
    errors.NotThaiIdCardError,
    errors.CardRemovedError,
    errors.ReaderBusyError,
    errors.UnreadableCardError,
    errors.ReadCancelledError,
    errors.ReaderFaultError,
]


def test_each_kind_has_its_own_error_class() -> None:
    assert {cls.kind for cls in ALL} == set(CardErrorKind)


@pytest.mark.parametrize("cls", ALL)
def test_messages_in_thai_and_english(cls: type[CardError]) -> None:
    error = cls("SCardTransmit: Transaction failed. (0x80100016)")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in error.message_th)
    assert error.message_en.isascii()
    assert error.message_en.endswith(".")
    assert error.detail in str(error)
    assert isinstance(error, CardError)


def test_messages_differ_between_kinds() -> None:
    assert len({cls.message_en for cls in ALL}) == len(ALL)
    assert len({cls.message_th for cls in ALL}) == len(ALL)
