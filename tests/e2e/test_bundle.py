"""The frozen kiosk (the PyInstaller bundle from kiosk.spec) does what the unfrozen one does.

The bundle is the one docs/deploy.md's build block makes, run literally (`make dist`) once per
test session in a mirror of the checkout (tests/fixtures/dist.py; about 40 s on two cores), as a
deployer builds it with one third-party adapter package (`ADAPTERS=./my-agency-adapter make
dist`, the example of tests/thirdparty_adapter: the project's venv is never changed). Each
frozen command runs on the same real parts as its unfrozen reference — pcscd + vpcd + virtual
card, the agency simulator over loopback HTTP, a real SQLite cache, Qt offscreen, an Xvfb
screen — and their outputs are compared: JSON documents equal (times aside), screenshots pixel
for pixel equal, the kiosk window's pixels on the X screen equal.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from adapters import registry
from adapters.simulator import AgencySimulator
from cardreader.pcscd_process import VPCD_READERS, PcscdService, wait_for_card
from cardreader.virtual_card import VPCD_PORTS
from kiosk import __version__
from tests.fixtures.agency_sim import write_sim_config, write_toml
from tests.fixtures.dist import DocumentedBuild
from tests.fixtures.pcsc import EVENT_TIMEOUT_S, CardFactory, VpcdSlots, reader_of
from tests.fixtures.process import LineProcess
from tools import bundle as bundle_tools
from tools.xscreen import XScreen, painted

# The first test also waits for the build (its own bound: BUILD_TIMEOUT_S); each command below
# has its own liveness bound too.
pytestmark = pytest.mark.timeout(bundle_tools.BUILD_TIMEOUT_S + 120)
LIVENESS_S = 60.0  # one kiosk command: about a second here; the bound is for "it ends"
SCREEN_LIVENESS_S = 30.0  # the window is up in under 1 s here
UNFROZEN = (sys.executable, "-m", "kiosk")
DEMO_CID = "1120100345899"
# What the bundle may take from the host (docs/deploy.md lists their Debian packages); anything
# else must be inside the bundle. pcscd's client library is loaded by pyscard at run time
# (dlopen), so ldd does not list it: the card tests below are what prove it is found.
HOST_LIBRARIES = {
    "libc.so.6",
    "libdl.so.2",
    "libm.so.6",
    "libpthread.so.0",
    "libresolv.so.2",
    "librt.so.1",
    "libEGL.so.1",
    "libGL.so.1",
    "libGLX.so.0",
    "libGLdispatch.so.0",
    "libwayland-client.so.0",
    "libwayland-cursor.so.0",
    "libxcb.so.1",
}
# The Qt plugins kiosk.spec ships, and nothing else.
QT_PLUGINS = {
    "imageformats/libqjpeg.so",
    "platforms/libqoffscreen.so",
    "platforms/libqwayland.so",
    "platforms/libqxcb.so",
    "printsupport/libcupsprintersupport.so",
    "wayland-decoration-client/libbradient.so",
    "wayland-shell-integration/libxdg-shell.so",
}


@dataclass(frozen=True)
class Bundle:
    """The bundle under test."""

    path: Path

    @property
    def command(self) -> tuple[str, ...]:
        """The frozen `kiosk` command."""
        return (str(self.path / "kiosk"),)


@pytest.fixture(scope="module")
def bundle(documented_build: DocumentedBuild) -> Bundle:
    """The bundle docs/deploy.md builds (`make dist`, with the example third-party adapter)."""
    return Bundle(documented_build.bundle)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without KIOSK_* overrides (they would reach both apps' config)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return {**env, **extra}


def run(
    command: Sequence[str], *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one kiosk command to its end."""
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=LIVENESS_S,
        check=False,
    )


class Running(LineProcess):
    """A long-running kiosk command (virtual-card, agency-sim) whose stdout lines are queued."""

    def __init__(self, command: Sequence[str], *args: str) -> None:
        super().__init__([*command, *args], env=clean_env(), name="bundle-test")

    def stop(self, timeout: float = LIVENESS_S) -> tuple[int, str]:
        """SIGTERM, wait (kill after the liveness bound), close the pipes; (code, stderr)."""
        return super().stop(timeout)


