"""Records on screen (the real window, controller and session; the record services are the
named demo stand-in `DemoRecordLookups`): the menu after the tiles, a tap asks that one
service, a private record needs a second tap, long lists are paged, a record prints as a memo
that says it is not an official document, agency values stay plain text on screen and paper,
and nothing of the record is left once the card is out."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from adapters.base import FailureReason, ResultSource
from kiosk.session.view import SessionState
from tests.gui.kiosk_harness import Kiosk, assert_no_personal_data, the_card
from ui.controller import SlipPrinting
from ui.demo.stand_ins import DemoRecordLookups, demo_lookup

MakeKiosk = Callable[..., Kiosk]
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=timezone(timedelta(hours=7)))
pytestmark = pytest.mark.gui


def to_results(kiosk: Kiosk) -> None:
    kiosk.insert_card()
    kiosk.click(kiosk.window.bar.primary)  # agree
    kiosk.wait_state(SessionState.RESULTS)


def open_service(kiosk: Kiosk, service: str) -> None:
    button = kiosk.window.results.menu.buttons[service]
    kiosk.window.results.page.area.ensureWidgetVisible(button)
    kiosk.click(button)


def test_a_tap_asks_one_service_then_its_record_is_shown_and_back_returns(
    make_kiosk: MakeKiosk,
) -> None:
    kiosk = make_kiosk(language="en")
    window = kiosk.window
    to_results(kiosk)
    menu = window.results.menu
    assert menu.isVisible()
    assert menu.headings["money"].plain_text == "Money owed and paid"
    assert kiosk.records.asked == []  # nothing asked without a tap
    open_service(kiosk, "traffic_tickets")
    assert window.stack.currentWidget() is window.record
    assert window.record.message.plain_text == "Asking the agency, one moment…"
    kiosk.wait_until(lambda: bool(window.record.panels))
    assert kiosk.records.asked == [("traffic_tickets", False)]
    texts = [
        label.plain_text
        for panel in window.record.panels
        for label in panel.findChildren(type(window.record.title))
    ]
    assert "NB69-0019876" in texts  # the newest ticket first
    assert "200.00 baht" in texts
    assert "2 December 2026" in texts
    kiosk.click(window.bar.primary)  # Back
    assert window.stack.currentWidget() is window.results
    open_service(kiosk, "traffic_tickets")  # the answer is kept for this citizen
    assert kiosk.records.asked == [("traffic_tickets", False)]
    kiosk.click(window.bar.primary)
    kiosk.click(window.bar.primary)  # Finish
    assert_no_personal_data(kiosk, the_card())
    assert not window.record.panels


def test_a_private_record_shows_only_after_the_second_tap(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(printing=SlipPrinting("k1", pdf_path="/dev/null"))
    window = kiosk.window
    to_results(kiosk)
    open_service(kiosk, "dopa_civil_record")
    kiosk.wait_until(window.record.show_button.isVisible)
    assert window.record.panels == []
    assert window.bar.secondary.isHidden()  # no memo of what is not shown
    kiosk.click(window.record.show_button)
    kiosk.wait_until(lambda: bool(window.record.panels))
    assert window.bar.secondary.text() == "พิมพ์บันทึก"


def test_a_long_list_is_paged_not_scrolled(make_kiosk: MakeKiosk) -> None:
    from PySide6.QtCore import QSize

    kiosk = make_kiosk(size=QSize(1920, 1080), language="en")  # two entries a page
    window = kiosk.window
    to_results(kiosk)
    open_service(kiosk, "nhso_rehabilitation")
    record = window.record
    kiosk.wait_until(record.show_button.isVisible)  # a private record: the second tap
    kiosk.click(record.show_button)
    kiosk.wait_until(lambda: bool(record.panels))
    assert record.page_label.plain_text == "Page 1 of 2"
    assert len(record.panels) == 2
    assert not record.previous.isEnabled()
    kiosk.click(record.next)
    assert record.page_label.plain_text == "Page 2 of 2"
    assert len(record.panels) == 1
    assert not record.next.isEnabled()


def test_markup_from_an_agency_stays_characters_on_screen_and_paper(
    make_kiosk: MakeKiosk, tmp_path: Path
) -> None:
    hostile = '<img src="x"> <a href="https://evil.example">pay here</a>'
    body = {
        "tickets": [{"ticketNo": "T1", "issuedOn": "2026-11-02", "offence": hostile, "fineThb": 1}]
    }
    answers = {"traffic_tickets": demo_lookup("traffic_tickets", NOW, body=body)}
    pdf = tmp_path / "memo.pdf"
    kiosk = make_kiosk(
        language="en",
        records=DemoRecordLookups(answers=answers),
        printing=SlipPrinting("k1", pdf_path=str(pdf)),
    )
    window = kiosk.window
    to_results(kiosk)
    open_service(kiosk, "traffic_tickets")
    kiosk.wait_until(lambda: bool(window.record.panels))
    labels = [
        label
        for panel in window.record.panels
        for label in panel.findChildren(type(window.record.title))
    ]
    shown = [label for label in labels if label.plain_text == hostile]
    assert shown, "the value is shown as the agency sent it"
    assert "&lt;img" in shown[0].text()  # escaped: Qt draws the characters, loads nothing
    kiosk.click(window.bar.secondary)  # Print a memo
    kiosk.wait_until(
        lambda: pdf.exists() and pdf.stat().st_size > 0 and not kiosk.app.controller.holding_slip
    )
    raw = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = " ".join(unicodedata.normalize("NFKC", raw).split())  # ligatures, tabs, line ends
    assert "Memo: Unpaid traffic tickets" in text
    assert "not an official document" in text
    assert "<img" in text  # printed as characters
    assert "Name" in text
    assert "x-xxxx" in text


def test_a_failed_service_says_so_calmly_and_a_copy_gives_its_date(make_kiosk: MakeKiosk) -> None:
    answers = {
        "water_account.pwa": demo_lookup(
            "water_account.pwa", NOW, source=ResultSource.NONE, reason=FailureReason.TIMEOUT
        ),
        "water_account.mwa": demo_lookup(
            "water_account.mwa",
            NOW - timedelta(days=3),
            source=ResultSource.CACHE,
            reason=FailureReason.UNREACHABLE,
        ),
    }
    kiosk = make_kiosk(language="en", records=DemoRecordLookups(answers=answers))
    window = kiosk.window
    to_results(kiosk)
    open_service(kiosk, "water_account.pwa")
    kiosk.wait_until(lambda: "not available" in window.record.message.plain_text)
    assert "took too long" in window.record.message.plain_text
    kiosk.click(window.bar.primary)
    open_service(kiosk, "water_account.mwa")
    kiosk.wait_until(lambda: bool(window.record.panels))
    assert window.record.message.plain_text.startswith("From the kiosk's copy of 30 November 2026")


def test_a_handoff_asks_nothing_and_shows_where_to_go(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk()
    window = kiosk.window
    to_results(kiosk)
    open_service(kiosk, "tang_rat_signup")
    assert window.stack.currentWidget() is window.record
    assert kiosk.records.asked == []
    assert "ทางรัฐ" in window.record.message.plain_text
    assert len(window.record.qr_codes) == 1  # the hand-off's link (DGA's page, not twice)
