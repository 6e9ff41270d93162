"""The Qt-free parts of `kiosk run`'s wiring: the card's NHSO record in the check request, the
late card fallback, the out-of-service record, the session metrics, the config
watch."""

from __future__ import annotations

import os
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.answer import BANGKOK
from adapters.base import AgencyResult, AgencyStatus, FailureReason, ResultSource
from cardreader.types import NhsoCardData
from kiosk.agencies.fallback import with_card_right
from kiosk.metrics import KioskMetrics
from kiosk.session.check_request import CardRecord, CheckRequest
from kiosk.session.commands import EndReason, EndSession
from kiosk.session.outage import Outages
from kiosk.session.view import OutOfServiceCause, Preferences, SessionState, SessionView
from kiosk.wiring.config_watch import ConfigWatch, config_problem
from kiosk.wiring.session_metrics import SessionMetrics

CID = "1320100890127"
CARD = NhsoCardData(
    main_inscl="(UCS) สิทธิหลักประกันสุขภาพแห่งชาติ",
    sub_inscl="(89) ช่วงอายุ 12-59 ปี",
    main_hospital="โรงพยาบาลสุรินทร์",
    sub_hospital="รพ.สต.นอกเมือง",
    paid_type="9",
    issue_date=date(2024, 1, 10),
    expiry_date=None,
    update_date=date(2026, 3, 2),
    change_count=2,
)


def view(state: SessionState, *causes: OutOfServiceCause) -> SessionView:
    return SessionView(state, 0, Preferences(), (), 30, out_of_service=frozenset(causes))


# --- the card's record in the check request ------------------------------------------------------


def held(record: CardRecord) -> bool:
    return record.held  # read anew each call (mypy would keep a narrowed property)


def test_a_record_is_unknown_until_the_read_ends() -> None:
    record = CardRecord()
    assert record.known() == (False, None)
    assert not held(record)
    record.resolve(CARD)
    assert record.known() == (True, CARD)
    assert held(record)
    record.drop()
    assert record.known() == (True, None)
    assert not held(record)


def test_waiting_for_a_record_ends_with_the_read_or_the_session() -> None:
    record = CardRecord()
    later = threading.Timer(0.05, record.resolve, (CARD,))
    later.start()
    assert record.wait(5.0) == CARD  # bounded: ends as soon as the read does
    later.join()
    other = CardRecord()
    ended = threading.Timer(0.05, other.drop)
    ended.start()
    started = time.monotonic()
    assert other.wait(5.0) is None
    assert time.monotonic() - started < 4.0  # the session's end wakes the waiter
    ended.join()


def test_a_read_that_reports_after_its_session_ended_leaves_nothing() -> None:
    record = CardRecord()
    record.drop()  # the session ended (card pulled) while its read was still running
    record.resolve(CARD)  # the read's end arrives late
    assert not record.held
    assert record.known() == (True, None)


def test_a_card_without_applet_or_a_failed_read_gives_no_record() -> None:
    record = CardRecord()
    record.resolve(None)
    assert record.known() == (True, None)
    assert record.wait(0.01) is None
    assert CheckRequest(CID).card.known() == (True, None)  # `kiosk check`: no card at all


# --- the late card fallback ---------------------------------------------------------------------


def failed(source: ResultSource, as_of: datetime | None = None) -> AgencyResult:
    return AgencyResult(
        "nhso",
        AgencyStatus.UNAVAILABLE if source is ResultSource.NONE else AgencyStatus.OK,
        source,
        as_of,
        reason=FailureReason.SERVER_ERROR,
    )


def test_the_cards_right_replaces_a_failure_with_no_copy() -> None:
    result = with_card_right(failed(ResultSource.NONE), CARD, date(2026, 11, 24))
    assert result.source is ResultSource.CARD
    assert result.reason is FailureReason.SERVER_ERROR
    assert result.entitlements[0].code == "UCS"
    assert "ID card" in result.message


