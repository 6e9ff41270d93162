"""The printed slip, through QPrinter to PDF: English text and the masked CID as text, Thai by
rendering the page (pdftoppm); the print button only with a printer; the slip names no address
and holds no photo."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage

from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    ConsentAgreed,
    IdentityRead,
    PrintRequested,
    ReadersChanged,
)
from kiosk.session.machine import Session
from kiosk.session.settings import SessionSettings
from kiosk.session.view import Preferences, SessionState
from tests.gui.kiosk_harness import Kiosk, assert_no_personal_data, the_card
from ui.controller import SlipPrinting
from ui.demo.stand_ins import DEMO_AGENCIES, DEMO_CID, DEMO_READER, demo_results
from ui.screenshots import DEMO_NOW
from ui.slip import build_slip, print_slip
from ui.words.strings import Words

MakeKiosk = Callable[..., Kiosk]
MM_PER_POINT = 25.4 / 72


def results_view(language: str, *, mixed: bool = True) -> Session:
    session = Session(
        SessionSettings(agencies=DEMO_AGENCIES, preferences=Preferences(language=language)),
        today=DEMO_NOW.date,
    )
    session.handle(ReadersChanged((DEMO_READER,)))
    session.handle(CardInserted(DEMO_READER))
    session.handle(IdentityRead(session.token, the_card(b"\xff\xd8photo\xff\xd9")))
    session.handle(ConsentAgreed())
    for result in demo_results(DEMO_NOW, mixed=mixed).values():
        session.handle(AgencyAnswered(session.token, result))
    return session


def pdf_text(path: Path) -> str:
    """The PDF's text layer, with ligatures (ﬁ) unfolded and whitespace runs as one space."""
    raw = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return " ".join(unicodedata.normalize("NFKC", raw).split())


@pytest.mark.parametrize(("paper", "width_mm"), [("80mm", 80.0), ("a4", 210.0)])
def test_english_slip_as_pdf_text(
    qapp: object, kiosk_font: object, tmp_path: Path, paper: str, width_mm: float
) -> None:
    session = results_view("en")
    content = build_slip(session.view, Words("en"), kiosk_id="ubon-bigc-01", now=DEMO_NOW)
    pdf = tmp_path / "slip.pdf"
    print_slip(content, pdf_path=str(pdf), paper=paper)  # type: ignore[arg-type]
    text = pdf_text(pdf)
    for expected in (
        "Summary of state rights and benefits",
        "Kiosk ubon-bigc-01",
        "x-xxxx-xxxx9-99-8",
        "Mrs. Somsri Jaingam",
        "National Health Security Office",
        "Universal Coverage (gold card)",
        "300 THB/month",
        "As of 20 November 2026",  # the welfare card's offline copy
        "Hotline 1330",
        "24 November 2026",
    ):
        assert expected in text, expected
    assert DEMO_CID not in text
    for address_part in ("ในเมือง", "หมู่"):
        assert address_part not in text
    page = PdfReader(str(pdf)).pages[0]
    assert float(page.mediabox.width) * MM_PER_POINT == pytest.approx(width_mm, abs=1.0)


def test_thai_slip_renders_its_thai(qapp: object, kiosk_font: object, tmp_path: Path) -> None:
    """Text extraction loses Thai marks, so the page is rendered: the Thai slip has ink where
    text is, and the PNG is kept in tmp for a person to look at."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is needed to check the Thai slip")
    session = results_view("th")
    content = build_slip(session.view, Words("th"), kiosk_id="ubon-bigc-01", now=DEMO_NOW)
    pdf = tmp_path / "slip-th.pdf"
    print_slip(content, pdf_path=str(pdf), paper="80mm")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(tmp_path / "slip-th")],
        check=True,
        timeout=60,
    )
    image = QImage(str(tmp_path / "slip-th.png"))
    assert not image.isNull()
    dark = sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert dark > 2000  # pages of glyphs, not an empty page of boxes-less nothing
    assert "x-xxxx-xxxx9-99-8" in pdf_text(pdf)  # the masked CID is there as text


def test_print_button_only_with_a_printer(make_kiosk: MakeKiosk) -> None:
    for printing, shown in ((None, False), (SlipPrinting("k1", pdf_path="/dev/null"), True)):
        kiosk = make_kiosk(printing=printing)
        kiosk.insert_card()
        kiosk.click(kiosk.window.bar.primary)
        kiosk.wait_state(SessionState.RESULTS)
        assert kiosk.window.bar.secondary.isVisible() is shown
        kiosk.click(kiosk.window.bar.primary)
        kiosk.remove_card()
        kiosk.wait_state(SessionState.IDLE)


def test_print_from_the_results_screen(make_kiosk: MakeKiosk, tmp_path: Path) -> None:
    pdf = tmp_path / "printed.pdf"
    kiosk = make_kiosk(printing=SlipPrinting("ubon-bigc-01", pdf_path=str(pdf)), language="en")
    kiosk.insert_card()
    kiosk.click(kiosk.window.bar.primary)
    kiosk.wait_state(SessionState.RESULTS)
    assert kiosk.window.bar.secondary.text() == "Print a summary"
    with kiosk.qtbot.waitSignal(kiosk.app.controller.slip_printed, timeout=10_000) as printed:
        kiosk.click(kiosk.window.bar.secondary)
    assert printed.args == [True]
    assert "x-xxxx-xxxx9-99-8" in pdf_text(pdf)
    assert kiosk.window.notice.plain_text == "Printed. Please take your summary."
    assert not kiosk.app.controller.holding_slip
    kiosk.click(kiosk.window.bar.primary)
    assert_no_personal_data(kiosk, the_card())


@pytest.mark.qt_log_ignore(r"QPainter::begin\(\): Returned false")  # the failure under test
def test_a_failed_print_says_so(make_kiosk: MakeKiosk, tmp_path: Path) -> None:
    unwritable = tmp_path / "no-such-folder" / "slip.pdf"
    kiosk = make_kiosk(printing=SlipPrinting("k1", pdf_path=str(unwritable)), language="en")
    kiosk.insert_card()
    kiosk.click(kiosk.window.bar.primary)
    kiosk.wait_state(SessionState.RESULTS)
    with kiosk.qtbot.waitSignal(kiosk.app.controller.slip_printed, timeout=10_000) as printed:
        kiosk.post(PrintRequested())
    assert printed.args == [False]
    assert kiosk.window.notice.plain_text == "Printing failed. Please ask staff."
