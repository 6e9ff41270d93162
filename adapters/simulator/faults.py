"""Faults the simulator injects, per agency or for all: `TARGET=KIND[:VALUE][@TIMES]`.

Targets: an agency id (its own paths; `nhso` covers NHSO's token path too), `gdx` (the whole
gateway: the token path and every path served through it), a record service's id or family
(`water_account.mwa`, `water_account`), `services` (every record service), or `all`.

Kinds:
- `latency:MS`     wait MS milliseconds before answering (adds up with other latencies)
- `status:CODE`    answer CODE with `{"error": "injected"}`
- `malformed`      answer 200 with a body that is not JSON
- `hang`           never answer (until the simulator stops)
- `reset`          reset the connection (TCP RST) without answering
- `expired_token`  treat the token of a data call as expired: 401 (UCWS: `NHSO-00003`)
- `gdx_error:CODE` answer 500 with GDX's own error body, `{"Message": ..., "Code": "CODE"}`

`@TIMES` limits a fault to the next TIMES matching requests (`sso=status:503@1`: one 5xx, then
normal answers); without it a fault stays until cleared.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, replace
from typing import Any

KINDS = ("latency", "status", "malformed", "hang", "reset", "expired_token", "gdx_error")
_VALUED = {"latency", "status", "gdx_error"}
AGENCY_TARGETS = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")
TARGETS = (*AGENCY_TARGETS, "gdx", "services", "all")
_SERVICE_TARGET = re.compile(r"^[a-z][a-z0-9_]{1,47}(\.[a-z][a-z0-9_]{1,31})?$")


class FaultError(ValueError):
    """A fault that cannot be understood."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault."""

    target: str
    kind: str
    value: int | None = None  # milliseconds for latency, the status code for status
    times: int | None = None  # None: until cleared

    def __post_init__(self) -> None:
        if self.target not in TARGETS and not _SERVICE_TARGET.fullmatch(self.target):
            raise FaultError(
                f"unknown target '{self.target}' (one of {', '.join(TARGETS)}, or a service id)"
            )
        if self.kind not in KINDS:
            raise FaultError(f"unknown fault '{self.kind}' (one of {', '.join(KINDS)})")
        if self.kind in _VALUED and self.value is None:
            raise FaultError(f"fault '{self.kind}' needs a value, e.g. {self.kind}:200")
        if self.kind == "status" and not (200 <= (self.value or 0) <= 599):
            raise FaultError("a status fault needs an HTTP status code (200-599)")
        if self.kind == "latency" and (self.value or 0) < 0:
            raise FaultError("latency cannot be negative")
        if self.times is not None and self.times < 1:
            raise FaultError("@TIMES must be at least 1")

    def to_json(self) -> dict[str, Any]:
        """As the control endpoint shows it."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> Fault:
        """From the control endpoint's JSON: `{"spec": "..."}` or the fields themselves."""
        if not isinstance(data, dict):
            raise FaultError("a fault is an object")
        if "spec" in data:
            return parse_fault(str(data["spec"]))
        try:
            return cls(
                target=str(data["target"]),
                kind=str(data["kind"]),
                value=_int_or_none(data.get("value")),
                times=_int_or_none(data.get("times")),
            )
        except KeyError as exc:
            raise FaultError(f"a fault needs '{exc.args[0]}'") from None


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FaultError("fault values are whole numbers")
    try:
        return int(value)
    except ValueError:
        raise FaultError("fault values are whole numbers") from None


def parse_fault(spec: str) -> Fault:
    """`TARGET=KIND[:VALUE][@TIMES]` as a `Fault`."""
    target, sep, rest = spec.strip().partition("=")
    if not sep or not rest:
        raise FaultError(f"'{spec}': expected TARGET=KIND[:VALUE][@TIMES]")
    rest, at, times = rest.partition("@")
    kind, colon, value = rest.partition(":")
    return Fault(
        target=target.strip(),
        kind=kind.strip(),
        value=_int_or_none(value.strip()) if colon else None,
        times=_int_or_none(times.strip()) if at else None,
    )


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """What to do to one request: wait `latency_s`, then the action (None: answer normally)."""

    latency_s: float = 0.0
    action: Fault | None = None


class FaultBoard:
    """The faults in force; thread-safe, shared by the simulator's request threads."""

    def __init__(
        self, faults: tuple[Fault, ...] = (), *, services: frozenset[str] = frozenset()
    ) -> None:
        """`services`: the record services' ids and families served (other service-shaped
        targets are refused as typos)."""
        self._lock = threading.Lock()
        self._services = services
        self._faults: list[Fault] = []
        for fault in faults:
            self.add(fault)

    def add(self, fault: Fault) -> None:
        """Put a fault in force; `FaultError` for a target nothing is served under."""
        if fault.target not in TARGETS and fault.target not in self._services:
            raise FaultError(
                f"unknown target '{fault.target}' (one of {', '.join(TARGETS)}, "
                "or a record service the simulator serves)"
            )
        with self._lock:
            self._faults.append(fault)

    def clear(self, target: str | None = None) -> None:
        """Lift every fault, or those of one target."""
        with self._lock:
            self._faults = [f for f in self._faults if target is not None and f.target != target]

    def list(self) -> list[Fault]:
        """The faults in force."""
        with self._lock:
            return list(self._faults)

    def plan(self, targets: frozenset[str], *, has_token: bool) -> FaultPlan:
        """The faults that apply to a request matching `targets`, using up limited ones.

        Latencies add up; the first other fault is the action. `expired_token` applies only to
        a data call that carries a token.
        """
        with self._lock:
            latency_ms = 0
            action: Fault | None = None
            kept: list[Fault] = []
            for fault in self._faults:
                used = False
                if fault.target in targets:
                    if fault.kind == "latency":
                        latency_ms += fault.value or 0
                        used = True
                    elif action is None and (fault.kind != "expired_token" or has_token):
                        action = fault
                        used = True
                if used and fault.times is not None:
                    if fault.times > 1:
                        kept.append(replace(fault, times=fault.times - 1))
                    continue
                kept.append(fault)
            self._faults = kept
            return FaultPlan(latency_s=latency_ms / 1000.0, action=action)
