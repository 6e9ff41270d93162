"""`kiosk check CID [--json] [--config FILE]` and `kiosk agency-sim`.

`kiosk check` runs the same `AgencyService` as the kiosk (without its connectivity monitor): it
answers failed agencies from the offline cache, refreshes the cache with every live answer, and
writes an audit line. Neither command imports Qt (a test proves it for `check`).
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from cardreader.cid import InvalidCidError, mask_cid, validate_cid
from kiosk.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from kiosk.config import load_config
from kiosk.logs import configure_logging

if TYPE_CHECKING:  # the adapters, SQLAlchemy and requests load only when a command needs them
    from adapters.base import AgencyResult, Entitlement
    from kiosk.agencies.check import CheckOutcome
    from kiosk.config import KioskConfig
    from kiosk.session.agency_info import AgencyInfo

DEFAULT_SIM_PORT = 8780


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this group's commands to `sub`."""
    check = sub.add_parser(
        "check",
        help="ask every enabled agency about one citizen",
        description="Ask every enabled agency about one citizen and print what each answered.",
    )
    check.add_argument("cid", metavar="CID", help="the citizen's 13-digit ID (dashes allowed)")
    check.add_argument("--json", action="store_true", help="print the JSON document")
    check.add_argument("--config", metavar="FILE", help="config file (default: KIOSK_CONFIG)")
    check.set_defaults(func=cmd_check)

    sim = sub.add_parser(
        "agency-sim",
        help="serve the agency simulator on loopback",
        description="Serve the agencies' wire contract on loopback from a JSON data set.",
    )
    sim.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    sim.add_argument(
        "--port", type=int, default=DEFAULT_SIM_PORT, help="0 picks a free port and prints it"
    )
    sim.add_argument("--data", metavar="FILE", type=Path, help="citizens JSON (default: shipped)")
    sim.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="TARGET=KIND[:VALUE][@TIMES]",
        help="inject a fault, e.g. sso=hang, nhso=latency:300, all=status:503@1 (repeatable)",
    )
    sim.add_argument(
        "--write-config",
        metavar="FILE",
        type=Path,
        help="once listening, write a kiosk config pointing every agency and service at it "
        "(with its test credentials), for `kiosk check` and `kiosk lookup --config FILE`",
    )
    nhso = sim.add_argument_group("NHSO", "which of NHSO's APIs to serve, and how it answers")
    nhso.add_argument("--nhso-api", choices=("srm", "v2", "ucws"), default="srm")
    nhso.add_argument(
        "--nhso-token-keys",
        choices=("underscore", "dash"),
        default="underscore",
        help="access_token/refresh_token or access-token/refresh-token",
    )
    nhso.add_argument(
        "--nhso-rotate", action="store_true", help="each refresh retires the refresh token"
    )
    nhso.add_argument(
        "--nhso-jwt-only",
        action="store_true",
        help="no expires_in: the access token is a JWT whose exp says when it ends",
    )
    nhso.add_argument(
        "--nhso-sparse", action="store_true", help="answers without the optional fields"
    )
    nhso.add_argument(
        "--token-host",
        metavar="HOST",
        help="serve SRM's token path there, and only there (a loopback address, e.g. 127.0.0.2)",
    )
    sim.set_defaults(func=cmd_agency_sim)