def test_a_snapshot_newer_than_the_cards_update_wins() -> None:
    newer = failed(ResultSource.CACHE, datetime(2026, 11, 1, tzinfo=BANGKOK))
    assert with_card_right(newer, CARD, date(2026, 11, 24)) is newer
    older = failed(ResultSource.CACHE, datetime(2026, 3, 2, tzinfo=BANGKOK) - timedelta(days=9))
    assert with_card_right(older, CARD, date(2026, 11, 24)).source is ResultSource.CARD


# --- out of service -----------------------------------------------------------------------------


def test_outages_keep_causes_and_details_while_they_hold(caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    outages = Outages(clock=lambda: now[0])
    outages.note(OutOfServiceCause.CONFIG_BROKEN, "agencies.nhso.refresh_token: is required")
    outages.session_changed([], view(SessionState.OUT_OF_SERVICE, OutOfServiceCause.STARTING))
    now[0] = 101.0
    broken = view(
        SessionState.OUT_OF_SERVICE, OutOfServiceCause.CONFIG_BROKEN, OutOfServiceCause.NO_READER
    )
    with caplog.at_level("INFO"):
        outages.session_changed([], broken)
        now[0] = 131.0
        outages.session_changed([], view(SessionState.IDLE))
    causes = [r.getMessage() for r in caplog.records]
    assert "out of service: config_broken" in causes
    assert "out of service: no_reader" in causes
    assert "in service again after 31.0 s" in causes
    assert outages.current() == ()


def test_outages_report_what_holds_now() -> None:
    outages = Outages(clock=lambda: 5.0)
    outages.note(OutOfServiceCause.CONFIG_BROKEN, "kiosk.id: unknown key")
    outages.session_changed([], view(SessionState.OUT_OF_SERVICE, OutOfServiceCause.CONFIG_BROKEN))
    [outage] = outages.current()
    assert (outage.cause, outage.since, outage.detail) == (
        OutOfServiceCause.CONFIG_BROKEN,
        5.0,
        "kiosk.id: unknown key",
    )


# --- metrics ------------------------------------------------------------------------------------


def sample(metrics: KioskMetrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return value or 0.0


def test_session_metrics_count_ends_failures_and_out_of_service_time() -> None:
    now = [0.0]
    metrics = KioskMetrics("k", clock=lambda: now[0])
    watch = SessionMetrics(metrics)
    watch.session_changed([], view(SessionState.OUT_OF_SERVICE, OutOfServiceCause.NO_READER))
    now[0] = 12.5
    watch.session_changed([EndSession(1, EndReason.CARD_REMOVED)], view(SessionState.IDLE))
    watch.session_changed([EndSession(2, EndReason.FINISHED)], view(SessionState.IDLE))
    watch.card_read_failed("not_thai_id")
    assert sample(metrics, "kiosk_sessions_total", outcome="card_removed") == 1
    assert sample(metrics, "kiosk_sessions_total", outcome="finished") == 1
    assert sample(metrics, "kiosk_card_read_failures_total", cause="not_thai_id") == 1
    assert sample(metrics, "kiosk_out_of_service_seconds_total") == 12.5
    assert sample(metrics, "kiosk_out_of_service") == 0


# --- the config watch ---------------------------------------------------------------------------


def test_the_watch_sees_a_file_appear_change_and_vanish(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    watch = ConfigWatch(path)
    assert not watch.changed()
    path.write_text("[kiosk]\n")
    assert watch.changed()
    assert not watch.changed()  # once per change
    os.utime(path, ns=(1, 1))
    assert watch.changed()
    path.unlink()
    assert watch.changed()


def test_config_problem_names_the_key_or_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\ndata_dir = "/tmp"\n')
    assert config_problem(path) == "agencies.nhso.refresh_token: is required"
    path.write_text("[kiosk\n")
    assert "not valid TOML" in (config_problem(path) or "")
    path.write_text(
        "[agencies]\nenabled = []\n",
    )
    assert config_problem(path) is None
