"""Operations commands: `kiosk set-pin` and `kiosk doctor` (the checks live in kiosk/doctor*.py).

`kiosk doctor` prints its report on stdout and exits 1 when a check fails: unlike other commands'
errors, a failing check is the answer the technician asked for, so the report (text or JSON) is
printed with that exit code too. Exit 2 is for usage errors only; a broken config is a failing
check, never a crash.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.errors import EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, CliError
from kiosk.config import ConfigError, load_config
from kiosk.pin import PinError, write_pin

if TYPE_CHECKING:
    from kiosk.doctor.run import DoctorReport

log = logging.getLogger("kiosk.doctor")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `set-pin` and `doctor`."""
    doctor = sub.add_parser(
        "doctor",
        help="check this kiosk: pcscd, readers, fonts, config, files, PIN, agencies, clock",
        description="Check everything the kiosk needs and say, for each check, what was found "
        "and how to fix it. Exit 1 if any check fails (warnings do not). Run it as the kiosk's "
        "user to check the permissions the kiosk has.",
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON document")
    doctor.add_argument(
        "--config", metavar="FILE", help="config file (default: KIOSK_CONFIG, else system)"
    )
    doctor.set_defaults(func=cmd_doctor)

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


# --- kiosk doctor ------------------------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    """Run every check; print the report; exit 1 when a check fails."""
    from kiosk.doctor.run import run_doctor
    from kiosk.logs import configure_logging

    # Quiet console (the report says it all). The log file only if the data folder is already
    # there: the doctor looks at the kiosk, it does not create its folders.
    configure_logging(None, console_level="CRITICAL")
    report = run_doctor(args.config)
    _log_to_data_dir(args.config)
    _log_summary(report)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(doctor_text(report))
    return EXIT_CHECK_FAILED if report.failed else EXIT_OK


def _log_to_data_dir(config_file: str | None) -> None:
    from kiosk.logs import configure_logging

    try:
        config = load_config(config_file)
        if not config.kiosk.data_dir.is_dir():
            return
    except (ConfigError, OSError):
        return  # the report says what is wrong; the summary has nowhere to go
    configure_logging(
        config.kiosk.data_dir,
        level=config.logging.level,
        max_bytes=config.logging.max_bytes,
        backups=config.logging.backups,
        console_level="CRITICAL",
    )


def _log_summary(report: DoctorReport) -> None:
    counts = report.counts()
    failed = ", ".join(f.check for f in report.failed) or "none"
    log.info(
        "doctor: %d ok, %d warn, %d fail (failing: %s) in %.1f s",
        counts["ok"],
        counts["warn"],
        counts["fail"],
        failed,
        report.elapsed_s,
    )


_MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def doctor_text(report: DoctorReport) -> str:
    """The report for a terminal: one line per check, the fix beneath what is not ok."""
    width = max((len(f.title) for f in report.findings), default=10)
    lines = [
        f"kiosk doctor: kiosk {report.kiosk_id}, version {report.version}, "
        f"config {report.config_file or '(none)'}, run as {report.run_as}",
        "",
    ]
    indent = " " * (width + 9)
    for found in report.findings:
        head = f"  {_MARK[found.verdict.value]}  {found.title:<{width}}  "
        lines.extend(_wrapped(found.cause, head, indent))
        if found.fix:
            lines.extend(_wrapped(f"fix: {found.fix}", indent, indent))
    counts = report.counts()
    lines += [
        "",
        f"{counts['fail']} failing, {counts['warn']} warnings, {counts['ok']} ok "
        f"({report.elapsed_s:.1f} s)",
    ]
    if report.run_as == "root":
        lines.append(
            "Run as root: file permissions were checked for root. Run it as the kiosk's user "
            "(`sudo -u kiosk kiosk doctor`) to check what the kiosk can read and write."
        )
    return "\n".join(lines)


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    # Paths and commands stay whole: no breaks at hyphens or inside long words.
    return textwrap.wrap(
        text,
        width=max(100, len(first) + 40),
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )
