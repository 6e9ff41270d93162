# mypy narrows `session.view.record` after one assert and cannot see that `drive` changes it.
# mypy: disable-error-code="unreachable"
"""Records on demand in the session: nothing is asked without a tap, one lookup per service per
session, a sensitive record shows on a second tap and prints only once shown, late answers of an
ended session are dropped, and every answer goes with the session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import pytest

from adapters.base import AgencyStatus, FailureReason, ResultSource
from adapters.services.catalogue import builtin_definitions
from adapters.services.record import LookupResult, Record, RecordItem
from kiosk.session.commands import PrintRecord, StartLookup
from kiosk.session.events import (
    CardInserted,
    CardRemoved,
    CidRead,
    ConsentAgreed,
    FinishPressed,
    IdentityRead,
    RecordAnswered,
    RecordClosed,
    RecordOpened,
    RecordPrintRequested,
    RecordRevealed,
)
from kiosk.session.machine import Session
from kiosk.session.view import SessionState
from tests.unit.test_session import CID, READER, at_consent, card, drive

pytestmark = pytest.mark.unit

MENU = tuple(e.definition for e in builtin_definitions())
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=timezone(timedelta(hours=7)))


def ok(service: str) -> LookupResult:
    item = RecordItem("fine", "ค่าปรับ", "Fine", "money", 500.0)
    record = Record("ใบสั่ง", "Tickets", (item,))
    return LookupResult(service, AgencyStatus.OK, ResultSource.LIVE, NOW, record)


def results(opt_out: bool = False) -> Session:
    session, _ = at_consent(menu=MENU)
    drive(session, ConsentAgreed(opt_out))
    assert session.state is SessionState.QUERYING
    return session


def lookups(commands: Sequence[object]) -> list[StartLookup]:
    return [c for c in commands if isinstance(c, StartLookup)]


def test_nothing_is_asked_without_a_tap_nor_opened_before_the_results() -> None:
    session, out = at_consent(menu=MENU)
    assert session.view.menu == MENU  # the kiosk's menu: no personal data
    assert lookups(drive(session, RecordOpened("traffic_tickets"))) == []  # not at consent
    assert session.view.record is None
    out = drive(session, ConsentAgreed(False))
    assert lookups(out) == []


def test_a_tap_asks_once_and_the_answer_is_kept_for_the_session() -> None:
    session = results(opt_out=True)
    out = drive(session, RecordOpened("traffic_tickets"))
    assert [(c.service, c.cid, c.opt_out) for c in lookups(out)] == [("traffic_tickets", CID, True)]
    view = session.view.record
    assert view is not None
    assert view.asking
    assert not view.hidden
    drive(session, RecordAnswered(session.token, ok("traffic_tickets")))
    assert session.view.record is not None
    assert session.view.record.result == ok("traffic_tickets")
    drive(session, RecordClosed())
    assert session.view.record is None
    again = drive(session, RecordOpened("traffic_tickets"))
    assert lookups(again) == []  # shown from the answer already held
    assert session.view.record is not None
    assert session.view.record.result is not None


def test_a_second_tap_while_asking_does_not_ask_twice() -> None:
    session = results()
    first = drive(session, RecordOpened("student_loan"), RecordClosed())
    second = drive(session, RecordOpened("student_loan"))
    assert len(lookups(first + second)) == 1


def test_a_sensitive_record_shows_on_a_second_tap_and_prints_only_then() -> None:
    session = results()
    drive(session, RecordOpened("sso_old_age_savings"))
    drive(session, RecordAnswered(session.token, ok("sso_old_age_savings")))
    view = session.view.record
    assert view is not None
    assert view.hidden
    assert not view.printable
    refused = drive(session, RecordPrintRequested())
    assert not any(isinstance(c, PrintRecord) for c in refused)
    drive(session, RecordRevealed())
    view = session.view.record
    assert view is not None
    assert not view.hidden
    assert view.printable
    out = drive(session, RecordPrintRequested())
    assert [c for c in out if isinstance(c, PrintRecord)] == [
        PrintRecord(session.token, "sso_old_age_savings")
    ]


def test_a_failed_answer_and_a_handoff_cannot_be_printed() -> None:
    session = results()
    failed = LookupResult(
        "traffic_tickets",
        AgencyStatus.UNAVAILABLE,
        ResultSource.NONE,
        None,
        reason=FailureReason.TIMEOUT,
    )
    drive(session, RecordOpened("traffic_tickets"), RecordAnswered(session.token, failed))
    assert not any(isinstance(c, PrintRecord) for c in drive(session, RecordPrintRequested()))
    out = drive(session, RecordOpened("tang_rat_signup"))
    assert lookups(out) == []  # a hand-off asks nothing
    view = session.view.record
    assert view is not None
    assert view.service.kind == "handoff"
    assert not view.asking
    assert not any(isinstance(c, PrintRecord) for c in drive(session, RecordPrintRequested()))


def test_an_answer_of_an_ended_session_never_reaches_the_next_citizen() -> None:
    session = results()
    drive(session, RecordOpened("traffic_tickets"))
    old = session.token
    drive(session, CardRemoved(READER))
    assert session.is_empty()
    drive(session, CardInserted(READER))
    new = session.token
    drive(session, CidRead(new, CID), IdentityRead(new, card()), ConsentAgreed(False))
    drive(session, RecordAnswered(old, ok("traffic_tickets")))  # the last citizen's, late
    assert session.view.record is None
    drive(session, RecordOpened("traffic_tickets"))
    view = session.view.record
    assert view is not None
    assert view.result is None


def test_every_answer_goes_with_the_session() -> None:
    session = results()
    drive(session, RecordOpened("traffic_tickets"))
    drive(session, RecordAnswered(session.token, ok("traffic_tickets")))
    assert not session.is_empty()
    assert session.view.holds_personal_data
    drive(session, FinishPressed())
    assert session.is_empty()
    assert session.view.record is None


def test_an_unknown_service_or_an_unasked_answer_is_ignored() -> None:
    session = results()
    assert lookups(drive(session, RecordOpened("no_such_service"))) == []
    assert session.view.record is None
    drive(session, RecordAnswered(session.token, ok("water_account.mwa")))  # never asked
    drive(session, RecordOpened("water_account.mwa"))
    view = session.view.record
    assert view is not None
    assert view.result is None
