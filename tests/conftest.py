"""Shared test configuration: tiers are set by folder (tests/unit, tests/gui, tests/e2e)."""

from __future__ import annotations

from pathlib import Path

import pytest

# Each part's fixtures live in their own plugin module, so parts of the suite grow independently.
pytest_plugins = [
    "tests.fixtures.pcsc",
    "tests.fixtures.agency_sim",
    "tests.fixtures.kiosk_user",
    "tests.fixtures.cache",
    "tests.fixtures.qt",
    "tests.fixtures.logs",
]

_TIERS = ("unit", "gui", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, taken from the folder it lives in."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        for tier in _TIERS:
            if tier in parts:
                item.add_marker(getattr(pytest.mark, tier))


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Keep `qt_api` a known ini key when pytest-qt is disabled (tools/unit_without_qt.py runs
    the unit tier with Qt unimportable, under `--strict-config`)."""
    if not pluginmanager.has_plugin("pytest-qt"):
        parser.addini("qt_api", "unused: pytest-qt is disabled in this run")
