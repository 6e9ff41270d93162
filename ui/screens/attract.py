"""The attract screen (what the kiosk does, how to insert the card) and its out-of-service
variant (which clears itself when the cause is gone)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.session.view import OutOfServiceCause, SessionState, SessionView
from ui.controls import TextLabel
from ui.illustrations import Illustration, Scene
from ui.screens.base import Look, Screen, ScrollPage
from ui.words.strings import Words

_CENTRE = Qt.AlignmentFlag.AlignHCenter


class AttractScreen(Screen):
    """Idle: invite the passer-by to insert their card. Out of service: say so, kindly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = TextLabel("display", align=_CENTRE)
        self.purpose = TextLabel("body", align=_CENTRE)
        self.picture = Illustration(Scene.INSERT_CARD)
        self.instruction = TextLabel("display", align=_CENTRE)
        self.hint = TextLabel("body", align=_CENTRE)
        self.other_language = TextLabel("small", align=_CENTRE)
        self.causes = TextLabel("small", align=_CENTRE)
        content = QWidget()
        self._layout = QVBoxLayout(content)
        for widget in (self.title, self.purpose):
            self._layout.addWidget(widget)
        self._layout.addStretch(1)
        self._layout.addWidget(self.picture, 0, _CENTRE)
        self._layout.addStretch(1)
        for widget in (self.instruction, self.hint, self.other_language, self.causes):
            self._layout.addWidget(widget)
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
        self._layout.setSpacing(m.gap)
        self.picture.set_palette_colours(look.palette, m.px(520 if not look.landscape else 380))

    def show_view(self, view: SessionView, words: Words) -> None:
        """Idle or out of service."""
        if self._look is not None:
            self.page.set_cue(words("scroll_cue"), self._look)
        if view.state is SessionState.OUT_OF_SERVICE:
            self._show_out_of_service(view, words)
            return
        self.picture.set_scene(Scene.INSERT_CARD)
        self.title.set_text(words("attract_title"))
        self.purpose.set_text(words("attract_purpose"))
        self.instruction.set_text(words("attract_insert"))
        self.hint.set_text(words("attract_hint"))
        self.other_language.set_text(words("attract_other_language"))
        for label in (self.instruction, self.hint, self.other_language):
            label.show()
        self.causes.hide()

    def _show_out_of_service(self, view: SessionView, words: Words) -> None:
        starting = view.out_of_service == {OutOfServiceCause.STARTING}
        self.picture.set_scene(Scene.CARD_IN_READER if starting else Scene.OUT_OF_SERVICE)
        self.title.set_text(words("oos_starting_title" if starting else "oos_title"))
        self.purpose.set_text(words("oos_starting_body" if starting else "oos_body"))
        for label in (self.instruction, self.hint, self.other_language):
            label.set_text("")
            label.hide()
        # For the technician who comes to look: which causes, in plain words.
        causes = sorted(view.out_of_service - {OutOfServiceCause.STARTING})
        self.causes.set_text(" · ".join(words(f"oos_cause_{c.value}") for c in causes))
        self.causes.setVisible(bool(causes))
