"""Faults produced for real, each in a separate process: another process holding the lock, a
full disk (a file-size limit: root ignores quotas), a data folder the kiosk cannot write (the
reader runs as `nobody`), and a second kiosk process writing at the same time."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from offline_cache import HealthState, SnapshotEntry, SnapshotStore, StoreFault
from tests.fixtures import kiosk_user
from tests.fixtures.cache import (
    AGENCIES,
    CITIZENS,
    REPO_ROOT,
    ManualClock,
    child_command,
    child_env,
    make_secret,
    run_child,
    sample_payload,
)

CID = CITIZENS[0]


@contextmanager
def lock_held(
    db: Path, *, exclusive: bool = False, linger_s: float = 0.0
) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database's write lock until told (then `linger_s` more)."""
    args = ["hold-lock", str(db), "--linger", str(linger_s)]
    args += ["--exclusive"] if exclusive else []
    proc = subprocess.Popen(
        child_command(args),
        env=child_env(),
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the holder lets go when its stdin closes
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir())


def test_locked_database_skips_the_write_keeps_reading_and_is_never_moved_aside(
    snapshot_store: SnapshotStore, cache_db: Path, cache_clock: ManualClock
) -> None:
    assert snapshot_store.put(CID, "nhso", sample_payload("nhso"), cache_clock())
    before = _files(cache_db)

    with lock_held(cache_db):
        assert not snapshot_store.put(CID, "sso", sample_payload("sso"), cache_clock())
        assert sorted(snapshot_store.get_all(CID)) == ["nhso"]  # WAL: readers are not blocked
        health = snapshot_store.health()
        assert health.writes_skipped_locked == 1
        assert health.state is HealthState.OK  # a lock is not damage
    assert snapshot_store.put(CID, "sso", sample_payload("sso"), cache_clock())
    assert sorted(snapshot_store.get_all(CID)) == ["nhso", "sso"]
    assert _files(cache_db) == before


def test_a_short_lock_is_waited_for(cache_db: Path, cache_clock: ManualClock) -> None:
    secret, _ = make_secret()
    store = SnapshotStore(cache_db, secret, clock=cache_clock, busy_timeout_s=30)
    try:
        with lock_held(cache_db, linger_s=0.5) as holder:
            assert holder.stdin is not None
            holder.stdin.write("release\n")
            holder.stdin.flush()
            # The holder lets go half a second after this write began waiting for the lock.
            assert store.put(CID, "nhso", sample_payload("nhso"), cache_clock())
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "released"
        assert store.health().writes_skipped_locked == 0
        assert sorted(store.get_all(CID)) == ["nhso"]
    finally:
        store.close()


def test_a_lock_held_at_open_is_retried_later_not_treated_as_damage(
    cache_db: Path, cache_clock: ManualClock
) -> None:
    secret, _ = make_secret()
    with SnapshotStore(cache_db, secret, clock=cache_clock) as store:
        store.put(CID, "nhso", sample_payload("nhso"), cache_clock())

    with lock_held(cache_db, exclusive=True):
        store = SnapshotStore(
            cache_db, secret, clock=cache_clock, busy_timeout_s=0.2, reopen_after_s=0
        )
        health = store.health()
        assert (health.state, health.cause) == (HealthState.UNAVAILABLE, StoreFault.LOCKED)
        assert store.get_all(CID) == {}  # nothing to serve, but no error either
    try:
        assert sorted(store.get_all(CID)) == ["nhso"]
        assert store.health().state is HealthState.OK
        assert store.health().moved_aside == ()
        assert _files(cache_db) == ["cache.db", "cache.db-shm", "cache.db-wal"]
    finally:
        store.close()


