"""Opening the cache database: engine settings, checks at open, and moving a bad file aside.

A file is used only when it is an SQLite database that passes `PRAGMA quick_check`, carries our
schema (migrated forward if older) and the key check of this kiosk's secret. Anything else (not
SQLite, damaged, truncated, foreign, written by a newer release, or under another secret) is
renamed with a timestamp and the reason, its `-wal` beside it, and a fresh database takes its
place. A lock is never a reason: opening then fails with `StoreFault.LOCKED` and is retried.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from offline_cache import schema
from offline_cache.fault import StoreFault, classify, error_name
from offline_cache.models import StoreMeta
from offline_cache.snapshot import to_micros

log = logging.getLogger(__name__)

WRITE = "offline_cache_write"  # execution option: begin with BEGIN IMMEDIATE
KEY_CHECK = "key_check"
_SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseUnavailableError(Exception):
    """No usable database could be opened; `fault` says why. Carries no personal data."""

    def __init__(self, fault: StoreFault, detail: str) -> None:
        super().__init__(f"{fault.value}: {detail}")
        self.fault = fault


@dataclass(frozen=True, slots=True)
class OpenedDatabase:
    """A checked database, its engine, and the identity of the file it was opened on."""

    engine: Engine
    read_only: bool
    inode: tuple[int, int]  # (st_dev, st_ino): a file swapped underneath is noticed
    moved_aside: tuple[Path, ...]


def make_engine(path: Path, busy_timeout_s: float, *, read_only: bool) -> Engine:
    """An engine on `path`: WAL readers, `synchronous=NORMAL`, a busy timeout, and explicit
    `BEGIN IMMEDIATE` for writes so a writer waits for the lock instead of failing mid-way."""
    uri = path.absolute().as_uri()
    if read_only:
        # A WAL database in a folder we cannot write can only be read as immutable (SQLite
        # cannot create its -shm). We only get here when nobody can write the folder anyway.
        uri += "?mode=ro&immutable=1"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri,
            uri=True,
            timeout=busy_timeout_s,
            isolation_level=None,  # we issue BEGIN ourselves (see _begin)
            check_same_thread=False,  # the pool hands a connection to one thread at a time
        )

    engine = create_engine(
        "sqlite+pysqlite://", creator=connect, poolclass=QueuePool, pool_size=4, max_overflow=8
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # NORMAL is durable across application crashes in WAL mode; a power cut may lose the last
    # few snapshots, never the file's integrity. secure_delete zeroes deleted rows, so an
    # opted-out citizen's sealed rows do not linger in free pages.
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    dbapi_connection.execute("PRAGMA secure_delete=ON")


def _begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, or None when it is missing."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def open_database(
    path: Path,
    key_check: bytes,
    *,
    busy_timeout_s: float,
    now: Callable[[], datetime],
) -> OpenedDatabase:
    """Open, check and if needed initialise or migrate the database at `path`.

    Raises `DatabaseUnavailableError` when no usable database can be had (the folder cannot be
    created, another process holds the lock, the disk fails).
    """
    moved: list[Path] = []
    try:
        _ensure_folder(path.parent)
        _ensure_file(path)
    except PermissionError:
        raise DatabaseUnavailableError(StoreFault.READ_ONLY, "data folder not writable") from None
    except OSError as exc:
        raise DatabaseUnavailableError(StoreFault.CANNOT_OPEN, exc.strerror or "OSError") from None
    for _ in range(2):  # a fresh file failing its checks too is a disk problem, not the file's
        problem = _foreign_header(path)
        if problem is None:
            engine = make_engine(path, busy_timeout_s, read_only=False)
            try:
                problem = _check_and_prepare(engine, key_check, to_micros(now()))
            except DBAPIError as exc:
                engine.dispose()
                fault = classify(exc)
                if fault is StoreFault.READ_ONLY:
                    return _open_read_only(path, key_check, busy_timeout_s, moved)
                if fault is not StoreFault.CORRUPT:
                    raise DatabaseUnavailableError(fault, error_name(exc)) from None
                problem = ("damaged", f"is damaged ({error_name(exc)})")
            if problem is None:
                inode = file_identity(path) or (0, 0)
                return OpenedDatabase(engine, False, inode, tuple(moved))
            engine.dispose()
        moved.append(_move_aside(path, problem, now()))
        try:
            _ensure_file(path)
        except OSError as exc:
            raise DatabaseUnavailableError(StoreFault.CANNOT_OPEN, exc.strerror or "") from None
    raise DatabaseUnavailableError(StoreFault.CORRUPT, "a fresh database failed its checks")


def _open_read_only(
    path: Path, key_check: bytes, busy_timeout_s: float, moved: list[Path]
) -> OpenedDatabase:
    engine = make_engine(path, busy_timeout_s, read_only=True)
    try:
        with engine.connect() as conn:
            problem = _verdict(conn, key_check)
            version = schema.current_version(conn)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailableError(StoreFault.READ_ONLY, error_name(exc)) from None
    if problem is not None or version != schema.LATEST_VERSION:
        engine.dispose()
        detail = problem[1] if problem else "needs a migration"
        raise DatabaseUnavailableError(StoreFault.READ_ONLY, f"read-only database {detail}")
    log.warning("offline cache: %s is read-only; answers will not be cached", path)
    return OpenedDatabase(engine, True, file_identity(path) or (0, 0), tuple(moved))


def _check_and_prepare(engine: Engine, key_check: bytes, now_us: int) -> tuple[str, str] | None:
    """None when the database is ready; else (slug, reason) why it must be moved aside."""
    with engine.connect() as conn:
        problem = _verdict(conn, key_check)
        if problem is not None:
            return problem
        version = schema.current_version(conn)
    raw = engine.raw_connection()
    try:
        # WAL lets readers go on while a writer writes; it is a property of the file, set once.
        mode = raw.driver_connection.execute("PRAGMA journal_mode=WAL").fetchone()  # type: ignore[union-attr]
    finally:
        raw.close()
    if not mode or str(mode[0]).lower() != "wal":
        log.warning("offline cache: WAL journal mode unavailable, using %s", mode)
    if version == schema.LATEST_VERSION:
        return None
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        # Re-read under the write lock: another process may have initialised it meanwhile.
        problem = _verdict(conn, key_check)
        if problem is not None:
            return problem
        version = schema.current_version(conn)
        schema.migrate(conn, version, now_us)
        if version == 0:
            conn.execute(insert(StoreMeta).values(name=KEY_CHECK, value=key_check))
    if version:
        log.info("offline cache: schema migrated from %d to %d", version, schema.LATEST_VERSION)
    return None


def _verdict(conn: Connection, key_check: bytes) -> tuple[str, str] | None:
    """Why this database is not ours to use, or None (an empty database is fine)."""
    result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
    if result != "ok":
        return ("damaged", "failed its integrity check")
    return _schema_verdict(conn, key_check)


def _schema_verdict(conn: Connection, key_check: bytes) -> tuple[str, str] | None:
    tables = schema.table_names(conn)
    if not tables:
        return None
    if "schema_version" not in tables or "store_meta" not in tables:
        return ("foreign", "is not an offline cache database")
    if schema.current_version(conn) > schema.LATEST_VERSION:
        return ("newer", "was written by a newer release of the kiosk")
    stored = conn.execute(select(StoreMeta.value).where(StoreMeta.name == KEY_CHECK)).scalar()
    if stored is None:
        return ("foreign", "is not an offline cache database (no key check)")
    if bytes(stored) != key_check:
        return ("other-key", "does not match the kiosk's key")
    return None


def _foreign_header(path: Path) -> tuple[str, str] | None:
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        # A folder (or something else unreadable) where the file should be is not ours to move.
        raise DatabaseUnavailableError(StoreFault.CANNOT_OPEN, exc.strerror or "OSError") from None
    if head and head != _SQLITE_MAGIC[: len(head)]:
        return ("foreign", "is not an SQLite database")
    return None


def _move_aside(path: Path, problem: tuple[str, str], when: datetime) -> Path:
    slug, reason = problem
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{stamp}.{slug}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{stamp}-{n}.{slug}")
    try:
        os.replace(path, target)
        # The -wal goes with it (SQLite pairs it by name, and replaying it onto the fresh file
        # would be wrong); the -shm is derived state and goes too.
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{target}{suffix}"))
    except OSError as exc:
        raise DatabaseUnavailableError(
            StoreFault.CORRUPT, f"database {reason} and cannot be moved aside"
        ) from exc
    log.warning(
        "offline cache: %s %s; moved aside to %s, starting a fresh one", path, reason, target.name
    )
    return target


def _ensure_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        folder.chmod(0o700)  # the folder is ours: nobody else needs to list it


def _ensure_file(path: Path) -> None:
    """Create an empty database file with mode 0600 (SQLite gives its -wal the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
