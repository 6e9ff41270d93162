"""What maintenance mode shows of the agency service: each agency's last probe and breaker, the
network as the connectivity monitor sees it, and the offline cache's health. No personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.base import AgencyAdapter
from adapters.breaker import BreakerState, CircuitBreaker
from kiosk.agencies.check import NetworkState
from kiosk.agencies.connectivity import AgencyHealth
from kiosk.agencies.snapshot_writer import WriterStats
from offline_cache import StoreHealth


@dataclass(frozen=True, slots=True)
class AgencyHealthReport:
    """One agency as maintenance mode shows it: its last probe and its breaker."""

    agency: str
    up: bool | None  # None: not probed yet (or no monitor)
    checked_at: datetime | None
    latency_s: float | None
    detail: str
    breaker: BreakerState
    failures: int

    def to_json(self) -> dict[str, Any]:
        """A JSON object of the same fields."""
        return {
            "agency": self.agency,
            "up": self.up,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "latency_s": self.latency_s,
            "detail": self.detail,
            "breaker": self.breaker.value,
            "failures": self.failures,
        }


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    """Everything maintenance mode needs to know about agencies and the cache; no personal
    data."""

    network: NetworkState | None  # the monitor's view; None without a monitor
    agencies: tuple[AgencyHealthReport, ...]
    cache: StoreHealth | None  # None when there is no cache at all
    cache_problem: str | None
    writer: WriterStats | None
    audit_lines: int
    audit_failures: int

    def to_json(self) -> dict[str, Any]:
        """A JSON object of the same fields."""
        writer = self.writer
        return {
            "network": self.network.value if self.network else None,
            "agencies": [a.to_json() for a in self.agencies],
            "cache": self.cache.to_json() if self.cache else None,
            "cache_problem": self.cache_problem,
            "writer": None
            if writer is None
            else {
                "pending": writer.pending,
                "written": writer.written,
                "failed": writer.failed,
                "dropped": writer.dropped,
                "forgotten": writer.forgotten,
            },
            "audit_lines": self.audit_lines,
            "audit_failures": self.audit_failures,
        }


def agency_reports(
    adapters: Sequence[AgencyAdapter],
    view: Mapping[str, AgencyHealth],
    breakers: Mapping[str, CircuitBreaker],
) -> tuple[AgencyHealthReport, ...]:
    """One report per agency, in order: the monitor's last probe (if any) and the breaker."""
    reports = []
    for adapter in adapters:
        seen = view.get(adapter.id) or AgencyHealth(adapter.id)
        breaker = breakers[adapter.id]
        reports.append(
            AgencyHealthReport(
                agency=adapter.id,
                up=seen.up,
                checked_at=seen.checked_at,
                latency_s=seen.latency_s,
                detail=seen.detail,
                breaker=breaker.state,
                failures=breaker.failures,
            )
        )
    return tuple(reports)
