"""The card test page: read the card in the kiosk's reader and show what a technician needs —
the ATR, the CID masked, the holder's initials, which fields read OK (never their values: no
name, no address, no photo), byte counts and the APDU timings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.maintenance.card_test import CardTestRead, FieldCheck
from ui.controls import KioskButton, TextLabel, set_tone
from ui.maintenance.page import MaintenancePage
from ui.status_icons import StatusIcon
from ui.words.strings import Words
from ui.words.values import Glyph


def field_state(check: FieldCheck, words: Words) -> str:
    """How a field read, in words (with its size where it has one)."""
    if check.ok is None:
        return words("maint_field_absent")
    state = words("maint_field_ok" if check.ok else "maint_field_missing")
    if check.ok and check.size is not None and check.field == "photo":
        state += " · " + words("maint_field_bytes", n=check.size)
    return state


def summary_lines(report: CardTestRead, reader: str, words: Words) -> list[str]:
    """The lines over the field list: reader, ATR, masked CID, initials, APDUs, bytes."""
    apdus = report.apdus
    lines = [words("maint_card_reader", reader=reader)]
    if report.ok:
        lines += [
            words("maint_card_atr", atr=report.atr),
            words("maint_card_cid", cid=report.cid_masked),
            words("maint_card_initials", initials=report.initials),
        ]
    if apdus.count:
        lines += [
            words(
                "maint_card_apdus",
                count=apdus.count,
                total=round(apdus.total_s * 1000),
                slowest=round(apdus.slowest_s * 1000),
                kind=apdus.slowest_kind,
            ),
            words("maint_card_bytes", sent=apdus.sent_bytes, received=apdus.received_bytes),
        ]
    return lines


class CardPage(MaintenancePage):
    """The test read and its masked result.

    Signals:
        read_pressed(): read the card now.
    """

    read_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = TextLabel("body")
        self.read = KioskButton("primary")
        self.read.clicked.connect(self.read_pressed)
        self.outcome = TextLabel("strong")
        self.lines: list[TextLabel] = [TextLabel("body") for _ in range(6)]
        self.fields_title = TextLabel("strong")
        self._grid = QGridLayout()
        self.field_rows: list[tuple[StatusIcon, TextLabel, TextLabel]] = []
        layout = self.content_layout
        for widget in (self.intro, self.read, self.outcome, *self.lines, self.fields_title):
            layout.addWidget(widget)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        self._report: CardTestRead | None = None
        self._reading = False

    @property
    def report(self) -> CardTestRead | None:
        """The last test read shown."""
        return self._report

    def show_reading(self) -> None:
        """A read has started."""
        self._reading = True
        self._report = None
        self.redraw()

    def show_report(self, report: CardTestRead) -> None:
        """A read has ended."""
        self._reading = False
        self._report = report
        self.redraw()

    def clear(self) -> None:
        """Forget the last read (maintenance mode was left)."""
        self._reading = False
        self._report = None
        self.redraw()

    def redraw(self) -> None:
        """Draw the last read."""
        words, look = self.words, self.look
        self.intro.set_text(words("maint_card_intro"))
        self.read.setText(words("maint_card_reading" if self._reading else "maint_card_read"))
        self.read.setEnabled(not self._reading)
        report = self._report
        lines: list[str] = []
        if report is None:
            self.outcome.set_text("")
        elif report.ok:
            self.outcome.set_text(words("maint_card_ok", ms=round(report.elapsed_s * 1000)))
            set_tone(self.outcome, "active")
        else:
            why = words("maint_card_failed", kind=report.error_kind, why=report.error)
            self.outcome.set_text(why)
            set_tone(self.outcome, "error")
        if report is not None:
            reader = report.reader or words("maint_card_any_reader")
            lines = summary_lines(report, reader, words)
        for label, line in zip(self.lines, [*lines, *[""] * len(self.lines)], strict=False):
            label.set_text(line)
            label.setVisible(bool(line))
        fields = report.fields if report is not None else ()
        self.fields_title.set_text(words("maint_card_fields") if fields else "")
        self.fields_title.setVisible(bool(fields))
        self._show_fields(fields, words)
        del look

    def _show_fields(self, fields: tuple[FieldCheck, ...], words: Words) -> None:
        while len(self.field_rows) < len(fields):
            row = (StatusIcon(), TextLabel("body"), TextLabel("small"))
            number = len(self.field_rows)
            for column, widget in enumerate(row):
                self._grid.addWidget(widget, number, column)
            self.field_rows.append(row)
        self._grid.setColumnStretch(2, 1)
        look = self.look
        for n, (icon, name, state) in enumerate(self.field_rows):
            if n >= len(fields) or look is None:
                for widget in (icon, name, state):
                    widget.hide()
                continue
            check = fields[n]
            glyph, colour = {
                True: (Glyph.CHECK, look.palette.active),
                False: (Glyph.CROSS, look.palette.error),
                None: (Glyph.DASH, look.palette.unavailable),
            }[check.ok]
            icon.show_glyph(glyph, colour, look.palette.surface, look.metrics.icon)
            name.set_text(words(f"maint_field_{check.field}"))
            state.set_text(field_state(check, words))
            set_tone(state, {True: "active", False: "error", None: "neutral"}[check.ok])
            for widget in (icon, name, state):
                widget.show()
