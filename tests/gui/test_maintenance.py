"""Maintenance mode in the real window: the corner gesture and the key chord, the PIN pad, the
lockout, no entry during a citizen's session, the idle limit, the pages and their actions —
on a real PIN file, a real audit log and a real log file (the card reader and the agencies are
the demo stand-ins: tests/e2e/test_maintenance_kiosk.py runs it on the real stack)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest

from kiosk.audit import AUDIT_FILE, AuditLog
from kiosk.config import KioskConfig, validate_config
from kiosk.logs import LOG_FILE_NAME, log_dir
from kiosk.maintenance.actions import MaintenanceActions
from kiosk.maintenance.door import MaintenanceDoor
from kiosk.pin import MAX_WRONG, write_pin
from kiosk.session.view import SessionState
from tests.gui.kiosk_harness import Kiosk, the_card
from ui.controller import SlipPrinting
from ui.maintenance.controller import MaintenanceController
from ui.maintenance.screen import Section

PIN = "482913"
WRONG = "111111"


class FakeClock:
    """A fake monotonic clock for the door (the five-minute lockout must not take five)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_actions(
    tmp_path: Path, *, pin: bool = True, allow_exit: bool = False, clock: FakeClock | None = None
) -> MaintenanceActions:
    """Maintenance actions on a real PIN file, audit log and data folder, no agency service."""
    data = tmp_path / "data"
    pin_file = tmp_path / "etc" / "maintenance.pin"
    if pin:
        write_pin(pin_file, PIN)
    config: KioskConfig = validate_config(
        {
            "kiosk": {"id": "gui-kiosk", "data_dir": str(data)},
            "maintenance": {"pin_file": str(pin_file), "allow_exit": allow_exit},
        }
    )
    audit = AuditLog(data / AUDIT_FILE, "gui-kiosk", None)
    door = MaintenanceDoor(pin_file, audit, clock=clock or FakeClock())
    return MaintenanceActions(config, door, started_at=datetime.now(UTC), card_service=list)


def audit_actions(tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    path = tmp_path / "data" / AUDIT_FILE
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return [(line["event"], line.get("detail", {})) for line in lines]


def maint(kiosk: Kiosk) -> MaintenanceController:
    controller = kiosk.app.maintenance
    assert controller is not None
    return controller


def tap_corner(kiosk: Kiosk, times: int = 5) -> None:
    """Taps in the window's top-left corner (on the attract screen's widgets)."""
    window = kiosk.window
    for _ in range(times):
        target = window.childAt(QPoint(12, 12)) or window
        where = target.mapFrom(window, QPoint(12, 12))
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=where)


def type_pin(kiosk: Kiosk, pin: str) -> None:
    pad = maint(kiosk).pin_pad
    for digit in pin:
        kiosk.click(pad.keys[digit])
    kiosk.click(pad.keys["ok"])


def enter(kiosk: Kiosk) -> MaintenanceController:
    """Gesture + PIN: into maintenance mode, its status loaded."""
    controller = maint(kiosk)
    tap_corner(kiosk)
    kiosk.wait_until(lambda: controller.pad_open)
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=10_000, check_params_cb=_is("status")):
        type_pin(kiosk, PIN)
    assert kiosk.session.state is SessionState.MAINTENANCE
    return controller


def _is(what: str) -> Callable[[str], bool]:
    return lambda loaded: loaded == what


