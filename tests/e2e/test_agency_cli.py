"""`kiosk check` and `kiosk agency-sim` as real processes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.simulator import AgencySimulator, parse_fault
from tests.fixtures.agency_sim import write_sim_config

LIVENESS = 30.0  # a process start is ~0.5 s; the bound is for "it ends", not for speed
DEMO = "1120100345899"
ORDER = ["nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"]
BANGKOK_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=LIVENESS,
        env={**clean, **(env or {})},
        check=False,
    )


@pytest.fixture
def config_file(agency_sim: AgencySimulator, tmp_path: Path) -> Path:
    return write_sim_config(tmp_path / "kiosk.toml", agency_sim)


def test_check_json_follows_the_contract(config_file: Path) -> None:
    run = kiosk("-m", "kiosk", "check", "1-1201-00345-89-9", "--json", "--config", str(config_file))
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert set(doc) == {"checked_at", "cid_masked", "network", "agencies"}
    assert doc["cid_masked"] == "x-xxxx-xxxx5-89-9"
    assert BANGKOK_TIME.match(doc["checked_at"])
    assert doc["network"] == "online"
    assert [a["agency"] for a in doc["agencies"]] == ORDER
    for agency in doc["agencies"]:
        assert set(agency) == {
            "agency",
            "name_th",
            "name_en",
            "status",
            "source",
            "as_of",
            "message",
            "entitlements",
        }
        assert agency["name_th"]
        assert agency["name_en"]
        assert agency["source"] == "live"
        assert BANGKOK_TIME.match(agency["as_of"])
    nhso = doc["agencies"][0]
    assert nhso["status"] == "ok"
    (ucs,) = nhso["entitlements"]
    assert ucs["code"] == "UCS"
    assert ucs["status"] == "active"
    assert ucs["details"]["hospital_main"] == "โรงพยาบาลพระนั่งเกล้า"
    welfare = doc["agencies"][2]["entitlements"]
    assert (welfare[0]["amount_thb"], welfare[0]["period"]) == (300.0, "monthly")
    assert doc["agencies"][3]["status"] == "not_found"
    assert DEMO not in run.stdout + run.stderr


def test_check_text_is_a_readable_table_with_the_cid_masked(config_file: Path) -> None:
    run = kiosk("-m", "kiosk", "check", DEMO, "--config", str(config_file))
    assert run.returncode == 0, run.stderr
    assert "x-xxxx-xxxx5-89-9" in run.stdout
    assert "Universal Coverage (gold card)" in run.stdout
    assert "300.00 THB monthly" in run.stdout
    assert DEMO not in run.stdout


@pytest.mark.parametrize(
    ("cid", "why"),
    [
        ("1120100345898", "check digit"),
        ("112010034589", "13 digits"),
        ("11201003458a9", "only digits"),
    ],
)
def test_a_bad_cid_exits_2_with_one_sentence_and_empty_stdout(
    config_file: Path, cid: str, why: str
) -> None:
    run = kiosk("-m", "kiosk", "check", cid, "--json", "--config", str(config_file))
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert why in run.stderr
    assert cid not in run.stderr
    assert "Traceback" not in run.stderr


def test_missing_credentials_exit_2_naming_the_key_and_no_secret(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = write_sim_config(tmp_path / "kiosk.toml", agency_sim)
    text = config.read_text().replace('refresh_token = "sim-nhso-refresh-token"\n', "")
    config.write_text(text)
    run = kiosk("-m", "kiosk", "check", DEMO, "--json", "--config", str(config))
    assert run.returncode == 2
    assert run.stdout == ""
    assert "agencies.nhso.refresh_token: is required" in run.stderr
    assert "sim-consumer-secret" not in run.stderr


def test_environment_overrides_reach_the_adapters(
    agency_sim: AgencySimulator, config_file: Path
) -> None:
    env = {"KIOSK_AGENCIES__ENABLED": "farmer,nhso"}
    run = kiosk("-m", "kiosk", "check", DEMO, "--json", "--config", str(config_file), env=env)
    assert run.returncode == 0, run.stderr
    assert [a["agency"] for a in json.loads(run.stdout)["agencies"]] == ["farmer", "nhso"]


def test_a_hanging_agency_neither_delays_the_answer_nor_the_exit(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = write_sim_config(tmp_path / "kiosk.toml", agency_sim, timeout_s=1.0)
    agency_sim.faults.add(parse_fault("sso=hang"))
    started = time.monotonic()
    run = kiosk("-m", "kiosk", "check", DEMO, "--json", "--config", str(config))
    took = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    sso = doc["agencies"][1]
    assert (sso["status"], sso["source"], sso["as_of"]) == ("unavailable", "none", None)
    assert doc["network"] == "degraded"
    assert took < LIVENESS


def test_kiosk_check_imports_no_qt(config_file: Path) -> None:
    run = kiosk("-X", "importtime", "-m", "kiosk", "check", DEMO, "--config", str(config_file))
    assert run.returncode == 0
    imported = {
        line.split("|")[-1].strip() for line in run.stderr.splitlines() if "import time:" in line
    }
    assert "kiosk.agencies.check" in imported  # the probe really lists our imports
    assert not {m for m in imported if m.split(".")[0] in {"PySide6", "shiboken6", "ui"}}


# --- kiosk agency-sim -------------------------------------------------------------------------


@pytest.fixture
def sim_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "agency-sim", "--port", "0", "--fault", "welfare=hang"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(r"agency-sim listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        yield proc, match.group(1)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(LIVENESS)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def get_json(url: str, method: str = "GET", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(request, timeout=LIVENESS) as response:
        return json.loads(response.read())


def test_agency_sim_process_serves_controls_and_stops_cleanly_on_sigterm(
    sim_process: tuple[subprocess.Popen[str], str],
) -> None:
    proc, url = sim_process
    assert get_json(f"{url}/healthz") == {"ok": True}
    faults = get_json(f"{url}/_control/faults", "POST", {"spec": "sso=latency:100@1"})["faults"]
    assert {"target": "sso", "kind": "latency", "value": 100, "times": 1} in faults
    assert {"target": "welfare", "kind": "hang", "value": None, "times": None} in faults

    # A request left hanging must not keep the simulator from stopping.
    hung: list[OSError] = []

    def hang() -> None:
        try:
            urllib.request.urlopen(f"{url}/ws/mof/welfare/v1/card", timeout=LIVENESS)
        except OSError as exc:  # the simulator cuts it when it stops
            hung.append(exc)

    waiter = threading.Thread(target=hang)
    waiter.start()
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(LIVENESS) == 0
    waiter.join(LIVENESS)
    assert not waiter.is_alive()
    assert hung
    assert proc.stderr is not None
    assert "agency-sim stopped" in proc.stderr.read()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault", "sso=explode"], "unknown fault 'explode'"),
        (["--fault", "moon=hang"], "unknown target 'moon'"),
        (["--host", "192.0.2.1"], "loopback addresses only"),
        (["--data", "/nonexistent/citizens.json"], "cannot be read"),
    ],
)
def test_agency_sim_refuses_bad_arguments_with_exit_2(args: list[str], message: str) -> None:
    run = kiosk("-m", "kiosk", "agency-sim", "--port", "0", *args)
    assert run.returncode == 2
    assert run.stdout == ""
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
