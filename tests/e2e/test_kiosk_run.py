"""`kiosk run` as systemd runs it: a real process (Qt offscreen) on pcscd + vpcd, the agency
simulator over HTTP and real files — readiness, a broken config fixed on disk, systemd's
READY/WATCHDOG, the metrics endpoint after real sessions, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from adapters.simulator import AgencySimulator
from kiosk.session.feed import FIRST_LOOK_S
from tests.e2e.test_record_services import NEW_SERVICE
from tests.fixtures.agency_sim import sim_config_data, write_toml
from tests.fixtures.pcsc import VpcdSlots
from tests.gui.real_kiosk import personal_strings_of

LIVENESS_S = 60.0  # a start takes ~1-2 s here; this only ends a hang


class Kiosk:
    """A `kiosk run` process whose stderr is read as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        environ["QT_QPA_PLATFORM"] = "offscreen"
        environ.update(env or {})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--windowed", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environ,
        )
        self.errors: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)
            self.errors.put(line)

    def wait_error(self, text: str) -> None:
        """Until a stderr line holds `text`."""
        end = time.monotonic() + LIVENESS_S
        while time.monotonic() < end:
            try:
                if text in self.errors.get(timeout=0.5):
                    return
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.stderr)
        pytest.fail(f"no {text!r} on stderr: {''.join(self.stderr)}")

    def finish(self, timeout: float = LIVENESS_S) -> tuple[int, str, str]:
        """Wait for the exit: (code, stdout, stderr)."""
        try:
            out, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"kiosk run did not end; its stderr: {''.join(self.stderr)}")
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.communicate()
        self._reader.join(5)
        return self.process.returncode, out, "".join(self.stderr)

    def stop(self) -> tuple[int, str, str]:
        """SIGTERM, as systemd stops it."""
        self.process.send_signal(signal.SIGTERM)
        return self.finish()


@pytest.fixture
def kiosk_config(agency_sim: AgencySimulator, tmp_path: Path) -> Path:
    """A config file pointing every agency at the simulator, data in `tmp_path / "data"`."""
    data = sim_config_data(agency_sim, tmp_path / "data")
    data["kiosk"]["key_file"] = str(tmp_path / "cache.key")
    return write_toml(tmp_path / "kiosk.toml", data)


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ready_on_the_attract_screen(kiosk_config: Path, empty_readers: None) -> None:
    kiosk = Kiosk("--exit-when-ready", "--config", str(kiosk_config))
    code, out, err = kiosk.finish()
    assert code == 0, err
    assert re.fullmatch(r"ready attract \d+ ms\n", out), out
    assert "Traceback" not in err


def test_a_broken_config_runs_out_of_service_until_fixed_on_disk(
    agency_sim: AgencySimulator, tmp_path: Path, empty_readers: None
) -> None:
    """No exit on a bad config (no crash loop under systemd): out of service, the cause on
    stderr and in the log; the file fixed, the kiosk serves without a restart."""
    path = tmp_path / "kiosk.toml"
    data_dir = tmp_path / "data"
    path.write_text(
        f'[kiosk]\nid = "k"\ndata_dir = "{data_dir}"\n[agencies.nhso]\nbase_url = "ftp://x"\n'
    )
    kiosk = Kiosk("--exit-when-ready", "--config", str(path))
    kiosk.wait_error("configuration error, running out of service: agencies.nhso.base_url")
    assert kiosk.process.poll() is None  # still up, out of service
    # Logged where the broken file's own valid [kiosk] table says, not in a default folder (the
    # file gets the line just after stderr does: a busy machine may be in between).
    log_file = data_dir / "logs" / "kiosk.log"
    end = time.monotonic() + LIVENESS_S
    while "configuration error" not in (log_file.read_text() if log_file.exists() else ""):
        if time.monotonic() > end:
            kiosk.stop()
            pytest.fail("the configuration error never reached the data folder's log")
        time.sleep(0.05)
    data = sim_config_data(agency_sim, tmp_path / "data")
    data["kiosk"]["key_file"] = str(tmp_path / "cache.key")
    write_toml(path, data)
    code, out, err = kiosk.finish()
    assert code == 0, err
    assert out.startswith("ready attract ")
    assert "Traceback" not in err


