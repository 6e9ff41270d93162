"""What every maintenance page shares: its content scrolls, it keeps its data and draws it again
in the current words and look (the language switch, a resize)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.screens.base import Look, ScrollPage
from ui.words.strings import Words


class MaintenancePage(QWidget):
    """A page of the maintenance screen. Subclasses fill `content_layout` and implement
    `redraw` (draw the data held, in `self.words` and `self.look`)."""

    def __init__(self, parent: QWidget | None = None, *, scroll: bool = True) -> None:
        super().__init__(parent)
        self.words = Words("en")
        self.look: Look | None = None
        content = QWidget()
        self.content_layout = QVBoxLayout(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        if scroll:
            self.scroller: ScrollPage | None = ScrollPage(content)
            outer.addWidget(self.scroller)
        else:
            self.scroller = None
            outer.addWidget(content)

    def apply_look(self, look: Look) -> None:
        """Sizes and colours, then draw again."""
        self.look = look
        m = look.metrics
        self.content_layout.setContentsMargins(m.margin // 2, m.gap, m.margin // 2, m.gap)
        self.content_layout.setSpacing(m.gap)
        self.redraw()

    def set_words(self, words: Words) -> None:
        """The language to draw in; draw again if it changed."""
        if words.language != self.words.language or self.look is None:
            self.words = words
            self.redraw()
        if self.scroller is not None and self.look is not None:
            self.scroller.set_cue(words("scroll_cue"), self.look)

    def redraw(self) -> None:
        """Draw the data held."""
