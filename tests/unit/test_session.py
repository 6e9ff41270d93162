"""The session state machine (docs/architecture.md): every transition, no Qt."""

# mypy narrows `session.state` after one assert and cannot see that `handle` changes it.
# mypy: disable-error-code="comparison-overlap,unreachable"

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from cardreader.types import Address, CardData, Gender, NhsoCardData, PersonName
from kiosk.config import validate_config
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.commands import (
    AuditConsent,
    EndReason,
    EndSession,
    PrintSlip,
    SessionCommand,
    StartCheck,
    StartRead,
    StartTimer,
    StopTimer,
)
from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    CardRecordRead,
    CardRemoved,
    CheckFinished,
    CidRead,
    ConfigBroken,
    ConfigFixed,
    ConsentAgreed,
    ConsentDeclined,
    DetailClosed,
    DetailOpened,
    FinishPressed,
    HighContrastToggled,
    IdentityRead,
    LanguageToggled,
    LargeTextToggled,
    PhotoRead,
    PrintRequested,
    ReadersChanged,
    ReaderServiceChanged,
    ReadFailed,
    Reset,
    SessionEvent,
    Timer,
    TimerFired,
    UserActivity,
)
from kiosk.session.machine import Session
from kiosk.session.settings import SessionSettings
from kiosk.session.view import (
    OutOfServiceCause,
    Preferences,
    SessionState,
    TileState,
    age_on,
    tile_state,
)
from kiosk.wiring.services import session_settings

READER = "Virtual PCD 00 00"
NHSO_RECORD = NhsoCardData(
    main_inscl="(UCS) สิทธิหลักประกันสุขภาพแห่งชาติ",
    sub_inscl="",
    main_hospital="",
    sub_hospital="",
    paid_type="",
    issue_date=None,
    expiry_date=None,
    update_date=None,
    change_count=0,
)
OTHER_READER = "Virtual PCD 00 01"
CID = "1101700203450"
OTHER_CID = "3100400123456"
PHOTO = b"\xff\xd8 not really a jpeg \xff\xd9"
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=7)))
AGENCIES = (
    AgencyInfo("nhso", "สปสช.", "NHSO", "1330", "https://www.nhso.go.th"),
    AgencyInfo("sso", "สำนักงานประกันสังคม", "Social Security Office", "1506"),
    AgencyInfo("elderly", "เบี้ยยังชีพผู้สูงอายุ", "Elderly allowance"),
)


def card(cid: str = CID, photo: bytes | None = None) -> CardData:
    """An invented citizen (not a real person)."""
    return CardData(
        cid=cid,
        atr=b"\x3b\x79",
        name_th=PersonName("นาง", "มาลี", "", "ทดสอบดี"),
        name_en=PersonName("Mrs.", "Malee", "", "Thotsobdee"),
        birth_date=date(1954, 12, 1),
        birth_year=1954,
        gender=Gender.FEMALE,
        issuer="อำเภอเมืองอุบลราชธานี",
        issue_date=date(2020, 1, 15),
        expiry_date=None,
        lifelong=True,
        address=Address("1", "2", "", "", "ในเมือง", "เมือง", "อุบลราชธานี", "1 หมู่ที่ 2"),
        photo=photo,
        nhso=None,
    )


def answer(
    agency: str,
    status: AgencyStatus = AgencyStatus.OK,
    source: ResultSource = ResultSource.LIVE,
    *,
    entitled: bool = True,
) -> AgencyResult:
    entitlements = (
        (Entitlement("X", "สิทธิ", "Right", EntitlementStatus.ACTIVE, amount_thb=700.0),)
        if entitled
        else ()
    )
    return AgencyResult(agency, status, source, NOW, entitlements=entitlements)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings(**overrides: object) -> SessionSettings:
    base = SessionSettings(agencies=AGENCIES, idle_s=60.0, warning_s=30.0, check_timeout_s=3.0)
    return replace(base, **overrides)  # type: ignore[arg-type]


def make(**overrides: object) -> Session:
    return Session(settings(**overrides), clock=Clock(), today=lambda: TODAY)


def drive(session: Session, *events: SessionEvent) -> list[SessionCommand]:
    out: list[SessionCommand] = []
    for event in events:
        out.extend(session.handle(event))
    return out


def timer_started(commands: list[SessionCommand], timer: Timer) -> StartTimer:
    started = [c for c in commands if isinstance(c, StartTimer) and c.timer is timer]
    assert started, f"{timer} was not started"
    return started[-1]


