"""An agency's detail: every entitlement with amounts, dates and hospitals, why an answer came
from a copy, the hotline, and QR codes to the agency's public page and `tel:` hotline."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.session.view import SessionView, Tile, TileState
from ui.controls import TextLabel, set_tone
from ui.qr import qr_targets
from ui.screens.base import Look, Screen, ScrollPage
from ui.screens.parts import QrPainter, add_qr, empty_row, values_panel
from ui.screens.results import tone_colour
from ui.status_icons import StatusIcon
from ui.words.strings import Words
from ui.words.values import badge, detail_lines, reason_text, title


class DetailScreen(Screen):
    """One agency's answer in full. Holds personal data until `clear`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agency = TextLabel("title")
        self.badge_icon = StatusIcon()
        self.badge_text = TextLabel("strong")
        self.why = TextLabel("body")
        self.none = TextLabel("body")
        self.hotline = TextLabel("title")
        self.entitlement_panels: list[QFrame] = []
        self.qr_codes: list[QLabel] = []
        self._look: Look | None = None
        self._shown: tuple[int, str, str] | None = None  # (token, agency, language) on screen
        self._qr = QrPainter()

        content = QWidget()
        self._content = QVBoxLayout(content)
        self._content.addWidget(self.agency)
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.badge_icon)
        badge_row.addWidget(self.badge_text, 1)
        self._badge_row = badge_row
        self._content.addLayout(badge_row)
        self._content.addWidget(self.why)
        self._content.addWidget(self.none)
        self._entitlements = QVBoxLayout()
        self._content.addLayout(self._entitlements)
        self._content.addWidget(self.hotline)
        self._qr_row = QHBoxLayout()
        self._content.addLayout(self._qr_row)
        self._content.addStretch(1)
        self.page = ScrollPage(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page)

    def apply_look(self, look: Look) -> None:
        """Sizes and colours."""
        self._look = look
        m = look.metrics
        self._content.setContentsMargins(m.margin, m.margin // 2, m.margin, m.margin)
        self._content.setSpacing(m.gap)
        self._entitlements.setSpacing(m.gap)
        self._qr_row.setSpacing(m.gap * 3)
        self._badge_row.setSpacing(m.unit)
        self._shown = None  # redraw at the new size

    def show_view(self, view: SessionView, words: Words) -> None:
        """The detail of `view.detail`."""
        tile = view.detail
        if tile is None or self._look is None:
            return
        key = (view.token, tile.agency.id, words.language)
        if key == self._shown and tile.state is not TileState.ASKING:
            return  # unchanged: answers do not change once in
        self.clear()
        self._shown = key
        look = self._look
        self.page.scroll_to_top()
        self.agency.set_text(tile.agency.name(words.language))
        state = badge(tile, words)
        colour = tone_colour(look.palette, state.tone)
        self.badge_icon.show_glyph(state.glyph, colour, look.palette.background, look.metrics.icon)
        self.badge_text.set_text(state.text)
        set_tone(self.badge_text, state.tone.value)
        self._show_why(tile, words)
        # No entitlement means "none on record" only when the agency answered.
        none = ""
        if tile.state is TileState.UNAVAILABLE:
            none = words("detail_unknown")
        elif not tile.entitlements:
            none = words("detail_none")
        self.none.set_text(none)
        self.none.setVisible(bool(none))
        for entitlement in tile.entitlements:
            self._add_entitlement(
                title(entitlement, words.language), detail_lines(entitlement, words)
            )
        hotline = tile.agency.hotline
        self.hotline.set_text(words("detail_hotline", hotline=hotline) if hotline else "")
        self.hotline.setVisible(bool(hotline))
        self._add_qr_codes(tile, words)
        self.page.set_cue(words("scroll_cue"), look)

    def _show_why(self, tile: Tile, words: Words) -> None:
        why = reason_text(tile.result.reason if tile.result else None, words)
        text = ""
        if why and tile.from_copy:
            text = words("detail_why_copy", why=why)
        elif why and tile.state is TileState.UNAVAILABLE:
            text = words("detail_why_unavailable", why=why)
        self.why.set_text(text)
        self.why.setVisible(bool(text))

    def _add_entitlement(self, heading: str, lines: list[tuple[str, str]]) -> None:
        assert self._look is not None
        frame = values_panel(self._look, heading, [(label, value, "") for label, value in lines])
        self._entitlements.addWidget(frame)
        self.entitlement_panels.append(frame)

    def _add_qr_codes(self, tile: Tile, words: Words) -> None:
        assert self._look is not None
        side = self._look.metrics.px(220)
        for kind, payload in qr_targets(tile.agency):
            caption = (
                words("qr_web") if kind == "web" else words("qr_tel", hotline=tile.agency.hotline)
            )
            image = add_qr(self._qr_row, self._qr.pixmap(payload, side), caption, side)
            self.qr_codes.append(image)
        self._qr_row.addStretch(1)

    def clear(self) -> None:
        """Drop the answer, its panels and the QR images shown."""
        self._shown = None
        for label in (self.agency, self.badge_text, self.why, self.none, self.hotline):
            label.clear()
        for frame in self.entitlement_panels:
            self._entitlements.removeWidget(frame)
            shiboken6.delete(frame)  # now, not later: the panels hold the citizen's answers
        self.entitlement_panels = []
        for image in self.qr_codes:
            image.clear()
        self.qr_codes = []
        empty_row(self._qr_row)
