"""The kiosk's sealed credential store (NHSO's rotated refresh token) on a real folder: a value
is kept sealed, opens again, and a folder that cannot be written loses the value quietly
(False and a log line) instead of failing the agency's answer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.agencies.credentials import SealedCredentials
from offline_cache import load_or_create_secret

pytestmark = pytest.mark.unit


def store(tmp_path: Path, data_dir: Path) -> SealedCredentials:
    return SealedCredentials(data_dir, load_or_create_secret(tmp_path / "key"))


def test_a_value_is_sealed_and_opens_again(tmp_path: Path) -> None:
    credentials = store(tmp_path, tmp_path / "data")
    assert credentials.save("nhso", "secret-refresh-token")
    assert credentials.load("nhso") == "secret-refresh-token"
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert files
    assert all(b"secret-refresh-token" not in p.read_bytes() for p in files)


def test_a_data_folder_that_is_a_file_loses_the_value_without_raising(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be\n")
    credentials = store(tmp_path, blocker)
    with caplog.at_level(logging.WARNING):
        assert credentials.save("nhso", "secret-refresh-token") is False
    assert "credential nhso not kept" in caplog.text
    assert "secret-refresh-token" not in caplog.text
    assert credentials.load("nhso") is None
