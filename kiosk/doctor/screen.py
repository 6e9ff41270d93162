"""The doctor's screen checks (fonts, printer), which need Qt: the one door from `kiosk` to `ui`.

`kiosk` never imports Qt; these two checks cannot be made without it. `ui.selfcheck` is imported
here, lazily, inside `check_screen` only — an exception declared in the import-linter contracts
of pyproject.toml — so every other command and check starts without Qt, and a machine whose Qt
cannot load still gets the rest of the doctor's report.
"""

from __future__ import annotations

from kiosk.doctor.findings import Finding, fail, ok

FONTS_TITLE = "Fonts"
PRINTER_TITLE = "Slip printer"


def check_screen(printer_name: str | None) -> list[Finding]:
    """`fonts` and `printer` findings, made on Qt's offscreen platform (main thread only)."""
    try:
        from ui.selfcheck import screen_findings
    except ImportError as exc:
        why = f"Qt cannot be loaded ({type(exc).__name__}): the kiosk window cannot open"
        fix = "reinstall the kiosk (a Qt library of the bundle or the host is missing)"
        printer = (
            ok("printer", PRINTER_TITLE, "no printer configured: the print button is hidden")
            if not printer_name
            else fail("printer", PRINTER_TITLE, f"not checked: {why}", fix)
        )
        return [fail("fonts", FONTS_TITLE, why, fix), printer]
    return screen_findings(printer_name)
