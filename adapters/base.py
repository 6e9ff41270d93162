"""The contract between the kiosk and an agency: identity in, `AgencyResult` out.

Everything here is plain data plus one abstract class. Results serialise to the JSON of
docs/command-line.md, "`kiosk check CID --json`" (`to_json`) and back (`from_json`), which is
also how the offline cache stores them.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from adapters.deadline import Deadline
from cardreader.cid import mask_cid


class AgencyStatus(StrEnum):
    """What the agency said about this citizen, or that it said nothing usable."""

    OK = "ok"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    ERROR = "error"


class ResultSource(StrEnum):
    """Where an answer came from."""

    LIVE = "live"
    CACHE = "cache"
    CARD = "card"
    NONE = "none"


class EntitlementStatus(StrEnum):
    """Whether an entitlement can be used now."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"


class FailureReason(StrEnum):
    """Why a live answer failed; the UI and maintenance mode word it for people."""

    TIMEOUT = "timeout"  # no answer within the deadline
    UNREACHABLE = "unreachable"  # connection refused / reset / DNS / TLS
    SERVER_ERROR = "server_error"  # 5xx after the one retry
    BAD_ANSWER = "bad_answer"  # a body that breaks the contract
    AUTH = "auth"  # token refused after one refresh
    CIRCUIT_OPEN = "circuit_open"  # skipped: the agency failed repeatedly, probed in background
    OFFLINE = "offline"  # skipped: the connectivity monitor sees the agency down
    INTERNAL = "internal"  # a bug in an adapter; logged with traceback, no personal data


@dataclass(frozen=True, slots=True)
class CitizenIdentity:
    """Who is asking: the CID, plus what the card adds when the check starts from a card."""

    cid: str = field(repr=False)

    def __repr__(self) -> str:
        return f"CitizenIdentity({mask_cid(self.cid)})"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class Entitlement:
    """One right or benefit, with Thai and English titles."""

    code: str
    title_th: str
    title_en: str
    status: EntitlementStatus
    valid_from: date | None = None
    valid_until: date | None = None
    amount_thb: float | None = None
    period: str | None = None  # "monthly", "quarterly", "yearly", "once"
    details: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The entitlement as in the `kiosk check --json` contract."""
        return {
            "code": self.code,
            "title_th": self.title_th,
            "title_en": self.title_en,
            "status": self.status.value,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "amount_thb": self.amount_thb,
            "period": self.period,
            "details": dict(self.details),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entitlement:
        """Inverse of `to_json`."""
        return cls(
            code=str(data["code"]),
            title_th=str(data["title_th"]),
            title_en=str(data["title_en"]),
            status=EntitlementStatus(data["status"]),
            valid_from=_date_or_none(data.get("valid_from")),
            valid_until=_date_or_none(data.get("valid_until")),
            amount_thb=float(data["amount_thb"]) if data.get("amount_thb") is not None else None,
            period=data.get("period"),
            details={str(k): str(v) for k, v in (data.get("details") or {}).items()},
        )


@dataclass(frozen=True, slots=True)
class AgencyResult:
    """One agency's answer for one citizen, as the kiosk reports it."""

    agency: str
    status: AgencyStatus
    source: ResultSource
    as_of: datetime | None
    message: str = ""  # plain English, no personal data; the UI words `reason` itself
    entitlements: tuple[Entitlement, ...] = ()
    reason: FailureReason | None = None  # set whenever the live answer failed
    info: Mapping[str, str] = field(default_factory=dict)  # e.g. NHSO's own status code

    def with_source(
        self, source: ResultSource, *, reason: FailureReason | None, message: str
    ) -> AgencyResult:
        """This answer served from elsewhere (cache, card), saying why the live one failed."""
        return replace(self, source=source, reason=reason, message=message)

    def to_json(self, name_th: str = "", name_en: str = "") -> dict[str, Any]:
        """The agency object of the `kiosk check --json` contract."""
        return {
            "agency": self.agency,
            "name_th": name_th,
            "name_en": name_en,
            "status": self.status.value,
            "source": self.source.value,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "message": self.message,
            "entitlements": [e.to_json() for e in self.entitlements],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AgencyResult:
        """Inverse of `to_json` (display names are not part of the result)."""
        as_of = data.get("as_of")
        return cls(
            agency=str(data["agency"]),
            status=AgencyStatus(data["status"]),
            source=ResultSource(data["source"]),
            as_of=datetime.fromisoformat(as_of) if as_of else None,
            message=str(data.get("message", "")),
            entitlements=tuple(Entitlement.from_json(e) for e in data.get("entitlements", ())),
        )


@dataclass(frozen=True, slots=True)
class HealthProbe:
    """The result of probing an agency's own endpoint (no citizen involved)."""

    ok: bool
    latency_s: float | None
    detail: str = ""  # plain English cause when not ok
    server_date: datetime | None = None  # the HTTP `Date` header, for `kiosk doctor`'s clock check


class AgencyAdapter(abc.ABC):
    """One agency. Subclasses set the class attributes and implement `check` and `probe`.

    `check` must return within the deadline and never raise: every failure is an
    `AgencyResult` with status `unavailable` or `error` and a `reason`.
    """

    id: str
    name_th: str
    name_en: str
    hotline: str = ""
    web: str = ""

    @abc.abstractmethod
    def check(self, identity: CitizenIdentity, deadline: Deadline) -> AgencyResult:
        """Ask the agency about one citizen."""

    @abc.abstractmethod
    def probe(self, deadline: Deadline) -> HealthProbe:
        """Ask the agency's endpoint whether it answers at all."""

    def close(self) -> None:  # noqa: B027 - optional hook, most adapters hold nothing to close
        """Release sessions and sockets."""

    def credentials(self) -> CredentialReport | None:
        """What `kiosk doctor` may say of this adapter's credentials without calling the agency
        (which API, whether the agency refused them last time); None: nothing to say."""
        return None


@dataclass(frozen=True, slots=True)
class CredentialReport:
    """An adapter's credentials as `kiosk doctor` reports them: never a value."""

    api: str  # which of the agency's APIs is spoken
    summary: str  # one sentence: which credential, and its state
    refused: bool = False  # the agency refused it at the last use


def _date_or_none(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


class AgencyCallError(Exception):
    """A call failed. `message` is plain English with no URL, CID, name or token in it.

    `body`: what a server that answered 5xx said, for the adapter to read an error code from
    (never logged or shown as it is)."""

    def __init__(self, reason: FailureReason, message: str, *, body: bytes = b"") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.body = body
