"""The kiosk on its real parts, for the end-to-end tests (tests/e2e/test_kiosk_*.py).

Built the way `kiosk run` builds it (`KioskServices.from_config` + `KioskApp.from_services`):
the reader thread and its monitor on pcscd + vpcd, a virtual card the test inserts into the
kiosk's own vpcd reader, the agency service against the simulator over HTTP on loopback, the
offline cache and the audit log on real files in the test's folder. Only the window is shown
offscreen, and a test may shorten the session's timers explicitly (`settings=`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QThreadPool
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from adapters.simulator import AgencySimulator
from cardreader.cid import mask_cid
from cardreader.pcscd_process import VPCD_READERS
from cardreader.profile import shipped_profile
from cardreader.types import PersonName
from cardreader.virtual_card import CardFaults, Latency, VirtualCard
from kiosk.agencies.service import MonitorSettings
from kiosk.audit import AUDIT_FILE
from kiosk.config import validate_config
from kiosk.pin import write_pin
from kiosk.session.feed import FIRST_LOOK_S
from kiosk.session.machine import Session
from kiosk.session.settings import SessionSettings
from kiosk.session.view import SessionState, SessionView
from kiosk.wiring.services import KioskServices, ReaderSettings
from tests.fixtures.pcsc import VpcdSlots
from tests.gui.kiosk_harness import assert_window_holds_nothing, watch_app_wide
from ui.app import KioskApp
from ui.controller import SlipPrinting
from ui.window import KioskWindow

PORTRAIT = QSize(1080, 1920)
LIVENESS_MS = 15_000  # a hang ends: far above a read (< 1 s) plus a check (3 s deadline)
# Probes at start only: a test decides the agencies' faults, not a background round.
QUIET_MONITOR = MonitorSettings(interval_s=3600, down_interval_s=3600, probe_timeout_s=1.0)


@dataclass
class RealKiosk:
    """A kiosk on the real stack, and what a test does to it."""

    app: KioskApp
    services: KioskServices
    qtbot: QtBot
    slots: VpcdSlots
    slot: int
    simulator: AgencySimulator
    folder: Path
    views: list[SessionView] = field(default_factory=list)
    cards: list[VirtualCard] = field(default_factory=list)

    @property
    def session(self) -> Session:
        """The session the window shows."""
        return self.app.parts.session

    @property
    def window(self) -> KioskWindow:
        """The kiosk window."""
        return self.app.window

    @property
    def reader(self) -> str:
        """The vpcd reader this kiosk serves."""
        return VPCD_READERS[self.slot]

    def insert(
        self,
        profile: str = "demo",
        *,
        latency: Latency | None = None,
        faults: CardFaults | None = None,
        wait: bool = True,
    ) -> VirtualCard:
        """Insert a virtual card into the kiosk's reader (`wait`: until pcscd sees it)."""
        card = self.slots.insert(
            shipped_profile(profile).image(),
            slot=self.slot,
            latency=latency,
            faults=faults,
            wait=wait,
        )
        self.cards.append(card)
        return card

    def remove(self) -> None:
        """Pull every card this test inserted."""
        for card in self.cards:
            card.remove()

    def wait_until(self, condition: Callable[[], bool], timeout_ms: int = LIVENESS_MS) -> None:
        """Run the event loop until `condition` holds (the timeout only ends a hang)."""
        self.qtbot.waitUntil(condition, timeout=timeout_ms)

    def wait_state(self, state: SessionState, timeout_ms: int = LIVENESS_MS) -> None:
        """Until the session is in `state` (a hang fails with the states shown so far)."""
        try:
            self.wait_until(lambda: self.session.state is state, timeout_ms)
        except WaitTimeout as exc:
            shown = [(v.state.value, v.end_reason) for v in self.views]
            raise AssertionError(f"never {state.value}; shown: {shown}") from exc

    def tap(self, widget: QWidget) -> None:
        """A tap on a shown widget."""
        from PySide6.QtCore import Qt

        assert widget.isVisible(), "tapping a hidden widget"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]

    def press(self, button: QAbstractButton) -> None:
        """A tap on a button of the bottom bar (or any shown button)."""
        self.tap(button)

    def audit_lines(self) -> list[dict[str, Any]]:
        """The audit log's lines so far."""
        path = self.services.config.kiosk.data_dir / AUDIT_FILE
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def files_text(self) -> str:
        """Every file the kiosk wrote in its folder, as text (for "names nobody" checks; the
        cache database is encrypted, the logs and the audit log are plain)."""
        texts = []
        for path in sorted(self.folder.rglob("*")):
            if path.is_file():
                texts.append(path.read_bytes().decode("utf-8", errors="replace"))
        return "\n".join(texts)


