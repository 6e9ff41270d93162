"""What maintenance mode reports, no Qt: the masked test read, the out-of-service item of the
status page and the log view — none of it naming a citizen."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cardreader.apdu import CommandKind
from cardreader.errors import NotThaiIdCardError
from cardreader.pcsc import ApduTiming
from cardreader.types import PersonName
from kiosk.doctor.findings import Verdict
from kiosk.maintenance.card_test import ApduStats, initials, report_test_read
from kiosk.maintenance.pages import local_time, log_view, service_item
from kiosk.session.outage import Outage
from kiosk.session.view import OutOfServiceCause
from tests.unit.test_session import CID, card

EXCHANGES = [
    ApduTiming(CommandKind.SELECT, 13, 2, "61 0A", 0.004),
    ApduTiming(CommandKind.GET_RESPONSE, 5, 12, "90 00", 0.003),
    ApduTiming(CommandKind.READ_BINARY, 7, 2, "61 FF", 0.021),
    ApduTiming(CommandKind.GET_RESPONSE, 5, 257, "90 00", 0.012),
]


def personal(report: object) -> list[str]:
    """The invented holder's values that must not be in `report`'s repr or fields."""
    holder = card()
    values = [CID, holder.name_en.first, holder.name_en.last, holder.name_th.first]
    values += [holder.name_th.last, holder.address.text, holder.issuer]
    text = repr(report)
    return [v for v in values if v in text]


def test_a_good_read_reports_fields_bytes_and_timings_never_values() -> None:
    photo = b"\xff\xd8" + b"\x00" * 5000 + b"\xff\xd9"
    report = report_test_read("Virtual PCD 00 00", card(photo=photo), None, EXCHANGES, 0.8)
    assert report.ok
    assert report.cid_masked == "x-xxxx-xxxx3-45-0"
    assert report.initials == "M. T."
    assert report.atr == "3B 79"
    fields = {f.field: (f.ok, f.size) for f in report.fields}
    assert fields["cid"] == (True, 13)
    assert fields["photo"] == (True, 5004)
    assert fields["expiry_date"] == (True, None)  # lifelong
    assert fields["nhso"] == (None, None)  # not on this card: fine
    assert fields["laser_id"] == (None, None)
    assert fields["address"] == (True, None)
    stats = report.apdus
    assert (stats.count, stats.slowest_kind) == (4, "READ BINARY")
    assert stats.total_s == pytest.approx(0.04)
    assert stats.slowest_s == 0.021
    assert (stats.sent_bytes, stats.received_bytes) == (30, 273)
    assert personal(report) == []


def test_empty_fields_show_as_not_read() -> None:
    blank = replace(card(), name_en=PersonName("", "", "", ""), issuer="  ", issue_date=None)
    report = report_test_read(None, blank, None, [], 0.1)
    fields = {f.field: f.ok for f in report.fields}
    assert (fields["name_en"], fields["issuer"], fields["issue_date"]) == (False, False, False)
    assert fields["photo"] is False
    assert report.initials == "ม. ท."  # from the Thai name when the English one is empty


def test_no_name_at_all_shows_dots() -> None:
    empty = PersonName("", "", "", "")
    assert initials(empty, empty) == "•••"


def test_a_failed_read_reports_its_kind_and_a_sentence() -> None:
    error = NotThaiIdCardError("SELECT answered 6A 82")
    report = report_test_read("Virtual PCD 00 01", None, error, EXCHANGES[:1], 0.05)
    assert not report.ok
    assert report.error_kind == "not_thai_id"
    assert report.error.endswith("(SELECT answered 6A 82)")
    assert report.fields == ()
    assert report.apdus == ApduStats.of(EXCHANGES[:1])


def test_service_item_in_service_names_the_reader() -> None:
    item = service_item((), now=10.0, reader="Virtual PCD 00 00")
    assert item.verdict is Verdict.OK
    assert "Virtual PCD 00 00" in item.cause


def test_service_item_lists_each_cause_with_its_age_detail_and_fix() -> None:
    outages = (
        Outage(OutOfServiceCause.SERVICE_DOWN, since=100.0),
        Outage(OutOfServiceCause.CONFIG_BROKEN, since=130.0, detail="agencies.timeout_s: too big"),
    )
    item = service_item(outages, now=400.0)
    assert item.verdict is Verdict.FAIL
    assert "pcscd) is not running (for 5 min)" in item.cause
    assert "cannot be used: agencies.timeout_s: too big (for 4 min)" in item.cause
    assert "systemctl start pcscd.socket" in item.fix
    assert "config file" in item.fix
    assert item.details["causes"] == ["service_down", "config_broken"]


def test_starting_is_only_a_warning() -> None:
    item = service_item((Outage(OutOfServiceCause.STARTING, since=0.0),), now=2.0)
    assert item.verdict is Verdict.WARN


def test_log_view_shows_readable_lines_with_cids_masked(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.log"
    lines = [
        {"ts": "2026-11-24T03:00:01.234+00:00", "level": "INFO", "logger": "kiosk", "msg": "up"},
        {
            "ts": "2026-11-24T03:00:02.000+00:00",
            "level": "ERROR",
            "logger": "kiosk.check",
            "msg": f"a stray {CID}",
            "exc": "Traceback (most recent call last):\n  ...\nTimeoutError",
        },
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\nnot json " + CID + "\n"
    path.write_text(text)
    shown = log_view(path)
    assert shown == [
        "2026-11-24 03:00:01 INFO     kiosk: up",
        "2026-11-24 03:00:02 ERROR    kiosk.check: a stray [cid] [TimeoutError]",
        "not json [cid]",
    ]


def test_log_view_keeps_the_last_200_lines(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.log"
    path.write_text("".join(f"line {n}\n" for n in range(500)))
    shown = log_view(path)
    assert len(shown) == 200
    assert (shown[0], shown[-1]) == ("line 300", "line 499")
    assert log_view(tmp_path / "missing.log") == []


@pytest.fixture
def bangkok_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The host's local time zone is Bangkok's, as on a kiosk in Thailand."""
    monkeypatch.setenv("TZ", "Asia/Bangkok")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("bangkok_time")
def test_log_view_shows_the_kiosks_local_time(tmp_path: Path) -> None:
    """The log is written in UTC; the technician reads the wall clock of the mall."""
    path = tmp_path / "kiosk.log"
    line = {"ts": "2026-11-24T03:00:01.234+00:00", "level": "INFO", "logger": "kiosk", "msg": "up"}
    path.write_text(json.dumps(line) + "\n")
    assert log_view(path) == ["2026-11-24 10:00:01 INFO     kiosk: up"]


@pytest.mark.usefixtures("bangkok_time")
def test_local_time_of_a_log_stamp() -> None:
    assert local_time("2026-11-24T17:30:00+00:00") == "2026-11-25 00:30:00"
    assert local_time("garbage-stamp") == "garbage-stamp"
