"""What maintenance mode does, as plain blocking functions for the screen's workers (no Qt).

`kiosk.wiring.services.KioskServices.maintenance_actions(started_at=...)` builds them on the
running kiosk:

- `status()`: the status page's data (`kiosk.maintenance.pages`);
- `log_lines()`: the last 200 lines of the kiosk's log;
- `test_read(reader)`: a masked test read on the kiosk's reader thread
(`kiosk.maintenance.card_test`);
- `probe(agency)`: one agency's probe now, with latency and a verdict;
- `purge(everything=...)`: delete expired (or all) offline copies.

Test read, probe and purge are audited through the door (`maintenance.test_read`,
`maintenance.probe`, `maintenance.purge`); nothing they report or audit names a citizen.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.logs import LOG_FILE_NAME, log_dir
from kiosk.maintenance.door import MaintenanceDoor
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.outage import Outages
from kiosk.session.view import OutOfServiceCause

if TYPE_CHECKING:
    # pyscard loads with the reader thread; the doctor's checks and the status with the first
    # action (on a worker), not at the kiosk's start.
    from adapters.base import HealthProbe
    from cardreader.reader_thread import ReaderThread
    from kiosk.agencies.service import AgencyService
    from kiosk.doctor.findings import Finding
    from kiosk.maintenance.card_test import CardTestRead
    from kiosk.maintenance.status import StatusReport

log = logging.getLogger(__name__)


class MaintenanceActions:
    """The technician's tools on one running kiosk. Every method blocks: call it on a worker."""

    def __init__(
        self,
        config: KioskConfig,
        door: MaintenanceDoor,
        *,
        started_at: datetime,
        service: AgencyService | None = None,
        outages: Outages | None = None,
        reader_thread: Callable[[], ReaderThread | None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
        card_service: Callable[[], list[Finding]] | None = None,
    ) -> None:
        self._config = config
        self._door = door
        self._started_at = started_at
        self._service = service
        self._outages = outages if outages is not None else Outages()
        self._reader_thread = reader_thread
        self._clock = clock
        self._card_service = card_service

    # --- what the screen needs to know ---------------------------------------------------------

    @property
    def door(self) -> MaintenanceDoor:
        """The PIN gate and the audit."""
        return self._door

    @property
    def kiosk_id(self) -> str:
        """`kiosk.id`."""
        return self._config.kiosk.id

    @property
    def allow_exit(self) -> bool:
        """`maintenance.allow_exit`: may the technician leave the app for the desktop?"""
        return self._config.maintenance.allow_exit

    @property
    def retention_days(self) -> int:
        """How long offline copies are kept (what "expired" means)."""
        return self._config.cache.retention_days

    @property
    def agencies(self) -> tuple[AgencyInfo, ...]:
        """The enabled agencies (none when the configuration cannot be used)."""
        return self._service.agencies if self._service is not None else ()

    @property
    def can_use_agencies(self) -> bool:
        """False when the kiosk has no agency service (broken configuration): no probe, no
        purge."""
        return self._service is not None

    @property
    def log_file(self) -> Path:
        """The kiosk's log file."""
        return log_dir(self._config.kiosk.data_dir) / LOG_FILE_NAME

    # --- the actions ---------------------------------------------------------------------------

    def status(self, reader: str | None = None) -> StatusReport:
        """The status page: the out-of-service causes, then `kiosk.maintenance.status`'s items.
        `reader`: the reader the kiosk serves (named in the service item)."""
        from kiosk.doctor.card import check_card_service
        from kiosk.maintenance.pages import service_item, with_service_item
        from kiosk.maintenance.status import kiosk_status

        outages = self._outages.current()
        problem = next(
            (
                o.detail or "see the log"
                for o in outages
                if o.cause is OutOfServiceCause.CONFIG_BROKEN
            ),
            None,
        )
        report = kiosk_status(
            self._config,
            started_at=self._started_at,
            service=self._service,
            config_problem=problem,
            log_file=self.log_file,
            card_service=self._card_service or check_card_service,
        )
        return with_service_item(report, service_item(outages, self._clock(), reader))

    def log_lines(self) -> list[str]:
        """The last 200 lines of the log, readable, oldest first."""
        from kiosk.maintenance.pages import log_view

        return log_view(self.log_file)

    def test_read(self, reader: str | None) -> CardTestRead:
        """Read the card in `reader` on the kiosk's reader thread; masked report, audited."""
        from kiosk.maintenance.card_test import ApduStats, CardTestRead, run_test_read

        thread = self._reader_thread()
        if thread is None:
            report = CardTestRead(
                reader,
                0.0,
                ApduStats.of([]),
                error_kind="reader_fault",
                error="the card reader thread is not running (see pcscd in the status)",
            )
        else:
            report = run_test_read(thread, reader)
        self._door.record(
            "test_read",
            ok=report.ok,
            error_kind=report.error_kind or None,
            apdus=report.apdus.count,
            elapsed_ms=round(report.elapsed_s * 1000),
        )
        return report

    def probe(self, agency: str) -> Finding:
        """Probe `agency`'s endpoint now: latency and a verdict, with a fix when it fails."""
        from kiosk.doctor.agencies import ProbeOutcome, agency_findings
        from kiosk.doctor.findings import fail

        if self._service is None:
            return fail(
                f"agency.{agency}",
                f"Agency {agency}",
                "no agency is in use: the configuration cannot be used",
                "fix the configuration first (see the Service item)",
            )
        try:
            probe: HealthProbe = self._service.probe_agency(agency)
        except KeyError:
            return fail(
                f"agency.{agency}", f"Agency {agency}", "not an enabled agency", "check the id"
            )
        names = {info.id: info.name_en for info in self._service.agencies}
        finding = agency_findings(
            [ProbeOutcome(agency, probe, datetime.now().astimezone())], names
        )[0]
        self._door.record(
            "probe",
            agency=agency,
            verdict=finding.verdict.value,
            latency_ms=round(probe.latency_s * 1000) if probe.latency_s is not None else None,
        )
        return finding

    def purge(self, *, everything: bool) -> int | None:
        """Delete expired offline copies (older than `cache.retention_days`), or all of them:
        how many, or None when the cache could not (or there is none). Audited."""
        deleted = (
            self._service.purge_cache(everything=everything) if self._service is not None else None
        )
        which = "all" if everything else "expired"
        log.info("maintenance: offline cache purged (%s): %s", which, deleted)
        self._door.record("purge", which=which, deleted=deleted)
        return deleted
