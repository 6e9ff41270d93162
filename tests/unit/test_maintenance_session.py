"""Maintenance mode in the session state machine: where it may be entered, that it holds the
kiosk (no card is read), and where leaving it goes — no Qt."""

# mypy narrows `session.state` after one assert and cannot see that `handle` changes it.
# mypy: disable-error-code="comparison-overlap,unreachable"

from __future__ import annotations

import pytest

from kiosk.config import validate_config
from kiosk.metrics import KioskMetrics
from kiosk.session.commands import (
    BeginMaintenance,
    EndMaintenance,
    EndReason,
    MaintenanceEnd,
    SessionCommand,
    StartRead,
    StopTimer,
)
from kiosk.session.events import (
    CardInserted,
    CardRemoved,
    ConfigBroken,
    ConfigFixed,
    ConsentAgreed,
    FinishPressed,
    LargeTextToggled,
    MaintenanceEntered,
    MaintenanceLeft,
    ReadersChanged,
    ReaderServiceChanged,
    Reset,
    Timer,
    TimerFired,
    UserActivity,
)
from kiosk.session.machine import Session
from kiosk.session.view import MAINTENANCE_ENTRY_STATES, OutOfServiceCause, SessionState
from kiosk.wiring.services import session_settings
from kiosk.wiring.session_metrics import SessionMetrics
from tests.unit.test_session import (
    READER,
    at_consent,
    drive,
    fire,
    idle_kiosk,
    make,
    querying,
    results,
    settings,
    timer_started,
)


def in_maintenance(**overrides: object) -> tuple[Session, list[SessionCommand]]:
    session = idle_kiosk(maintenance_idle_s=120.0, **overrides)
    out = drive(session, MaintenanceEntered())
    assert session.state is SessionState.MAINTENANCE
    return session, out


def test_entry_from_the_attract_screen_holds_the_kiosk_with_an_idle_limit() -> None:
    session, out = in_maintenance()
    assert out[0] == BeginMaintenance()
    assert timer_started(out, Timer.MAINTENANCE).seconds == 120.0
    assert session.view.holder is None
    assert not session.view.holds_personal_data


def test_entry_from_out_of_service_keeps_its_causes() -> None:
    session = idle_kiosk()
    drive(session, ReaderServiceChanged(up=False))
    assert session.state is SessionState.OUT_OF_SERVICE
    out = drive(session, MaintenanceEntered())
    assert session.state is SessionState.MAINTENANCE
    assert BeginMaintenance() in out
    assert session.view.out_of_service == {OutOfServiceCause.SERVICE_DOWN}


def test_the_entry_states_are_the_attract_and_out_of_service_screens() -> None:
    assert {SessionState.IDLE, SessionState.OUT_OF_SERVICE} == MAINTENANCE_ENTRY_STATES


@pytest.mark.parametrize("where", ["reading", "consent", "querying", "results", "take-card"])
def test_no_entry_while_a_citizen_is_served_or_taking_their_card(where: str) -> None:
    if where == "reading":
        session = idle_kiosk()
        drive(session, CardInserted(READER))
    elif where == "consent":
        session, _ = at_consent()
    elif where == "querying":
        session, _ = querying()
    elif where == "results":
        session, _ = results()
    else:
        session, _ = results()
        drive(session, FinishPressed())
        assert session.state is SessionState.AWAIT_REMOVAL
    before = session.state
    view = session.view
    assert drive(session, MaintenanceEntered()) == []
    assert session.state is before
    assert session.view == view


def test_a_card_inserted_during_maintenance_is_not_read_and_must_be_taken_out_after() -> None:
    session, _ = in_maintenance()
    out = drive(session, CardInserted(READER))
    assert not any(isinstance(c, StartRead) for c in out)
    assert session.state is SessionState.MAINTENANCE
    out = drive(session, MaintenanceLeft())
    assert EndMaintenance(MaintenanceEnd.LEFT) in out
    assert not any(isinstance(c, StartRead) for c in out)
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.view.end_reason is EndReason.FOUND_AT_START
    drive(session, CardRemoved(READER))
    assert session.state is SessionState.IDLE
    out = drive(session, CardInserted(READER))
    assert StartRead(session.token, READER) in out  # a fresh insert reads as usual


