"""The kiosk's catalogue: the built-in service definitions, the deployer's folder
(`agencies.services_dir`), and the entitlement agencies installed as adapters.

`kiosk services` lists it; the kiosk builds its menu from it. A definition file that cannot be
used is left out with its reason (`Catalogue.problems`), which `kiosk doctor` and maintenance
mode show; the rest of the menu stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Literal

from adapters import registry
from adapters.services.catalogue import Catalogue, build_catalogue
from kiosk.config import KioskConfig

OWN_DISTRIBUTION = "gov-smart-kiosk"
Origin = Literal["built-in", "folder", "plugin"]


def load_catalogue(config: KioskConfig) -> Catalogue:
    """The definitions this kiosk offers: built-in, replaced or joined by the folder's; none may
    take an id of an installed or enabled entitlement agency."""
    reserved = set(registry.available()) | set(config.agencies.enabled)
    return build_catalogue(config.agencies.services_dir, reserved=reserved)


@dataclass(frozen=True, slots=True)
class ListedService:
    """One line of `kiosk services`."""

    id: str
    kind: str  # entitlements, record, handoff
    name_th: str
    name_en: str
    agency_th: str
    agency_en: str
    origin: Origin
    group: str | None = None
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        """As `kiosk services --json` prints it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "agency_th": self.agency_th,
            "agency_en": self.agency_en,
            "group": self.group,
            "family": self.id.partition(".")[0],
            "origin": self.origin,
            "enabled": self.enabled,
        }


def entitlement_origins() -> dict[str, Origin]:
    """Each installed entitlement agency and whether this project or a plug-in provides it."""
    origins: dict[str, Origin] = {}
    for ep in entry_points(group=registry.GROUP):
        dist = ep.dist.name if ep.dist is not None else ""
        origins[ep.name] = "built-in" if dist == OWN_DISTRIBUTION else "plugin"
    return origins
