"""What went wrong with the database, in the terms the store acts on.

SQLite's primary result codes decide: a lock is waited for or skipped and never treated as
damage; a full disk, a read-only folder or an I/O error make writes fail softly while reads go
on; only corruption (or a file that is not a database) leads to the file being moved aside.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

from sqlalchemy.exc import DBAPIError

# SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_NOMEM = 7
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


class StoreFault(StrEnum):
    """Why the store is not fully working; also the `cause` of its health."""

    LOCKED = "locked"  # another process held the write lock past the busy timeout
    DISK_FULL = "disk_full"  # no space left, or the file size limit reached
    READ_ONLY = "read_only"  # the data folder or database cannot be written
    IO_ERROR = "io_error"  # the disk reported an error
    CORRUPT = "corrupt"  # the file is damaged or is not a database
    CANNOT_OPEN = "cannot_open"  # no database could be opened or created at all
    INTERNAL = "internal"  # anything else (a bug); logged with its error name


def classify(exc: BaseException) -> StoreFault:
    """Map a database exception (SQLAlchemy's or sqlite3's) to a fault."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, sqlite3.Error):
        return StoreFault.INTERNAL
    code = getattr(orig, "sqlite_errorcode", None)
    if code is None:
        return StoreFault.INTERNAL
    return _BY_PRIMARY_CODE.get(code & 0xFF, StoreFault.INTERNAL)


def error_name(exc: BaseException) -> str:
    """SQLite's name for the error (`SQLITE_IOERR_WRITE`), safe to log: it carries no data."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    name = getattr(orig, "sqlite_errorname", None)
    return str(name) if name else type(orig).__name__


_BY_PRIMARY_CODE = {
    _SQLITE_BUSY: StoreFault.LOCKED,
    _SQLITE_LOCKED: StoreFault.LOCKED,
    _SQLITE_FULL: StoreFault.DISK_FULL,
    _SQLITE_READONLY: StoreFault.READ_ONLY,
    _SQLITE_PERM: StoreFault.READ_ONLY,
    _SQLITE_IOERR: StoreFault.IO_ERROR,
    _SQLITE_NOMEM: StoreFault.IO_ERROR,
    _SQLITE_CORRUPT: StoreFault.CORRUPT,
    _SQLITE_NOTADB: StoreFault.CORRUPT,
    _SQLITE_CANTOPEN: StoreFault.CANNOT_OPEN,
}
