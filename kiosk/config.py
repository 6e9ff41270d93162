"""The kiosk's configuration: one TOML file, overridden by `KIOSK_*` environment variables.

Order: `--config FILE`, else the file named by `KIOSK_CONFIG`, else the platform config file
(absent is fine: every key but agency credentials and the PIN has a default). Environment
variables override the file: prefix `KIOSK_`, nesting by `__` (`KIOSK_AGENCIES__TIMEOUT_S`). A
`KIOSK_*` variable that names no key is ignored with a warning. Errors name the bad key and never
echo a value, since values may be secrets.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import socket
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kiosk import paths

log = logging.getLogger(__name__)

ENV_PREFIX = "KIOSK_"
ENV_CONFIG_FILE = "KIOSK_CONFIG"
# Environment variables of ours that are not config keys.
RESERVED_ENV = frozenset({ENV_CONFIG_FILE})

BUILTIN_AGENCIES = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")


class ConfigError(Exception):
    """The configuration cannot be used. The message names the key and never shows a value."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSection(_Section):
    """`[kiosk]`: identity and where data lives."""

    id: str = Field(default_factory=lambda: f"kiosk-{socket.gethostname()}", min_length=1)
    data_dir: Path = Field(default_factory=paths.default_data_dir)
    key_file: Path = Field(default_factory=lambda: paths.default_config_dir() / "cache.key")


class AgencySection(BaseModel):
    """`[agencies.<id>]`: common keys; an adapter validates its own extra keys (credentials)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    base_url: str | None = None
    hotline: str | None = None
    web: str | None = None

    @field_validator("base_url")
    @classmethod
    def _https_unless_loopback(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme == "https" and parts.hostname:
            return value.rstrip("/")
        if parts.scheme == "http" and parts.hostname and is_loopback_host(parts.hostname):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// only for loopback addresses)")

    def extra_keys(self) -> dict[str, Any]:
        """The adapter-specific keys (credentials and such)."""
        return dict(self.model_extra or {})


class AgenciesSection(BaseModel):
    """`[agencies]`: which agencies, how long a check may take, TLS and proxy."""

    model_config = ConfigDict(extra="allow", frozen=True)

    enabled: tuple[str, ...] = BUILTIN_AGENCIES
    timeout_s: float = Field(default=3.0, gt=0, le=60)
    # A folder of service definitions (*.toml) that add to or replace the built-in ones.
    services_dir: Path | None = None
    ca_bundle: Path | None = None  # None: the CA bundle requests ships (certifi)
    proxy: str | None = None

    def section(self, name: str) -> AgencySection:
        """`[agencies.<name>]`, validated; empty when the file has none."""
        raw = (self.model_extra or {}).get(name, {})
        if isinstance(raw, AgencySection):
            return raw
        if not isinstance(raw, Mapping):
            raise ConfigError(f"agencies.{name}: must be a table of keys")
        try:
            return AgencySection.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, prefix=f"agencies.{name}")) from None

    def section_names(self) -> list[str]:
        """Names of every `[agencies.<name>]` table present."""
        return sorted((self.model_extra or {}).keys())


class CacheSection(_Section):
    """`[cache]`: how long offline snapshots are kept."""

    retention_days: int = Field(default=30, ge=1, le=3650)


class UiSection(_Section):
    """`[ui]`: screen behaviour."""

    idle_s: float = Field(default=60.0, ge=5, le=3600)
    warning_s: float = Field(default=30.0, ge=20, le=600)  # WCAG 2.2.1: at least 20 s to extend
    language: Literal["th", "en"] = "th"
    large_text: bool = False
    high_contrast: bool = False


class PrinterSection(_Section):
    """`[printer]`: the slip printer; none configured hides the print button."""

    name: str | None = None
    paper: Literal["80mm", "a4"] = "80mm"


class MetricsSection(_Section):
    """`[metrics]`: an opt-in Prometheus endpoint, e.g. `listen = "127.0.0.1:9108"`."""

    listen: str | None = None


class MaintenanceSection(_Section):
    """`[maintenance]`: technician access."""

    pin_file: Path = Field(default_factory=lambda: paths.default_config_dir() / "maintenance.pin")
    allow_exit: bool = False
    idle_s: float = Field(default=120.0, ge=10, le=3600)


class LoggingSection(_Section):
    """`[logging]`: structured JSON logs in `data_dir/logs`, rotated by size."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_bytes: int = Field(default=5_000_000, ge=10_000)
    backups: int = Field(default=5, ge=1, le=100)


