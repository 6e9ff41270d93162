"""The status page: every item of the kiosk's status with its verdict, cause and fix, the last
warnings and errors of the log, and a refresh button. The data comes from a worker
(`kiosk.maintenance.actions.MaintenanceActions.status`); this page only lays it out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.doctor.findings import Finding, Verdict
from kiosk.maintenance.pages import local_time
from kiosk.maintenance.status import StatusReport
from ui.controls import KioskButton, TextLabel, set_tone
from ui.maintenance.page import MaintenancePage
from ui.maintenance.rows import VerdictRow, verdict_tone
from ui.words.strings import Words

_FIRST = {Verdict.FAIL: 0, Verdict.WARN: 1, Verdict.OK: 2}


def agency_details(finding: Finding, words: Words) -> str:
    """An agency item's probe latency, circuit breaker and failures, in words ("" otherwise)."""
    details = finding.details
    if not finding.check.startswith("agency.") or "breaker" not in details:
        return ""
    latency = details.get("latency_ms")
    return words(
        "maint_agency_details",
        latency=f"{latency} ms" if latency is not None else words("maint_no_latency"),
        breaker=details.get("breaker"),
        failures=details.get("failures", 0),
    )


def summary(report: StatusReport, words: Words) -> tuple[str, Verdict]:
    """One line over the items: all OK, or how many faults and warnings."""
    fails = sum(1 for item in report.items if item.verdict is Verdict.FAIL)
    warns = sum(1 for item in report.items if item.verdict is Verdict.WARN)
    if not fails and not warns:
        return words("maint_summary_ok"), Verdict.OK
    return words("maint_summary", fail=fails, warn=warns), report.verdict


class StatusPage(MaintenancePage):
    """The kiosk's status, item by item.

    Signals:
        refresh_pressed(): load it again.
    """

    refresh_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = TextLabel("title")
        self.refresh = KioskButton("secondary")
        self.refresh.clicked.connect(self.refresh_pressed)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh, 0, Qt.AlignmentFlag.AlignTop)
        self.checked = TextLabel("small")
        self._rows_layout = QVBoxLayout()
        self.rows: list[VerdictRow] = []
        self.errors_title = TextLabel("strong")
        self._errors_layout = QVBoxLayout()
        self.errors: list[TextLabel] = []
        layout = self.content_layout
        layout.addLayout(top)
        layout.addWidget(self.checked)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.errors_title)
        layout.addLayout(self._errors_layout)
        layout.addStretch(1)
        self._report: StatusReport | None = None
        self._failure = ""
        self._loading = False

    @property
    def report(self) -> StatusReport | None:
        """The report shown (None before the first load)."""
        return self._report

    def show_loading(self) -> None:
        """A load has started (the last report stays until the new one comes)."""
        self._loading = True
        self._failure = ""
        self.redraw()

    def show_report(self, report: StatusReport) -> None:
        """Show a fresh report."""
        self._report = report
        self._loading = False
        self._failure = ""
        self.redraw()

    def show_failure(self, why: str) -> None:
        """The load failed (`why`: an exception's type, never its message)."""
        self._loading = False
        self._failure = why
        self.redraw()

    def clear_report(self) -> None:
        """Forget the report (maintenance mode was left)."""
        self._report = None
        self._failure = ""
        self._loading = False
        self.redraw()

    def redraw(self) -> None:
        """Draw the report held."""
        words, look = self.words, self.look
        self.refresh.setText(words("maint_refresh"))
        self.refresh.setEnabled(not self._loading)
        report = self._report
        if self._failure:
            self.summary.set_text(words("maint_load_failed", why=self._failure))
            set_tone(self.summary, "error")
        elif report is None or look is None:
            self.summary.set_text(words("maint_loading"))
            set_tone(self.summary, "")
        else:
            text, verdict = summary(report, words)
            self.summary.set_text(text)
            set_tone(self.summary, verdict_tone(verdict))
        if report is None or look is None:
            self.checked.set_text(words("maint_loading") if self._loading else "")
            for widget in (*self.rows, *self.errors, self.errors_title):
                widget.hide()
            return
        when = report.generated_at.astimezone().strftime("%H:%M:%S")
        loading = f" · {words('maint_loading')}" if self._loading else ""
        self.checked.set_text(words("maint_checked_at", time=when) + loading)
        while len(self.rows) < len(report.items):
            row = VerdictRow()
            self._rows_layout.addWidget(row)
            self.rows.append(row)
        # What is wrong first (faults, then warnings), each group in the report's order.
        items = sorted(report.items, key=lambda i: _FIRST[i.verdict])
        for row, item in zip(self.rows, items, strict=False):
            row.show_finding(item, words, look, agency_details(item, words))
            row.show()
        for row in self.rows[len(report.items) :]:
            row.hide()
        self.errors_title.set_text(words("maint_last_errors"))
        self.errors_title.show()
        lines = [
            f"{local_time(e.at)[11:]} {e.level} {e.logger}: {e.message}" for e in report.last_errors
        ]
        self._show_lines(lines or [words("maint_no_errors")])

    def _show_lines(self, lines: list[str]) -> None:
        while len(self.errors) < len(lines):
            label = TextLabel("small")
            self._errors_layout.addWidget(label)
            self.errors.append(label)
        for label, line in zip(self.errors, lines, strict=False):
            label.set_text(line)
            label.show()
        for label in self.errors[len(lines) :]:
            label.clear()
            label.hide()