def fire(session: Session, commands: list[SessionCommand], timer: Timer) -> list[SessionCommand]:
    return session.handle(TimerFired(timer, timer_started(commands, timer).generation))


def idle_kiosk(**overrides: object) -> Session:
    session = make(**overrides)
    drive(session, ReadersChanged((READER,)))
    assert session.state is SessionState.IDLE
    return session


def at_consent(
    photo: bytes | None = None, **overrides: object
) -> tuple[Session, list[SessionCommand]]:
    session = idle_kiosk(**overrides)
    out = drive(session, CardInserted(READER))
    token = session.token
    out += drive(session, CidRead(token, CID), IdentityRead(token, card(photo=photo)))
    assert session.state is SessionState.CONSENT
    return session, out


def querying(opt_out: bool = False) -> tuple[Session, list[SessionCommand]]:
    session, out = at_consent()
    out += drive(session, ConsentAgreed(opt_out))
    assert session.state is SessionState.QUERYING
    return session, out


def results() -> tuple[Session, list[SessionCommand]]:
    session, out = querying()
    out += drive(session, *(AgencyAnswered(session.token, answer(a.id)) for a in AGENCIES))
    assert session.state is SessionState.RESULTS
    return session, out


# --- service: out of service and back ----------------------------------------------------------


def test_starts_out_of_service_until_the_monitor_reports() -> None:
    session = make()
    assert session.state is SessionState.OUT_OF_SERVICE
    assert session.view.out_of_service == {OutOfServiceCause.STARTING}
    drive(session, ReadersChanged((READER,)))
    assert session.state is SessionState.IDLE
    assert session.view.out_of_service == frozenset()


def test_no_reader_is_out_of_service_and_a_returning_reader_clears_it() -> None:
    session = make()
    drive(session, ReadersChanged(()))
    assert session.state is SessionState.OUT_OF_SERVICE
    assert session.view.out_of_service == {OutOfServiceCause.NO_READER}
    drive(session, ReadersChanged((READER,)))
    assert session.state is SessionState.IDLE


def test_pcscd_down_and_back() -> None:
    session = idle_kiosk()
    drive(session, ReaderServiceChanged(up=False))
    assert session.state is SessionState.OUT_OF_SERVICE
    assert session.view.out_of_service == {OutOfServiceCause.SERVICE_DOWN}
    drive(session, ReaderServiceChanged(up=True))
    assert session.state is SessionState.IDLE


def test_broken_config_is_out_of_service_until_fixed() -> None:
    session = idle_kiosk()
    drive(session, ConfigBroken())
    assert session.state is SessionState.OUT_OF_SERVICE
    assert session.view.out_of_service == {OutOfServiceCause.CONFIG_BROKEN}
    drive(session, ConfigFixed())
    assert session.state is SessionState.IDLE


def test_out_of_service_lasts_while_any_cause_remains() -> None:
    session = idle_kiosk()
    drive(session, ConfigBroken(), ReaderServiceChanged(up=False), ConfigFixed())
    assert session.state is SessionState.OUT_OF_SERVICE
    drive(session, ReaderServiceChanged(up=True))
    assert session.state is SessionState.IDLE


@pytest.mark.parametrize(
    "lose_service",
    [ReaderServiceChanged(up=False), ReadersChanged(()), ConfigBroken()],
    ids=["pcscd-down", "reader-gone", "config-broken"],
)
def test_losing_service_mid_session_ends_it(lose_service: SessionEvent) -> None:
    session, _ = querying()
    token = session.token
    out = drive(session, lose_service)
    assert EndSession(token, EndReason.SERVICE_LOST) in out
    assert session.state is SessionState.OUT_OF_SERVICE
    assert session.is_empty()
    assert session.view.holder is None


def test_reader_returning_with_a_card_in_waits_for_its_removal() -> None:
    session = idle_kiosk()
    drive(session, ReaderServiceChanged(up=False), ReaderServiceChanged(up=True))
    out = drive(session, CardInserted(READER, already_present=True))
    assert session.state is SessionState.AWAIT_REMOVAL
    assert not any(isinstance(c, StartRead) for c in out)


