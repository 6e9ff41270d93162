"""The doctor's checks of this machine's files: config, data folder, disk, key file, PIN, cache.

Each function returns `Finding`s and prints nothing; maintenance mode (`kiosk.maintenance.status`)
reuses them. They check for the user the doctor runs as: run it as the kiosk's user to see what the
kiosk sees. Nothing here creates the data folder, the key file or the cache database: the doctor
looks, it does not provision (a write probe leaves no file behind).
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import metrics
from kiosk.config import ConfigError, KioskConfig, config_path, fallback_config, load_config
from kiosk.doctor.findings import Finding, JsonValue, fail, ok, warn
from kiosk.logs import log_dir
from kiosk.pin import pin_is_set

if TYPE_CHECKING:
    from offline_cache import CacheStats

log = logging.getLogger(__name__)

# Free space under data_dir: the cache and logs need little, but SQLite needs room to write.
DISK_WARN_BYTES = 500 * 1024 * 1024
DISK_FAIL_BYTES = 50 * 1024 * 1024
KEY_HEX_DIGITS = 64
_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ConfigCheck:
    """The configuration in force, and the finding about it.

    When the file cannot be used, `config` holds the defaults (as `kiosk run` then does) and
    `usable` is False: checks that need the real settings (agencies) say they were not run.
    """

    config: KioskConfig
    path: Path
    finding: Finding
    usable: bool


class _Captured(logging.Handler):
    """Collects the config loader's warnings (unknown `KIOSK_*` variables) for the finding."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _capture_config_warnings() -> Iterator[_Captured]:
    logger = logging.getLogger("kiosk.config")
    handler = _Captured()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def check_config(
    config_file: str | Path | None, environ: Mapping[str, str] | None = None
) -> ConfigCheck:
    """Load and validate the configuration (file and `KIOSK_*` overrides)."""
    env = os.environ if environ is None else environ
    path = config_path(config_file, env).absolute()
    title = "Configuration"
    with _capture_config_warnings() as captured:
        try:
            config = load_config(config_file, env)
        except ConfigError as exc:
            finding = fail(
                "config",
                title,
                f"the configuration cannot be used: {exc}",
                f"correct the key named above in {path}; the kiosk shows 'out of service' "
                "until then",
                file=str(path),
            )
            return ConfigCheck(fallback_config(config_file, env), path, finding, usable=False)
    if captured.messages:
        finding = warn(
            "config",
            title,
            "; ".join(captured.messages),
            "remove or correct the KIOSK_* variables named above (see docs/operations.md)",
            file=str(path),
        )
    elif config.source is None:
        finding = ok("config", title, f"no file at {path}; built-in defaults in use", file=None)
    else:
        finding = ok("config", title, f"{path} is valid", file=str(path))
    return ConfigCheck(config, path, finding, usable=True)


def config_with_agencies_problem(check: ConfigCheck, problem: str) -> ConfigCheck:
    """The config check failed by an agency table that no adapter accepts (a missing
    credential, an unknown key): the file reads, but the kiosk cannot ask that agency."""
    finding = fail(
        "config",
        check.finding.title,
        f"the configuration cannot be used: {problem}",
        f"correct the key named above in {check.path}",
        file=str(check.path),
    )
    return ConfigCheck(check.config, check.path, finding, usable=False)


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return candidate
        except OSError:
            continue
    return Path(path.anchor or "/")


def _write_probe(folder: Path) -> str | None:
    """Really write (and remove) a small file in `folder`: None if that worked, else why not."""
    name = folder / f".doctor-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    try:
        os.write(fd, b"kiosk doctor write probe\n")
        os.fsync(fd)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    finally:
        os.close(fd)
        try:
            name.unlink()
        except OSError:
            log.warning("doctor: could not remove its write probe in %s", folder)
    return None


def check_data_dir(data_dir: Path) -> Finding:  # noqa: PLR0911 - one return per cause
    """`kiosk.data_dir` exists (or can be created) and can really be written, logs included."""
    title = "Data folder"
    fix_owner = (
        f"let the kiosk's user write it: `chown -R kiosk:kiosk {data_dir}` and "
        f"`chmod 700 {data_dir}` (deploy/tmpfiles-gov-smart-kiosk.conf does this)"
    )
    try:
        exists = data_dir.exists()
    except OSError as exc:
        return fail("data_dir", title, f"{data_dir} cannot be reached ({exc.strerror})", fix_owner)
    if not exists:
        parent = _existing_ancestor(data_dir)
        if os.access(parent, os.W_OK | os.X_OK):
            return warn(
                "data_dir",
                title,
                f"{data_dir} does not exist yet; the kiosk creates it at its first answer",
                "nothing to do, or create it now for the kiosk's user",
                path=str(data_dir),
            )
        return fail(
            "data_dir",
            title,
            f"{data_dir} does not exist and cannot be created ({parent} is not writable)",
            f"create it for the kiosk's user: `install -d -o kiosk -g kiosk -m 700 {data_dir}`",
            path=str(data_dir),
        )
    if not data_dir.is_dir():
        return fail(
            "data_dir",
            title,
            f"{data_dir} is not a folder",
            "point kiosk.data_dir at a folder",
            path=str(data_dir),
        )
    problem = _write_probe(data_dir)
    if problem is not None:
        return fail(
            "data_dir",
            title,
            f"{data_dir} cannot be written ({problem}): answers are not cached and nothing is "
            "logged",
            fix_owner,
            path=str(data_dir),
        )
    logs = log_dir(data_dir)
    if logs.is_dir() and (problem := _write_probe(logs)) is not None:
        return fail(
            "data_dir",
            title,
            f"the log folder {logs} cannot be written ({problem})",
            fix_owner,
            path=str(data_dir),
        )
    return ok("data_dir", title, f"{data_dir} is writable", path=str(data_dir))


