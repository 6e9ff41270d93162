"""The way into maintenance mode, no Qt: the corner gesture, the door (no PIN, lockout, a
citizen's session), and the audit lines it writes — on a real PIN file and a real audit log."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from kiosk.audit import AuditLog
from kiosk.maintenance.door import (
    AUDIT_ACTOR,
    CornerTaps,
    EntryOutcome,
    MaintenanceDoor,
    corner_px,
    entry_allowed,
)
from kiosk.pin import LOCKOUT_S, MAX_WRONG, PinOutcome, write_pin
from kiosk.session.view import SessionState
from offline_cache import CacheSecret

PIN = "482913"
WRONG = "111111"


class FakeClock:
    """A fake monotonic clock: the five-minute lockout must not last five minutes here."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def audit_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def audit_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "audit.log"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def door_for(
    tmp_path: Path, audit_file: Path, clock: FakeClock, *, pin: bool = True
) -> MaintenanceDoor:
    pin_file = tmp_path / "etc" / "maintenance.pin"
    if pin:
        write_pin(pin_file, PIN)
    audit = AuditLog(audit_file, "unit-kiosk", CacheSecret.generate())
    return MaintenanceDoor(pin_file, audit, clock=clock)


# --- the gesture -----------------------------------------------------------------------------


def test_five_taps_in_the_corner_within_three_seconds_open_the_door() -> None:
    taps = CornerTaps()
    assert [taps.tap(10, 20, 130, t) for t in (0.0, 0.5, 1.0, 1.5)] == [False] * 4
    assert taps.tap(100, 5, 130, 2.9)
    # The count starts again after the gesture.
    assert not taps.tap(10, 10, 130, 3.0)


def test_taps_spread_over_more_than_three_seconds_do_not_count() -> None:
    taps = CornerTaps()
    for t in (0.0, 1.0, 2.0, 3.0):
        assert not taps.tap(5, 5, 130, t)
    assert not taps.tap(5, 5, 130, 3.5)  # the first tap is 3.5 s old: four in the window
    assert taps.tap(5, 5, 130, 3.9)  # 1.0 .. 3.9: five within three seconds


def test_a_tap_elsewhere_starts_the_count_again() -> None:
    taps = CornerTaps()
    for t in (0.0, 0.2, 0.4, 0.6):
        taps.tap(5, 5, 130, t)
    assert not taps.tap(500, 5, 130, 0.8)  # outside the corner
    assert not taps.tap(5, 5, 130, 1.0)
    assert not taps.tap(130, 5, 130, 1.1)  # the corner's edge is outside it


def test_the_corner_scales_with_the_screen_with_a_floor() -> None:
    assert corner_px(1080, 1920) == 130
    assert corner_px(1920, 1080) == 130
    assert corner_px(480, 800) == 90


# --- the door --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(SessionState))
def test_entry_only_from_the_attract_or_out_of_service_screen(state: SessionState) -> None:
    assert entry_allowed(state) is (state in (SessionState.IDLE, SessionState.OUT_OF_SERVICE))


def test_knock_asks_for_the_pin_then_the_right_pin_is_accepted_and_audited(
    tmp_path: Path, audit_file: Path, clock: FakeClock
) -> None:
    door = door_for(tmp_path, audit_file, clock)
    assert door.knock(SessionState.IDLE, "gesture").outcome is EntryOutcome.ASK_PIN
    assert door.attempt(PIN).outcome is PinOutcome.ACCEPTED
    door.entered()
    door.left("left", 42.4)
    lines = audit_lines(audit_file)
    assert [(line["event"], line["actor"]) for line in lines] == [
        ("maintenance.knock", AUDIT_ACTOR),
        ("maintenance.pin", AUDIT_ACTOR),
        ("maintenance.entered", AUDIT_ACTOR),
        ("maintenance.left", AUDIT_ACTOR),
    ]
    assert lines[0]["detail"] == {"via": "gesture", "outcome": "ask_pin"}
    assert lines[1]["detail"] == {"outcome": "accepted"}
    assert lines[3]["detail"] == {"reason": "left", "duration_s": 42}
    assert all(line["citizen"] is None and line["kiosk"] == "unit-kiosk" for line in lines)
    assert PIN not in audit_file.read_text()


