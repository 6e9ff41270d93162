from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.pin import PinGate, PinOutcome


def kiosk(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_set_pin_from_stdin_then_the_gate_accepts_it(tmp_path: Path) -> None:
    pin_file = tmp_path / "maintenance.pin"
    done = kiosk("set-pin", "--pin-file", str(pin_file), stdin="482913\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert PinGate(pin_file).attempt("482913").outcome is PinOutcome.ACCEPTED


def test_set_pin_reads_the_path_from_config(tmp_path: Path) -> None:
    pin_file = tmp_path / "from-config.pin"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[maintenance]\npin_file = "{pin_file}"\n', encoding="utf-8")
    done = kiosk("set-pin", "--config", str(config), stdin="482913\n")
    assert done.returncode == 0, done.stderr
    assert pin_file.exists()


def test_broken_config_names_the_way_out_and_changes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[ui]\nidle_s = 'soon'\n", encoding="utf-8")
    done = kiosk("set-pin", "--config", str(config), stdin="482913\n")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--pin-file" in done.stderr
    assert "Traceback" not in done.stderr


def test_weak_pin_is_refused_with_one_sentence(tmp_path: Path) -> None:
    pin_file = tmp_path / "p"
    done = kiosk("set-pin", "--pin-file", str(pin_file), stdin="12\n")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert not pin_file.exists()