# --- kiosk check -------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the CID, ask every enabled agency (the cache answers for those that fail),
    print the answer, write the audit line. Cache problems are warnings: the answer is live."""
    from kiosk.agencies.service import AgencyService
    from kiosk.session.check_request import CheckRequest

    cid, config = cid_and_config(args)
    # No connectivity monitor: a one-shot run has no history, so the deadline applies.
    service = AgencyService.from_config(config)
    problem = service.cache_problem()
    try:
        service.start()
        if problem is not None:
            warn(f"{problem}; answering live only, nothing is cached")
        outcome = service.run(CheckRequest(cid), actor=cli_actor())
        if args.json:
            text = json.dumps(outcome_json(outcome, cid, service.agencies), ensure_ascii=False)
        else:
            text = outcome_text(outcome, cid, service.agencies)
        print(text, flush=True)
    finally:
        # Queued snapshots are written here, after the answer is out.
        service.close()
    health = service.health()
    writer = health.writer
    if problem is None and writer is not None and writer.failed + writer.dropped:
        cause = health.cache.cause.value if health.cache and health.cache.cause else "unknown"
        warn(
            f"{writer.failed + writer.dropped} answers were not saved to the offline cache "
            f"({cause})"
        )
    if health.audit_failures:
        warn("the audit line could not be written (see the log)")
    return EXIT_OK


def cid_and_config(args: argparse.Namespace) -> tuple[str, KioskConfig]:
    """The validated `args.cid` and the configuration of `args.config`, with the kiosk's own
    log file set up: it gets what goes wrong (no personal data: see kiosk.logs); the terminal
    gets the answer and plain-sentence warnings. `CliError` for a malformed CID."""
    try:
        cid = validate_cid(args.cid)
    except InvalidCidError as exc:
        raise CliError(f"invalid citizen ID: {exc}", EXIT_USAGE) from None
    config = load_config(args.config)
    configure_logging(
        config.kiosk.data_dir,
        level=config.logging.level,
        max_bytes=config.logging.max_bytes,
        backups=config.logging.backups,
        console_level="ERROR",
    )
    return cid, config


def cli_actor() -> str:
    """Who runs the command, for the audit line: `cli:<effective unix user>`."""
    uid = os.geteuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"uid{uid}"
    return f"cli:{name}"[:64]


def warn(sentence: str) -> None:
    """A plain-sentence warning on stderr."""
    print(f"kiosk: warning: {sentence}", file=sys.stderr, flush=True)


def outcome_json(outcome: CheckOutcome, cid: str, agencies: Sequence[AgencyInfo]) -> dict[str, Any]:
    """The `kiosk check --json` document (docs/command-line.md)."""
    by_id = {a.id: a for a in agencies}
    return {
        "checked_at": outcome.checked_at.isoformat(),
        "cid_masked": mask_cid(cid),
        "network": outcome.network.value,
        "agencies": [
            r.to_json(name_th=by_id[r.agency].name_th, name_en=by_id[r.agency].name_en)
            for r in outcome.results
        ],
    }


def outcome_text(outcome: CheckOutcome, cid: str, agencies: Sequence[AgencyInfo]) -> str:
    """A readable table: one block per agency, one line per entitlement."""
    by_id = {a.id: a for a in agencies}
    lines = [
        f"Citizen {mask_cid(cid)} checked {outcome.checked_at.isoformat()} "
        f"(network {outcome.network.value}, {outcome.elapsed_s:.2f} s)",
        "",
    ]
    for result in outcome.results:
        lines.append(f"{by_id[result.agency].name_en} [{result.agency}]: {_status_text(result)}")
        lines.extend(f"    {_entitlement_text(e)}" for e in result.entitlements)
    return "\n".join(lines)


def _status_text(result: AgencyResult) -> str:
    words = f"{result.status.value} ({result.source.value})"
    if result.as_of is not None and result.source.value != "live":
        words += f" as of {result.as_of.isoformat()}"
    if result.message:
        words += f" - {result.message}"
    return words


def _entitlement_text(ent: Entitlement) -> str:
    text = f"{ent.code}: {ent.title_en} [{ent.status.value}]"
    if ent.amount_thb is not None:
        text += f" {ent.amount_thb:,.2f} THB" + (f" {ent.period}" if ent.period else "")
    if ent.valid_until is not None:
        text += f" until {ent.valid_until.isoformat()}"
    return text


def write_sim_config(path: Path, tables: dict[str, dict[str, str]]) -> None:
    """A kiosk config whose `[agencies.*]` tables point at the simulator (mode 0600: it holds
    credentials, if only the simulator's). Raises `CliError` when it cannot be written."""
    import tomli_w

    text = "# Written by `kiosk agency-sim --write-config`: every agency and service points at\n"
    text += "# the simulator, with its test credentials (they open nothing real).\n"
    text += tomli_w.dumps({"agencies": tables})
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise CliError(f"cannot write {path} ({exc.strerror})", EXIT_USAGE) from None


# --- kiosk agency-sim --------------------------------------------------------------------------


def cmd_agency_sim(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop cleanly."""
    from adapters.simulator import (
        AgencySimulator,
        Dataset,
        DatasetError,
        FaultError,
        parse_fault,
    )
    from adapters.simulator.nhso import NhsoVariant

    try:
        faults = [parse_fault(spec) for spec in args.fault]
        dataset = Dataset.load(args.data) if args.data else Dataset.default()
    except (FaultError, DatasetError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if not 0 <= args.port <= 65535:
        raise CliError("--port must be between 0 and 65535", EXIT_USAGE)
    variant = NhsoVariant(
        api=args.nhso_api,
        token_keys=args.nhso_token_keys,
        rotate=args.nhso_rotate,
        jwt_only=args.nhso_jwt_only,
        sparse=args.nhso_sparse,
    )
    try:
        sim = AgencySimulator(
            dataset,
            host=args.host,
            port=args.port,
            faults=faults,
            nhso=variant,
            token_host=args.token_host,
        )
    except FaultError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    try:
        sim.start()
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(
            f"cannot listen on {args.host}:{args.port} ({exc.strerror})", EXIT_USAGE
        ) from None
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        print(f"agency-sim listening on {sim.url}", flush=True)
        if sim.token_url is not None:
            print(f"agency-sim NHSO token service on {sim.token_url}", flush=True)
        if args.write_config is not None:
            write_sim_config(args.write_config, sim.agency_tables())
            print(f"agency-sim wrote {args.write_config}", flush=True)
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sim.stop()
        print("agency-sim stopped", file=sys.stderr, flush=True)
    return EXIT_OK
