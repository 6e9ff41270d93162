"""The snapshot store on a real SQLite file: round trip, ordering, retention, purge, opt-out,
statistics, input checks, and threads reading while another writes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from offline_cache import CacheSecret, HealthState, SnapshotEntry, SnapshotStore
from tests.fixtures.cache import AGENCIES, CITIZENS, ManualClock, sample_payload

CID, OTHER = CITIZENS[0], CITIZENS[1]


def test_round_trip_keeps_payload_and_as_of_exactly(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    bangkok = timezone(timedelta(hours=7))
    as_of = datetime(2026, 11, 24, 9, 30, 15, 123456, tzinfo=bangkok)
    payload = sample_payload("nhso")
    assert snapshot_store.put(CID, "nhso", payload, as_of)

    snap = snapshot_store.get(CID, "nhso")
    assert snap is not None
    assert snap.payload == payload
    assert snap.as_of == as_of  # the same instant, returned in UTC
    assert snap.as_of.tzinfo is UTC
    assert snap.age(cache_clock()) == cache_clock() - as_of
    assert snapshot_store.get(CID, "sso") is None
    assert snapshot_store.get(OTHER, "nhso") is None


def test_reopening_the_file_finds_the_snapshots(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        store.put_many(
            SnapshotEntry(CID, agency, sample_payload(agency), cache_clock()) for agency in AGENCIES
        )
    with SnapshotStore(cache_db, cache_secret, clock=cache_clock) as store:
        found = store.get_all(CID)
        assert sorted(found) == sorted(AGENCIES)
        assert found["cgd"].payload == sample_payload("cgd")
        assert store.health().moved_aside == ()


def test_a_newer_answer_replaces_an_older_one_never_the_reverse(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    t0 = cache_clock()
    assert snapshot_store.put(CID, "sso", sample_payload("sso", code="OLD"), t0)
    assert snapshot_store.put(CID, "sso", sample_payload("sso", code="NEW"), t0 + timedelta(1))
    # A slow process delivering an answer older than the one kept changes nothing.
    assert snapshot_store.put(CID, "sso", sample_payload("sso", code="STALE"), t0)

    snap = snapshot_store.get(CID, "sso")
    assert snap is not None
    assert snap.payload["entitlements"][0]["code"] == "NEW"
    assert snap.as_of == t0 + timedelta(1)


def test_opt_out_deletes_that_citizens_snapshots_only(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    for cid in (CID, OTHER):
        for agency in AGENCIES:
            snapshot_store.put(cid, agency, sample_payload(agency), cache_clock())

    assert snapshot_store.delete_citizen(CID) == len(AGENCIES)

    assert snapshot_store.get_all(CID) == {}
    assert sorted(snapshot_store.get_all(OTHER)) == sorted(AGENCIES)
    assert snapshot_store.delete_citizen(CID) == 0


def test_retention_hides_then_purges_old_snapshots(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    store = SnapshotStore(cache_db, cache_secret, clock=cache_clock, retention_days=30)
    start = cache_clock()
    store.put(CID, "nhso", sample_payload("nhso"), start)
    store.put(CID, "sso", sample_payload("sso"), start + timedelta(days=10))

    cache_clock.advance(days=30, seconds=1)
    # Expired but not yet purged: never served.
    assert sorted(store.get_all(CID)) == ["sso"]
    assert store.stats().snapshots == 2
    assert store.purge_expired() == 1
    assert store.stats().snapshots == 1
    store.close()

    # Opening purges too (a kiosk that was off for weeks starts clean).
    cache_clock.advance(days=10)
    with SnapshotStore(cache_db, cache_secret, clock=cache_clock, retention_days=30) as store:
        assert store.stats().snapshots == 0


def test_purge_all_empties_the_cache(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    for cid in CITIZENS:
        snapshot_store.put(cid, "welfare", sample_payload("welfare"), cache_clock())
    assert snapshot_store.purge_all() == len(CITIZENS)
    assert all(snapshot_store.get_all(cid) == {} for cid in CITIZENS)


def test_stats_count_by_agency_without_personal_data(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    t0 = cache_clock()
    snapshot_store.put(CID, "nhso", sample_payload("nhso"), t0 - timedelta(hours=5))
    snapshot_store.put(OTHER, "nhso", sample_payload("nhso"), t0)
    snapshot_store.put(OTHER, "sso", sample_payload("sso"), t0 - timedelta(hours=1))

    stats = snapshot_store.stats()
    assert (stats.snapshots, stats.citizens, stats.schema_version) == (3, 2, 1)
    assert stats.oldest == t0 - timedelta(hours=5)
    assert stats.newest == t0
    assert stats.agencies["nhso"].snapshots == 2
    assert stats.agencies["sso"].oldest == t0 - timedelta(hours=1)
    assert stats.file_bytes["db"] > 0
    assert stats.health.state is HealthState.OK
    text = repr(stats.to_json())
    assert CID not in text
    assert OTHER not in text
    assert "UCS" not in text


@pytest.mark.parametrize(
    "cid", ["110170020345", "11017002034500", "1101-70020345", "๑๑๐๑๗๐๐๒๐๓๔๕๐", ""]
)
def test_malformed_cid_is_refused_without_repeating_it(
    snapshot_store: SnapshotStore, cache_clock: ManualClock, cid: str
) -> None:
    with pytest.raises(ValueError, match="13 digits") as err:
        snapshot_store.put(cid, "nhso", sample_payload("nhso"), cache_clock())
    if cid:
        assert cid not in str(err.value)
    with pytest.raises(ValueError, match="13 digits"):
        snapshot_store.get_all(cid)


def test_bad_agency_naive_time_and_non_json_payload_are_refused(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    with pytest.raises(ValueError, match="agency id"):
        snapshot_store.put(CID, "NHSO; DROP", sample_payload("nhso"), cache_clock())
    with pytest.raises(ValueError, match="time zone"):
        snapshot_store.put(CID, "nhso", sample_payload("nhso"), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="not JSON"):
        snapshot_store.put(CID, "nhso", {"when": object()}, cache_clock())
    assert snapshot_store.get_all(CID) == {}  # nothing half-written


def test_use_after_close_is_an_error(
    cache_db: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    store = SnapshotStore(cache_db, cache_secret, clock=cache_clock)
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.get_all(CID)


def test_readers_never_see_half_of_a_citizens_answers_while_a_writer_writes(
    snapshot_store: SnapshotStore, cache_clock: ManualClock
) -> None:
    # put_many writes a citizen's seven agencies in one transaction: a reader sees none or all.
    citizens = [f"{1000000000000 + n:013d}" for n in range(60)]
    errors: list[BaseException] = []
    seen_counts: set[int] = set()
    done = threading.Event()

    def write() -> None:
        try:
            for cid in citizens:
                entries = [
                    SnapshotEntry(cid, agency, sample_payload(agency), cache_clock())
                    for agency in AGENCIES
                ]
                assert snapshot_store.put_many(entries)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            while not done.is_set():
                for cid in citizens:
                    found = snapshot_store.get_all(cid)
                    seen_counts.add(len(found))
                    for agency, snap in found.items():
                        assert snap.payload == sample_payload(agency)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert seen_counts <= {0, len(AGENCIES)}
    assert all(len(snapshot_store.get_all(cid)) == len(AGENCIES) for cid in citizens)
    health = snapshot_store.health()
    assert (health.write_failures, health.read_failures, health.writes_skipped_locked) == (0, 0, 0)