def sha256(path: Path) -> str:
    """The file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the build ---------------------------------------------------------------------------------


def test_version_equals_unfrozen_and_the_build_record_names_its_inputs(bundle: Bundle) -> None:
    frozen = run(bundle.command, "--version")
    unfrozen = run(UNFROZEN, "--version")
    assert frozen.returncode == 0, frozen.stderr
    assert frozen.stdout == unfrozen.stdout == f"kiosk {__version__}\n"
    info = json.loads((bundle.path / "VERSION").read_text(encoding="utf-8"))
    assert info["version"] == __version__
    assert info["adapters"] == sorted([*registry.available(), "thirdparty"])
    assert info["adapter_distributions"] == sorted(
        [*registry.adapter_distributions(), "kiosk-thirdparty-adapter"]
    )
    assert info["constraints_sha256"] == sha256(bundle_tools.ROOT / "constraints.txt")
    assert (bundle.path / "deploy" / "gov-smart-kiosk.service").is_file()
    assert (bundle.path / "docs" / "deploy.md").is_file()


def test_bundle_takes_only_the_documented_libraries_from_the_host(bundle: Bundle) -> None:
    found = bundle_tools.linkage(bundle.path)
    assert found.missing == {}
    assert set(found.from_host) <= HOST_LIBRARIES, set(found.from_host) - HOST_LIBRARIES


def test_bundle_ships_the_chosen_qt_plugins_and_no_test_tools(bundle: Bundle) -> None:
    internal = bundle.path / "_internal"
    qt = internal / "PySide6" / "Qt"
    plugins = {p.relative_to(qt / "plugins").as_posix() for p in (qt / "plugins").rglob("*.so")}
    assert plugins == QT_PLUGINS
    assert not (qt / "translations").exists()
    shipped = {p.name for p in internal.iterdir()}
    assert not shipped & {"PIL", "mypy", "hypothesis", "pytest", "_pytest", "setuptools"}
    assert {"NotoSansThai-Regular.ttf", "OFL.txt"} <= {
        p.name for p in (internal / "ui" / "fonts").iterdir()
    }


# --- card --------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["demo", "atr_3b67"])
def test_frozen_card_read_equals_unfrozen(
    bundle: Bundle,
    virtual_cards: CardFactory,
    vpcd_slots: VpcdSlots,
    profile: str,
    tmp_path: Path,
) -> None:
    # Reference: the unfrozen kiosk reads a virtual card this test inserts.
    card = virtual_cards(profile)
    unfrozen = run(
        UNFROZEN, "card", "read", "--json", "--reader", reader_of(card),
        "--photo-out", str(tmp_path / "unfrozen.jpg"),
    )  # fmt: skip
    assert unfrozen.returncode == 0, unfrozen.stderr
    card.remove()

    # Frozen: the frozen `virtual-card` inserts the same profile (the bundle's card profiles),
    # the frozen kiosk lists the readers and reads it.
    slot = vpcd_slots.take()
    reader = VPCD_READERS[slot]
    vc = Running(
        bundle.command, "virtual-card", "--profile", profile, "--vpcd",
        f"127.0.0.1:{VPCD_PORTS[slot]}",
    )  # fmt: skip
    try:
        vc.expect("ready:")
        assert wait_for_card(reader, present=True, timeout=EVENT_TIMEOUT_S)
        readers = run(bundle.command, "readers")
        readers_unfrozen = run(UNFROZEN, "readers")
        frozen = run(
            bundle.command, "card", "read", "--json", "--reader", reader,
            "--photo-out", str(tmp_path / "frozen.jpg"),
        )  # fmt: skip
    finally:
        code, stderr = vc.stop()
    assert code == 0, stderr
    assert readers.returncode == 0, readers.stderr
    assert readers.stdout == readers_unfrozen.stdout
    assert reader in readers.stdout
    assert frozen.returncode == 0, frozen.stderr
    assert json.loads(frozen.stdout) == json.loads(unfrozen.stdout)
    assert (tmp_path / "frozen.jpg").read_bytes() == (tmp_path / "unfrozen.jpg").read_bytes()


# --- agencies and the offline cache ------------------------------------------------------------


def sim_config(path: Path, url: str, tables: dict[str, dict[str, str]]) -> Path:
    """A config for a kiosk process: every agency at `url`, its own data dir and key."""
    path.mkdir()
    data: dict[str, dict[str, Any]] = {
        "kiosk": {
            "id": "bundle-test",
            "data_dir": str(path / "data"),
            "key_file": str(path / "cache.key"),
        },
        "agencies": {
            "timeout_s": 3.0,
            **{name: {**table, "base_url": url} for name, table in tables.items()},
        },
    }
    return write_toml(path / "kiosk.toml", data)


def without_times(document: Any) -> Any:
    """The check document with its times (`checked_at`, `as_of`) blanked: they differ per run."""
    if isinstance(document, dict):
        return {
            k: "<time>" if k in {"checked_at", "as_of"} else without_times(v)
            for k, v in document.items()
        }
    if isinstance(document, list):
        return [without_times(v) for v in document]
    return document


def check_twice(
    command: Sequence[str], config: Path, stop_agencies: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`kiosk check` live, then again once the agencies are gone (answered from the cache)."""
    live = run(command, "check", DEMO_CID, "--json", "--config", str(config))
    assert live.returncode == 0, live.stderr
    stop_agencies()
    cached = run(command, "check", DEMO_CID, "--json", "--config", str(config))
    assert cached.returncode == 0, cached.stderr
    return json.loads(live.stdout), json.loads(cached.stdout)


