"""The demo's card control (`kiosk run --demo`): a small window beside the kiosk where the
visitor inserts and removes the demo card and picks another one (F2 / F3 work everywhere).

It drives `kiosk.demo.DemoEnvironment`, whose calls block (a socket to vpcd, a thread to join),
so every one runs on a worker; the kiosk itself hears about the card the real way, from the
reader's monitor. Not part of the kiosk's window: nothing here is shown to a citizen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QButtonGroup, QPushButton, QVBoxLayout, QWidget

from kiosk.demo import DEMO_CARDS, DemoCard
from kiosk.session_view import SessionView
from ui.controls import TextLabel
from ui.strings import Words
from ui.theme import NORMAL, Metrics, style_sheet
from ui.worker import Workers


class DemoCardSlot(Protocol):
    """The part of `kiosk.demo.DemoEnvironment` the control uses (blocking calls)."""

    @property
    def current(self) -> DemoCard:
        """The card picked."""
        ...

    @property
    def inserted(self) -> bool:
        """True while the card is in the reader."""
        ...

    def insert(self) -> None:
        """Put the picked card in."""

    def remove(self) -> None:
        """Take the card out."""

    def use_profile(self, key: str) -> None:
        """Pick another card (one in the reader is taken out first)."""


class DemoControl(QWidget):
    """Insert / remove the demo card and pick another; see the module docstring."""

    def __init__(self, slot: DemoCardSlot, workers: Workers, font: QFont) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("KioskWindow")  # the kiosk's style sheet rules for the background
        self.setFont(font)
        self._slot = slot
        self._workers = workers
        self._busy = False
        self._words = Words("th")
        self.title = TextLabel("strong")
        self.state = TextLabel("small")
        self.insert_button = QPushButton()
        self.remove_button = QPushButton()
        self.pick = TextLabel("small")
        self.cards: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.state, self.insert_button, self.remove_button, self.pick):
            layout.addWidget(widget)
        for card in DEMO_CARDS:
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("role", "toggle")
            button.clicked.connect(lambda _checked=False, key=card.key: self.choose(key))
            group.addButton(button)
            layout.addWidget(button)
            self.cards[card.key] = button
        layout.addStretch(1)
        self.insert_button.clicked.connect(self.insert)
        self.remove_button.clicked.connect(self.remove)
        metrics = Metrics(scale=0.5, text_factor=0.75)  # a tool, not a citizen screen
        self.setStyleSheet(style_sheet(NORMAL, metrics))
        self._refresh()

    def bind_keys(self, *windows: QWidget) -> list[QShortcut]:
        """F2 inserts, F3 removes, from any of `windows` (the kiosk's and this one)."""
        shortcuts = []
        for window in (*windows, self):
            for key, action in (("F2", self.insert), ("F3", self.remove)):
                shortcut = QShortcut(QKeySequence(key), window)
                shortcut.activated.connect(action)
                shortcuts.append(shortcut)
        return shortcuts

    def follow(self, view: SessionView) -> None:
        """Speak the kiosk's language."""
        if view.preferences.language != self._words.language:
            self._words = Words(view.preferences.language)
            self._refresh()

    def insert(self) -> None:
        """Put the picked card in (on a worker)."""
        self._run(self._slot.insert)

    def remove(self) -> None:
        """Take the card out (on a worker)."""
        self._run(self._slot.remove)

    def choose(self, key: str) -> None:
        """Pick the card `key` (the one in the reader comes out first)."""
        self._run(self._slot.use_profile, key)

    @property
    def busy(self) -> bool:
        """True while a card action runs."""
        return self._busy

    def _run(self, action: Callable[..., None], *args: object) -> None:
        if self._busy:
            return
        self._busy = True
        self._refresh()
        self._workers.run(action, *args, on_done=self._done)

    def _done(self) -> None:
        self._busy = False
        self._refresh()

    def _refresh(self) -> None:
        words = self._words
        self.setWindowTitle(words("demo_control_title"))
        self.title.set_text(words("demo_control_title"))
        inserted = self._slot.inserted
        self.state.set_text(
            words("demo_busy")
            if self._busy
            else words("demo_card_in" if inserted else "demo_card_out")
        )
        self.insert_button.setText(words("demo_insert"))
        self.remove_button.setText(words("demo_remove"))
        self.insert_button.setEnabled(not self._busy and not inserted)
        self.remove_button.setEnabled(not self._busy and inserted)
        self.pick.set_text(words("demo_pick"))
        current = self._slot.current.key
        for card in DEMO_CARDS:
            button = self.cards[card.key]
            button.setText(card.label_th if words.language == "th" else card.label_en)
            button.setChecked(card.key == current)
            button.setEnabled(not self._busy)
