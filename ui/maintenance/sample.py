"""Sample data for the maintenance screens' screenshots (`kiosk screenshots`): a status report
with one agency down and one slow, a test read of the demo card, a few log lines. Samples,
named as such: the running kiosk shows its own (`kiosk.maintenance.actions`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.breaker import BreakerState
from cardreader.apdu import CommandKind
from cardreader.pcsc import ApduTiming
from cardreader.types import CardData
from kiosk.agencies.health import AgencyHealthReport
from kiosk.doctor.findings import Finding, fail, ok
from kiosk.maintenance.card_test import CardTestRead, report_test_read
from kiosk.maintenance.pages import service_item
from kiosk.maintenance.status import LogEntry, StatusReport, agency_item
from kiosk.session.agency_info import AgencyInfo

SAMPLE_DOWN = "farmer"  # the agency the sample shows as not answering
SAMPLE_SLOW = "cgd"  # ... and the one skipped by its circuit breaker


def sample_status(agencies: tuple[AgencyInfo, ...], now: datetime, reader: str) -> StatusReport:
    """A kiosk in service with one agency down and one skipped."""
    items: list[Finding] = [
        service_item([], 0.0, reader),
        ok("config", "Configuration", "the configuration is in use"),
        ok("pcscd", "Card reader service (pcscd)", "pcscd answers"),
        ok("readers", "Card readers", f"1 reader: {reader} (empty)"),
        ok("network", "Network", "5 of 7 agencies answer their probes"),
    ]
    for n, info in enumerate(agencies):
        up = info.id != SAMPLE_DOWN
        breaker = (
            BreakerState.OPEN if info.id in (SAMPLE_DOWN, SAMPLE_SLOW) else BreakerState.CLOSED
        )
        report = AgencyHealthReport(
            agency=info.id,
            up=up,
            checked_at=now - timedelta(seconds=20),
            latency_s=0.08 + 0.03 * n if up else None,
            detail="" if up else "connection refused",
            breaker=breaker,
            failures=3 if breaker is BreakerState.OPEN else 0,
        )
        items.append(agency_item(report))
    items += [
        ok(
            "cache", "Offline cache", "1,284 offline copies of 212 citizens, 3.1 MB; oldest 29 days"
        ),
        ok("disk", "Disk", "41.2 GB free in the data folder"),
        ok("clock", "Clock", "within 2 s of the agencies' clocks"),
    ]
    errors = (
        LogEntry(
            at=(now - timedelta(minutes=4)).isoformat(timespec="seconds"),
            level="WARNING",
            logger="kiosk.agencies.connectivity",
            message=f"agency {SAMPLE_DOWN} is down: connection refused",
        ),
    )
    return StatusReport(
        kiosk_id="demo-kiosk",
        version="0.1.0",
        generated_at=now,
        uptime_s=3 * 86400 + 4 * 3600 + 17 * 60,
        items=tuple(items),
        last_errors=errors,
    )


def sample_probe_failure(agency: str) -> Finding:
    """What "probe now" shows for an agency that does not answer."""
    return fail(
        f"agency.{agency}",
        f"Agency {agency}",
        "does not answer: connection refused",
        "check the kiosk's network and proxy; if others answer, call the agency's help desk",
        latency_ms=None,
        breaker=BreakerState.OPEN.value,
        failures=3,
    )


def sample_test_read(reader: str, card: CardData) -> CardTestRead:
    """A good read of `card`: the exchanges of the kiosk's reading plan, timed as on a reader
    at 115,200 baud."""
    exchanges = [ApduTiming(CommandKind.SELECT, 13, 2, "6110", 0.009)]
    for size in (0x11, 0xD1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF):
        exchanges.append(ApduTiming(CommandKind.READ_BINARY, 7, 2, f"61{size:02X}", 0.006))
        exchanges.append(ApduTiming(CommandKind.GET_RESPONSE, 5, size + 2, "9000", 0.024))
    return report_test_read(reader, card, None, exchanges, 0.41)


def sample_log_lines(now: datetime) -> list[str]:
    """Some lines as the log view shows them (in the local time of the machine, as it does)."""

    def at(minutes: int) -> str:
        return (now - timedelta(minutes=minutes)).astimezone().strftime("%Y-%m-%d %H:%M:%S")

    return [
        f"{at(42)} INFO     ui.run: ready: the attract screen after 1026 ms",
        f"{at(41)} INFO     kiosk.connectivity: agency nhso is up",
        f"{at(30)} INFO     kiosk.session: session ended (finish) after 48 s",
        f"{at(12)} INFO     kiosk.session: session ended (card_removed) after 31 s",
        f"{at(4)} WARNING  kiosk.connectivity: agency {SAMPLE_DOWN} is down: connection refused",
        f"{at(3)} WARNING  kiosk.check: {SAMPLE_DOWN}: answered from the offline copy",
        f"{at(1)} INFO     kiosk.maintenance: maintenance mode entered",
    ]
