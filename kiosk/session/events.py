"""What happens to a session: the events `Session.handle` takes.

Events come from the card reader, the agency check, the screen (touches) and timers. Those that
belong to one session carry its `token`; the session ignores them once that session has ended,
so a photo or an agency answer that lands late never reaches the next citizen.

Fields holding personal data are left out of `repr`, so an event in a log line names nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from adapters.base import AgencyResult
from adapters.services.record import LookupResult
from cardreader.types import CardData, NhsoCardData


class Timer(StrEnum):
    """The session's timers; the outside runs them (a QTimer) and reports `TimerFired`."""

    IDLE = "idle"  # no touch for `idle_s`: warn (or, on the attract screen, reset the switches)
    WARNING = "warning"  # the inactivity warning ran out: end the session
    READ_GUARD = "read_guard"  # a card read that never finishes counts as a failed read
    CHECK_GUARD = "check_guard"  # a check that never finishes: the missing agencies are unavailable
    MAINTENANCE = "maintenance"  # no touch for `maintenance_idle_s` in maintenance mode: leave it


# --- card reader -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadersChanged:
    """The reader list as the monitor sees it now (empty: no reader, so out of service)."""

    readers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReaderServiceChanged:
    """The smart-card service (pcscd) went away (`up=False`) or came back."""

    up: bool


@dataclass(frozen=True, slots=True)
class CardInserted:
    """A card is in `reader`. `already_present`: the monitor found it on its first look at the
    reader (kiosk start-up, a reader that came back), so nobody inserted it just now."""

    reader: str
    already_present: bool = False


@dataclass(frozen=True, slots=True)
class CardRemoved:
    """The card left `reader`."""

    reader: str


@dataclass(frozen=True, slots=True)
class CidRead:
    """The first step of a read: the citizen ID (checksum already validated by the reader)."""

    token: int
    cid: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class IdentityRead:
    """Names, dates and the rest of the main file; the photo may still be coming."""

    token: int
    card: CardData


@dataclass(frozen=True, slots=True)
class PhotoRead:
    """The photo (a JPEG) arrived; it joins whatever screen is showing."""

    token: int
    jpeg: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class CardRecordRead:
    """The read reached its end: the NHSO record on the card (None: the card has none). It goes
    into the session's check request, for NHSO's answer when NHSO itself cannot be asked."""

    token: int
    nhso: NhsoCardData | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class ReadFailed:
    """The read failed. `kind` is the reader's stable error code; the messages are for people
    and hold no personal data (the card reader's `CardError` carries both)."""

    token: int
    kind: str
    message_th: str
    message_en: str


# --- agency check ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyAnswered:
    """One agency's answer landed (any order, from any source: live, cache, card)."""

    token: int
    result: AgencyResult


@dataclass(frozen=True, slots=True)
class RecordAnswered:
    """A record service answered a lookup of session `token`."""

    token: int
    result: LookupResult = field(repr=False)


@dataclass(frozen=True, slots=True)
class CheckFinished:
    """The check delivered everything it will deliver."""

    token: int


# --- touches ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentAgreed:
    """ "Agree" on the consent screen; `opt_out`: "don't keep an offline copy" was ticked."""

    opt_out: bool = False


@dataclass(frozen=True, slots=True)
class ConsentDeclined:
    """ "Cancel" on the consent screen."""


@dataclass(frozen=True, slots=True)
class DetailOpened:
    """A tap on an agency's tile."""

    agency: str


@dataclass(frozen=True, slots=True)
class DetailClosed:
    """ "Back" from an agency's detail."""


@dataclass(frozen=True, slots=True)
class PrintRequested:
    """ "Print" on the results screen."""


@dataclass(frozen=True, slots=True)
class RecordOpened:
    """A tap on a service of the menu (a record is asked now; a hand-off is shown)."""

    service: str


@dataclass(frozen=True, slots=True)
class RecordRevealed:
    """ "Show" on a sensitive record: the second tap."""


@dataclass(frozen=True, slots=True)
class RecordClosed:
    """ "Back" from a record."""


@dataclass(frozen=True, slots=True)
class RecordPrintRequested:
    """ "Print" on a record: a memo of that record only."""


@dataclass(frozen=True, slots=True)
class FinishPressed:
    """ "Finish" on the results screen."""


@dataclass(frozen=True, slots=True)
class UserActivity:
    """Any touch or key; it postpones the inactivity warning and dismisses it ("I'm still here")."""


@dataclass(frozen=True, slots=True)
class LanguageToggled:
    """The language switch: Thai <-> English."""


@dataclass(frozen=True, slots=True)
class LargeTextToggled:
    """The text-size switch."""


@dataclass(frozen=True, slots=True)
class HighContrastToggled:
    """The high-contrast switch."""


# --- timers and the kiosk itself -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A timer the session asked for ran out. `generation` tells a stale firing from a live one."""

    timer: Timer
    generation: int


@dataclass(frozen=True, slots=True)
class ConfigBroken:
    """The configuration cannot be used; the kiosk shows out of service until `ConfigFixed`."""


@dataclass(frozen=True, slots=True)
class ConfigFixed:
    """The configuration is usable again."""


@dataclass(frozen=True, slots=True)
class MaintenanceEntered:
    """A technician gave the right PIN: hold the kiosk for maintenance. Taken only on the
    attract or out-of-service screen (`MAINTENANCE_ENTRY_STATES`); ignored anywhere else."""


@dataclass(frozen=True, slots=True)
class MaintenanceLeft:
    """The technician left maintenance mode (its "leave" button)."""


@dataclass(frozen=True, slots=True)
class Reset:
    """Something went wrong outside the session (an unexpected exception): end any session now."""


SessionEvent = (
    ReadersChanged
    | ReaderServiceChanged
    | CardInserted
    | CardRemoved
    | CidRead
    | IdentityRead
    | PhotoRead
    | CardRecordRead
    | ReadFailed
    | AgencyAnswered
    | CheckFinished
    | RecordAnswered
    | ConsentAgreed
    | ConsentDeclined
    | DetailOpened
    | DetailClosed
    | PrintRequested
    | RecordOpened
    | RecordRevealed
    | RecordClosed
    | RecordPrintRequested
    | FinishPressed
    | UserActivity
    | LanguageToggled
    | LargeTextToggled
    | HighContrastToggled
    | TimerFired
    | ConfigBroken
    | ConfigFixed
    | MaintenanceEntered
    | MaintenanceLeft
    | Reset
)
