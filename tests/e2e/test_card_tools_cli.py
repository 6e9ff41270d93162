"""`kiosk card watch` and `kiosk virtual-card` as processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cardreader.pcscd_process import VPCD_READERS, wait_for_card
from cardreader.profile import shipped_profile
from cardreader.virtual_card import VPCD_PORTS
from tests.fixtures.pcsc import CLI_TIMEOUT_S, EVENT_TIMEOUT_S, CardFactory, VpcdSlots, reader_of
from tests.fixtures.process import LineProcess

Cli = Callable[..., subprocess.CompletedProcess[str]]


class Process(LineProcess):
    """A running `kiosk` process whose stdout lines arrive on a queue (read by a thread)."""

    def __init__(self, *args: str) -> None:
        super().__init__([sys.executable, "-m", "kiosk", *args], name="kiosk")

    def finish(self, timeout: float = CLI_TIMEOUT_S) -> tuple[int, str]:
        """Wait for the exit; return the code and stderr. Kills it after `timeout`."""
        return super().finish(timeout)


@contextmanager
def kiosk(*args: str) -> Iterator[Process]:
    process = Process(*args)
    try:
        yield process
    finally:
        if process.popen.poll() is None:
            process.popen.kill()
        process.finish()


def test_watch_prints_one_line_per_event_and_nothing_personal(
    virtual_cards: CardFactory, empty_readers: None
) -> None:
    with kiosk("card", "watch") as watch:
        assert watch.expect("readers:") == f"readers: {', '.join(VPCD_READERS)}"
        assert watch.expect("service:") == "service: ok"
        card = virtual_cards("demo")
        line = watch.expect("inserted:")
        assert (
            line == f"inserted: {reader_of(card)} (ATR 3B 79 18 00 00 54 48 20 4E 49 44 20 31 30)"
        )
        card.remove()
        assert watch.expect("removed:") == f"removed: {reader_of(card)}"
        watch.popen.send_signal(signal.SIGTERM)
        code, stderr = watch.finish()
    assert code == 0, stderr
    assert stderr == ""


def test_virtual_card_command_inserts_removes_and_quits(
    vpcd_slots: VpcdSlots, card_cli: Cli
) -> None:
    slot = vpcd_slots.take()
    reader = VPCD_READERS[slot]
    with kiosk(
        "virtual-card", "--profile", "bangkok", "--vpcd", f"127.0.0.1:{VPCD_PORTS[slot]}"
    ) as vc:
        vc.expect("inserted")
        vc.expect("ready:")
        assert wait_for_card(reader, present=True, timeout=EVENT_TIMEOUT_S)
        done = card_cli("card", "read", "--json", "--no-photo", "--reader", reader)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["cid"] == shipped_profile("bangkok").cid
        vc.send("remove")
        vc.expect("removed")
        assert wait_for_card(reader, present=False, timeout=EVENT_TIMEOUT_S)
        vc.send("quit")
        code, stderr = vc.finish()
    assert code == 0, stderr


def test_virtual_card_with_a_bad_profile_is_a_usage_error(card_cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"atr": "zz"}', encoding="utf-8")
    done = card_cli("virtual-card", "--profile", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "'atr'" in done.stderr


def test_virtual_card_without_vpcd_listening_exits_3(card_cli: Cli) -> None:
    done = card_cli("virtual-card", "--profile", "demo", "--vpcd", "127.0.0.1:9")
    assert done.returncode == 3
    assert done.stdout == ""
    assert "cannot reach vpcd" in done.stderr
