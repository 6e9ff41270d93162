"""The migrations produce exactly the schema the models describe, and record their version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect

from offline_cache import CacheSecret, SnapshotStore
from offline_cache.models import Base
from offline_cache.schema import LATEST_VERSION, MIGRATIONS


def _shape(db: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        insp = inspect(engine)
        return {
            table: {
                "columns": sorted(
                    (c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)
                ),
                "pk": insp.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"])) for i in insp.get_indexes(table)
                ),
            }
            for table in sorted(insp.get_table_names())
        }
    finally:
        engine.dispose()


def test_migrated_database_matches_the_models(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.db"
    with SnapshotStore(migrated, CacheSecret.generate()):
        pass
    modelled = tmp_path / "modelled.db"
    engine = create_engine(f"sqlite:///{modelled}")
    Base.metadata.create_all(engine)
    engine.dispose()

    assert _shape(migrated) == _shape(modelled)


def test_versions_are_consecutive_and_recorded(tmp_path: Path) -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    db = tmp_path / "cache.db"
    with SnapshotStore(db, CacheSecret.generate()) as store:
        assert store.stats().schema_version == LATEST_VERSION
