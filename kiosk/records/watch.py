"""Watching the deployer's definitions folder (`agencies.services_dir`), so a service dropped
into it reaches the running kiosk's menu without a restart by hand.

`DefinitionsWatch.changed` compares the folder's `*.toml` files (names, sizes, modification
times) with the last look: one `scandir`, cheap, but it touches the disk, so the kiosk polls it
off the GUI thread. The kiosk then builds itself again from its configuration the next time no
citizen is at it (`ui.run`), so nothing changes under a citizen's feet.
"""

from __future__ import annotations

import os
from pathlib import Path

_Stamp = tuple[tuple[str, int, int], ...] | None


class DefinitionsWatch:
    """Says when the definitions in `folder` changed since the last look (files added,
    edited, removed; the folder appearing or vanishing)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen = self._stamp()

    def changed(self) -> bool:
        """True once per change."""
        stamp = self._stamp()
        if stamp == self._seen:
            return False
        self._seen = stamp
        return True

    def _stamp(self) -> _Stamp:
        try:
            with os.scandir(self.folder) as entries:
                files = []
                for entry in entries:
                    if entry.name.endswith(".toml") and entry.is_file():
                        info = entry.stat()
                        files.append((entry.name, info.st_size, info.st_mtime_ns))
        except OSError:
            return None
        return tuple(sorted(files))
