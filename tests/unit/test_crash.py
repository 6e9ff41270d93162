"""The crash handler: a thread that raises is logged (frames and type, no message) and the app's
callback runs; the main thread's hook likewise; faulthandler dumps a real hard crash (a child
process that segfaults) into data_dir/logs/crash.log; uninstalling puts every hook back."""

from __future__ import annotations

import faulthandler
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.crash import CRASH_FILE, Crash, CrashHandler, safe_traceback
from kiosk.logs import configure_logging

CID = "1101700203450"
NAME = "Somchai Jaidee"


class Crashes:
    """The app's side: collects what `on_crash` is told, and on which thread."""

    def __init__(self) -> None:
        self.seen: list[tuple[Crash, str]] = []
        self.event = threading.Event()

    def __call__(self, crash: Crash) -> None:
        self.seen.append((crash, threading.current_thread().name))
        self.event.set()


@pytest.fixture
def log_file(tmp_path: Path, restore_root_logger: None) -> Path:
    path = configure_logging(tmp_path / "data", console_level="CRITICAL")
    assert path is not None
    return path


@pytest.fixture
def crashes() -> Crashes:
    return Crashes()


@pytest.fixture
def handler(tmp_path: Path, crashes: Crashes) -> Iterator[CrashHandler]:
    before = (sys.excepthook, threading.excepthook, sys.unraisablehook)
    with CrashHandler(tmp_path / "data" / "logs", crashes) as installed:
        yield installed
    assert (sys.excepthook, threading.excepthook, sys.unraisablehook) == before


def log_records(path: Path) -> list[dict[str, str]]:
    for h in logging.getLogger().handlers:
        h.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_citizen(record: dict[str, str]) -> str:
    return record[CID]  # raises KeyError quoting the CID: what must not reach the log


def test_a_thread_that_raises_is_logged_without_its_message_and_the_app_is_told(
    handler: CrashHandler, crashes: Crashes, log_file: Path
) -> None:
    def work() -> None:
        holder = NAME  # a local with personal data: never dumped
        del holder
        read_citizen({})

    thread = threading.Thread(target=work, name="agency-worker")
    thread.start()
    thread.join(5)
    assert crashes.event.wait(5)
    assert [(c.thread, c.exc_type, c.main_thread) for c, _ in crashes.seen] == [
        ("agency-worker", "KeyError", False)
    ]
    assert crashes.seen[0][1] == "agency-worker"  # called on the thread that failed
    records = log_records(log_file)
    crash = next(r for r in records if r["logger"] == "kiosk.crash")
    assert crash["level"] == "CRITICAL"
    assert "unexpected KeyError in thread agency-worker" in crash["msg"]
    assert "in read_citizen" in crash["msg"]
    assert "return record[CID]" in crash["msg"]  # our source line, not its value
    text = log_file.read_text(encoding="utf-8")
    assert CID not in text
    assert NAME not in text


def test_the_main_hook_reports_the_main_thread(handler: CrashHandler, crashes: Crashes) -> None:
    try:
        raise ValueError(f"cannot parse {NAME}")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)  # what the interpreter (or Qt) calls
    [(crash, _)] = crashes.seen
    assert crash == Crash(thread="MainThread", exc_type="ValueError", main_thread=True)


def test_a_failing_callback_is_logged_and_does_not_recurse(tmp_path: Path, log_file: Path) -> None:
    def on_crash(crash: Crash) -> None:
        raise RuntimeError("the UI is gone")

    with CrashHandler(tmp_path / "data" / "logs", on_crash):
        thread = threading.Thread(target=lambda: 1 / 0, name="worker")
        thread.start()
        thread.join(5)
    messages = [r["msg"] for r in log_records(log_file)]
    assert any(m.startswith("unexpected ZeroDivisionError") for m in messages)
    assert "the crash callback failed (RuntimeError)" in messages


def test_system_exit_in_a_thread_is_not_a_crash(handler: CrashHandler, crashes: Crashes) -> None:
    thread = threading.Thread(target=sys.exit, name="quitter")
    thread.start()
    thread.join(5)
    assert crashes.seen == []


def test_faulthandler_is_registered_to_the_crash_file(handler: CrashHandler) -> None:
    assert faulthandler.is_enabled()
    assert handler.crash_file is not None
    assert handler.crash_file.name == CRASH_FILE
    assert handler.crash_file.exists()


def test_chained_exceptions_keep_every_type_and_no_message() -> None:
    try:
        try:
            read_citizen({})
        except KeyError as exc:
            raise ValueError(NAME) from exc
    except ValueError as exc:
        text = safe_traceback(exc)
    assert text.index("KeyError") < text.index("direct cause") < text.index("ValueError")
    assert CID not in text
    assert NAME not in text


CHILD = """
import sys
from pathlib import Path
from kiosk.crash import CrashHandler
handler = CrashHandler(Path(sys.argv[1]), lambda crash: None).install()

def read_the_card(cid):
    import ctypes
    ctypes.string_at(0)  # a segfault in C code, as a broken driver would cause

read_the_card(sys.argv[2])
"""


def test_a_hard_crash_is_dumped_to_the_crash_file_with_frames_only(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), CID],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode < 0  # killed by SIGSEGV
    dump = (folder / CRASH_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in dump
    assert "read_the_card" in dump
    assert CID not in dump
    assert done.stderr == ""  # nothing at the terminal: it went to the file


def test_an_error_that_cannot_be_raised_is_logged_by_type_and_ends_no_session(
    handler: CrashHandler, crashes: Crashes, log_file: Path
) -> None:
    class Holder:
        def __del__(self) -> None:
            raise ValueError(f"closing the record of {NAME}")

    holder = Holder()
    del holder  # CPython finalizes it here; the error goes to sys.unraisablehook
    records = [r for r in log_records(log_file) if r["logger"] == "kiosk.crash"]
    assert [r["msg"] for r in records] == [
        "an error could not be raised (ValueError); the kiosk carries on"
    ]
    assert crashes.seen == []
    assert NAME not in log_file.read_text(encoding="utf-8")
