"""`kiosk screenshots` and `kiosk run` as the command line runs them (real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    environ.pop("QT_QPA_PLATFORM", None)  # the command picks offscreen itself
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
        check=False,
    )


def test_screenshots_writes_every_screen(qapp: object, tmp_path: Path) -> None:
    del qapp
    done = kiosk("screenshots", "--out", str(tmp_path), "--size", "1280x800", "--lang", "en")
    assert done.returncode == 0, done.stderr
    files = sorted((tmp_path / "1280x800" / "en").glob("*.png"))
    names = [f.stem.split("-", 1)[1] for f in files]
    for scene in (
        "attract",
        "out-of-service",
        "reading",
        "consent",
        "results-mixed",
        "detail-nhso",
        "inactivity-warning",
        "take-card",
        "results-high-contrast",
        "results-large-text",
        "take-card-not-read",
        "maintenance-pin",
        "maintenance-status",
        "maintenance-card-test",
        "maintenance-log",
    ):
        assert scene in names
    image = QImage(str(files[0]))
    assert (image.width(), image.height()) == (1280, 800)
    assert done.stdout.strip() == f"{len(files)} screenshots written under {tmp_path}"


def test_screenshots_refuses_a_bad_size(tmp_path: Path) -> None:
    done = kiosk("screenshots", "--out", str(tmp_path), "--size", "big")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().startswith("kiosk: a size is WIDTHxHEIGHT")
    assert "Traceback" not in done.stderr


def test_run_without_a_display_says_so(tmp_path: Path) -> None:
    done = kiosk("run", "--config", str(tmp_path / "none.toml"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "no display" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_demo_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """`kiosk run --demo` (offscreen here) keeps running until systemd's SIGTERM, then closes
    its window, timers and workers and exits 0 without a traceback."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    environ["QT_QPA_PLATFORM"] = "offscreen"
    environ["KIOSK_CONFIG"] = str(tmp_path / "kiosk.toml")
    (tmp_path / "kiosk.toml").write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--demo", "--windowed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=3)  # still running: it does not exit by itself
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out == ""
    assert "Traceback" not in err