def test_card_inserted_while_out_of_service_must_be_taken_out_first() -> None:
    session = idle_kiosk()
    drive(session, ConfigBroken(), CardInserted(READER))
    assert session.state is SessionState.OUT_OF_SERVICE
    out = drive(session, ConfigFixed())
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.view.end_reason is EndReason.FOUND_AT_START
    assert not any(isinstance(c, StartRead) for c in out)
    drive(session, CardRemoved(READER))
    assert session.state is SessionState.IDLE


# --- reader choice ---------------------------------------------------------------------------


def test_serves_the_first_reader_and_ignores_others() -> None:
    session = make()
    drive(session, ReadersChanged((READER, OTHER_READER)))
    assert drive(session, CardInserted(OTHER_READER)) == []
    assert session.state is SessionState.IDLE
    out = drive(session, CardInserted(READER))
    assert StartRead(session.token, READER) in out


def test_serves_the_configured_reader() -> None:
    session = make(reader=OTHER_READER)
    drive(session, ReadersChanged((READER,)))
    assert session.state is SessionState.OUT_OF_SERVICE  # the configured reader is not there
    drive(session, ReadersChanged((READER, OTHER_READER)))
    assert session.state is SessionState.IDLE
    assert drive(session, CardInserted(READER)) == []
    out = drive(session, CardInserted(OTHER_READER))
    assert StartRead(session.token, OTHER_READER) in out


def test_keeps_its_reader_when_another_appears_first_in_the_list() -> None:
    session = idle_kiosk()
    drive(session, ReadersChanged((OTHER_READER, READER)))
    out = drive(session, CardInserted(READER))
    assert StartRead(session.token, READER) in out


def test_switching_reader_mid_session_ends_the_session() -> None:
    session, _ = at_consent()
    token = session.token
    out = drive(session, ReadersChanged((OTHER_READER,)))
    assert EndSession(token, EndReason.SERVICE_LOST) in out
    assert session.state is SessionState.IDLE
    assert session.is_empty()


# --- reading -----------------------------------------------------------------------------------


def test_card_in_starts_a_read_with_a_new_token_and_a_guard() -> None:
    session = idle_kiosk()
    before = session.token
    out = drive(session, CardInserted(READER))
    assert session.state is SessionState.READING
    assert session.token == before + 1
    assert StartRead(session.token, READER) in out
    assert timer_started(out, Timer.READ_GUARD).seconds == session.settings.read_guard_s


def test_card_found_at_start_up_waits_for_removal_then_a_new_insert_reads() -> None:
    session = idle_kiosk()
    out = drive(session, CardInserted(READER, already_present=True))
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.view.end_reason is EndReason.FOUND_AT_START
    assert not any(isinstance(c, StartRead) for c in out)
    drive(session, CardRemoved(READER))
    assert session.state is SessionState.IDLE
    assert any(isinstance(c, StartRead) for c in drive(session, CardInserted(READER)))


def test_a_second_insert_report_does_not_restart_the_read() -> None:
    session = idle_kiosk()
    drive(session, CardInserted(READER))
    token = session.token
    assert drive(session, CardInserted(READER)) == []
    assert session.token == token


def test_identity_moves_to_consent_and_the_photo_joins_later() -> None:
    session, out = at_consent()
    assert StopTimer(Timer.READ_GUARD) in out
    assert timer_started(out, Timer.IDLE).seconds == 60.0
    holder = session.view.holder
    assert holder is not None
    assert holder.name("th") == "นางมาลี ทดสอบดี"
    assert holder.name("en") == "Mrs. Malee Thotsobdee"
    assert holder.age == 71  # born 1 Dec 1954, on 24 Nov 2026: birthday not yet reached
    assert holder.cid_masked == "x-xxxx-xxxx3-45-0"
    assert holder.photo is None
    drive(session, PhotoRead(session.token, PHOTO))
    assert session.view.holder is not None
    assert session.view.holder.photo == PHOTO
    assert session.state is SessionState.CONSENT


def test_photo_before_identity_is_kept() -> None:
    session = idle_kiosk()
    drive(session, CardInserted(READER))
    token = session.token
    drive(session, CidRead(token, CID), PhotoRead(token, PHOTO), IdentityRead(token, card()))
    assert session.view.holder is not None
    assert session.view.holder.photo == PHOTO


def test_identity_that_contradicts_the_cid_read_first_is_ignored() -> None:
    session = idle_kiosk()
    drive(session, CardInserted(READER))
    token = session.token
    drive(session, CidRead(token, CID), IdentityRead(token, card(cid=OTHER_CID)))
    assert session.state is SessionState.READING
    assert session.view.holder is None


