"""Pictures drawn in code: inserting the card, taking it back, a busy indicator, and the demo
citizen's placeholder portrait. Drawn with QPainter so they scale to any screen and follow the
high-contrast palette.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QBrush,
    QColor,
    QHideEvent,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import Palette


class Scene(StrEnum):
    """Which picture."""

    INSERT_CARD = "insert_card"
    TAKE_CARD = "take_card"
    CARD_IN_READER = "card_in_reader"
    OUT_OF_SERVICE = "out_of_service"


class Illustration(QWidget):
    """A picture that fills its widget, keeping its 4:3 shape."""

    def __init__(self, scene: Scene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = scene
        self._palette: Palette | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    @property
    def scene(self) -> Scene:
        """The picture shown."""
        return self._scene

    def set_scene(self, scene: Scene) -> None:
        """Show another picture."""
        self._scene = scene
        self.update()

    def set_palette_colours(self, palette: Palette, height: int) -> None:
        """Colour the picture from `palette` and make it `height` px tall."""
        self._palette = palette
        self.setMinimumSize(QSize(round(height * 4 / 3), height))
        self.setMaximumHeight(height)
        self.update()

    def sizeHint(self) -> QSize:
        """Prefer the height set with the palette."""
        return self.minimumSize()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the scene centred in the widget."""
        del event
        if self._palette is None:
            return
        side_h = min(self.height(), self.width() * 3 / 4)
        side_w = side_h * 4 / 3
        box = QRectF((self.width() - side_w) / 2, (self.height() - side_h) / 2, side_w, side_h)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(box.topLeft())
        painter.scale(box.width() / 400, box.height() / 300)  # draw on a 400 x 300 canvas
        _draw(painter, self._scene, self._palette)
        painter.end()


def _draw(painter: QPainter, scene: Scene, p: Palette) -> None:
    if scene is Scene.OUT_OF_SERVICE:
        _reader(painter, p, slot_y=210)
        _tools(painter, p)
        return
    _reader(painter, p, slot_y=210)
    if scene is Scene.INSERT_CARD:
        _card(painter, p, QRectF(140, 20, 120, 160))
        _arrow(painter, p, QPointF(320, 60), QPointF(320, 170))
    elif scene is Scene.TAKE_CARD:
        _card(painter, p, QRectF(140, 70, 120, 160))
        _arrow(painter, p, QPointF(320, 170), QPointF(320, 50))
    else:  # the card sits in the reader while it is read
        _card(painter, p, QRectF(140, 110, 120, 160))


def _reader(painter: QPainter, p: Palette, slot_y: float) -> None:
    """The kiosk's front with its card slot."""
    painter.setPen(QPen(QColor(p.border), 4))
    painter.setBrush(QBrush(QColor(p.surface)))
    painter.drawRoundedRect(QRectF(40, slot_y - 20, 320, 90), 18, 18)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(p.text)))
    painter.drawRoundedRect(QRectF(120, slot_y - 4, 160, 14), 7, 7)


