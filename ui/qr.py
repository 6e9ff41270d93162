"""QR codes for agency web pages and hotlines (`tel:`), drawn from the `qrcode` package's
module matrix. A QR code here only ever carries an `AgencyInfo`'s public `web` or `hotline`,
never anything about the citizen.
"""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter

from kiosk.session.agency_info import AgencyInfo


def qr_targets(agency: AgencyInfo) -> list[tuple[str, str]]:
    """(kind, payload) pairs for an agency: its web page ("web") and hotline ("tel")."""
    targets: list[tuple[str, str]] = []
    if agency.web.startswith(("https://", "http://")):
        targets.append(("web", agency.web))
    digits = "".join(ch for ch in agency.hotline if ch.isdigit() or ch == "+")
    if digits:
        targets.append(("tel", f"tel:{digits}"))
    return targets


def qr_image(payload: str, side: int, dark: str = "#000000", light: str = "#FFFFFF") -> QImage:
    """The QR code of `payload`, about `side` px square with a quiet zone, crisp modules."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(payload)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    count = len(matrix)
    module = max(2, side // count)
    image = QImage(count * module, count * module, QImage.Format.Format_RGB32)
    image.fill(QColor(light))
    painter = QPainter(image)
    dark_colour = QColor(dark)
    for y, row in enumerate(matrix):
        for x, filled in enumerate(row):
            if filled:
                painter.fillRect(QRect(x * module, y * module, module, module), dark_colour)
    painter.end()
    return image
