"""`kiosk doctor` benchmark (`python -m bench.doctor`).

The real `kiosk doctor --json` process on a provisioned kiosk (the in-process simulator over
HTTP, pcscd with vpcd, a PIN, a key file, a cache), timed over `--runs` runs (default 5), and
compared in the same run against
  (a) the floor: `kiosk --version` as a process (interpreter and CLI start-up, nothing checked);
  (b) the same doctor with the GDX gateway hanging and `agencies.timeout_s` = 3 s: it should
      cost the deadline once (the probes run in parallel), not once per agency;
  (c) in-process `run_doctor()` with and without the Qt checks (fonts, printer).
Goal: healthy doctor <= floor + 1.5 s; hanging <= healthy + deadline + 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from adapters.simulator import AgencySimulator, parse_fault
from cardreader.pcscd_process import PcscdService
from kiosk.doctor.run import run_doctor
from kiosk.pin import write_pin

TIMEOUT_S = 3.0
_ENV = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}


def _toml(sim: AgencySimulator, root: Path) -> str:
    tables = sim.agency_tables()
    return "\n".join(
        [
            "[kiosk]",
            'id = "bench-doctor"',
            f'data_dir = "{root / "data"}"',
            f'key_file = "{root / "etc" / "cache.key"}"',
            "[maintenance]",
            f'pin_file = "{root / "etc" / "pin"}"',
            "[agencies]",
            f"timeout_s = {TIMEOUT_S}",
            "[agencies.nhso]",
            *(f'{k} = "{v}"' for k, v in tables["nhso"].items()),
            "[agencies.gdx]",
            *(f'{k} = "{v}"' for k, v in tables["gdx"].items()),
            "",
        ]
    )


def _provision(sim: AgencySimulator, root: Path) -> Path:
    (root / "data").mkdir()
    (root / "etc").mkdir()
    key = root / "etc" / "cache.key"
    key.write_text(os.urandom(32).hex() + "\n")
    key.chmod(0o600)
    write_pin(root / "etc" / "pin", "482913")
    config = root / "kiosk.toml"
    config.write_text(_toml(sim, root), encoding="utf-8")
    return config


def _time_process(args: Sequence[str], runs: int, expect: set[int]) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            capture_output=True,
            text=True,
            env=_ENV,
            check=False,
            timeout=60,
        )
        samples.append(time.perf_counter() - started)
        if done.returncode not in expect:
            raise SystemExit(f"kiosk {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return samples


def _time_call(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _ms(samples: Sequence[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"median {statistics.median(ms):7.0f} ms  max {ms[-1]:7.0f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.doctor")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    runs: int = args.runs
    with (
        PcscdService.ensure() as _pcscd,
        AgencySimulator() as sim,
        tempfile.TemporaryDirectory(prefix="bench-doctor-") as tmp,
    ):
        config = _provision(sim, Path(tmp))
        floor = _time_process(["--version"], runs, {0})
        healthy = _time_process(["doctor", "--json", "--config", str(config)], runs, {0})
        report = json.loads(
            subprocess.run(
                [sys.executable, "-m", "kiosk", "doctor", "--json", "--config", str(config)],
                capture_output=True,
                text=True,
                env=_ENV,
                check=False,
                timeout=60,
            ).stdout
        )
        in_process_no_qt = _time_call(lambda: run_doctor(config, screen=False), runs)
        in_process = _time_call(lambda: run_doctor(config), runs)
        sim.faults.add(parse_fault("gdx=hang"))
        hanging = _time_process(["doctor", "--json", "--config", str(config)], runs, {1})
        sim.faults.clear()

    med = {
        name: statistics.median(s)
        for name, s in {
            "floor": floor,
            "healthy": healthy,
            "hanging": hanging,
            "in_no_qt": in_process_no_qt,
            "in_qt": in_process,
        }.items()
    }
    print(f"kiosk doctor ({runs} runs each; {report['counts']} on the healthy kiosk)")
    print(f"  floor: kiosk --version          {_ms(floor)}")
    print(f"  doctor, healthy                 {_ms(healthy)}")
    print(f"  doctor, GDX hanging (3 s)       {_ms(hanging)}")
    print(f"  run_doctor() in-process, no Qt  {_ms(in_process_no_qt)}")
    print(f"  run_doctor() in-process, Qt     {_ms(in_process)}")
    own_ms = 1000 * (med["healthy"] - med["floor"])
    qt_ms = 1000 * (med["in_qt"] - med["in_no_qt"])
    print(
        f"  doctor's own time: {own_ms:.0f} ms over the floor "
        f"(x{med['healthy'] / med['floor']:.2f}); Qt checks once warm {qt_ms:.0f} ms"
    )
    extra = med["hanging"] - med["healthy"]
    print(
        f"  hanging agency costs {extra:.2f} s = {extra / TIMEOUT_S:.2f} x the deadline "
        "(probes in parallel: one deadline, not six)"
    )
    ok = med["healthy"] <= med["floor"] + 1.5 and extra <= TIMEOUT_S + 0.5
    print(
        f"  goal (healthy <= floor + 1.5 s; hanging <= healthy + deadline + 0.5 s): "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
