"""Default locations: system paths when the kiosk runs as root (a kiosk appliance), per-user
paths otherwise (a developer's machine)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "gov-smart-kiosk"


def _system_wide() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def default_config_dir() -> Path:
    """Where `kiosk.toml`, the cache key and the PIN hash live by default."""
    if _system_wide():
        return Path("/etc") / APP_NAME
    return Path(platformdirs.user_config_dir(APP_NAME))


def default_data_dir() -> Path:
    """Where the cache database and logs live by default."""
    if _system_wide():
        return Path("/var/lib") / APP_NAME
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_config_file() -> Path:
    """The config file read when neither `--config` nor `KIOSK_CONFIG` names one."""
    return default_config_dir() / "kiosk.toml"
