"""Every command the README and docs/ show a user or deployer works as written.

- Each fenced `sh` block is run literally, by the test named for it in `BLOCKS`: the README's
  two commands, and docs/deploy.md from `make dist` (tests/fixtures/dist.py) through installing
  the release, the kiosk user, the config and secrets, `kiosk doctor` as the kiosk user, the
  service, an update and a rollback. Steps that install into the host run in a throwaway
  overlay of it (tests/fixtures/host_sandbox.py); `systemctl` is a named fake there, because
  systemd is not PID 1 on this machine. Placeholders a deployer fills in (`...`, `https://...`)
  are filled with the agency simulator's address and test credentials.
- Two blocks cannot run here and are checked as far as this machine allows, with the reason in
  `BLOCKS`: the X session script and the screen rotation (no Xorg on a VT, no HDMI output, no
  touch panel).
- Each command shown as a synopsis (a `text` block) or quoted inline in the prose is checked
  against the command it names: the `kiosk` sub-command, `python -m` module or `make` target
  exists and knows every option the page mentions; a `pytest` line collects tests.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time
import tomllib
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from adapters.simulator import AgencySimulator
from cardreader.pcscd_process import VPCD_READERS
from kiosk import __version__
from tests.fixtures import docs, host_sandbox
from tests.fixtures.agency_sim import write_toml
from tests.fixtures.dist import (
    BUILD_BLOCK,
    DEPLOY_PAGE,
    DocumentedBuild,
    page_block,
    page_environment,
)

README = docs.REPO_ROOT / "README.md"
VENV_BIN = docs.REPO_ROOT / ".venv" / "bin"
PIN = "482913"
LIVENESS_S = 120.0  # one page step: seconds here (apt-get a few more); the bound is for "it ends"
DEMO_READY_S = 180.0  # `make demo` from a warm venv: a few seconds; a cold pcscd/Xvfb a few more


@dataclass(frozen=True)
class Way:
    """How a test runs one `sh` block: `run` literally (in the host sandbox or not), or
    `check` it as far as this machine allows, for the reason given."""

    test: str
    how: str = "run"
    reason: str = ""


STORY = "test_the_deploy_page_from_bundle_to_service_update_and_rollback"
# Every `sh` block of the pages, by page and the start of its first command.
BLOCKS: dict[tuple[str, str], Way] = {
    ("README.md", "make demo"): Way("test_the_readme_commands"),
    ("docs/deploy.md", BUILD_BLOCK): Way("tests/fixtures/dist.py: documented_build"),
    ("docs/deploy.md", "version=$(python3"): Way(STORY),
    ("docs/deploy.md", "apt-get install"): Way(STORY),
    ("docs/deploy.md", "v=0.1.0"): Way(STORY),
    ("docs/deploy.md", "d=/opt/gov-smart-kiosk/current/deploy"): Way(STORY),
    ("docs/deploy.md", "install -m 0640 -g kiosk /dev/null"): Way(STORY),
    ("docs/deploy.md", "(umask 077; openssl"): Way(STORY),
    ("docs/deploy.md", "/opt/gov-smart-kiosk/current/kiosk set-pin"): Way(STORY),
    ("docs/deploy.md", "(set -a; . /etc/gov-smart-kiosk/kiosk.env"): Way(STORY),
    ("docs/deploy.md", "k=/opt/gov-smart-kiosk/current/kiosk"): Way(STORY),
    ("docs/deploy.md", "xset s off -dpms"): Way(
        STORY,
        "check",
        "the X session script: it starts the kiosk as Xorg's only client on a VT, which this "
        "machine cannot give; installed where the page says and parsed by sh",
    ),
    ("docs/deploy.md", "xrandr --output HDMI-1"): Way(
        STORY,
        "check",
        "needs the kiosk's HDMI output and touch panel; parsed by sh",
    ),
    ("docs/deploy.md", "v=0.2.0"): Way(STORY),
    ("docs/services.md", "kiosk agency-sim --port 0 --data library.json"): Way(
        "test_the_services_page_worked_example"
    ),
    ("docs/deploy.md", 'ln -sfn "$(cat /opt/gov-smart-kiosk/previous)"'): Way(STORY),
}
KNOWN_TAGS = {"sh", "text", "toml", "ini", "python", "json", "mermaid"}


def sh_blocks() -> list[docs.Block]:
    return [b for page in docs.pages() for b in docs.blocks(page) if b.tag == "sh"]


def way_of(block: docs.Block) -> Way | None:
    page = block.page.relative_to(docs.REPO_ROOT).as_posix()
    ways = [
        w for (p, start), w in BLOCKS.items() if p == page and block.first_line.startswith(start)
    ]
    return ways[0] if len(ways) == 1 else None


# -- the pages' own shape ----------------------------------------------------------------------


def test_every_fenced_block_says_what_it_holds() -> None:
    untagged = [
        f"{b.where} ({b.tag or 'no tag'})"
        for page in docs.pages()
        for b in docs.blocks(page)
        if b.tag not in KNOWN_TAGS
    ]
    assert not untagged, f"tag these blocks with one of {sorted(KNOWN_TAGS)}: {untagged}"


def test_every_sh_block_is_run_by_a_named_test_and_every_entry_has_its_block() -> None:
    found = sh_blocks()
    unrun = [f"{b.where}: {b.first_line}" for b in found if way_of(b) is None]
    assert not unrun, f"add these blocks to BLOCKS, with the test that runs them: {unrun}"
    for (page, start), _ in BLOCKS.items():
        matching = [
            b
            for b in found
            if b.page.relative_to(docs.REPO_ROOT).as_posix() == page
            and b.first_line.startswith(start)
        ]
        assert len(matching) == 1, f"BLOCKS names {page}: {start!r}, which the page no longer has"


# -- synopses and inline commands --------------------------------------------------------------


def shown_commands() -> list[docs.Synopsis]:
    """Every distinct command the pages show outside `sh` blocks."""
    found: dict[tuple[tuple[str, ...], tuple[str, ...]], docs.Synopsis] = {}
    for page in docs.pages():
        shown = docs.inline_commands(page)
        for block in docs.blocks(page):
            if block.tag == "text":
                shown.extend(docs.synopsis_lines(block))
        for item in shown:
            found.setdefault((item.words, item.options), item)
    return list(found.values())


def make_targets() -> set[str]:
    text = (docs.REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, flags=re.MULTILINE))


def check_shown(item: docs.Synopsis) -> str | None:
    """Why `item` does not work as shown, or None."""
    words = list(item.words)
    program = words[0]
    if program == "make":
        missing = [t for t in words[1:] if t not in make_targets()]
        return f"no make target {missing}" if missing else None
    if program == ".venv/bin/pytest":  # as typed in a shell: its globs expanded
        line = " ".join([*words, "--collect-only", "-q", "-p", "no:cacheprovider"])
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=docs.REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=LIVENESS_S,
            check=False,
        )
        collected = re.search(r"(\d+) tests? collected", done.stdout)
        return None if done.returncode == 0 and collected else f"collects nothing: {done.stdout}"
    if program in ("kiosk", ".venv/bin/kiosk"):
        command = [str(VENV_BIN / "kiosk"), *words[1:], "--help"]
    elif len(words) >= 3 and words[1] == "-m":
        command = [str(VENV_BIN / "python"), "-m", *words[2:], "--help"]
    else:
        return f"no check for {program}"
    done = subprocess.run(
        command,
        cwd=docs.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=LIVENESS_S,
        env=page_environment(),
        check=False,
    )
    if done.returncode != 0:
        return f"`{' '.join(command)}` exited {done.returncode}: {done.stderr.strip()[-300:]}"
    unknown = [o for o in item.options if o not in done.stdout]
    return f"options not in its --help: {unknown}" if unknown else None


def test_every_command_shown_exists_with_every_option_the_page_names() -> None:
    shown = shown_commands()
    assert len(shown) > 30  # the reader above found the pages' commands at all
    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = list(pool.map(check_shown, shown))
    broken = [f"{s.where} `{s.text}`: {why}" for s, why in zip(shown, verdicts, strict=True) if why]
    assert not broken, "\n".join(broken)


# -- the README's two commands -----------------------------------------------------------------


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, Path]]:
    """A datagram socket standing where systemd's notify socket would."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)  # who sent each message
    sock.settimeout(DEMO_READY_S)
    yield sock, path
    sock.close()


