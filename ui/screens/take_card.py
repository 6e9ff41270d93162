"""Please take your card: the session is over (finished, declined, timed out, a read that
failed, a card left in at start-up); the kiosk waits for the card to come out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.session.commands import EndReason
from kiosk.session.view import SessionView
from ui.controls import TextLabel
from ui.illustrations import Illustration, Scene
from ui.screens.base import Look, Screen, ScrollPage
from ui.words.strings import Words

_CENTRE = Qt.AlignmentFlag.AlignHCenter
_REASON_KEYS = {
    EndReason.FINISHED: "take_finished",
    EndReason.DECLINED: "take_declined",
    EndReason.TIMED_OUT: "take_timed_out",
    EndReason.READ_FAILED: "take_read_failed",
    EndReason.FOUND_AT_START: "take_found_at_start",
    EndReason.RESET: "take_reset",
}


class TakeCardScreen(Screen):
    """A friendly full screen asking for the card to be taken out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = TextLabel("display", align=_CENTRE)
        self.reason = TextLabel("title", align=_CENTRE)
        self.picture = Illustration(Scene.TAKE_CARD)
        self.cleared = TextLabel("body", align=_CENTRE)
        self.again = TextLabel("small", align=_CENTRE)
        self.other_language = TextLabel("small", align=_CENTRE)
        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.addStretch(1)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.reason)
        self._layout.addWidget(self.picture, 0, _CENTRE)
        self._layout.addWidget(self.cleared)
        self._layout.addWidget(self.again)
        self._layout.addWidget(self.other_language)
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
        m = look.metrics
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.gap * 2)
        self.picture.set_palette_colours(look.palette, m.px(440 if not look.landscape else 340))

    def show_view(self, view: SessionView, words: Words) -> None:
        """Why the session ended, in the reader's words when the card could not be read."""
        if self._look is not None:
            self.page.set_cue(words("scroll_cue"), self._look)
        self.title.set_text(words("take_title"))
        reason = view.end_reason
        text = words(_REASON_KEYS[reason]) if reason in _REASON_KEYS else ""
        if reason is EndReason.READ_FAILED and view.failure is not None:
            said = view.failure.message_th if words.language == "th" else view.failure.message_en
            text = said or text
        self.reason.set_text(text)
        self.reason.setVisible(bool(text))
        self.cleared.set_text(words("take_cleared"))
        self.cleared.setVisible(reason is not EndReason.FOUND_AT_START)
        self.again.set_text(words("take_again"))
        self.other_language.set_text(words("take_other_language"))
