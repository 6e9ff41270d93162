"""The fixed bottom bar of every citizen screen: language, text size, high contrast, and the
screen's own actions (the primary one biggest, on the right, where a hand lands)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QWidget

from kiosk.session.view import Preferences
from ui.controls import KioskButton, set_role
from ui.screens.base import Look
from ui.words.strings import Words


class BarAction(StrEnum):
    """What a screen's action buttons do; the controller turns them into session events."""

    AGREE = "agree"
    DECLINE = "decline"
    FINISH = "finish"
    PRINT = "print"
    PRINT_MEMO = "print_memo"  # a record's memo
    BACK = "back"


_LABELS = {
    BarAction.AGREE: "consent_agree",
    BarAction.DECLINE: "consent_cancel",
    BarAction.FINISH: "finish",
    BarAction.PRINT: "print",
    BarAction.PRINT_MEMO: "print_memo",
    BarAction.BACK: "back",
}


class BottomBar(QFrame):
    """Three switches and up to two actions.

    Signals:
        language_pressed(), large_text_pressed(), contrast_pressed(): a switch was tapped.
        action(str): a `BarAction` value.
    """

    language_pressed = Signal()
    large_text_pressed = Signal()
    contrast_pressed = Signal()
    action = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "bar")
        self.language = KioskButton("toggle")
        self.large_text = KioskButton("toggle")
        self.contrast = KioskButton("toggle")
        for button in (self.large_text, self.contrast):
            button.setCheckable(True)
        self.secondary = KioskButton("secondary")
        self.primary = KioskButton("primary")
        self.language.clicked.connect(self.language_pressed)
        self.large_text.clicked.connect(self.large_text_pressed)
        self.contrast.clicked.connect(self.contrast_pressed)
        self.secondary.clicked.connect(lambda: self._act(self.secondary))
        self.primary.clicked.connect(lambda: self._act(self.primary))
        self._grid = QGridLayout(self)
        self._landscape: bool | None = None

    def _act(self, button: KioskButton) -> None:
        value = button.property("action")
        if value:
            self.action.emit(str(value))

    def apply_look(self, look: Look) -> None:
        """Sizes; one row in landscape, switches above actions in portrait."""
        m = look.metrics
        self._grid.setContentsMargins(m.margin, m.gap, m.margin, m.gap)
        self._grid.setHorizontalSpacing(m.gap)
        self._grid.setVerticalSpacing(m.gap)
        if look.landscape == self._landscape:
            return
        self._landscape = look.landscape
        for widget in (self.language, self.large_text, self.contrast, self.secondary, self.primary):
            self._grid.removeWidget(widget)
        for column in range(6):
            self._grid.setColumnStretch(column, 0)
        if look.landscape:
            for column, widget in enumerate((self.language, self.large_text, self.contrast)):
                self._grid.addWidget(widget, 0, column)
            self._grid.setColumnStretch(3, 1)
            self._grid.addWidget(self.secondary, 0, 4)
            self._grid.addWidget(self.primary, 0, 5)
        else:
            for column, widget in enumerate((self.language, self.large_text, self.contrast)):
                self._grid.addWidget(widget, 0, column * 2, 1, 2)
            self._grid.addWidget(self.secondary, 1, 0, 1, 2)
            self._grid.addWidget(self.primary, 1, 2, 1, 4)
            for column in range(6):
                self._grid.setColumnStretch(column, 1)

    def show_bar(
        self,
        preferences: Preferences,
        words: Words,
        *,
        secondary: BarAction | None = None,
        primary: BarAction | None = None,
    ) -> None:
        """The switches' state and this screen's actions (None: no such button)."""
        self.language.setText(words("switch_language"))
        self.large_text.setText(words("large_text"))
        self.large_text.setChecked(preferences.large_text)
        self.contrast.setText(words("high_contrast"))
        self.contrast.setChecked(preferences.high_contrast)
        for button, action in ((self.secondary, secondary), (self.primary, primary)):
            button.setProperty("action", action.value if action else "")
            button.setText(words(_LABELS[action]) if action else "")
            button.setVisible(action is not None)