@pytest.mark.parametrize(
    ("kind", "message_th", "message_en"),
    [("not_thai_id", "บัตรนี้ไม่ใช่บัตรประชาชน", "This is not a Thai ID card"), ("unreadable", "", "")],
)
def test_read_failure_ends_the_session_with_the_readers_words(
    kind: str, message_th: str, message_en: str
) -> None:
    session = idle_kiosk()
    drive(session, CardInserted(READER))
    token = session.token
    drive(session, CidRead(token, CID))
    out = drive(session, ReadFailed(token, kind, message_th, message_en))
    assert EndSession(token, EndReason.READ_FAILED) in out
    assert StopTimer(Timer.READ_GUARD) in out
    assert session.state is SessionState.AWAIT_REMOVAL
    view = session.view
    assert view.end_reason is EndReason.READ_FAILED
    assert view.failure is not None
    assert (view.failure.kind, view.failure.message_th, view.failure.message_en) == (
        kind,
        message_th,
        message_en,
    )
    assert session.is_empty()


def test_a_photo_failure_after_the_identity_keeps_the_session() -> None:
    session, _ = at_consent()
    out = drive(session, ReadFailed(session.token, "unreadable", "", ""))
    assert out == []
    assert session.state is SessionState.CONSENT


def test_a_read_that_never_finishes_fails_by_its_guard() -> None:
    session = idle_kiosk()
    out = drive(session, CardInserted(READER))
    out = fire(session, out, Timer.READ_GUARD)
    assert any(isinstance(c, EndSession) and c.reason is EndReason.READ_FAILED for c in out)
    assert session.view.failure is not None
    assert session.view.failure.kind == "timeout"


# --- consent ---------------------------------------------------------------------------------


def test_decline_audits_without_personal_data_and_ends_the_session() -> None:
    session, _ = at_consent(photo=PHOTO)
    token = session.token
    out = drive(session, ConsentDeclined())
    assert out.index(AuditConsent(token, agreed=False, opt_out=False)) < out.index(
        EndSession(token, EndReason.DECLINED)
    )
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.view.end_reason is EndReason.DECLINED
    assert session.is_empty()
    assert CID not in repr(out)


@pytest.mark.parametrize("opt_out", [False, True])
def test_agree_audits_and_starts_the_check_with_the_opt_out(opt_out: bool) -> None:
    session, _ = at_consent()
    token = session.token
    out = drive(session, ConsentAgreed(opt_out))
    assert session.state is SessionState.QUERYING
    assert AuditConsent(token, agreed=True, opt_out=opt_out) in out
    [start] = [c for c in out if isinstance(c, StartCheck)]
    assert start.token == token
    assert (start.request.cid, start.request.opt_out) == (CID, opt_out)
    assert timer_started(out, Timer.CHECK_GUARD).seconds > 3.0
    assert [t.state for t in session.view.tiles] == [TileState.ASKING] * len(AGENCIES)
    assert CID not in repr(out)  # commands keep the CID out of their repr


def test_consent_events_outside_consent_are_ignored() -> None:
    session = idle_kiosk()
    assert drive(session, ConsentAgreed(), ConsentDeclined()) == []
    assert session.state is SessionState.IDLE


# --- querying and results ----------------------------------------------------------------------


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(AGENCIES)))))
def test_tiles_fill_in_whatever_order_answers_land(order: tuple[int, ...]) -> None:
    session, _ = querying()
    token = session.token
    answers = [
        answer("nhso"),
        answer("sso", AgencyStatus.NOT_FOUND, entitled=False),
        answer("elderly", source=ResultSource.CACHE),
    ]
    expected = [TileState.LIVE, TileState.NOT_REGISTERED, TileState.CACHED]
    for count, index in enumerate(order, start=1):
        out = drive(session, AgencyAnswered(token, answers[index]))
        states = [t.state for t in session.view.tiles]
        assert states[index] is expected[index]
        assert states.count(TileState.ASKING) == len(AGENCIES) - count
        if count < len(AGENCIES):
            assert session.state is SessionState.QUERYING
    assert session.state is SessionState.RESULTS
    assert StopTimer(Timer.CHECK_GUARD) in out
    assert [t.agency.id for t in session.view.tiles] == [a.id for a in AGENCIES]