def _card(painter: QPainter, p: Palette, rect: QRectF) -> None:
    """An ID card standing upright, chip end down (toward the slot)."""
    # The part of the card inside the reader is hidden by drawing the reader's face again.
    painter.save()
    painter.setClipRect(QRectF(0, 0, 400, 206))
    painter.setPen(QPen(QColor(p.primary), 4))
    painter.setBrush(QBrush(QColor(p.surface if p.surface != p.background else p.background)))
    painter.drawRoundedRect(rect, 12, 12)
    # the holder's picture on the card
    face = QRectF(rect.left() + 18, rect.top() + 18, 40, 48)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(p.asking)))
    painter.drawEllipse(QRectF(face.left() + 10, face.top() + 4, 20, 20))
    painter.drawRoundedRect(QRectF(face.left() + 2, face.top() + 28, 36, 20), 8, 8)
    # lines of text
    painter.setPen(QPen(QColor(p.border), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for i, length in enumerate((44, 34, 40)):
        y = rect.top() + 26 + i * 16
        painter.drawLine(QPointF(rect.left() + 68, y), QPointF(rect.left() + 68 + length, y))
    # the chip, near the end that goes in first
    chip = QRectF(rect.center().x() - 18, rect.bottom() - 56, 36, 30)
    painter.setPen(QPen(QColor(p.offline), 2))
    painter.setBrush(QBrush(QColor(p.accent)))
    painter.drawRoundedRect(chip, 5, 5)
    painter.drawLine(
        QPointF(chip.left(), chip.center().y()), QPointF(chip.right(), chip.center().y())
    )
    painter.drawLine(
        QPointF(chip.center().x(), chip.top()), QPointF(chip.center().x(), chip.bottom())
    )
    painter.restore()


def _arrow(painter: QPainter, p: Palette, start: QPointF, end: QPointF) -> None:
    """A thick arrow from `start` to `end` (vertical)."""
    painter.setPen(QPen(QColor(p.primary), 12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    direction = 1 if end.y() > start.y() else -1
    tip_base = QPointF(end.x(), end.y() - direction * 26)
    painter.drawLine(start, tip_base)
    head = QPainterPath()
    head.addPolygon(
        QPolygonF([QPointF(end.x() - 26, tip_base.y()), QPointF(end.x() + 26, tip_base.y()), end])
    )
    head.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(p.primary)))
    painter.drawPath(head)


def _tools(painter: QPainter, p: Palette) -> None:
    """A wrench over the reader: being fixed."""
    painter.save()
    painter.translate(200, 100)
    painter.rotate(-35)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(p.unavailable)))
    painter.drawRoundedRect(QRectF(-12, -10, 24, 110), 10, 10)
    painter.drawEllipse(QRectF(-34, -66, 68, 68))
    painter.setBrush(QBrush(QColor(p.background)))
    painter.drawRect(QRectF(-12, -70, 24, 34))
    painter.restore()


class BusyDots(QWidget):
    """Three dots lighting in turn: work is under way. Its timer runs only while it is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._step = 0
        self._colour = QColor("#1F5FAD")
        self._dim = QColor("#C5CBD6")
        self._timer = QTimer(self)
        self._timer.setInterval(450)
        self._timer.timeout.connect(self._advance)

    def set_colours(self, colour: str, dim: str, height: int) -> None:
        """Colours of the lit and dim dots, and the dots' size."""
        self._colour, self._dim = QColor(colour), QColor(dim)
        self.setFixedSize(QSize(height * 4, height))
        self.update()

    def showEvent(self, event: QShowEvent) -> None:
        """Start moving when shown."""
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop when hidden: nothing keeps running behind another screen."""
        super().hideEvent(event)
        self._timer.stop()

    def _advance(self) -> None:
        self._step = (self._step + 1) % 3
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the three dots."""
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        d = self.height()
        for i in range(3):
            painter.setBrush(QBrush(self._colour if i == self._step else self._dim))
            painter.drawEllipse(QRectF(i * d * 1.5, 0, d, d))
        painter.end()


def placeholder_portrait_jpeg(width: int = 240, height: int = 300) -> bytes:
    """A drawn head-and-shoulders portrait as a JPEG, for demo data (no real person)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#DCE6F2"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(width / 240, height / 300)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("#1B3A6B")))  # shirt
    painter.drawRoundedRect(QRectF(30, 210, 180, 140), 60, 60)
    painter.setBrush(QBrush(QColor("#E8B98F")))  # neck and face
    painter.drawRect(QRectF(100, 170, 40, 50))
    painter.drawEllipse(QRectF(70, 70, 100, 120))
    painter.setBrush(QBrush(QColor("#8C8C8C")))  # grey hair
    hair = QPainterPath()
    hair.moveTo(66, 130)
    hair.cubicTo(60, 50, 180, 50, 174, 130)
    hair.cubicTo(170, 95, 70, 95, 66, 130)
    painter.drawPath(hair)
    painter.setPen(QPen(QColor("#3A2A20"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawPoint(QPointF(102, 128))
    painter.drawPoint(QPointF(138, 128))
    painter.drawArc(QRectF(104, 140, 32, 22), 200 * 16, 140 * 16)  # a smile
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG", 85)  # type: ignore[call-overload]  # the stub says bytes; Qt wants str
    buffer.close()
    return bytes(data.data())
