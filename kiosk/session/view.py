"""What the screens show, as plain immutable values the session hands out (`Session.view`).

A view is a snapshot: the screen renders it and keeps nothing personal once a view without a
holder arrives. `Holder` is personal data, so its `repr` shows no value.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum

from adapters.base import AgencyResult, AgencyStatus, Entitlement, ResultSource
from adapters.services.definition import ServiceDefinition
from cardreader.cid import mask_cid
from cardreader.types import CardData, PersonName
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.commands import EndReason
from kiosk.session.records import RecordView


class SessionState(StrEnum):
    """The states of the session (docs/architecture.md)."""

    OUT_OF_SERVICE = "out_of_service"
    IDLE = "idle"
    READING = "reading"
    CONSENT = "consent"
    QUERYING = "querying"
    RESULTS = "results"
    AWAIT_REMOVAL = "await_removal"
    MAINTENANCE = "maintenance"  # a technician is in; no card is read until they leave


# The states from which a technician may enter maintenance: no citizen is being served (the
# attract screen, or out of service). AwaitRemoval is not one: the last citizen may still be
# at the kiosk, taking their card.
MAINTENANCE_ENTRY_STATES = frozenset({SessionState.IDLE, SessionState.OUT_OF_SERVICE})


# The states in which a citizen's session is open (personal data may be held).
SESSION_STATES = frozenset(
    {SessionState.READING, SessionState.CONSENT, SessionState.QUERYING, SessionState.RESULTS}
)


class OutOfServiceCause(StrEnum):
    """Why the kiosk cannot serve; it serves again by itself once every cause is gone."""

    STARTING = "starting"  # the reader monitor has not reported yet
    NO_READER = "no_reader"
    SERVICE_DOWN = "service_down"  # pcscd
    CONFIG_BROKEN = "config_broken"


class TileState(StrEnum):
    """An agency tile's state; the screen gives each an icon, a word and a colour."""

    ASKING = "asking"
    LIVE = "live"
    CACHED = "cached"  # from the offline copy, dated
    CARD = "card"  # from the card's own data
    NOT_REGISTERED = "not_registered"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class Preferences:
    """The three accessibility switches. Not personal; reset when the card leaves."""

    language: str = "th"
    large_text: bool = False
    high_contrast: bool = False


@dataclass(frozen=True, slots=True, repr=False)
class Holder:
    """The card holder as the screens may show them: no address, the CID masked."""

    name_th: PersonName
    name_en: PersonName
    age: int | None
    cid_masked: str
    photo: bytes | None  # JPEG; None until it arrives

    def __repr__(self) -> str:
        return f"Holder(<redacted: {', '.join(f.name for f in fields(self))}>)"

    @classmethod
    def of(cls, card: CardData, photo: bytes | None, today: date) -> Holder:
        """The holder of `card` as the screens may show them, on `today`."""
        return cls(
            name_th=card.name_th,
            name_en=card.name_en,
            age=age_on(today, card.birth_date, card.birth_year),
            cid_masked=mask_cid(card.cid),
            photo=photo,
        )

    def name(self, language: str) -> str:
        """The full name in `language`, falling back to the other when the card left it empty."""
        first, second = (
            (self.name_th, self.name_en) if language == "th" else (self.name_en, self.name_th)
        )
        return first.full() or second.full()


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """Why a read failed, in words for people (empty: the screen uses its generic words)."""

    kind: str
    message_th: str = ""
    message_en: str = ""


@dataclass(frozen=True, slots=True)
class Tile:
    """One agency on the results screen."""

    agency: AgencyInfo
    state: TileState
    result: AgencyResult | None

    @property
    def entitlements(self) -> tuple[Entitlement, ...]:
        """The entitlements to show (none while asking or unavailable)."""
        return self.result.entitlements if self.result is not None else ()

    @property
    def as_of(self) -> datetime | None:
        """When the answer was true; shown whenever it did not come live."""
        return self.result.as_of if self.result is not None else None

    @property
    def from_copy(self) -> bool:
        """True when the answer came from the offline copy or the card, not from the agency."""
        return self.result is not None and self.result.source in (
            ResultSource.CACHE,
            ResultSource.CARD,
        )


def tile_state(result: AgencyResult | None, *, check_done: bool) -> TileState:
    """The tile state for an agency's answer (None: no answer yet, or none came)."""
    if result is None:
        return TileState.UNAVAILABLE if check_done else TileState.ASKING
    if result.status in (AgencyStatus.UNAVAILABLE, AgencyStatus.ERROR):
        return TileState.UNAVAILABLE
    if result.status is AgencyStatus.NOT_FOUND or not result.entitlements:
        return TileState.NOT_REGISTERED
    if result.source is ResultSource.CACHE:
        return TileState.CACHED
    if result.source is ResultSource.CARD:
        return TileState.CARD
    return TileState.LIVE


def age_on(today: date, birth_date: date | None, birth_year: int | None) -> int | None:
    """Age in whole years on `today`; from the year alone when the card gives no full date."""
    if birth_date is not None:
        before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
        return today.year - birth_date.year - int(before_birthday)
    if birth_year is not None:
        return today.year - birth_year
    return None


@dataclass(frozen=True, slots=True)
class SessionView:
    """Everything the screens render, for one moment of the session."""

    state: SessionState
    token: int  # the session's number; a new number means a new citizen
    preferences: Preferences
    agencies: tuple[AgencyInfo, ...]
    retention_days: int
    out_of_service: frozenset[OutOfServiceCause] = frozenset()
    holder: Holder | None = None
    tiles: tuple[Tile, ...] = ()
    detail: Tile | None = None  # the agency whose detail is open
    warning_until: float | None = None  # on the session's clock; None: no inactivity warning
    end_reason: EndReason | None = None  # why the kiosk waits for the card to be taken
    failure: ReadFailure | None = None  # set with end_reason READ_FAILED
    menu: tuple[ServiceDefinition, ...] = ()  # the services (no personal data): with the results
    record: RecordView | None = None  # the service the citizen opened

    @property
    def all_answered(self) -> bool:
        """True once no tile is still asking."""
        return all(t.state is not TileState.ASKING for t in self.tiles)

    @property
    def holds_personal_data(self) -> bool:
        """True while the view names a citizen or shows their answers."""
        return (
            self.holder is not None
            or any(t.result is not None for t in self.tiles)
            or (self.record is not None and self.record.result is not None)
        )
