"""From other threads to the GUI thread: a callback becomes a queued Qt signal.

The card reader's thread and the check's workers call `EventBridge.post(event)`; the event
arrives on the thread the bridge lives in (the GUI thread) through `posted`, in order, after
the caller has moved on. The session is touched only there, so it needs no lock.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from kiosk.session.events import SessionEvent


class EventBridge(QObject):
    """Thread-safe `post`; `posted` fires on the bridge's own thread.

    Signals:
        posted(object): a session event, delivered queued.
    """

    posted = Signal(object)

    def post(self, event: SessionEvent) -> None:
        """Hand `event` to the GUI thread. Safe from any thread; never blocks."""
        self.posted.emit(event)

    def connect_to(self, handler: Callable[[SessionEvent], None]) -> None:
        """Deliver posted events to `handler`, always queued, even when posted from the GUI
        thread itself: a command that reports synchronously never re-enters the session."""
        self.posted.connect(handler, Qt.ConnectionType.QueuedConnection)