def test_check_finished_early_marks_the_silent_agencies_unavailable() -> None:
    session, _ = querying()
    drive(session, AgencyAnswered(session.token, answer("nhso")), CheckFinished(session.token))
    assert session.state is SessionState.RESULTS
    assert [t.state for t in session.view.tiles] == [
        TileState.LIVE,
        TileState.UNAVAILABLE,
        TileState.UNAVAILABLE,
    ]


def test_check_guard_ends_a_check_that_never_reports() -> None:
    session, out = querying()
    fire(session, out, Timer.CHECK_GUARD)
    assert session.state is SessionState.RESULTS
    assert {t.state for t in session.view.tiles} == {TileState.UNAVAILABLE}


def test_answer_from_an_agency_without_a_tile_is_ignored() -> None:
    session, _ = querying()
    drive(session, AgencyAnswered(session.token, answer("martians")))
    assert all(t.result is None for t in session.view.tiles)


@pytest.mark.parametrize(
    ("status", "source", "entitled", "expected"),
    [
        (AgencyStatus.OK, ResultSource.LIVE, True, TileState.LIVE),
        (AgencyStatus.OK, ResultSource.CACHE, True, TileState.CACHED),
        (AgencyStatus.OK, ResultSource.CARD, True, TileState.CARD),
        (AgencyStatus.OK, ResultSource.LIVE, False, TileState.NOT_REGISTERED),
        (AgencyStatus.NOT_FOUND, ResultSource.LIVE, False, TileState.NOT_REGISTERED),
        (AgencyStatus.NOT_FOUND, ResultSource.CACHE, False, TileState.NOT_REGISTERED),
        (AgencyStatus.UNAVAILABLE, ResultSource.NONE, False, TileState.UNAVAILABLE),
        (AgencyStatus.ERROR, ResultSource.NONE, False, TileState.UNAVAILABLE),
    ],
)
def test_tile_state_of_each_kind_of_answer(
    status: AgencyStatus, source: ResultSource, entitled: bool, expected: TileState
) -> None:
    result = answer("nhso", status, source, entitled=entitled)
    if status in (AgencyStatus.UNAVAILABLE, AgencyStatus.ERROR):
        result = replace(result, reason=FailureReason.TIMEOUT)
    assert tile_state(result, check_done=False) is expected
    assert tile_state(None, check_done=False) is TileState.ASKING
    assert tile_state(None, check_done=True) is TileState.UNAVAILABLE


def test_detail_opens_for_an_answered_tile_and_closes() -> None:
    session, _ = querying()
    token = session.token
    drive(session, DetailOpened("nhso"))
    assert session.view.detail is None  # no answer yet: nothing to detail
    drive(session, AgencyAnswered(token, answer("nhso")), DetailOpened("nhso"))
    detail = session.view.detail
    assert detail is not None
    assert detail.agency.id == "nhso"
    assert detail.state is TileState.LIVE
    drive(session, DetailClosed())
    assert session.view.detail is None


def test_print_only_once_every_answer_is_in() -> None:
    session, _ = querying()
    out = drive(session, PrintRequested())
    assert not any(isinstance(c, PrintSlip) for c in out)
    session, _ = results()
    assert PrintSlip(session.token) in drive(session, PrintRequested())


@pytest.mark.parametrize("state", ["querying", "results"])
def test_finish_ends_the_session_and_waits_for_the_card(state: str) -> None:
    session, _ = querying() if state == "querying" else results()
    token = session.token
    out = drive(session, FinishPressed())
    assert EndSession(token, EndReason.FINISHED) in out
    assert StopTimer(Timer.IDLE) in out
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.view.end_reason is EndReason.FINISHED
    assert session.is_empty()
    view = session.view
    assert view.holder is None
    assert view.tiles == ()
    assert not view.holds_personal_data
    drive(session, CardRemoved(READER))
    assert session.state is SessionState.IDLE


def test_finish_outside_a_check_is_ignored() -> None:
    session, _ = at_consent()
    assert drive(session, FinishPressed()) == []
    assert session.state is SessionState.CONSENT


# --- every end drops everything ----------------------------------------------------------------


def _to_state(name: str) -> Session:
    if name == "reading":
        session = idle_kiosk()
        drive(session, CardInserted(READER), CidRead(session.token + 1, CID))
        drive(session, CidRead(session.token, CID))
        return session
    if name == "consent":
        return at_consent(photo=PHOTO)[0]
    if name == "querying":
        session, _ = querying()
        drive(session, AgencyAnswered(session.token, answer("nhso")))
        return session
    session, _ = results()
    drive(session, DetailOpened("nhso"))
    return session