@pytest.fixture
def make(make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> Callable[..., Kiosk]:
    def build(**options: Any) -> Kiosk:
        actions = make_actions(
            tmp_path,
            pin=options.pop("pin", True),
            allow_exit=options.pop("allow_exit", False),
            clock=options.pop("clock", None),
        )
        return make_kiosk(maintenance=actions, **options)

    return build


@pytest.mark.gui
def test_start_up_builds_no_maintenance_screen_until_a_technician_knocks(
    make: Callable[..., Kiosk],
) -> None:
    """Start-up and citizens do not pay for the technician's screens."""
    from ui.maintenance.pin_pad import PinPad
    from ui.maintenance.screen import MaintenanceScreen

    kiosk = make()
    window = kiosk.window
    assert window.findChildren(MaintenanceScreen) == []
    assert window.findChildren(PinPad) == []
    enter(kiosk)
    assert len(window.findChildren(MaintenanceScreen)) == 1
    assert len(window.findChildren(PinPad)) == 1


@pytest.mark.gui
def test_gesture_and_pin_enter_then_leave_returns_to_idle(
    make: Callable[..., Kiosk], tmp_path: Path
) -> None:
    kiosk = make()
    controller = enter(kiosk)
    window = kiosk.window
    assert window.stack.currentWidget() is maint(kiosk).screen
    assert not window.bar.isVisible()  # the screen has its own way out
    status = maint(kiosk).screen.status
    assert status.rows, "the status page lists the kiosk's items"
    assert maint(kiosk).screen.header.plain_text.startswith("Kiosk gui-kiosk") or (
        "gui-kiosk" in maint(kiosk).screen.header.plain_text
    )
    kiosk.click(maint(kiosk).screen.leave)
    kiosk.wait_state(SessionState.IDLE)
    assert window.stack.currentWidget() is window.attract
    assert not controller.active
    kiosk.wait_until(lambda: ("maintenance.left", {"reason": "left"}) in _left(tmp_path))
    actions = [a for a, _ in audit_actions(tmp_path)]
    assert actions[:3] == ["maintenance.knock", "maintenance.pin", "maintenance.entered"]


def _left(tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    return [
        (a, {"reason": d.get("reason")})
        for a, d in audit_actions(tmp_path)
        if a == "maintenance.left"
    ]


@pytest.mark.gui
def test_quick_taps_that_qt_reads_as_double_clicks_count(make: Callable[..., Kiosk]) -> None:
    """A real screen's second quick tap reaches widgets as a double click, not a press."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    kiosk = make()
    controller = maint(kiosk)
    window = kiosk.window
    target = window.childAt(QPoint(12, 12)) or window
    local = QPointF(target.mapFrom(window, QPoint(12, 12)))
    for n in range(5):
        kind = QEvent.Type.MouseButtonDblClick if n % 2 else QEvent.Type.MouseButtonPress
        event = QMouseEvent(
            kind,
            local,
            QPointF(target.mapToGlobal(local.toPoint())),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        event.setTimestamp(1000 + n * 150)
        QApplication.sendEvent(target, event)
    kiosk.wait_until(lambda: controller.pad_open)


@pytest.mark.gui
def test_four_taps_or_taps_elsewhere_do_not_open_the_pad(make: Callable[..., Kiosk]) -> None:
    kiosk = make()
    controller = maint(kiosk)
    tap_corner(kiosk, 4)
    kiosk.tap(kiosk.window.attract)  # a tap in the middle starts the count again
    tap_corner(kiosk, 4)
    kiosk.qtbot.wait(300)
    assert not controller.pad_open
    tap_corner(kiosk, 1)  # now five in a row
    kiosk.wait_until(lambda: controller.pad_open)


@pytest.mark.gui
def test_key_chord_opens_the_pad_and_the_keyboard_types_the_pin(
    make: Callable[..., Kiosk],
) -> None:
    kiosk = make()
    controller = maint(kiosk)
    window = kiosk.window
    QTest.keyClick(
        window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    kiosk.wait_until(lambda: controller.pad_open)
    pad = maint(kiosk).pin_pad
    for digit in PIN:
        QTest.keyClick(pad, getattr(Qt.Key, f"Key_{digit}"))
    assert pad.typed == len(PIN)
    assert pad.dots.count == len(PIN)
    texts = [w.text() for w in pad.findChildren(type(pad.title))]
    assert all(PIN not in t for t in texts), "the pad never shows the digits"
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=10_000, check_params_cb=_is("status")):
        QTest.keyClick(pad, Qt.Key.Key_Return)
    assert kiosk.session.state is SessionState.MAINTENANCE


@pytest.mark.gui
def test_wrong_pins_count_down_then_lock_entry(make: Callable[..., Kiosk], tmp_path: Path) -> None:
    clock = FakeClock()
    kiosk = make(language="en", clock=clock)
    controller = maint(kiosk)
    pad = maint(kiosk).pin_pad
    tap_corner(kiosk)
    kiosk.wait_until(lambda: controller.pad_open)
    for n in range(1, MAX_WRONG):
        with kiosk.qtbot.waitSignal(controller.pin_checked, timeout=10_000):
            type_pin(kiosk, WRONG)
        assert pad.message.plain_text
        assert str(MAX_WRONG - n) in pad.message.plain_text
        assert controller.pad_open
        assert pad.typed == 0
    with kiosk.qtbot.waitSignal(controller.pin_checked, timeout=10_000):
        type_pin(kiosk, WRONG)
    assert not controller.pad_open
    assert "5 min" in kiosk.window.notice.plain_text or "locked" in kiosk.window.notice.plain_text
    # Locked: the gesture shows the notice again, never the pad, even with the right PIN known.
    kiosk.window.show_notice("")
    tap_corner(kiosk)
    kiosk.wait_until(lambda: bool(kiosk.window.notice.plain_text))
    assert not controller.pad_open
    # Five minutes later the door opens again.
    clock.now += 301
    kiosk.window.show_notice("")
    enter(kiosk)
    outcomes = [d.get("outcome") for a, d in audit_actions(tmp_path) if a == "maintenance.pin"]
    assert outcomes == ["wrong"] * (MAX_WRONG - 1) + ["locked", "accepted"]


@pytest.mark.gui
def test_no_pin_set_means_no_entry(make: Callable[..., Kiosk], tmp_path: Path) -> None:
    kiosk = make(pin=False, language="en")
    controller = maint(kiosk)
    tap_corner(kiosk)
    kiosk.wait_until(lambda: bool(kiosk.window.notice.plain_text))
    assert "PIN" in kiosk.window.notice.plain_text
    assert not controller.pad_open
    assert kiosk.session.state is SessionState.IDLE
    assert [d.get("outcome") for _, d in audit_actions(tmp_path)] == ["not_set"]


@pytest.mark.gui
def test_no_entry_while_a_citizen_is_served(make: Callable[..., Kiosk], tmp_path: Path) -> None:
    kiosk = make()
    controller = maint(kiosk)
    kiosk.insert_card()
    tap_corner(kiosk)
    QTest.keyClick(
        kiosk.window,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    kiosk.wait_until(lambda: len(audit_actions(tmp_path)) >= 2)
    assert not controller.pad_open
    assert kiosk.session.state is SessionState.CONSENT
    assert [d.get("outcome") for _, d in audit_actions(tmp_path)] == ["session_open"] * 2


@pytest.mark.gui
def test_a_card_inserted_while_the_pad_is_open_closes_it(make: Callable[..., Kiosk]) -> None:
    kiosk = make()
    controller = maint(kiosk)
    tap_corner(kiosk)
    kiosk.wait_until(lambda: controller.pad_open)
    kiosk.click(maint(kiosk).pin_pad.keys["4"])
    kiosk.insert_card()
    assert not controller.pad_open
    assert maint(kiosk).pin_pad.typed == 0


@pytest.mark.gui
def test_untouched_maintenance_returns_to_idle(make: Callable[..., Kiosk], tmp_path: Path) -> None:
    kiosk = make(maintenance_idle_s=0.6)
    controller = enter(kiosk)
    kiosk.wait_state(SessionState.IDLE, timeout_ms=10_000)
    assert not controller.active
    kiosk.wait_until(lambda: ("maintenance.left", {"reason": "idle"}) in _left(tmp_path))


@pytest.mark.gui
def test_log_page_shows_the_last_lines_of_the_log(
    make: Callable[..., Kiosk], tmp_path: Path
) -> None:
    logs = log_dir(tmp_path / "data")
    logs.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "ts": f"2026-11-24T10:00:{n % 60:02d}+00:00",
                "level": "INFO",
                "logger": "t",
                "msg": f"line {n}",
            }
        )
        for n in range(250)
    ]
    (logs / LOG_FILE_NAME).write_text("\n".join(lines) + "\n")
    kiosk = make()
    controller = enter(kiosk)
    screen = maint(kiosk).screen
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=10_000, check_params_cb=_is("log")):
        kiosk.click(screen.tabs[Section.LOG])
    shown = screen.log.text.toPlainText()
    assert "line 249" in shown
    assert "line 50" in shown
    assert "line 49" not in shown.replace("line 249", "")  # only the last 200


@pytest.mark.gui
def test_purge_needs_a_confirmation_and_is_off_without_a_cache(
    make: Callable[..., Kiosk],
) -> None:
    kiosk = make(language="en")
    enter(kiosk)
    screen = maint(kiosk).screen
    kiosk.click(screen.tabs[Section.CACHE])
    # These actions have no agency service (a broken configuration): nothing to purge.
    assert not screen.cache.all.isEnabled()


@pytest.mark.gui
def test_restart_asks_first_and_exit_is_hidden_unless_allowed(
    make: Callable[..., Kiosk], tmp_path: Path
) -> None:
    kiosk = make(language="en")
    controller = enter(kiosk)
    page = maint(kiosk).screen.kiosk
    kiosk.click(maint(kiosk).screen.tabs[Section.KIOSK])
    assert not page.exit.isVisible()
    kiosk.click(page.restart)
    assert page.confirm.isVisible()
    with kiosk.qtbot.waitSignal(controller.end_requested, timeout=10_000) as ended:
        kiosk.click(page.confirm.yes)
    assert ended.args == ["restart"]
    assert ("maintenance.left", {"reason": "restart"}) in _left(tmp_path)


@pytest.mark.gui
def test_exit_to_the_desktop_where_allowed(make: Callable[..., Kiosk]) -> None:
    kiosk = make(language="en", allow_exit=True)
    controller = enter(kiosk)
    page = maint(kiosk).screen.kiosk
    kiosk.click(maint(kiosk).screen.tabs[Section.KIOSK])
    kiosk.click(page.exit)
    kiosk.click(page.confirm.no)  # changed their mind: nothing happens
    assert controller.active
    assert not page.confirm.isVisible()
    kiosk.click(page.exit)
    with kiosk.qtbot.waitSignal(controller.end_requested, timeout=10_000) as ended:
        kiosk.click(page.confirm.yes)
    assert ended.args == ["exit"]


@pytest.mark.gui
def test_test_print_names_nobody(make: Callable[..., Kiosk], tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = tmp_path / "test-print.pdf"
    kiosk = make(language="en", printing=SlipPrinting("gui-kiosk", pdf_path=str(pdf)))
    controller = enter(kiosk)
    screen = maint(kiosk).screen
    kiosk.click(screen.tabs[Section.KIOSK])
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=20_000, check_params_cb=_is("print")):
        kiosk.click(screen.kiosk.print)
    text = " ".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "TEST PRINT" in text
    assert "gui-kiosk" in text
    card = the_card()
    assert card.cid not in text.replace(" ", "")
    assert card.name_en.last not in text
    assert screen.kiosk.print_outcome.plain_text


@pytest.mark.gui
def test_language_switch_in_maintenance(make: Callable[..., Kiosk]) -> None:
    kiosk = make(language="th")
    enter(kiosk)
    screen = maint(kiosk).screen
    thai = screen.title.plain_text
    kiosk.click(screen.language)
    kiosk.wait_until(lambda: screen.title.plain_text != thai)
    assert screen.title.plain_text.isascii()
