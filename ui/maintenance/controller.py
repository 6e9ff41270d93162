"""The Qt side of maintenance mode: the way in (gesture or chord, the door, the PIN pad), the
screen's actions on workers, and the way out.

    gesture / Ctrl+Alt+M --EntryWatch--> knock (worker: PIN file, audit)
        attract or out of service only; no PIN -> a notice; locked -> a notice; else the pad
    PIN pad --submitted--> door.attempt (worker: scrypt, audit)
        accepted -> MaintenanceEntered -> the session holds the kiosk -> BeginMaintenance
        wrong -> "N tries left"; the fifth -> locked for five minutes
    maintenance screen --> MaintenanceActions on workers (status, test read, probe, purge, log),
        test print, restart / exit (the app ends with an exit code)
    "leave" or maintenance.idle_s untouched --> EndMaintenance -> results dropped, audited

Nothing here blocks the GUI thread: every file, pcscd, card, HTTP and database call runs on the
app's workers, and its result comes back by callback. The session decides where the kiosk is;
this controller only follows its commands (`SessionController.maintenance_began` / `_ended`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.maintenance.door import EntryAnswer, EntryOutcome, entry_allowed
from kiosk.pin import PinOutcome, PinVerdict
from kiosk.session.events import LanguageToggled, MaintenanceEntered, MaintenanceLeft
from kiosk.session.view import SessionState, SessionView
from ui.controller import SessionController, SlipPrinting
from ui.maintenance.entry import EntryWatch
from ui.window import KioskWindow
from ui.words.strings import Words
from ui.worker import Workers

if TYPE_CHECKING:  # the screens, the status and the doctor load with the first knock
    from kiosk.doctor.findings import Finding
    from kiosk.maintenance.actions import MaintenanceActions
    from kiosk.maintenance.card_test import CardTestRead
    from kiosk.maintenance.status import StatusReport
    from ui.maintenance.pin_pad import PinPad
    from ui.maintenance.screen import MaintenanceScreen

log = logging.getLogger(__name__)

PIN_PAD_IDLE_MS = 30_000  # a pad opened by chance gives the kiosk back soon
NOTICE_MS = 8_000  # "no PIN set" / "locked" stay this long on the attract screen


class MaintenanceController(QObject):
    """Drives maintenance mode; see the module docstring.

    Signals:
        end_requested(str): the technician asked to "restart" the kiosk or to "exit" to the
            desktop (the audit line is written); `ui.run` carries it out.
        pin_checked(object): a `PinVerdict` came back (tests).
        loaded(str): a result reached the screen ("status", "log", "card", "probe", "purge",
            "print"; tests and screenshots wait on it).
    """

    end_requested = Signal(str)
    pin_checked = Signal(object)
    loaded = Signal(str)

    def __init__(
        self,
        actions: MaintenanceActions,
        session: SessionController,
        window: KioskWindow,
        workers: Workers,
        *,
        printing: SlipPrinting | None = None,
        now: Callable[[], datetime] = datetime.now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._actions = actions
        self._door = actions.door
        self._session = session
        self._window = window
        self._wired_screen: MaintenanceScreen | None = None  # built and wired on first use
        self._wired_pad: PinPad | None = None
        self._workers = workers
        self._printing = printing
        self._now = now
        self.entry = EntryWatch(window, parent=self)
        self._knocking = False
        self._visit = 0  # a number per stay in maintenance: late results of an old one are dropped
        self._entered_at: float | None = None
        self._status_loading = False
        self._pad_idle = QTimer(self)
        self._pad_idle.setSingleShot(True)
        self._pad_idle.setInterval(PIN_PAD_IDLE_MS)
        self._pad_idle.timeout.connect(self._close_pad)
        self._notice = QTimer(self)
        self._notice.setSingleShot(True)
        self._notice.setInterval(NOTICE_MS)
        self._notice.timeout.connect(lambda: self._window.show_notice(""))
        self._connect()

    # --- wiring ------------------------------------------------------------------------------

    @property
    def actions(self) -> MaintenanceActions:
        """The actions this controller runs."""
        return self._actions

    @property
    def active(self) -> bool:
        """True while the kiosk is in maintenance mode."""
        return self._entered_at is not None

    @property
    def pad_open(self) -> bool:
        """True while the PIN pad is shown."""
        return self._wired_pad is not None and self._wired_pad.isVisible()

    @property
    def screen(self) -> MaintenanceScreen:
        """The maintenance screen, a page of the window built on first use."""
        return self._screen

    @property
    def pin_pad(self) -> PinPad:
        """The PIN pad over the whole window, built on first use (hidden)."""
        return self._pad

    def shutdown(self) -> None:
        """Stop the timers (the app is closing); results still on their way are dropped."""
        self._visit += 1
        self._pad_idle.stop()
        self._notice.stop()

    @property
    def _screen(self) -> MaintenanceScreen:
        """The window's maintenance screen, configured and wired the first time it is needed."""
        if self._wired_screen is None:
            from ui.maintenance.screen import MaintenanceScreen

            screen = MaintenanceScreen()
            self._window.add_page(screen, for_state=SessionState.MAINTENANCE)
            actions = self._actions
            screen.agencies.set_agencies(actions.agencies)
            screen.cache.configure(
                retention_days=actions.retention_days, enabled=actions.can_use_agencies
            )
            screen.kiosk.configure(
                can_print=self._printing is not None, allow_exit=actions.allow_exit
            )
            session = self._session
            screen.leave_pressed.connect(lambda: session.handle(MaintenanceLeft()))
            screen.language_pressed.connect(lambda: session.handle(LanguageToggled()))
            screen.section_shown.connect(self._section_shown)
            screen.status.refresh_pressed.connect(self.load_status)
            screen.card.read_pressed.connect(self.test_read)
            screen.agencies.probe_pressed.connect(self.probe)
            screen.cache.purge_confirmed.connect(self.purge)
            screen.log.refresh_pressed.connect(self.load_log)
            screen.kiosk.print_pressed.connect(self.test_print)
            screen.kiosk.restart_confirmed.connect(lambda: self._end_app("restart"))
            screen.kiosk.exit_confirmed.connect(lambda: self._end_app("exit"))
            self._wired_screen = screen
        return self._wired_screen

    @property
    def _pad(self) -> PinPad:
        """The window's PIN pad, wired the first time it is needed."""
        if self._wired_pad is None:
            from ui.maintenance.pin_pad import PinPad

            pad = PinPad(self._window)
            self._window.add_overlay(pad)
            pad.submitted.connect(self._attempt)
            pad.cancelled.connect(self._close_pad)
            pad.touched.connect(self._pad_idle.start)
            self._wired_pad = pad
        return self._wired_pad

    def _connect(self) -> None:
        self.entry.knocked.connect(self.knock)
        session = self._session
        session.maintenance_began.connect(self._began)
        session.maintenance_ended.connect(self._ended)
        session.shown.connect(self._follow)

    def _words(self) -> Words:
        return Words(self._session.session.view.preferences.language)

    def _run(self, what: str, fn: Callable[..., Any], *args: Any, **callbacks: Any) -> None:
        """Run `fn` on a worker; its callbacks run only if maintenance mode is still the same
        stay (a result that lands after leaving is dropped)."""
        visit = self._visit

        def current(name: str, callback: Callable[..., None]) -> Callable[..., None]:
            def call(*values: Any) -> None:
                if visit == self._visit and self.active:
                    callback(*values)
                    if name != "on_done":
                        self.loaded.emit(what)

            return call

        self._workers.run(fn, *args, **{k: current(k, v) for k, v in callbacks.items()})

    # --- the way in ----------------------------------------------------------------------------

    def knock(self, via: str) -> None:
        """The gesture or the chord was seen (`via`: "gesture" or "keys")."""
        if self.active or self.pad_open or self._knocking:
            return
        state = self._session.session.state
        if not entry_allowed(state):
            # A citizen is being served: nothing is shown to them; the knock is audited.
            self._workers.run(self._door.knock, state, via)
            return
        self._knocking = True
        self._workers.run(
            self._door.knock,
            state,
            via,
            on_success=self._knocked,
            on_done=lambda: setattr(self, "_knocking", False),
        )

    def _knocked(self, answer: EntryAnswer) -> None:
        words = self._words()
        match answer.outcome:
            case EntryOutcome.ASK_PIN if entry_allowed(self._session.session.state):
                self._screen.reset()  # built now, so the window has it when the PIN is right
                self._pad.open(words)
                self._pad_idle.start()
            case EntryOutcome.NOT_SET:
                self._notify(words("maint_not_set"))
            case EntryOutcome.LOCKED:
                self._notify(words("maint_locked", time=_duration(answer.locked_for_s, words)))
            case _:
                pass

    def _notify(self, text: str) -> None:
        self._window.show_notice(text)
        self._notice.start()

    def _attempt(self, pin: str) -> None:
        self._pad_idle.start()
        self._pad.set_busy(True)
        self._pad.show_message(self._words()("maint_pin_checking"))
        self._workers.run(
            self._door.attempt,
            pin,
            on_success=self._verdict,
            on_failure=lambda exc: self._verdict(PinVerdict(PinOutcome.NOT_SET)),
        )

    def _verdict(self, verdict: PinVerdict) -> None:
        self.pin_checked.emit(verdict)
        if not self.pad_open:
            return  # cancelled meanwhile, or a card went in: the answer changes nothing
        words = self._words()
        match verdict.outcome:
            case PinOutcome.ACCEPTED:
                self._close_pad()
                self._session.handle(MaintenanceEntered())
                if self._session.session.state is not SessionState.MAINTENANCE:
                    self._workers.run(lambda: self._door.record("refused", reason="session_open"))
            case PinOutcome.WRONG:
                self._pad.set_busy(False)
                self._pad.show_message(words("maint_pin_wrong", n=verdict.tries_left), "error")
            case PinOutcome.LOCKED:
                self._close_pad()
                self._notify(words("maint_locked", time=_duration(verdict.locked_for_s, words)))
            case PinOutcome.NOT_SET:
                self._close_pad()
                self._notify(words("maint_not_set"))

    def _close_pad(self) -> None:
        self._pad_idle.stop()
        if self._wired_pad is not None:
            self._wired_pad.close_pad()

    def _follow(self, view: SessionView) -> None:
        """A card went in while the pad was up: the citizen comes first."""
        if self.pad_open and not entry_allowed(view.state):
            self._close_pad()
        if self.pad_open:
            self._pad.set_words(Words(view.preferences.language))
        if view.state is SessionState.MAINTENANCE:
            self._window.show_notice("")

    # --- in maintenance ------------------------------------------------------------------------

    def _began(self) -> None:
        self._visit += 1
        self._entered_at = time.monotonic()
        self._notice.stop()
        self._window.show_notice("")
        self._screen.reset()
        self._workers.run(self._door.entered)
        self.load_status()

    def _ended(self, reason: str) -> None:
        entered, self._entered_at = self._entered_at, None
        self._visit += 1
        self._status_loading = False
        self._screen.reset()
        stayed = time.monotonic() - entered if entered is not None else 0.0
        self._workers.run(self._door.left, reason, stayed)

    def _section_shown(self, section: str) -> None:
        from ui.maintenance.screen import Section

        if section == Section.LOG and self.active:
            self.load_log()

    def load_status(self) -> None:
        """Load the status page (pcscd, the database, the log: on a worker)."""
        if not self.active or self._status_loading:
            return
        self._status_loading = True
        self._screen.status.show_loading()
        self._run(
            "status",
            self._actions.status,
            self._session.session.reader,
            on_success=self._status_loaded,
            on_failure=lambda exc: self._screen.status.show_failure(type(exc).__name__),
            on_done=lambda: setattr(self, "_status_loading", False),
        )

    def _status_loaded(self, report: StatusReport) -> None:
        self._screen.show_status(report)

    def load_log(self) -> None:
        """Read the last 200 log lines."""
        self._run("log", self._actions.log_lines, on_success=self._screen.log.show_lines)

    def test_read(self) -> None:
        """Read the card now, masked."""
        reader = self._session.session.reader
        self._screen.card.show_reading()
        self._run(
            "card",
            self._actions.test_read,
            reader,
            on_success=self._screen.card.show_report,
            on_failure=lambda exc: self._screen.card.show_report(_read_failed(reader, exc)),
        )

    def probe(self, agency: str) -> None:
        """Probe one agency now."""
        self._screen.agencies.show_probing(agency)
        self._run(
            "probe",
            self._actions.probe,
            agency,
            on_success=lambda finding: self._screen.agencies.show_probe(agency, finding),
            on_failure=lambda exc: self._screen.agencies.show_probe(
                agency, _failed(agency, type(exc).__name__)
            ),
        )

    def purge(self, everything: bool) -> None:
        """Purge the offline cache (the page asked for confirmation first)."""
        self._screen.cache.show_purging()

        def purged(deleted: int | None) -> None:
            self._screen.cache.show_purged(deleted)
            self.load_status()  # the cache's counts changed

        self._run(
            "purge",
            lambda: self._actions.purge(everything=everything),
            on_success=purged,
            on_failure=lambda exc: self._screen.cache.show_purged(None),
        )

    def test_print(self) -> None:
        """Print a slip that names nobody: "TEST PRINT", the kiosk id, the time."""
        printing = self._printing
        if printing is None:
            return
        from ui.maintenance.printing import check_slip

        content = check_slip(self._actions.kiosk_id, self._now(), self._words())
        door = self._door

        def print_and_audit() -> None:
            try:
                printing.print(content)
            except Exception:
                door.record("test_print", ok=False)
                raise
            door.record("test_print", ok=True)

        self._screen.kiosk.show_printing()
        self._run(
            "print",
            print_and_audit,
            on_success=lambda _: self._screen.kiosk.show_printed(True),
            on_failure=lambda exc: self._screen.kiosk.show_printed(False),
        )

    def _end_app(self, reason: str) -> None:
        """Restart the kiosk or leave for the desktop, once the audit line is written."""
        if not self.active or (reason == "exit" and not self._actions.allow_exit):
            return
        entered = self._entered_at
        stayed = time.monotonic() - entered if entered is not None else 0.0
        log.info("maintenance: the app ends (%s)", reason)
        self._workers.run(
            self._door.left, reason, stayed, on_done=lambda: self.end_requested.emit(reason)
        )


def _duration(seconds: float, words: Words) -> str:
    whole = max(1, round(seconds))
    if whole < 60:
        return words("maint_time_s", s=whole)
    return words("maint_time_min_s", m=whole // 60, s=whole % 60)


def _read_failed(reader: str | None, exc: BaseException) -> CardTestRead:
    from kiosk.maintenance.card_test import ApduStats, CardTestRead

    why = f"the test read failed ({type(exc).__name__})"
    return CardTestRead(reader, 0.0, ApduStats.of([]), error_kind="reader_fault", error=why)


def _failed(agency: str, why: str) -> Finding:
    from kiosk.doctor.findings import fail

    return fail(f"agency.{agency}", f"Agency {agency}", f"the probe failed ({why})", "try again")
