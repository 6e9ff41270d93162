"""Which fonts the kiosk's text is actually drawn with: every screen and state, both languages,
every shown label and button, and the printed slip — laid out the way Qt lays them out, and
each run of glyphs asked which font it came from.

`python -m tests.gui.font_walk` prints the result as JSON (the fonts test runs it with
fontconfig pointed at an empty configuration, where the host's fonts do not exist).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

THAI = re.compile("[\u0e00-\u0e7f]")


@dataclass
class FontUse:
    """Fonts met, missing glyphs, and how much Thai text was looked at."""

    families: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # texts with a glyph no font had
    thai_texts: int = 0

    def to_json(self) -> dict[str, object]:
        """For the child process's output."""
        return {
            "families": dict(self.families),
            "missing": self.missing,
            "thai_texts": self.thai_texts,
        }


def runs(rich: str, font: QFont, width: int) -> Iterator[tuple[str, bool]]:
    """(font family, a glyph missing) for each glyph run of `rich` laid out in `font`."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setHtml(rich)
    document.setTextWidth(max(50, width))
    document.documentLayout().documentSize()  # lay it out now
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        for number in range(layout.lineCount()):
            for run in layout.lineAt(number).glyphRuns():
                yield run.rawFont().familyName(), 0 in run.glyphIndexes()
        block = block.next()


def look_at(use: FontUse, plain: str, rich: str, font: QFont, width: int) -> None:
    """Record the fonts one text is drawn with."""
    if not plain.strip():
        return
    if THAI.search(plain):
        use.thai_texts += 1
    for family, missing in runs(rich, font, width):
        use.families[family] += 1
        if missing:
            use.missing.append(plain)


def walk_window(use: FontUse, window: QWidget) -> None:
    """Every shown text widget of `window`."""
    from ui.controls import TextLabel

    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, TextLabel):
            look_at(use, widget.plain_text, widget.text(), widget.font(), widget.width())
        elif isinstance(widget, QAbstractButton) and widget.text():
            text = widget.text()
            look_at(use, text, html.escape(text), widget.font(), widget.width())


def walk() -> FontUse:
    """Every scene of `kiosk screenshots` at 1080x1920 in Thai and English, and the slip."""
    from kiosk.session.machine import Session
    from kiosk.session.settings import SessionSettings
    from kiosk.session.view import Preferences
    from ui import screenshots
    from ui.demo.stand_ins import DEMO_AGENCIES
    from ui.slip import build_slip, slip_html
    from ui.typeface import FAMILIES, load_fonts
    from ui.window import KioskWindow
    from ui.words.strings import Words

    use = FontUse()
    font = load_fonts()
    photo = b""
    for language in ("th", "en"):
        clock = screenshots._Clock()
        settings = SessionSettings(agencies=DEMO_AGENCIES, preferences=Preferences(language))
        session = Session(settings, clock=clock, today=screenshots.DEMO_NOW.date)
        window = KioskWindow(font=font, clock=clock, demo=True, can_print=True)
        window.resize(1080, 1920)
        window.show()
        try:
            for _name in screenshots._all_scenes(screenshots._Script(session), window, photo):
                view = session.view
                window.show_view(view)
                QCoreApplication.processEvents()
                walk_window(use, window)
                if view.holder is not None and view.tiles:
                    slip = build_slip(view, Words(language), kiosk_id="k", now=screenshots.DEMO_NOW)
                    slip_font = QFont()
                    slip_font.setFamilies(FAMILIES)  # as `ui.slip.print_slip` sets it
                    slip_font.setPointSizeF(9.5)
                    plain = "\n".join(slip.text_lines())
                    look_at(use, plain, slip_html(slip), slip_font, 600)
        finally:
            window.wipe()
            window.close()
            window.deleteLater()
            QCoreApplication.processEvents()
    return use


def main() -> int:
    """Print the walk's result as JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication(sys.argv[:1])
    use = walk()
    print(json.dumps(use.to_json(), ensure_ascii=False))
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
