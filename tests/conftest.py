"""Shared test configuration: tiers are set by folder (tests/unit, tests/gui, tests/e2e)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.paths import default_config_dir, default_data_dir

# Each part's fixtures live in their own plugin module, so parts of the suite grow independently.
pytest_plugins = [
    "tests.fixtures.pcsc",
    "tests.fixtures.agency_sim",
    "tests.fixtures.kiosk_user",
    "tests.fixtures.cache",
    "tests.fixtures.qt",
    "tests.fixtures.logs",
    "tests.fixtures.dist",
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
    """Keep pytest-qt's ini keys known when pytest-qt is disabled (tools/unit_without_qt.py runs
    the unit tier with Qt unimportable, under `--strict-config`)."""
    if not pluginmanager.has_plugin("pytest-qt"):
        for name in ("qt_api", "qt_log_level_fail"):
            parser.addini(name, "unused: pytest-qt is disabled in this run")
        parser.addini("qt_log_ignore", "unused: pytest-qt is disabled in this run", "linelist")


# The kiosk's default folders (kiosk/paths.py): as root, system folders of this machine. A test
# gives the kiosk its own folders; one that lets it fall back to these leaves files behind on
# the host (and a later documented deploy step would find them).
_DEFAULT_FOLDERS = (default_data_dir(), default_config_dir())


def _stamp(folders: tuple[Path, ...]) -> list[tuple[str, float | None]]:
    found: list[tuple[str, float | None]] = []
    for folder in folders:
        try:
            found.append((str(folder), folder.stat().st_mtime))
        except OSError:
            found.append((str(folder), None))
    return found


@pytest.fixture(autouse=True)
def _no_writes_to_the_default_folders() -> Iterator[None]:
    before = _stamp(_DEFAULT_FOLDERS)
    yield
    after = _stamp(_DEFAULT_FOLDERS)
    changed = [folder for (folder, was), (_, now) in zip(before, after, strict=True) if was != now]
    assert not changed, f"the test wrote into the kiosk's default folders {changed}"
