"""The house stays readable (issue #12): no module of the kiosk's packages is over 600 lines,
and the median one is at most 200."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "ui", "cardreader", "adapters", "offline_cache", "tools", "bench")


def sizes() -> dict[str, int]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[str(path.relative_to(ROOT))] = len(path.read_text(encoding="utf-8").splitlines())
    return found


def test_no_module_is_over_600_lines_and_the_median_is_at_most_200() -> None:
    lines = sizes()
    assert len(lines) > 100
    too_long = {path: n for path, n in lines.items() if n > 600}
    assert not too_long, f"split these: {too_long}"
    assert statistics.median(lines.values()) <= 200
