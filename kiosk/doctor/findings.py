"""What a check finds: a verdict, one sentence of cause, one of fix, and a few details.

Shared by the doctor's checks (`kiosk.doctor`), maintenance mode's status page and the command
line; nothing here runs a check or prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

JsonValue: TypeAlias = (
    str | int | float | bool | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)
Details: TypeAlias = Mapping[str, JsonValue]


class Verdict(StrEnum):
    """How a check came out. `warn` does not fail the doctor; `fail` does."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


_RANK = {Verdict.OK: 0, Verdict.WARN: 1, Verdict.FAIL: 2}


def worst(verdicts: Sequence[Verdict]) -> Verdict:
    """The most serious of `verdicts` (ok for none)."""
    return max(verdicts, key=_RANK.__getitem__, default=Verdict.OK)


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's outcome: what was found, in one sentence, and what to do about it.

    `check` is a stable id (`pcscd`, `agency.nhso`) for scripts and tests; `title` names it for
    people. `fix` is empty when there is nothing to do.
    """

    check: str
    title: str
    verdict: Verdict
    cause: str
    fix: str = ""
    details: Details = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The finding as one object of the `kiosk doctor --json` document."""
        return {
            "check": self.check,
            "title": self.title,
            "verdict": self.verdict.value,
            "cause": self.cause,
            "fix": self.fix,
            "details": dict(self.details),
        }


def ok(check: str, title: str, cause: str, **details: JsonValue) -> Finding:
    """A passing finding."""
    return Finding(check, title, Verdict.OK, cause, "", details)


def warn(check: str, title: str, cause: str, fix: str, **details: JsonValue) -> Finding:
    """A finding worth attention that does not stop the kiosk."""
    return Finding(check, title, Verdict.WARN, cause, fix, details)


def fail(check: str, title: str, cause: str, fix: str, **details: JsonValue) -> Finding:
    """A finding that keeps the kiosk (or a part of it) from working."""
    return Finding(check, title, Verdict.FAIL, cause, fix, details)
