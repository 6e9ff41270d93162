"""`kiosk cache stats|purge` as real processes on a real cache: output without personal data,
exit codes and plain one-sentence errors, the key file created 0600 outside `data_dir`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.agencies.snapshots import open_snapshot_store
from kiosk.config import load_config
from tests.fixtures.cache import AGENCIES, CITIZENS, REPO_ROOT, sample_payload


@dataclass(frozen=True)
class Kiosk:
    """A configured kiosk: its config file and the environment provisioning sets."""

    config: Path
    data_dir: Path
    key_file: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            env=self.env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def populate(self) -> None:
        """Two citizens' answers now, and one citizen's from 40 days ago (expired)."""
        config = load_config(self.config, environ=self.env)
        now = datetime.now(UTC)
        with open_snapshot_store(config, purge_on_open=False) as store:
            for cid in CITIZENS[:2]:
                for agency in AGENCIES:
                    assert store.put(cid, agency, sample_payload(agency), now)
            assert store.put(CITIZENS[2], "nhso", sample_payload("nhso"), now - timedelta(40))


@pytest.fixture
def kiosk(tmp_path: Path) -> Kiosk:
    data_dir = tmp_path / "var" / "data"
    key_file = tmp_path / "etc" / "gov-smart-kiosk" / "cache.key"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\nid = "test-01"\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_CONFIG"] = str(config)
    env["KIOSK_KIOSK__KEY_FILE"] = str(key_file)  # as provisioning sets it
    return Kiosk(config, data_dir, key_file, env)


def _no_personal_data(*texts: str) -> None:
    for text in texts:
        for cid in CITIZENS:
            assert cid not in text
        assert "UCS" not in text
        assert "สมชาย" not in text


def test_first_run_creates_key_file_0600_outside_data_dir_and_an_empty_cache(kiosk: Kiosk) -> None:
    done = kiosk.run("cache", "stats", "--json")

    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["snapshots"] == 0
    assert stats["health"]["state"] == "ok"
    assert stats["database"] == str(kiosk.data_dir / "cache.db")
    assert stat.S_IMODE(kiosk.key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(kiosk.key_file.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(kiosk.data_dir.stat().st_mode) == 0o700
    assert not kiosk.key_file.is_relative_to(kiosk.data_dir)
    assert [p.name for p in kiosk.data_dir.iterdir()] == ["cache.db"]  # closed: no -wal left


def test_stats_counts_per_agency_without_naming_anyone(kiosk: Kiosk) -> None:
    kiosk.populate()

    as_json = kiosk.run("cache", "stats", "--json", "--config", str(kiosk.config))
    as_text = kiosk.run("cache", "stats")

    assert as_json.returncode == 0, as_json.stderr
    stats = json.loads(as_json.stdout)
    assert (stats["snapshots"], stats["citizens"]) == (2 * len(AGENCIES) + 1, 3)
    assert stats["agencies"]["nhso"]["snapshots"] == 3
    assert stats["agencies"]["sso"]["snapshots"] == 2
    assert stats["retention_days"] == 30
    assert as_text.returncode == 0, as_text.stderr
    assert "snapshots: 15 for 3 citizens" in as_text.stdout
    assert "nhso" in as_text.stdout
    _no_personal_data(as_json.stdout, as_json.stderr, as_text.stdout, as_text.stderr)


def test_purge_expired_then_all(kiosk: Kiosk) -> None:
    kiosk.populate()

    expired = kiosk.run("cache", "purge")
    assert expired.returncode == 0, expired.stderr
    assert expired.stdout.startswith("Deleted 1 snapshot: expired (older than 30 days)")

    everything = kiosk.run("cache", "purge", "--all", "--yes")
    assert everything.returncode == 0, everything.stderr
    assert everything.stdout.startswith(f"Deleted {2 * len(AGENCIES)} snapshots: all")
    stats = json.loads(kiosk.run("cache", "stats", "--json").stdout)
    assert stats["snapshots"] == 0
    _no_personal_data(expired.stdout, everything.stdout)


def test_purge_all_also_removes_databases_moved_aside(kiosk: Kiosk) -> None:
    kiosk.populate()
    (kiosk.data_dir / "cache.db").write_bytes(b"damaged beyond repair" * 100)
    stats = json.loads(kiosk.run("cache", "stats", "--json").stdout)
    [moved] = stats["set_aside"]
    assert moved.endswith(".foreign")
    assert stats["health"]["moved_aside"] == [moved]

    done = kiosk.run("cache", "purge", "--all", "--yes")

    assert done.returncode == 0, done.stderr
    assert "Removed 1 file of databases moved aside." in done.stdout
    assert sorted(p.name for p in kiosk.data_dir.iterdir()) == ["cache.db"]


def test_purge_all_without_yes_off_a_terminal_refuses_and_deletes_nothing(kiosk: Kiosk) -> None:
    kiosk.populate()

    done = kiosk.run("cache", "purge", "--all")

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "--yes" in done.stderr
    assert json.loads(kiosk.run("cache", "stats", "--json").stdout)["snapshots"] == 15


def test_malformed_key_file_is_a_plain_error_and_stays_untouched(kiosk: Kiosk) -> None:
    kiosk.key_file.parent.mkdir(parents=True)
    kiosk.key_file.write_text("not a key\n")

    done = kiosk.run("cache", "stats", "--json")

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "malformed" in done.stderr
    assert "Traceback" not in done.stderr
    assert kiosk.key_file.read_text() == "not a key\n"
    assert not kiosk.data_dir.exists()


def test_both_purge_modes_at_once_is_a_usage_error(kiosk: Kiosk) -> None:
    done = kiosk.run("cache", "purge", "--all", "--expired")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "not allowed with" in done.stderr


def test_purge_of_a_cache_that_cannot_be_written_is_a_plain_error_exit_2(kiosk: Kiosk) -> None:
    """A folder where the database should be (a botched copy): the purge says so in one
    sentence and exits 2 — exit 1 belongs to `kiosk doctor`'s failed checks."""
    (kiosk.data_dir / "cache.db").mkdir(parents=True)

    done = kiosk.run("cache", "purge", "--expired")

    assert done.returncode == 2
    assert done.stdout == ""
    sentence = done.stderr.splitlines()[-1]  # after the cache's own warning in the log
    assert sentence.startswith("kiosk: the offline cache could not be written")
    assert str(kiosk.data_dir) in sentence
    assert "Traceback" not in done.stderr
    assert (kiosk.data_dir / "cache.db").is_dir()  # nothing moved or removed