def test_knock_during_a_session_is_refused_and_audited(
    tmp_path: Path, audit_file: Path, clock: FakeClock
) -> None:
    door = door_for(tmp_path, audit_file, clock)
    assert door.knock(SessionState.CONSENT, "keys").outcome is EntryOutcome.SESSION_OPEN
    assert audit_lines(audit_file)[-1]["detail"] == {"via": "keys", "outcome": "session_open"}


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_no_pin_set_disables_entry(
    tmp_path: Path, audit_file: Path, clock: FakeClock, damage: str
) -> None:
    door = door_for(tmp_path, audit_file, clock, pin=False)
    if damage == "damaged":
        door.pin_file.parent.mkdir(parents=True)
        door.pin_file.write_text('{"algorithm": "scrypt", "salt": "zz"}')
    assert door.knock(SessionState.IDLE, "gesture").outcome is EntryOutcome.NOT_SET
    # Even a PIN typed (the file vanished after the pad opened) is refused, not accepted.
    assert door.attempt("1234").outcome is PinOutcome.NOT_SET
    outcomes = [line["detail"]["outcome"] for line in audit_lines(audit_file)]
    assert outcomes == ["not_set", "not_set"]


def test_five_wrong_pins_lock_entry_for_five_minutes_audited_without_digits(
    tmp_path: Path, audit_file: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    door = door_for(tmp_path, audit_file, clock)
    caplog.set_level(logging.INFO)
    for left in range(MAX_WRONG - 1, 0, -1):
        verdict = door.attempt(WRONG)
        assert (verdict.outcome, verdict.tries_left) == (PinOutcome.WRONG, left)
    locked = door.attempt(WRONG)
    assert (locked.outcome, locked.locked_for_s) == (PinOutcome.LOCKED, LOCKOUT_S)
    clock.now += 60
    answer = door.knock(SessionState.IDLE, "gesture")
    assert answer.outcome is EntryOutcome.LOCKED
    assert answer.locked_for_s == pytest.approx(LOCKOUT_S - 60)
    assert door.attempt(PIN).outcome is PinOutcome.LOCKED  # the right PIN waits too
    clock.now += LOCKOUT_S - 60
    assert door.locked_for() == 0
    assert door.knock(SessionState.IDLE, "gesture").outcome is EntryOutcome.ASK_PIN
    assert door.attempt(PIN).outcome is PinOutcome.ACCEPTED

    details = [line["detail"] for line in audit_lines(audit_file)]
    assert details[:5] == [
        {"outcome": "wrong", "tries_left": 4},
        {"outcome": "wrong", "tries_left": 3},
        {"outcome": "wrong", "tries_left": 2},
        {"outcome": "wrong", "tries_left": 1},
        {"outcome": "locked", "locked_for_s": 300},
    ]
    assert details[5] == {"via": "gesture", "outcome": "locked", "locked_for_s": 240}
    assert details[-1] == {"outcome": "accepted"}
    for secret in (PIN, WRONG):
        assert secret not in audit_file.read_text()
        assert secret not in caplog.text


def test_actions_are_audited_under_maintenance(
    tmp_path: Path, audit_file: Path, clock: FakeClock
) -> None:
    door = door_for(tmp_path, audit_file, clock)
    assert door.record("purge", which="all", deleted=7)
    assert not door.record("Bad Name")  # refused (and logged), never raised at the technician
    line = audit_lines(audit_file)[-1]
    assert (line["event"], line["detail"]) == ("maintenance.purge", {"which": "all", "deleted": 7})


def test_an_audit_log_without_a_key_names_nobody(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.log", "unit-kiosk", None)
    assert audit.record("maintenance.entered", actor=AUDIT_ACTOR)
    with pytest.raises(ValueError, match="no key"):
        audit.record("check", actor="kiosk", cid="1101700203450")
    assert "1101700203450" not in (tmp_path / "audit.log").read_text()
