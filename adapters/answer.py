"""Reading an agency's answer strictly, and wording the results every adapter returns.

A body is validated against a pydantic model in strict mode (a listed field missing or of the
wrong type fails the whole answer) before anything is mapped, so no partial answer reaches the
screen. Validation errors are reduced to field paths and error kinds: pydantic's own text quotes
the input, which may be a citizen's name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from adapters.base import (
    AgencyCallError,
    AgencyResult,
    AgencyStatus,
    Entitlement,
    FailureReason,
    ResultSource,
)

# Thailand keeps one offset all year (no daylight saving), so a fixed zone needs no tz database
# in the frozen app.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

AnswerT = TypeVar("AnswerT", bound="AgencyAnswer")


def bangkok_now() -> datetime:
    """Now, in Bangkok time, to the second (as the JSON contract shows it)."""
    return datetime.now(UTC).astimezone(BANGKOK).replace(microsecond=0)


def _iso_date(value: object) -> object:
    """Accept `YYYY-MM-DD` and `YYYY-MM-DDThh:mm:ss` (NHSO sends both); leave others to fail."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]) if len(value) >= 10 else value
        except ValueError:
            return value  # rejected below as not a date
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class AgencyAnswer(BaseModel):
    """Base of every answer model: strict types, unlisted fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


def parse_answer(model: type[AnswerT], body: bytes, purpose: str) -> AnswerT:
    """The body as `model`, or `AgencyCallError(BAD_ANSWER)` naming the first bad field."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
        raise AgencyCallError(
            FailureReason.BAD_ANSWER,
            f"{purpose}: answer breaks the contract at {where} ({first['type']}){more}",
        ) from None


def live_result(
    agency: str,
    status: AgencyStatus,
    entitlements: tuple[Entitlement, ...] = (),
    *,
    message: str = "",
    info: dict[str, str] | None = None,
    as_of: datetime | None = None,
) -> AgencyResult:
    """A live answer (`ok` or `not_found`), stamped with the time it arrived."""
    return AgencyResult(
        agency=agency,
        status=status,
        source=ResultSource.LIVE,
        as_of=as_of or bangkok_now(),
        message=message,
        entitlements=entitlements,
        info=info or {},
    )


_UNAVAILABLE_REASONS = frozenset(
    {
        FailureReason.TIMEOUT,
        FailureReason.UNREACHABLE,
        FailureReason.SERVER_ERROR,
        FailureReason.CIRCUIT_OPEN,
        FailureReason.OFFLINE,
    }
)


def failed_result(agency: str, reason: FailureReason, message: str) -> AgencyResult:
    """No usable live answer: `unavailable` when the agency did not answer, else `error`."""
    status = AgencyStatus.UNAVAILABLE if reason in _UNAVAILABLE_REASONS else AgencyStatus.ERROR
    return AgencyResult(
        agency=agency,
        status=status,
        source=ResultSource.NONE,
        as_of=None,
        message=message,
        reason=reason,
    )


def from_call_error(agency: str, exc: AgencyCallError) -> AgencyResult:
    """The result for a call that failed."""
    return failed_result(agency, exc.reason, exc.message)


def is_not_found(status: int, body: bytes) -> bool:
    """The contract's "unknown citizen": HTTP 404 with `{"error": "not_found"}`."""
    if status != 404:
        return False
    try:
        return NotFoundAnswer.model_validate_json(body).error == "not_found"
    except ValidationError:
        return False


class NotFoundAnswer(AgencyAnswer):
    """The body of a 404 for a citizen the agency does not know."""

    error: str
