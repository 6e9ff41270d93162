"""What a session needs to know from the configuration and the wiring, as one value (the
wiring fills it: `kiosk.wiring.services.session_settings`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.services.definition import ServiceDefinition
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.view import Preferences


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """What the session needs from the configuration and the wiring."""

    agencies: tuple[AgencyInfo, ...]
    retention_days: int = 30
    idle_s: float = 60.0
    warning_s: float = 30.0  # WCAG 2.2.1: at least 20 s to extend with one tap
    check_timeout_s: float = 3.0
    read_guard_s: float = 30.0
    preferences: Preferences = field(default_factory=Preferences)
    reader: str | None = None  # the reader to serve; None: the first one the monitor reports
    maintenance_idle_s: float = 120.0  # maintenance mode ends after this long untouched
    menu: tuple[ServiceDefinition, ...] = ()  # the services offered after the entitlements
