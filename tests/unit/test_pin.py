from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.pin import (
    LOCKOUT_S,
    MAX_WRONG,
    PinError,
    PinGate,
    PinOutcome,
    pin_is_set,
    write_pin,
)


class FakeClock:
    """A fake monotonic clock: lockout lasts minutes, tests must not."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_written_pin_is_a_salted_hash_in_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "maintenance.pin"
    write_pin(path, "482913")
    text = path.read_text()
    assert "482913" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pin_is_set(path)
    other = tmp_path / "other.pin"
    write_pin(other, "482913")
    assert other.read_text() != text  # fresh salt every time


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "0000", ""])
def test_weak_or_malformed_pins_are_refused(tmp_path: Path, pin: str) -> None:
    with pytest.raises(PinError):
        write_pin(tmp_path / "p", pin)
    assert not (tmp_path / "p").exists()


def test_right_pin_accepted_wrong_counted_then_locked_for_five_minutes(tmp_path: Path) -> None:
    path = tmp_path / "p"
    write_pin(path, "482913")
    clock = FakeClock()
    gate = PinGate(path, clock)
    assert gate.attempt("482913").outcome is PinOutcome.ACCEPTED
    for left in range(MAX_WRONG - 1, 0, -1):
        verdict = gate.attempt("111111")
        assert (verdict.outcome, verdict.tries_left) == (PinOutcome.WRONG, left)
    assert gate.attempt("111111").outcome is PinOutcome.LOCKED
    # Even the right PIN is refused while locked.
    assert gate.attempt("482913").outcome is PinOutcome.LOCKED
    clock.now += LOCKOUT_S - 1
    assert gate.attempt("482913").outcome is PinOutcome.LOCKED
    clock.now += 2
    assert gate.attempt("482913").outcome is PinOutcome.ACCEPTED


def test_no_pin_file_or_a_damaged_one_disables_entry(tmp_path: Path) -> None:
    gate = PinGate(tmp_path / "absent")
    assert gate.attempt("1234").outcome is PinOutcome.NOT_SET
    damaged = tmp_path / "damaged"
    damaged.write_text("{not json")
    assert not pin_is_set(damaged)
    assert PinGate(damaged).attempt("1234").outcome is PinOutcome.NOT_SET
