"""pcscd stopping and coming back (tests marked `pcscd_owner`: only on a pcscd this run started)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from cardreader.pcscd_process import VPCD_READERS, PcscdService
from cardreader.reader_thread import ReaderThread
from tests.fixtures.pcsc import CLI_TIMEOUT_S, CardFactory, EventLog, reader_of, run_kiosk

Cli = Callable[..., subprocess.CompletedProcess[str]]
Threads = Callable[..., ReaderThread]
pytestmark = pytest.mark.pcscd_owner


def test_pcscd_down_exits_3_with_nothing_on_stdout(pcscd_owned: PcscdService) -> None:
    pcscd_owned.stop()
    runs = [run_kiosk("card", "read", "--json"), run_kiosk("readers")]
    for process in runs:
        out, err = process.communicate(timeout=CLI_TIMEOUT_S)
        done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        assert done.returncode == 3, done.stderr
        assert done.stdout == ""
        assert done.stderr.strip() == "kiosk: the PC/SC service (pcscd) is not running"


def test_readers_vanish_and_return_across_a_pcscd_restart(
    pcscd_owned: PcscdService, reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    log = EventLog()
    reader_threads(log)
    assert log.next("readers") == list(VPCD_READERS)
    card = virtual_cards("standard")
    reader = log.next("inserted")[0]

    pcscd_owned.stop()
    assert log.next("removed") == reader
    assert log.next("readers") == []
    assert log.next("service") == "pcscd_down"
    assert not card.inserted  # vpcd went away with pcscd: the card is out

    pcscd_owned.start()
    assert log.next("readers") == list(VPCD_READERS)
    assert log.next("service") == "ok"
    card = virtual_cards("bangkok", slot=VPCD_READERS.index(reader))
    assert log.next("inserted")[0] == reader_of(card)


def test_a_read_requested_while_pcscd_is_down_fails_cleanly(
    pcscd_owned: PcscdService, reader_threads: Threads
) -> None:
    pcscd_owned.stop()
    log = EventLog()
    thread = reader_threads(log)
    assert log.next("service") == "pcscd_down"
    job = thread.start_read(None, log)
    assert job.wait(5.0)
    assert job.error is not None
    assert job.error.kind == "pcscd_down"
    pcscd_owned.start()
    assert log.next("service") == "ok"
