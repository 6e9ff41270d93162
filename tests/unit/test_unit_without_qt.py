"""The Qt-less unit tier that `make test` runs (tools/unit_without_qt.py) starts at all: every
ini key of pyproject.toml stays known under `--strict-config` with pytest-qt disabled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_the_qt_less_tier_collects_under_strict_config() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tools.unit_without_qt", "--collect-only", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "tests collected" in run.stdout or " tests collected" in run.stdout
