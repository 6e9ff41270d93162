"""The definitions folder's watch on a real folder: a file added, edited or removed is one
change; nothing else is; a folder that comes and goes is a change each time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.records.watch import DefinitionsWatch

pytestmark = pytest.mark.unit


def test_each_change_is_seen_once(tmp_path: Path) -> None:
    folder = tmp_path / "services"
    watch = DefinitionsWatch(folder)  # not there yet
    assert not watch.changed()
    folder.mkdir()
    assert watch.changed()  # the folder appeared (empty)
    assert not watch.changed()
    (folder / "notes.txt").write_text("not a definition")
    assert not watch.changed()
    service = folder / "a.toml"
    service.write_text("id = 'a'")
    assert watch.changed()
    assert not watch.changed()
    service.write_text("id = 'ab'")  # edited: another size
    assert watch.changed()
    stat = service.stat()
    os.utime(service, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # touched only
    assert watch.changed()
    service.unlink()
    assert watch.changed()
    (folder / "notes.txt").unlink()
    folder.rmdir()
    assert watch.changed()
