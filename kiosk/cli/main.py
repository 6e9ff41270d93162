"""`kiosk` — the command line. Each command group lives in its own module with a `register`.

Exit codes (docs/command-line.md): 0 ok; 1 `doctor` found a failing check; 2 usage or config
error; 3 no reader / no card / pcscd down; 4 not a Thai ID card or unreadable. On a non-zero exit
stdout holds nothing and stderr holds one plain sentence, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from kiosk import __version__
from kiosk.cli import agency_cmds, cache_cmds, card_cmds, ops_cmds, service_cmds, window_cmds
from kiosk.cli.errors import EXIT_USAGE, CliError
from kiosk.config import ConfigError

log = logging.getLogger("kiosk.cli")

Command = Callable[[argparse.Namespace], int]
_GROUPS = (card_cmds, agency_cmds, service_cmds, cache_cmds, ops_cmds, window_cmds)


class _Parser(argparse.ArgumentParser):
    """argparse that says what was wrong in one sentence and exits 2 (its usual code)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"kiosk: {message} (see 'kiosk --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every command group registered."""
    parser = _Parser(prog="kiosk", description="Government Smart Kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for group in _GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command = args.func
    try:
        return command(args)
    except CliError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: logged below
        # The log file gets the traceback (redacted like every line); the person at the
        # terminal gets one sentence: an exception's text may quote a CID.
        _to_log_file(log.makeRecord(
            log.name, logging.ERROR, __file__, 0, "unexpected error in 'kiosk %s'",
            (args.command,), (type(exc), exc, exc.__traceback__),
        ))  # fmt: skip
        print(f"kiosk: internal error ({type(exc).__name__}); see the log", file=sys.stderr)
        return 70


def _to_log_file(record: logging.LogRecord) -> None:
    """Hand `record` to the log file's handlers only (none when the command had no log)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)
