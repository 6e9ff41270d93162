"""What the store hands out: snapshots of agency answers, and statistics without personal data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from offline_cache.health import StoreHealth

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(when: datetime) -> int:
    """Microseconds since the Unix epoch, exactly; `when` must carry a time zone."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("times given to the offline cache must carry a time zone")
    return (when - _EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """Inverse of `to_micros`, in UTC."""
    return _EPOCH + timedelta(microseconds=micros)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An agency's last live answer for one citizen, and when it was received."""

    agency: str
    as_of: datetime  # UTC
    payload: Mapping[str, Any] = field(repr=False)  # the answer's JSON: personal data

    def age(self, now: datetime) -> timedelta:
        """How old the answer is at `now`."""
        return now - self.as_of


@dataclass(frozen=True, slots=True)
class SnapshotEntry:
    """One answer to store: `put_many` takes several, written in one transaction."""

    cid: str = field(repr=False)
    agency: str
    payload: Mapping[str, Any] = field(repr=False)
    as_of: datetime


@dataclass(frozen=True, slots=True)
class AgencyStats:
    """Counts and ages of one agency's snapshots."""

    snapshots: int
    oldest: datetime | None
    newest: datetime | None

    def to_json(self) -> dict[str, Any]:
        """A JSON object of the same fields (times in ISO 8601)."""
        return {
            "snapshots": self.snapshots,
            "oldest": _iso(self.oldest),
            "newest": _iso(self.newest),
        }


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What `kiosk cache stats` shows: counts, sizes, ages and health; no personal data."""

    database: Path
    schema_version: int | None
    retention_days: int
    snapshots: int
    citizens: int
    oldest: datetime | None
    newest: datetime | None
    agencies: Mapping[str, AgencyStats]
    file_bytes: Mapping[str, int]  # "db", "wal", "shm": sizes of the files on disk
    health: StoreHealth
    set_aside: tuple[str, ...] = ()  # names of databases moved aside earlier, still on disk

    def to_json(self) -> dict[str, Any]:
        """The `kiosk cache stats --json` document."""
        return {
            "database": str(self.database),
            "schema_version": self.schema_version,
            "retention_days": self.retention_days,
            "snapshots": self.snapshots,
            "citizens": self.citizens,
            "oldest": _iso(self.oldest),
            "newest": _iso(self.newest),
            "agencies": {name: a.to_json() for name, a in sorted(self.agencies.items())},
            "file_bytes": dict(self.file_bytes),
            "health": self.health.to_json(),
            "set_aside": list(self.set_aside),
        }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None
