"""The kiosk window: the screens as pages, the DEMO banner, the bottom bar and the inactivity
warning. It shows session views and reports what the citizen does; it decides nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from adapters.services.definition import ServiceDefinition
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.view import Preferences, SessionState, SessionView
from ui.controls import TextLabel, set_role
from ui.screens.attract import AttractScreen
from ui.screens.base import Look, Screen
from ui.screens.bottom_bar import BarAction, BottomBar
from ui.screens.consent import ConsentScreen
from ui.screens.detail import DetailScreen
from ui.screens.reading import ReadingScreen
from ui.screens.record import RecordScreen
from ui.screens.results import ResultsScreen
from ui.screens.take_card import TakeCardScreen
from ui.screens.warning import WarningOverlay
from ui.theme import metrics_for, palette_for, style_sheet
from ui.words.strings import Words

_ASKED = (SessionState.QUERYING, SessionState.RESULTS)


class Overlay(Protocol):
    """A widget the window lays over itself and styles (the part of QWidget it uses)."""

    def apply_look(self, look: Look) -> None:
        """Resize and recolour for `look`."""

    def setGeometry(self, rect: QRect) -> None:
        """Cover `rect`."""


PREPARE_DELAY_MS = 1000


class KioskWindow(QWidget):
    """The one top-level window.

    Signals:
        language_pressed(), large_text_pressed(), contrast_pressed(): the switches.
        action(str): a `BarAction` value from the bottom bar.
        tile_tapped(str): an answered agency tile.
        service_tapped(str): a service of the menu.
        record_revealed(): "Show it" on a private record.
        still_here(): the inactivity warning's button.
    """

    language_pressed = Signal()
    large_text_pressed = Signal()
    contrast_pressed = Signal()
    action = Signal(str)
    tile_tapped = Signal(str)
    service_tapped = Signal(str)
    record_revealed = Signal()
    still_here = Signal()

    def __init__(
        self,
        *,
        font: QFont,
        clock: Callable[[], float],
        demo: bool = False,
        can_print: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KioskWindow")
        # The window itself takes focus on each new page: no button starts out ringed as if
        # chosen (keyboard and switch users Tab from there).
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFont(font)
        self.setWindowTitle("Government Smart Kiosk")
        self._can_print = can_print
        self._look: Look | None = None
        self._preferences = Preferences()
        self._view: SessionView | None = None

        self.attract = AttractScreen()
        self.reading = ReadingScreen()
        self.consent = ConsentScreen()
        self.results = ResultsScreen()
        self.detail = DetailScreen()
        self.record = RecordScreen()
        self.take_card = TakeCardScreen()
        self.screens: tuple[Screen, ...] = (
            self.attract,
            self.reading,
            self.consent,
            self.results,
            self.detail,
            self.record,
            self.take_card,
        )
        self.stack = QStackedWidget()
        for screen in self.screens:
            self.stack.addWidget(screen)

        self.banner = QFrame()
        set_role(self.banner, "bannerbar")
        self.banner_text = TextLabel("banner")  # left: the demo's card strip sits at the right
        banner_row = QHBoxLayout(self.banner)
        banner_row.addWidget(self.banner_text)
        self._banner_row = banner_row
        self.banner.setVisible(demo)

        self.notice = TextLabel("notice", align=Qt.AlignmentFlag.AlignHCenter)
        self.notice.hide()
        self.bar = BottomBar()

        layout = QVBoxLayout(self)
        # The window's size is the screen's; its content never resizes it (pages scroll).
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.bar)
        self.overlay = WarningOverlay(clock, self)
        # Pages and overlays added later (maintenance mode's, when a technician first knocks:
        # start-up and every citizen do not pay for them). The window styles and sizes them;
        # it knows nothing else of them.
        self._state_pages: dict[SessionState, Screen] = {}
        self._overlays: list[Overlay] = []
        self._forward_signals()
        self._agencies: tuple[AgencyInfo, ...] = ()
        self._prepare = QTimer(self)
        self._prepare.setSingleShot(True)
        self._prepare.setInterval(PREPARE_DELAY_MS)
        self._menu: tuple[ServiceDefinition, ...] = ()
        self._prepare.timeout.connect(lambda: self.results.prepare(self._agencies, self._menu))

    def _forward_signals(self) -> None:
        self.bar.language_pressed.connect(self.language_pressed)
        self.bar.large_text_pressed.connect(self.large_text_pressed)
        self.bar.contrast_pressed.connect(self.contrast_pressed)
        self.bar.action.connect(self.action)
        self.results.tile_tapped.connect(self.tile_tapped)
        self.results.service_tapped.connect(self.service_tapped)
        self.record.reveal_pressed.connect(self.record_revealed)
        self.overlay.still_here.connect(self.still_here)

    # --- what the controller uses -----------------------------------------------------------

    def add_page(self, page: Screen, *, for_state: SessionState) -> None:
        """A page shown for `for_state`, built elsewhere (maintenance mode's screen)."""
        self.stack.addWidget(page)
        if self._look is not None:
            page.apply_look(self._look)
        self._state_pages[for_state] = page

    def add_overlay(self, overlay: Overlay) -> None:
        """A widget over the whole window (a child of it: maintenance mode's PIN pad)."""
        if self._look is not None:
            overlay.apply_look(self._look)
        overlay.setGeometry(self.rect())
        self._overlays.append(overlay)

    @property
    def demo(self) -> bool:
        """True when the DEMO banner is shown."""
        return not self.banner.isHidden()

    @property
    def can_print(self) -> bool:
        """True when a printer is configured (the print button may show)."""
        return self._can_print

    @property
    def consent_opt_out(self) -> bool:
        """The consent screen's "don't keep an offline copy"."""
        return self.consent.opt_out

    def show_view(self, view: SessionView) -> None:
        """Show `view`: the right page, the bar's actions, the warning if any."""
        self._view = view
        words = Words(view.preferences.language)
        if self._look is None or view.preferences != self._preferences:
            self._preferences = view.preferences
            self._relook()
        if not view.holds_personal_data:
            self.wipe()
        if view.agencies != self._agencies or view.menu != self._menu:
            # Build and draw the tiles and the menu once, a moment after the first screen is
            # up (a citizen's "Agree" would otherwise pay for it; start-up need not either).
            self._agencies, self._menu = view.agencies, view.menu
            self._prepare.start()
        page = self._page_for(view)
        page.show_view(view, words)
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
            self.notice.hide()
            self.setFocus()
        self.banner_text.set_text(words("demo_banner"))
        secondary, primary = self._actions_for(view)
        self.bar.show_bar(view.preferences, words, secondary=secondary, primary=primary)
        # The maintenance screen has its own language switch and way out.
        self.bar.setVisible(view.state is not SessionState.MAINTENANCE)
        self.overlay.show_view(view, words)

    def show_notice(self, text: str) -> None:
        """A short message above the bar (printing); it goes with the next page change."""
        self.notice.set_text(text)
        self.notice.setVisible(bool(text))

    def wipe(self) -> None:
        """Drop every personal value from every screen (a session ended)."""
        for screen in self.screens:
            screen.clear()
        self.overlay.clear()
        self.notice.clear()
        self.notice.hide()

    # --- inside ------------------------------------------------------------------------------

    def _page_for(self, view: SessionView) -> Screen:
        if view.state in _ASKED:
            if view.record is not None:
                return self.record
            return self.detail if view.detail is not None else self.results
        if view.state in self._state_pages:
            return self._state_pages[view.state]
        return {
            SessionState.OUT_OF_SERVICE: self.attract,
            SessionState.IDLE: self.attract,
            SessionState.READING: self.reading,
            SessionState.CONSENT: self.consent,
            SessionState.AWAIT_REMOVAL: self.take_card,
        }[view.state]

    def _actions_for(self, view: SessionView) -> tuple[BarAction | None, BarAction | None]:
        if view.state is SessionState.CONSENT:
            return BarAction.DECLINE, BarAction.AGREE
        if view.state in _ASKED and view.record is not None:
            memo = self._can_print and view.record.printable
            return (BarAction.PRINT_MEMO if memo else None), BarAction.BACK
        if view.state in _ASKED and view.detail is not None:
            return None, BarAction.BACK
        if view.state in _ASKED:
            can_print = self._can_print and view.state is SessionState.RESULTS
            return (BarAction.PRINT if can_print else None), BarAction.FINISH
        return None, None

    def _relook(self) -> None:
        width, height = max(1, self.width()), max(1, self.height())
        look = Look(
            palette=palette_for(self._preferences),
            metrics=metrics_for(width, height, self._preferences),
            landscape=width > height,
        )
        if look == self._look:
            return
        self._look = look
        self.setStyleSheet(style_sheet(look.palette, look.metrics))
        m = look.metrics
        self._banner_row.setContentsMargins(m.margin, m.unit, m.margin, m.unit)
        for screen in self.screens:
            screen.apply_look(look)
        self.bar.apply_look(look)
        self.overlay.apply_look(look)
        for extra in (*self._state_pages.values(), *self._overlays):
            extra.apply_look(look)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new size: new metrics, and the view drawn again."""
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
        for overlay in self._overlays:
            overlay.setGeometry(self.rect())
        if self._view is not None:
            self._relook()
            self.show_view(self._view)
