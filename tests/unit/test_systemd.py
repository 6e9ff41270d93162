from __future__ import annotations

import os
import socket
from pathlib import Path

from kiosk.systemd import notify, watchdog_interval_s


def test_notify_sends_the_state_to_the_notify_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(5)
        assert notify("READY=1", {"NOTIFY_SOCKET": str(path)})
        assert server.recv(64) == b"READY=1"


def test_notify_outside_systemd_is_a_no_op(tmp_path: Path) -> None:
    assert not notify("READY=1", {})
    assert not notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "absent.sock")})


def test_watchdog_interval_is_half_the_period_for_this_process_only() -> None:
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    other_pid = str(os.getpid() + 1)
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": other_pid}) is None
    own_pid = str(os.getpid())
    assert watchdog_interval_s({"WATCHDOG_USEC": "4000000", "WATCHDOG_PID": own_pid}) == 2.0
    assert watchdog_interval_s({}) is None