def test_frozen_check_and_cache_equal_unfrozen(
    bundle: Bundle, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    tables = agency_sim.agency_tables()
    # Reference: the unfrozen kiosk against the in-process simulator.
    unfrozen_config = sim_config(tmp_path / "unfrozen", agency_sim.url, tables)
    unfrozen = check_twice(UNFROZEN, unfrozen_config, agency_sim.stop)

    # Frozen: the frozen kiosk against the frozen `agency-sim` (the bundle's data set).
    sim = Running(bundle.command, "agency-sim", "--port", "0")
    try:
        url = sim.expect("agency-sim listening on ").rsplit(" ", 1)[-1]
        # A command that opens no window starts without Qt, frozen as unfrozen.
        loaded = Path(f"/proc/{sim.popen.pid}/maps").read_text(encoding="utf-8")
        assert "libQt6" not in loaded
        assert "shiboken" not in loaded
        frozen_config = sim_config(tmp_path / "frozen", url, tables)
        frozen = check_twice(bundle.command, frozen_config, sim.stop)
    finally:
        code, stderr = sim.stop()
    assert code == 0, stderr

    live, cached = frozen
    assert [a["source"] for a in live["agencies"]] == ["live"] * 7
    assert {a["source"] for a in cached["agencies"]} == {"cache"}  # the encrypted cache answers
    assert without_times(live) == without_times(unfrozen[0])
    assert without_times(cached) == without_times(unfrozen[1])
    stats = [
        json.loads(run(cmd, "cache", "stats", "--json", "--config", str(cfg)).stdout)
        for cmd, cfg in ((bundle.command, frozen_config), (UNFROZEN, unfrozen_config))
    ]
    assert [s["snapshots"] for s in stats] == [7, 7]
    assert stats[0]["health"] == stats[1]["health"]


def test_frozen_services_and_a_record_lookup_equal_unfrozen(
    bundle: Bundle, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    """The built-in service definitions are data files: the bundle must carry them."""
    config = write_sim_config(tmp_path / "kiosk.toml", agency_sim)
    docs = []
    for command in (bundle.command, UNFROZEN):
        listed = run(command, "services", "--json", "--config", str(config))
        assert listed.returncode == 0, listed.stderr
        looked = run(command, "lookup", "student_loan", DEMO_CID, "--json", "--config", str(config))
        assert looked.returncode == 0, looked.stderr
        record = json.loads(looked.stdout)
        record.pop("as_of")
        docs.append((json.loads(listed.stdout), record))
    frozen, unfrozen = docs
    # The bundle also carries the example adapter installed at build time: a plug-in.
    plugins = [s for s in frozen[0]["services"] if s["origin"] == "plugin"]
    assert [(s["id"], s["enabled"]) for s in plugins] == [("thirdparty", False)]
    frozen[0]["services"] = [s for s in frozen[0]["services"] if s["origin"] != "plugin"]
    assert frozen == unfrozen
    assert len(frozen[0]["services"]) == 7 + 17
    assert docs[0][1]["record"]["payment"]["payload"].startswith("000201010212")


def test_an_adapter_installed_at_build_time_answers_in_the_frozen_app(
    bundle: Bundle, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    config = write_sim_config(
        tmp_path / "kiosk.toml",
        agency_sim,
        enabled=["nhso", "thirdparty"],
        thirdparty={"base_url": agency_sim.url, "api_key": "plugin-key"},
    )
    done = run(bundle.command, "check", DEMO_CID, "--json", "--config", str(config))
    assert done.returncode == 0, done.stderr
    agencies = json.loads(done.stdout)["agencies"]
    assert [(a["agency"], a["status"], a["source"]) for a in agencies] == [
        ("nhso", "ok", "live"),
        ("thirdparty", "ok", "live"),
    ]
    assert agencies[1]["name_en"] == "Example agency (plug-in)"
    # The project's own environment does not have it: only the build did.
    assert "thirdparty" not in registry.available()


def test_frozen_set_pin_and_doctor_equal_unfrozen(
    bundle: Bundle, agency_sim: AgencySimulator, tmp_path: Path, pcscd: PcscdService
) -> None:
    config = sim_config(tmp_path / "kiosk", agency_sim.url, agency_sim.agency_tables())
    with config.open("a", encoding="utf-8") as toml:
        toml.write(f'\n[maintenance]\npin_file = "{tmp_path / "kiosk" / "pin"}"\n')
    pin = subprocess.run(
        [*bundle.command, "set-pin", "--config", str(config)],
        input="482913\n",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=LIVENESS_S,
        check=False,
    )
    assert pin.returncode == 0, pin.stderr
    reports = []
    for command in (bundle.command, UNFROZEN):
        done = run(command, "doctor", "--json", "--config", str(config))
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout))
    frozen, unfrozen = ([(c["check"], c["verdict"]) for c in r["checks"]] for r in reports)
    differ = [
        (c["check"], c["verdict"], c["cause"], u["verdict"], u["cause"])
        for c, u in zip(reports[0]["checks"], reports[1]["checks"], strict=False)
        if (c["check"], c["verdict"]) != (u["check"], u["verdict"])
    ]
    assert frozen == unfrozen, differ
    # The checks that depend on what the bundle carries: its fonts, the PIN it wrote, pcscd.
    assert {"fonts": "ok", "pin": "ok", "pcscd": "ok"}.items() <= dict(frozen).items()


# --- screens -----------------------------------------------------------------------------------

SHOT_SIZES = ("1080x1920",)  # freezing changes nothing per size: one size, both languages


def screenshots(command: Sequence[str], out: Path) -> dict[str, Image.Image]:
    """`kiosk screenshots` offscreen (`SHOT_SIZES`, both languages), by file name."""
    sizes = [arg for size in SHOT_SIZES for arg in ("--size", size)]
    done = run(command, "screenshots", "--out", str(out), *sizes,
               env=clean_env(QT_QPA_PLATFORM="offscreen"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    images = {}
    for path in sorted(out.rglob("*.png")):
        with Image.open(path) as image:
            images[path.relative_to(out).as_posix()] = image.convert("RGB")
    return images


def test_frozen_screenshots_equal_unfrozen_pixel_for_pixel(bundle: Bundle, tmp_path: Path) -> None:
    frozen = screenshots(bundle.command, tmp_path / "frozen")
    unfrozen = screenshots(UNFROZEN, tmp_path / "unfrozen")
    assert len(unfrozen) >= 20  # every screen, in both languages
    assert sorted(frozen) == sorted(unfrozen)
    sizes = {name: image.size for name, image in frozen.items()}
    assert sizes == {name: image.size for name, image in unfrozen.items()}
    differ = [name for name in frozen if frozen[name].tobytes() != unfrozen[name].tobytes()]
    assert differ == []


def test_frozen_run_demo_reaches_the_attract_screen_offscreen_and_ends(bundle: Bundle) -> None:
    done = run(
        bundle.command, "run", "--demo", "--exit-when-ready",
        env=clean_env(QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"ready attract \d+ ms\n", done.stdout), done.stdout
    assert "Traceback" not in done.stderr


@pytest.fixture
def x_screen() -> Iterator[XScreen]:
    """A 1080x1920 Xvfb screen, stopped after the test."""
    with XScreen(1080, 1920) as screen:
        yield screen


def show_demo(command: Sequence[str], screen: XScreen) -> subprocess.Popen[str]:
    """`kiosk run --demo` on the X screen (Qt's xcb platform, as on an X kiosk)."""
    env = clean_env(DISPLAY=screen.display)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.Popen(
        [*command, "run", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def close_demo(process: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM (as systemd stops the kiosk); the exit code and stderr."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=LIVENESS_S)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr


def test_frozen_run_demo_shows_the_attract_screen_as_unfrozen(
    bundle: Bundle, x_screen: XScreen, tmp_path: Path
) -> None:
    unfrozen = show_demo(UNFROZEN, x_screen)
    try:
        expected = x_screen.wait_still(SCREEN_LIVENESS_S)
    finally:
        unfrozen_code, unfrozen_err = close_demo(unfrozen)
    assert expected is not None, "the unfrozen kiosk never settled on a screen"
    assert unfrozen_code == 0, unfrozen_err
    assert x_screen.wait_for(lambda f: f != expected, SCREEN_LIVENESS_S) is not None

    frozen = show_demo(bundle.command, x_screen)
    try:
        shown = x_screen.wait_for(lambda f: f == expected, SCREEN_LIVENESS_S)
        last = x_screen.frame()
    finally:
        code, stderr = close_demo(frozen)
    if shown is None:
        x_screen.png(expected, tmp_path / "unfrozen.png")
        x_screen.png(last, tmp_path / "frozen.png")
    assert shown is not None, f"the frozen kiosk's screen differs: see {tmp_path}"
    assert painted(shown)
    assert code == 0, stderr
    assert "Traceback" not in stderr