@pytest.mark.parametrize("state", ["reading", "consent", "querying", "results"])
def test_card_removal_in_any_state_ends_the_session_at_once(state: str) -> None:
    session = _to_state(state)
    token = session.token
    assert not session.is_empty()
    out = drive(session, CardRemoved(READER))
    assert EndSession(token, EndReason.CARD_REMOVED) in out
    assert session.state is SessionState.IDLE
    assert session.is_empty()
    assert not session.view.holds_personal_data
    assert not any(isinstance(c, StartTimer) for c in out)


def test_removal_from_another_reader_changes_nothing() -> None:
    session, _ = at_consent()
    assert drive(session, CardRemoved(OTHER_READER)) == []
    assert session.state is SessionState.CONSENT


@pytest.mark.parametrize("state", ["reading", "consent", "querying", "results"])
def test_reset_ends_any_session(state: str) -> None:
    session = _to_state(state)
    out = drive(session, Reset())
    assert any(isinstance(c, EndSession) and c.reason is EndReason.RESET for c in out)
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.is_empty()


def test_reset_outside_a_session_does_nothing() -> None:
    session = idle_kiosk()
    assert drive(session, Reset()) == []
    assert session.state is SessionState.IDLE


def test_late_events_of_an_ended_session_are_ignored() -> None:
    session, _ = querying()
    old = session.token
    drive(session, FinishPressed(), CardRemoved(READER), CardInserted(READER))
    new = session.token
    assert new != old
    late = drive(
        session,
        PhotoRead(old, PHOTO),
        CidRead(old, OTHER_CID),
        IdentityRead(old, card(cid=OTHER_CID)),
        ReadFailed(old, "unreadable", "", ""),
        AgencyAnswered(old, answer("nhso")),
        CheckFinished(old),
    )
    assert late == []
    assert session.state is SessionState.READING
    assert session.is_empty()


def test_late_answers_after_the_end_with_the_card_still_in_are_ignored() -> None:
    session, _ = querying()
    token = session.token
    drive(session, FinishPressed())
    drive(session, AgencyAnswered(token, answer("nhso")), PhotoRead(token, PHOTO))
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.is_empty()


# --- inactivity --------------------------------------------------------------------------------


def test_inactivity_warns_with_a_countdown_then_ends_the_session() -> None:
    clock = Clock()
    session = Session(settings(), clock=clock, today=lambda: TODAY)
    drive(session, ReadersChanged((READER,)), CardInserted(READER))
    out = drive(session, IdentityRead(session.token, card()))
    out = fire(session, out, Timer.IDLE)
    assert session.view.warning_until == clock.now + 30.0
    assert timer_started(out, Timer.WARNING).seconds == 30.0
    assert session.state is SessionState.CONSENT
    token = session.token
    out = fire(session, out, Timer.WARNING)
    assert EndSession(token, EndReason.TIMED_OUT) in out
    assert session.state is SessionState.AWAIT_REMOVAL
    assert session.view.end_reason is EndReason.TIMED_OUT
    assert session.view.warning_until is None
    assert session.is_empty()


@pytest.mark.parametrize("touch", [UserActivity(), LanguageToggled(), DetailClosed()])
def test_one_touch_during_the_warning_keeps_the_session(touch: SessionEvent) -> None:
    session, out = results()
    warned = fire(session, out, Timer.IDLE)
    assert session.view.warning_until is not None
    out = drive(session, touch)
    assert session.view.warning_until is None
    assert StopTimer(Timer.WARNING) in out
    assert timer_started(out, Timer.IDLE).seconds == 60.0
    # The warning's timer was already on its way: its stale firing must not end the session.
    assert fire(session, warned, Timer.WARNING) == []
    assert session.state is SessionState.RESULTS


def test_each_touch_restarts_the_idle_timer_and_stale_firings_are_ignored() -> None:
    session, first = at_consent()
    second = drive(session, UserActivity())
    assert (
        timer_started(second, Timer.IDLE).generation > timer_started(first, Timer.IDLE).generation
    )
    assert fire(session, first, Timer.IDLE) == []
    assert session.view.warning_until is None
    fire(session, second, Timer.IDLE)
    assert session.view.warning_until is not None


