"""Operations commands: `kiosk set-pin` (and `kiosk doctor`, see kiosk/doctor.py)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from kiosk.config import ConfigError, load_config
from kiosk.pin import PinError, write_pin


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `set-pin`."""
    p = sub.add_parser(
        "set-pin",
        help="set the maintenance PIN (its salted hash goes to maintenance.pin_file)",
        description="Set the maintenance PIN. On a terminal it asks twice without echo; "
        "otherwise it reads one line from standard input (for provisioning).",
    )
    p.add_argument(
        "--config", metavar="FILE", help="config file (default: KIOSK_CONFIG, else system)"
    )
    p.add_argument(
        "--pin-file",
        metavar="FILE",
        type=Path,
        help="write here instead of maintenance.pin_file (works even when the config is broken)",
    )
    p.set_defaults(func=set_pin)


def _pin_path(args: argparse.Namespace) -> Path:
    if args.pin_file is not None:
        return Path(args.pin_file)
    try:
        return load_config(args.config).maintenance.pin_file
    except ConfigError as exc:
        raise CliError(
            f"configuration error ({exc}); use --pin-file to set the PIN anyway", EXIT_USAGE
        ) from None


def _read_pin() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("New maintenance PIN: ")
        if getpass.getpass("Repeat the PIN: ") != first:
            raise CliError("the two PINs differ; nothing was changed", EXIT_USAGE)
        return first
    return sys.stdin.readline().strip()


def set_pin(args: argparse.Namespace) -> int:
    """Write the salted hash of a new maintenance PIN."""
    path = _pin_path(args)
    pin = _read_pin()
    try:
        write_pin(path, pin)
    except PinError as exc:
        raise CliError(f"{exc}; nothing was changed", EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(f"cannot write {path} ({exc.strerror})", EXIT_USAGE) from None
    print(f"maintenance PIN set ({path})", file=sys.stderr)
    return EXIT_OK
