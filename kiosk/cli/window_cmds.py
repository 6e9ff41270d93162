"""`kiosk run` and `kiosk screenshots`: the commands that open a window.

The only CLI module that imports `ui` (and so Qt), and only inside the command functions, so
`kiosk check` and `kiosk card read` start without Qt (an import-linter contract allows exactly
this module).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.errors import EXIT_NO_READER, EXIT_OK, EXIT_USAGE, CliError

_SIZES = ("1080x1920", "1920x1080", "1280x800")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this group's commands to `sub`."""
    run = sub.add_parser("run", help="open the kiosk window (full screen)")
    run.add_argument("--demo", action="store_true", help="demo card and agencies, DEMO banner")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    run.add_argument("--config", metavar="FILE", help="configuration file (TOML)")
    run.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="for benchmarks and smoke tests: once the attract screen is shown, ready to serve, "
        "print 'ready attract N ms' (N: since the process started) and exit 0",
    )
    run.set_defaults(func=run_kiosk)

    shots = sub.add_parser("screenshots", help="render every screen as PNG files (demo data)")
    shots.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    shots.add_argument(
        "--size",
        action="append",
        metavar="WxH",
        help=f"screen size, repeatable (default: {', '.join(_SIZES)})",
    )
    shots.add_argument("--lang", choices=("th", "en", "both"), default="both")
    shots.set_defaults(func=screenshots)


def parse_size(text: str) -> tuple[int, int]:
    """`1080x1920` -> (1080, 1920); CliError (exit 2) for anything else."""
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise CliError(f"a size is WIDTHxHEIGHT, e.g. 1080x1920 (got {text!r})", EXIT_USAGE)
    size = int(width), int(height)
    if not all(320 <= side <= 8192 for side in size):
        raise CliError(f"a size's sides must be 320 to 8192 pixels (got {text!r})", EXIT_USAGE)
    return size


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def screenshots(args: argparse.Namespace) -> int:
    """Write every screen and state, both languages, as PNGs under `--out`."""
    sizes = tuple(parse_size(s) for s in (args.size or _SIZES))
    languages = ("th", "en") if args.lang == "both" else (args.lang,)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {out}: {exc.strerror}", EXIT_USAGE) from None
    if not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.screenshots import run_screenshots

    try:
        written = run_screenshots(out, sizes=sizes, languages=languages)
    except OSError as exc:
        raise CliError(f"cannot write the screenshots: {exc}", EXIT_USAGE) from None
    print(f"{len(written)} screenshots written under {out}")
    return EXIT_OK


def run_kiosk(args: argparse.Namespace) -> int:
    """Open the kiosk window. Never exits on a configuration error: it shows out of service.
    `--demo` needs pcscd with vpcd (exit 3 with one sentence when it cannot be had)."""
    if not os.environ.get("QT_QPA_PLATFORM") and sys.platform == "linux" and not _has_display():
        raise CliError(
            "no display to show the kiosk on (set DISPLAY, or QT_QPA_PLATFORM for a "
            "framebuffer kiosk)",
            EXIT_USAGE,
        )
    from kiosk.wiring.demo import DemoError
    from ui.run import run_app

    try:
        return run_app(
            config_file=args.config,
            demo=args.demo,
            windowed=args.windowed,
            exit_when_ready=args.exit_when_ready,
        )
    except DemoError as exc:
        raise CliError(str(exc), EXIT_NO_READER) from None