def check_disk(data_dir: Path) -> Finding:
    """Free space on the file system that holds the data folder."""
    title = "Disk space"
    where = _existing_ancestor(data_dir)
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return fail("disk", title, f"cannot measure {where} ({exc.strerror})", "check the disk")
    free_mib = usage.free // _MiB
    details: dict[str, JsonValue] = {
        "path": str(where),
        "free_bytes": usage.free,
        "total_bytes": usage.total,
    }
    fix = f"free space on the disk that holds {data_dir} (old logs, other files)"
    if usage.free < DISK_FAIL_BYTES:
        return fail(
            "disk",
            title,
            f"only {free_mib} MiB free: the cache can no longer be written",
            fix,
            **details,
        )
    if usage.free < DISK_WARN_BYTES:
        return warn("disk", title, f"only {free_mib} MiB free", fix, **details)
    return ok("disk", title, f"{_size(usage.free)} free of {_size(usage.total)}", **details)


def _size(n: int) -> str:
    if n >= 1024 * _MiB:
        return f"{n / (1024 * _MiB):.1f} GiB"
    return f"{n / _MiB:.0f} MiB"


def check_key_file(key_file: Path, data_dir: Path) -> Finding:  # noqa: PLR0911 - one per cause
    """`kiosk.key_file`: present, a regular file, mode 0600, readable, well-formed.

    The secret itself is read only to check its form, then dropped; it never reaches a finding.
    """
    title = "Cache key file"
    provision = (
        f"provision it: `openssl rand -hex 32 > {key_file}`, then `chmod 600 {key_file}` and "
        f"`chown kiosk {key_file}`"
    )
    try:
        st = key_file.stat()
    except FileNotFoundError:
        parent = _existing_ancestor(key_file.parent)
        if os.access(parent, os.W_OK | os.X_OK):
            return warn(
                "key_file",
                title,
                f"{key_file} does not exist yet; the kiosk creates it at first use (snapshots "
                "cached under an earlier key, if any, cannot be read any more)",
                f"nothing to do on a new kiosk; otherwise restore it from backup, or {provision}",
                path=str(key_file),
            )
        return fail(
            "key_file",
            title,
            f"{key_file} does not exist and cannot be created here: nothing is cached or audited",
            provision,
            path=str(key_file),
        )
    except OSError as exc:
        return fail(
            "key_file",
            title,
            f"{key_file} cannot be reached ({exc.strerror})",
            f"let the kiosk's user read it: `chown kiosk {key_file}`",
            path=str(key_file),
        )
    if not stat.S_ISREG(st.st_mode):
        return fail("key_file", title, f"{key_file} is not a file", provision, path=str(key_file))
    mode = f"{stat.S_IMODE(st.st_mode):04o}"
    try:
        raw = key_file.read_bytes()
    except OSError as exc:
        return fail(
            "key_file",
            title,
            f"{key_file} cannot be read by this user ({exc.strerror}): nothing is cached or "
            "audited",
            f"let the kiosk's user read it: `chown kiosk {key_file}` and `chmod 600 {key_file}`",
            path=str(key_file),
            mode=mode,
        )
    text = raw.strip()
    well_formed = len(text) == KEY_HEX_DIGITS and all(chr(b) in string.hexdigits for b in text)
    del raw, text  # the secret goes no further than this check
    if not well_formed:
        return fail(
            "key_file",
            title,
            f"{key_file} is malformed (expected {KEY_HEX_DIGITS} hex digits): nothing is cached "
            "or audited",
            "restore it from backup; or delete it so the kiosk starts an empty cache (snapshots "
            "cached so far cannot be read any more)",
            path=str(key_file),
            mode=mode,
        )
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return fail(
            "key_file",
            title,
            f"{key_file} is open to other users (mode {mode}): they could read the cache",
            f"`chmod 600 {key_file}`",
            path=str(key_file),
            mode=mode,
        )
    if _is_inside(key_file, data_dir):
        return warn(
            "key_file",
            title,
            f"{key_file} lies inside the data folder: a copied data folder carries its own key",
            "move it outside kiosk.data_dir (e.g. /etc/gov-smart-kiosk/cache.key) and set "
            "kiosk.key_file",
            path=str(key_file),
            mode=mode,
        )
    return ok(
        "key_file",
        title,
        f"{key_file} is present, mode {mode}, readable",
        path=str(key_file),
        mode=mode,
    )


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.absolute().relative_to(folder.absolute())
    except ValueError:
        return False
    return True


