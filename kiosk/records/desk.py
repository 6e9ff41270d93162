"""The record desk: asks one record service about one citizen, when they tap its button.

Each service has its own deadline (`deadline_s` of its definition). A live `ok`/`not_found`
answer of a service that may be cached refreshes its snapshot (queued on the agency service's
snapshot writer, so one writer orders every cache write); when the live answer fails, the
snapshot answers with its date. A service that may not be cached says so by its failure alone:
nothing is read or kept. A citizen who opted out of the cache is neither read nor kept. Each
lookup writes an audit line (service, status, source; the CID only as the audit log's keyed
hash).

Services whose configuration is incomplete (no GDX credentials, no `[agencies.<table>]`) are
left out of the menu; `unready` says why, for `kiosk doctor` and maintenance mode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from adapters.base import FailureReason, HealthProbe
from adapters.deadline import Deadline
from adapters.factory import AdapterConfigError, AdapterContext, AdapterSettings
from adapters.services.asking import RecordService, build_service, failed_lookup
from adapters.services.catalogue import Catalogue, CatalogueEntry
from adapters.services.record import LookupResult
from kiosk.records.cached import from_snapshot, is_kept, snapshot_key, to_payload
from offline_cache import Snapshot, SnapshotEntry

log = logging.getLogger(__name__)

Keep = Callable[[SnapshotEntry], bool]  # queue a snapshot write
Read = Callable[[str, str], Snapshot | None]  # (cid, key) -> the snapshot
Audit = Callable[[str, str, str | None, Mapping[str, str | int | float | bool | None]], None]


class ServiceNotReadyError(Exception):
    """The service is in the catalogue but cannot be asked here (the message says why)."""


@dataclass(frozen=True, slots=True)
class DeskStores:
    """Where the desk reads and keeps snapshots, and writes its audit lines (each optional)."""

    keep: Keep | None = None
    read: Read | None = None
    audit: Audit | None = None


class RecordDesk:
    """The record services of one kiosk, built from its catalogue. See the module docstring."""

    def __init__(
        self,
        catalogue: Catalogue,
        services: Mapping[str, RecordService],
        unready: Mapping[str, str],
        stores: DeskStores | None = None,
    ) -> None:
        self.catalogue = catalogue
        self._services = dict(services)
        self.unready = dict(unready)
        self._stores = stores or DeskStores()

    @classmethod
    def build(
        cls,
        catalogue: Catalogue,
        settings_for: Callable[[str], AdapterSettings],
        context: AdapterContext,
        stores: DeskStores | None = None,
    ) -> RecordDesk:
        """A desk with every record service whose configuration is complete; the others are
        `unready` with the key that is missing (never a value)."""
        services: dict[str, RecordService] = {}
        unready: dict[str, str] = {}
        for entry in catalogue.entries:
            if entry.definition.kind != "record":
                continue
            try:
                services[entry.id] = build_service(
                    entry.definition, settings_for(entry.id), context
                )
            except AdapterConfigError as exc:
                unready[entry.id] = str(exc)
        return cls(catalogue, services, unready, stores)

    def with_stores(self, stores: DeskStores) -> RecordDesk:
        """This desk (the same services) reading, keeping and auditing through `stores`."""
        return RecordDesk(self.catalogue, self._services, self.unready, stores)

    def ready(self) -> list[RecordService]:
        """The record services that can be asked, in menu order."""
        return [self._services[e.id] for e in self.catalogue.entries if e.id in self._services]

    def offered(self) -> list[CatalogueEntry]:
        """What the menu shows: every hand-off, and every record service that can be asked."""
        return [
            e
            for e in self.catalogue.entries
            if e.definition.kind == "handoff" or e.id in self._services
        ]

    def lookup(
        self, service_id: str, cid: str, *, opt_out: bool = False, actor: str = "kiosk"
    ) -> LookupResult:
        """Ask one record service (blocks up to its deadline: call it off the GUI thread).
        KeyError: no such record service; `ServiceNotReadyError`: it cannot be asked here."""
        entry = self.catalogue.get(service_id)
        if entry is None or entry.definition.kind != "record":
            raise KeyError(service_id)
        service = self._services.get(service_id)
        if service is None:
            raise ServiceNotReadyError(self.unready.get(service_id, "not set up"))
        definition = entry.definition
        try:
            result = service.lookup(cid, Deadline.after(definition.deadline_s))
        except Exception as exc:  # noqa: BLE001 - the engine's bug must not reach the citizen
            log.error("the %s lookup failed (%s)", service_id, type(exc).__name__)
            result = failed_lookup(service_id, FailureReason.INTERNAL, "internal error")
        keep = definition.cache and not opt_out
        if keep and is_kept(result) and self._stores.keep is not None and result.as_of:
            entry_ = SnapshotEntry(cid, snapshot_key(service_id), to_payload(result), result.as_of)
            self._stores.keep(entry_)
        elif keep and not is_kept(result) and self._stores.read is not None:
            snapshot = self._stores.read(cid, snapshot_key(service_id))
            cached = (
                from_snapshot(service_id, snapshot, reason=result.reason, message=result.message)
                if snapshot is not None
                else None
            )
            result = cached or result
        if self._stores.audit is not None:
            detail = {
                "service": service_id,
                "status": result.status.value,
                "source": result.source.value,
                "keep_snapshots": not opt_out,
            }
            self._stores.audit("lookup", actor, cid, detail)
        return result

    def probe(self, service_id: str, deadline: Deadline) -> HealthProbe:
        """Probe one record service's endpoint (no citizen). KeyError when it is not built."""
        return self._services[service_id].probe(deadline)

    def close(self) -> None:
        """Close every service's sessions (the shared GDX gateway closes with its context)."""
        for service in self._services.values():
            service.close()
