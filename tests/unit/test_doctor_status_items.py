"""The status report's own pieces: each agency's item from its probe and breaker, the last
errors read back from a real JSON log (redacted), and the report of a kiosk whose configuration
is broken (no agency service). The real stack: tests/e2e/test_doctor_status.py."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.breaker import BreakerState
from kiosk.agencies.health import AgencyHealthReport
from kiosk.config import KioskConfig, validate_config
from kiosk.doctor.findings import Finding, Verdict, ok
from kiosk.logs import configure_logging
from kiosk.maintenance.status import agency_item, kiosk_status, last_errors

CID = "1101700203450"
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def report(
    up: bool | None, breaker: BreakerState = BreakerState.CLOSED, detail: str = ""
) -> AgencyHealthReport:
    return AgencyHealthReport(
        agency="sso",
        up=up,
        checked_at=NOW if up is not None else None,
        latency_s=0.042 if up else None,
        detail=detail,
        breaker=breaker,
        failures=3 if breaker is not BreakerState.CLOSED else 0,
    )


def test_agency_items_follow_probe_and_breaker() -> None:
    fine = agency_item(report(True))
    assert (fine.check, fine.verdict) == ("agency.sso", Verdict.OK)
    assert "42 ms" in fine.cause
    assert fine.details["breaker"] == "closed"

    unknown = agency_item(report(None))
    assert unknown.verdict is Verdict.WARN
    assert "probe now" in unknown.fix

    down = agency_item(report(False, BreakerState.OPEN, "GDX sso probe: no answer in time"))
    assert down.verdict is Verdict.FAIL
    assert "no answer in time" in down.cause
    assert "network" in down.fix
    assert down.details["breaker"] == "open"

    tripped = agency_item(report(True, BreakerState.OPEN))
    assert tripped.verdict is Verdict.WARN
    assert "failed 3 checks in a row" in tripped.cause


@pytest.mark.usefixtures("restore_root_logger")
def test_last_errors_are_warning_and_worse_first_lines_only_redacted(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, console_level="CRITICAL")
    assert path is not None
    log = logging.getLogger("kiosk.test")
    log.info("all fine")
    log.warning("agency sso is down")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("check failed\nsecond line")
    for number in range(12):
        log.error("error %d", number)
    # A line that slipped past the log's filter (written by hand here) is redacted again.
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f'{{"ts": "t", "level": "ERROR", "logger": "x", "msg": "cid {CID}"}}\n')
        fh.write("not json at all\n")
    for handler in logging.getLogger().handlers:
        handler.flush()

    entries = last_errors(path, count=20)
    messages = [e.message for e in entries]
    assert messages[:2] == ["agency sso is down", "check failed"]  # no traceback, no 2nd line
    assert messages[-1] == "cid [cid]"
    assert "all fine" not in messages
    assert {e.level for e in entries} == {"WARNING", "ERROR"}
    assert [e.message for e in last_errors(path, count=3)] == ["error 10", "error 11", "cid [cid]"]
    assert last_errors(tmp_path / "missing.log") == ()


def fake_card_service() -> list[Finding]:
    """A fake of pcscd's answer (the real one: tests/e2e/test_doctor_status.py)."""
    return [ok("pcscd", "pcscd", "pcscd answers"), ok("readers", "Card readers", "1 reader")]


def test_broken_config_status_says_why_and_what_is_not_watched(tmp_path: Path) -> None:
    config: KioskConfig = validate_config({"kiosk": {"id": "k9", "data_dir": str(tmp_path)}})
    status = kiosk_status(
        config,
        started_at=NOW - timedelta(minutes=5),
        service=None,
        config_problem="agencies.nhso.refresh_token: is required",
        now=lambda: NOW,
        card_service=fake_card_service,
    )
    assert [i.check for i in status.items] == [
        "config",
        "pcscd",
        "readers",
        "network",
        "cache",
        "data_dir",
        "disk",
    ]
    assert status.item("config").verdict is Verdict.FAIL
    assert "agencies.nhso.refresh_token" in status.item("config").cause
    assert status.item("network").verdict is Verdict.WARN
    assert status.verdict is Verdict.FAIL
    doc = status.to_json()
    assert doc["uptime_s"] == 300
    assert doc["kiosk_id"] == "k9"
    assert doc["last_errors"] == []
