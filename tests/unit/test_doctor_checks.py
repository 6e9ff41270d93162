"""The doctor's file checks on real files in a temporary folder: config, data folder, key file,
PIN, cache, metrics address; and its runner's time limit. (Unwritable folders for real, pcscd and
the agencies: tests/e2e/test_doctor.py, with the real `kiosk doctor` process.)"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli.ops_cmds import doctor_text
from kiosk.config import validate_config
from kiosk.doctor.files import (
    check_cache,
    check_config,
    check_data_dir,
    check_disk,
    check_key_file,
    check_metrics,
    check_pin,
)
from kiosk.doctor.findings import Finding, Verdict, fail, ok, worst
from kiosk.doctor.probes import Probe, run_probes
from kiosk.doctor.run import DoctorReport
from kiosk.pin import write_pin
from offline_cache import CacheSecret, SnapshotStore

CID = "1101700203450"
KEY_HEX = "ab" * 32


def key_file(folder: Path, text: str = KEY_HEX, mode: int = 0o600) -> Path:
    path = folder / "cache.key"
    path.write_text(text + "\n", encoding="ascii")
    path.chmod(mode)
    return path


# --- config ------------------------------------------------------------------------------------


def test_valid_config_is_ok_and_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nid = "k1"\n', encoding="utf-8")
    check = check_config(path, environ={})
    assert check.usable
    assert check.finding.verdict is Verdict.OK
    assert str(path) in check.finding.cause
    assert check.config.kiosk.id == "k1"


def test_broken_config_is_a_failing_finding_naming_the_key_and_the_defaults_run_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[ui]\nidle_s = 'soon'\n[agencies.nhso]\nrefresh_token = 'hunter2'\n")
    check = check_config(path, environ={})
    assert not check.usable
    assert check.finding.verdict is Verdict.FAIL
    assert "ui.idle_s" in check.finding.cause
    assert "hunter2" not in json.dumps(check.finding.to_json())  # values are never echoed
    assert check.config.ui.idle_s == 60  # the defaults, as `kiosk run` uses them


def test_missing_named_config_file_fails(tmp_path: Path) -> None:
    check = check_config(tmp_path / "nope.toml", environ={})
    assert check.finding.verdict is Verdict.FAIL
    assert "not found" in check.finding.cause


def test_unknown_kiosk_variable_is_a_warning_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("", encoding="utf-8")
    check = check_config(path, environ={"KIOSK_UI__IDLE": "30"})
    assert check.usable
    assert check.finding.verdict is Verdict.WARN
    assert "KIOSK_UI__IDLE" in check.finding.cause


# --- data folder and disk ------------------------------------------------------------------------


def test_writable_data_dir_is_ok_and_the_probe_leaves_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    found = check_data_dir(data)
    assert found.verdict is Verdict.OK
    assert sorted(p.name for p in data.rglob("*")) == ["logs"]


def test_missing_data_dir_under_a_writable_parent_is_a_warning_and_is_not_created(
    tmp_path: Path,
) -> None:
    data = tmp_path / "not" / "yet"
    found = check_data_dir(data)
    assert found.verdict is Verdict.WARN
    assert "does not exist yet" in found.cause
    assert not (tmp_path / "not").exists()


def test_data_dir_that_is_a_file_fails(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("oops")
    assert check_data_dir(data).verdict is Verdict.FAIL


def test_disk_space_is_measured_on_the_nearest_existing_folder(tmp_path: Path) -> None:
    found = check_disk(tmp_path / "not" / "yet")
    assert found.details["path"] == str(tmp_path)
    free = found.details["free_bytes"]
    assert isinstance(free, int)
    assert free > 0


# --- key file ------------------------------------------------------------------------------------


def test_key_file_0600_well_formed_is_ok_and_the_secret_is_not_reported(tmp_path: Path) -> None:
    found = check_key_file(key_file(tmp_path), tmp_path / "data")
    assert found.verdict is Verdict.OK
    assert found.details["mode"] == "0600"
    assert KEY_HEX not in json.dumps(found.to_json())


def test_key_file_open_to_others_fails_with_chmod(tmp_path: Path) -> None:
    found = check_key_file(key_file(tmp_path, mode=0o644), tmp_path / "data")
    assert found.verdict is Verdict.FAIL
    assert "0644" in found.cause
    assert "chmod 600" in found.fix


def test_malformed_key_file_fails_and_is_left_alone(tmp_path: Path) -> None:
    path = key_file(tmp_path, text="not-a-key")
    found = check_key_file(path, tmp_path / "data")
    assert found.verdict is Verdict.FAIL
    assert "malformed" in found.cause
    assert path.read_text() == "not-a-key\n"


def test_missing_key_file_that_can_be_created_is_a_warning(tmp_path: Path) -> None:
    found = check_key_file(tmp_path / "etc" / "cache.key", tmp_path / "data")
    assert found.verdict is Verdict.WARN
    assert not (tmp_path / "etc").exists()


def test_key_file_inside_the_data_dir_is_a_warning(tmp_path: Path) -> None:
    found = check_key_file(key_file(tmp_path), tmp_path)
    assert found.verdict is Verdict.WARN
    assert "inside the data folder" in found.cause


# --- PIN -----------------------------------------------------------------------------------------


def test_pin_missing_fails_saying_entry_is_disabled(tmp_path: Path) -> None:
    found = check_pin(tmp_path / "maintenance.pin")
    assert found.verdict is Verdict.FAIL
    assert "maintenance entry is disabled" in found.cause
    assert "kiosk set-pin" in found.fix


def test_pin_damaged_fails(tmp_path: Path) -> None:
    path = tmp_path / "maintenance.pin"
    path.write_text("{not json")
    assert check_pin(path).verdict is Verdict.FAIL


def test_pin_set_is_ok(tmp_path: Path) -> None:
    path = tmp_path / "maintenance.pin"
    write_pin(path, "482913")
    found = check_pin(path)
    assert found.verdict is Verdict.OK
    assert "482913" not in json.dumps(found.to_json())


# --- cache and metrics ---------------------------------------------------------------------------


def cache_config(tmp_path: Path) -> dict[str, dict[str, str]]:
    return {"kiosk": {"data_dir": str(tmp_path / "data"), "key_file": str(tmp_path / "k.key")}}


def test_no_cache_database_yet_is_ok_and_none_is_created(tmp_path: Path) -> None:
    config = validate_config(cache_config(tmp_path))
    assert check_cache(config).verdict is Verdict.OK
    assert not (tmp_path / "data").exists()


def test_cache_with_snapshots_reports_counts_and_no_citizen(tmp_path: Path) -> None:
    key = key_file(tmp_path)
    key.rename(tmp_path / "k.key")
    config = validate_config(cache_config(tmp_path))
    secret = CacheSecret(bytes.fromhex(KEY_HEX))
    with SnapshotStore(tmp_path / "data" / "cache.db", secret) as store:
        assert store.put(CID, "nhso", {"v": 1, "status": "ok"}, datetime.now(UTC))
    found = check_cache(config)
    assert found.verdict is Verdict.OK
    assert found.details["snapshots"] == 1
    assert CID not in json.dumps(found.to_json())


def test_cache_database_without_its_key_file_fails(tmp_path: Path) -> None:
    config = validate_config(cache_config(tmp_path))
    with SnapshotStore(tmp_path / "data" / "cache.db", CacheSecret.generate()):
        pass
    found = check_cache(config)
    assert found.verdict is Verdict.FAIL
    assert "key file" in found.cause


def test_metrics_address() -> None:
    assert check_metrics(None).verdict is Verdict.OK
    assert check_metrics("127.0.0.1:9108").verdict is Verdict.OK
    assert check_metrics("[::1]:9108").verdict is Verdict.OK
    bad = check_metrics("localhost")
    assert bad.verdict is Verdict.FAIL
    assert "HOST:PORT" in bad.fix


# --- the runner and the report -------------------------------------------------------------------


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event a stuck probe waits on; set at teardown, and the probe's thread joined."""
    event = threading.Event()
    yield event
    event.set()
    for thread in threading.enumerate():
        if thread.name.startswith("doctor-"):
            thread.join(5)
            assert not thread.is_alive()


