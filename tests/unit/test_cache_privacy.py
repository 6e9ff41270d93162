"""The database files name nobody: no CID, name or entitlement in clear in the db, its -wal or
its -shm, while open and after closing; nor in the store's logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from offline_cache import CacheSecret, SnapshotEntry, SnapshotStore
from tests.fixtures.cache import (
    AGENCIES,
    CITIZENS,
    ENGLISH_NAME,
    ENTITLEMENT_CODES,
    THAI_NAME,
    ManualClock,
    sample_payload,
)


def _needles() -> list[bytes]:
    needles = []
    for cid in CITIZENS:
        needles += [cid.encode(), cid.encode("utf-16-le"), cid[-9:].encode()]
    for text in (THAI_NAME, ENGLISH_NAME, *ENTITLEMENT_CODES):
        needles += [text.encode("utf-8"), text.encode("utf-16-le")]
    needles += [THAI_NAME.encode("tis-620"), "หลักประกันสุขภาพ".encode()]
    return needles


def _found_in(files: list[Path]) -> list[str]:
    hits = []
    for path in files:
        data = path.read_bytes()
        hits += [f"{path.name}: {n!r}" for n in _needles() if n in data]
    return hits


def _database_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def test_database_bytes_hold_no_cid_name_or_entitlement(
    cache_db: Path,
    cache_secret: CacheSecret,
    cache_clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    store = SnapshotStore(cache_db, cache_secret, clock=cache_clock)
    for cid in CITIZENS:
        store.put_many(
            SnapshotEntry(cid, agency, sample_payload(agency, code=code), cache_clock())
            for agency in AGENCIES
            for code in ENTITLEMENT_CODES[:1]
        )
        for code in ENTITLEMENT_CODES:
            store.put(cid, "sso", sample_payload("sso", code=code), cache_clock())
    store.delete_citizen(CITIZENS[0])

    # While open, the newest pages sit in the WAL.
    files = _database_files(cache_db)
    assert Path(f"{cache_db}-wal") in files
    assert Path(f"{cache_db}-wal").stat().st_size > 0
    assert _found_in(files) == []
    # The sealed payloads really are there, just not readable.
    assert store.get_all(CITIZENS[1])["sso"].payload == sample_payload(
        "sso", code=ENTITLEMENT_CODES[-1]
    )
    stats_text = repr(store.stats())
    store.close()

    assert _found_in(_database_files(cache_db)) == []
    assert _found_in([cache_db]) == []
    for cid in CITIZENS:
        assert cid not in caplog.text
        assert cid not in stats_text
    assert THAI_NAME not in caplog.text


def test_the_needles_would_be_found_if_they_were_there(tmp_path: Path) -> None:
    # Guards the test above against searching for the wrong bytes.
    plain = tmp_path / "plain.json"
    plain.write_text(repr(sample_payload("nhso")) + CITIZENS[0], encoding="utf-8")
    assert len(_found_in([plain])) >= 4
