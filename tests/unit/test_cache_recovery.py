"""Files that are not usable are moved aside and replaced, and the kiosk keeps serving: another
kiosk's key, damage, truncation, foreign files, a newer release's schema, a tampered row, and a
file replaced underneath a running store."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import pytest

from offline_cache import CacheSecret, HealthState, SnapshotEntry, SnapshotStore
from tests.fixtures.cache import AGENCIES, CITIZENS, ManualClock, sample_payload

CID = CITIZENS[0]


def _populate(db: Path, secret: CacheSecret, clock: ManualClock, citizens: int = 40) -> None:
    cids = [CID] + [f"{2000000000000 + n:013d}" for n in range(citizens)]
    with SnapshotStore(db, secret, clock=clock) as store:
        assert store.put_many(
            SnapshotEntry(cid, agency, sample_payload(agency), clock())
            for cid in cids
            for agency in AGENCIES
        )


def _moved(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name + "."))


def _assert_serving_fresh(store: SnapshotStore, clock: ManualClock) -> None:
    assert store.get_all(CID) == {}
    assert store.put(CID, "nhso", sample_payload("nhso"), clock())
    assert sorted(store.get_all(CID)) == ["nhso"]
    assert store.health().state is HealthState.OK


def test_another_kiosks_key_cannot_read_and_the_file_is_moved_aside(
    cache_db: Path,
    cache_secret: CacheSecret,
    cache_clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _populate(cache_db, cache_secret, cache_clock)
    caplog.set_level(logging.WARNING)

    with SnapshotStore(cache_db, CacheSecret.generate(), clock=cache_clock) as store:
        [moved] = _moved(cache_db)
        assert moved.endswith(".other-key")
        assert store.health().moved_aside == (moved,)
        _assert_serving_fresh(store, cache_clock)
    assert "does not match the kiosk's key" in caplog.text
    assert CID not in caplog.text

    # Moved, not destroyed: under its own key the old file still reads.
    with SnapshotStore(cache_db.with_name(moved), cache_secret, clock=cache_clock) as old:
        assert sorted(old.get_all(CID)) == sorted(AGENCIES)


def _corrupt_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # every page but the header page
        data[start : start + 64] = os.urandom(64)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "slug"),
    [
        (_corrupt_pages, "damaged"),
        (lambda db: os.truncate(db, db.stat().st_size // 2), "damaged"),
        (lambda db: os.truncate(db, 50), "damaged"),
        (lambda db: db.write_bytes(b"citizen list\n" * 100), "foreign"),
    ],
    ids=["corrupt-pages", "truncated-half", "truncated-header", "not-sqlite"],
)
def test_damaged_or_foreign_file_is_moved_aside_and_a_fresh_one_serves(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock, damage: object, slug: str
) -> None:
    _populate(cache_db, cache_secret, cache_clock)
    assert callable(damage)
    damage(cache_db)

    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        [moved] = _moved(cache_db)
        assert moved.endswith("." + slug)
        _assert_serving_fresh(store, cache_clock)


def test_sqlite_file_of_another_program_is_moved_aside(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    cache_db.parent.mkdir()
    with sqlite3.connect(cache_db) as conn:
        conn.execute("CREATE TABLE playlist (song TEXT)")
    conn.close()

    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        assert _moved(cache_db)[0].endswith(".foreign")
        _assert_serving_fresh(store, cache_clock)
    with sqlite3.connect(cache_db.with_name(_moved(cache_db)[0])) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("playlist",)]
    conn.close()


def test_database_of_a_newer_release_is_moved_aside_not_misread(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    _populate(cache_db, cache_secret, cache_clock, citizens=1)
    with sqlite3.connect(cache_db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 0)")
    conn.close()

    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        assert _moved(cache_db)[0].endswith(".newer")
        _assert_serving_fresh(store, cache_clock)


def test_empty_file_is_initialised_in_place(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    cache_db.parent.mkdir()
    cache_db.touch()
    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        assert _moved(cache_db) == []
        _assert_serving_fresh(store, cache_clock)


def test_a_tampered_row_is_skipped_and_the_rest_still_read(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    _populate(cache_db, cache_secret, cache_clock, citizens=1)
    # Give this citizen's nhso row the sealed payload of their sso row: same key, wrong row.
    with sqlite3.connect(cache_db) as conn:
        conn.execute(
            "UPDATE snapshot SET (nonce, sealed) = (SELECT nonce, sealed FROM snapshot AS s"
            " WHERE s.citizen_key = snapshot.citizen_key AND s.agency = 'sso')"
            " WHERE agency = 'nhso'"
        )
    conn.close()

    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        found = store.get_all(CID)
        assert "nhso" not in found
        assert found["sso"].payload == sample_payload("sso")
        assert len(found) == len(AGENCIES) - 1
        assert store.get(CID, "nhso") is None
        assert store.health().unreadable_rows == 2
        assert _moved(cache_db) == []  # one bad row is no reason to drop the file


def test_a_file_replaced_underneath_is_reopened_not_written_through_a_stale_handle(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    # Another process (a `kiosk check` run) moved the file aside and started a fresh one.
    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        assert store.put(CID, "nhso", sample_payload("nhso"), cache_clock())
        aside = cache_db.with_name("cache.db.aside")
        with SnapshotStore(aside, cache_secret, clock=cache_clock) as other:
            assert other.put(CID, "sso", sample_payload("sso"), cache_clock())
        for suffix in ("", "-wal", "-shm"):  # as the store itself moves a file aside
            os.replace(f"{cache_db}{suffix}", f"{cache_db}.old{suffix}")
        os.replace(aside, cache_db)

        assert sorted(store.get_all(CID)) == ["sso"]
        assert store.put(CID, "cgd", sample_payload("cgd"), cache_clock())
    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        assert sorted(store.get_all(CID)) == ["cgd", "sso"]


def test_damage_found_while_running_moves_the_file_aside_and_the_next_write_lands(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    store = SnapshotStore(cache_db, cache_secret, clock=cache_clock)
    try:
        cids = [f"{2000000000000 + n:013d}" for n in range(100)]
        assert store.put_many(
            SnapshotEntry(cid, agency, sample_payload(agency), cache_clock())
            for cid in cids
            for agency in AGENCIES
        )
        # Another process checkpoints the WAL into the file, then the disk damages it in place.
        with sqlite3.connect(cache_db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _corrupt_pages(cache_db)

        assert store.get_all(cids[50]) == {}  # the read fails softly...
        [moved] = _moved(cache_db)  # ...and the damaged file is moved aside at once
        assert moved.endswith(".damaged")
        assert store.health().read_failures == 1
        _assert_serving_fresh(store, cache_clock)
    finally:
        store.close()


def test_a_folder_where_the_database_should_be_makes_the_cache_unavailable_not_a_crash(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    db, clock = cache_db, cache_clock
    db.mkdir(parents=True)
    with SnapshotStore(db, cache_secret, clock=clock) as store:
        assert store.health().state is HealthState.UNAVAILABLE
        assert store.put(CID, "nhso", sample_payload("nhso"), clock()) is False
        assert store.put_many([SnapshotEntry(CID, "sso", sample_payload("sso"), clock())]) is False
        assert store.get_all(CID) == {}
    assert db.is_dir()  # someone else's folder: reported, never moved or deleted
