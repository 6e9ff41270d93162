"""The offline cache page: its state (snapshots, size, age) from the status report, and the two
purges — expired copies, or all of them — each behind a confirmation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.doctor.findings import Finding
from ui.controls import KioskButton, TextLabel, set_tone
from ui.maintenance.page import MaintenancePage
from ui.maintenance.rows import ConfirmBox, VerdictRow
from ui.screens.base import Look

PURGE_EXPIRED = "purge_expired"
PURGE_ALL = "purge_all"


class CachePage(MaintenancePage):
    """Look at the offline cache and purge it.

    Signals:
        purge_confirmed(bool): purge now (True: everything; False: the expired copies).
    """

    purge_confirmed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = TextLabel("body")
        self.state = VerdictRow()
        self.state.hide()
        self.expired = KioskButton("secondary")
        self.all = KioskButton("secondary")
        self.expired.clicked.connect(lambda: self._ask(PURGE_EXPIRED))
        self.all.clicked.connect(lambda: self._ask(PURGE_ALL))
        buttons = QHBoxLayout()
        buttons.addWidget(self.expired, 1)
        buttons.addWidget(self.all, 1)
        self.confirm = ConfirmBox()
        self.confirm.confirmed.connect(
            lambda action: self.purge_confirmed.emit(action == PURGE_ALL)
        )
        self.outcome = TextLabel("strong")
        layout = self.content_layout
        layout.addWidget(self.intro)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        self._finding: Finding | None = None
        self._retention_days = 30
        self._enabled = True
        self._busy = False
        self._deleted: int | None = None
        self._done = False

    def configure(self, *, retention_days: int, enabled: bool) -> None:
        """What "expired" means; whether there is a cache to purge at all."""
        self._retention_days = retention_days
        self._enabled = enabled
        self.redraw()

    def show_known(self, finding: Finding | None) -> None:
        """The cache item of the latest status report."""
        self._finding = finding
        self.redraw()

    def show_purging(self) -> None:
        """A purge has started."""
        self._busy = True
        self._done = False
        self.redraw()

    def show_purged(self, deleted: int | None) -> None:
        """A purge has ended: how many copies went (None: the cache could not)."""
        self._busy = False
        self._done = True
        self._deleted = deleted
        self.redraw()

    def clear(self) -> None:
        """Forget the outcome (maintenance mode was left)."""
        self._done = False
        self._deleted = None
        self._busy = False
        self.confirm.dismiss()
        self.redraw()

    def apply_look(self, look: Look) -> None:
        """Sizes."""
        self.confirm.apply_look(look)
        super().apply_look(look)

    def redraw(self) -> None:
        """Draw the cache's state and the last purge's outcome."""
        words, look = self.words, self.look
        self.intro.set_text(words("maint_cache_intro"))
        self.expired.setText(words("maint_purge_expired"))
        self.all.setText(words("maint_purge_all"))
        for button in (self.expired, self.all):
            button.setEnabled(self._enabled and not self._busy)
        if self._finding is not None and look is not None:
            self.state.show_finding(self._finding, words, look)
            self.state.show()
        else:
            self.state.hide()
        if self._busy:
            self.outcome.set_text(words("maint_purging"))
            set_tone(self.outcome, "")
        elif self._done and self._deleted is not None:
            self.outcome.set_text(words("maint_purged", n=self._deleted))
            set_tone(self.outcome, "active")
        elif self._done or not self._enabled:
            self.outcome.set_text(words("maint_purge_failed"))
            set_tone(self.outcome, "error")
        else:
            self.outcome.set_text("")

    def _ask(self, action: str) -> None:
        words = self.words
        if action == PURGE_ALL:
            question = words("maint_confirm_all")
        else:
            question = words("maint_confirm_expired", days=self._retention_days)
        self.confirm.ask(action, question, words("maint_confirm_delete"), words)
