"""The inactivity warning: full width over whatever screen is showing, a large countdown and
one big "I'm still here" button (WCAG 2.2.1: at least 20 s to extend with one tap)."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.session.view import SessionView
from ui.controls import KioskButton, TextLabel, set_role
from ui.screens.base import Look, panel
from ui.words.strings import Words

_CENTRE = Qt.AlignmentFlag.AlignHCenter


class WarningOverlay(QFrame):
    """Covers its parent while the session's `warning_until` is set. The countdown is drawn
    from the session's clock; the session's own timer decides when time is up.

    Signals:
        still_here(): the button was pressed.
    """

    still_here = Signal()

    def __init__(self, clock: Callable[[], float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "overlay")
        self._clock = clock
        self._until: float | None = None
        self.title = TextLabel("display", align=_CENTRE)
        self.body = TextLabel("body", align=_CENTRE)
        self.countdown = TextLabel("countdown", wrap=False, align=_CENTRE)
        self.unit = TextLabel("title", align=_CENTRE)
        self.button = KioskButton("primary")
        self.button.clicked.connect(self.still_here)
        self._panel = panel()
        inner = QVBoxLayout(self._panel)
        for widget in (self.title, self.body, self.countdown, self.unit):
            inner.addWidget(widget)
        inner.addWidget(self.button)
        self._inner = inner
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self._panel)
        outer.addStretch(1)
        self._outer = outer
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update_countdown)
        self.hide()

    @property
    def ticking(self) -> bool:
        """True while the countdown's display timer runs (only while shown)."""
        return self._tick.isActive()

    def apply_look(self, look: Look) -> None:
        """Sizes and colours."""
        m = look.metrics
        self._outer.setContentsMargins(m.margin // 2, m.margin, m.margin // 2, m.margin)
        self._inner.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._inner.setSpacing(m.gap * 2)

    def show_view(self, view: SessionView, words: Words) -> None:
        """Show (with the countdown) or hide, as the view says."""
        self._until = view.warning_until
        if self._until is None:
            self._tick.stop()
            self.hide()
            return
        self.title.set_text(words("warning_title"))
        self.body.set_text(words("warning_body"))
        self.unit.set_text(words("warning_seconds"))
        self.button.setText(f"{words('warning_button')}   /   {words('warning_button_other')}")
        self._update_countdown()
        if not self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            self.show()
            self.raise_()
            self.button.setFocus()
        self._tick.start()

    def seconds_left(self) -> int:
        """Whole seconds left on the countdown (0 when not warning)."""
        if self._until is None:
            return 0
        return max(0, math.ceil(self._until - self._clock()))

    def _update_countdown(self) -> None:
        self.countdown.set_text(str(self.seconds_left()))

    def clear(self) -> None:
        """Hide and stop."""
        self._until = None
        self._tick.stop()
        self.hide()