def check_pin(pin_file: Path) -> Finding:
    """The maintenance PIN is set (without one, maintenance entry is disabled)."""
    title = "Maintenance PIN"
    try:
        exists = pin_file.exists()
    except OSError:
        exists = True  # the folder cannot be searched: reading it below says so
    if not exists:
        return fail(
            "pin",
            title,
            "no maintenance PIN is set: maintenance entry is disabled",
            "set one: `kiosk set-pin` (asks twice, writes only its salted hash)",
            path=str(pin_file),
        )
    if not pin_is_set(pin_file):
        return fail(
            "pin",
            title,
            f"the PIN file {pin_file} cannot be read or is damaged: maintenance entry is disabled",
            "set the PIN again: `kiosk set-pin`; the kiosk's user must be able to read the file",
            path=str(pin_file),
        )
    return ok("pin", title, "a maintenance PIN is set", path=str(pin_file))


def check_cache(config: KioskConfig) -> Finding:
    """The offline cache database: opens under this kiosk's key; how much it holds.

    A kiosk that has never answered has no database yet: that is fine. The database is opened as
    the kiosk opens it (`kiosk cache stats` does the same), so a damaged file is moved aside here
    just as the kiosk would at its next start.
    """
    from kiosk.agencies.snapshots import cache_path, open_snapshot_store
    from offline_cache import KeyFileError

    title = "Offline cache"
    db = cache_path(config)
    try:
        exists = db.exists()
    except OSError as exc:
        return fail("cache", title, f"{db} cannot be reached ({exc.strerror})", "see data_dir")
    if not exists:
        return ok("cache", title, "no cached answers yet (the database is created with the first)")
    try:
        key_present = config.kiosk.key_file.exists()
    except OSError:
        key_present = True
    if not key_present:
        return fail(
            "cache",
            title,
            f"{db} exists but the key file {config.kiosk.key_file} does not: its snapshots "
            "cannot be read",
            "restore the key file from backup, or purge the cache: `kiosk cache purge --all`",
        )
    try:
        store = open_snapshot_store(config, purge_on_open=False)
    except KeyFileError as exc:
        return fail("cache", title, f"the cache cannot be opened: {exc}", "see key_file")
    try:
        return cache_finding(store.stats(), now=datetime.now(UTC))
    finally:
        store.close()


def cache_finding(stats: CacheStats, *, now: datetime) -> Finding:
    """A finding from the cache's statistics and health (shared with maintenance mode)."""
    from offline_cache import HealthState

    title = "Offline cache"
    health = stats.health
    size = sum(stats.file_bytes.values())
    details: dict[str, JsonValue] = {
        "database": str(stats.database),
        "snapshots": stats.snapshots,
        "bytes": size,
        "newest": stats.newest.isoformat() if stats.newest else None,
        "state": health.state.value,
        "write_failures": health.write_failures,
    }
    cause_word = health.cause.value.replace("_", " ") if health.cause else "unknown"
    if health.state is HealthState.UNAVAILABLE:
        return fail(
            "cache",
            title,
            f"the cache database cannot be used ({cause_word}): failed agencies have no offline "
            "answer",
            "check the data folder's permissions and the disk (see data_dir, disk)",
            **details,
        )
    if health.state is HealthState.DEGRADED:
        return fail(
            "cache",
            title,
            f"the cache can be read but not written ({cause_word}): offline answers grow stale",
            "check the data folder's permissions and free space (see data_dir, disk)",
            **details,
        )
    held = f"{stats.snapshots} snapshots, {size / _MiB:.1f} MiB"
    if stats.newest is not None:
        held += f", newest {_age(now - stats.newest)} old"
    if stats.set_aside:
        return warn(
            "cache",
            title,
            f"{held}; {len(stats.set_aside)} damaged or foreign database file(s) were moved aside",
            "remove them once looked at: `kiosk cache purge --all` (also empties the cache)",
            set_aside=len(stats.set_aside),
            **details,
        )
    return ok("cache", title, held, **details)


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def check_metrics(listen: str | None) -> Finding:
    """`metrics.listen`: off, or an address the endpoint can be bound to."""
    title = "Metrics endpoint"
    if not listen:
        return ok("metrics", title, "off (metrics.listen is not set)")
    try:
        host, port = metrics.parse_listen(listen)
    except ValueError as exc:
        return fail(
            "metrics",
            title,
            f"metrics.listen is not usable: {exc}",
            'set it to HOST:PORT, e.g. "127.0.0.1:9108", or remove it',
        )
    return ok("metrics", title, f"served on {host}:{port} while the kiosk runs", listen=listen)
