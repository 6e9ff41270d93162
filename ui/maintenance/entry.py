"""The hidden way into maintenance mode, watched application-wide: five taps in the window's
top-left corner within three seconds, or Ctrl+Alt+M on a keyboard. It never takes an event
from the widget it was meant for: a tap still does whatever it does there."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QWidget

from kiosk.maintenance.door import CornerTaps, corner_px

_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
_CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class EntryWatch(QObject):
    """An event filter for the application (installed by `ui.app.KioskApp.watch_activity`).

    Signals:
        knocked(str): the gesture ("gesture") or the key chord ("keys") was seen.
    """

    knocked = Signal(str)

    def __init__(
        self,
        window: QWidget,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._clock = clock
        self._taps = CornerTaps()
        # Qt hands an unaccepted press to each parent in turn, and an application filter sees
        # every hand-over: the same press is counted once (same time, same place).
        self._last: tuple[int, int, int, int] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count taps and watch for the chord; never swallow the event."""
        kind = event.type()
        # A quick second tap reaches widgets as a double click instead of a press.
        if kind in _PRESSES and isinstance(event, QMouseEvent):
            self._press(watched, event)
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self._key(watched, event)
        return False

    def _ours(self, watched: QObject) -> bool:
        return isinstance(watched, QWidget) and watched.window() is self._window

    def _seen(self, kind: int, event: QMouseEvent | QKeyEvent, x: int, y: int) -> bool:
        stamp = (kind, event.timestamp(), x, y)
        if stamp == self._last:
            return True
        self._last = stamp
        return False

    def _press(self, watched: QObject, event: QMouseEvent) -> None:
        if not self._ours(watched) or event.button() != Qt.MouseButton.LeftButton:
            return
        where = event.globalPosition().toPoint()
        if self._seen(1, event, where.x(), where.y()):
            return
        local = self._window.mapFromGlobal(where)
        corner = corner_px(self._window.width(), self._window.height())
        if self._taps.tap(local.x(), local.y(), corner, self._clock()):
            self.knocked.emit("gesture")

    def _key(self, watched: QObject, event: QKeyEvent) -> None:
        if not self._ours(watched) or event.isAutoRepeat() or event.key() != Qt.Key.Key_M:
            return
        if (event.modifiers() & _CHORD) != _CHORD or self._seen(2, event, 0, 0):
            return
        self.knocked.emit("keys")
