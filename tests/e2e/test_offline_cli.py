"""`kiosk check` as a real process with the offline cache: it saves every live answer, writes
an audit line, answers from the cache once the simulator is gone, and still answers live (with a
warning, exit 0) when the cache cannot be used."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.simulator import AgencySimulator
from tests.fixtures.agency_sim import write_toml

LIVENESS = 30.0  # a process start is ~0.5 s; the bound is for "it ends", not for speed
DEMO = "1120100345899"
OTHER = "3400100567895"
CID_SHAPES = (DEMO, "1-1201-00345-89-9", OTHER, "3-4001-00567-89-5")
ORDER = ["nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"]
# Ignore SIGXFSZ (a write past the limit fails with EFBIG instead of killing the process), set
# RLIMIT_FSIZE, then exec the command: a full disk for real, even for root.
FSIZE_WRAPPER = (
    "import os, resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "limit = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)); "
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def kiosk_check(
    config: Path, cid: str = DEMO, *, fsize_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", "check", cid, "--json", "--config", str(config)]
    if fsize_limit is not None:
        command = [sys.executable, "-c", FSIZE_WRAPPER, str(fsize_limit), *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=LIVENESS,
        env={k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")},
        check=False,
    )


def write_config(
    path: Path, sim: AgencySimulator, *, data_dir: Path, key_file: Path, timeout_s: float = 2.0
) -> Path:
    return write_toml(
        path,
        {
            "kiosk": {"id": "cli-test", "data_dir": str(data_dir), "key_file": str(key_file)},
            "agencies": {"timeout_s": timeout_s, **sim.agency_tables()},
        },
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def config(agency_sim: AgencySimulator, tmp_path: Path, data_dir: Path) -> Path:
    return write_config(
        tmp_path / "kiosk.toml", agency_sim, data_dir=data_dir, key_file=tmp_path / "key" / "k"
    )


def answer(run: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    doc: dict[str, Any] = json.loads(run.stdout)
    assert [a["agency"] for a in doc["agencies"]] == ORDER
    return doc


def warnings_of(run: subprocess.CompletedProcess[str]) -> list[str]:
    lines = run.stderr.splitlines()
    assert all(line.startswith("kiosk: warning: ") for line in lines), run.stderr
    return lines


def every_file_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_kiosk_check_saves_and_audits_then_answers_from_the_cache_when_the_simulator_stops(
    agency_sim: AgencySimulator, config: Path, data_dir: Path
) -> None:
    assert not data_dir.exists()
    online = answer(kiosk_check(config))
    assert {a["source"] for a in online["agencies"]} == {"live"}
    assert online["network"] == "online"
    assert (data_dir / "cache.db").is_file()  # data_dir and the database created on first use

    agency_sim.stop()
    run = kiosk_check(config)
    offline = answer(run)
    assert run.stderr == ""
    assert offline["network"] == "offline"
    for before, after in zip(online["agencies"], offline["agencies"], strict=True):
        assert after["source"] == "cache"
        assert after["status"] == before["status"]
        assert after["as_of"] == before["as_of"]  # when it was saved, not now
        assert after["entitlements"] == before["entitlements"]
        assert after["message"] == (
            "The agency could not be reached; showing the last answer saved on this kiosk."
        )

    lines = [json.loads(line) for line in (data_dir / "audit.log").read_text().splitlines()]
    assert len(lines) == 2
    for line, network in zip(lines, ("online", "offline"), strict=True):
        assert (line["kiosk"], line["event"]) == ("cli-test", "check")
        assert re.fullmatch(r"cli:\S+", line["actor"])
        assert re.fullmatch(r"[0-9a-f]{64}", line["citizen"])
        assert line["detail"]["network"] == network
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])
    assert lines[0]["citizen"] == lines[1]["citizen"]
    assert lines[1]["detail"]["source_cache"] == 7

    # No CID in the audit log, the logs or anywhere else in the data folder, in any form.
    files = every_file_under(data_dir)
    assert data_dir / "audit.log" in files
    assert any(p.parent.name == "logs" for p in files)
    for path in files:
        blob = path.read_bytes()
        for cid in CID_SHAPES:
            assert cid.encode() not in blob, path.name


def test_a_citizen_never_saved_gets_unavailable_from_nowhere_and_exit_0(
    agency_sim: AgencySimulator, config: Path
) -> None:
    answer(kiosk_check(config, OTHER))
    agency_sim.stop()
    doc = answer(kiosk_check(config))  # DEMO was never checked here
    assert {(a["status"], a["source"], a["as_of"]) for a in doc["agencies"]} == {
        ("unavailable", "none", None)
    }


def test_an_unreadable_key_file_still_answers_live_with_one_warning(
    agency_sim: AgencySimulator, tmp_path: Path, data_dir: Path
) -> None:
    key_file = tmp_path / "key-is-a-folder"
    key_file.mkdir()  # unreadable as a file, even for root
    config = write_config(tmp_path / "kiosk.toml", agency_sim, data_dir=data_dir, key_file=key_file)
    run = kiosk_check(config)
    doc = answer(run)
    assert {a["source"] for a in doc["agencies"]} == {"live"}
    (warning,) = warnings_of(run)
    assert "cache key file" in warning
    assert "cannot be read" in warning
    assert "answering live only" in warning
    assert DEMO not in run.stderr
    assert not (data_dir / "cache.db").exists()
    assert not (data_dir / "audit.log").exists()  # no key, no keyed HMAC: no audit line


def test_a_data_folder_that_cannot_be_created_still_answers_live_with_warnings(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be\n")
    config = write_config(
        tmp_path / "kiosk.toml", agency_sim, data_dir=blocker, key_file=tmp_path / "k"
    )
    run = kiosk_check(config)
    assert {a["source"] for a in answer(run)["agencies"]} == {"live"}
    warnings = warnings_of(run)
    assert any("offline cache database cannot be used" in w for w in warnings)
    assert any("audit line could not be written" in w for w in warnings)
    assert blocker.read_text() == "a file where the data folder should be\n"


def test_a_full_disk_still_answers_live_and_warns(config: Path, data_dir: Path) -> None:
    answer(kiosk_check(config))  # the database exists, so the next run has to grow files
    before = (data_dir / "cache.db").stat().st_size
    run = kiosk_check(config, OTHER, fsize_limit=before // 2)
    doc = answer(run)
    assert {a["source"] for a in doc["agencies"]} == {"live"}
    warnings = warnings_of(run)
    assert any("offline cache" in w for w in warnings)
    assert OTHER not in run.stderr
