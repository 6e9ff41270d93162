"""What an adapter factory receives, and the shape of a factory.

A factory is any callable `(settings, context) -> AgencyAdapter` registered in the
`gov_smart_kiosk.adapters` entry-point group. The kiosk maps its configuration onto
`AdapterSettings` (this package may not import the kiosk's config), so built-in and third-party
adapters see exactly the same thing: every `[agencies.<name>]` table, the CA bundle and the proxy.

A factory validates the keys it needs and raises `AdapterConfigError` naming the key (for example
`agencies.nhso.refresh_token`) — never echoing a value, since values are secrets.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from adapters.base import AgencyAdapter

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class AdapterConfigError(Exception):
    """A factory cannot build its adapter: `key` names the config key, `problem` says why."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class AdapterOptions(BaseModel):
    """Base for a factory's own keys: unknown keys are typos, every value is checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


@dataclass(frozen=True, slots=True)
class AgencyTable:
    """One `[agencies.<name>]` table: the common keys plus the adapter's own (`options`)."""

    base_url: str | None = None
    hotline: str | None = None
    web: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)  # credentials


@dataclass(frozen=True, slots=True)
class AdapterSettings:
    """Everything a factory may use to build one adapter."""

    agency_id: str
    tables: Mapping[str, AgencyTable] = field(default_factory=dict, repr=False)
    ca_bundle: Path | None = None  # None: the CA bundle that requests ships (certifi)
    proxy: str | None = field(default=None, repr=False)  # may carry a proxy password
    timeout_s: float = 3.0  # the deadline of one whole check, for adapters that size caches

    def table(self, name: str | None = None) -> AgencyTable:
        """`[agencies.<name>]` (the adapter's own table by default); empty when absent."""
        return self.tables.get(name or self.agency_id, AgencyTable())

    def options(self, model: type[M], table: str | None = None) -> M:
        """Validate a table's own keys with `model`, or raise `AdapterConfigError` naming one."""
        name = table or self.agency_id
        try:
            return model.model_validate(dict(self.table(name).options))
        except ValidationError as exc:
            err = exc.errors(include_input=False, include_url=False)[0]
            loc = ".".join(str(part) for part in err["loc"])
            problem = {
                "missing": "is required",
                "extra_forbidden": "unknown key",
                "string_too_short": "must not be empty",
            }.get(err["type"], err["msg"])
            raise AdapterConfigError(f"agencies.{name}.{loc}", problem) from None


class CredentialStore(Protocol):
    """Where an adapter keeps a credential an agency hands it (NHSO's rotated refresh token) so
    the next start of the kiosk has it. Values are secrets: never logged, never shown."""

    def load(self, name: str) -> str | None:
        """The value kept under `name`, or None."""

    def save(self, name: str, value: str) -> bool:
        """Keep `value` under `name`; False when it could not be kept (it is then lost at
        the next start)."""


class MemoryCredentials:
    """A `CredentialStore` that keeps nothing past this process (`kiosk check` without a cache
    key, tests)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def load(self, name: str) -> str | None:
        """The value kept under `name` in this process."""
        with self._lock:
            return self._values.get(name)

    def save(self, name: str, value: str) -> bool:
        """Keep `value` in memory."""
        with self._lock:
            self._values[name] = value
        return True


class AdapterContext:
    """Resources shared by the adapters built together, e.g. one GDX gateway for six agencies,
    and the kiosk's `CredentialStore`.

    One context per set of adapters (never a global): closing it closes what it holds.
    """

    def __init__(self, credentials: CredentialStore | None = None) -> None:
        self._lock = threading.Lock()
        self._shared: dict[Hashable, Any] = {}
        self.credentials: CredentialStore = credentials or MemoryCredentials()

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """The object stored under `key`, made by `make()` the first time it is asked for."""
        with self._lock:
            if key not in self._shared:
                self._shared[key] = make()
            value: T = self._shared[key]
            return value

    def close(self) -> None:
        """Close every shared object that has a `close()`."""
        with self._lock:
            items = list(self._shared.values())
            self._shared.clear()
        for item in items:
            close = getattr(item, "close", None)
            if callable(close):
                close()


def https_or_loopback(key: str, url: str) -> str:
    """`url` without a trailing slash, if it is https (or http on a loopback address, the
    simulator); else `AdapterConfigError` naming `key`."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback = host == "localhost" or _is_loopback_ip(host)
    if (parts.scheme == "https" and host) or (parts.scheme == "http" and loopback):
        return url.rstrip("/")
    raise AdapterConfigError(key, "must be an https:// URL (http:// only for loopback addresses)")


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AdapterFactory(Protocol):
    """What an entry point in `gov_smart_kiosk.adapters` loads."""

    def __call__(self, settings: AdapterSettings, context: AdapterContext) -> AgencyAdapter:
        """Build the adapter, or raise `AdapterConfigError` naming a missing or bad key."""
        ...
