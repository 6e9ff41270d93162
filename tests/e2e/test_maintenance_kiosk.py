"""Maintenance mode on the real stack (tests/gui/real_kiosk.py): pcscd + vpcd + the virtual
card, the agency simulator over HTTP, the offline cache, the audit log and the log on real
files. The technician's test read is masked, a probe sees an agency fail and recover, the purge
empties the cache, and nothing the technician sees or the kiosk writes names the citizen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from adapters.simulator import AgencySimulator, parse_fault
from cardreader.cid import mask_cid
from cardreader.profile import shipped_profile
from kiosk.doctor.findings import Verdict
from kiosk.session.view import SessionState
from tests.gui.kiosk_harness import widget_texts
from tests.gui.real_kiosk import RealKiosk, personal_strings_of
from ui.maintenance.controller import MaintenanceController
from ui.maintenance.screen import Section

pytestmark = pytest.mark.gui

RealKioskFactory = Callable[..., RealKiosk]
PIN = "482913"
DEMO_CID = shipped_profile("demo").cid
LOAD_MS = 15_000  # a hang ends; a status, read or probe takes well under a second


def controller_of(kiosk: RealKiosk) -> MaintenanceController:
    controller = kiosk.app.maintenance
    assert controller is not None
    return controller


def enter(kiosk: RealKiosk) -> MaintenanceController:
    """Five taps in the corner, the PIN on the pad: the status page loaded."""
    controller = controller_of(kiosk)
    window = kiosk.window
    for _ in range(5):
        target = window.childAt(QPoint(12, 12)) or window
        QTest.mouseClick(
            target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, QPoint(12, 12))
        )
    kiosk.wait_until(lambda: controller.pad_open)
    pad = controller.pin_pad
    for digit in PIN:
        kiosk.tap(pad.keys[digit])
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("status")):
        kiosk.tap(pad.keys["ok"])
    assert kiosk.session.state is SessionState.MAINTENANCE
    return controller


def _is(what: str) -> Callable[[str], bool]:
    return lambda loaded: loaded == what


def shown_texts(kiosk: RealKiosk) -> str:
    from PySide6.QtWidgets import QWidget

    window = kiosk.window
    return "\n".join(t for w in [window, *window.findChildren(QWidget)] for t in widget_texts(w))


def status_verdicts(kiosk: RealKiosk) -> dict[str, Verdict]:
    rows = controller_of(kiosk).screen.status.rows
    return {row.finding.check: row.finding.verdict for row in rows if row.finding is not None}


def test_test_read_in_maintenance_is_masked_and_the_card_waits_for_its_holder(
    real_kiosk: RealKioskFactory,
) -> None:
    kiosk = real_kiosk(maintenance_pin=PIN)
    controller = enter(kiosk)
    verdicts = status_verdicts(kiosk)
    assert verdicts["pcscd"] is Verdict.OK
    assert verdicts["readers"] is Verdict.OK
    assert verdicts["agency.nhso"] is Verdict.OK
    kiosk.insert("demo")  # a card in the reader: maintenance does not start a session
    kiosk.qtbot.wait(500)
    assert kiosk.session.state is SessionState.MAINTENANCE
    screen = controller_of(kiosk).screen
    kiosk.tap(screen.tabs[Section.CARD])
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("card")):
        kiosk.tap(screen.card.read)
    report = screen.card.report
    assert report is not None
    assert report.ok, report.error
    assert report.apdus.count > 0
    assert any(check.ok for check in report.fields)
    text = shown_texts(kiosk)
    # Masked as on the slip: the technician matches the last digits and the initials with the
    # card in hand; the full number and the names never show.
    masked = mask_cid(DEMO_CID)
    assert masked in text
    leaked = [s for s in personal_strings_of("demo") if s != masked and s in text]
    assert not leaked, "the test read shows personal data"
    kiosk.tap(screen.leave)
    kiosk.wait_state(SessionState.AWAIT_REMOVAL)  # the card inserted meanwhile is never read
    kiosk.remove()
    kiosk.wait_state(SessionState.IDLE)
    files = kiosk.files_text()
    assert not [s for s in personal_strings_of("demo") if s in files]
    events = [line["event"] for line in kiosk.audit_lines()]
    assert "maintenance.test_read" in events


def test_probe_sees_an_agency_fail_then_recover(
    real_kiosk: RealKioskFactory, agency_sim: AgencySimulator
) -> None:
    kiosk = real_kiosk(maintenance_pin=PIN)
    controller = enter(kiosk)
    screen = controller_of(kiosk).screen
    kiosk.tap(screen.tabs[Section.AGENCIES])
    block = screen.agencies.blocks["welfare"]
    agency_sim.faults.add(parse_fault("welfare=status:503"))
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("probe")):
        kiosk.tap(block.probe)
    assert block.row.finding is not None
    assert block.row.finding.verdict is Verdict.FAIL
    assert block.row.finding.fix
    agency_sim.faults.clear("welfare")
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("probe")):
        kiosk.tap(block.probe)
    recovered = block.row.finding
    assert recovered is not None
    assert recovered.verdict is Verdict.OK


def test_status_with_the_simulator_down_names_the_agencies(
    real_kiosk: RealKioskFactory, agency_sim: AgencySimulator
) -> None:
    kiosk = real_kiosk(maintenance_pin=PIN)
    for agency in ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"):
        agency_sim.faults.add(parse_fault(f"{agency}=reset"))
    controller = enter(kiosk)
    kiosk.tap(controller_of(kiosk).screen.tabs[Section.AGENCIES])
    block = controller_of(kiosk).screen.agencies.blocks["nhso"]
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("probe")):
        kiosk.tap(block.probe)
    assert block.row.finding is not None
    assert block.row.finding.verdict is Verdict.FAIL
    kiosk.tap(controller_of(kiosk).screen.tabs[Section.STATUS])
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("status")):
        kiosk.tap(controller_of(kiosk).screen.status.refresh)
    assert status_verdicts(kiosk)["agency.nhso"] is Verdict.FAIL
    assert status_verdicts(kiosk)["pcscd"] is Verdict.OK  # only the agencies are broken


def test_purge_all_after_a_session_empties_the_cache(real_kiosk: RealKioskFactory) -> None:
    kiosk = real_kiosk(maintenance_pin=PIN)
    kiosk.insert("demo")
    kiosk.wait_state(SessionState.CONSENT)
    kiosk.press(kiosk.window.bar.primary)  # "Agree": the answers are kept offline
    kiosk.wait_state(SessionState.RESULTS)
    kiosk.wait_until(lambda: kiosk.session.view.all_answered)
    kiosk.remove()
    kiosk.wait_state(SessionState.IDLE)
    assert kiosk.services.service is not None
    kiosk.wait_until(lambda: _snapshots(kiosk) > 0)
    controller = enter(kiosk)
    page = controller_of(kiosk).screen.cache
    kiosk.tap(controller_of(kiosk).screen.tabs[Section.CACHE])
    kiosk.tap(page.all)
    assert page.confirm.isVisible()
    assert _snapshots(kiosk) > 0  # nothing goes before the answer
    with kiosk.qtbot.waitSignal(controller.loaded, timeout=LOAD_MS, check_params_cb=_is("purge")):
        kiosk.tap(page.confirm.yes)
    assert _snapshots(kiosk) == 0
    assert any(ch.isdigit() and ch != "0" for ch in page.outcome.plain_text)
    purges = [a for a in kiosk.audit_lines() if a["event"] == "maintenance.purge"]
    assert purges[-1]["detail"]["which"] == "all"
    assert purges[-1]["detail"]["deleted"] > 0


def _snapshots(kiosk: RealKiosk) -> int:
    service = kiosk.services.service
    assert service is not None
    stats = service.cache_stats()
    return 0 if stats is None else stats.snapshots


def test_reader_gone_shows_out_of_service_and_maintenance_names_the_cause(
    real_kiosk: RealKioskFactory,
) -> None:
    """The configured reader is not there (unplugged): out of service, and the technician
    sees why in the status, with the readers that are there."""
    kiosk = real_kiosk(
        maintenance_pin=PIN,
        reader_name="ACS ACR39U ICC Reader 00 00",
        expect=SessionState.OUT_OF_SERVICE,
    )
    enter(kiosk)
    report = controller_of(kiosk).screen.status.report
    assert report is not None
    service = report.item("service")
    assert service.verdict is Verdict.FAIL
    assert "reader" in service.cause.lower()
    assert service.fix
    assert report.item("pcscd").verdict is Verdict.OK
    rows = controller_of(kiosk).screen.status.rows
    shown = [row.finding.check for row in rows if row.isVisible() and row.finding is not None]
    assert shown[0] == "service"  # faults first
    kiosk.tap(controller_of(kiosk).screen.leave)
    kiosk.wait_state(SessionState.OUT_OF_SERVICE)  # the cause still holds
