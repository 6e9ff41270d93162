"""Every name the README and docs/ quote in backticks still exists, so prose cannot rot after a
move: a dotted name of ours (`kiosk.session.machine.Session`, `ui.window.KioskWindow.wipe`)
imports and resolves, a configuration key (`kiosk.data_dir`, `agencies.nhso.base_url`) is a key
of `kiosk.config.KioskConfig`, and a path of the repository (`kiosk/session/machine.py`,
`deploy/gov-smart-kiosk.service`) exists. No page refers to the design notes outside the
repository."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from kiosk.config import names_a_key
from tests.fixtures import docs
from tools import architecture

OURS = ("kiosk", "ui", "cardreader", "adapters", "offline_cache", "tools", "bench", "tests")
_DOTTED = re.compile(r"^(?:%s)(?:\.[A-Za-z_]\w*)+$" % "|".join(OURS))  # noqa: UP031
_PATH = re.compile(
    r"^(?:%s|docs|deploy|\.ci)/[\w./-]*\w$" % "|".join(OURS)  # noqa: UP031
)
_SPAN = re.compile(r"`([^`\n]+)`")
# A span ending like a file name (`kiosk.spec`, `kiosk.env`, `kiosk.log`) names a file, not a name.
_FILE_SUFFIXES = {
    "spec",
    "env",
    "log",
    "toml",
    "key",
    "pin",
    "db",
    "json",
    "service",
    "conf",
    "rules",
    "txt",
    "md",
    "py",
    "yml",
    "yaml",
    "gz",
    "zst",
    "png",
    "pkla",
    "wal",
}


def quoted(page: Path) -> list[tuple[int, str]]:
    """Every backticked span of `page` (prose, tables and fenced blocks alike), by line."""
    found = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        found += [(number, span.strip()) for span in _SPAN.findall(line)]
    return found


def resolves(dotted: str) -> bool:
    """True when `dotted` names a module of ours, or an attribute of one (at any depth)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_dotted_name_key_and_path_the_pages_quote_exists() -> None:
    missing: list[str] = []
    checked = 0
    for page in docs.pages():
        where = page.relative_to(docs.REPO_ROOT).as_posix()
        for number, span in quoted(page):
            if _DOTTED.match(span) and span.rsplit(".", 1)[1] not in _FILE_SUFFIXES:
                checked += 1
                if not resolves(span) and not names_a_key(span.split(".")):
                    missing.append(f"{where}:{number} `{span}`")
            elif _PATH.match(span):
                checked += 1
                if not (docs.REPO_ROOT / span).exists():
                    missing.append(f"{where}:{number} `{span}` (no such file)")
    assert checked > 100  # the pages were read at all
    assert not missing, "names the pages quote that do not exist:\n" + "\n".join(missing)


def test_no_file_of_the_repository_refers_to_the_design_notes_outside_it() -> None:
    import subprocess

    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=docs.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    outside = re.compile(r"\.\./shared|shared/(DESIGN|UI-GUIDE|agency-api)|\bDESIGN\.md|UI-GUIDE")
    this = Path(__file__).relative_to(docs.REPO_ROOT).as_posix()
    found = []
    for name in files:
        path = docs.REPO_ROOT / name
        if name == this or not path.is_file() or path.suffix in (".png", ".jpg", ".ttf", ".otf"):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [
            f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if outside.search(line)
        ]
    assert not found, f"these lines point outside the repository: {found}"


def test_the_architecture_pages_diagram_is_the_import_graph() -> None:
    page = docs.REPO_ROOT / "docs" / "architecture.md"
    [block] = [b for b in docs.blocks(page) if b.tag == "mermaid"]
    assert block.text == architecture.mermaid(), (
        "the import graph changed: paste `python -m tools.architecture` into docs/architecture.md"
    )
