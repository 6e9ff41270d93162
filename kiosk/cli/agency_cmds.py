"""Commands of this group; see DESIGN.md "Command line"."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this group's commands to `sub`."""
