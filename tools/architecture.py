"""The package diagram of docs/architecture.md, drawn from the import graph (`python -m
tools.architecture` prints it). A test compares the page's diagram with this output, so the
picture cannot drift from the code.

Each box is a package or one of `kiosk`'s wings; an arrow A --> B says that some module of A
imports some module of B. `kiosk`'s ground floor (config, logs, audit, ...) is one box.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import grimp

PACKAGES = ("ui", "kiosk", "adapters", "cardreader", "offline_cache")
WINGS = ("cli", "wiring", "maintenance", "doctor", "agencies", "records", "session")
GROUND = "kiosk (ground floor)"


def box(module: str) -> str:
    """The diagram box a module belongs to."""
    parts = module.split(".")
    if parts[0] != "kiosk":
        return parts[0]
    if len(parts) > 1 and parts[1] == "__main__":
        return "kiosk.cli"  # `python -m kiosk` is the command line
    if len(parts) > 1 and parts[1] in WINGS:
        return f"kiosk.{parts[1]}"
    return GROUND


def arrows() -> list[tuple[str, str]]:
    """Every (importer box, imported box) pair of the project's import graph, sorted."""
    graph = grimp.build_graph(*PACKAGES)
    found: set[tuple[str, str]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.split(".")[0] not in PACKAGES:
                continue
            pair = (box(module), box(imported))
            if pair[0] != pair[1]:
                found.add(pair)
    return sorted(found)


def _node(name: str) -> str:
    return name.replace(".", "_").replace(" ", "_").replace("(", "").replace(")", "")


def mermaid() -> str:
    """The diagram as a Mermaid flowchart (GitHub draws it)."""
    lines = ["flowchart TD"]
    names = sorted({name for pair in arrows() for name in pair})
    lines += [f'    {_node(name)}["{name}"]' for name in names]
    lines += [f"    {_node(a)} --> {_node(b)}" for a, b in arrows()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the diagram."""
    argparse.ArgumentParser(prog="python -m tools.architecture", description=__doc__).parse_args(
        argv
    )
    print(mermaid(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
