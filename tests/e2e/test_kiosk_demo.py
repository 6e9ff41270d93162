"""`kiosk run --demo`'s surroundings and card control on the real stack: the demo environment
(pcscd, the simulator in-process, temporary data and config, a virtual card in vpcd's first
reader) under the real kiosk, driven from the control strip and its keys."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from cardreader.pcscd_process import PcscdService
from kiosk.agencies.roster import any_agency_on_loopback
from kiosk.config import load_config
from kiosk.pin import PinGate, PinOutcome
from kiosk.session.commands import EndReason
from kiosk.session.feed import FIRST_LOOK_S
from kiosk.session.view import SessionState, TileState
from kiosk.wiring.demo import DEMO_CARDS, DEMO_PIN, DemoEnvironment
from kiosk.wiring.services import KioskServices, ReaderSettings
from tests.gui.real_kiosk import LIVENESS_MS
from ui.app import KioskApp
from ui.demo.control import DemoControl

pytestmark = pytest.mark.gui  # the Qt hygiene checks: no widget, timer or thread left


@pytest.fixture
def demo(pcscd: PcscdService, empty_readers: None) -> Iterator[DemoEnvironment]:
    environment = DemoEnvironment.start(latency=False)
    folder = environment.folder
    yield environment
    environment.close()
    assert not folder.exists()  # the temporary data, key and config are gone
    assert not [t for t in threading.enumerate() if t.name.startswith("virtual-card")]


def test_the_demo_config_points_every_agency_at_the_simulator(demo: DemoEnvironment) -> None:
    config = load_config(demo.config_file)
    assert any_agency_on_loopback(config.agencies)  # the DEMO banner
    assert config.kiosk.data_dir.parent == demo.folder
    assert config.kiosk.key_file.parent == demo.folder  # beside the data, not inside it
    assert demo.reader == "Virtual PCD 00 00"
    # Maintenance mode opens with the README's demo PIN; no "exit to the desktop" (its exit
    # code tells systemd to stay closed, and `make demo` would report it as a failure).
    assert PinGate(config.maintenance.pin_file).attempt(DEMO_PIN).outcome is PinOutcome.ACCEPTED
    assert config.maintenance.pin_file.parent == demo.folder
    assert config.maintenance.allow_exit is False


def test_the_control_inserts_removes_and_swaps_the_demo_card(
    demo: DemoEnvironment, qtbot: QtBot, kiosk_font: QFont
) -> None:
    services = KioskServices.from_config(
        load_config(demo.config_file), reader=ReaderSettings(name=demo.reader, poll_s=0.05)
    )
    kiosk = KioskApp.from_services(services, font=kiosk_font, demo=True, pool=QThreadPool())
    qtbot.addWidget(kiosk.window)
    control = DemoControl(demo, kiosk.workers, kiosk_font)
    qtbot.addWidget(control)
    kiosk.controller.shown.connect(control.follow)
    session = kiosk.parts.session
    try:
        kiosk.show(fullscreen=False)
        control.bind_keys(kiosk.window)
        control.show()
        services.start(kiosk.controller.card_feed())
        qtbot.waitUntil(lambda: session.state is SessionState.IDLE, timeout=LIVENESS_MS)
        assert kiosk.window.demo  # the banner
        assert not control.remove_button.isEnabled()  # no card in yet
        qtbot.wait(round(FIRST_LOOK_S * 1000) + 50)

        qtbot.keyClick(kiosk.window, Qt.Key.Key_F2)  # type: ignore[no-untyped-call]  # F2: insert
        qtbot.waitUntil(lambda: session.state is SessionState.CONSENT, timeout=LIVENESS_MS)
        assert "พรทิพย์" in kiosk.window.consent.hello.plain_text
        qtbot.waitUntil(control.remove_button.isEnabled, timeout=LIVENESS_MS)
        kiosk.window.bar.primary.click()  # agree: the simulator answers
        qtbot.waitUntil(lambda: session.state is SessionState.RESULTS, timeout=LIVENESS_MS)
        nhso = next(t for t in session.view.tiles if t.agency.id == "nhso")
        assert nhso.state is TileState.LIVE

        control.remove_button.click()
        qtbot.waitUntil(lambda: session.state is SessionState.IDLE, timeout=LIVENESS_MS)
        # The kiosk may see the card gone before the removal's worker reports back; until then
        # the card list is disabled (a pick would be ignored), as a visitor would see it.
        qtbot.waitUntil(lambda: not control.busy, timeout=LIVENESS_MS)
        assert control.cards.isEnabled()
        foreign = [card.key for card in DEMO_CARDS].index("foreign")
        control.cards.activated.emit(foreign)  # the visitor picks the foreign card
        qtbot.waitUntil(lambda: not control.busy, timeout=LIVENESS_MS)
        assert demo.current.key == "foreign"
        control.insert_button.click()
        qtbot.waitUntil(lambda: session.state is SessionState.AWAIT_REMOVAL, timeout=LIVENESS_MS)
        assert session.view.end_reason is EndReason.READ_FAILED
        qtbot.keyClick(control, Qt.Key.Key_F3)  # type: ignore[no-untyped-call]  # F3: remove
        qtbot.waitUntil(lambda: session.state is SessionState.IDLE, timeout=LIVENESS_MS)
    finally:
        services.stop_reader()
        kiosk.close()
        services.close()
        control.close()
        demo.remove()
