"""The Qt side of the session: turns what the citizen does into session events, carries out the
session's commands (timers, reads, checks, audit, printing, wiping), and shows its views.

Every event reaches the session on the GUI thread: touches directly, everything else through
the queued `EventBridge`. The session decides; the controller only translates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot

from kiosk.session.commands import (
    AuditConsent,
    BeginMaintenance,
    EndMaintenance,
    EndSession,
    PrintRecord,
    PrintSlip,
    SessionCommand,
    StartCheck,
    StartLookup,
    StartRead,
    StartTimer,
    StopTimer,
)
from kiosk.session.events import (
    ConsentAgreed,
    ConsentDeclined,
    DetailClosed,
    DetailOpened,
    FinishPressed,
    HighContrastToggled,
    LanguageToggled,
    LargeTextToggled,
    PrintRequested,
    RecordClosed,
    RecordOpened,
    RecordPrintRequested,
    RecordRevealed,
    Reset,
    SessionEvent,
    Timer,
    TimerFired,
    UserActivity,
)
from kiosk.session.feed import CardFeed, CheckFeed, ReadFeed, RecordFeed
from kiosk.session.machine import Session
from kiosk.session.ports import (
    AgencyCheckPort,
    CardReadPort,
    ConsentAudit,
    RecordLookupPort,
    SessionWatch,
)
from kiosk.session.view import SessionView
from ui.bridge import EventBridge
from ui.screens.bottom_bar import BarAction
from ui.slip import Paper, SlipContent, build_record_slip, build_slip, print_slip
from ui.window import KioskWindow
from ui.words.strings import Words
from ui.worker import NoRecordLookups, Workers

log = logging.getLogger(__name__)

_WORK = (StartRead, StartCheck, StartLookup, AuditConsent)  # started once the view is shown


@dataclass(frozen=True, slots=True)
class SlipPrinting:
    """Where slips go: a named printer (from `printer.name`), or a PDF file (tests, demos)."""

    kiosk_id: str
    printer_name: str | None = None
    pdf_path: str | None = None
    paper: Paper = "80mm"

    def print(self, content: SlipContent) -> None:
        """Print one slip (blocking; run it on a worker)."""
        print_slip(
            content, printer_name=self.printer_name, pdf_path=self.pdf_path, paper=self.paper
        )


class SessionController(QObject):
    """Drives `session` from the window, the card reader, the check and the timers.

    Signals:
        shown(object): the `SessionView` just shown (after every change).
        slip_printed(bool): a print job ended (True: printed).
        maintenance_began(): the session holds the kiosk for a technician.
        maintenance_ended(str): maintenance mode is over (a `MaintenanceEnd` value).
    """

    shown = Signal(object)
    slip_printed = Signal(bool)
    maintenance_began = Signal()
    maintenance_ended = Signal(str)

    def __init__(
        self,
        session: Session,
        window: KioskWindow,
        *,
        card: CardReadPort,
        checks: AgencyCheckPort,
        audit: ConsentAudit,
        workers: Workers,
        printing: SlipPrinting | None = None,
        watches: tuple[SessionWatch, ...] = (),
        now: Callable[[], datetime] = datetime.now,
        records: RecordLookupPort | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._records = records or NoRecordLookups()
        self._window = window
        self._card = card
        self._checks = checks
        self._audit = audit
        self._workers = workers
        self._printing = printing
        self._watches = watches
        self._now = now
        self._view: SessionView | None = None
        self._slip: SlipContent | None = None  # the slip being printed, dropped when done
        self._bridge = EventBridge(self)
        self._bridge.connect_to(self.handle)
        self._timers: dict[Timer, QTimer] = {}
        self._generations: dict[Timer, int] = {}
        for timer in Timer:
            qtimer = QTimer(self)
            qtimer.setSingleShot(True)
            qtimer.timeout.connect(lambda t=timer: self._fired(t))
            self._timers[timer] = qtimer
        self._connect_window()

    # --- wiring ------------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The session driven."""
        return self._session

    @property
    def window(self) -> KioskWindow:
        """The window shown."""
        return self._window

    def post(self, event: SessionEvent) -> None:
        """Hand an event to the session from any thread (queued to the GUI thread)."""
        self._bridge.post(event)

    def card_feed(self) -> CardFeed:
        """The card monitor's callbacks, for the reader thread."""
        return CardFeed(self.post)

    @property
    def holding_slip(self) -> bool:
        """True while a slip (personal data) is held for printing."""
        return self._slip is not None

    def running_timers(self) -> list[Timer]:
        """The session timers now running (tests, shutdown)."""
        return [timer for timer, qtimer in self._timers.items() if qtimer.isActive()]

    def start(self) -> None:
        """Show the first view."""
        self._show()

    def shutdown(self) -> None:
        """Stop every timer and cancel the open session's work (the window is closing)."""
        for qtimer in self._timers.values():
            qtimer.stop()
        self._card.cancel_read(self._session.token)
        self._checks.cancel_check(self._session.token)
        self._records.cancel_lookups(self._session.token)
        self._slip = None

    def _connect_window(self) -> None:
        w = self._window
        w.language_pressed.connect(lambda: self.handle(LanguageToggled()))
        w.large_text_pressed.connect(lambda: self.handle(LargeTextToggled()))
        w.contrast_pressed.connect(lambda: self.handle(HighContrastToggled()))
        w.tile_tapped.connect(lambda agency: self.handle(DetailOpened(agency)))
        w.service_tapped.connect(lambda service: self.handle(RecordOpened(service)))
        w.record_revealed.connect(lambda: self.handle(RecordRevealed()))
        w.still_here.connect(lambda: self.handle(UserActivity()))
        w.action.connect(self._on_action)

    def _on_action(self, action: str) -> None:
        events: dict[str, Callable[[], SessionEvent]] = {
            BarAction.AGREE: lambda: ConsentAgreed(self._window.consent_opt_out),
            BarAction.DECLINE: ConsentDeclined,
            BarAction.FINISH: FinishPressed,
            BarAction.PRINT: PrintRequested,
            BarAction.PRINT_MEMO: RecordPrintRequested,
            # One "Back" for whichever is open: a record (opened from the menu) or a detail.
            BarAction.BACK: (
                RecordClosed if self._session.view.record is not None else DetailClosed
            ),
        }
        if action in events:
            self.handle(events[action]())

    # --- the loop ------------------------------------------------------------------------------

    @Slot(object)
    def handle(self, event: SessionEvent) -> None:
        """Apply one event, carry out its commands, show the new view, then start the work it
        asked for (a read, a check, an audit line): the screen changes first, and the work's
        threads do not compete with drawing it."""
        try:
            commands = self._session.handle(event)
            for command in commands:
                if not isinstance(command, _WORK):
                    self._execute(command)
            self._tell_watches(commands)
            self._show()
            for command in commands:
                if isinstance(command, _WORK):
                    self._execute(command)
        except Exception as exc:  # noqa: BLE001 - the kiosk's last line of defence
            # Log the type only (a message may quote personal data), then end any session:
            # the citizen sees "please take your card", never a traceback.
            log.error("error handling %s: %s", type(event).__name__, type(exc).__name__)
            if not isinstance(event, Reset):
                self.handle(Reset())

    def _tell_watches(self, commands: list[SessionCommand]) -> None:
        if not self._watches:
            return
        view = self._session.view
        for watch in self._watches:
            try:
                watch.session_changed(commands, view)
            except Exception as exc:  # noqa: BLE001 - a watch's bug must not stop the kiosk
                log.error("session watch failed: %s", type(exc).__name__)

    def _show(self) -> None:
        view = self._session.view
        if view == self._view:
            return  # nothing changed (a touch that only restarted the idle timer)
        self._view = view
        self._window.show_view(view)
        self.shown.emit(view)

    def _execute(self, command: SessionCommand) -> None:
        match command:
            case StartTimer(timer, seconds, generation):
                self._generations[timer] = generation
                self._timers[timer].start(max(0, round(seconds * 1000)))
            case StopTimer(timer):
                self._timers[timer].stop()
            case StartRead(token, reader):
                self._card.start_read(reader, ReadFeed(self.post, token))
            case StartCheck(token, request):
                self._checks.start_check(request, CheckFeed(self.post, token))
            case StartLookup(token):
                self._records.start_lookup(command, RecordFeed(self.post, token))
            case AuditConsent(token, agreed, opt_out):
                # A file write: off the GUI thread. A failure is logged by the worker (type).
                self._workers.run(self._audit.record_consent, token, agreed, opt_out)
            case EndSession(token, _reason):
                self._card.cancel_read(token)
                self._checks.cancel_check(token)
                self._records.cancel_lookups(token)
                self._slip = None
                self._window.wipe()
            case PrintSlip():
                self._print()
            case PrintRecord():
                self._print(record=True)
            case BeginMaintenance():
                self.maintenance_began.emit()
            case EndMaintenance(reason):
                self.maintenance_ended.emit(str(reason))

    def _fired(self, timer: Timer) -> None:
        self.handle(TimerFired(timer, self._generations.get(timer, 0)))

    # --- printing ------------------------------------------------------------------------------

    def _print(self, *, record: bool = False) -> None:
        if self._printing is None or self._slip is not None:
            return  # no printer, or a slip is already printing
        view = self._session.view
        words = Words(view.preferences.language)
        build = build_record_slip if record else build_slip
        self._slip = build(view, words, kiosk_id=self._printing.kiosk_id, now=self._now())
        self._window.show_notice(words("printing"))
        token = view.token
        self._workers.run(
            self._printing.print,
            self._slip,
            on_success=lambda _result: self._printed(token, ok=True),
            on_failure=lambda _exc: self._printed(token, ok=False),
        )

    def _printed(self, token: int, *, ok: bool) -> None:
        self._slip = None
        self.slip_printed.emit(ok)
        if token == self._session.token and self._session.view.holder is not None:
            words = Words(self._session.view.preferences.language)
            self._window.show_notice(words("printed" if ok else "print_failed"))


class ActivityWatch(QObject):
    """An application-wide event filter: any touch, click or key is user activity.

    Installed by the app on the QApplication (`installEventFilter`), so every widget counts,
    including ones a screen adds later.
    """

    _KINDS = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonDblClick,  # a quick second tap arrives as this, not a press
            QEvent.Type.TouchBegin,
            QEvent.Type.KeyPress,
        }
    )

    def __init__(self, controller: SessionController) -> None:
        super().__init__(controller)
        self._controller = controller

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Report activity; never swallow the event."""
        del watched
        if event.type() in self._KINDS:
            self._controller.post(UserActivity())
        return False
