"""What the screens need to know about an agency: its names, hotline and public web page.

The kiosk's wiring fills these from the adapters (`AgencyInfo.of(adapter)`), so the screen never
talks to an adapter itself. Nothing here is personal data; a QR code may carry `web` or `hotline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from kiosk.config import AgenciesSection, ConfigError, is_loopback_host


class _NamedAgency(Protocol):
    """The parts of an `AgencyAdapter` this module reads."""

    id: str
    name_th: str
    name_en: str
    hotline: str
    web: str


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    """One agency as the screens show it (no logo: names, hotline, web page)."""

    id: str
    name_th: str
    name_en: str
    hotline: str = ""
    web: str = ""

    @classmethod
    def of(cls, adapter: _NamedAgency) -> AgencyInfo:
        """Take the display fields from an adapter (or anything shaped like one)."""
        return cls(adapter.id, adapter.name_th, adapter.name_en, adapter.hotline, adapter.web)

    def name(self, language: str) -> str:
        """The agency's name in `language` ("th" or "en")."""
        return self.name_th if language == "th" else self.name_en


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
