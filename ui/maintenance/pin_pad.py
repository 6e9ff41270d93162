"""The maintenance PIN pad: big keys, one drawn dot per digit typed, never a digit shown.

It covers the window (over the attract or out-of-service screen) until the PIN is checked or
the pad is cancelled. It decides nothing: the digits go out by `submitted` and are dropped from
the pad at once; the controller says what came of them (`show_message`).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.pin import PIN_MAX_DIGITS, PIN_MIN_DIGITS
from ui.controls import KioskButton, TextLabel, set_role, set_tone
from ui.screens.base import Look, panel
from ui.words.strings import Words

_CENTRE = Qt.AlignmentFlag.AlignHCenter
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): str(n) for n in range(10)}


class PinDots(QWidget):
    """One filled dot per digit typed (drawn, so no font needs the glyph); nothing else."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._count = 0
        self._colour = QColor("#1A1F2B")
        self._dot = 28
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    @property
    def count(self) -> int:
        """How many dots are shown."""
        return self._count

    def set_count(self, count: int) -> None:
        """Show `count` dots."""
        self._count = count
        self.update()

    def set_look(self, colour: str, dot: int) -> None:
        """Dot colour and diameter (px)."""
        self._colour = QColor(colour)
        self._dot = dot
        self.setFixedHeight(dot * 2)
        self.update()

    def sizeHint(self) -> QSize:
        """Room for the longest PIN."""
        return QSize(self._dot * 2 * PIN_MAX_DIGITS, self._dot * 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The dots, centred."""
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour)
        step = self._dot * 1.6
        left = (self.width() - step * self._count + (step - self._dot)) / 2
        top = (self.height() - self._dot) / 2
        for n in range(self._count):
            painter.drawEllipse(QRectF(left + n * step, top, self._dot, self._dot))
        painter.end()


class PinPad(QFrame):
    """Covers its parent while a technician types the PIN.

    Signals:
        submitted(str): the digits typed (OK); the pad has already forgotten them.
        cancelled(): Cancel (or Escape).
        touched(): any key (the controller's idle limit for the pad).
    """

    submitted = Signal(str)
    cancelled = Signal()
    touched = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "overlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._digits = ""
        self._busy = False
        self.title = TextLabel("title", align=_CENTRE)
        self.hint = TextLabel("small", align=_CENTRE)
        self.dots = PinDots()
        self.message = TextLabel("strong", align=_CENTRE)
        self.keys: dict[str, KioskButton] = {}
        grid = QGridLayout()
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "ok"]
        for index, key in enumerate(labels):
            button = KioskButton("primary" if key == "ok" else "secondary")
            if key.isdigit():
                set_role(button, "pinkey")
                button.setText(key)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, k=key: self._press(k))
            self.keys[key] = button
            grid.addWidget(button, index // 3, index % 3)
        self._grid = grid
        self.cancel = KioskButton("secondary")
        self.cancel.clicked.connect(self._cancel)
        self._panel = panel()
        inner = QVBoxLayout(self._panel)
        for widget in (self.title, self.hint, self.dots, self.message):
            inner.addWidget(widget)
        inner.addLayout(grid)
        inner.addWidget(self.cancel)
        self._inner = inner
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self._panel, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self._outer = outer
        self.hide()

    # --- what the controller uses ---------------------------------------------------------------

    @property
    def typed(self) -> int:
        """How many digits are typed (never which)."""
        return len(self._digits)

    def open(self, words: Words) -> None:
        """Show the pad, empty, over the whole parent."""
        self._digits = ""
        self._busy = False
        self.set_words(words)
        self.show_message("")
        self._refresh()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def close_pad(self) -> None:
        """Hide the pad and forget anything typed."""
        self._digits = ""
        self._busy = False
        self.message.clear()
        self._refresh()
        self.hide()

    def set_words(self, words: Words) -> None:
        """The pad's words."""
        self.title.set_text(words("maint_pin_title"))
        self.hint.set_text(words("maint_pin_hint"))
        self.keys["delete"].setText(words("maint_pin_delete"))
        self.keys["ok"].setText(words("maint_pin_ok"))
        self.cancel.setText(words("maint_pin_cancel"))

    def set_busy(self, busy: bool) -> None:
        """While the PIN is checked no key works (a second OK must not count twice)."""
        self._busy = busy
        self._refresh()

    def show_message(self, text: str, tone: str = "") -> None:
        """A line under the dots: checking, wrong PIN, locked."""
        self.message.set_text(text)
        set_tone(self.message, tone)

    def apply_look(self, look: Look) -> None:
        """Sizes and colours: keys at least 96 px high at the reference, never under 60 px."""
        m = look.metrics
        self._outer.setContentsMargins(m.margin // 2, m.margin, m.margin // 2, m.margin)
        self._inner.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._inner.setSpacing(m.gap)
        self._grid.setSpacing(m.gap)
        self.dots.set_look(look.palette.text, max(16, m.px(28)))
        key_height = m.target(120)
        for button in self.keys.values():
            button.setMinimumHeight(key_height)

    # --- inside --------------------------------------------------------------------------------

    def _press(self, key: str) -> None:
        if self._busy:
            return
        self.touched.emit()
        if key == "delete":
            self._digits = self._digits[:-1]
        elif key == "ok":
            self._submit()
            return
        elif len(self._digits) < PIN_MAX_DIGITS:
            self._digits += key
        self.message.clear()
        self._refresh()

    def _submit(self) -> None:
        if len(self._digits) < PIN_MIN_DIGITS:
            return
        pin, self._digits = self._digits, ""
        self._refresh()
        self.submitted.emit(pin)

    def _cancel(self) -> None:
        self.close_pad()
        self.cancelled.emit()

    def _refresh(self) -> None:
        self.dots.set_count(len(self._digits))
        for key, button in self.keys.items():
            if key == "ok":
                button.setEnabled(not self._busy and len(self._digits) >= PIN_MIN_DIGITS)
            else:
                button.setEnabled(not self._busy)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A keyboard works too: digits, Backspace, Enter, Escape."""
        key = event.key()
        if key in _DIGIT_KEYS:
            self._press(_DIGIT_KEYS[key])
        elif key == Qt.Key.Key_Backspace:
            self._press("delete")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._press("ok")
        elif key == Qt.Key.Key_Escape:
            self._cancel()
        else:
            super().keyPressEvent(event)
