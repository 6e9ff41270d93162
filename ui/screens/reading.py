"""Reading the card: progress, and "do not remove your card"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.session.view import SessionView
from ui.controls import TextLabel
from ui.illustrations import BusyDots, Illustration, Scene
from ui.screens.base import Look, Screen, ScrollPage
from ui.status_icons import StatusIcon
from ui.words.strings import Words
from ui.words.values import Glyph

_CENTRE = Qt.AlignmentFlag.AlignHCenter


class ReadingScreen(Screen):
    """The card is being read (a few seconds); nothing to do but wait."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = TextLabel("display", align=_CENTRE)
        self.picture = Illustration(Scene.CARD_IN_READER)
        self.dots = BusyDots()
        self.keep_icon = StatusIcon()
        self.keep = TextLabel("title", wrap=True)
        self.wait = TextLabel("body", align=_CENTRE)
        keep_row = QHBoxLayout()
        keep_row.addStretch(1)
        keep_row.addWidget(self.keep_icon)
        keep_row.addWidget(self.keep)
        keep_row.addStretch(1)
        self._keep_row = keep_row
        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.addStretch(1)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.picture, 0, _CENTRE)
        self._layout.addWidget(self.dots, 0, _CENTRE)
        self._layout.addLayout(keep_row)
        self._layout.addWidget(self.wait)
        self._layout.addStretch(1)
        # On a small screen (or in large text) the page scrolls rather than forcing the window
        # taller than the screen.
        self.page = ScrollPage(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page)
        self._look: Look | None = None

    def apply_look(self, look: Look) -> None:
        """Sizes and colours."""
        self._look = look
        m, p = look.metrics, look.palette
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.gap * 2)
        self._keep_row.setSpacing(m.gap)
        self.picture.set_palette_colours(p, m.px(420 if not look.landscape else 340))
        self.dots.set_colours(p.asking, p.border, m.px(28))
        self.keep_icon.show_glyph(Glyph.WARNING, p.offline, p.background, round(m.title * 1.2))

    def show_view(self, view: SessionView, words: Words) -> None:
        """The same for every citizen: no personal data here."""
        if self._look is not None:
            self.page.set_cue(words("scroll_cue"), self._look)
        del view
        self.title.set_text(words("reading_title"))
        self.keep.set_text(words("reading_keep"))
        self.wait.set_text(words("reading_wait"))