def test_a_card_inserted_and_removed_during_maintenance_leaves_to_the_attract_screen() -> None:
    session, _ = in_maintenance()
    drive(session, CardInserted(READER), CardRemoved(READER), MaintenanceLeft())
    assert session.state is SessionState.IDLE


def test_a_cause_arising_during_maintenance_keeps_maintenance_then_out_of_service() -> None:
    session, _ = in_maintenance()
    drive(session, ConfigBroken())
    assert session.state is SessionState.MAINTENANCE
    assert session.view.out_of_service == {OutOfServiceCause.CONFIG_BROKEN}
    drive(session, MaintenanceLeft())
    assert session.state is SessionState.OUT_OF_SERVICE
    drive(session, ConfigFixed())
    assert session.state is SessionState.IDLE


def test_a_cause_fixed_during_maintenance_leaves_to_the_attract_screen() -> None:
    session = idle_kiosk()
    drive(session, ReadersChanged(()), MaintenanceEntered())
    assert session.view.out_of_service == {OutOfServiceCause.NO_READER}
    drive(session, ReadersChanged((READER,)))
    assert session.state is SessionState.MAINTENANCE
    assert session.view.out_of_service == frozenset()
    drive(session, MaintenanceLeft())
    assert session.state is SessionState.IDLE


def test_untouched_for_the_idle_limit_leaves_maintenance() -> None:
    session, out = in_maintenance()
    out = drive(session, UserActivity())  # a touch restarts the limit
    assert timer_started(out, Timer.MAINTENANCE).seconds == 120.0
    out = fire(session, out, Timer.MAINTENANCE)
    assert EndMaintenance(MaintenanceEnd.IDLE) in out
    assert session.state is SessionState.IDLE


def test_a_stale_idle_firing_after_a_touch_is_ignored() -> None:
    session, first = in_maintenance()
    stale = timer_started(first, Timer.MAINTENANCE).generation
    drive(session, UserActivity())
    assert drive(session, TimerFired(Timer.MAINTENANCE, stale)) == []
    assert session.state is SessionState.MAINTENANCE


def test_leaving_stops_the_idle_limit_and_resets_the_switches() -> None:
    session, _ = in_maintenance()
    drive(session, LargeTextToggled())
    assert session.view.preferences.large_text
    out = drive(session, MaintenanceLeft())
    assert StopTimer(Timer.MAINTENANCE) in out
    assert not session.view.preferences.large_text


def test_an_unexpected_error_leaves_maintenance_too() -> None:
    session, _ = in_maintenance()
    out = drive(session, Reset())
    assert EndMaintenance(MaintenanceEnd.RESET) in out
    assert session.state is SessionState.IDLE


def test_citizen_touches_mean_nothing_in_maintenance() -> None:
    session, _ = in_maintenance()
    assert drive(session, ConsentAgreed(), FinishPressed()) == []
    assert session.state is SessionState.MAINTENANCE
    assert drive(session, MaintenanceEntered()) == []  # already in


def test_leaving_outside_maintenance_does_nothing() -> None:
    session = idle_kiosk()
    assert drive(session, MaintenanceLeft()) == []
    assert session.state is SessionState.IDLE


def test_the_idle_limit_comes_from_the_configuration() -> None:
    config = validate_config({"maintenance": {"idle_s": 45}})
    assert session_settings(config, ()).maintenance_idle_s == 45.0
    assert settings().maintenance_idle_s == 120.0  # the configuration's default


def test_maintenance_counts_as_out_of_service_only_while_a_cause_holds() -> None:
    metrics = KioskMetrics("unit-kiosk")
    watch = SessionMetrics(metrics)
    session = make()
    for event in (ReadersChanged((READER,)), MaintenanceEntered()):
        watch.session_changed(session.handle(event), session.view)
    assert metrics.registry.get_sample_value("kiosk_out_of_service") == 0
    watch.session_changed(session.handle(ReaderServiceChanged(up=False)), session.view)
    assert session.state is SessionState.MAINTENANCE
    assert metrics.registry.get_sample_value("kiosk_out_of_service") == 1