def test_a_stuck_probe_is_a_failing_finding_and_the_others_still_report(
    release: threading.Event,
) -> None:
    def stuck() -> list[Finding]:
        release.wait(30)
        return [ok("stuck", "Stuck", "never seen")]

    def broken() -> list[Finding]:
        raise RuntimeError("bug")

    findings = run_probes(
        [
            Probe(("first",), "First", lambda: [ok("first", "First", "fine")], 5.0),
            Probe(("stuck", "stuck2"), "Stuck", stuck, 0.2, fix="restart it"),
            Probe(("broken",), "Broken", broken, 5.0),
            Probe(
                ("main",), "Main", lambda: [ok("main", "Main", "fine")], 5.0, on_main_thread=True
            ),
        ]
    )
    assert [f.check for f in findings] == ["first", "stuck", "stuck2", "broken", "main"]
    assert [f.verdict for f in findings] == [
        Verdict.OK,
        Verdict.FAIL,
        Verdict.FAIL,
        Verdict.FAIL,
        Verdict.OK,
    ]
    assert "did not finish within 0.2 s" in findings[1].cause
    assert findings[1].fix == "restart it"
    assert "RuntimeError" in findings[3].cause


def test_a_slow_main_thread_probe_does_not_use_up_the_others_time() -> None:
    """The main-thread probe (Qt) runs once the threaded ones are in: sharing the process with
    it (the GIL, the import locks) must not turn a healthy pcscd into "did not finish"."""
    shared = threading.Lock()  # what both need: here a lock, in the doctor Python itself

    def threaded() -> list[Finding]:
        time.sleep(0.1)  # its imports
        with shared:
            return [ok("pcscd", "pcscd", "answers")]

    def main_thread() -> list[Finding]:
        with shared:
            time.sleep(0.6)
        return [ok("fonts", "Fonts", "fine")]

    findings = run_probes(
        [
            Probe(("pcscd",), "pcscd", threaded, 0.4),
            Probe(("fonts",), "Fonts", main_thread, 5.0, on_main_thread=True),
        ]
    )
    assert [(f.check, f.verdict) for f in findings] == [
        ("pcscd", Verdict.OK),
        ("fonts", Verdict.OK),
    ]


def test_report_json_and_text() -> None:
    report = DoctorReport(
        kiosk_id="k1",
        version="0.1.0",
        checked_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
        config_file="/etc/gov-smart-kiosk/kiosk.toml",
        run_as="kiosk",
        findings=(
            ok("pcscd", "Card reader service (pcscd)", "pcscd answers"),
            fail("pin", "Maintenance PIN", "no PIN is set", "run `kiosk set-pin`"),
        ),
        elapsed_s=0.4,
    )
    assert report.verdict is Verdict.FAIL
    assert worst([Verdict.OK, Verdict.WARN]) is Verdict.WARN
    doc = report.to_json()
    assert doc["verdict"] == "fail"
    assert doc["counts"] == {"ok": 1, "warn": 0, "fail": 1}
    assert [c["check"] for c in doc["checks"]] == ["pcscd", "pin"]
    text = doctor_text(report)
    assert "FAIL  Maintenance PIN" in text
    assert "fix: run `kiosk set-pin`" in text
    assert "1 failing, 0 warnings, 1 ok" in text
