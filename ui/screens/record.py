"""A service the citizen opened from the menu: a record (asking, the record paged, a private
record behind a second tap, a failure said calmly, a copy with its date, a Thai QR payment) or
a hand-off (where to go instead, with a QR code). Every value an agency sent is shown as plain
text. Holds personal data until `clear`.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from adapters.base import AgencyStatus, ResultSource
from adapters.services.record import Record, RecordItem
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.records import RecordView
from kiosk.session.view import SessionView
from ui.controls import KioskButton, TextLabel, set_tone
from ui.qr import qr_targets
from ui.screens.base import Look, Screen, ScrollPage, panel
from ui.screens.parts import Line, QrPainter, add_qr, empty_row, values_panel
from ui.screens.results import tone_colour
from ui.status_icons import StatusIcon
from ui.words.strings import Words
from ui.words.values import Glyph, Tone, format_date, reason_text, record_label, record_value

_TONES = {"good": Tone.ACTIVE, "warn": Tone.OFFLINE, "bad": Tone.OFFLINE, "neutral": Tone.NEUTRAL}


def entries_per_page(look: Look) -> int:
    """How many list entries one page holds: fewer when the screen is short or text large."""
    per = 2 if look.landscape else 3
    return max(1, per - (1 if look.metrics.text_factor > 1.0 else 0))


class RecordScreen(Screen):
    """One service opened from the menu. See the module docstring.

    Signals:
        reveal_pressed(): "Show it" on a private record.
    """

    reveal_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = TextLabel("title")
        self.agency = TextLabel("small")
        self.state_icon = StatusIcon()
        self.message = TextLabel("body")
        self.show_button = KioskButton("primary")
        self.show_button.clicked.connect(self.reveal_pressed)
        self.previous = KioskButton("secondary")
        self.next = KioskButton("secondary")
        self.page_label = TextLabel("body", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.previous.clicked.connect(lambda: self._turn(-1))
        self.next.clicked.connect(lambda: self._turn(+1))
        self.note = TextLabel("body")
        self.hotline = TextLabel("strong")
        self.panels: list[QFrame] = []
        self.qr_codes: list[QLabel] = []
        self.page_index = 0
        self._look: Look | None = None
        self._view: RecordView | None = None
        self._words: Words | None = None
        self._shown: tuple[object, ...] | None = None
        self._qr = QrPainter()
        self._build()
        self._set_pager(0, 0)

    def _build(self) -> None:
        content = QWidget()
        self._content = QVBoxLayout(content)
        head = QHBoxLayout()
        head.addWidget(self.state_icon, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.agency)
        head.addLayout(titles, 1)
        self._head = head
        self._content.addLayout(head)
        self._content.addWidget(self.message)
        self._content.addWidget(self.show_button)
        self._panels = QVBoxLayout()
        self._content.addLayout(self._panels)
        pager = QHBoxLayout()
        pager.addWidget(self.previous)
        pager.addWidget(self.page_label, 1)
        pager.addWidget(self.next)
        self._pager = pager
        self._content.addLayout(pager)
        self._content.addWidget(self.note)
        self._content.addWidget(self.hotline)
        self._qr_row = QHBoxLayout()
        self._content.addLayout(self._qr_row)
        self._content.addStretch(1)
        self.page = ScrollPage(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page)

    def apply_look(self, look: Look) -> None:
        """Sizes and colours (a page of entries may hold fewer: back to the first)."""
        self._look = look
        m = look.metrics
        self._content.setContentsMargins(m.margin, m.margin // 2, m.margin, m.margin)
        self._content.setSpacing(m.gap)
        self._panels.setSpacing(m.gap)
        self._pager.setSpacing(m.gap)
        self._head.setSpacing(m.gap)
        self._qr_row.setSpacing(m.gap * 3)
        self.page_index = 0
        self._shown = None

    def show_view(self, view: SessionView, words: Words) -> None:
        """The service open in `view`."""
        record_view = view.record
        if record_view is None or self._look is None:
            return
        same = self._view is not None and self._view.service.id == record_view.service.id
        if not same or self._words is None or self._words.language != words.language:
            self.page_index = 0 if not same else self.page_index
        key = (view.token, record_view, words.language, self.page_index)
        if key == self._shown:
            return
        if not same:
            self.page.scroll_to_top()
        self._view, self._words = record_view, words
        self._draw()

    def _turn(self, step: int) -> None:
        self.page_index += step
        self.page.scroll_to_top()
        self._draw()

    def _draw(self) -> None:
        view, words, look = self._view, self._words, self._look
        if view is None or words is None or look is None:
            return
        self._drop_drawn()
        self._shown = (None, view, words.language, self.page_index)
        service, lang = view.service, words.language
        self.title.set_text(service.name.th if lang == "th" else service.name.en)
        agency = service.agency.th if lang == "th" else service.agency.en
        self.agency.set_text(words("record_from", agency=agency))
        self.show_button.setText(words("record_show"))
        self.previous.setText(words("record_previous"))
        self.next.setText(words("record_next"))
        if service.kind == "handoff":
            self._draw_handoff(view, words)
        else:
            self._draw_record(view, words)
        info = AgencyInfo(service.id, service.agency.th, service.agency.en,
                          service.agency.hotline, service.agency.web)  # fmt: skip
        hotline = service.agency.hotline
        self.hotline.set_text(words("detail_hotline", hotline=hotline) if hotline else "")
        self.hotline.setVisible(bool(hotline))
        shown = service.handoff.link if service.handoff is not None else ""
        for kind, payload in qr_targets(info):
            if payload == shown:
                continue  # the hand-off's own code already opens that page
            caption = words("qr_web") if kind == "web" else words("qr_tel", hotline=hotline)
            self._add_qr(payload, caption, look.metrics.px(200))
        self._qr_row.addStretch(1)
        self.page.set_cue(words("scroll_cue"), look)

    def _glyph(self, glyph: Glyph, tone: Tone) -> None:
        assert self._look is not None
        p, m = self._look.palette, self._look.metrics
        self.state_icon.show_glyph(glyph, tone_colour(p, tone), p.background, m.icon)

    def _say(self, text: str, tone: Tone | None = None) -> None:
        """The screen's message, in plain text colour unless a tone is asked for (asking,
        a copy): grey would be hard to read for the people this kiosk serves."""
        self.message.set_text(text)
        self.message.setVisible(bool(text))
        set_tone(self.message, tone.value if tone is not None else "")

    def _draw_handoff(self, view: RecordView, words: Words) -> None:
        handoff = view.service.handoff
        assert handoff is not None
        assert self._look is not None
        th = words.language == "th"
        self._glyph(Glyph.CARD, Tone.NEUTRAL)
        self._say(handoff.text.th if th else handoff.text.en)
        self.show_button.hide()
        steps = [
            ("", f"{number}. {step.th if th else step.en}", "")
            for number, step in enumerate(handoff.steps, start=1)
        ]
        if steps:
            self._add_panel("", steps)
        label = handoff.link_label.th if th else handoff.link_label.en
        self._add_qr(handoff.link, words("record_handoff_link", label=label),
                     self._look.metrics.px(260))  # fmt: skip
        self._set_pager(0, 0)
        self.note.hide()

    def _draw_record(self, view: RecordView, words: Words) -> None:
        result = view.result
        self.show_button.setVisible(False)
        self._set_pager(0, 0)
        self.note.hide()
        if result is None:
            self._glyph(Glyph.HOURGLASS, Tone.ASKING)
            self._say(words("record_asking"), Tone.ASKING)
            return
        why = reason_text(result.reason, words) or ""
        if result.status in (AgencyStatus.UNAVAILABLE, AgencyStatus.ERROR):
            self._glyph(Glyph.CROSS, Tone.NEUTRAL)
            text = words("record_unavailable", why=why)
            if not view.service.cache:
                text += " " + words("record_not_kept")
            self._say(text)
            return
        if result.status is AgencyStatus.NOT_FOUND or result.record is None:
            self._glyph(Glyph.DASH, Tone.NEUTRAL)
            self._say(words("record_not_found"))
            return
        copy = result.source is ResultSource.CACHE and result.as_of is not None
        self._glyph(Glyph.WARNING if copy else Glyph.CHECK, Tone.OFFLINE if copy else Tone.ACTIVE)
        message = ""
        if copy and result.as_of is not None:
            day = format_date(result.as_of.date(), words.language)
            message = words("record_copy", date=day, why=why)
        if view.hidden:
            self._say(" ".join(x for x in (message, words("record_hidden")) if x))
            self.show_button.show()
            return
        self._say(message, Tone.OFFLINE if copy else None)
        self._draw_values(result.record, words)

    def _draw_values(self, record: Record, words: Words) -> None:
        assert self._look is not None
        lang = words.language
        none = record.none_th if lang == "th" else record.none_en
        if record.empty:
            empty = record.empty_th if lang == "th" else record.empty_en
            self._say(" ".join(x for x in (self.message.plain_text, none or empty) if x))
        own = record.own_items()
        if own:
            self._add_panel("", [self._line(item, words) for item in own])
            if none:
                self._add_panel("", [("", none, "")])
        per = entries_per_page(self._look)
        pages = -(-record.entries // per)
        self.page_index = min(max(0, self.page_index), max(0, pages - 1))
        first = self.page_index * per + 1
        for number in range(first, min(record.entries, first + per - 1) + 1):
            heading = record.headings[number - 1] if record.headings else ""
            lines = [self._line(item, words) for item in record.entry_items(number)]
            self._add_panel(heading, lines)
        self._set_pager(pages, self.page_index)
        if pages > 1:
            self.page_label.set_text(words("record_page", page=self.page_index + 1, pages=pages))
        payment = record.payment
        if payment is not None:
            self._add_payment(
                payment.payload,
                words("record_pay", amount=f"{payment.amount_thb:,.2f}"),
                payment.caption_th if lang == "th" else payment.caption_en,
            )
        note = record.note_th if lang == "th" else record.note_en
        self.note.set_text(note)
        self.note.setVisible(bool(note))

    @staticmethod
    def _line(item: RecordItem, words: Words) -> Line:
        """(label, value, tone): a status keeps its service's colour (good, warn, bad)."""
        tone = _TONES[item.tone].value if item.type == "status" and item.tone != "neutral" else ""
        return record_label(item, words.language), record_value(item, words), tone

    def _set_pager(self, pages: int, index: int) -> None:
        show = pages > 1
        for widget in (self.previous, self.next, self.page_label):
            widget.setVisible(show)
        self.previous.setEnabled(show and index > 0)
        self.next.setEnabled(show and index < pages - 1)
        if not show:
            self.page_label.clear()

    def _add_panel(self, heading: str, lines: list[Line]) -> None:
        assert self._look is not None
        frame = values_panel(self._look, heading, lines)
        self._panels.addWidget(frame)
        self.panels.append(frame)

    def _add_payment(self, payload: str, amount: str, caption: str) -> None:
        """The Thai QR payment in a panel of its own, the amount above it in large type: never
        beside the agency's web-page code, which a citizen could scan by mistake."""
        assert self._look is not None
        m = self._look.metrics
        frame = panel()
        box = QVBoxLayout(frame)
        box.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
        box.setSpacing(m.unit)
        centre = Qt.AlignmentFlag.AlignHCenter
        head = TextLabel("title", align=centre)
        head.set_text(amount)
        image = QLabel()
        image.setPixmap(self._qr.pixmap(payload, m.px(340), keep=False))  # a bill's references
        image.setAlignment(centre)
        words = TextLabel("body", align=centre)
        words.set_text(caption)
        for widget in (head, image, words):
            box.addWidget(widget)
        self._panels.addWidget(frame)
        self.panels.append(frame)
        self.qr_codes.append(image)

    def _add_qr(self, payload: str, caption_text: str, side: int) -> None:
        image = add_qr(self._qr_row, self._qr.pixmap(payload, side), caption_text, side)
        self.qr_codes.append(image)

    def _drop_drawn(self) -> None:
        for image in self.qr_codes:  # first: a payment's code sits in a panel deleted below
            image.clear()
        self.qr_codes = []
        for frame in self.panels:
            self._panels.removeWidget(frame)
            shiboken6.delete(frame)  # now: the panels hold the citizen's record
        self.panels = []
        empty_row(self._qr_row)

    def clear(self) -> None:
        """Drop the record, its panels and its QR codes."""
        self._drop_drawn()
        self._view = None
        self._shown = None
        self.page_index = 0
        for label in (self.title, self.agency, self.message, self.note, self.hotline):
            label.clear()
        self.page_label.clear()
