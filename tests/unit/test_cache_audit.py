"""The audit log: JSON lines with kiosk id, time, event, actor and the keyed HMAC of the CID."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from kiosk.agencies.snapshots import load_cache_secret
from kiosk.audit import AuditLog, open_audit_log
from kiosk.config import validate_config
from offline_cache import CacheSecret
from tests.fixtures.cache import CITIZENS, ManualClock


def test_lines_carry_the_citizens_hmac_never_the_cid(
    tmp_path: Path, cache_secret: CacheSecret, cache_clock: ManualClock
) -> None:
    audit = AuditLog(
        tmp_path / "data" / "audit.log", "ubon-bigc-01", cache_secret, clock=cache_clock
    )

    assert audit.record("check", actor="cli:root", cid=CITIZENS[0], detail={"agencies": 7})
    cache_clock.advance(minutes=1)
    assert audit.record("consent.declined", actor="kiosk", cid=CITIZENS[0])
    assert audit.record("maintenance.entered", actor="technician")

    text = audit.path.read_text(encoding="utf-8")
    assert CITIZENS[0] not in text
    first, second, third = (json.loads(line) for line in text.splitlines())
    assert first == {
        "time": "2026-11-24T03:00:00+00:00",
        "kiosk": "ubon-bigc-01",
        "event": "check",
        "actor": "cli:root",
        "citizen": cache_secret.citizen_ref(CITIZENS[0]),
        "detail": {"agencies": 7},
    }
    assert second["citizen"] == first["citizen"]  # one citizen's lines link up
    assert second["time"] == "2026-11-24T03:01:00+00:00"
    assert third["citizen"] is None
    assert stat.S_IMODE(audit.path.stat().st_mode) == 0o600


def test_the_same_citizen_is_unlinkable_under_another_kiosks_key(
    tmp_path: Path, cache_clock: ManualClock
) -> None:
    refs = []
    for n in range(2):
        audit = AuditLog(tmp_path / f"{n}.log", "k", CacheSecret.generate(), clock=cache_clock)
        audit.record("check", actor="kiosk", cid=CITIZENS[0])
        refs.append(json.loads(audit.path.read_text())["citizen"])
    assert refs[0] != refs[1]


def test_existing_lines_are_kept_and_concurrent_writers_never_interleave(
    tmp_path: Path, cache_secret: CacheSecret
) -> None:
    path = tmp_path / "audit.log"
    path.write_text('{"event":"earlier"}\n')
    audit = AuditLog(path, "k", cache_secret)

    def write(n: int) -> None:
        for i in range(100):
            assert audit.record("check", actor=f"thread-{n}", detail={"i": i, "pad": "x" * 500})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    lines = path.read_text().splitlines()
    assert lines[0] == '{"event":"earlier"}'
    assert len(lines) == 401
    assert all(json.loads(line)["event"] == "check" for line in lines[1:])


def test_an_unwritable_log_fails_softly(tmp_path: Path, cache_secret: CacheSecret) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    audit = AuditLog(blocker / "audit.log", "k", cache_secret)
    assert audit.record("check", actor="kiosk") is False


@pytest.mark.parametrize(("event", "actor"), [("Check!", "kiosk"), ("check", ""), ("", "k")])
def test_malformed_event_or_actor_is_refused(
    tmp_path: Path, cache_secret: CacheSecret, event: str, actor: str
) -> None:
    audit = AuditLog(tmp_path / "audit.log", "k", cache_secret)
    with pytest.raises(ValueError, match="audit"):
        audit.record(event, actor=actor)
    assert not audit.path.exists()


def test_the_kiosks_audit_log_and_cache_share_the_key_file(tmp_path: Path) -> None:
    config = validate_config(
        {
            "kiosk": {
                "id": "ubon-bigc-01",
                "data_dir": str(tmp_path / "data"),
                "key_file": str(tmp_path / "etc" / "cache.key"),
            }
        }
    )
    secret = load_cache_secret(config)
    audit = open_audit_log(config, secret)
    assert audit.path == tmp_path / "data" / "audit.log"
    assert audit.record("check", actor="cli:root", cid=CITIZENS[0])

    # A later process loads the same key file: its HMAC of the CID matches the line's.
    again = load_cache_secret(config)
    line = json.loads(audit.path.read_text())
    assert line["citizen"] == again.citizen_ref(CITIZENS[0])
    assert line["kiosk"] == "ubon-bigc-01"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make files another user owns")
def test_an_audit_line_written_as_root_leaves_the_file_to_the_data_folders_owner(
    tmp_path: Path, cache_secret: CacheSecret
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 65534, 65534)  # the kiosk's user owns its data folder
    audit = AuditLog(data / "audit.log", "ubon-bigc-01", cache_secret)
    assert audit.record("check", actor="cli:root", cid=CITIZENS[0])
    assert (audit.path.stat().st_uid, audit.path.stat().st_gid) == (65534, 65534)
