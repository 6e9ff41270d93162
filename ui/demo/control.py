"""The demo's card control (`kiosk run --demo`): a small strip over the kiosk's DEMO banner (or
beside a windowed kiosk) where the visitor inserts and removes the demo card and picks another
one (F2 / F3 work everywhere).

It drives `kiosk.wiring.demo.DemoEnvironment`, whose calls block (a socket to vpcd, a thread to
join), so every one runs on a worker; the kiosk itself hears about the card the real way, from the
reader's monitor. Not part of the kiosk's window: nothing here is shown to a citizen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.session.view import SessionView
from kiosk.wiring.demo import DEMO_CARDS, DemoCard
from ui.controls import set_role
from ui.theme import NORMAL, Metrics, style_sheet
from ui.words.strings import Words
from ui.worker import Workers


class DemoCardSlot(Protocol):
    """The part of `kiosk.wiring.demo.DemoEnvironment` the control uses (blocking calls)."""

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
    """Insert / remove the demo card and pick another; see the module docstring.

    A strip: `[Insert (F2)] [Remove (F3)] [card ▾]` (the one that cannot be pressed says where
    the card is), laid over the right end of the kiosk's DEMO banner, or beside a windowed
    kiosk.
    """

    def __init__(self, slot: DemoCardSlot, workers: Workers, font: QFont) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("KioskWindow")  # the kiosk's style sheet rules for the background
        self.setFont(font)
        self._slot = slot
        self._workers = workers
        self._busy = False
        self._words = Words("th")
        self.frame = QFrame(self)
        set_role(self.frame, "panel")
        self.insert_button = QPushButton()
        self.remove_button = QPushButton()
        self.cards = QComboBox()
        # The picked card's words are cut to fit the strip; the list shows them whole.
        self.cards.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.cards.setMinimumContentsLength(16)
        for card in DEMO_CARDS:
            self.cards.addItem("", card.key)
        row = QHBoxLayout(self.frame)
        row.setContentsMargins(8, 4, 8, 4)
        for widget in (self.insert_button, self.remove_button, self.cards):
            row.addWidget(widget)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.frame)
        self.insert_button.clicked.connect(self.insert)
        self.remove_button.clicked.connect(self.remove)
        self.cards.activated.connect(lambda index: self.choose(str(self.cards.itemData(index))))
        metrics = Metrics(scale=0.6, text_factor=0.8)  # a tool, not a citizen screen
        self.setStyleSheet(style_sheet(NORMAL, metrics) + _COMBO_STYLE)
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

    def place(self, kiosk: QRect, banner: QRect, *, beside: bool) -> None:
        """At the right end of the kiosk's DEMO banner (where no button of the kiosk's is:
        the bottom bar holds the citizen's answers, the top-left corner the maintenance
        gesture), or `beside` a windowed kiosk."""
        self.adjustSize()
        if beside:
            self.move(kiosk.right() + 16, kiosk.top())
        else:
            self.move(
                banner.right() - self.width() - 8,
                max(kiosk.top(), banner.center().y() - self.height() // 2),
            )

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
        inserted = self._slot.inserted
        state = words(
            "demo_busy" if self._busy else "demo_card_in" if inserted else "demo_card_out"
        )
        self.setToolTip(state)
        self.insert_button.setText(words("demo_insert"))
        self.remove_button.setText(words("demo_remove"))
        self.insert_button.setEnabled(not self._busy and not inserted)
        self.remove_button.setEnabled(not self._busy and inserted)
        current = self._slot.current.key
        for index, card in enumerate(DEMO_CARDS):
            label = card.label_th if words.language == "th" else card.label_en
            self.cards.setItemText(index, label)
            if card.key == current:
                self.cards.setCurrentIndex(index)
        self.cards.setToolTip(words("demo_pick"))
        self.cards.setEnabled(not self._busy)


_COMBO_STYLE = """
QPushButton { font-size: 18px; min-height: 40px; padding: 0 10px; }
QComboBox { font-size: 18px; padding: 2px 10px; min-height: 40px; border: 2px solid #1B3A6B;
            border-radius: 8px; background: #FFFFFF; color: #1B3A6B; }
QComboBox QAbstractItemView { font-size: 18px; background: #FFFFFF; color: #1A1F2B; }
"""
