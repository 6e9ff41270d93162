"""The maintenance screen: a title with the kiosk's id, version and uptime, a row of sections
(status, card test, agencies, offline cache, log, kiosk), the section's page, and one big
"leave maintenance" button. It lays out what the maintenance controller gives it and reports
what the technician presses; it decides nothing.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.maintenance.status import StatusReport
from kiosk.session.view import SessionView
from ui.controls import KioskButton, TextLabel
from ui.maintenance.agencies_page import AgenciesPage
from ui.maintenance.cache_page import CachePage
from ui.maintenance.card_page import CardPage
from ui.maintenance.kiosk_page import KioskPage
from ui.maintenance.log_page import LogPage
from ui.maintenance.page import MaintenancePage
from ui.maintenance.status_page import StatusPage
from ui.screens.base import Look, Screen
from ui.words.strings import Words


class Section(StrEnum):
    """The pages of the maintenance screen, in the order of their buttons."""

    STATUS = "status"
    CARD = "card"
    AGENCIES = "agencies"
    CACHE = "cache"
    LOG = "log"
    KIOSK = "kiosk"


def uptime_words(seconds: float, words: Words) -> str:
    """How long the kiosk has been up, in words."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    if hours:
        return words("maint_time_h_min", h=hours, m=rest // 60)
    return words("maint_time_min_s", m=rest // 60, s=rest % 60)


class MaintenanceScreen(Screen):
    """The technician's screen (a page of the kiosk window in maintenance mode).

    Signals:
        leave_pressed(): leave maintenance mode.
        language_pressed(): Thai <-> English.
        section_shown(str): a `Section` value now on screen (the log loads when shown).
    """

    leave_pressed = Signal()
    language_pressed = Signal()
    section_shown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = TextLabel("title")
        self.language = KioskButton("toggle")
        self.language.clicked.connect(self.language_pressed)
        self.header = TextLabel("small")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.language)
        self.status = StatusPage()
        self.card = CardPage()
        self.agencies = AgenciesPage()
        self.cache = CachePage()
        self.log = LogPage()
        self.kiosk = KioskPage()
        self.pages: dict[Section, MaintenancePage] = {
            Section.STATUS: self.status,
            Section.CARD: self.card,
            Section.AGENCIES: self.agencies,
            Section.CACHE: self.cache,
            Section.LOG: self.log,
            Section.KIOSK: self.kiosk,
        }
        self.stack = QStackedWidget()
        self.tabs: dict[Section, KioskButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._tabs = QGridLayout()
        for section, page in self.pages.items():
            self.stack.addWidget(page)
            button = KioskButton("toggle")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, s=section: self.show_section(s))
            self._group.addButton(button)
            self.tabs[section] = button
        self.leave = KioskButton("primary")
        self.leave.clicked.connect(self.leave_pressed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addLayout(self._tabs)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.leave)
        self._layout = layout
        self._words = Words("en")
        self._landscape: bool | None = None
        self._uptime_s: float | None = None
        self.show_section(Section.STATUS)

    # --- what the controller uses ---------------------------------------------------------------

    @property
    def section(self) -> Section:
        """The section on screen."""
        for section, page in self.pages.items():
            if self.stack.currentWidget() is page:
                return section
        return Section.STATUS

    @property
    def words(self) -> Words:
        """The language the screen draws in."""
        return self._words

    def show_section(self, section: Section) -> None:
        """Put `section`'s page on screen."""
        self.tabs[section].setChecked(True)
        if self.stack.currentWidget() is not self.pages[section]:
            self.stack.setCurrentWidget(self.pages[section])
            self.section_shown.emit(section.value)

    def show_status(self, report: StatusReport) -> None:
        """A fresh status report: the status page, the header, the agencies' and the cache's
        last known state."""
        self._uptime_s = report.uptime_s
        self._kiosk_line = (report.kiosk_id, report.version)
        self.status.show_report(report)
        self.agencies.show_known(
            {
                i.check.removeprefix("agency."): i
                for i in report.items
                if i.check.startswith("agency.")
            }
        )
        cache = next((i for i in report.items if i.check == "cache"), None)
        self.cache.show_known(cache)
        self._draw_header()

    def reset(self) -> None:
        """Forget every result (maintenance mode was left) and start on the status page."""
        for page in (self.card, self.agencies, self.cache, self.log, self.kiosk):
            page.clear()
        self.status.clear_report()
        self._uptime_s = None
        self.show_section(Section.STATUS)

    # --- Screen --------------------------------------------------------------------------------

    def apply_look(self, look: Look) -> None:
        """Sizes and colours; the sections in one row in landscape, two in portrait."""
        m = look.metrics
        self._layout.setContentsMargins(m.margin // 2, m.gap, m.margin // 2, m.gap)
        self._layout.setSpacing(m.unit)
        self._tabs.setSpacing(m.unit)
        if look.landscape != self._landscape:
            self._landscape = look.landscape
            columns = len(self.tabs) if look.landscape else 3
            for n, button in enumerate(self.tabs.values()):
                self._tabs.removeWidget(button)
                self._tabs.addWidget(button, n // columns, n % columns)
        for page in self.pages.values():
            page.apply_look(look)

    def show_view(self, view: SessionView, words: Words) -> None:
        """The session's language (the rest comes from the controller)."""
        self._words = words
        self.title.set_text(words("maint_title"))
        self.language.setText(words("switch_language"))
        self.leave.setText(words("maint_leave"))
        for section, button in self.tabs.items():
            button.setText(words(f"maint_tab_{section.value}"))
        for page in self.pages.values():
            page.set_words(words)
        self._draw_header()
        del view

    def clear(self) -> None:
        """Nothing personal is ever shown here (the test read is masked): nothing to drop on a
        session's end. Results are forgotten when maintenance mode is left (`reset`)."""

    # --- inside --------------------------------------------------------------------------------

    _kiosk_line: tuple[str, str] = ("", "")

    def _draw_header(self) -> None:
        if self._uptime_s is None:
            self.header.set_text("")
            return
        kiosk, version = self._kiosk_line
        uptime = uptime_words(self._uptime_s, self._words)
        self.header.set_text(
            self._words("maint_header", kiosk=kiosk, version=version, uptime=uptime)
        )
