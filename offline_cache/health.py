"""The store's health, for maintenance mode and `kiosk cache stats`: never personal data."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from offline_cache.fault import StoreFault


class HealthState(StrEnum):
    """Overall state: `ok`; `degraded` (reads work, writes may not); `unavailable`."""

    OK = "ok"
    DEGRADED = "degraded"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class StoreHealth:
    """A snapshot of the store's health and its counters since it was opened."""

    state: HealthState
    cause: StoreFault | None
    read_only: bool
    writes: int
    write_failures: int  # full disk, read-only folder, I/O error
    writes_skipped_locked: int  # another process held the lock past the busy timeout
    read_failures: int
    unreadable_rows: int  # rows that did not open under the key (tampered or damaged)
    moved_aside: tuple[str, ...]  # file names of databases moved aside since opening

    def to_json(self) -> dict[str, Any]:
        """A JSON object of the same fields."""
        return {
            "state": self.state.value,
            "cause": self.cause.value if self.cause else None,
            "read_only": self.read_only,
            "writes": self.writes,
            "write_failures": self.write_failures,
            "writes_skipped_locked": self.writes_skipped_locked,
            "read_failures": self.read_failures,
            "unreadable_rows": self.unreadable_rows,
            "moved_aside": list(self.moved_aside),
        }


class HealthLedger:
    """Thread-safe bookkeeping behind `StoreHealth`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_fault: StoreFault | None = None  # set while no database is usable
        self._write_fault: StoreFault | None = None  # set by a failed write, cleared by a good one
        self._read_only = False
        self._counts = {"writes": 0, "failed": 0, "locked": 0, "read_failed": 0, "unreadable": 0}
        self._moved: list[str] = []

    def opened(self, *, read_only: bool) -> None:
        """A database is open (read-only when the folder or file cannot be written)."""
        with self._lock:
            self._open_fault = None
            self._read_only = read_only
            self._write_fault = StoreFault.READ_ONLY if read_only else None

    def unavailable(self, fault: StoreFault) -> None:
        """No database could be opened."""
        with self._lock:
            self._open_fault = fault

    def moved_aside(self, name: str) -> None:
        """A damaged or foreign database was moved aside under `name`."""
        with self._lock:
            self._moved.append(name)

    def wrote(self) -> None:
        """A write succeeded."""
        with self._lock:
            self._counts["writes"] += 1
            self._write_fault = None

    def write_failed(self, fault: StoreFault) -> None:
        """A write failed or was skipped."""
        with self._lock:
            if fault is StoreFault.LOCKED:
                self._counts["locked"] += 1
            else:
                self._counts["failed"] += 1
                self._write_fault = fault

    def read_failed(self) -> None:
        """A read failed."""
        with self._lock:
            self._counts["read_failed"] += 1

    def unreadable_row(self) -> None:
        """A row did not open under the key."""
        with self._lock:
            self._counts["unreadable"] += 1

    def report(self) -> StoreHealth:
        """The current health."""
        with self._lock:
            if self._open_fault is not None:
                state, cause = HealthState.UNAVAILABLE, self._open_fault
            elif self._write_fault is not None:
                state, cause = HealthState.DEGRADED, self._write_fault
            else:
                state, cause = HealthState.OK, None
            return StoreHealth(
                state=state,
                cause=cause,
                read_only=self._read_only,
                writes=self._counts["writes"],
                write_failures=self._counts["failed"],
                writes_skipped_locked=self._counts["locked"],
                read_failures=self._counts["read_failed"],
                unreadable_rows=self._counts["unreadable"],
                moved_aside=tuple(self._moved),
            )
