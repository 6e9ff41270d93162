"""The snapshot writer (kiosk/agencies/snapshot_writer.py) on a real SQLite file; a second process
holds the database lock for real (`python -m tests.fixtures.cache hold-lock`)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from adapters.answer import BANGKOK, failed_result
from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from kiosk.agencies.snapshot_writer import SnapshotWriter
from offline_cache import CacheSecret, SnapshotStore
from tests.fixtures.cache import CITIZENS, REPO_ROOT, ManualClock, child_command, child_env

LIVENESS = 10.0  # far above a write (ms) and the busy timeouts used here
CID, OTHER = CITIZENS[0], CITIZENS[1]
AGENCIES = ("nhso", "sso", "welfare")
AS_OF = datetime(2026, 11, 24, 10, 0, 7, tzinfo=BANGKOK)


def answer(agency: str, status: AgencyStatus = AgencyStatus.OK) -> AgencyResult:
    entitlements: tuple[Entitlement, ...] = ()
    if status is AgencyStatus.OK:
        entitlements = (Entitlement("UCS", "บัตรทอง", "Gold card", EntitlementStatus.ACTIVE),)
    return AgencyResult(
        agency,
        status,
        ResultSource.LIVE,
        AS_OF,
        entitlements=entitlements,
    )


def wait_until(condition: Callable[[], bool]) -> None:
    end = time.monotonic() + LIVENESS
    while not condition():
        assert time.monotonic() < end, "not reached within the liveness bound"
        time.sleep(0.01)


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "snapshot-writer" and t.is_alive()]


@pytest.fixture
def store(tmp_path: Path, cache_secret: CacheSecret) -> Iterator[SnapshotStore]:
    with SnapshotStore(tmp_path / "data" / "cache.db", cache_secret, busy_timeout_s=5.0) as s:
        yield s


@pytest.fixture
def writer(store: SnapshotStore) -> Iterator[SnapshotWriter]:
    writer = SnapshotWriter(store).start()
    yield writer
    assert writer.close(LIVENESS)


@contextmanager
def lock_held(db: Path) -> Iterator[None]:
    """Another process holding the database's write lock until the block ends."""
    proc = subprocess.Popen(
        child_command(["hold-lock", str(db)]),
        env=child_env(),
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the holder lets go when its stdin closes
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def test_saved_answers_land_in_the_store_with_the_time_they_arrived(
    writer: SnapshotWriter, store: SnapshotStore
) -> None:
    for agency in AGENCIES:
        assert writer.save(CID, answer(agency))
    writer.save(CID, answer("farmer", AgencyStatus.NOT_FOUND))
    assert writer.flush(LIVENESS)
    saved = store.get_all(CID)
    assert sorted(saved) == sorted((*AGENCIES, "farmer"))
    assert saved["nhso"].as_of == AS_OF
    assert saved["farmer"].payload["status"] == "not_found"
    stats = writer.stats()
    assert (stats.written, stats.failed, stats.pending) == (4, 0, 0)


def test_only_live_answers_are_saved(writer: SnapshotWriter, store: SnapshotStore) -> None:
    failed = failed_result("sso", FailureReason.TIMEOUT, "late")
    served = answer("nhso").with_source(
        ResultSource.CACHE, reason=FailureReason.OFFLINE, message=""
    )
    for result in (failed, served):
        with pytest.raises(ValueError, match="only live"):
            writer.save(CID, result)
        writer.save_result(CID, result)  # ignored
    assert writer.flush(LIVENESS)
    assert store.get_all(CID) == {}


def test_forgetting_a_citizen_comes_after_their_saves_already_queued(
    writer: SnapshotWriter, store: SnapshotStore
) -> None:
    assert store.put(OTHER, "nhso", {"v": 1, "status": "not_found"}, AS_OF)
    for agency in AGENCIES:
        writer.save(CID, answer(agency))
    deleted = writer.forget(CID).result(LIVENESS)
    assert deleted == len(AGENCIES)
    assert store.get_all(CID) == {}
    assert sorted(store.get_all(OTHER)) == ["nhso"]  # nobody else is touched
    assert writer.stats().forgotten == 1


def test_a_database_locked_by_another_process_holds_up_nobody_and_the_write_still_lands(
    writer: SnapshotWriter, store: SnapshotStore
) -> None:
    with lock_held(store.path):
        # save() only queues: it returns while the other process still holds the lock, and the
        # writer thread is the one waiting (busy timeout) for it.
        assert writer.save(CID, answer("nhso"))
        wait_until(lambda: writer.stats().pending == 1)
        assert not writer.flush(0.2)
    assert writer.flush(LIVENESS)
    assert sorted(store.get_all(CID)) == ["nhso"]
    assert store.health().writes_skipped_locked == 0


def test_close_writes_what_is_queued_then_joins_and_refuses_more(store: SnapshotStore) -> None:
    writer = SnapshotWriter(store).start()
    assert len(writer_threads()) == 1
    for agency in AGENCIES:
        writer.save(CID, answer(agency))
    assert writer.close(LIVENESS)
    assert writer_threads() == []
    assert sorted(store.get_all(CID)) == sorted(AGENCIES)
    assert not writer.save(OTHER, answer("nhso"))
    assert writer.stats().dropped == 1
    assert writer.forget(CID).result(LIVENESS) == len(AGENCIES)  # still honoured, in place


def test_a_writer_never_started_does_its_queue_in_place_when_asked(store: SnapshotStore) -> None:
    writer = SnapshotWriter(store)
    writer.save(CID, answer("nhso"))
    writer.save(CID, answer("sso"))
    assert writer.forget(CID).result(0) == 2  # at once, after the saves queued before it
    writer.save(OTHER, answer("nhso"))
    assert writer.flush(0)
    assert sorted(store.get_all(OTHER)) == ["nhso"]
    writer.save(CID, answer("welfare"))
    assert writer.close()
    assert sorted(store.get_all(CID)) == ["welfare"]
    assert writer_threads() == []


def test_the_retention_purge_runs_on_the_writer_thread(
    tmp_path: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    with SnapshotStore(tmp_path / "cache.db", cache_secret, clock=cache_clock) as store:
        assert store.put(CID, "nhso", {"v": 1, "status": "not_found"}, cache_clock())
        cache_clock.advance(days=31)
        assert store.stats().snapshots == 1  # expired, but still on disk
        writer = SnapshotWriter(store, purge_every_s=0.05).start()
        try:
            wait_until(lambda: store.stats().snapshots == 0)
        finally:
            assert writer.close(LIVENESS)


def test_a_store_that_cannot_write_counts_failures_and_says_it_could_not_forget(
    tmp_path: Path, cache_secret: CacheSecret
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be\n")
    with SnapshotStore(blocker / "cache.db", cache_secret) as store:
        writer = SnapshotWriter(store).start()
        try:
            writer.save(CID, answer("nhso"))
            assert writer.flush(LIVENESS)
            assert writer.forget(CID).result(LIVENESS) is None
            stats = writer.stats()
            assert (stats.written, stats.failed, stats.forgotten) == (0, 1, 0)
        finally:
            assert writer.close(LIVENESS)
