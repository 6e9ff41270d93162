"""Pieces the detail and record screens both draw: a panel of labelled values, and QR codes
with their captions in a row (drawn once per payload and size, unless the payload is a
citizen's: a payment's references are never kept)."""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QBoxLayout, QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from ui.controls import TextLabel, set_tone
from ui.qr import qr_image
from ui.screens.base import Look, panel

# (label, value, tone): an empty label spans the row; an empty tone is plain text.
Line = tuple[str, str, str]


def values_panel(look: Look, heading: str, lines: Sequence[Line]) -> QFrame:
    """A framed panel: an optional bold heading, then one row per line."""
    m = look.metrics
    frame = panel()
    grid = QGridLayout(frame)
    grid.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
    grid.setHorizontalSpacing(m.gap)
    grid.setVerticalSpacing(m.unit)
    row = 0
    if heading:
        head = TextLabel("strong")
        head.set_text(heading)
        grid.addWidget(head, 0, 0, 1, 2)
        row = 1
    for label, value, tone in lines:
        value_label = TextLabel("body")
        value_label.set_text(value)
        if tone:
            set_tone(value_label, tone)
        if label:
            key_label = TextLabel("small")
            key_label.set_text(label)
            grid.addWidget(key_label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value_label, row, 1)
        else:
            grid.addWidget(value_label, row, 0, 1, 2)
        row += 1
    grid.setColumnStretch(1, 1)
    return frame


class QrPainter:
    """QR pixmaps, kept per payload and size when they name no citizen (an agency's page or
    hotline costs ~8 ms to draw on the GUI thread)."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, int], QPixmap] = {}

    def pixmap(self, payload: str, side: int, *, keep: bool = True) -> QPixmap:
        """Dark modules on white whatever the mode: phone cameras want that."""
        key = (payload, side)
        if keep and key in self._kept:
            return self._kept[key]
        image = QPixmap.fromImage(qr_image(payload, side, "#000000", "#FFFFFF"))
        if keep:
            self._kept[key] = image
        return image


def add_qr(row: QBoxLayout, image: QPixmap, caption_text: str, side: int) -> QLabel:
    """A QR code with its caption under it, added to `row`; returns the image's label."""
    box = QVBoxLayout()
    label = QLabel()
    label.setPixmap(image)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    caption = TextLabel("small", align=Qt.AlignmentFlag.AlignHCenter)
    caption.set_text(caption_text)
    caption.setMaximumWidth(max(side * 2, 1))
    box.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
    box.addWidget(caption, 0, Qt.AlignmentFlag.AlignHCenter)
    holder = QWidget()
    holder.setLayout(box)
    row.addWidget(holder)
    return label


def empty_row(row: QBoxLayout) -> None:
    """Delete every widget of `row` now (not later: they may show a citizen's data)."""
    while row.count():
        item = row.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            shiboken6.delete(widget)
