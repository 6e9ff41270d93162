"""The PyInstaller bundle from `kiosk.spec`: building it, and looking at what is in it.

Shared by the bundle smoke test (tests/e2e/test_bundle.py), the benchmark (bench/bundle.py) and
the reproducibility check (`python -m tools.bundle repro`, which builds twice and compares).

    python -m tools.bundle build DIR      build into DIR/kiosk (work files in DIR/work)
    python -m tools.bundle repro          build twice; same file list? same bytes?
    python -m tools.bundle host-libs DIR  the shared libraries a bundle takes from the host
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "kiosk.spec"
APP = "kiosk"
# Liveness bound for one build (about 30 s on a 2-core machine): "it ends", not a speed goal.
BUILD_TIMEOUT_S = 600.0
ELF_MAGIC = b"\x7fELF"
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


class BuildError(RuntimeError):
    """PyInstaller failed; the message ends with the tail of its log."""


@dataclass(frozen=True)
class Build:
    """A finished build: the bundle folder, its log and how long PyInstaller took."""

    bundle: Path
    log: Path
    seconds: float

    @property
    def executable(self) -> Path:
        """The bundle's `kiosk` executable."""
        return self.bundle / APP


def build_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a build runs in: a fixed hash seed, so PyInstaller's set-ordered
    archives (base_library.zip, the PYZ) come out byte for byte the same each time."""
    env = dict(os.environ if base is None else base)
    env["PYTHONHASHSEED"] = "0"
    return env


def build(
    out: Path,
    *,
    python: str = sys.executable,
    extra_sites: Sequence[Path] = (),
    own_cache: bool = False,
) -> Build:
    """Build the bundle into `out/kiosk` (PyInstaller's work files in `out/work`).

    `extra_sites`: folders of packages installed for this build only (on PYTHONPATH), as a
    deployer's adapter package would be installed into the build venv. `own_cache`: keep
    PyInstaller's cache in `out/cache` instead of the user's, so `out` is all a build leaves."""
    out.mkdir(parents=True, exist_ok=True)
    env = build_environment()
    if extra_sites:
        env["PYTHONPATH"] = os.pathsep.join(
            [*(str(p) for p in extra_sites), *filter(None, [env.get("PYTHONPATH")])]
        )
    if own_cache:
        env["PYINSTALLER_CONFIG_DIR"] = str(out / "cache")
    log = out / "pyinstaller.log"
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as sink:
        done = subprocess.run(  # noqa: S603 - our own build command, no outside input
            # The `pyinstaller` console script, as `make dist` runs it (unlike `python -m
            # PyInstaller` it puts nothing on sys.path), started outside the project folder.
            [
                str(Path(python).parent / "pyinstaller"),
                "--noconfirm",
                "--clean",
                "--distpath",
                str(out),
                "--workpath",
                str(out / "work"),
                str(SPEC),
            ],
            cwd=out,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise BuildError(f"PyInstaller exited with {done.returncode}:\n{tail}")
    return Build(out / APP, log, seconds)


def file_list(bundle: Path) -> list[str]:
    """Every file and symlink in the bundle, as sorted POSIX paths relative to it."""
    return sorted(
        p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file() or p.is_symlink()
    )


def digests(bundle: Path) -> dict[str, str]:
    """SHA-256 of each regular file in the bundle, by relative path."""
    return {
        name: hashlib.sha256((bundle / name).read_bytes()).hexdigest()
        for name in file_list(bundle)
        if not (bundle / name).is_symlink()
    }


def size_on_disk(bundle: Path) -> int:
    """Bytes the bundle's files hold (apparent sizes; symlinks not followed)."""
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def elf_files(bundle: Path) -> list[Path]:
    """The executable and every shared library or extension module in the bundle."""
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as stream:
                if stream.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


@dataclass(frozen=True)
class Linkage:
    """How the bundle's ELF files resolve their libraries on this host."""

    missing: dict[str, list[str]]  # library -> bundle files that need it and cannot find it
    from_host: dict[str, str]  # library -> where the host provides it


def linkage(bundle: Path) -> Linkage:
    """Run `ldd` on every ELF file with the library path the bootloader gives the app."""
    internal = bundle / "_internal"
    env = {
        **os.environ,
        "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}",
    }
    missing: dict[str, list[str]] = {}
    from_host: dict[str, str] = {}
    for path in elf_files(bundle):
        done = subprocess.run(  # noqa: S603 - ldd on the bundle's own files
            ["ldd", str(path)],  # noqa: S607 - ldd is libc's, found on PATH like any tool
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        for line in done.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if not match:
                continue
            name, target = match.groups()
            if target == "not found":
                users = missing.setdefault(name, [])
                user = path.relative_to(bundle).as_posix()
                if user not in users:
                    users.append(user)
            elif not Path(target).resolve().is_relative_to(bundle.resolve()):
                from_host[name] = target
    return Linkage(missing, dict(sorted(from_host.items())))


def archive_differences(one: Path, two: Path) -> list[str]:
    """The members (and, inside the PYZ, the modules) that differ between two executables'
    PyInstaller archives: what changed between two builds, e.g. a source edited meanwhile."""
    from PyInstaller.archive.readers import (  # type: ignore[import-untyped]
        CArchiveReader,
        ZlibArchiveReader,
    )

    first, second = CArchiveReader(str(one)), CArchiveReader(str(two))
    names = sorted(set(first.toc) | set(second.toc))
    differ = [n for n in names if n not in first.toc or n not in second.toc]
    differ += [
        n
        for n in names
        if n in first.toc and n in second.toc and first.extract(n) != second.extract(n)
    ]
    for name in [n for n in differ if n.endswith(".pyz")]:
        with tempfile.TemporaryDirectory() as work:
            paths = [Path(work) / "one.pyz", Path(work) / "two.pyz"]
            for path, archive in zip(paths, (first, second), strict=True):
                path.write_bytes(archive.extract(name) or b"")
            pyz = [ZlibArchiveReader(str(path)) for path in paths]
            both = set(pyz[0].toc) & set(pyz[1].toc)
            differ += [f"{name}:{m}" for m in set(pyz[0].toc) ^ set(pyz[1].toc)]
            differ += [f"{name}:{m}" for m in both if pyz[0].extract(m) != pyz[1].extract(m)]
    return sorted(set(differ))


def _repro(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="kiosk-repro-") as work:
        first = build(Path(work) / "one")
        second = build(Path(work) / "two")
        print(f"builds: {first.seconds:.1f} s and {second.seconds:.1f} s")
        files_one, files_two = file_list(first.bundle), file_list(second.bundle)
        if files_one != files_two:
            print("file lists DIFFER:")
            for name in sorted(set(files_one) ^ set(files_two)):
                print(f"  {name}")
            return 1
        print(f"file lists equal: {len(files_one)} files")
        sums_one, sums_two = digests(first.bundle), digests(second.bundle)
        differ = sorted(name for name in sums_one if sums_one[name] != sums_two.get(name))
        if differ:
            print(f"{len(differ)} files differ in content: {', '.join(differ)}")
            if APP in differ:
                inside = archive_differences(first.executable, second.executable)
                print(f"  inside the executable's archive: {', '.join(inside) or 'nothing'}")
            return 1 if args.strict else 0
        print("every file is byte-identical")
    return 0


def _build(args: argparse.Namespace) -> int:
    done = build(args.out)
    print(f"built {done.bundle} in {done.seconds:.1f} s (log: {done.log})")
    return 0


def _host_libs(args: argparse.Namespace) -> int:
    found = linkage(args.bundle)
    for name, where in found.from_host.items():
        print(f"{name}\t{where}")
    for name, users in sorted(found.missing.items()):
        print(f"MISSING {name} (needed by {', '.join(users)})")
    return 1 if found.missing else 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command line above."""
    parser = argparse.ArgumentParser(prog="python -m tools.bundle", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("build", help="build the bundle into DIR/kiosk")
    one.add_argument("out", type=Path, metavar="DIR")
    one.set_defaults(func=_build)
    repro = sub.add_parser("repro", help="build twice and compare")
    repro.add_argument("--strict", action="store_true", help="fail on any byte difference too")
    repro.set_defaults(func=_repro)
    libs = sub.add_parser("host-libs", help="libraries a bundle takes from the host")
    libs.add_argument("bundle", type=Path, metavar="DIR")
    libs.set_defaults(func=_host_libs)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
