from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from kiosk.logs import configure_logging, redact, tail

CID = "1101700203450"


def test_redact_masks_cid_shapes_only() -> None:
    assert redact(f"pid={CID}&x") == "pid=[cid]&x"
    assert redact("card 1-1017-00203-45-0 read") == "card [cid] read"
    assert redact("took 12345 ms, 14 digits 11017002034501") == (
        "took 12345 ms, 14 digits 11017002034501"
    )


@pytest.mark.usefixtures("restore_root_logger")
def test_json_log_lines_carry_extras_and_no_cid(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, console_level="CRITICAL")
    assert path is not None
    log = logging.getLogger("kiosk.test")
    log.info("asked %s", f"https://agency.example/?CitizenID={CID}", extra={"agency": "sso"})
    try:
        raise ValueError(f"bad answer for {CID}")
    except ValueError:
        log.exception("adapter failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    assert docs[0]["agency"] == "sso"
    assert docs[0]["level"] == "INFO"
    assert "ValueError" in docs[1]["exc"]
    assert CID not in path.read_text(encoding="utf-8")
    assert tail(path, 1) == lines[-1:]


@pytest.mark.usefixtures("restore_root_logger")
def test_unwritable_log_dir_falls_back_to_console(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert configure_logging(blocker, console_level="CRITICAL") is None


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make files another user owns")
@pytest.mark.usefixtures("restore_root_logger")
def test_a_command_run_as_root_leaves_the_log_files_to_the_data_folders_owner(
    tmp_path: Path,
) -> None:
    """`sudo kiosk set-pin` / `kiosk doctor` as root must not lock the kiosk's user out of its
    own log folder (found by running docs/deploy.md's steps as written)."""
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 65534, 65534)  # the kiosk's user owns its data folder
    path = configure_logging(data, console_level="CRITICAL")
    assert path is not None
    logging.getLogger("kiosk.test").warning("a line")
    for handler in logging.getLogger().handlers:
        handler.flush()
    for made in (path.parent, path):
        assert (made.stat().st_uid, made.stat().st_gid) == (65534, 65534), made
