"""The licence texts a bundle must carry: every distribution the frozen app runs (the project's
run-time requirements, followed through their own, plus the adapters' distributions), Python
itself, and Qt's LGPL for PySide6 and shiboken6, whose wheels ship no licence file.

`gather_licences(dest, roots)` copies each distribution's licence files (those its wheel
records under `*.dist-info/licenses/`, or named LICENSE / COPYING / NOTICE / AUTHORS) to
`dest/<name>/`, and writes `dest/README.txt`: one line per component with its version and
licence, so a deployer can answer "what is in this box and under which terms" without the
internet. Used by `kiosk.spec`; `python -m tools.licences DIR` writes them on their own.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

PROJECT = "gov-smart-kiosk"
# Qt is LGPL-3.0-only (or GPL) and its wheels ship no text; LGPL-3.0 is GPL-3.0 plus extra
# permissions, so both texts go with it. Debian and Ubuntu, the build hosts, have them here.
COMMON_LICENCES = Path("/usr/share/common-licenses")
QT_DISTRIBUTIONS = ("pyside6-essentials", "shiboken6")
QT_TEXTS = ("LGPL-3", "GPL-3")
_LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|authors)", re.IGNORECASE)


class LicenceError(RuntimeError):
    """A component's licence text could not be found."""


def normalise(name: str) -> str:
    """A distribution name as PyPI compares them (`PySide6_Essentials` -> `pyside6-essentials`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(roots: Iterable[str]) -> dict[str, metadata.Distribution]:
    """`roots` and everything they require at run time (no extras), by normalised name."""
    found: dict[str, metadata.Distribution] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if normalise(name) in found:
            continue
        dist = metadata.distribution(name)
        found[normalise(name)] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker: Marker | None = requirement.marker
            if marker is not None and not marker.evaluate({"extra": ""}):
                continue
            pending.append(requirement.name)
    return found


def licence_files(dist: metadata.Distribution) -> list[Path]:
    """The licence files `dist` installed (its dist-info's), sorted."""
    files = []
    for entry in dist.files or []:
        parts = entry.parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        if "licenses" in parts[1:-1] or _LICENCE_NAME.match(parts[-1]):
            files.append(Path(str(dist.locate_file(entry))))
    return sorted(files)


def licence_name(dist: metadata.Distribution) -> str:
    """The licence as the distribution declares it (SPDX expression, else its License field,
    else its classifiers)."""
    meta = dist.metadata
    expression = meta.get_all("License-Expression") or []
    if expression:
        return str(expression[0])
    field = str((meta.get_all("License") or [""])[0]).strip()
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [
        c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if "License ::" in c
    ]
    return "; ".join(classifiers) or "see the files"


def debian_package(path: Path) -> str | None:
    """The Debian package that installed `path` (or the file it links to), if any."""
    for candidate in dict.fromkeys((path, path.resolve())):
        done = subprocess.run(  # noqa: S603 - dpkg's own query, on a path of ours
            ["dpkg-query", "--search", str(candidate)],  # noqa: S607 - dpkg from PATH
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode == 0 and ":" in done.stdout:
            return done.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def from_host(sources: Iterable[str]) -> list[Path]:
    """The files among `sources` (a PyInstaller TOC's source paths) that come from the host's
    system rather than from Python or an installed wheel."""
    ours = [
        Path(sys.prefix),
        Path(sysconfig.get_path("stdlib")),
        Path(sysconfig.get_path("platstdlib")),
    ]
    ours += [Path(p) for p in (sysconfig.get_path("purelib"), sysconfig.get_path("platlib"))]
    found = []
    for source in sources:
        path = Path(source)
        if path.is_absolute() and not any(path.is_relative_to(root) for root in ours):
            found.append(path)
    return sorted(set(found))


def host_library_licences(dest: Path, libraries: Iterable[Path]) -> list[str]:
    """Copy the Debian copyright file of each package that provided one of `libraries` (shared
    libraries the build took from the host, outside any wheel) to `dest/debian/`; return
    the index lines. Libraries no package owns are listed as such."""
    owners: dict[str, list[str]] = {}
    unowned: list[str] = []
    for library in sorted(set(libraries)):
        package = debian_package(library) if shutil.which("dpkg-query") else None
        if package is None:
            unowned.append(library.name)
        else:
            owners.setdefault(package.split(":")[0], []).append(library.name)
    lines = []
    for package, names in sorted(owners.items()):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.is_file():
            (dest / "debian").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copyright_file, dest / "debian" / f"{package}.copyright")
            where = f"debian/{package}.copyright"
        else:
            where = f"/usr/share/doc/{package}/copyright on a Debian host"
        lines.append(f"Debian package {package} ({', '.join(sorted(names))}): {where}")
    python = [name for name in unowned if name.startswith("libpython")]
    if python:
        lines.append(f"{', '.join(python)}: Python's own library (python/: LICENSE.txt)")
    others = [name for name in unowned if name not in python]
    if others:
        lines.append(f"From the build host, no package: {', '.join(others)}")
    return lines


def gather_licences(
    dest: Path,
    roots: Iterable[str] = (PROJECT,),
    *,
    project_licence: Path | None = None,
    common: Path = COMMON_LICENCES,
    host_libraries: Iterable[Path] = (),
) -> list[str]:
    """Write the licence texts of `roots`' run-time closure, Python's, Qt's and those of the
    host's libraries the bundle carries under `dest`; return the index lines. `LicenceError`
    when Qt's texts are missing (a distribution without any is listed with its declared
    licence)."""
    dest.mkdir(parents=True, exist_ok=True)
    index: list[str] = []
    for key, dist in sorted(runtime_distributions(roots).items()):
        folder = dest / key
        files = licence_files(dist)
        if key == normalise(PROJECT) and not files and project_licence is not None:
            files = [project_licence]  # an editable install records no licence file
        if key in QT_DISTRIBUTIONS:
            files += [common / text for text in QT_TEXTS if (common / text).is_file()]
        if key in QT_DISTRIBUTIONS and not files:
            raise LicenceError(
                f"no licence text found for {dist.metadata['Name']} {dist.version} "
                f"(Qt's LGPL-3 and GPL-3 texts are read from {common})"
            )
        if not files:  # e.g. an in-house adapter: its declared licence is all there is
            index.append(
                f"{dist.metadata['Name']} {dist.version}: {licence_name(dist)} "
                "(no licence file in its distribution)"
            )
            continue
        folder.mkdir(exist_ok=True)
        for path in files:
            shutil.copyfile(path, folder / path.name)
        names = ", ".join(sorted(p.name for p in files))
        index.append(
            f"{dist.metadata['Name']} {dist.version}: {licence_name(dist)} ({key}/: {names})"
        )
    python_licence = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    if python_licence.is_file():
        (dest / "python").mkdir(exist_ok=True)
        shutil.copyfile(python_licence, dest / "python" / "LICENSE.txt")
        version = ".".join(map(str, sys.version_info[:3]))
        index.append(f"Python {version}: PSF-2.0 (python/: LICENSE.txt)")
    index += host_library_licences(dest, host_libraries)
    header = [
        "Third-party components of this bundle and their licences.",
        "Qt (PySide6) is used under the LGPL-3.0: its libraries are the shared objects in",
        "_internal/PySide6/Qt/lib and may be replaced by a compatible build of the same version.",
        "The Noto fonts (SIL Open Font License 1.1) are in _internal/ui/fonts/OFL.txt.",
        "",
    ]
    (dest / "README.txt").write_text("\n".join(header + index) + "\n", encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.licences DIR`: write the licence folder into DIR."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.licences",
        description="Write the licence texts of every run-time component into DIR.",
    )
    parser.add_argument("out", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    for line in gather_licences(args.out, project_licence=root / "LICENSE"):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
