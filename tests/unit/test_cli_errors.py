"""The command line's last line of defence: an unexpected error ends with exit 70 and one plain
sentence on stderr — no traceback, nothing of the exception's text (which may quote a CID).
Run as a process of its own, as a technician runs `kiosk`: logging set up as the CLI sets it."""

from __future__ import annotations

import subprocess
import sys

CID = "1101700203450"
BROKEN = f"""
import sys
from kiosk.cli import cache_cmds
from kiosk.cli.main import main

def broken(args):
    raise RuntimeError("bad answer for {CID}")

cache_cmds.cmd_stats = broken
sys.exit(main(["cache", "stats"]))
"""


def test_an_unexpected_error_is_one_sentence_on_stderr_and_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BROKEN], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 70
    assert done.stdout == ""
    assert done.stderr == "kiosk: internal error (RuntimeError); see the log\n"
