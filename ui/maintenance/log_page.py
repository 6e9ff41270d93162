"""The log page: the last 200 lines of the kiosk's log, monospace and scrollable, newest at the
bottom (scrolled there), with a refresh button. The log holds no personal data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QWidget

from kiosk.maintenance.pages import LOG_VIEW_LINES
from ui.controls import KioskButton, TextLabel, set_role
from ui.maintenance.page import MaintenancePage


class LogPage(MaintenancePage):
    """The log's last lines.

    Signals:
        refresh_pressed(): read the log again.
    """

    refresh_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, scroll=False)  # the text scrolls itself
        self.intro = TextLabel("strong")
        self.refresh = KioskButton("secondary")
        self.refresh.clicked.connect(self.refresh_pressed)
        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.refresh)
        self.text = QPlainTextEdit()
        set_role(self.text, "log")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMaximumBlockCount(LOG_VIEW_LINES + 1)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.content_layout.addLayout(top)
        self.content_layout.addWidget(self.text, 1)
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The lines shown."""
        return list(self._lines or [])

    def show_lines(self, lines: list[str]) -> None:
        """Show `lines` (oldest first) and scroll to the newest."""
        self._lines = lines
        self.redraw()

    def clear(self) -> None:
        """Forget the lines (maintenance mode was left)."""
        self._lines = None
        self.redraw()

    def redraw(self) -> None:
        """Draw the lines held."""
        words = self.words
        self.refresh.setText(words("maint_refresh"))
        if self._lines is None:
            self.intro.set_text(words("maint_loading"))
            self.text.clear()
            return
        if not self._lines:
            self.intro.set_text(words("maint_log_empty"))
            self.text.clear()
            return
        self.intro.set_text(words("maint_log_intro", n=len(self._lines)))
        text = "\n".join(self._lines)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())
