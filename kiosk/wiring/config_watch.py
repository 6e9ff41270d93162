"""Watching a broken configuration get fixed, so the kiosk serves again without a restart.

While its configuration cannot be used, `kiosk run` shows out of service and polls the file
(`ConfigWatch.changed`: its size, times and inode, from one `stat`); when it changed, it tries
it (`config_problem`: read, validate, build the agencies) and, once usable, builds the kiosk
again from it. A configuration that works is not watched: changing it takes a restart
(`systemctl restart gov-smart-kiosk`), so nothing changes under a citizen's feet. Environment
overrides (`KIOSK_*`) are read with the file, and only change with a restart.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.agencies.roster import build_agencies
from kiosk.config import ConfigError, load_config

_Stamp = tuple[int, int, int, int] | None


class ConfigWatch:
    """Says when the file at `path` changed since the last look (appearing and vanishing
    included). Cheap, but it touches the disk: poll it off the GUI thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
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
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def config_problem(explicit: str | Path | None) -> str | None:
    """Why the configuration (`--config`, `KIOSK_CONFIG` or the default file) cannot run the
    kiosk, in one sentence naming the key; None when it can."""
    try:
        config = load_config(explicit)
        build_agencies(config).close()
    except ConfigError as exc:
        return str(exc)
    return None
