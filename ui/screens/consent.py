"""Consent (PDPA): who is asking, which agencies will be asked and why, that health and
disability data are sensitive, how long an offline copy is kept, and "don't keep a copy".
"Agree" and "Cancel" sit in the bottom bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.session.agency_info import AgencyInfo
from kiosk.session.view import SessionView
from ui.controls import PhotoFrame, TextLabel, TickBox
from ui.screens.base import Look, Screen, ScrollPage, panel
from ui.status_icons import StatusIcon
from ui.words.strings import Words
from ui.words.values import Glyph


class ConsentScreen(Screen):
    """The consent question. Holds the holder's name and photo until `clear`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo = PhotoFrame()
        self.hello = TextLabel("title")
        self.title = TextLabel("title")
        self.purpose = TextLabel("body")
        self.agency_labels: list[TextLabel] = []
        self.sensitive_icon = StatusIcon()
        self.sensitive = TextLabel("strong")
        self.retention = TextLabel("body")
        self.no_copy = TickBox()
        self.cleared = TextLabel("small")
        self._agencies: tuple[AgencyInfo, ...] = ()
        self._token = -1
        self._look: Look | None = None

        content = QWidget()
        self._content = QVBoxLayout(content)
        head = QHBoxLayout()
        head.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        head_text = QVBoxLayout()
        head_text.addWidget(self.hello)
        head_text.addWidget(self.title)
        head_text.addStretch(1)
        head.addLayout(head_text, 1)
        self._head = head
        self._content.addLayout(head)
        self._content.addWidget(self.purpose)
        self._agency_grid = QGridLayout()
        self._content.addLayout(self._agency_grid)
        self._sensitive_panel = panel()
        sensitive_row = QHBoxLayout(self._sensitive_panel)
        sensitive_row.addWidget(self.sensitive_icon, 0, Qt.AlignmentFlag.AlignTop)
        sensitive_row.addWidget(self.sensitive, 1)
        self._sensitive_row = sensitive_row
        self._content.addWidget(self._sensitive_panel)
        self._content.addWidget(self.retention)
        self._content.addWidget(self.no_copy)
        self._content.addWidget(self.cleared)
        self._content.addStretch(1)
        self.page = ScrollPage(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page)

    @property
    def opt_out(self) -> bool:
        """True when "don't keep an offline copy" is ticked."""
        return self.no_copy.isChecked()

    def apply_look(self, look: Look) -> None:
        """Sizes and colours."""
        self._look = look
        m, p = look.metrics, look.palette
        self._content.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._content.setSpacing(m.gap * 2)
        self._head.setSpacing(m.gap * 2)
        self._agency_grid.setHorizontalSpacing(m.gap * 2)
        self._agency_grid.setVerticalSpacing(m.unit)
        self._sensitive_row.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
        self._sensitive_row.setSpacing(m.gap)
        self.photo.set_side(m.photo)
        self.sensitive_icon.show_glyph(Glyph.INFO, p.asking, p.surface, m.icon)
        self.no_copy.configure(
            self.no_copy.text(),
            box=m.px(56),
            text_colour=p.text,
            fill=p.primary,
            mark=p.on_primary,
            surface=p.surface,
        )
        self._agencies = ()  # re-lay the agency list for the new orientation

    def show_view(self, view: SessionView, words: Words) -> None:
        """The consent question for the holder in `view`."""
        if view.token != self._token:
            self._token = view.token
            self.no_copy.setChecked(False)  # every citizen decides for themself
            self.page.scroll_to_top()
        holder = view.holder
        self.photo.show_photo(holder.photo if holder else None)
        self.hello.set_text(
            words("consent_hello", name=holder.name(words.language)) if holder else ""
        )
        self.title.set_text(words("consent_title"))
        self.purpose.set_text(words("consent_purpose"))
        self._show_agencies(view.agencies, words)
        self.sensitive.set_text(words("consent_sensitive"))
        self.retention.set_text(words("consent_retention", days=view.retention_days))
        if self._look is not None:
            m, p = self._look.metrics, self._look.palette
            self.no_copy.configure(
                words("consent_no_copy"),
                box=m.px(56),
                text_colour=p.text,
                fill=p.primary,
                mark=p.on_primary,
                surface=p.surface,
            )
            self.page.set_cue(words("scroll_cue"), self._look)
        self.cleared.set_text(words("consent_cleared"))

    def _show_agencies(self, agencies: tuple[AgencyInfo, ...], words: Words) -> None:
        if len(self.agency_labels) != len(agencies):
            for label in self.agency_labels:
                self._agency_grid.removeWidget(label)
                label.hide()  # gone from the screen now, deleted with the next event loop turn
                label.deleteLater()
            self.agency_labels = [TextLabel("strong") for _ in agencies]
            self._agencies = ()
        if agencies != self._agencies:
            self._place_agencies()
            self._agencies = agencies
        for label, agency in zip(self.agency_labels, agencies, strict=True):
            label.set_text(f"•  {agency.name(words.language)}")

    def _place_agencies(self) -> None:
        """One column in portrait, two in landscape, filled top to bottom."""
        columns = 2 if self._look is not None and self._look.landscape else 1
        rows = max(1, (len(self.agency_labels) + columns - 1) // columns)
        for label in self.agency_labels:
            self._agency_grid.removeWidget(label)
        for index, label in enumerate(self.agency_labels):
            self._agency_grid.addWidget(label, index % rows, index // rows)

    def clear(self) -> None:
        """Forget the holder."""
        self.photo.clear()
        self.hello.clear()
        self.no_copy.setChecked(False)
