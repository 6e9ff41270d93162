"""What a session asks of the outside world: the commands `Session.handle` returns.

The Qt layer (or a test) carries them out: it runs the card read and the agency check on workers,
runs the timers, writes the audit log and wipes the screen. None of them is a side effect inside
the session itself, which is what keeps every transition testable without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.session.check_request import CheckRequest
from kiosk.session.events import Timer


class EndReason(StrEnum):
    """Why a session ended (or why the kiosk waits for the card to be taken)."""

    FINISHED = "finished"  # "Finish"
    DECLINED = "declined"  # "Cancel" on the consent screen
    TIMED_OUT = "timed_out"  # the inactivity warning ran out
    READ_FAILED = "read_failed"  # not a Thai ID card, unreadable, a read that never finished
    CARD_REMOVED = "card_removed"  # the card left the reader mid-session
    SERVICE_LOST = "service_lost"  # reader gone, pcscd down or config broken mid-session
    RESET = "reset"  # an unexpected error outside the session
    FOUND_AT_START = "found_at_start"  # a card was already in when the kiosk (or reader) came up


class MaintenanceEnd(StrEnum):
    """Why maintenance mode ended."""

    LEFT = "left"  # the technician's "leave" button
    IDLE = "idle"  # no touch for `maintenance_idle_s`
    RESET = "reset"  # an unexpected error: back to the attract screen


@dataclass(frozen=True, slots=True)
class StartRead:
    """Read the card in `reader` for session `token`; report with that token."""

    token: int
    reader: str


@dataclass(frozen=True, slots=True)
class StartCheck:
    """Ask every enabled agency what `request` says (the citizen, their opt-out, their card's
    record) for session `token`; report with that token."""

    token: int
    request: CheckRequest


@dataclass(frozen=True, slots=True)
class StartLookup:
    """Ask record service `service` about the citizen for session `token` (report with that
    token); `opt_out`: the citizen asked that nothing of theirs be kept."""

    token: int
    service: str
    cid: str = field(repr=False)
    opt_out: bool = False


@dataclass(frozen=True, slots=True)
class PrintRecord:
    """Print the open record of session `token` as a memo (the view holds what it shows)."""

    token: int
    service: str


@dataclass(frozen=True, slots=True)
class EndSession:
    """Session `token` is over: cancel its read and check, drop every personal field everywhere
    (labels, pixmaps, models, QR and slip buffers). The session itself is already empty."""

    token: int
    reason: EndReason


@dataclass(frozen=True, slots=True)
class AuditConsent:
    """Write the consent decision to the audit log. No personal data: the session number is a
    counter of this kiosk process, not a person."""

    token: int
    agreed: bool
    opt_out: bool


@dataclass(frozen=True, slots=True)
class PrintSlip:
    """Print the results of session `token` (the view holds what the slip shows)."""

    token: int


@dataclass(frozen=True, slots=True)
class BeginMaintenance:
    """The kiosk is held for maintenance: show its screens, audit the entry."""


@dataclass(frozen=True, slots=True)
class EndMaintenance:
    """Maintenance mode is over (`reason`): close its screens, audit the exit. The session is
    back on the attract screen, out of service, or waiting for a card left in the reader."""

    reason: MaintenanceEnd


@dataclass(frozen=True, slots=True)
class StartTimer:
    """(Re)start `timer` to fire once after `seconds`, reporting `TimerFired(timer, generation)`."""

    timer: Timer
    seconds: float
    generation: int


@dataclass(frozen=True, slots=True)
class StopTimer:
    """Stop `timer`; a firing already on its way carries a stale generation and is ignored."""

    timer: Timer


SessionCommand = (
    StartRead
    | StartCheck
    | StartLookup
    | PrintRecord
    | EndSession
    | AuditConsent
    | PrintSlip
    | BeginMaintenance
    | EndMaintenance
    | StartTimer
    | StopTimer
)