class KioskConfig(_Section):
    """The whole configuration. Every key has a default except agency credentials."""

    kiosk: KioskSection = Field(default_factory=KioskSection)
    agencies: AgenciesSection = Field(default_factory=AgenciesSection)
    cache: CacheSection = Field(default_factory=CacheSection)
    ui: UiSection = Field(default_factory=UiSection)
    printer: PrinterSection = Field(default_factory=PrinterSection)
    metrics: MetricsSection = Field(default_factory=MetricsSection)
    maintenance: MaintenanceSection = Field(default_factory=MaintenanceSection)
    logging: LoggingSection = Field(default_factory=LoggingSection)
    source: Path | None = Field(default=None, exclude=True)  # the file it came from, if any


def is_loopback_host(host: str) -> bool:
    """True for `localhost` and addresses in 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def config_path(explicit: str | Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """Which file to read: `--config`, else `KIOSK_CONFIG`, else the platform default."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if env.get(ENV_CONFIG_FILE):
        return Path(env[ENV_CONFIG_FILE])
    return paths.default_config_file()


def load_config(
    explicit: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> KioskConfig:
    """Read, merge and validate the configuration, or raise `ConfigError` naming the bad key."""
    data, path = _read(explicit, os.environ if environ is None else environ)
    return validate_config(data, source=path if path.exists() else None)


# What a kiosk whose configuration is broken still goes by, each table only if valid on its own.
FALLBACK_TABLES = ("kiosk", "logging", "maintenance")


def fallback_config(
    explicit: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> KioskConfig:
    """The configuration a kiosk runs on while its own is broken (out of service): the
    `FALLBACK_TABLES` that are valid on their own, so its logs and data stay where the deployer
    put them and the technician's PIN still opens maintenance mode; defaults for the rest."""
    try:
        data, _ = _read(explicit, os.environ if environ is None else environ)
    except ConfigError:
        return KioskConfig()
    kept: dict[str, Any] = {}
    for table in FALLBACK_TABLES:
        if table not in data:
            continue
        try:
            KioskConfig.model_validate({table: data[table]})
        except ValidationError:
            continue
        kept[table] = data[table]
    return KioskConfig.model_validate(kept)


def _read(explicit: str | Path | None, env: Mapping[str, str]) -> tuple[dict[str, Any], Path]:
    """The configuration file's tables merged with the `KIOSK_*` overrides, and its path."""
    path = config_path(explicit, env)
    must_exist = bool(explicit) or bool(env.get(ENV_CONFIG_FILE))
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read ({type(exc).__name__})") from None
    elif must_exist:
        raise ConfigError(f"{path}: config file not found")
    _apply_env(data, env)
    return data, path


def validate_config(data: Mapping[str, Any], source: Path | None = None) -> KioskConfig:
    """Validate a config mapping (already merged with the environment)."""
    try:
        config = KioskConfig.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    for name in config.agencies.section_names():
        config.agencies.section(name)  # validates each agency table, naming the bad key
    return config


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> None:
    for name, raw in sorted(env.items()):
        if not name.startswith(ENV_PREFIX) or name in RESERVED_ENV:
            continue
        keys = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        if not names_a_key(keys):
            log.warning("ignoring environment variable %s: it names no config key", name)
            continue
        node = data
        for key in keys[:-1]:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[keys[-1]] = _parse_env_value(raw, as_list=keys == ["agencies", "enabled"])


def names_a_key(keys: list[str]) -> bool:
    """True when `keys` (`["agencies", "timeout_s"]`) name a key of the configuration."""
    if not keys or not all(keys):
        return False
    section = KioskConfig.model_fields.get(keys[0])
    if section is None or keys[0] == "source":
        return False
    if keys[0] == "agencies":
        # [agencies] allows a table per agency, whose keys the adapter defines.
        return len(keys) == 2 or (len(keys) == 3 and keys[1] not in AgenciesSection.model_fields)
    annotation = section.annotation
    fields_ = getattr(annotation, "model_fields", {})
    return len(keys) == 2 and keys[1] in fields_


def _parse_env_value(raw: str, *, as_list: bool) -> Any:
    text = raw.strip()
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    if as_list:  # KIOSK_AGENCIES__ENABLED=nhso,sso
        return [part.strip() for part in text.split(",") if part.strip()]
    return raw


def _describe(exc: ValidationError, prefix: str = "") -> str:
    problems = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
        key = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "is required"
        problems.append(f"{key}: {msg}")
    return "; ".join(problems)
