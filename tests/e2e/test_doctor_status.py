"""The status report against the real stack: an `AgencyService` with its connectivity monitor
against the simulator over HTTP, the real cache file, pcscd with vpcd and a virtual card. First
healthy, then one part broken at a time: the simulator down, pcscd stopped (only a pcscd this run
started), and a data folder the kiosk's user cannot write (a child process as `nobody`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.simulator import AgencySimulator
from cardreader.pcscd_process import VPCD_READERS, PcscdService
from kiosk.agencies.service import AgencyService, MonitorSettings
from kiosk.config import KioskConfig, validate_config
from kiosk.doctor.findings import Verdict
from kiosk.maintenance.status import StatusReport, kiosk_status
from kiosk.session.check_request import CheckRequest
from tests.fixtures import kiosk_user
from tests.fixtures.agency_sim import write_toml

LIVENESS_S = 10.0  # far above a probe round (0.5 s)
DEMO = CheckRequest("1120100345899")
ORDER = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")
QUIET_MONITOR = MonitorSettings(
    interval_s=3600, down_interval_s=3600, probe_timeout_s=0.5, tick_s=0.02
)
STARTED = datetime.now(UTC)


def wait_until(condition: Callable[[], bool]) -> None:
    end = time.monotonic() + LIVENESS_S
    while not condition():
        assert time.monotonic() < end, "condition not reached within the liveness bound"
        time.sleep(0.02)


def config_data(sim: AgencySimulator, root: Path) -> dict[str, Any]:
    return {
        "kiosk": {
            "id": "status-test",
            "data_dir": str(root / "data"),
            "key_file": str(root / "keys" / "cache.key"),
        },
        "agencies": {"timeout_s": 1.0, **sim.agency_tables()},
    }


@pytest.fixture
def config(agency_sim: AgencySimulator, tmp_path: Path) -> KioskConfig:
    return validate_config(config_data(agency_sim, tmp_path))


@pytest.fixture
def service(config: KioskConfig) -> Iterator[AgencyService]:
    service = AgencyService.from_config(config, monitor=QUIET_MONITOR).start()
    wait_until(lambda: all(a.up is not None for a in service.health().agencies))
    yield service
    service.close()


def status(config: KioskConfig, service: AgencyService | None) -> StatusReport:
    return kiosk_status(config, started_at=STARTED, service=service)


def verdicts(report: StatusReport) -> dict[str, Verdict]:
    return {item.check: item.verdict for item in report.items}


@pytest.mark.usefixtures("empty_readers")
def test_healthy_kiosk_status_is_all_ok_with_readers_agencies_and_cache(
    config: KioskConfig, service: AgencyService, virtual_cards: Callable[..., Any]
) -> None:
    card = virtual_cards("standard", slot=0)
    service.run(DEMO)
    assert service.flush_snapshots(LIVENESS_S)
    report = status(config, service)
    found = verdicts(report)
    assert list(found) == [
        "config",
        "pcscd",
        "readers",
        "network",
        *(f"agency.{a}" for a in ORDER),
        "cache",
        "data_dir",
        "disk",
    ]
    assert set(found.values()) == {Verdict.OK}, {k: v for k, v in found.items() if v != "ok"}
    listed = report.item("readers").details["readers"]
    assert isinstance(listed, list)
    readers = {r["reader"]: r["card"] for r in listed}
    assert readers == {VPCD_READERS[0]: True, VPCD_READERS[1]: False}
    nhso = report.item("agency.nhso").details
    assert nhso["breaker"] == "closed"
    assert isinstance(nhso["latency_ms"], int)
    assert report.item("cache").details["snapshots"] == len(ORDER)
    assert report.uptime_s > 0
    assert DEMO.cid not in json.dumps(report.to_json())
    card.remove()


@pytest.mark.usefixtures("pcscd")
def test_simulator_down_shows_network_offline_and_each_agency_failing(
    config: KioskConfig, service: AgencyService, agency_sim: AgencySimulator
) -> None:
    agency_sim.stop()
    service.probe_now()
    wait_until(lambda: all(a.up is False for a in service.health().agencies))
    report = status(config, service)
    found = verdicts(report)
    assert found["network"] is Verdict.FAIL
    assert "no agency answers" in report.item("network").cause
    for agency in ORDER:
        assert found[f"agency.{agency}"] is Verdict.FAIL
        assert "offline cache" in report.item(f"agency.{agency}").fix
    assert found["pcscd"] is Verdict.OK
    assert found["cache"] is Verdict.OK


@pytest.mark.pcscd_owner
def test_pcscd_stopped_shows_in_the_status(
    pcscd_owned: PcscdService, config: KioskConfig, service: AgencyService
) -> None:
    pcscd_owned.stop()
    report = status(config, service)
    assert report.item("pcscd").verdict is Verdict.FAIL
    assert report.item("readers").verdict is Verdict.WARN
    assert report.item("network").verdict is Verdict.OK


CHILD = """
import json, sys
from datetime import UTC, datetime
from kiosk.agencies.service import AgencyService
from kiosk.config import load_config
from kiosk.maintenance.status import kiosk_status

config = load_config(sys.argv[1])
with AgencyService.from_config(config) as service:
    report = kiosk_status(config, started_at=datetime.now(UTC), service=service)
print(json.dumps(report.to_json()))
"""


@kiosk_user.needs_root
@pytest.mark.usefixtures("pcscd")
def test_data_dir_the_kiosk_user_cannot_write_shows_in_data_dir_and_cache(
    agency_sim: AgencySimulator, kiosk_user_root: Path
) -> None:
    data = config_data(agency_sim, kiosk_user_root)
    config = validate_config(data)
    with AgencyService.from_config(config) as service:  # as root: the cache gets its answers
        service.run(DEMO)
        assert service.flush_snapshots(LIVENESS_S)
    key = config.kiosk.key_file
    kiosk_user.give_to_kiosk_user(key.parent, key)  # the kiosk's user owns its key, not its data
    for path in config.kiosk.data_dir.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    config.kiosk.data_dir.chmod(0o755)
    config_file = write_toml(kiosk_user_root / "kiosk.toml", data)
    config_file.chmod(0o644)
    done = subprocess.run(
        kiosk_user.as_kiosk_user([sys.executable, "-c", CHILD, str(config_file)]),
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    items = {item["check"]: item for item in doc["items"]}
    assert items["data_dir"]["verdict"] == "fail"
    assert "cannot be written" in items["data_dir"]["cause"]
    assert items["cache"]["verdict"] == "fail"
    assert "can be read but not written" in items["cache"]["cause"]
    assert items["cache"]["details"]["snapshots"] == len(ORDER)  # still served from