def ready_sender(sock: socket.socket) -> psutil.Process:
    """The first process that says READY=1 on `sock` and is a kiosk (Xvfb, started by
    xvfb-run with the same environment, says READY=1 on the notify socket too)."""
    creds = struct.calcsize("3i")
    while True:
        data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(creds))
        pids = [
            struct.unpack("3i", payload[:creds])[0]
            for level, kind, payload in ancillary
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
        ]
        if "READY=1" in data.decode().splitlines() and pids:
            sender = psutil.Process(pids[0])
            if "kiosk" in " ".join(sender.cmdline()):
                return sender


@pytest.mark.usefixtures("empty_readers")
def test_the_readme_commands(notify_socket: tuple[socket.socket, Path]) -> None:
    """`make demo` runs the kiosk until it is told to stop (here: once it told systemd's notify
    socket it is ready), then exits 0; `make test` is what CI runs (`.ci/run`)."""
    block = page_block(README, "make demo")
    lines = [ln.split("#")[0].strip() for ln in block.text.splitlines() if ln.strip()]
    assert lines == ["make demo", "make test"]
    ci = (docs.REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().endswith("exec make test")

    sock, path = notify_socket
    env = page_environment(NOTIFY_SOCKET=str(path))
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)  # a machine with no screen: the page says it runs on xvfb-run
    make = subprocess.Popen(
        ["bash", "-c", lines[0]],
        cwd=docs.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        kiosk = ready_sender(sock)
        assert kiosk.cmdline()[-2:] == ["run", "--demo"]
        assert make.pid in {p.pid for p in kiosk.parents()}
        kiosk.send_signal(signal.SIGTERM)  # as systemd or a Ctrl+C would stop it
        output, _ = make.communicate(timeout=LIVENESS_S)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
    assert make.returncode == 0, output
    assert "running on a virtual X screen" in output


# -- docs/deploy.md, from the bundle to a running service and back -----------------------------


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[host_sandbox.HostSandbox]:
    why = host_sandbox.available()
    if why is not None:
        pytest.skip(f"the deploy page's steps cannot run here: {why}")
    root = tmp_path / "host"
    # As on a new kiosk, whatever this machine may hold there.
    fresh = ("/opt/gov-smart-kiosk", "/etc/gov-smart-kiosk", "/var/lib/gov-smart-kiosk")
    yield host_sandbox.HostSandbox(root, fresh=fresh)
    shutil.rmtree(root, ignore_errors=True)


def fill_env_placeholders(script: str, tables: Mapping[str, Mapping[str, str]]) -> str:
    """`KIOSK_AGENCIES__<ID>__<KEY>=...` lines get the simulator's value for that key."""

    def value(match: re.Match[str]) -> str:
        agency, key = match.group(1).lower(), match.group(2).lower()
        return f"KIOSK_AGENCIES__{match.group(1)}__{match.group(2)}={tables[agency][key]}"

    filled = re.sub(r"^KIOSK_AGENCIES__([A-Z]+)__([A-Z_]+)=\.\.\.$", value, script, flags=re.M)
    assert "=..." not in filled
    return filled


def page_config(sim: AgencySimulator) -> dict[str, dict[str, object]]:
    """The page's kiosk.toml with its `https://...` addresses pointing at the simulator."""
    block = next(b for b in docs.blocks(DEPLOY_PAGE) if b.tag == "toml" and "[kiosk]" in b.text)
    config = tomllib.loads(block.text)
    for table in config["agencies"].values():
        assert table["base_url"] == "https://..."
        for key, value in table.items():
            if value == "https://...":
                table[key] = sim.url
    return config


def step(
    sandbox: host_sandbox.HostSandbox,
    build: DocumentedBuild,
    first_line: str,
    *,
    script: str | None = None,
    stdin: str | None = None,
) -> str:
    """Run the page's block that starts with `first_line` (or its filled-in `script`) in the
    sandbox, from the build's folder; its output, after checking that it succeeded."""
    block = page_block(DEPLOY_PAGE, first_line)
    assert way_of(block) == Way(STORY)
    done = sandbox.run(
        script or block.text, cwd=build.folder, env=page_environment(), stdin=stdin,
        timeout=LIVENESS_S,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{block.where} exited {done.returncode}:\n{output[-3000:]}"
    return output


def check_only(first_line: str) -> docs.Block:
    """The block that starts with `first_line`, parsed by sh (it cannot run here: BLOCKS says
    why)."""
    block = page_block(DEPLOY_PAGE, first_line)
    way = way_of(block)
    assert way is not None
    assert way.how == "check"
    assert way.reason
    parsed = subprocess.run(
        ["sh", "-n"], input=block.text, capture_output=True, text=True, check=False
    )
    assert parsed.returncode == 0, f"{block.where}: {parsed.stderr}"
    return block


@pytest.mark.usefixtures("empty_readers")
def test_the_deploy_page_from_bundle_to_service_update_and_rollback(
    documented_build: DocumentedBuild,
    sandbox: host_sandbox.HostSandbox,
    agency_sim: AgencySimulator,
) -> None:
    build = documented_build
    arch = os.uname().machine
    # The build block ran (tests/fixtures/dist.py); its `ls` showed what the page says.
    for entry in ("kiosk", "_internal", "VERSION", "licenses", "deploy", "docs"):
        assert (build.bundle / entry).exists(), entry

    # One file to hand over.
    step(sandbox, build, "version=$(python3")
    archive = build.folder / f"gov-smart-kiosk-{__version__}-linux-{arch}.tar.gz"
    assert archive.is_file()

    # The host's packages, installed for real into the sandbox (the deployer answers "Y").
    step(sandbox, build, "apt-get install", stdin="Y\n")

    # The release folder and `current`; the page's example version is this release's.
    out = step(sandbox, build, "v=0.1.0")
    assert f"kiosk {__version__}" in out
    assert os.readlink(sandbox.path("/opt/gov-smart-kiosk/current")) == __version__

    # The kiosk user, its folders, polkit rule and unit.
    step(sandbox, build, "d=/opt/gov-smart-kiosk/current/deploy")
    assert "\nkiosk:" in sandbox.path("/etc/passwd").read_text()
    assert sandbox.path("/etc/systemd/system/gov-smart-kiosk.service").is_file()
    assert sandbox.path("/etc/polkit-1/rules.d/60-gov-smart-kiosk.rules").is_file()
    assert sandbox.systemctl_calls() == ["daemon-reload"]

    # The config file the page shows, with the agencies at the simulator.
    config = page_config(agency_sim)
    staged = write_toml(sandbox.root / "kiosk.toml", config)
    step(
        sandbox, build, "install -m 0640 -g kiosk /dev/null",
        script=f"install -m 0640 -g kiosk {staged} /etc/gov-smart-kiosk/kiosk.toml\n"
        + fill_env_placeholders(
            page_block(DEPLOY_PAGE, "install -m 0640 -g kiosk /dev/null").text,
            agency_sim.agency_tables(),
        ),
    )  # fmt: skip
    step(sandbox, build, "(umask 077; openssl")
    assert len(sandbox.path("/etc/gov-smart-kiosk/cache.key").read_text().strip()) == 64
    step(sandbox, build, "/opt/gov-smart-kiosk/current/kiosk set-pin", stdin=f"{PIN}\n")

    # Everything checked as the kiosk user, then the service enabled.
    out = step(sandbox, build, "(set -a; . /etc/gov-smart-kiosk/kiosk.env")
    assert "run as kiosk" in out, out
    assert "\n0 failing," in out, out
    assert sandbox.systemctl_calls() == [
        "daemon-reload",
        "mask getty@tty1.service",
        "enable gov-smart-kiosk.service",
        "start gov-smart-kiosk.service",
    ]
    wants = sandbox.path("/etc/systemd/system/graphical.target.wants/gov-smart-kiosk.service")
    assert wants.is_symlink()

    # The quick look without a screen, the demo as the kiosk user.
    out = step(sandbox, build, "k=/opt/gov-smart-kiosk/current/kiosk")
    assert VPCD_READERS[0] in out
    assert re.search(r"ready attract \d+ ms", out), out

    # What cannot run here: the X session and the rotation, parsed.
    check_only("xset s off -dpms")
    check_only("xrandr --output HDMI-1")

    # An update beside the running release, then the way back.
    shutil.copy(archive, build.folder / f"gov-smart-kiosk-0.2.0-linux-{arch}.tar.gz")
    step(sandbox, build, "v=0.2.0")
    assert os.readlink(sandbox.path("/opt/gov-smart-kiosk/current")) == "0.2.0"
    assert sandbox.path("/opt/gov-smart-kiosk/previous").read_text().strip() == __version__
    step(sandbox, build, 'ln -sfn "$(cat /opt/gov-smart-kiosk/previous)"')
    assert os.readlink(sandbox.path("/opt/gov-smart-kiosk/current")) == __version__
    assert sandbox.systemctl_calls()[-2:] == [
        "restart gov-smart-kiosk.service",
        "restart gov-smart-kiosk.service",
    ]


# -- docs/services.md ----------------------------------------------------------------------------


def test_the_services_page_worked_example(tmp_path: Path) -> None:
    """The page's definition and data file, saved where it says, then its commands as written:
    a service the project has never seen is listed from the folder and asked."""
    page = docs.REPO_ROOT / "docs" / "services.md"
    found = docs.blocks(page)
    definition = next(b for b in found if b.tag == "toml" and b.first_line.startswith("id = "))
    data = next(b for b in found if b.tag == "json" and '"routes"' in b.text)
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "library_card.toml").write_text(definition.text, encoding="utf-8")
    (tmp_path / "library.json").write_text(data.text, encoding="utf-8")
    block = page_block(page, "kiosk agency-sim --port 0 --data library.json")
    env = page_environment(PATH=f"{VENV_BIN}:{os.environ['PATH']}")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.text],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIVENESS_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed, *record = done.stdout.splitlines()
    assert listed.split()[:3] == ["library_card", "record", "folder"]
    assert "    Card number: LIB-0042" in record
    assert "    Card expires: 2028-01-31" in record
    assert "  1. ช้างน้อยผจญภัย" in record

    def simulators() -> list[psutil.Process]:
        return [
            proc
            for proc in psutil.process_iter(["cmdline", "cwd"])
            if proc.info["cwd"] == str(tmp_path) and "agency-sim" in (proc.info["cmdline"] or [])
        ]

    end = time.monotonic() + LIVENESS_S
    while simulators() and time.monotonic() < end:  # `kill %1` stopped it; it ends in ~0.5 s
        time.sleep(0.1)
    assert not simulators()
