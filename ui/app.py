"""The kiosk application: where the window meets its collaborators (the composition root).

Seams, each passed in (nothing reached for, no global singletons):

- `KioskParts.session` — `kiosk.session.machine.Session`, built with
  `kiosk.wiring.services.session_settings(config, agencies)`; `agencies` are
  `kiosk.session.agency_info.AgencyInfo` values, filled from the adapters with
  `AgencyInfo.of(adapter)`.
- `KioskParts.card` — a `kiosk.session.ports.CardReadPort`: starts a read on the reader thread and
  reports through the `ReadFeed` it is given. The card *monitor* reports through
  `KioskApp.controller.card_feed()` (a `kiosk.session.feed.CardFeed`: readers changed, card
  inserted / removed, service up / down), from the reader thread. A blocking `read(reader,
  progress)` function fits through `ui.worker.WorkerCardReading`.
- `KioskParts.checks` — a `kiosk.session.ports.AgencyCheckPort`: runs the check on workers and
  reports each `AgencyResult` as it lands, then done, through its `CheckFeed`. A blocking
  `check(cid, opt_out, on_result)` fits through `ui.worker.WorkerAgencyChecking`.
- `KioskParts.audit` — a `kiosk.session.ports.ConsentAudit`
  (`kiosk.session.ports.AuditLogConsent(audit_log)` in the kiosk).
- `KioskParts.printing` — `ui.controller.SlipPrinting` from `[printer]` (None: no printer, the
  print button is hidden).
- `KioskParts.demo` — show the DEMO banner (`kiosk.agencies.roster.any_agency_on_loopback`).
- `KioskParts.watches` — `kiosk.session.ports.SessionWatch`es that hear every event's commands
  and the view after it (metrics, the out-of-service record).
- `KioskParts.maintenance` — `kiosk.maintenance.actions.MaintenanceActions`: the technician's
  door and tools (None: no maintenance mode, e.g. screenshots).
- `KioskParts.records` — a `kiosk.session.ports.RecordLookupPort`: asks one record service
  when the citizen taps it (`ui.worker.WorkerRecordLookups` over `AgencyService.lookup`; None:
  every service answers that it cannot be asked).

`kiosk.wiring.services.KioskServices` builds the kiosk's own card port, check, audit and watches
from a `KioskConfig`; `ui.run` puts them together with this window.

Anything another thread wants the session to know goes through `KioskApp.controller.post`
(thread-safe, queued to the GUI thread).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, QThreadPool
from PySide6.QtGui import QFont, QPixmapCache, QScreen

from kiosk.session.machine import Session
from kiosk.session.ports import (
    AgencyCheckPort,
    CardReadPort,
    ConsentAudit,
    RecordLookupPort,
    SessionWatch,
)
from kiosk.session.settings import SessionSettings
from kiosk.wiring.services import KioskServices, NoAgencyChecks
from ui.controller import ActivityWatch, SessionController, SlipPrinting
from ui.maintenance.controller import MaintenanceController
from ui.typeface import load_fonts
from ui.window import KioskWindow
from ui.worker import WorkerAgencyChecking, WorkerRecordLookups, Workers

if TYPE_CHECKING:
    from kiosk.maintenance.actions import MaintenanceActions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KioskParts:
    """The window's collaborators (see the module docstring)."""

    session: Session
    card: CardReadPort
    checks: AgencyCheckPort
    audit: ConsentAudit
    printing: SlipPrinting | None = None
    demo: bool = False
    watches: tuple[SessionWatch, ...] = ()
    maintenance: MaintenanceActions | None = None
    records: RecordLookupPort | None = None


