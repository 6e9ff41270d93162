"""`kiosk run`'s way out of maintenance mode, in process (the window is driven by real taps
from inside its event loop): "restart" builds the kiosk again from its configuration, "exit to
the desktop" ends the run with `DESKTOP_EXIT_CODE` — the code the systemd unit does not
restart. The agencies are the simulator over HTTP; the files are real."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from adapters.simulator import AgencySimulator
from kiosk.audit import AUDIT_FILE
from kiosk.maintenance.door import DESKTOP_EXIT_CODE
from kiosk.pin import write_pin
from tests.fixtures.agency_sim import sim_config_data, write_toml
from ui.maintenance.pin_pad import PinPad
from ui.maintenance.screen import MaintenanceScreen, Section
from ui.run import run_app
from ui.window import KioskWindow

PIN = "482913"
LIVENESS_MS = 60_000  # the whole walk takes a few seconds; this only ends a hang
GIVE_UP = 99


def kiosk_windows() -> list[KioskWindow]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, KioskWindow) and shiboken6.isValid(w) and w.isVisible()
    ]


def until(condition: Callable[[], bool]) -> Iterator[None]:
    while not condition():
        yield


def click(widget: object) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[call-overload]


def pad_of(window: KioskWindow) -> PinPad | None:
    """The maintenance PIN pad over `window` (built at the first knock)."""
    return window.findChild(PinPad)


def screen_of(window: KioskWindow) -> MaintenanceScreen:
    """The maintenance screen in `window` (built at the first knock)."""
    screen = window.findChild(MaintenanceScreen)
    assert screen is not None
    return screen


def enter_maintenance(window: KioskWindow) -> Iterator[None]:
    """Five taps in the corner, then the PIN."""
    for _ in range(5):
        target = window.childAt(QPoint(12, 12)) or window
        QTest.mouseClick(
            target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, QPoint(12, 12))
        )
    yield from until(lambda: (pad := pad_of(window)) is not None and pad.isVisible())
    pad = pad_of(window)
    assert pad is not None
    for digit in PIN:
        click(pad.keys[digit])
    click(pad.keys["ok"])
    yield from until(lambda: window.stack.currentWidget() is screen_of(window))


def choose(window: KioskWindow, which: str) -> None:
    """On the kiosk page: "restart" or "exit", then "yes"."""
    page = screen_of(window).kiosk
    click(screen_of(window).tabs[Section.KIOSK])
    click(page.restart if which == "restart" else page.exit)
    click(page.confirm.yes)


def walk(seen: list[str]) -> Iterator[None]:
    """Restart once, then leave for the desktop."""
    yield from until(lambda: bool(kiosk_windows()))
    first = kiosk_windows()[0]
    yield from until(lambda: first.stack.currentWidget() is first.attract)
    yield from enter_maintenance(first)
    seen.append("maintenance")
    choose(first, "restart")
    yield from until(lambda: bool(kiosk_windows()) and kiosk_windows()[0] is not first)
    seen.append("rebuilt")
    second = kiosk_windows()[0]
    yield from until(lambda: second.stack.currentWidget() is second.attract)
    yield from enter_maintenance(second)
    choose(second, "exit")
    seen.append("exit")


@pytest.mark.gui
def test_restart_rebuilds_the_kiosk_and_exit_ends_with_the_desktop_code(
    qapp: QApplication, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    pin_file = tmp_path / "etc" / "maintenance.pin"
    write_pin(pin_file, PIN)
    config = sim_config_data(agency_sim, data)
    config["maintenance"] = {"pin_file": str(pin_file), "allow_exit": True}
    config_file = write_toml(tmp_path / "kiosk.toml", config)
    seen: list[str] = []
    steps = walk(seen)
    ticker = QTimer()
    ticker.setInterval(20)

    def tick() -> None:
        try:
            next(steps)
        except StopIteration:
            ticker.stop()

    ticker.timeout.connect(tick)
    ticker.start()
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: qapp.exit(GIVE_UP))
    guard.start(LIVENESS_MS)
    quit_on_close = qapp.quitOnLastWindowClosed()
    try:
        code = run_app(config_file=str(config_file), demo=False, windowed=True)
    finally:
        ticker.stop()
        guard.stop()
        qapp.setQuitOnLastWindowClosed(quit_on_close)
    assert seen == ["maintenance", "rebuilt", "exit"]
    assert code == DESKTOP_EXIT_CODE
    lines = [json.loads(line) for line in (data / AUDIT_FILE).read_text().splitlines()]
    reasons = [line["detail"]["reason"] for line in lines if line["event"] == "maintenance.left"]
    assert reasons == ["restart", "exit"]
    log = (data / "logs" / "kiosk.log").read_text()
    assert "starting the kiosk again (maintenance: restart)" in log
