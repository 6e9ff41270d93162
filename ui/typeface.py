"""The shipped fonts: Noto Sans for Latin, Noto Sans Thai for Thai, loaded at start.

The kiosk never depends on the host's fonts (a frozen build on a bare kiosk has none worth the
name): `load_fonts` registers the files in `ui/fonts/` with QFontDatabase and returns the font
the window uses, with a family list so each script takes its own face.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansThai-Bold.ttf",
)
# Latin first (Noto Sans has no Thai); Thai glyphs fall through to Noto Sans Thai.
FAMILIES = ["Noto Sans", "Noto Sans Thai"]


class FontError(RuntimeError):
    """A shipped font file is missing or Qt refused it (a broken build)."""


def load_fonts(directory: Path = FONT_DIR) -> QFont:
    """Register the shipped fonts (needs a QGuiApplication) and return the window's font."""
    loaded: set[str] = set()
    for name in FONT_FILES:
        path = directory / name
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise FontError(f"font {name} could not be loaded from {directory}")
        loaded.update(QFontDatabase.applicationFontFamilies(font_id))
    missing = [family for family in FAMILIES if family not in loaded]
    if missing:
        raise FontError(f"the shipped fonts lack the families {missing}")
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPixelSize(30)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