class KioskApp:
    """The window, its controller and its workers, built from `parts`. Needs a QApplication."""

    def __init__(
        self,
        parts: KioskParts,
        *,
        pool: QThreadPool | None = None,
        workers: Workers | None = None,
        now: Callable[[], datetime] = datetime.now,
        font: QFont | None = None,
    ) -> None:
        self.parts = parts
        # The kiosk's own pool (not the global instance), so closing waits for our work only.
        # `workers` when a part (the check) must run on the same workers.
        self.workers = workers or Workers(pool if pool is not None else QThreadPool())
        self.window = KioskWindow(
            font=font if font is not None else load_fonts(),
            clock=parts.session.clock,
            demo=parts.demo,
            can_print=parts.printing is not None,
        )
        self.controller = SessionController(
            parts.session,
            self.window,
            card=parts.card,
            checks=parts.checks,
            audit=parts.audit,
            workers=self.workers,
            printing=parts.printing,
            watches=parts.watches,
            now=now,
            records=parts.records,
        )
        self.activity = ActivityWatch(self.controller)
        self.maintenance: MaintenanceController | None = None
        if parts.maintenance is not None:
            self.maintenance = MaintenanceController(
                parts.maintenance,
                self.controller,
                self.window,
                self.workers,
                printing=parts.printing,
                now=now,
                parent=self.controller,
            )
        self._watched: QCoreApplication | None = None

    @classmethod
    def from_services(
        cls,
        services: KioskServices,
        *,
        font: QFont | None = None,
        demo: bool = False,
        settings: SessionSettings | None = None,
        printing: SlipPrinting | None = None,
        pool: QThreadPool | None = None,
        now: Callable[[], datetime] = datetime.now,
        started_at: datetime | None = None,
    ) -> KioskApp:
        """The kiosk on its real parts (`kiosk run`, the end-to-end tests): the session from
        the configuration (`settings` overrides it: tests with short timers), the reader port,
        the check on this app's workers, the audit, the watches; the printer from `[printer]`
        unless `printing` is given; DEMO when an agency is on loopback or `demo`; maintenance
        mode's door and tools (`started_at`: when the kiosk started, for its uptime)."""

        config = services.config
        workers = Workers(pool if pool is not None else QThreadPool())
        check = services.check
        if printing is None and config.printer.name:
            printing = SlipPrinting(
                config.kiosk.id, config.printer.name, paper=config.printer.paper
            )
        parts = KioskParts(
            session=Session(settings or services.session_settings()),
            card=services.card,
            checks=WorkerAgencyChecking(workers, check) if check else NoAgencyChecks(),
            audit=services.consent_audit,
            printing=printing,
            demo=demo or services.demo,
            watches=services.watches,
            maintenance=services.maintenance_actions(started_at=started_at or datetime.now(UTC)),
            records=WorkerRecordLookups(workers, services.lookup) if services.lookup else None,
        )
        return cls(parts, workers=workers, now=now, font=font)

    def watch_activity(self, app: QCoreApplication) -> None:
        """Count every touch and key in `app` as activity (postpones the inactivity warning)."""
        app.installEventFilter(self.activity)
        if self.maintenance is not None:
            app.installEventFilter(self.maintenance.entry)
        self._watched = app

    def show(
        self, *, fullscreen: bool, screen: QScreen | None = None, size: QSize | None = None
    ) -> None:
        """Show the window: full screen on `screen`, or windowed at `size`."""
        self.controller.start()
        if fullscreen and screen is not None:
            # No window manager on a kiosk: without the geometry, showFullScreen keeps the
            # window's natural size.
            self.window.setGeometry(screen.geometry())
            self.window.showFullScreen()
        else:
            self.window.resize(size if size is not None else QSize(540, 960))
            self.window.show()

    def close(self) -> None:
        """Stop timers and work, close the window, wait for the workers (nothing left behind)."""
        if self._watched is not None:
            self._watched.removeEventFilter(self.activity)
            if self.maintenance is not None:
                self._watched.removeEventFilter(self.maintenance.entry)
            self._watched = None
        if self.maintenance is not None:
            self.maintenance.shutdown()
        self.controller.shutdown()
        self.window.wipe()
        self.window.close()
        if not self.workers.close(10_000):
            log.warning("workers still running at close")


PIXMAP_CACHE_KB = 2048


def settle_memory() -> None:
    """Once the kiosk is up (process-wide settings, for `kiosk run` and its benchmark):

    - take every object made so far (Qt's and ours, which live as long as the kiosk) out of
      the garbage collector's sight (`gc.freeze`): a full collection during a session then
      looks only at what sessions made; over all the start-up objects it took ~40 ms, a stall
      a citizen could see;
    - cap Qt's pixmap cache (the style's drawn frames and buttons) at 2 MB instead of 10 MB:
      the kiosk draws a handful of shapes, and a full cache was the RSS that kept growing over
      the first hundred sessions."""
    QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
    gc.collect()
    gc.freeze()