def test_no_idle_timer_while_reading_or_waiting_for_the_card() -> None:
    session = idle_kiosk()
    out = drive(session, CardInserted(READER), UserActivity())
    assert not any(isinstance(c, StartTimer) and c.timer is Timer.IDLE for c in out)
    drive(session, ReadFailed(session.token, "unreadable", "", ""))
    out = drive(session, UserActivity())
    assert not any(isinstance(c, StartTimer) for c in out)


# --- accessibility switches --------------------------------------------------------------------


def test_switches_toggle_and_reset_when_the_card_leaves() -> None:
    session = idle_kiosk()
    drive(session, LanguageToggled(), LargeTextToggled(), HighContrastToggled())
    assert session.view.preferences == Preferences("en", large_text=True, high_contrast=True)
    drive(session, CardInserted(READER))
    drive(session, IdentityRead(session.token, card()), ConsentDeclined())
    assert session.view.preferences.language == "en"  # the same person is still there
    drive(session, CardRemoved(READER))
    assert session.view.preferences == Preferences()


def test_switches_left_on_the_attract_screen_reset_after_a_while() -> None:
    session = idle_kiosk()
    out = drive(session, LargeTextToggled())
    fire(session, out, Timer.IDLE)
    assert session.view.preferences == Preferences()


def test_switches_back_to_the_defaults_stop_the_attract_timer() -> None:
    session = idle_kiosk()
    drive(session, LargeTextToggled())
    out = drive(session, LargeTextToggled())
    assert StopTimer(Timer.IDLE) in out


def test_configured_defaults_are_the_reset_point() -> None:
    session = idle_kiosk(preferences=Preferences("en", large_text=True))
    drive(session, LanguageToggled())
    assert session.view.preferences.language == "th"
    drive(session, CardInserted(READER), CardRemoved(READER))
    assert session.view.preferences == Preferences("en", large_text=True)


# --- view and settings ---------------------------------------------------------------------------


def test_personal_values_stay_out_of_reprs() -> None:
    session, _ = at_consent(photo=PHOTO)
    text = repr(session.view) + repr(CidRead(1, CID)) + repr(PhotoRead(1, PHOTO))
    for secret in (CID, "มาลี", "Malee", "Thotsobdee"):
        assert secret not in text


def test_age_from_a_full_date_or_the_year_alone() -> None:
    assert age_on(TODAY, date(1954, 11, 24), 1954) == 72
    assert age_on(TODAY, date(1954, 11, 25), 1954) == 71
    assert age_on(TODAY, None, 1960) == 66
    assert age_on(TODAY, None, None) is None


def test_settings_from_config() -> None:
    config = validate_config(
        {"ui": {"idle_s": 45, "warning_s": 25, "language": "en"}, "cache": {"retention_days": 14}}
    )
    built = session_settings(config, AGENCIES, reader=READER)
    assert built.idle_s == 45
    assert built.warning_s == 25
    assert built.retention_days == 14
    assert built.preferences.language == "en"
    assert built.check_timeout_s == config.agencies.timeout_s
    assert built.reader == READER
    assert built.agencies == AGENCIES


def test_the_check_request_carries_the_cards_record_and_the_session_end_drops_it() -> None:
    """The card's NHSO record travels in the check request: known once the read ends (before or
    after the citizen agrees), gone with the session."""
    session, _ = at_consent()
    token = session.token
    [start] = [c for c in drive(session, ConsentAgreed(False)) if isinstance(c, StartCheck)]
    record = start.request.card
    assert record.known() == (False, None)  # the read (the photo) is still running
    drive(session, CardRecordRead(token, NHSO_RECORD))
    assert record.known() == (True, NHSO_RECORD)
    assert not session.is_empty()
    drive(session, CardRemoved(READER))
    assert record.known() == (True, None)
    assert session.is_empty()


def test_a_failed_read_or_an_old_sessions_record_resolves_nothing() -> None:
    session, _ = at_consent()
    old = session.token
    drive(session, CardRemoved(READER), CardInserted(READER))
    token = session.token
    drive(session, CidRead(token, CID), IdentityRead(token, card()))
    drive(session, CardRecordRead(old, NHSO_RECORD))  # the previous session's late read
    [start] = [c for c in drive(session, ConsentAgreed(False)) if isinstance(c, StartCheck)]
    assert start.request.card.known() == (False, None)
    drive(session, ReadFailed(token, "card_removed", "", ""))
    assert start.request.card.known() == (True, None)
