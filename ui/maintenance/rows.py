"""Building blocks of the maintenance pages: a verdict row (icon, word, colour — never colour
alone — then what was found and the fix), a confirmation box, and a page that scrolls."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.doctor.findings import Finding, Verdict
from ui.controls import KioskButton, TextLabel, set_role, set_tone
from ui.screens.base import Look
from ui.status_icons import StatusIcon
from ui.theme import Palette
from ui.words.strings import Words
from ui.words.values import Glyph

_GLYPHS = {Verdict.OK: Glyph.CHECK, Verdict.WARN: Glyph.WARNING, Verdict.FAIL: Glyph.CROSS}
_TONES = {Verdict.OK: "active", Verdict.WARN: "offline", Verdict.FAIL: "error"}


def verdict_colour(palette: Palette, verdict: Verdict) -> str:
    """The colour that goes with a verdict (always beside its icon and word)."""
    return {Verdict.OK: palette.active, Verdict.WARN: palette.offline, Verdict.FAIL: palette.error}[
        verdict
    ]


def verdict_tone(verdict: Verdict) -> str:
    """The label tone of a verdict."""
    return _TONES[verdict]


class VerdictRow(QFrame):
    """One finding: icon and verdict word, its title, what was found, the fix, extra details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "panel")
        self.icon = StatusIcon()
        self.verdict = TextLabel("strong", wrap=False)
        self.title = TextLabel("strong")
        self.cause = TextLabel("small")
        self.details = TextLabel("small")
        self.fix = TextLabel("small")
        head = QHBoxLayout()
        head.addWidget(self.icon)
        head.addWidget(self.verdict)
        head.addWidget(self.title, 1)
        self._head = head
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        for label in (self.cause, self.details, self.fix):
            layout.addWidget(label)
        self._layout = layout
        self._finding: Finding | None = None

    @property
    def finding(self) -> Finding | None:
        """The finding shown."""
        return self._finding

    def show_finding(self, finding: Finding, words: Words, look: Look, details: str = "") -> None:
        """Show `finding` (with `details`: an extra line, such as an agency's latency)."""
        self._finding = finding
        m = look.metrics
        self._layout.setContentsMargins(m.gap, m.unit, m.gap, m.unit)
        self._layout.setSpacing(m.unit // 2)
        self._head.setSpacing(m.unit)
        self.icon.show_glyph(
            _GLYPHS[finding.verdict],
            verdict_colour(look.palette, finding.verdict),
            look.palette.surface,
            m.icon,
        )
        self.verdict.set_text(words(f"maint_verdict_{finding.verdict.value}"))
        set_tone(self.verdict, verdict_tone(finding.verdict))
        self.title.set_text(finding.title)
        self.cause.set_text(finding.cause)
        self.details.set_text(details)
        self.details.setVisible(bool(details))
        fix = words("maint_fix", fix=finding.fix) if finding.fix else ""
        self.fix.set_text(fix)
        self.fix.setVisible(bool(fix))


class ConfirmBox(QFrame):
    """ "Are you sure?" in place, with the two answers side by side (destructive or drastic
    actions: purge, restart, exit).

    Signals:
        confirmed(str): the action asked about was confirmed.
        declined(str): it was not.
    """

    confirmed = Signal(str)
    declined = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "panel")
        self.question = TextLabel("strong")
        self.yes = KioskButton("primary")
        self.no = KioskButton("secondary")
        self.yes.clicked.connect(lambda: self._answer(True))
        self.no.clicked.connect(lambda: self._answer(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.no, 1)
        buttons.addWidget(self.yes, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(buttons)
        self._layout = layout
        self._action = ""
        self.hide()

    @property
    def action(self) -> str:
        """The action being asked about ("" when none)."""
        return self._action

    def ask(self, action: str, question: str, yes: str, words: Words) -> None:
        """Ask about `action`."""
        self._action = action
        self.question.set_text(question)
        self.yes.setText(yes)
        self.no.setText(words("maint_confirm_cancel"))
        self.show()

    def dismiss(self) -> None:
        """Hide without an answer."""
        self._action = ""
        self.hide()

    def apply_look(self, look: Look) -> None:
        """Sizes."""
        m = look.metrics
        self._layout.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
        self._layout.setSpacing(m.gap)

    def _answer(self, yes: bool) -> None:
        action, self._action = self._action, ""
        self.hide()
        if action:
            (self.confirmed if yes else self.declined).emit(action)


def section(layout: QVBoxLayout, *widgets: QWidget) -> None:
    """Add `widgets` to `layout`, top aligned."""
    for widget in widgets:
        layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignTop)
