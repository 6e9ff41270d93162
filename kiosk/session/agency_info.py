"""What the screens need to know about an agency: its names, hotline and public web page.

The kiosk's wiring fills these from the adapters (`AgencyInfo.of(adapter)`), so neither the
session nor the screen ever talks to an adapter. Nothing here is personal data; a QR code may carry
`web` or `hotline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
