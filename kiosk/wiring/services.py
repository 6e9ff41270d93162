"""What `kiosk run` holds besides its window, built from a `KioskConfig` — no Qt here.

`KioskServices.from_config(config)` builds the agency service (adapters, check, connectivity
monitor, offline cache, audit), the card port, the consent audit, the metrics (and their endpoint
when `metrics.listen` is set) and the out-of-service record. `start(card_events)` starts the reader
thread (the session hears the card monitor through `card_events`) and the agency service; `close()`
stops and joins all of it. `KioskServices.out_of_service(config, problem)` is the kiosk whose
configuration cannot be used: no agencies, but the reader monitor still runs, so maintenance mode
sees the readers.

The Qt side puts these into its `ui.app.KioskParts` (`ui.app.KioskApp.from_services`):
    session=Session(services.session_settings()), card=services.card,
    checks=WorkerAgencyChecking(workers, services.check), audit=services.consent_audit,
    watches=services.watches, demo=services.demo
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from adapters.services.definition import ServiceDefinition
from adapters.services.record import LookupResult
from cardreader.errors import PcscdNotRunningError
from kiosk.agencies.check import CheckOutcome, OnResult
from kiosk.agencies.roster import any_agency_on_loopback
from kiosk.agencies.service import AgencyService, MonitorSettings
from kiosk.agencies.snapshots import load_cache_secret
from kiosk.audit import AUDIT_FILE, AuditLog, open_audit_log
from kiosk.config import KioskConfig
from kiosk.maintenance.actions import MaintenanceActions
from kiosk.maintenance.door import MaintenanceDoor
from kiosk.metrics import KioskMetrics, MetricsServer
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.check_request import CheckRequest
from kiosk.session.feed import CheckFeed
from kiosk.session.outage import Outages
from kiosk.session.ports import AuditLogConsent, ConsentAudit, SessionWatch
from kiosk.session.settings import SessionSettings
from kiosk.session.view import OutOfServiceCause, Preferences
from kiosk.wiring.card_reading import ReaderCardReading
from kiosk.wiring.session_metrics import SessionMetrics
from offline_cache import KeyFileError

if TYPE_CHECKING:  # pyscard is loaded when the reader thread starts
    from cardreader.card_monitor import CardEvents
    from cardreader.reader_thread import ReaderThread

log = logging.getLogger(__name__)


class NoConsentAudit:
    """Consent decisions when there is no audit log (no usable key file): logged as counts
    only. The kiosk still serves; `kiosk doctor` reports the key file."""

    def record_consent(self, session: int, agreed: bool, opt_out: bool) -> None:
        """Note the decision in the log (no personal data in it)."""
        log.info("consent %s (no audit log)", "agreed" if agreed else "declined")
        del session, opt_out


class NoAgencyChecks:
    """The `AgencyCheckPort` of a kiosk with no usable configuration: it is out of service,
    so never asked; if it were, the check would be over at once with nothing to report."""

    def start_check(self, request: CheckRequest, feed: CheckFeed) -> None:
        """Nothing to ask."""
        del request
        feed.on_done()

    def cancel_check(self, token: int) -> None:
        """Nothing to cancel."""
        del token


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    """How the kiosk watches its reader."""

    name: str | None = None  # the reader to serve; None: the first one the monitor reports
    # The monitor waits this long on pcscd between looks, and a read the session asks for
    # starts at the next look: 50 ms keeps "card in -> consent" well inside 300 ms.
    poll_s: float = 0.05


@dataclass
class KioskServices:
    """Everything `kiosk run` starts besides its window; see the module docstring."""

    config: KioskConfig
    service: AgencyService | None
    outages: Outages
    reader: ReaderSettings = field(default_factory=ReaderSettings)
    audit_log: AuditLog | None = None
    metrics: KioskMetrics | None = None
    metrics_server: MetricsServer | None = None
    card: ReaderCardReading = field(init=False)
    _reader_thread: ReaderThread | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        hook = SessionMetrics(self.metrics).card_read_failed if self.metrics else None
        self.card = ReaderCardReading(on_failure=hook)

    # --- building ------------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls,
        config: KioskConfig,
        *,
        monitor: MonitorSettings | None = None,
        reader: ReaderSettings | None = None,
    ) -> KioskServices:
        """Build (nothing started yet). Raises `kiosk.config.ConfigError` when the agencies
        cannot be built from `config`; a cache, audit or metrics problem is logged and the
        kiosk goes on without that part."""
        metrics = KioskMetrics(config.kiosk.id)
        service = AgencyService.from_config(
            config, monitor=monitor or MonitorSettings(), metrics=metrics
        )
        metrics.menu_services.set(len(service.records.offered()))
        try:
            return cls(
                config,
                service,
                Outages(),
                reader=reader or ReaderSettings(),
                audit_log=_open_audit_log(config),
                metrics=metrics,
                metrics_server=_serve_metrics(metrics, config.metrics.listen),
            )
        except BaseException:
            service.close()
            raise

    @classmethod
    def out_of_service(
        cls, config: KioskConfig, problem: str, *, reader: ReaderSettings | None = None
    ) -> KioskServices:
        """The kiosk whose configuration cannot be used (`problem`: one sentence naming the
        key): no agencies; it shows out of service until the configuration is fixed."""
        outages = Outages()
        outages.note(OutOfServiceCause.CONFIG_BROKEN, problem)
        return cls(config, None, outages, reader=reader or ReaderSettings())

    # --- what the window is built from ---------------------------------------------------------

    @property
    def broken(self) -> bool:
        """True when built by `out_of_service`: no agency can be asked."""
        return self.service is None

    @property
    def agencies(self) -> tuple[AgencyInfo, ...]:
        """The enabled agencies, in order (none when broken)."""
        return self.service.agencies if self.service is not None else ()

    @property
    def demo(self) -> bool:
        """True when an agency is served from loopback (the DEMO banner)."""
        return any_agency_on_loopback(self.config.agencies)

    @property
    def check(self) -> Callable[[CheckRequest, OnResult], CheckOutcome] | None:
        """The blocking check for a worker, `AgencyService.run` (None when broken)."""
        return self.service.run if self.service is not None else None

    @property
    def lookup(self) -> Callable[[str, str, bool], LookupResult] | None:
        """The blocking record lookup for a worker, `AgencyService.lookup` (None when broken)."""
        service = self.service
        if service is None:
            return None

        def lookup(service_id: str, cid: str, opt_out: bool) -> LookupResult:
            return service.lookup(service_id, cid, opt_out=opt_out)

        return lookup

    def maintenance_actions(
        self, *, started_at: datetime, clock: Callable[[], float] = time.monotonic
    ) -> MaintenanceActions:
        """Maintenance mode's actions on this kiosk; the door reads `maintenance.pin_file` and
        audits to the kiosk's audit log (without a key file, to a log that names nobody)."""
        config = self.config
        audit = self.audit_log or AuditLog(
            config.kiosk.data_dir / AUDIT_FILE, config.kiosk.id, None
        )
        door = MaintenanceDoor(config.maintenance.pin_file, audit, clock=clock)
        return MaintenanceActions(
            config,
            door,
            started_at=started_at,
            service=self.service,
            outages=self.outages,
            reader_thread=lambda: self.reader_thread,
        )

    @property
    def consent_audit(self) -> ConsentAudit:
        """Where consent decisions go (a file write: call it off the GUI thread)."""
        if self.audit_log is None:
            return NoConsentAudit()
        return AuditLogConsent(self.audit_log)

    @property
    def watches(self) -> tuple[SessionWatch, ...]:
        """Who hears every session change: the out-of-service record, the metrics."""
        if self.metrics is None:
            return (self.outages,)
        return (self.outages, SessionMetrics(self.metrics))

    @property
    def reader_thread(self) -> ReaderThread | None:
        """The running reader thread (None before `start` or after `stop_reader`): maintenance
        mode's test read runs on it, beside the card monitor."""
        return self._reader_thread

    def session_settings(self) -> SessionSettings:
        """The session's settings from the configuration."""
        menu = (
            tuple(e.definition for e in self.service.records.offered())
            if self.service is not None
            else ()
        )
        return session_settings(self.config, self.agencies, reader=self.reader.name, menu=menu)

    # --- running -------------------------------------------------------------------------------

    def start(self, card_events: CardEvents) -> None:
        """Start the reader thread (reporting to `card_events`) and the agency service.

        A card service that cannot start at all (pyscard unusable) is reported to
        `card_events` as the service being down, and kept in the out-of-service record.
        """
        if self.service is not None:
            self.service.start()
        try:
            from cardreader.reader_thread import ReaderThread

            thread = ReaderThread(card_events, poll_s=self.reader.poll_s).start()
        except Exception as exc:  # noqa: BLE001 - out of service, never a crash
            problem = f"the card service could not start ({type(exc).__name__})"
            log.error("%s", problem)
            self.outages.note(OutOfServiceCause.SERVICE_DOWN, problem)
            card_events.service_state(PcscdNotRunningError(problem))
            return
        self._reader_thread = thread
        self.card.attach(thread)

    def stop_reader(self) -> None:
        """Stop the reader thread and join it: no card event follows."""
        thread, self._reader_thread = self._reader_thread, None
        if thread is not None:
            thread.stop()

    def close(self) -> None:
        """Stop the reader thread, the agency service and the metrics endpoint; join them."""
        self.stop_reader()
        if self.service is not None:
            self.service.close()
        if self.metrics_server is not None:
            self.metrics_server.close()
            self.metrics_server = None


