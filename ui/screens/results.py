"""Results: the holder (photo, name, age, masked ID) and one tile per agency, each filling in
with its own state as its answer lands. A tap on an answered tile opens its detail."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from adapters.services.definition import ServiceDefinition
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.view import SessionView, Tile, TileState
from ui.controls import PhotoFrame, TextLabel, set_role, set_state, set_tone
from ui.screens.base import Look, Screen, ScrollPage
from ui.screens.menu import ServiceMenu
from ui.status_icons import StatusIcon
from ui.theme import Palette
from ui.words.strings import Words
from ui.words.values import Segment, Tone, badge, headline, tile_hint

MAX_HEADLINES = 2  # more go to the detail screen


def tone_colour(palette: Palette, tone: Tone) -> str:
    """The colour of a badge's tone."""
    return {
        Tone.ACTIVE: palette.active,
        Tone.ASKING: palette.asking,
        Tone.OFFLINE: palette.offline,
        Tone.NEUTRAL: palette.unavailable,
    }[tone]


class AgencyTile(QFrame):
    """One agency: its name, its state (icon + word + colour), a headline per entitlement.

    ```
    | Agency name (wraps to a second line)          | [icon] State     |
    | ...                                           |   as of / call   |
    | First entitlement's headline, one line…       |                  |
    | Second one (portrait), one line…              |        +2 more   |
    ```
    The state and its small print sit in a column at the right, beside the name, so they cost
    no line of their own; headlines are one line each (cut with "…" when too long: the detail
    screen has all of it). How many headlines a tile shows is the screen's call (one in
    landscape, where seven tiles share four rows of a short screen).

    Signals:
        tapped(str): the agency's id, when a tile with an answer is tapped.
    """

    tapped = Signal(str)

    def __init__(self, agency_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agency_id = agency_id
        set_role(self, "tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.name = TextLabel("strong")
        self.badge = QWidget()
        self.badge_icon = StatusIcon(self.badge)
        self.badge_text = TextLabel("strong", self.badge, wrap=False)
        badge_row = QHBoxLayout(self.badge)
        badge_row.setContentsMargins(0, 0, 0, 0)
        badge_row.addWidget(self.badge_icon)
        badge_row.addWidget(self.badge_text)
        self._badge_row = badge_row
        self.headlines = [TextLabel("body", self, wrap=False) for _ in range(MAX_HEADLINES)]
        for label in self.headlines:
            # A headline never asks for width: it is cut to the width the tile has.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(1)
        self._segments: list[list[Segment]] = [[] for _ in range(MAX_HEADLINES)]
        self.more = TextLabel("small", self, wrap=False, align=Qt.AlignmentFlag.AlignRight)
        self.hint = TextLabel("small", wrap=False, align=Qt.AlignmentFlag.AlignRight)
        # The state and its small print, stacked at the right of the name.
        top, right = Qt.AlignmentFlag.AlignTop, Qt.AlignmentFlag.AlignRight
        self.status = QWidget()
        status = QVBoxLayout(self.status)
        status.setContentsMargins(0, 0, 0, 0)
        status.setSpacing(0)
        status.addWidget(self.badge, 0, right)
        status.addWidget(self.hint, 0, right)
        self._status_layout = status
        self._answered = False
        self._grid = QGridLayout(self)
        self._grid.addWidget(self.name, 0, 0, top)
        self._grid.addWidget(self.status, 0, 1, right | top)
        self._grid.setColumnStretch(0, 1)
        self._grid.setRowStretch(1 + MAX_HEADLINES, 1)  # spare height goes below, not between

    @property
    def answered(self) -> bool:
        """True once the agency's answer is in (the tile can be tapped)."""
        return self._answered

    def show_tile(self, tile: Tile, words: Words, look: Look, *, headline_rows: int) -> None:
        """Show `tile` in `look`, with at most `headline_rows` headlines."""
        m, p = look.metrics, look.palette
        self._grid.setContentsMargins(m.gap, m.unit, m.gap, m.unit)
        self._grid.setHorizontalSpacing(m.gap)
        self._grid.setVerticalSpacing(0)
        self._badge_row.setSpacing(m.unit)
        self.setMinimumHeight(m.tile_height)
        self._answered = tile.result is not None
        set_state(self, tile.state.value)
        self.name.set_text(tile.agency.name(words.language))
        state = badge(tile, words)
        colour = tone_colour(p, state.tone)
        self.badge_icon.show_glyph(state.glyph, colour, p.surface, m.icon)
        self.badge_text.set_text(state.text)
        set_tone(self.badge_text, state.tone.value)
        self.badge.setMinimumWidth(self.badge.sizeHint().width())  # the state is never cut
        entitlements = tile.entitlements
        agency_name = tile.agency.name(words.language)
        shown = min(len(entitlements), headline_rows)
        for row in range(MAX_HEADLINES):
            self._segments[row] = (
                headline(entitlements[row], words, within=agency_name) if row < shown else []
            )
        extra = len(entitlements) - shown
        self.more.set_text(words("more_items", n=extra) if extra > 0 else "")
        self.more.setVisible(extra > 0)
        hint = tile_hint(tile, words)
        self.hint.set_text(hint)
        set_tone(self.hint, state.tone.value if tile.from_copy else "")
        self.hint.setVisible(bool(hint))
        self._place_headlines(shown)
        # Lay the tile out now: the state column's width follows its words at once, so the
        # words are never cut for a turn of the event loop.
        self._status_layout.activate()
        self._grid.activate()
        self._fit_headlines()
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if self._answered else Qt.CursorShape.ArrowCursor
        )

    def _place_headlines(self, shown: int) -> None:
        """Headline rows below the name, across the tile; "+N more" at the right of the last."""
        for label in (*self.headlines, self.more):
            self._grid.removeWidget(label)
        more = not self.more.isHidden()
        for row, label in enumerate(self.headlines):
            if row < shown:
                beside_more = more and row == shown - 1
                self._grid.addWidget(label, 1 + row, 0, 1, 1 if beside_more else 2)
                label.show()
            else:
                label.clear()
                label.hide()
        last = 1 + max(0, shown - 1)
        self._grid.addWidget(self.more, last, 1, Qt.AlignmentFlag.AlignRight)

    def _fit_headlines(self) -> None:
        """Cut each headline to one line of the width it has (the amount, in bold, is kept)."""
        margins = self._grid.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 2 * self.frameWidth()
        beside = room - self.more.sizeHint().width() - self._grid.horizontalSpacing()
        last = sum(1 for segments in self._segments if segments) - 1
        for row, label in enumerate(self.headlines):
            segments = self._segments[row]
            if not segments:
                continue
            width = room
            if row == last and not self.more.isHidden():  # "+N more" shares the row
                cell = self._grid.cellRect(1 + row, 0)
                width = cell.width() if cell.isValid() else beside
            label.set_segments(elide(segments, label.font(), max(1, width)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width: headlines cut again."""
        super().resizeEvent(event)
        self._fit_headlines()

    def clear(self) -> None:
        """Drop the answer shown."""
        self._answered = False
        self._segments = [[] for _ in range(MAX_HEADLINES)]
        for label in (*self.headlines, self.more, self.hint, self.badge_text):
            label.clear()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A tap opens the detail (once there is an answer)."""
        if self._answered and self.rect().contains(event.position().toPoint()):
            self.tapped.emit(self.agency_id)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or space opens the detail, for keyboards and switch access."""
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if self._answered and event.key() in keys:
            self.tapped.emit(self.agency_id)
            return
        super().keyPressEvent(event)


def elide(segments: list[Segment], font: QFont, width: int) -> list[Segment]:
    """`segments` cut to `width` px on one line: the plain text gives way ("…"), the bold
    amount stays whole."""
    regular = QFontMetrics(font)
    bold_font = QFont(font)
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)

    def advance(segment: Segment) -> int:
        text, strong = segment
        return (bold if strong else regular).horizontalAdvance(text)

    if sum(advance(s) for s in segments) <= width:
        return segments
    first, *rest = segments
    room = width - sum(advance(s) for s in rest)
    cut = regular.elidedText(first[0], Qt.TextElideMode.ElideRight, max(0, room))
    return [(cut, first[1]), *rest] if cut else [("…", False), *rest]


class ResultsScreen(Screen):
    """The holder and the agency tiles.

    Signals:
        tile_tapped(str): an answered tile's agency id.
    """

    tile_tapped = Signal(str)
    service_tapped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo = PhotoFrame()
        self.menu = ServiceMenu()
        self.menu.tapped.connect(self.service_tapped)
        self.name = TextLabel("title")
        self.facts = TextLabel("body")
        self.status = TextLabel("small", wrap=False)
        self.tiles: dict[str, AgencyTile] = {}
        self._look: Look | None = None
        self._token = -1
        self._headline_rows = MAX_HEADLINES

        self._header = QWidget()
        self._header_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self._header)
        self._header_layout.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(self.name)
        text.addWidget(self.facts)
        text.addStretch(1)
        self._header_text = text
        self._header_layout.addLayout(text, 1)
        self._status_beside: bool | None = None

        grid_host = QWidget()
        self._grid = QGridLayout(grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        # The menu of services follows the tiles, on the same scrolling page.
        content = QWidget()
        self._column = QVBoxLayout(content)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.addWidget(grid_host)
        self._column.addWidget(self.menu)
        self._column.addStretch(1)
        self.page = ScrollPage(content)
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.addWidget(self._header)
        self._layout.addWidget(self.page, 1)

    def apply_look(self, look: Look) -> None:
        """Sizes, colours, and one tile column (portrait) or two (landscape)."""
        self._look = look
        m = look.metrics
        self._layout.setContentsMargins(m.margin, m.margin // 2, m.margin, m.unit)
        self._layout.setSpacing(m.gap)
        self._header_layout.setSpacing(m.gap * 2)
        self._header_layout.setContentsMargins(0, 0, 0, 0)
        self._header_text.setSpacing(0 if look.landscape else m.unit)
        self._place_status(beside=look.landscape)
        # Landscape is short: a smaller photo leaves the height to the tiles.
        self.photo.set_side(m.px(120) if look.landscape else m.photo)
        self._grid.setHorizontalSpacing(m.gap)
        self._grid.setVerticalSpacing(m.gap)
        self._column.setSpacing(m.gap * 3)
        self.menu.apply_look(look)
        self._place_tiles()

    def _place_status(self, *, beside: bool) -> None:
        """Under the name in portrait; at the header's right in landscape, where height is short."""
        if beside == self._status_beside:
            return
        self._status_beside = beside
        self._header_text.removeWidget(self.status)
        self._header_layout.removeWidget(self.status)
        if beside:
            self._header_layout.addWidget(self.status, 0, Qt.AlignmentFlag.AlignBottom)
        else:
            self._header_text.insertWidget(2, self.status)

    def _place_tiles(self) -> None:
        columns = 2 if self._look is not None and self._look.landscape else 1
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
        for index, tile in enumerate(self.tiles.values()):
            self._grid.addWidget(tile, index // columns, index % columns)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._grid.setRowStretch(len(self.tiles), 1)

    def show_view(self, view: SessionView, words: Words) -> None:
        """The holder and every tile in `view`."""
        if self._look is None:
            return
        if view.token != self._token:
            self._token = view.token
            self._headline_rows = MAX_HEADLINES
            self.page.scroll_to_top()
        holder = view.holder
        self.photo.show_photo(holder.photo if holder else None)
        self.name.set_text(holder.name(words.language) if holder else "")
        facts = []
        if holder is not None and holder.age is not None:
            facts.append(words("results_age", age=holder.age))
        if holder is not None:
            facts.append(words("results_cid", cid=holder.cid_masked))
        self.facts.set_text(" · ".join(facts))  # "Age 73 · ID x-xxxx-…"
        self.status.set_text(words("results_done" if view.all_answered else "results_asking"))
        self.prepare(view.agencies, view.menu)
        # Landscape is short: one headline a tile keeps seven tiles in four rows. In portrait
        # two, unless the answers would then need scrolling: then one for every tile, for the
        # rest of this citizen's session (tiles change at most once).
        if self._look.landscape:
            self._headline_rows = 1
        self._show_tiles(view, words)
        self.menu.show_menu(view.menu, words)
        if self._headline_rows > 1 and not self._tiles_fit():
            self._headline_rows = 1
            self._show_tiles(view, words)
        self.page.set_cue(words("scroll_cue"), self._look)

    def _show_tiles(self, view: SessionView, words: Words) -> None:
        assert self._look is not None
        for tile in view.tiles:
            self.tiles[tile.agency.id].show_tile(
                tile, words, self._look, headline_rows=self._headline_rows
            )

    def _tiles_fit(self) -> bool:
        """True when every tile fits the page's height without scrolling."""
        viewport = self.page.area.viewport()
        if not self.isVisible() or viewport.height() <= 1:
            return True  # not laid out yet: judged again with the next view
        self._grid.activate()
        width = viewport.width()
        needed = (
            self._grid.heightForWidth(width)
            if self._grid.hasHeightForWidth()
            else self._grid.sizeHint().height()
        )
        return needed <= viewport.height()

    def scroll_to_menu(self) -> None:
        """Bring the menu of services into view (the screenshots' "results-menu")."""
        self.page.area.verticalScrollBar().setValue(self.menu.y())

    def prepare(
        self, agencies: tuple[AgencyInfo, ...], menu: tuple[ServiceDefinition, ...] = ()
    ) -> None:
        """Have a tile ready for each agency, and the menu's buttons. The window calls this a
        moment after its first view (the attract screen), so "Agree" only fills tiles in:
        building and styling seven tiles and the menu at once would stall the screen just when
        the citizen waits for it."""
        ids = [agency.id for agency in agencies]
        if menu != self.menu.menu:
            self.menu.show_menu(menu, Words("th"))
        if ids != list(self.tiles):
            self._rebuild_tiles(ids)
            self._rehearse(agencies)

    def _rehearse(self, agencies: tuple[AgencyInfo, ...]) -> None:
        """Fill the new tiles in as "asking" in both languages and draw the page once, off
        screen: the first citizen's "Agree" then costs what every later one does (the first
        layout and drawing of a page, and each font's first glyphs, are the slow ones)."""
        if self._look is None:
            return
        for language in ("th", "en"):
            words = Words(language)
            for agency in agencies:
                asking = Tile(agency, TileState.ASKING, None)
                self.tiles[agency.id].show_tile(asking, words, self._look, headline_rows=1)
            self.grab()
        for widget in self.tiles.values():
            widget.clear()

    def _rebuild_tiles(self, ids: list[str]) -> None:
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
            tile.clear()
            tile.hide()  # gone from the screen now, deleted with the next event loop turn
            tile.deleteLater()
        self.tiles = {}
        for agency_id in ids:
            tile = AgencyTile(agency_id)
            tile.tapped.connect(self.tile_tapped)
            self.tiles[agency_id] = tile
        self._place_tiles()

    def clear(self) -> None:
        """Forget the holder and every answer."""
        self.photo.clear()
        self.name.clear()
        self.facts.clear()
        for tile in self.tiles.values():
            tile.clear()