def test_full_disk_fails_writes_softly_and_reads_keep_working(
    cache_db: Path, cache_clock: ManualClock
) -> None:
    secret, secret_hex = make_secret()
    with SnapshotStore(cache_db, secret) as store:
        store.put_many(
            SnapshotEntry(CID, agency, sample_payload(agency), datetime.now(UTC))
            for agency in AGENCIES
        )
    limit = cache_db.stat().st_size + 256 * 1024

    done = run_child(["fill-disk", str(cache_db), str(limit), CID], secret_hex)

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["written"] > 0  # it did write until the limit
    assert report["failed"] >= 3
    assert report["health"]["state"] == "degraded"
    assert report["health"]["cause"] in {"disk_full", "io_error"}
    assert report["health"]["write_failures"] == report["failed"]
    assert report["read_back"] == sorted(AGENCIES)
    assert "Traceback" not in done.stderr
    # Logged once per run of failures, not once per answer.
    assert done.stderr.count("write failed") == report["episodes"] < report["failed"]
    # The file survived intact and is not moved aside when opened again without the limit.
    with SnapshotStore(cache_db, secret) as store:
        assert sorted(store.get_all(CID)) == sorted(AGENCIES)
        assert store.health().moved_aside == ()
        assert store.stats().snapshots == len(AGENCIES) + report["written"]


@kiosk_user.needs_root
def test_read_only_data_folder_serves_reads_and_fails_writes_softly(
    kiosk_user_root: Path,
) -> None:
    secret, secret_hex = make_secret()
    folder = kiosk_user_root / "data"
    db = folder / "cache.db"
    with SnapshotStore(db, secret) as store:
        store.put_many(
            SnapshotEntry(CID, agency, sample_payload(agency), datetime.now(UTC))
            for agency in AGENCIES
        )
    # The kiosk's user owns its data, but the folder and file are read-only to it.
    for path in (folder, *folder.iterdir()):
        os.chown(path, 65534, 65534)
    for path in folder.iterdir():
        path.chmod(0o400)
    folder.chmod(0o500)

    done = run_child(["read-only", str(db), CID], secret_hex, as_kiosk_user=True)

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["found"] == sorted(AGENCIES)
    assert report["wrote"] is False
    assert report["health"]["state"] == "degraded"
    assert report["health"]["cause"] == "read_only"
    assert report["health"]["read_only"] is True
    assert sorted(p.name for p in folder.iterdir()) == ["cache.db"]  # nothing moved or added


def test_missing_folder_that_cannot_be_created_leaves_the_store_unavailable_not_crashed(
    tmp_path: Path, cache_clock: ManualClock
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be\n")
    secret, _ = make_secret()
    with SnapshotStore(blocker / "cache.db", secret, clock=cache_clock) as store:
        assert store.health().state is HealthState.UNAVAILABLE
        assert store.get_all(CID) == {}
        assert not store.put(CID, "nhso", sample_payload("nhso"), cache_clock())
        assert store.stats().snapshots == 0
    assert blocker.read_text() == "a file where the data folder should be\n"


def test_two_processes_write_the_same_file(cache_db: Path, cache_clock: ManualClock) -> None:
    # The kiosk app and `kiosk check` runs share the file: every answer lands.
    secret, secret_hex = make_secret()
    with SnapshotStore(cache_db, secret, clock=cache_clock) as store:
        _write_alongside_children(store, cache_db, secret_hex, cache_clock)


def _write_alongside_children(
    store: SnapshotStore, cache_db: Path, secret_hex: str, clock: ManualClock
) -> None:
    procs = [
        subprocess.Popen(
            child_command(["put", str(cache_db), cid, *AGENCIES]),
            env=child_env(secret_hex),
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for cid in CITIZENS[1:]
    ]
    for cid in CITIZENS[:1] * 20:
        assert store.put(cid, "nhso", sample_payload("nhso"), clock())
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert json.loads(out) == {"ok": True}
    for cid in CITIZENS[1:]:
        assert sorted(store.get_all(cid)) == sorted(AGENCIES)
    assert store.health().writes_skipped_locked == 0
