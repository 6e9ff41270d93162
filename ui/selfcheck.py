"""Qt-side self-checks for `kiosk doctor` and maintenance mode: the shipped fonts, the printer.

The kiosk's core never imports Qt; the doctor reaches these through `kiosk.doctor.screen`, the one
sanctioned lazy import (declared in the import-linter contracts of pyproject.toml). Outside a
running kiosk, `offscreen_app()` makes a QGuiApplication on Qt's offscreen platform (no display
needed); inside one, the kiosk's own application serves. Qt's own warnings during a check are
collected into the finding instead of being printed.

Signals: none (plain functions returning `kiosk.doctor.run.Finding`s).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontDatabase, QGuiApplication, QRawFont
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.doctor.findings import Finding, fail, ok
from ui.typeface import FAMILIES, FONT_DIR, FONT_FILES

# Consonants, vowels above and below, tone marks, digits: what Thai text on the screens uses.
THAI_SAMPLE = "กขคงจชซญดตถทนบปผพฟมยรลวศษสหอฮะาำิีึืุูเแโใไ่้๊๋็์ๆ๐๑๒๓๔๕๖๗๘๙"
THAI_FONT_FILES = tuple(name for name in FONT_FILES if "Thai" in name)


@contextmanager
def offscreen_app() -> Iterator[QGuiApplication]:
    """The running application, or a QGuiApplication on the offscreen platform for the block.

    Created on the calling thread, which must be the main thread (Qt's rule)."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        yield existing
        return
    app = QGuiApplication(["kiosk-doctor", "-platform", "offscreen"])
    try:
        yield app
    finally:
        app.shutdown()


@contextmanager
def qt_messages() -> Iterator[list[str]]:
    """Collect Qt's warnings in a list for the block, instead of printing them."""
    collected: list[str] = []

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        del context
        if kind != QtMsgType.QtDebugMsg:
            collected.append(message)

    previous = qInstallMessageHandler(handler)
    try:
        yield collected
    finally:
        qInstallMessageHandler(previous)


def check_fonts(directory: Path = FONT_DIR) -> Finding:
    """The shipped fonts load, give the families the window asks for, and the Thai face covers
    Thai text (each character of `THAI_SAMPLE` has a glyph)."""
    title = "Fonts"
    fix = "reinstall the kiosk: its bundled fonts are missing or damaged (ui/fonts)"
    families: set[str] = set()
    with qt_messages() as messages:
        for name in FONT_FILES:
            path = directory / name
            if not path.is_file():
                return fail("fonts", title, f"the font file {name} is missing", fix)
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                return fail("fonts", title, f"Qt cannot load the font file {name}", fix)
            families.update(QFontDatabase.applicationFontFamilies(font_id))
        missing = [family for family in FAMILIES if family not in families]
        if missing:
            return fail(
                "fonts", title, f"the bundled fonts lack the families {', '.join(missing)}", fix
            )
        for name in THAI_FONT_FILES:
            raw = QRawFont(str(directory / name), 24.0)
            uncovered = [ch for ch in THAI_SAMPLE if not raw.supportsCharacter(ord(ch))]
            if not raw.isValid() or uncovered:
                return fail(
                    "fonts",
                    title,
                    f"{name} does not cover Thai ({len(uncovered)} of {len(THAI_SAMPLE)} sample "
                    "characters missing): Thai would show as boxes",
                    fix,
                )
    return ok(
        "fonts",
        title,
        f"{', '.join(FAMILIES)} load; Thai is covered ({len(THAI_SAMPLE)} sample characters)",
        families=sorted(families),
        qt_messages=messages[:5],
    )


def check_printer(name: str | None) -> Finding:
    """`printer.name`: unset (no print button) or a printer the print system (CUPS) knows."""
    title = "Slip printer"
    if not name:
        return ok("printer", title, "no printer configured: the print button is hidden")
    with qt_messages():
        known = sorted(QPrinterInfo.availablePrinterNames())
        info = QPrinterInfo.printerInfo(name)
    if info.isNull():
        listed = ", ".join(known) if known else "none"
        return fail(
            "printer",
            title,
            f"the printer '{name}' is not known to the print system (printers known: {listed}): "
            "slips cannot be printed",
            "add the printer to CUPS (`lpadmin`, or its web page on port 631) or correct "
            "printer.name",
            known=known,
        )
    if info.state() == QPrinter.PrinterState.Error:
        return fail(
            "printer",
            title,
            f"the printer '{name}' reports an error",
            "check the printer: paper, cover, cable; `lpstat -p` shows its state",
        )
    return ok("printer", title, f"the printer '{name}' is known to the print system", known=known)


def screen_findings(printer_name: str | None) -> list[Finding]:
    """The fonts and printer findings, under a Qt application (made offscreen if none runs)."""
    with offscreen_app():
        return [check_fonts(), check_printer(printer_name)]
