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


def give_to_folder_owner(path: Path, folder: Path) -> None:
    """As root, hand `path` (just made inside the data folder `folder`) to that folder's owner.

    SQLite does the same for the journal files it makes beside a database. A technician's
    `sudo kiosk doctor` or `kiosk set-pin` run as root writes a log or audit line into the
    kiosk's data folder; without this, the file it creates is root's and the kiosk's own user
    can no longer write it. Best effort: a folder root owns, or a failing chown, leaves it be.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return
    try:
        owner = folder.stat()
        if owner.st_uid != 0:
            os.chown(path, owner.st_uid, owner.st_gid)
    except OSError:
        return
