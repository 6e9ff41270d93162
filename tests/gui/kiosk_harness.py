"""The kiosk window built for tests: the real window, controller, session, bridge and workers;
the card reader and the agency check are the named demo stand-ins of `ui.demo.stand_ins` (the kiosk
on its real parts is `tests/gui/real_kiosk.py`, used by tests/e2e/test_kiosk_*.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QSize, QThreadPool
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from adapters.base import AgencyResult
from cardreader.types import CardData
from kiosk.session.events import CardInserted, CardRemoved, ReadersChanged, SessionEvent
from kiosk.session.machine import Session
from kiosk.session.settings import SessionSettings
from kiosk.session.view import SessionState, SessionView
from ui.app import KioskApp, KioskParts
from ui.controller import SlipPrinting
from ui.controls import PhotoFrame, TextLabel
from ui.demo.stand_ins import (
    DEMO_AGENCIES,
    DEMO_READER,
    DemoAgencyChecking,
    DemoCardReading,
    DemoRecordLookups,
    LoggedConsent,
    demo_card,
    demo_menu,
    demo_results,
)
from ui.illustrations import placeholder_portrait_jpeg
from ui.screenshots import DEMO_NOW

PORTRAIT = QSize(1080, 1920)


@dataclass
class Kiosk:
    """A running kiosk window and what drives it."""

    app: KioskApp
    session: Session
    card: DemoCardReading
    checks: DemoAgencyChecking
    audit: LoggedConsent
    records: DemoRecordLookups
    qtbot: QtBot
    photo: bytes
    views: list[SessionView] = field(default_factory=list)

    @property
    def window(self) -> Any:
        """The kiosk window."""
        return self.app.window

    @property
    def view(self) -> SessionView:
        """The session's view now."""
        return self.session.view

    def post(self, event: SessionEvent) -> None:
        """An event as the reader thread or a worker would send it (queued)."""
        self.app.controller.post(event)

    def wait_until(self, condition: Callable[[], bool], timeout_ms: int = 5000) -> None:
        """Wait (events processed) until `condition` holds; the timeout only ends a hang."""
        self.qtbot.waitUntil(condition, timeout=timeout_ms)

    def wait_state(self, state: SessionState, timeout_ms: int = 5000) -> None:
        """Wait until the session is in `state`."""
        self.wait_until(lambda: self.session.state is state, timeout_ms)

    def insert_card(self) -> None:
        """Insert the demo card and wait for the consent screen (the photo may follow)."""
        self.post(CardInserted(DEMO_READER))
        self.wait_state(SessionState.CONSENT)

    def remove_card(self) -> None:
        """Pull the card out."""
        self.post(CardRemoved(DEMO_READER))

    def click(self, button: QAbstractButton) -> None:
        """A tap on `button` (which must be shown)."""
        assert button.isVisible(), "tapping a hidden button"
        self.tap(button)

    def tap(self, widget: QWidget) -> None:
        """A tap (mouse press and release) in the middle of `widget`."""
        self.qtbot.mouseClick(widget, _left())  # type: ignore[no-untyped-call]


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def personal_strings(card: CardData) -> list[str]:
    """What must not stay on screen once the session ended: names, CID, masked CID."""
    values = [card.cid, card.cid_masked, card.cid[-4:]]
    for name in (card.name_th, card.name_en):
        values += [name.first, name.last, name.full()]
    return [v for v in values if v]


def widget_texts(widget: QWidget) -> list[str]:
    """Every string a widget shows or announces."""
    texts = [
        widget.windowTitle(),
        widget.toolTip(),
        widget.statusTip(),
        widget.whatsThis(),
        widget.accessibleName(),
        widget.accessibleDescription(),
    ]
    if isinstance(widget, TextLabel):
        texts.append(widget.plain_text)
    if isinstance(widget, QLabel):
        texts.append(widget.text())
    if isinstance(widget, QAbstractButton):
        texts.append(widget.text())
    return [t for t in texts if t]


