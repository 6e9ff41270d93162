"""PyInstaller run-time hook (kiosk.spec): tell Qt where the bundle's plugins are, without Qt.

It replaces PyInstaller's own PySide6 hook, which imports PySide6.QtCore at the start of every
command to check for a `qt.conf` that the PySide6 wheel embeds anyway; that would put Qt into
the start-up of `kiosk check` and `kiosk card read` in the frozen app, which the unfrozen app
keeps out (docs/command-line.md). Qt is imported here only by the commands that open a window.
"""

from __future__ import annotations

import os
import sys


def _point_qt_at_the_bundle() -> None:
    qt = os.path.join(sys._MEIPASS, "PySide6", "Qt")  # type: ignore[attr-defined]
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")


_point_qt_at_the_bundle()