def _open_audit_log(config: KioskConfig) -> AuditLog | None:
    try:
        return open_audit_log(config, load_cache_secret(config))
    except KeyFileError:
        return None  # the agency service has logged why; consent goes to the log as counts


def _serve_metrics(metrics: KioskMetrics, listen: str | None) -> MetricsServer | None:
    if not listen:
        return None
    try:
        return MetricsServer(metrics, listen)
    except (OSError, ValueError) as exc:
        log.error("metrics endpoint not started on %s (%s)", listen, exc)
        return None


def session_settings(
    config: KioskConfig,
    agencies: tuple[AgencyInfo, ...],
    reader: str | None = None,
    menu: tuple[ServiceDefinition, ...] = (),
) -> SessionSettings:
    """The session's settings from the kiosk's configuration and the agencies built from it."""
    return SessionSettings(
        agencies=agencies,
        retention_days=config.cache.retention_days,
        idle_s=config.ui.idle_s,
        warning_s=config.ui.warning_s,
        check_timeout_s=config.agencies.timeout_s,
        preferences=Preferences(
            language=config.ui.language,
            large_text=config.ui.large_text,
            high_contrast=config.ui.high_contrast,
        ),
        reader=reader,
        maintenance_idle_s=config.maintenance.idle_s,
        menu=menu,
    )
