"""Run the unit tier with Qt made unimportable, as napari's "no Qt installed" CI job does, without
a second virtual environment: any import of PySide6 or shiboken6 fails, so a Qt import that
crept into `kiosk/`, `cardreader/`, `adapters/` or `offline_cache/` (or into a unit test) fails
the run. `make test` runs it after the main suite.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

_BLOCKED = frozenset({"PySide6", "shiboken6"})


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] in _BLOCKED:
            raise ModuleNotFoundError(f"{fullname!r} is blocked: the unit tier runs without Qt")
        return None


def main(argv: Sequence[str]) -> int:
    """Block Qt, then run pytest on tests/unit with the given extra arguments."""
    sys.meta_path.insert(0, _NoQt())
    import pytest

    return int(pytest.main(["tests/unit", "-p", "no:pytest-qt", *argv]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
