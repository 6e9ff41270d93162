"""Building the enabled agencies' adapters from the kiosk's configuration.

`agencies.enabled` says which agencies run and in what order; each id is looked up in the
`gov_smart_kiosk.adapters` entry-point group (built-ins and plug-ins alike) and its factory gets
`AdapterSettings` mapped from the config. Every problem is a `ConfigError` naming the key
(`agencies.nhso.refresh_token: is required`), never a value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import urlsplit

from adapters import registry
from adapters.base import AgencyAdapter
from adapters.factory import (
    AdapterConfigError,
    AdapterContext,
    AdapterFactory,
    AdapterSettings,
    AgencyTable,
    CredentialStore,
)
from kiosk.config import AgenciesSection, ConfigError, KioskConfig, is_loopback_host

log = logging.getLogger(__name__)

FactoryLoader = Callable[[str], AdapterFactory]


class AgencySet:
    """The adapters built together, in `agencies.enabled` order; closing closes them all."""

    def __init__(self, adapters: Sequence[AgencyAdapter], context: AdapterContext) -> None:
        self.adapters = tuple(adapters)
        self._context = context

    @property
    def context(self) -> AdapterContext:
        """The resources these adapters share (one GDX gateway), for the record services."""
        return self._context

    @property
    def ids(self) -> tuple[str, ...]:
        """Agency ids in order."""
        return tuple(a.id for a in self.adapters)

    def __iter__(self) -> Iterator[AgencyAdapter]:
        return iter(self.adapters)

    def __len__(self) -> int:
        return len(self.adapters)

    def close(self) -> None:
        """Close every adapter's sessions and the shared resources (the GDX gateway)."""
        for adapter in self.adapters:
            try:
                adapter.close()
            except Exception:  # one plug-in's failing close must not leak the others
                log.exception("closing the %s adapter failed", adapter.id)
        self._context.close()

    def __enter__(self) -> AgencySet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def adapter_settings(config: KioskConfig, agency_id: str) -> AdapterSettings:
    """What the factory of `agency_id` receives: every agency table, the CA bundle, the proxy."""
    agencies = config.agencies
    tables = {}
    for name in agencies.section_names():
        section = agencies.section(name)
        tables[name] = AgencyTable(
            base_url=section.base_url,
            hotline=section.hotline,
            web=section.web,
            options=section.extra_keys(),
        )
    return AdapterSettings(
        agency_id=agency_id,
        tables=tables,
        ca_bundle=agencies.ca_bundle,
        proxy=agencies.proxy,
        timeout_s=agencies.timeout_s,
    )


def build_agencies(
    config: KioskConfig,
    *,
    load: FactoryLoader = registry.load,
    credentials: CredentialStore | None = None,
) -> AgencySet:
    """The enabled agencies' adapters, or `ConfigError` naming the first bad key.
    `credentials`: where adapters keep what agencies hand them (memory only when None)."""
    agencies = config.agencies
    if agencies.ca_bundle is not None and not agencies.ca_bundle.is_file():
        raise ConfigError("agencies.ca_bundle: file not found")
    seen: set[str] = set()
    for agency_id in agencies.enabled:
        if agency_id in seen:
            raise ConfigError(f"agencies.enabled: '{agency_id}' is listed twice")
        seen.add(agency_id)
    context = AdapterContext(credentials)
    built: list[AgencyAdapter] = []
    try:
        for agency_id in agencies.enabled:
            built.append(_build_one(config, agency_id, context, load))
    except BaseException:
        AgencySet(built, context).close()
        raise
    return AgencySet(built, context)


def _build_one(
    config: KioskConfig, agency_id: str, context: AdapterContext, load: FactoryLoader
) -> AgencyAdapter:
    try:
        factory = load(agency_id)
    except registry.AdapterLoadError as exc:
        raise ConfigError(f"agencies.enabled: {exc}") from None
    try:
        adapter = factory(adapter_settings(config, agency_id), context)
    except AdapterConfigError as exc:
        raise ConfigError(str(exc)) from None
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported as a ConfigError, type logged
        # A plug-in's own bug: the log gets the type, the person gets one sentence.
        log.error("the %s adapter could not be set up (%s)", agency_id, type(exc).__name__)
        raise ConfigError(
            f"agencies.{agency_id}: the adapter could not be set up ({type(exc).__name__})"
        ) from None
    if not isinstance(adapter, AgencyAdapter) or adapter.id != agency_id:
        adapter_id = getattr(adapter, "id", None)
        close = getattr(adapter, "close", None)
        if callable(close):
            close()
        raise ConfigError(
            f"agencies.{agency_id}: the adapter installed for it reports id '{adapter_id}'"
        )
    return adapter


def any_agency_on_loopback(agencies: AgenciesSection) -> bool:
    """True when an enabled agency is served from a loopback address: the screen shows DEMO.

    An agency's address is its own `base_url`, else (for the agencies reached through DGA's
    GDX gateway) the gateway's, `[agencies.gdx] base_url` — the usual way to point all six at
    the simulator at once.
    """
    from adapters.gdx_agencies import SERVICES as GDX_SERVED  # the agencies behind the gateway

    for name in agencies.enabled:
        try:
            base_url = agencies.section(name).base_url
            if base_url is None and name in GDX_SERVED:
                base_url = agencies.section("gdx").base_url
        except ConfigError:
            continue  # a broken table is reported by config validation, not by the banner
        if base_url and is_loopback_host(urlsplit(base_url).hostname or ""):
            return True
    return False
