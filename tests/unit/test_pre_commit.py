"""The pre-commit hooks run what `make lint` runs, in the same order."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def lint_commands() -> list[str]:
    """The recipe lines of the Makefile's `lint` target, with `$(BIN)` spelled out."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"^lint:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip().replace("$(BIN)/", ".venv/bin/"))
    return recipe


def test_the_hooks_are_make_lint_in_order_on_the_whole_tree() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    hooks = repo["hooks"]
    assert [hook["entry"] for hook in hooks] == lint_commands()
    for hook in hooks:
        assert hook["language"] == "system"
        assert hook["pass_filenames"] is False
        assert hook["always_run"] is True
