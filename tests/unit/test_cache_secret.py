"""The cache key file: created 0600 (folder 0700) on first use, reused after, never replaced
when malformed; and the keys derived from it."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from offline_cache import CacheSecret, KeyFileError, load_or_create_secret
from tests.fixtures.cache import CITIZENS


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_file_is_created_0600_in_a_0700_folder_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "etc" / "kiosk" / "cache.key"
    first = load_or_create_secret(key_file)

    assert _mode(key_file) == 0o600
    assert _mode(key_file.parent) == 0o700
    text = key_file.read_text()
    assert len(text.strip()) == 64
    assert int(text, 16) >= 0
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left
    second = load_or_create_secret(key_file)
    assert second.citizen_key(CITIZENS[0]) == first.citizen_key(CITIZENS[0])
    assert second.key_check() == first.key_check()
    assert key_file.read_text() == text


def test_concurrent_first_runs_agree_on_one_secret(tmp_path: Path) -> None:
    key_file = tmp_path / "cache.key"
    results: list[bytes] = []
    barrier = threading.Barrier(6)

    def load() -> None:
        barrier.wait()
        results.append(load_or_create_secret(key_file).key_check())

    threads = [threading.Thread(target=load) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 6
    assert len(set(results)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["cache.key"]


@pytest.mark.parametrize(
    "content",
    [b"", b"not hex at all\n", b"abcd\n", b"0" * 63 + b"\n", bytes(range(256))],
    ids=["empty", "text", "short", "odd-length", "binary"],
)
def test_malformed_key_file_is_an_error_and_is_left_untouched(
    tmp_path: Path, content: bytes
) -> None:
    key_file = tmp_path / "cache.key"
    key_file.write_bytes(content)

    with pytest.raises(KeyFileError) as err:
        load_or_create_secret(key_file)

    message = str(err.value)
    assert str(key_file) in message
    assert "malformed" in message
    assert "left untouched" in message
    assert key_file.read_bytes() == content


def test_unreadable_key_file_location_is_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KeyFileError, match="cannot be"):
        load_or_create_secret(blocker / "cache.key")


def test_derived_keys_are_separate_and_secret_free_in_repr() -> None:
    raw = bytes(range(32))
    secret = CacheSecret(raw)
    ref = secret.citizen_ref(CITIZENS[0])
    assert len(ref) == 64
    assert ref != CacheSecret(bytes(32)).citizen_ref(CITIZENS[0])
    assert secret.citizen_key(CITIZENS[0]) != secret.citizen_key(CITIZENS[1])
    assert secret.sealing_key not in (raw, secret.citizen_key(CITIZENS[0]))
    assert raw.hex() not in repr(secret)
    with pytest.raises(ValueError, match="32 bytes"):
        CacheSecret(b"short")
