"""What every screen shares: the look it is drawn with and its three duties."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.session.view import SessionView
from ui.controls import TextLabel, set_role
from ui.status_icons import StatusIcon
from ui.theme import Metrics, Palette
from ui.words.strings import Words
from ui.words.values import Glyph


@dataclass(frozen=True, slots=True)
class Look:
    """Colours, sizes and orientation for one moment."""

    palette: Palette
    metrics: Metrics
    landscape: bool


class Screen(QWidget):
    """A page of the kiosk window.

    Duties: `apply_look` (sizes and colours changed), `show_view` (a session view), `clear`
    (drop every personal value: text, pixmaps, models). A screen holds no session logic: what
    it shows comes from the view, what the citizen does goes out by signal.
    """

    def apply_look(self, look: Look) -> None:
        """Resize and recolour for `look`."""

    def show_view(self, view: SessionView, words: Words) -> None:
        """Show `view`."""

    def clear(self) -> None:
        """Forget everything personal."""


class ScrollPage(QWidget):
    """Content that scrolls when it does not fit, with a visible cue while more lies below.

    The cue floats over the bottom of the content rather than taking room from it: a cue that
    shrank the view could itself cause the scrolling it announces.

    Signals:
        scrolled(): the citizen scrolled (counts as activity).
    """

    scrolled = Signal()

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._area = QScrollArea(self)
        self._area.setWidgetResizable(True)
        self._area.setFrameShape(QFrame.Shape.NoFrame)
        self._area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._area.setWidget(content)
        self._cue = QWidget(self)
        self._cue.setObjectName("scrollCue")
        self._cue_text = TextLabel(
            "strong", self._cue, wrap=False, align=Qt.AlignmentFlag.AlignCenter
        )
        self._cue_icons = (StatusIcon(self._cue), StatusIcon(self._cue))
        cue_layout = QHBoxLayout(self._cue)
        cue_layout.addStretch(1)
        cue_layout.addWidget(self._cue_icons[0])
        cue_layout.addWidget(self._cue_text)
        cue_layout.addWidget(self._cue_icons[1])
        cue_layout.addStretch(1)
        self._cue.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._cue.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._area, 1)
        self._cue.hide()
        bar = self._area.verticalScrollBar()
        bar.valueChanged.connect(self._update_cue)
        bar.rangeChanged.connect(self._update_cue)
        bar.valueChanged.connect(self.scrolled)
        # Content size changes land in batches; recheck the cue once the layout has settled.
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(0)
        self._recheck.timeout.connect(self._update_cue)
        content.installEventFilter(self)

    @property
    def area(self) -> QScrollArea:
        """The scroll area."""
        return self._area

    @property
    def cue(self) -> QWidget:
        """The "scroll down for more" cue: arrows and words."""
        return self._cue

    def set_cue(self, text: str, look: Look) -> None:
        """The cue's words and colours."""
        self._cue_text.set_text(text)
        self._place_cue()
        for icon in self._cue_icons:
            icon.show_glyph(
                Glyph.DOWN, look.palette.text, look.palette.background, look.metrics.icon
            )

    def scroll_to_top(self) -> None:
        """Back to the top (a new citizen, a new page)."""
        self._area.verticalScrollBar().setValue(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Recheck the cue when the content changes size."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._recheck.start()
        return False

    def _update_cue(self) -> None:
        bar = self._area.verticalScrollBar()
        self._cue.setVisible(bar.maximum() > 0 and bar.value() < bar.maximum())
        self._cue.raise_()

    def _place_cue(self) -> None:
        bar = self._area.verticalScrollBar()
        width = self.width() - (bar.width() if bar.isVisible() else 0)
        height = self._cue.sizeHint().height()
        self._cue.setGeometry(0, self.height() - height, max(1, width), height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the cue along the bottom edge."""
        super().resizeEvent(event)
        self._place_cue()


def panel(parent: QWidget | None = None) -> QFrame:
    """A framed surface."""
    frame = QFrame(parent)
    set_role(frame, "panel")
    return frame
