"""Schema versions and migrations, from the first release on.

Each migration is frozen SQL keyed by the version it produces; a database is brought from its
version to `LATEST_VERSION` in one transaction at open, and records each step in
`schema_version`. A hand-rolled list rather than Alembic: the kiosk ships frozen (PyInstaller),
has one small schema and no operator running migrations by hand, and this list is tested against
the models (`tests/unit/test_cache_schema.py`). To change the schema: edit `models.py`, append a
migration here with the SQL that takes version N to N+1, never edit a released one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from offline_cache.models import SchemaVersion


@dataclass(frozen=True, slots=True)
class Migration:
    """The SQL statements that take the schema to `version`."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="snapshots keyed by citizen HMAC and agency; key check; schema versions",
        statements=(
            "CREATE TABLE schema_version ("
            " version INTEGER NOT NULL PRIMARY KEY,"
            " applied_at_us BIGINT NOT NULL)",
            "CREATE TABLE store_meta ( name VARCHAR(64) NOT NULL PRIMARY KEY, value BLOB NOT NULL)",
            "CREATE TABLE snapshot ("
            " citizen_key BLOB NOT NULL,"
            " agency VARCHAR(64) NOT NULL,"
            " as_of_us BIGINT NOT NULL,"
            " nonce BLOB NOT NULL,"
            " sealed BLOB NOT NULL,"
            " PRIMARY KEY (citizen_key, agency)) WITHOUT ROWID",
            "CREATE INDEX ix_snapshot_as_of_us ON snapshot (as_of_us)",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
TABLES = frozenset({"schema_version", "store_meta", "snapshot"})


def table_names(conn: Connection) -> set[str]:
    """Names of the tables in the database (SQLite's own excluded)."""
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {str(name) for (name,) in rows}


def current_version(conn: Connection) -> int:
    """The database's schema version (0 for an empty database)."""
    if "schema_version" not in table_names(conn):
        return 0
    version = conn.execute(select(func.max(SchemaVersion.version))).scalar()
    return int(version or 0)


def migrate(conn: Connection, from_version: int, now_us: int) -> None:
    """Apply every migration after `from_version`, inside the caller's transaction."""
    for migration in MIGRATIONS:
        if migration.version <= from_version:
            continue
        for statement in migration.statements:
            conn.exec_driver_sql(statement)
        conn.execute(insert(SchemaVersion).values(version=migration.version, applied_at_us=now_us))
