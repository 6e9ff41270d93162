"""The printed slip: what it says (`build_slip`, from a session view) and how it is printed
(`print_slip`, through QPrinter: an 80 mm thermal roll or A4, a PDF file in tests).

The slip names the kiosk, the date (Buddhist era in Thai), the holder's name and masked ID, and
each agency with its entitlements, their "as of" dates and hotlines. No address, no photo.
`print_slip` may run on a worker thread (QPainter on a QPrinter is allowed off the GUI thread).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from adapters.services.record import RecordItem
from kiosk.session.view import SessionView, TileState
from ui.typeface import FAMILIES
from ui.words.strings import Words
from ui.words.values import (
    badge,
    format_date,
    format_datetime,
    headline,
    reason_text,
    record_label,
    record_value,
)

Paper = Literal["80mm", "a4"]
_ROLL_WIDTH_MM = 80.0
_ROLL_MARGIN_MM = 4.0
_A4_MARGIN_MM = 15.0


@dataclass(frozen=True, slots=True)
class SlipAgency:
    """One agency on the slip, already in words."""

    name: str
    state: str
    lines: tuple[str, ...]
    as_of: str = ""
    hotline: str = ""


@dataclass(frozen=True, slots=True)
class SlipContent:
    """Everything a slip says, in one language. Personal data: no value in its repr."""

    language: str
    title: str
    kiosk: str
    printed: str
    name: str = field(repr=False)
    cid: str = field(repr=False)
    agencies: tuple[SlipAgency, ...] = field(repr=False)
    footer: str = ""

    def text_lines(self) -> list[str]:
        """The slip as plain lines (what the PDF's text layer holds)."""
        lines = [self.title, self.kiosk, self.printed, self.name, self.cid]
        for agency in self.agencies:
            lines += [agency.name, agency.state, *agency.lines]
            lines += [x for x in (agency.as_of, agency.hotline) if x]
        return [*lines, self.footer]


def build_slip(view: SessionView, words: Words, *, kiosk_id: str, now: datetime) -> SlipContent:
    """The slip for the results in `view` (raises ValueError when there is no holder)."""
    holder = view.holder
    if holder is None:
        raise ValueError("no holder: nothing to print")
    lang = words.language
    agencies = []
    for tile in view.tiles:
        lines = tuple("".join(text for text, _ in headline(e, words)) for e in tile.entitlements)
        if tile.state is TileState.UNAVAILABLE:
            why = reason_text(tile.result.reason if tile.result else None, words)
            lines = (why,) if why else ()
        as_of = (
            words("slip_as_of", date=format_date(tile.as_of.date(), lang))
            if tile.as_of is not None
            else ""
        )
        hotline = (
            words("detail_hotline", hotline=tile.agency.hotline) if tile.agency.hotline else ""
        )
        agencies.append(
            SlipAgency(
                name=tile.agency.name(lang),
                state=badge(tile, words).text,
                lines=lines,
                as_of=as_of,
                hotline=hotline,
            )
        )
    return SlipContent(
        language=lang,
        title=words("slip_title"),
        kiosk=words("slip_kiosk", kiosk=kiosk_id),
        printed=words("slip_printed", when=format_datetime(now, lang)),
        name=words("slip_name", name=holder.name(lang)),
        cid=words("slip_cid", cid=holder.cid_masked),
        agencies=tuple(agencies),
        footer=words("slip_not_certificate"),
    )


def build_record_slip(
    view: SessionView, words: Words, *, kiosk_id: str, now: datetime
) -> SlipContent:
    """A memo of the open record in `view` (only that record: what the citizen asked to print).
    Raises ValueError when no record can be printed."""
    holder, record_view = view.holder, view.record
    if holder is None or record_view is None or not record_view.printable:
        raise ValueError("no record to print")
    result = record_view.result
    assert result is not None
    assert result.record is not None
    record, service, lang = result.record, record_view.service, words.language
    agency = service.agency.th if lang == "th" else service.agency.en
    as_of = (
        words("slip_as_of", date=format_date(result.as_of.date(), lang))
        if result.as_of is not None
        else ""
    )

    def lines(items: tuple[RecordItem, ...]) -> tuple[str, ...]:
        return tuple(f"{record_label(i, lang)}: {record_value(i, words)}" for i in items)

    own = lines(record.own_items())
    if record.empty or not record.items:
        own = (record.empty_th if lang == "th" else record.empty_en, *own)
    if record.payment is not None:
        own = (*own, words("record_pay", amount=f"{record.payment.amount_thb:,.2f}"))
    hotline = (
        words("detail_hotline", hotline=service.agency.hotline) if service.agency.hotline else ""
    )
    sections = [SlipAgency(name=agency, state=as_of, lines=own, hotline=hotline)]
    for number, heading in enumerate(record.headings, start=1):
        name = heading or f"{number}."
        sections.append(SlipAgency(name=name, state="", lines=lines(record.entry_items(number))))
    note = record.note_th if lang == "th" else record.note_en
    title_text = record.title_th if lang == "th" else record.title_en
    return SlipContent(
        language=lang,
        title=words("slip_memo_title", title=title_text),
        kiosk=words("slip_kiosk", kiosk=kiosk_id),
        printed=words("slip_printed", when=format_datetime(now, lang)),
        name=words("slip_name", name=holder.name(lang)),
        cid=words("slip_cid", cid=holder.cid_masked),
        agencies=tuple(sections),
        footer=" ".join(x for x in (note, words("slip_memo_note")) if x),
    )


def slip_html(content: SlipContent) -> str:
    """The slip as simple HTML for QTextDocument (every value escaped)."""

    def esc(text: str) -> str:
        return html.escape(text)

    parts = [
        '<div style="line-height:120%">',
        f"<p><b>{esc(content.title)}</b></p>",
        f"<p>{esc(content.kiosk)}<br>{esc(content.printed)}</p>",
    ]
    if content.name or content.cid:  # a test print names nobody
        parts.append(f"<p><b>{esc(content.name)}</b><br>{esc(content.cid)}</p>")
    for agency in content.agencies:
        rows = [f"<b>{esc(agency.name)}</b>", esc(agency.state)]
        rows += [f"• {esc(line)}" for line in agency.lines]
        rows += [esc(x) for x in (agency.as_of, agency.hotline) if x]
        parts.append("<hr>" + "<br>".join(rows))
    parts.append(f"<hr><p>{esc(content.footer)}</p></div>")
    return "".join(parts)


def print_slip(
    content: SlipContent,
    *,
    printer_name: str | None = None,
    pdf_path: str | None = None,
    paper: Paper = "80mm",
) -> None:
    """Print `content` to the printer `printer_name`, or to a PDF file at `pdf_path`."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if pdf_path is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(pdf_path)
    elif printer_name:
        printer.setPrinterName(printer_name)
    else:
        raise ValueError("print_slip needs a printer name or a PDF path")
    printer.setDocName("slip")
    document = QTextDocument()
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPointSizeF(9.5 if paper == "80mm" else 11.0)
    document.setDefaultFont(font)
    document.setHtml(slip_html(content))
    if paper == "a4":
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        margins = QMarginsF(_A4_MARGIN_MM, _A4_MARGIN_MM, _A4_MARGIN_MM, _A4_MARGIN_MM)
        printer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
        document.print_(printer)
        return
    _print_roll(printer, document)


def _print_roll(printer: QPrinter, document: QTextDocument) -> None:
    """One page exactly as long as the slip, on an 80 mm roll."""
    margin = QMarginsF(_ROLL_MARGIN_MM, _ROLL_MARGIN_MM, _ROLL_MARGIN_MM, _ROLL_MARGIN_MM)
    printer.setPageMargins(margin, QPageLayout.Unit.Millimeter)
    printer.setPageSize(_roll_page(297.0))
    document.documentLayout().setPaintDevice(printer)
    dpi = printer.resolution()
    width_px = (_ROLL_WIDTH_MM - 2 * _ROLL_MARGIN_MM) / 25.4 * dpi
    document.setTextWidth(width_px)
    height_mm = document.size().height() / dpi * 25.4 + 2 * _ROLL_MARGIN_MM
    printer.setPageSize(_roll_page(max(60.0, height_mm)))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        document.drawContents(painter)
    finally:
        painter.end()


def _roll_page(height_mm: float) -> QPageSize:
    return QPageSize(
        QSizeF(_ROLL_WIDTH_MM, height_mm),
        QPageSize.Unit.Millimeter,
        "Slip 80 mm",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
