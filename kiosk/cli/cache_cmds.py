"""`kiosk cache stats|purge`: look after the offline cache. Output never names a citizen."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import closing
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from kiosk.config import load_config

if TYPE_CHECKING:  # SQLAlchemy loads only when a cache command runs
    from offline_cache import CacheStats, SnapshotStore


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `kiosk cache` and its commands to `sub`."""
    cache = sub.add_parser("cache", help="offline cache: statistics and purging")
    commands = cache.add_subparsers(dest="cache_command", metavar="COMMAND")
    commands.required = True

    stats = commands.add_parser("stats", help="counts, sizes and ages of cached snapshots")
    stats.add_argument("--json", action="store_true", help="print one JSON document")
    stats.add_argument("--config", metavar="FILE", help="configuration file")
    stats.set_defaults(func=cmd_stats)

    purge = commands.add_parser("purge", help="delete expired (default) or all snapshots")
    which = purge.add_mutually_exclusive_group()
    which.add_argument(
        "--expired", action="store_true", help="snapshots older than cache.retention_days"
    )
    which.add_argument(
        "--all", action="store_true", help="every snapshot, and databases moved aside earlier"
    )
    purge.add_argument("--yes", action="store_true", help="do not ask before purging everything")
    purge.add_argument("--config", metavar="FILE", help="configuration file")
    purge.set_defaults(func=cmd_purge)


def cmd_stats(args: argparse.Namespace) -> int:
    """`kiosk cache stats [--json]`."""
    with closing(_open_store(args)) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats.to_json(), indent=2))
    else:
        print(_describe(stats))
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    """`kiosk cache purge [--all | --expired] [--yes]`."""
    if args.all and not args.yes and not _confirmed():
        print("Nothing deleted.")
        return EXIT_OK
    with closing(_open_store(args)) as store:
        if args.all:
            deleted = store.purge_all()
            removed = store.remove_set_aside() if deleted is not None else 0
        else:
            deleted, removed = store.purge_expired(), 0
        cause = store.health().cause
    if deleted is None:
        reason = f" ({cause.value.replace('_', ' ')})" if cause else ""
        raise CliError(
            f"the offline cache could not be written{reason}: check that kiosk.data_dir "
            f"({store.path.parent}) is a writable folder with free space",
            EXIT_USAGE,
        )
    what = "all" if args.all else f"expired (older than {store.retention_days} days)"
    print(f"Deleted {deleted} snapshot{'s' if deleted != 1 else ''}: {what}.")
    if removed:
        print(f"Removed {removed} file{'s' if removed != 1 else ''} of databases moved aside.")
    return EXIT_OK


def _open_store(args: argparse.Namespace) -> SnapshotStore:
    from kiosk.agencies.snapshots import open_snapshot_store
    from offline_cache import KeyFileError

    config = load_config(args.config)
    try:
        # Report and purge the file as it is: the commands count what they find and delete.
        return open_snapshot_store(config, purge_on_open=False)
    except KeyFileError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        raise CliError("purging every snapshot needs --yes when not run at a terminal", EXIT_USAGE)
    print(
        "Delete every cached snapshot? Kiosks offline will have nothing to show. [y/N] ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def _describe(stats: CacheStats) -> str:
    health = stats.health
    state = health.state.value + (f" ({health.cause.value})" if health.cause else "")
    lines = [
        f"Offline cache: {stats.database}",
        f"  schema version {stats.schema_version or '-'}, retention {stats.retention_days} days",
        f"  health: {state}",
        f"  snapshots: {stats.snapshots} for {stats.citizens} "
        f"citizen{'s' if stats.citizens != 1 else ''}",
        f"  oldest: {_when(stats.oldest)}  newest: {_when(stats.newest)}",
        "  files: " + ", ".join(f"{k} {_size(v)}" for k, v in stats.file_bytes.items()),
    ]
    if health.write_failures or health.writes_skipped_locked or health.unreadable_rows:
        lines.append(
            f"  write failures: {health.write_failures}, skipped (locked): "
            f"{health.writes_skipped_locked}, unreadable rows: {health.unreadable_rows}"
        )
    if stats.set_aside:
        lines.append(f"  moved aside: {', '.join(stats.set_aside)}")
    if stats.agencies:
        lines.append("  per agency:")
        width = max(len(name) for name in stats.agencies)
        for name, agency in sorted(stats.agencies.items()):
            lines.append(
                f"    {name:<{width}}  {agency.snapshots:>7}  "
                f"oldest {_when(agency.oldest)}  newest {_when(agency.newest)}"
            )
    return "\n".join(lines)


def _when(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "-"


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
