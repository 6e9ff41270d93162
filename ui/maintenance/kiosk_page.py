"""The kiosk page: a test print (a slip with no personal data), restarting the app, and — only
where `maintenance.allow_exit` is true — leaving it for the desktop; the last two behind a
confirmation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ui.controls import KioskButton, TextLabel, set_tone
from ui.maintenance.page import MaintenancePage
from ui.maintenance.rows import ConfirmBox
from ui.screens.base import Look

RESTART = "restart"
EXIT = "exit"


class KioskPage(MaintenancePage):
    """Printer and app.

    Signals:
        print_pressed(): print a test slip.
        restart_confirmed(): restart the app.
        exit_confirmed(): close the app for the desktop.
    """

    print_pressed = Signal()
    restart_confirmed = Signal()
    exit_confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.print = KioskButton("secondary")
        self.print.clicked.connect(self.print_pressed)
        self.printer_note = TextLabel("body")
        self.print_outcome = TextLabel("strong")
        self.restart = KioskButton("secondary")
        self.exit = KioskButton("secondary")
        self.restart.clicked.connect(lambda: self._ask(RESTART))
        self.exit.clicked.connect(lambda: self._ask(EXIT))
        self.confirm = ConfirmBox()
        self.confirm.confirmed.connect(self._confirmed)
        layout = self.content_layout
        for widget in (self.print, self.printer_note, self.print_outcome):
            layout.addWidget(widget)
        layout.addSpacing(24)
        for button in (self.restart, self.exit):
            layout.addWidget(button)
        layout.addWidget(self.confirm)
        layout.addStretch(1)
        self._can_print = False
        self._allow_exit = False
        self._printing = False
        self._printed: bool | None = None

    def configure(self, *, can_print: bool, allow_exit: bool) -> None:
        """Is a printer set? May the app be left for the desktop?"""
        self._can_print = can_print
        self._allow_exit = allow_exit
        self.redraw()

    def show_printing(self) -> None:
        """A test print has started."""
        self._printing = True
        self._printed = None
        self.redraw()

    def show_printed(self, ok: bool) -> None:
        """A test print has ended."""
        self._printing = False
        self._printed = ok
        self.redraw()

    def clear(self) -> None:
        """Forget the outcome (maintenance mode was left)."""
        self._printing = False
        self._printed = None
        self.confirm.dismiss()
        self.redraw()

    def apply_look(self, look: Look) -> None:
        """Sizes."""
        self.confirm.apply_look(look)
        super().apply_look(look)

    def redraw(self) -> None:
        """Draw the buttons (the print button only with a printer; exit only when allowed)."""
        words = self.words
        self.print.setText(words("maint_print_test"))
        self.print.setVisible(self._can_print)
        self.print.setEnabled(not self._printing)
        self.printer_note.set_text("" if self._can_print else words("maint_no_printer"))
        self.printer_note.setVisible(not self._can_print)
        if self._printing:
            self.print_outcome.set_text(words("maint_printing"))
            set_tone(self.print_outcome, "")
        elif self._printed is not None:
            self.print_outcome.set_text(
                words("maint_printed" if self._printed else "maint_print_failed")
            )
            set_tone(self.print_outcome, "active" if self._printed else "error")
        else:
            self.print_outcome.set_text("")
        self.restart.setText(words("maint_restart"))
        self.exit.setText(words("maint_exit"))
        self.exit.setVisible(self._allow_exit)

    def _ask(self, action: str) -> None:
        words = self.words
        question = words("maint_confirm_restart" if action == RESTART else "maint_confirm_exit")
        self.confirm.ask(action, question, words("maint_confirm_go"), words)

    def _confirmed(self, action: str) -> None:
        if action == RESTART:
            self.restart_confirmed.emit()
        elif action == EXIT and self._allow_exit:
            self.exit_confirmed.emit()