def test_systemd_hears_ready_and_the_watchdog_then_sigterm_stops_it_cleanly(
    kiosk_config: Path, tmp_path: Path, empty_readers: None
) -> None:
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(address)
        notify.settimeout(LIVENESS_S)
        kiosk = Kiosk(
            "--config",
            str(kiosk_config),
            env={"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "200000"},  # a ping every 0.1 s
        )
        heard: list[str] = []
        try:
            while not {"READY=1", "WATCHDOG=1"} <= set(heard):
                heard.append(notify.recv(256).decode())
        finally:
            code, out, err = kiosk.stop()
    assert heard[0] == "READY=1"  # once the window is up; then the watchdog's pings
    assert code == 0, err
    assert out == ""
    assert "Traceback" not in err


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        return str(reply.read().decode())


def wait_metric(port: int, line: str) -> None:
    end = time.monotonic() + LIVENESS_S
    while time.monotonic() < end:
        try:
            if line in scrape(port).splitlines():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"the metrics never showed {line!r}")


def test_metrics_count_sessions_and_failed_reads(
    agency_sim: AgencySimulator,
    tmp_path: Path,
    free_port: int,
    vpcd_slots: VpcdSlots,
    empty_readers: None,
) -> None:
    data = sim_config_data(agency_sim, tmp_path / "data")
    data["kiosk"]["key_file"] = str(tmp_path / "cache.key")
    data["metrics"] = {"listen": f"127.0.0.1:{free_port}"}
    config = write_toml(tmp_path / "kiosk.toml", data)
    kiosk = Kiosk("--config", str(config))  # serves the first reader, vpcd's slot 0
    try:
        wait_metric(free_port, "kiosk_out_of_service 0.0")  # in service: the attract screen
        time.sleep(FIRST_LOOK_S)  # nobody inserts a card the instant the kiosk comes up
        card = vpcd_slots.insert("demo", slot=0)
        # Read, and the consent screen waits. (A fixed second here was too short once, on a
        # busy machine: the card came out mid-read, a read failure, not a session ended.)
        wait_metric(free_port, "kiosk_card_reads_total 1.0")
        card.remove()
        wait_metric(free_port, 'kiosk_sessions_total{outcome="card_removed"} 1.0')
        foreign = vpcd_slots.insert("non_thai", slot=0)
        wait_metric(free_port, 'kiosk_card_read_failures_total{cause="not_thai_id"} 1.0')
        foreign.remove()
    finally:
        code, out, err = kiosk.stop()
    assert code == 0, err
    assert out == ""
    written = "\n".join(
        p.read_bytes().decode("utf-8", errors="replace")
        for p in sorted((tmp_path / "data").rglob("*"))
        if p.is_file()
    )
    leaked = [s for s in personal_strings_of("demo") if s in written + err]
    assert not leaked, "the kiosk's files or stderr name the citizen"


def test_a_definition_dropped_into_the_folder_reaches_the_running_kiosks_menu(
    agency_sim: AgencySimulator, tmp_path: Path, free_port: int, empty_readers: None
) -> None:
    """No restart by hand: the kiosk sees the folder change and builds itself again, in the
    same process, while nobody is at it (the menu's size is a metric)."""
    folder = tmp_path / "services"
    folder.mkdir()
    data = sim_config_data(agency_sim, tmp_path / "data")
    data["kiosk"]["key_file"] = str(tmp_path / "cache.key")
    data["agencies"]["services_dir"] = str(folder)
    data["metrics"] = {"listen": f"127.0.0.1:{free_port}"}
    config = write_toml(tmp_path / "kiosk.toml", data)
    kiosk = Kiosk("--config", str(config))
    try:
        wait_metric(free_port, "kiosk_menu_services 17.0")  # the built-in menu
        (folder / "library_card.toml").write_text(NEW_SERVICE, encoding="utf-8")
        wait_metric(free_port, "kiosk_menu_services 18.0")
        assert kiosk.process.poll() is None  # the same process: it built itself again
        (folder / "library_card.toml").unlink()
        wait_metric(free_port, "kiosk_menu_services 17.0")
    finally:
        code, _out, err = kiosk.stop()
    assert code == 0, err
    log_text = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert log_text.count("starting the kiosk again (the service definitions changed)") == 2
