"""The kiosk's building blocks: text that wraps with room for Thai marks, big buttons, a big
tick box, and the holder's photo frame. Each can be emptied (`clear`) so no personal data stays
in a widget once a session ends.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QSizePolicy, QWidget

from ui.status_icons import paint_glyph
from ui.words.values import Glyph, Segment

# Thai needs ~1.5 x the font size per line for marks stacked above and below the letters. Lines
# holding Thai take Noto Sans Thai's own spacing (46 px at 30 px, about 1.53 x), so no extra
# line height is added: more would only push seven tiles off a landscape screen.


def set_role(widget: QWidget, role: str) -> None:
    """Pick the style-sheet rules for `widget` (`role` property) and restyle it."""
    widget.setProperty("role", role)
    _repolish(widget)


def set_state(widget: QWidget, state: str) -> None:
    """Set the `state` style property (e.g. a tile's state) and restyle the widget."""
    if widget.property("state") != state:
        widget.setProperty("state", state)
        _repolish(widget)


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label by tone ("active", "asking", "offline", "neutral"; "" for plain text).

    A property picked up by the window's style sheet, not a style sheet per widget: restyling
    one widget is cheap, parsing a style sheet for it is not (a tile repaints on every answer).
    """
    if widget.property("tone") != tone:
        widget.setProperty("tone", tone)
        _repolish(widget)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def rich_text(segments: list[Segment]) -> str:
    """HTML for runs of text, bold where asked; every run escaped."""
    return "".join(
        f"<b>{html.escape(text)}</b>" if bold else html.escape(text) for text, bold in segments
    )


class TextLabel(QLabel):
    """A label for people: wraps, keeps room for Thai marks, never interprets its text as HTML."""

    def __init__(
        self,
        role: str = "body",
        parent: QWidget | None = None,
        *,
        wrap: bool = True,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(wrap)
        self.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self._plain = ""
        set_role(self, role)

    @property
    def plain_text(self) -> str:
        """The text shown, without markup."""
        return self._plain

    def set_text(self, text: str) -> None:
        """Show `text` as given (escaped)."""
        self.set_segments([(text, False)] if text else [])

    def set_segments(self, segments: list[Segment]) -> None:
        """Show runs of text, some in bold."""
        plain = "".join(text for text, _ in segments)
        if plain == self._plain and (self.text() or not plain):
            return
        self._plain = plain
        super().setText(rich_text(segments) if plain else "")

    def clear(self) -> None:
        """Empty the label."""
        self._plain = ""
        super().clear()


class KioskButton(QPushButton):
    """A big button; `role` is "primary", "secondary" or "toggle"."""

    def __init__(self, role: str = "secondary", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        set_role(self, role)


class TickBox(QAbstractButton):
    """A large tick box with its words beside it; the whole row is the touch target.

    Signals:
        toggled(bool): inherited; the box was ticked or cleared.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._label = TextLabel("body", self)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._box = 48
        self._colours = ("#1A1F2B", "#1B3A6B", "#FFFFFF", "#FFFFFF")

    def configure(
        self, text: str, *, box: int, text_colour: str, fill: str, mark: str, surface: str
    ) -> None:
        """Words, box size and colours (text, ticked fill, tick mark, empty box)."""
        self.setText(text)
        self._label.set_text(text)
        self._box = box
        self._colours = (text_colour, fill, mark, surface)
        self._relayout()
        self.update()

    def _relayout(self) -> None:
        gap = self._box // 2
        self._label.setGeometry(
            self._box + gap, 0, max(1, self.width() - self._box - gap), self.height()
        )
        self.setMinimumHeight(max(self._box + 24, self._label.sizeHint().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the words beside the box."""
        super().resizeEvent(event)
        self._relayout()

    def sizeHint(self) -> QSize:
        """Box plus words."""
        hint = self._label.sizeHint()
        return QSize(self._box + self._box // 2 + hint.width(), max(self._box + 24, hint.height()))

    def hasHeightForWidth(self) -> bool:
        """The words wrap."""
        return True

    def heightForWidth(self, width: int) -> int:
        """Height for the wrapped words."""
        text_width = max(1, width - self._box - self._box // 2)
        return max(self._box + 24, self._label.heightForWidth(text_width))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the box (and tick) left of the words."""
        del event
        text_colour, fill, mark, surface = (QColor(c) for c in self._colours)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = (self.height() - self._box) / 2
        rect = QRectF(2, top, self._box - 4, self._box - 4)
        pen = painter.pen()
        pen.setColor(fill if self.hasFocus() else text_colour)
        pen.setWidthF(max(3.0, self._box / 14))
        painter.setPen(pen)
        painter.setBrush(fill if self.isChecked() else surface)
        painter.drawRoundedRect(rect, self._box / 6, self._box / 6)
        if self.isChecked():
            paint_glyph(painter, rect.adjusted(-2, -2, 2, 2), Glyph.CHECK, fill, mark)
        painter.end()

    def hitButton(self, pos: QPoint) -> bool:
        """Anywhere on the row counts, not only the box."""
        return self.rect().contains(pos)


class PhotoFrame(QLabel):
    """The holder's photo. Holds personal data: `clear` drops the pixmap."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._jpeg: bytes | None = None
        self._side = 160

    def set_side(self, side: int) -> None:
        """The frame's height in px (photos are 4:5, portrait)."""
        if side != self._side:
            self._side = side
            self._render()

    def show_photo(self, jpeg: bytes | None) -> None:
        """Show the JPEG (None: an empty frame until it arrives)."""
        if jpeg is self._jpeg or jpeg == self._jpeg:
            return
        self._jpeg = jpeg
        self._render()

    @property
    def has_photo(self) -> bool:
        """True while a photo is shown."""
        return not self.pixmap().isNull()

    def _render(self) -> None:
        self.setFixedSize(QSize(round(self._side * 0.8), self._side))
        if self._jpeg is None:
            super().clear()
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(self._jpeg, "JPG"):
            super().clear()  # a damaged photo shows as an empty frame, not an error
            return
        self.setPixmap(
            pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def clear(self) -> None:
        """Drop the photo."""
        self._jpeg = None
        super().clear()
