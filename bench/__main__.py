"""Run every benchmark module named in `BENCHMARKS`, in order, each in its own process."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS: tuple[str, ...] = (
    "offline",
    "agency_check",
    "card_read",
    "ui_session",
    "records",
    "doctor",
    "bundle",
)


def main() -> int:
    """Run each benchmark; return non-zero if any failed to run."""
    failed = 0
    for name in BENCHMARKS:
        print(f"\n=== bench.{name} ===", flush=True)
        failed |= subprocess.call([sys.executable, "-m", f"bench.{name}"]) != 0
    return int(failed)


if __name__ == "__main__":
    raise SystemExit(main())
