"""`kiosk run`: build the kiosk from the configuration and run its event loop.

For now the card reader and the agency check are wired only in `--demo` (demo stand-ins from
`ui.demo`); without it the window opens out of service ("getting ready") until the real reader
monitor and check are plugged into the seams documented in `ui.app`. A configuration that cannot
be used never stops the kiosk: it runs on defaults and shows out of service.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from datetime import datetime
from types import TracebackType

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from kiosk.agency_info import any_agency_on_loopback
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.session import Session, SessionSettings
from kiosk.session_events import CardInserted, CardRemoved, ConfigBroken, ReadersChanged, Reset
from kiosk.session_feed import CheckFeed, ReadFeed
from ui.app import KioskApp, KioskParts
from ui.controller import SlipPrinting
from ui.demo import (
    DEMO_AGENCIES,
    DEMO_READER,
    DemoAgencyChecking,
    DemoCardReading,
    LoggedConsent,
    demo_results,
)
from ui.illustrations import placeholder_portrait_jpeg

log = logging.getLogger(__name__)
_DEMO_DELAYS = {
    "nhso": 0.4,
    "sso": 0.9,
    "welfare": 0.6,
    "elderly": 1.2,
    "disability": 0.5,
    "cgd": 1.5,
    "farmer": 0.8,
}


class NotWired:
    """Card reading and checking before the real wiring: nothing ever starts."""

    def start_read(self, reader: str, progress: ReadFeed) -> None:
        """No reader yet."""
        del reader, progress

    def cancel_read(self, token: int) -> None:
        """Nothing to cancel."""
        del token

    def start_check(self, cid: str, opt_out: bool, feed: CheckFeed) -> None:
        """No agencies yet."""
        del cid, opt_out, feed

    def cancel_check(self, token: int) -> None:
        """Nothing to cancel."""
        del token


def run_app(*, config_file: str | None, demo: bool, windowed: bool) -> int:
    """Run the kiosk until its window closes; the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    broken = False
    try:
        config = load_config(config_file)
    except ConfigError as exc:
        log.error("configuration error, running out of service: %s", exc)
        config, broken = KioskConfig(), True
    agencies = tuple(a for a in DEMO_AGENCIES if a.id in config.agencies.enabled)
    session = Session(SessionSettings.from_config(config, agencies), clock=time.monotonic)
    photo = placeholder_portrait_jpeg() if demo else None
    demo_card = DemoCardReading(photo)
    demo_checks = DemoAgencyChecking(
        demo_results(datetime.now().astimezone(), mixed=False), _DEMO_DELAYS
    )
    parts = KioskParts(
        session=session,
        card=demo_card if demo else NotWired(),
        checks=demo_checks if demo else NotWired(),
        audit=LoggedConsent(),
        printing=(
            SlipPrinting(config.kiosk.id, config.printer.name, paper=config.printer.paper)
            if config.printer.name
            else None
        ),
        demo=demo or any_agency_on_loopback(config.agencies),
    )
    kiosk = KioskApp(parts)
    kiosk.watch_activity(app)
    previous_hook = sys.excepthook

    def on_crash(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # No traceback for the citizen and none in the log (it may quote personal data):
        # the type, then the session ends as after any other fault.
        del exc, tb
        log.error("unexpected error in the kiosk window: %s", kind.__name__)
        kiosk.controller.post(Reset())

    sys.excepthook = on_crash
    # systemd stops the kiosk with SIGTERM: close the window cleanly (timers, workers) rather
    # than die mid-paint. Python runs signal handlers only between bytecodes, so a slow tick
    # lets it look while Qt's loop waits.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: app.quit())
    tick = QTimer()
    tick.start(250)
    tick.timeout.connect(lambda: None)
    if broken:
        kiosk.controller.post(ConfigBroken())
    if demo:
        kiosk.controller.post(ReadersChanged((DEMO_READER,)))
        insert = QShortcut(QKeySequence("F2"), kiosk.window)
        insert.activated.connect(lambda: kiosk.controller.post(CardInserted(DEMO_READER)))
        remove = QShortcut(QKeySequence("F3"), kiosk.window)
        remove.activated.connect(lambda: kiosk.controller.post(CardRemoved(DEMO_READER)))
        log.info("demo: F2 inserts the demo card, F3 removes it")
    try:
        kiosk.show(fullscreen=not windowed, screen=app.primaryScreen(), size=QSize(540, 960))
        return int(app.exec())
    finally:
        tick.stop()
        sys.excepthook = previous_hook
        kiosk.close()
        demo_card.close()
        demo_checks.close()