def assert_no_personal_data(kiosk: Kiosk, card: CardData) -> None:
    """No widget in the window tree holds the holder's name or CID (text, photo), the session
    is empty, and no slip is held."""
    assert_window_holds_nothing(kiosk.app, kiosk.session, personal_strings(card))


def assert_window_holds_nothing(app: KioskApp, session: Session, secrets: list[str]) -> None:
    """No widget in `app`'s window tree shows any of `secrets` (text) or a photo, `session`
    is empty, and no slip is held."""
    window = app.window
    for widget in [window, *window.findChildren(QWidget)]:
        for text in widget_texts(widget):
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{type(widget).__name__} still shows personal data"
        if isinstance(widget, PhotoFrame):
            assert not widget.has_photo, "a photo is still shown"
    assert session.is_empty(), "the session still holds personal data"
    assert not session.view.holds_personal_data
    assert app.controller.holding_slip is False, "a slip is still held"


def watch_app_wide(app: KioskApp) -> None:
    """Watch touches and keys application-wide, as `kiosk run` does (the maintenance gesture,
    the inactivity timer); `app.close()` stops watching."""
    from PySide6.QtWidgets import QApplication

    qapp = QApplication.instance()
    assert qapp is not None
    app.watch_activity(qapp)


def kiosk_factory(qtbot: QtBot, kiosk_font: QFont) -> Iterator[Callable[..., Kiosk]]:
    """Build kiosks (window shown at 1080 x 1920 unless told) with the demo stand-ins; close
    them all afterwards (the `make_kiosk` fixture)."""
    built: list[Kiosk] = []

    def build(
        *,
        idle_s: float = 60.0,
        warning_s: float = 30.0,
        results: dict[str, AgencyResult] | None = None,
        delays: dict[str, float] | None = None,
        read_delays: tuple[float, float, float] = (0.02, 0.05, 0.1),
        printing: SlipPrinting | None = None,
        demo: bool = False,
        size: QSize = PORTRAIT,
        card: Any = None,
        checks: Any = None,
        language: str = "th",
        maintenance: Any = None,
        maintenance_idle_s: float = 120.0,
        records: DemoRecordLookups | None = None,
    ) -> Kiosk:
        from kiosk.session.view import Preferences

        photo = placeholder_portrait_jpeg()
        settings = SessionSettings(
            agencies=DEMO_AGENCIES,
            idle_s=idle_s,
            warning_s=warning_s,
            maintenance_idle_s=maintenance_idle_s,
            preferences=Preferences(language=language),
            menu=demo_menu(),
        )
        session = Session(settings, today=lambda: date(2026, 11, 24))
        demo_reading = DemoCardReading(photo, read_delays)
        demo_checks = DemoAgencyChecking(
            results if results is not None else demo_results(DEMO_NOW, mixed=False),
            delays or {},
        )
        audit = LoggedConsent()
        demo_records = records if records is not None else DemoRecordLookups()
        parts = KioskParts(
            session=session,
            card=card if card is not None else demo_reading,
            checks=checks if checks is not None else demo_checks,
            audit=audit,
            printing=printing,
            demo=demo,
            maintenance=maintenance,
            records=demo_records,
        )
        app = KioskApp(parts, pool=QThreadPool(), now=lambda: DEMO_NOW, font=kiosk_font)
        qtbot.addWidget(app.window)
        kiosk = Kiosk(app, session, demo_reading, demo_checks, audit, demo_records, qtbot, photo)
        app.controller.shown.connect(kiosk.views.append)
        app.show(fullscreen=False, size=size)
        qtbot.waitExposed(app.window)
        if maintenance is not None:
            watch_app_wide(app)
        kiosk.post(ReadersChanged((DEMO_READER,)))
        kiosk.wait_state(SessionState.IDLE)
        built.append(kiosk)
        return kiosk

    yield build
    for kiosk in built:
        kiosk.app.close()
        kiosk.card.close()
        kiosk.checks.close()
        kiosk.records.close()
        kiosk.views.clear()


def the_card(photo: bytes | None = None) -> CardData:
    """The demo citizen's card."""
    return demo_card(photo)
