"""Shared test configuration: tiers are set by folder (tests/unit, tests/gui, tests/e2e)."""

from __future__ import annotations

from pathlib import Path

import pytest

# Each part's fixtures live in their own plugin module, so parts of the suite grow independently.
pytest_plugins = [
    "tests.fixtures.pcsc",
    "tests.fixtures.agency_sim",
    "tests.fixtures.cache",
    "tests.fixtures.qt",
]

_TIERS = ("unit", "gui", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, taken from the folder it lives in."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        for tier in _TIERS:
            if tier in parts:
                item.add_marker(getattr(pytest.mark, tier))
