"""Status icons drawn with QPainter: a check, an hourglass, a warning sign, a cross, a dash, a
card and an "i". Drawn rather than taken from a font, so they look the same on every kiosk and
never turn into empty boxes when a font lacks ✓ or ⏳.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from ui.words.values import Glyph


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


_CIRCLE = QRectF(0.04, 0.04, 0.92, 0.92)
_RING = QRectF(0.08, 0.08, 0.84, 0.84)


def _filled_circle(painter: QPainter, colour: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    painter.drawEllipse(_CIRCLE)


def _ring(painter: QPainter, colour: QColor) -> None:
    painter.setPen(_pen(colour, 0.08))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(_RING)


def _check(painter: QPainter, colour: QColor, inner: QColor) -> None:
    _filled_circle(painter, colour)
    painter.setPen(_pen(inner, 0.11))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolyline(QPolygonF([QPointF(0.27, 0.52), QPointF(0.43, 0.68), QPointF(0.74, 0.35)]))


def _cross(painter: QPainter, colour: QColor, inner: QColor) -> None:
    _filled_circle(painter, colour)
    painter.setPen(_pen(inner, 0.11))
    painter.drawLine(QPointF(0.33, 0.33), QPointF(0.67, 0.67))
    painter.drawLine(QPointF(0.67, 0.33), QPointF(0.33, 0.67))


def _warning(painter: QPainter, colour: QColor, inner: QColor) -> None:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(0.5, 0.07), QPointF(0.95, 0.9), QPointF(0.05, 0.9)]))
    path.closeSubpath()
    painter.setPen(_pen(colour, 0.08))
    painter.setBrush(QBrush(colour))
    painter.drawPath(path)
    painter.setPen(_pen(inner, 0.1))
    painter.drawLine(QPointF(0.5, 0.37), QPointF(0.5, 0.6))
    painter.drawPoint(QPointF(0.5, 0.76))


def _hourglass(painter: QPainter, colour: QColor, inner: QColor) -> None:
    del inner
    _ring(painter, colour)
    painter.setPen(_pen(colour, 0.05))
    painter.setBrush(QBrush(colour))
    painter.drawPolygon(QPolygonF([QPointF(0.35, 0.28), QPointF(0.65, 0.28), QPointF(0.5, 0.5)]))
    painter.drawPolygon(QPolygonF([QPointF(0.5, 0.5), QPointF(0.65, 0.72), QPointF(0.35, 0.72)]))


def _dash(painter: QPainter, colour: QColor, inner: QColor) -> None:
    del inner
    _ring(painter, colour)
    painter.setPen(_pen(colour, 0.11))
    painter.drawLine(QPointF(0.32, 0.5), QPointF(0.68, 0.5))


def _card(painter: QPainter, colour: QColor, inner: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    painter.drawRoundedRect(QRectF(0.04, 0.2, 0.92, 0.6), 0.1, 0.1)
    painter.setBrush(QBrush(inner))
    painter.drawRoundedRect(QRectF(0.15, 0.36, 0.22, 0.18), 0.04, 0.04)
    painter.setPen(_pen(inner, 0.06))
    painter.drawLine(QPointF(0.5, 0.4), QPointF(0.82, 0.4))
    painter.drawLine(QPointF(0.5, 0.56), QPointF(0.74, 0.56))


def _info(painter: QPainter, colour: QColor, inner: QColor) -> None:
    del inner
    _ring(painter, colour)
    painter.setPen(_pen(colour, 0.12))
    painter.drawPoint(QPointF(0.5, 0.3))
    painter.setPen(_pen(colour, 0.1))
    painter.drawLine(QPointF(0.5, 0.46), QPointF(0.5, 0.72))


def _down(painter: QPainter, colour: QColor, inner: QColor) -> None:
    del inner
    painter.setPen(_pen(colour, 0.06))
    painter.setBrush(QBrush(colour))
    painter.drawPolygon(QPolygonF([QPointF(0.14, 0.3), QPointF(0.86, 0.3), QPointF(0.5, 0.76)]))


_PAINTERS = {
    Glyph.CHECK: _check,
    Glyph.CROSS: _cross,
    Glyph.WARNING: _warning,
    Glyph.HOURGLASS: _hourglass,
    Glyph.DASH: _dash,
    Glyph.CARD: _card,
    Glyph.INFO: _info,
    Glyph.DOWN: _down,
}


def paint_glyph(
    painter: QPainter, rect: QRectF, glyph: Glyph, colour: QColor, inner: QColor
) -> None:
    """Draw `glyph` in `rect` (square) in `colour`; `inner` is the colour of marks on a fill."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.topLeft())
    painter.scale(rect.width(), rect.height())  # glyphs are drawn on a unit square
    _PAINTERS[glyph](painter, colour, inner)
    painter.restore()


class StatusIcon(QWidget):
    """One status icon at a fixed size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._glyph = Glyph.HOURGLASS
        self._colour = QColor("#000000")
        self._inner = QColor("#FFFFFF")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    @property
    def glyph(self) -> Glyph:
        """The glyph shown."""
        return self._glyph

    def show_glyph(self, glyph: Glyph, colour: str, inner: str, size: int) -> None:
        """Show `glyph` in `colour` at `size` px square."""
        self._glyph, self._colour, self._inner = glyph, QColor(colour), QColor(inner)
        self.setFixedSize(QSize(size, size))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the glyph over the whole widget."""
        del event
        painter = QPainter(self)
        side = min(self.width(), self.height())
        paint_glyph(painter, QRectF(0, 0, side, side), self._glyph, self._colour, self._inner)
        painter.end()
