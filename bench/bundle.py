"""Bundle benchmark (`python -m bench.bundle`): the PyInstaller bundle from kiosk.spec.

Measured in one run, each figure beside its baseline:
- build: a clean PyInstaller build on this machine (skipped with `--bundle DIR`);
- size: the bundle's files on disk, and compressed as the archive a deployer ships (the
  deterministic tar.gz of docs/deploy.md; tar.zst at level 19 too when `zstd` is installed).
  Goal: tar.gz < 80 MB;
- cold start to the attract screen, offscreen: `kiosk run --demo --exit-when-ready` prints
  `ready attract N ms` once the attract screen is first shown, ready to serve; this process
  times each fresh process from spawn to that line, frozen and unfrozen alternately (the first
  run of each is a warm-up, so both read from a warm file cache). Goal: frozen median <= 1.5 s
  and <= 1.2x the unfrozen median;
- the same start on an X screen (Xvfb, Qt's xcb platform), until the attract screen's pixels are
  on it: the reference frame is the unfrozen kiosk's settled screen (when Xvfb is installed);
- `kiosk --version` in fresh processes, frozen vs unfrozen: the start-up floor (no goal).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tools import bundle as bundle_tools
from tools.xscreen import XScreen, XScreenError

UNFROZEN = (sys.executable, "-m", "kiosk")
GOAL_TGZ_MB = 80.0
GOAL_COLD_S = 1.5
GOAL_RATIO = 1.2
LIVENESS_S = 60.0  # one start: about a second here


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.pop("QT_QPA_PLATFORM", None)
    return {**env, **extra}


def _mb(size: int) -> float:
    return size / 1_000_000


# --- size --------------------------------------------------------------------------------------


def _tar(bundle: Path, out: Path, compress: Sequence[str]) -> int:
    """The deterministic archive of docs/deploy.md, compressed by `compress`; its size."""
    subprocess.run(
        [
            "tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0",
            "-I", " ".join(compress), "-C", str(bundle.parent), "-cf", str(out), bundle.name,
        ],
        check=True,
        timeout=600,
    )  # fmt: skip
    return out.stat().st_size


def measure_size(bundle: Path, work: Path) -> dict[str, Any]:
    """On disk and compressed."""
    figures: dict[str, Any] = {
        "files": len(bundle_tools.file_list(bundle)),
        "disk_bytes": bundle_tools.size_on_disk(bundle),
        "tar_gz_bytes": _tar(bundle, work / "kiosk.tar.gz", ["gzip", "-6"]),
    }
    if shutil.which("zstd"):
        # Level 19: what a release would use (about a minute here; level 12 is ~5 s, +12 %).
        figures["tar_zst_bytes"] = _tar(bundle, work / "kiosk.tar.zst", ["zstd", "-19", "-T0"])
    internal = bundle / "_internal"
    parts = {
        "Qt (PySide6)": internal / "PySide6",
        "libpython": internal / "libpython3.11.so.1.0",
        "cryptography": internal / "cryptography",
        "SQLAlchemy": internal / "sqlalchemy",
    }
    figures["largest_parts_bytes"] = {
        name: bundle_tools.size_on_disk(path) if path.is_dir() else path.stat().st_size
        for name, path in parts.items()
        if path.exists()
    }
    return figures


# --- start-up ----------------------------------------------------------------------------------


def _ready_run(command: Sequence[str]) -> tuple[float, float]:
    """One offscreen `run --demo --exit-when-ready`: (ms spawn -> ready line, the app's own ms)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "run", "--demo", "--exit-when-ready"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(QT_QPA_PLATFORM="offscreen"),
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("ready "):
                wall_ms = (time.perf_counter() - started) * 1000
                own_ms = float(line.split()[2])
                if line.split()[1] != "attract":
                    raise RuntimeError(f"the kiosk was ready on another screen: {line.strip()}")
                return wall_ms, own_ms
        raise RuntimeError("the kiosk exited without saying it was ready")
    finally:
        process.stdout.close()
        try:
            process.wait(LIVENESS_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _version_run(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*command, "--version"], capture_output=True, env=_env(), timeout=LIVENESS_S, check=True
    )
    return (time.perf_counter() - started) * 1000


def _alternate(
    runs: int, frozen: Callable[[], Any], unfrozen: Callable[[], Any]
) -> tuple[list[Any], list[Any]]:
    """`runs` samples of each, alternating, after one warm-up of each."""
    frozen(), unfrozen()
    ours: list[Any] = []
    theirs: list[Any] = []
    for _ in range(runs):
        ours.append(frozen())
        theirs.append(unfrozen())
    return ours, theirs


def _x_screen_runs(frozen: Sequence[str], runs: int) -> tuple[list[float], list[float]] | None:
    """Spawn -> the attract screen's pixels on an Xvfb screen, frozen and unfrozen (ms).

    Each app's own settled screen (from a first, untimed run) is what its timed runs wait for;
    the smoke test checks the two are the same picture."""
    try:
        screen = XScreen(1080, 1920)
        screen.start()
    except XScreenError as exc:
        print(f"  (no X screen measure: {exc})")
        return None

    def show(command: Sequence[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*command, "run", "--demo"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(DISPLAY=screen.display),
        )

    def end(process: subprocess.Popen[bytes], shown: bytes | None) -> None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(LIVENESS_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if shown is not None and screen.wait_for(lambda f: f != shown, LIVENESS_S) is None:
            raise RuntimeError("the kiosk's window stayed on the X screen after it ended")

    def settled(command: Sequence[str]) -> bytes:
        process = show(command)
        frame = screen.wait_still(LIVENESS_S)
        end(process, frame)
        if frame is None:
            raise RuntimeError(f"{command[0]} never settled on the X screen")
        return frame

    def timed(command: Sequence[str], expected: bytes) -> Callable[[], float]:
        def once() -> float:
            started = time.perf_counter()
            process = show(command)
            shown = screen.wait_for(lambda f: f == expected, LIVENESS_S)
            elapsed = (time.perf_counter() - started) * 1000
            end(process, shown)
            if shown is None:
                raise RuntimeError(f"{command[0]} did not show its attract screen again")
            return elapsed

        return once

    try:
        frozen_frame, unfrozen_frame = settled(frozen), settled(UNFROZEN)
        if frozen_frame != unfrozen_frame:
            print(
                "  (note: the frozen and unfrozen screens differ: a bundle older than the sources?)"
            )
        return _alternate(runs, timed(frozen, frozen_frame), timed(UNFROZEN, unfrozen_frame))
    finally:
        screen.close()


# --- report ------------------------------------------------------------------------------------


def _summary(samples: Sequence[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def _row(label: str, frozen: Sequence[float], unfrozen: Sequence[float]) -> dict[str, Any]:
    ours, theirs = _summary(frozen), _summary(unfrozen)
    ratio = ours["median"] / theirs["median"]
    print(
        f"  {label:34} {ours['median']:8.0f} {theirs['median']:9.0f} {ratio:7.2f}x"
        f"   (frozen {ours['min']:.0f}-{ours['max']:.0f}, unfrozen "
        f"{theirs['min']:.0f}-{theirs['max']:.0f} ms, {ours['runs']} runs each)"
    )
    return {"frozen_ms": ours, "unfrozen_ms": theirs, "ratio": ratio}


def run(bundle: Path | None, runs: int, work: Path) -> dict[str, Any]:
    """Every measure; prints as it goes and returns the figures."""
    figures: dict[str, Any] = {}
    if bundle is None:
        print("building the bundle (clean PyInstaller build) ...", flush=True)
        built = bundle_tools.build(work / "build", own_cache=True)
        bundle = built.bundle
        figures["build_s"] = built.seconds
        print(f"  build: {built.seconds:.1f} s")
    frozen = (str(bundle / "kiosk"),)

    size = measure_size(bundle, work)
    figures["size"] = size
    print(f"  on disk: {_mb(size['disk_bytes']):.1f} MB in {size['files']} files")
    tgz = _mb(size["tar_gz_bytes"])
    print(f"  tar.gz:  {tgz:.1f} MB (goal < {GOAL_TGZ_MB:.0f} MB)")
    if "tar_zst_bytes" in size:
        print(f"  tar.zst: {_mb(size['tar_zst_bytes']):.1f} MB (zstd -19)")
    for name, part in size["largest_parts_bytes"].items():
        print(f"    {name}: {_mb(part):.1f} MB")

    print(f"\n  {'start-up (ms, median)':34} {'frozen':>8} {'unfrozen':>9} {'ratio':>8}")
    ready_frozen, ready_unfrozen = _alternate(
        runs, lambda: _ready_run(frozen), lambda: _ready_run(UNFROZEN)
    )
    cold = _row(
        "attract screen, offscreen",
        [wall for wall, _ in ready_frozen],
        [wall for wall, _ in ready_unfrozen],
    )
    figures["cold_start"] = cold
    figures["cold_start_app_reported"] = _row(
        "  same, as the app counts it",
        [own for _, own in ready_frozen],
        [own for _, own in ready_unfrozen],
    )
    x_runs = _x_screen_runs(frozen, runs)
    if x_runs is not None:
        figures["x_screen"] = _row("attract pixels on an X screen", *x_runs)
    figures["version"] = _row(
        "kiosk --version",
        *_alternate(runs, lambda: _version_run(frozen), lambda: _version_run(UNFROZEN)),
    )

    goals = {
        "tar_gz_under_80_mb": tgz < GOAL_TGZ_MB,
        "cold_start_within_1_5_s": cold["frozen_ms"]["median"] <= GOAL_COLD_S * 1000,
        "cold_start_within_1_2x_unfrozen": cold["ratio"] <= GOAL_RATIO,
    }
    figures["goals"] = goals
    print("\n  goals: " + ", ".join(f"{k} {'MET' if v else 'MISSED'}" for k, v in goals.items()))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; `--json FILE` also writes the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.bundle", description=__doc__)
    parser.add_argument("--bundle", type=Path, metavar="DIR", help="measure this built bundle")
    parser.add_argument("--runs", type=int, default=10, help="start-ups of each app per measure")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-bundle-") as work:
        figures = run(args.bundle, args.runs, Path(work))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
