"""The bundle's licence folder (tools/licences.py), gathered from this build environment: every
distribution the app runs has its text, Qt's LGPL is there though its wheels ship none, and the
host libraries' Debian copyright files come along."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import __version__
from tools.licences import (
    LicenceError,
    from_host,
    gather_licences,
    host_library_licences,
    runtime_distributions,
)

ROOT = Path(__file__).resolve().parents[2]
PCSCLITE = Path("/usr/lib/x86_64-linux-gnu/libpcsclite.so.1")  # tools/system-deps.sh installs it


def test_the_run_time_closure_has_the_app_s_libraries_and_no_test_tools() -> None:
    found = runtime_distributions(["gov-smart-kiosk"])
    for name in ("pyside6-essentials", "shiboken6", "pyscard", "cryptography", "sqlalchemy"):
        assert name in found
    for name in ("pytest", "mypy", "ruff", "pyinstaller"):
        assert name not in found


def test_every_distribution_gets_its_texts_and_a_line_in_the_index(tmp_path: Path) -> None:
    index = gather_licences(tmp_path, project_licence=ROOT / "LICENSE")
    for name in runtime_distributions(["gov-smart-kiosk"]):
        assert any((tmp_path / name).iterdir()), name
    qt = (tmp_path / "pyside6-essentials" / "LGPL-3").read_text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in qt
    assert "Version 3" in qt
    assert "Apache License" in (tmp_path / "gov-smart-kiosk" / "LICENSE").read_text()
    assert (tmp_path / "python" / "LICENSE.txt").is_file()
    readme = (tmp_path / "README.txt").read_text()
    assert all(line in readme for line in index)
    assert "LGPL-3.0" in readme


def test_a_distribution_without_licence_files_is_listed_with_its_declared_licence(
    tmp_path: Path,
) -> None:
    """The project's own editable install records no licence file (like an in-house adapter)."""
    index = gather_licences(tmp_path)
    line = f"gov-smart-kiosk {__version__}: Apache-2.0 (no licence file in its distribution)"
    assert line in index
    assert not (tmp_path / "gov-smart-kiosk").exists()


def test_qt_without_its_texts_is_an_error_naming_where_they_were_looked_for(
    tmp_path: Path,
) -> None:
    nowhere = tmp_path / "nowhere"
    with pytest.raises(LicenceError, match=f"PySide6_Essentials .*{nowhere}"):
        gather_licences(tmp_path / "out", project_licence=ROOT / "LICENSE", common=nowhere)


def test_host_libraries_bring_their_debian_copyright(tmp_path: Path) -> None:
    libraries = [PCSCLITE, tmp_path / "libmine.so.1", tmp_path / "libpython3.11.so.1.0"]
    lines = host_library_licences(tmp_path, libraries)
    assert (tmp_path / "debian" / "libpcsclite1.copyright").is_file()
    assert any(line.startswith("Debian package libpcsclite1 (libpcsclite.so.1)") for line in lines)
    assert lines[-2] == "libpython3.11.so.1.0: Python's own library (python/: LICENSE.txt)"
    assert lines[-1] == "From the build host, no package: libmine.so.1"


def test_only_files_from_outside_python_count_as_the_host_s(tmp_path: Path) -> None:
    import sysconfig

    stdlib = Path(sysconfig.get_path("stdlib")) / "lib-dynload" / "_ssl.so"
    wheel = Path(sysconfig.get_path("platlib")) / "PySide6" / "Qt" / "lib" / "libQt6Core.so.6"
    assert from_host([str(stdlib), str(wheel), str(PCSCLITE), "relative.so"]) == [PCSCLITE]
