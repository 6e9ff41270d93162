"""A third-party adapter package, installed with pip, is listed and queried through config alone.

The package (tests/thirdparty_adapter) is built from a copy of its folder (so no build files land
in the repository) and installed into a temporary target folder that only the child processes
see: the project's venv is never changed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adapters import registry
from adapters.simulator import AgencySimulator
from tests.fixtures.agency_sim import write_sim_config

LIVENESS = 120.0  # pip builds a wheel: seconds, bounded generously
PACKAGE = Path(__file__).parents[1] / "thirdparty_adapter"
DEMO = "1120100345899"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plug-in installed into its own folder."""
    work = tmp_path_factory.mktemp("thirdparty")
    source = work / "src"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    site = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=LIVENESS,
    )
    return site


def run_with_plugin(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=LIVENESS,
        env=env,
        check=False,
    )


def test_the_installed_plugin_is_listed_beside_the_built_ins(plugin_site: Path) -> None:
    run = run_with_plugin(
        plugin_site,
        "-c",
        "import json; from adapters import registry; print(json.dumps(registry.available()))",
    )
    assert run.returncode == 0, run.stderr
    listed = json.loads(run.stdout)
    assert "thirdparty" in listed
    assert {"nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"} <= set(listed)


def test_the_plugin_is_queried_when_config_enables_it(
    plugin_site: Path, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = write_sim_config(
        tmp_path / "kiosk.toml",
        agency_sim,
        enabled=["nhso", "thirdparty"],
        thirdparty={"base_url": agency_sim.url, "api_key": "plugin-key"},
    )
    run = run_with_plugin(
        plugin_site, "-m", "kiosk", "check", DEMO, "--json", "--config", str(config)
    )
    assert run.returncode == 0, run.stderr
    agencies = json.loads(run.stdout)["agencies"]
    assert [a["agency"] for a in agencies] == ["nhso", "thirdparty"]
    plugin = agencies[1]
    assert (plugin["status"], plugin["source"], plugin["name_en"]) == (
        "ok",
        "live",
        "Example agency (plug-in)",
    )
    assert [e["code"] for e in plugin["entitlements"]] == ["PLUGIN_DEMO"]


def test_the_plugins_missing_key_is_a_config_error_naming_it(
    plugin_site: Path, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = write_sim_config(
        tmp_path / "kiosk.toml",
        agency_sim,
        enabled=["thirdparty"],
        thirdparty={"base_url": agency_sim.url},
    )
    run = run_with_plugin(
        plugin_site, "-m", "kiosk", "check", DEMO, "--json", "--config", str(config)
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert "agencies.thirdparty.api_key: is required" in run.stderr


def test_the_projects_own_environment_was_not_changed(plugin_site: Path) -> None:
    assert plugin_site.is_dir()
    assert "thirdparty" not in registry.available()
    assert not list(PACKAGE.glob("*.egg-info"))
    assert not (PACKAGE / "build").exists()
