"""The status report maintenance mode shows: each item with a verdict, a plain cause and a fix.

`kiosk_status(...)` returns plain data (`StatusReport`); the screen lays it out. It reuses the
doctor's checks where they overlap (card service and readers, disk, cache) and otherwise reads
what the running kiosk already knows — the connectivity monitor's last probe of each agency, the
circuit breakers, the cache's health — so it asks no agency itself (maintenance mode's "probe
now" action is `AgencyService.probe_now()`). It blocks briefly (pcscd, the cache database, the
log file): call it on a worker, not the GUI thread. No personal data: the last errors come from
the log, whose lines never carry any, and are CID-redacted once more on the way out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from adapters.breaker import BreakerState
from kiosk import __version__
from kiosk.agencies.check import NetworkState
from kiosk.agencies.health import AgencyHealthReport, ServiceHealth
from kiosk.config import KioskConfig
from kiosk.doctor.agencies import agency_fix
from kiosk.doctor.card import check_card_service
from kiosk.doctor.files import cache_finding, check_data_dir, check_disk
from kiosk.doctor.findings import Finding, Verdict, fail, ok, warn, worst
from kiosk.logs import LOG_FILE_NAME, log_dir, redact, tail
from offline_cache import CacheStats

LAST_ERRORS = 10
_TAIL_LINES = 2000  # how far back in the log to look for warnings and errors
_MESSAGE_CHARS = 300
_LEVELS = frozenset({"WARNING", "ERROR", "CRITICAL"})


class AgencyServiceView(Protocol):
    """What the status needs of `kiosk.agencies.service.AgencyService`."""

    def health(self) -> ServiceHealth:
        """Probes, breakers, network, cache health."""
        ...

    def cache_stats(self) -> CacheStats | None:
        """Counts, sizes and ages of the cache."""
        ...


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One WARNING/ERROR line of the kiosk's log: when, how bad, where, what (first line)."""

    at: str
    level: str
    logger: str
    message: str

    def to_json(self) -> dict[str, str]:
        """A JSON object of the same fields."""
        return {"at": self.at, "level": self.level, "logger": self.logger, "message": self.message}


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Everything the status page shows; items in a fixed order."""

    kiosk_id: str
    version: str
    generated_at: datetime
    uptime_s: float
    items: tuple[Finding, ...]
    last_errors: tuple[LogEntry, ...]

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of all items."""
        return worst([item.verdict for item in self.items])

    def item(self, check: str) -> Finding:
        """One item by its id (`pcscd`, `agency.nhso`, ...)."""
        for found in self.items:
            if found.check == check:
                return found
        raise KeyError(check)

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON object."""
        return {
            "kiosk_id": self.kiosk_id,
            "version": self.version,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "uptime_s": round(self.uptime_s),
            "verdict": self.verdict.value,
            "items": [item.to_json() for item in self.items],
            "last_errors": [entry.to_json() for entry in self.last_errors],
        }


def kiosk_status(
    config: KioskConfig,
    *,
    started_at: datetime,
    service: AgencyServiceView | None,
    config_problem: str | None = None,
    log_file: Path | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    card_service: Callable[[], list[Finding]] = check_card_service,
    errors: int = LAST_ERRORS,
) -> StatusReport:
    """The status of the running kiosk.

    `service` is the kiosk's agency service (None when the configuration could not be used; then
    `config_problem` says why). `started_at` is when the kiosk started (for the uptime);
    `log_file` defaults to `data_dir/logs/kiosk.log`.
    """
    at = now()
    health = service.health() if service is not None else None
    items: list[Finding] = [_config_item(config_problem)]
    items.extend(card_service())
    items.append(_network_item(health, config_problem))
    if health is not None:
        items.extend(agency_item(report) for report in health.agencies)
    items.append(_cache_item(service, health, at))
    items.append(check_data_dir(config.kiosk.data_dir))
    items.append(check_disk(config.kiosk.data_dir))
    path = log_file or log_dir(config.kiosk.data_dir) / LOG_FILE_NAME
    return StatusReport(
        kiosk_id=config.kiosk.id,
        version=__version__,
        generated_at=at,
        uptime_s=max(0.0, (at - started_at).total_seconds()),
        items=tuple(items),
        last_errors=last_errors(path, errors),
    )


def _config_item(problem: str | None) -> Finding:
    if problem is None:
        return ok("config", "Configuration", "the configuration is in use")
    return fail(
        "config",
        "Configuration",
        f"the configuration cannot be used: {problem}",
        "correct the key named above in the config file, then restart the kiosk; "
        "`kiosk doctor` checks it",
    )


def _network_item(health: ServiceHealth | None, config_problem: str | None) -> Finding:
    title = "Network"
    if health is None:
        why = "the configuration cannot be used" if config_problem else "no agency service"
        return warn("network", title, f"not watched: {why}", "fix the configuration first")
    network = health.network
    down = sorted(a.agency for a in health.agencies if a.up is False)
    if network is None:
        return warn(
            "network",
            title,
            "not watched: the connectivity monitor is not running",
            "restart the kiosk",
        )
    if network is NetworkState.ONLINE:
        return ok("network", title, "every agency answers its probes", down=[])
    if network is NetworkState.DEGRADED:
        return warn(
            "network",
            title,
            f"some agencies do not answer ({', '.join(down)}): their answers come from the "
            "offline cache",
            "see each agency below; if it lasts, call the agency's help desk",
            down=down,
        )
    return fail(
        "network",
        title,
        "no agency answers: the network is probably down; answers come from the offline cache",
        "check the network cable or Wi-Fi, the router and the proxy; then 'probe now'",
        down=down,
    )


def agency_item(report: AgencyHealthReport) -> Finding:
    """One agency as the status page shows it: its last probe and its circuit breaker."""
    check = f"agency.{report.agency}"
    title = f"Agency {report.agency}"
    details: dict[str, str | int | float | bool | None] = {
        "up": report.up,
        "latency_ms": round(report.latency_s * 1000) if report.latency_s is not None else None,
        "checked_at": report.checked_at.isoformat(timespec="seconds")
        if report.checked_at
        else None,
        "breaker": report.breaker.value,
        "failures": report.failures,
    }
    if report.up is None:
        return warn(
            check,
            title,
            "not probed yet",
            "wait a few seconds, or use 'probe now'",
            **details,
        )
    if report.up is False:
        detail = report.detail or "no answer"
        return fail(check, title, f"does not answer: {detail}", agency_fix(detail), **details)
    latency = f" in {details['latency_ms']} ms" if details["latency_ms"] is not None else ""
    if report.breaker is not BreakerState.CLOSED:
        return warn(
            check,
            title,
            f"answers probes{latency}, but failed {report.failures} checks in a row: it is "
            "skipped (answers from the cache) and retried in the background",
            "nothing to do if it recovers within minutes; else call the agency's help desk",
            **details,
        )
    return ok(check, title, f"answered its last probe{latency}", **details)


def _cache_item(
    service: AgencyServiceView | None, health: ServiceHealth | None, at: datetime
) -> Finding:
    title = "Offline cache"
    if service is None or health is None:
        return warn("cache", title, "not in use: no agency service", "fix the configuration first")
    if health.cache_problem is not None and health.cache is None:
        return fail(
            "cache",
            title,
            f"{health.cache_problem}: failed agencies have no offline answer",
            "see `kiosk doctor` (key file, data folder)",
        )
    stats = service.cache_stats()
    if stats is None:
        return fail("cache", title, "there is no offline cache", "see `kiosk doctor`")
    return cache_finding(stats, now=at)


def last_errors(path: Path, count: int = LAST_ERRORS) -> tuple[LogEntry, ...]:
    """The last `count` WARNING/ERROR/CRITICAL lines of the JSON log, oldest first."""
    found: list[LogEntry] = []
    for line in tail(path, _TAIL_LINES):
        try:
            doc = json.loads(line)
        except ValueError:
            continue  # a line cut by rotation, or not ours
        if not isinstance(doc, dict) or doc.get("level") not in _LEVELS:
            continue
        message = str(doc.get("msg", "")).splitlines()[0] if doc.get("msg") else ""
        found.append(
            LogEntry(
                at=str(doc.get("ts", "")),
                level=str(doc["level"]),
                logger=str(doc.get("logger", "")),
                message=redact(message)[:_MESSAGE_CHARS],
            )
        )
    return tuple(found[-count:]) if count > 0 else ()