def personal_strings_of(profile: str) -> list[str]:
    """What must never stay on screen (or reach a file) for a shipped profile's holder."""
    card = shipped_profile(profile)
    values = [card.cid, mask_cid(card.cid)] if card.cid else []
    for name in (card.name_th, card.name_en):
        person: PersonName = name.person_name()
        values += [person.first, person.last, person.full()]
    return [v for v in values if v]


def assert_kiosk_holds_nothing(kiosk: RealKiosk, profile: str) -> None:
    """After a session ended: no widget holds the holder's name or CID (text, photo), the
    session is empty, no slip is held, the card port keeps no read and the session no NHSO
    record of the card."""
    assert_window_holds_nothing(kiosk.app, kiosk.session, personal_strings_of(profile))
    assert kiosk.services.card.reads_running == 0, "a card read is still held"
    assert not kiosk.session.card_record.held, "a card's NHSO record is still held"


def real_kiosk_factory(
    qtbot: QtBot,
    font: QFont,
    slots: VpcdSlots,
    simulator: AgencySimulator,
    folder: Path,
) -> Iterator[Callable[..., RealKiosk]]:
    """Build real kiosks (the `real_kiosk` fixture); stop everything they started after."""
    built: list[RealKiosk] = []

    def build(
        *,
        settings: Callable[[SessionSettings], SessionSettings] | None = None,
        timeout_s: float = 3.0,
        printing: bool = False,
        poll_s: float = 0.05,
        idle_s: float | None = None,
        warning_s: float | None = None,
        maintenance_pin: str | None = None,
        reader_name: str | None = None,
        expect: SessionState = SessionState.IDLE,
        agencies: dict[str, Any] | None = None,
    ) -> RealKiosk:
        slot = slots.take()  # the least recently used reader, empty
        data = folder / "data"
        config = validate_config(
            {
                "kiosk": {
                    "id": "e2e-kiosk",
                    "data_dir": str(data),
                    "key_file": str(folder / "cache.key"),
                },
                "agencies": {
                    "timeout_s": timeout_s,
                    **simulator.agency_tables(),
                    **(agencies or {}),
                },
                "maintenance": {"pin_file": str(folder / "etc" / "maintenance.pin")},
            }
        )
        if maintenance_pin is not None:
            write_pin(config.maintenance.pin_file, maintenance_pin)
        services = KioskServices.from_config(
            config,
            monitor=QUIET_MONITOR,
            reader=ReaderSettings(name=reader_name or VPCD_READERS[slot], poll_s=poll_s),
        )
        session_settings = services.session_settings()
        if idle_s is not None or warning_s is not None:
            # Explicitly shorter than the configuration allows (idle >= 5 s, warning >= 20 s):
            # a test must not wait half a minute for an inactivity timeout.
            session_settings = replace(
                session_settings,
                idle_s=idle_s if idle_s is not None else session_settings.idle_s,
                warning_s=warning_s if warning_s is not None else session_settings.warning_s,
            )
        if settings is not None:
            session_settings = settings(session_settings)
        # The slip is the citizen's printout: beside the kiosk's folder, not in it.
        slip_path = str(folder.parent / "slip.pdf")
        slip = SlipPrinting("e2e-kiosk", pdf_path=slip_path) if printing else None
        app = KioskApp.from_services(
            services, font=font, settings=session_settings, printing=slip, pool=QThreadPool()
        )
        kiosk = RealKiosk(app, services, qtbot, slots, slot, simulator, folder)
        built.append(kiosk)
        qtbot.addWidget(app.window)
        app.controller.shown.connect(kiosk.views.append)
        app.show(fullscreen=False, size=PORTRAIT)
        qtbot.waitExposed(app.window)
        if maintenance_pin is not None:
            watch_app_wide(app)  # the maintenance gesture
        services.start(app.controller.card_feed())
        kiosk.wait_state(expect)
        # A card seen within FIRST_LOOK_S of its reader appearing counts as found in it (nobody
        # inserts one that fast): a test inserts its card only after that.
        qtbot.wait(round(FIRST_LOOK_S * 1000) + 50)
        return kiosk

    yield build
    for kiosk in built:
        kiosk.services.stop_reader()
        kiosk.app.close()
        kiosk.services.close()
        kiosk.remove()
        kiosk.views.clear()
