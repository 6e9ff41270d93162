"""`SnapshotStore`: the encrypted offline cache of agency answers.

Thread-safe: any thread may read or write; writes take SQLite's write lock up front (BEGIN
IMMEDIATE) and wait up to the busy timeout for another process to let go, then give up for that
answer. Nothing here raises for a file or disk problem: reads then return nothing, writes return
False, and `health()` says what is wrong. Only programming errors raise (a malformed CID or
agency id, a naive time, a payload that is not JSON, use after `close`).
"""

from __future__ import annotations

import glob
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, Select, delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from offline_cache import schema
from offline_cache.database import (
    WRITE,
    DatabaseUnavailableError,
    OpenedDatabase,
    file_identity,
    open_database,
)
from offline_cache.fault import StoreFault, classify, error_name
from offline_cache.gate import Gate
from offline_cache.health import HealthLedger, StoreHealth
from offline_cache.models import SnapshotRow
from offline_cache.seal import SnapshotSeal, UnreadableSnapshotError
from offline_cache.secret import CacheSecret
from offline_cache.snapshot import (
    AgencyStats,
    CacheStats,
    Snapshot,
    SnapshotEntry,
    from_micros,
    to_micros,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
_Rows = Sequence[Row[str, int, bytes, bytes]]
Clock = Callable[[], datetime]
_AGENCY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """Internal: what a database step produced, or the fault that stopped it."""

    fault: StoreFault | None
    db: OpenedDatabase | None


class SnapshotStore:
    """Snapshots of agency answers per (citizen, agency), sealed, in an SQLite file.

    `db_path` and its folder are created on first use. Expired snapshots (older than
    `retention_days`) are never returned, and purged at open (unless `purge_on_open` is False,
    for tools that report on the file as it is); call `purge_expired` daily.
    """

    def __init__(
        self,
        db_path: Path,
        secret: CacheSecret,
        *,
        clock: Clock = utc_now,
        retention_days: int = 30,
        busy_timeout_s: float = 2.0,
        reopen_after_s: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        purge_on_open: bool = True,
    ) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self._path = db_path
        self._secret = secret
        self._seal = SnapshotSeal(secret.sealing_key)
        self._clock = clock
        self._retention = timedelta(days=retention_days)
        self._retention_days = retention_days
        self._busy_timeout_s = busy_timeout_s
        self._reopen_after_s = reopen_after_s
        self._monotonic = monotonic
        self._gate = Gate()
        self._health = HealthLedger()
        self._db: OpenedDatabase | None = None
        self._closed = False
        self._next_attempt = 0.0
        self._logged_fault: StoreFault | None = None
        with self._gate.exclusive():
            self._reopen()
        if purge_on_open:
            self.purge_expired()

    def __repr__(self) -> str:
        return f"SnapshotStore({self._path})"

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def retention_days(self) -> int:
        """How many days a snapshot is kept."""
        return self._retention_days

    # -- writes ------------------------------------------------------------------------------

    def put(self, cid: str, agency: str, payload: Mapping[str, Any], as_of: datetime) -> bool:
        """Store an agency's live answer for a citizen; False if it could not be written."""
        return self.put_many([SnapshotEntry(cid=cid, agency=agency, payload=payload, as_of=as_of)])

    def put_many(self, entries: Iterable[SnapshotEntry]) -> bool:
        """Store several answers in one transaction; False if they could not be written.

        A snapshot is replaced only by one at least as recent, so a late answer from a slow
        process never overwrites a fresher one.
        """
        rows = [self._sealed_row(entry) for entry in entries]
        if not rows:
            return True
        stmt = sqlite_insert(SnapshotRow)
        stmt = stmt.on_conflict_do_update(
            index_elements=[SnapshotRow.citizen_key, SnapshotRow.agency],
            set_={
                "as_of_us": stmt.excluded.as_of_us,
                "nonce": stmt.excluded.nonce,
                "sealed": stmt.excluded.sealed,
            },
            where=stmt.excluded.as_of_us >= SnapshotRow.as_of_us,
        )
        written = self._write(lambda conn: conn.execute(stmt, rows))
        return written is not None

    def delete_citizen(self, cid: str) -> int | None:
        """Delete every snapshot of this citizen (opt-out): the number deleted, None if the
        database could not be written (the caller should say so; nothing else is touched)."""
        key = self._secret.citizen_key(_checked_cid(cid))
        return self._delete(SnapshotRow.citizen_key == key)

    def purge_expired(self, retention_days: int | None = None) -> int | None:
        """Delete snapshots older than the retention period: the number deleted, or None."""
        days = self._retention_days if retention_days is None else retention_days
        if days < 1:
            raise ValueError("retention_days must be at least 1")
        cutoff = to_micros(self._clock() - timedelta(days=days))
        return self._delete(SnapshotRow.as_of_us < cutoff)

    def purge_all(self) -> int | None:
        """Delete every snapshot: the number deleted, or None."""
        return self._delete(None)

    # -- reads -------------------------------------------------------------------------------

    def get(self, cid: str, agency: str) -> Snapshot | None:
        """This citizen's last snapshot from this agency, if one is kept."""
        key = self._secret.citizen_key(_checked_cid(cid))
        stmt = self._select(key).where(SnapshotRow.agency == _checked_agency(agency))
        return next(iter(self._opened(key, self._read(stmt))), None)

    def get_all(self, cid: str) -> dict[str, Snapshot]:
        """This citizen's snapshots, by agency id."""
        key = self._secret.citizen_key(_checked_cid(cid))
        return {snap.agency: snap for snap in self._opened(key, self._read(self._select(key)))}

    def health(self) -> StoreHealth:
        """Whether the store works (ok / degraded with cause / unavailable) and its counters."""
        return self._health.report()

    def stats(self) -> CacheStats:
        """Counts, sizes, ages and health; nothing that names a citizen."""
        per_agency_stmt = select(
            SnapshotRow.agency,
            func.count(),
            func.min(SnapshotRow.as_of_us),
            func.max(SnapshotRow.as_of_us),
        ).group_by(SnapshotRow.agency)
        citizens_stmt = select(func.count(func.distinct(SnapshotRow.citizen_key)))

        def read(conn: Connection) -> tuple[int, Sequence[Row[str, int, int, int]], int]:
            return (
                schema.current_version(conn),
                conn.execute(per_agency_stmt).all(),
                int(conn.execute(citizens_stmt).scalar() or 0),
            )

        found = self._read_with(read)
        version, rows, citizens = found if found is not None else (None, [], 0)
        agencies = {
            str(agency): AgencyStats(int(count), from_micros(low), from_micros(high))
            for agency, count, low, high in rows
        }
        return CacheStats(
            database=self._path,
            schema_version=version,
            retention_days=self._retention_days,
            snapshots=sum(a.snapshots for a in agencies.values()),
            citizens=citizens,
            oldest=min((a.oldest for a in agencies.values() if a.oldest), default=None),
            newest=max((a.newest for a in agencies.values() if a.newest), default=None),
            agencies=agencies,
            file_bytes=self._file_sizes(),
            health=self._health.report(),
            set_aside=tuple(p.name for p in self.set_aside_files()),
        )

    def set_aside_files(self) -> list[Path]:
        """Databases moved aside (damaged, foreign, other key) and their -wal/-shm, by name."""
        pattern = glob.escape(self._path.name) + ".*"
        try:
            return sorted(p for p in self._path.parent.glob(pattern) if p.is_file())
        except OSError:
            return []

    def remove_set_aside(self) -> int:
        """Delete the databases moved aside: the number of files removed."""
        removed = 0
        for path in self.set_aside_files():
            try:
                path.unlink()
            except OSError as exc:
                log.warning("offline cache: %s not removed (%s)", path.name, exc.strerror)
            else:
                removed += 1
        return removed

    def close(self) -> None:
        """Close the database. Using the store afterwards is an error."""
        with self._gate.exclusive():
            if self._db is not None:
                self._db.engine.dispose()
                self._db = None
            self._closed = True

    # -- internals ---------------------------------------------------------------------------

    def _sealed_row(self, entry: SnapshotEntry) -> dict[str, Any]:
        key = self._secret.citizen_key(_checked_cid(entry.cid))
        agency = _checked_agency(entry.agency)
        as_of_us = to_micros(entry.as_of)
        try:
            nonce, sealed = self._seal.seal(
                entry.payload, agency=agency, citizen_key=key, as_of_us=as_of_us
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"a {agency} snapshot payload is not JSON ({exc})") from None
        return {
            "citizen_key": key,
            "agency": agency,
            "as_of_us": as_of_us,
            "nonce": nonce,
            "sealed": sealed,
        }

    def _select(self, key: bytes) -> Select[str, int, bytes, bytes]:
        cutoff = to_micros(self._clock() - self._retention)
        return select(
            SnapshotRow.agency, SnapshotRow.as_of_us, SnapshotRow.nonce, SnapshotRow.sealed
        ).where(SnapshotRow.citizen_key == key, SnapshotRow.as_of_us >= cutoff)

    def _opened(self, key: bytes, rows: _Rows) -> Iterator[Snapshot]:
        for agency, as_of_us, nonce, sealed in rows:
            try:
                payload = self._seal.open(
                    nonce, sealed, agency=agency, citizen_key=key, as_of_us=as_of_us
                )
            except UnreadableSnapshotError as exc:
                # The key check passed, so this row was altered or damaged: skip it, it will
                # age out; the other agencies' snapshots are still good.
                self._health.unreadable_row()
                log.warning("offline cache: a %s snapshot does not open (%s); ignored", agency, exc)
                continue
            yield Snapshot(agency=agency, as_of=from_micros(as_of_us), payload=payload)

    def _read(self, stmt: Select[str, int, bytes, bytes]) -> _Rows:
        rows = self._read_with(lambda conn: conn.execute(stmt).all())
        return rows if rows is not None else []

    def _read_with(self, work: Callable[[Connection], T]) -> T | None:
        outcome: _Outcome
        with self._database() as db:
            if db is None:
                return None
            try:
                with db.engine.connect() as conn:
                    return work(conn)
            except DBAPIError as exc:
                outcome = _Outcome(classify(exc), db)
                self._health.read_failed()
                log.warning("offline cache: read failed (%s)", error_name(exc))
        self._after_fault(outcome)
        return None

    def _delete(self, where: Any) -> int | None:
        stmt = delete(SnapshotRow) if where is None else delete(SnapshotRow).where(where)
        return self._write(lambda conn: conn.execute(stmt).rowcount)

    def _write(self, work: Callable[[Connection], T]) -> T | None:
        for attempt in range(2):
            outcome: _Outcome
            with self._database() as db:
                if db is None or db.read_only:
                    fault = self._health.report().cause or StoreFault.CANNOT_OPEN
                    self._note_write_failure(fault, "database not writable")
                    return None
                try:
                    with db.engine.execution_options(**{WRITE: True}).begin() as conn:
                        result = work(conn)
                except DBAPIError as exc:
                    outcome = _Outcome(classify(exc), db)
                    self._note_write_failure(outcome.fault or StoreFault.INTERNAL, error_name(exc))
                else:
                    self._health.wrote()
                    self._logged_fault = None
                    return result
            self._after_fault(outcome)
            if outcome.fault is not StoreFault.CORRUPT or attempt:
                return None
            # The damaged file was replaced by a fresh one: write this answer there.
        return None

    def _note_write_failure(self, fault: StoreFault, detail: str) -> None:
        self._health.write_failed(fault)
        if fault is StoreFault.LOCKED:
            log.info("offline cache: write skipped, database locked by another process")
        elif fault is not self._logged_fault:
            # Once per cause: a full disk would otherwise log on every answer.
            log.warning("offline cache: write failed, %s (%s)", fault.value, detail)
            self._logged_fault = fault

    def _after_fault(self, outcome: _Outcome) -> None:
        if outcome.fault is StoreFault.CORRUPT:
            # Reopening runs the checks at open, which move the file aside if it is damaged.
            with self._gate.exclusive():
                if not self._closed and self._db is outcome.db:
                    self._reopen()

    @contextmanager
    def _database(self) -> Iterator[OpenedDatabase | None]:
        self._refresh()
        with self._gate.shared():
            if self._closed:
                raise RuntimeError("the snapshot store is closed")
            yield self._db

    def _refresh(self) -> None:
        """Reopen when no database is open (after a retry delay), when it is read-only (to
        regain writing), or when the file was replaced or removed underneath us (another
        process moved it aside): a stale handle would write into the moved file."""
        seen = self._db
        if seen is None or seen.read_only:
            due = self._monotonic() >= self._next_attempt
        else:
            due = file_identity(self._path) != seen.inode
        if not due:
            return
        with self._gate.exclusive():
            if not self._closed and self._db is seen:
                self._reopen()

    def _reopen(self) -> None:
        """Under the exclusive gate: close the current database and open the file afresh."""
        if self._db is not None:
            self._db.engine.dispose()
            self._db = None
        self._next_attempt = self._monotonic() + self._reopen_after_s
        try:
            db = open_database(
                self._path,
                self._secret.key_check(),
                busy_timeout_s=self._busy_timeout_s,
                now=self._clock,
            )
        except DatabaseUnavailableError as exc:
            previous = self._health.report()
            self._health.unavailable(exc.fault)
            if previous.cause is not exc.fault:  # once per cause, not on every retry
                log.warning("offline cache unavailable (%s); answers will not be cached", exc)
            return
        for moved in db.moved_aside:
            self._health.moved_aside(moved.name)
        self._health.opened(read_only=db.read_only)
        self._db = db

    def _file_sizes(self) -> dict[str, int]:
        sizes = {}
        for name, suffix in (("db", ""), ("wal", "-wal"), ("shm", "-shm")):
            try:
                sizes[name] = Path(f"{self._path}{suffix}").stat().st_size
            except OSError:
                sizes[name] = 0
        return sizes


def _checked_cid(cid: str) -> str:
    if not (isinstance(cid, str) and len(cid) == 13 and cid.isascii() and cid.isdigit()):
        raise ValueError("a citizen ID for the offline cache must be 13 digits")
    return cid


def _checked_agency(agency: str) -> str:
    if not (isinstance(agency, str) and _AGENCY_ID.fullmatch(agency)):
        raise ValueError("an agency id must be 1-64 lowercase letters, digits, '_' or '-'")
    return agency
