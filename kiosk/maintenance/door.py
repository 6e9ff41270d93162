"""Maintenance mode, the Qt-free part: how a technician gets in, and what the audit log keeps.

The way in, in order:

1. a hidden gesture — five taps in the top-left corner within three seconds (`CornerTaps`) —
   or, with a keyboard attached, the key chord Ctrl+Alt+M;
2. the door (`MaintenanceDoor.knock`): refused while a citizen is served or taking their card
   (entry only from the attract or out-of-service screen: `MAINTENANCE_ENTRY_STATES`), refused
   with no PIN set ("run kiosk set-pin") or while locked after five wrong PINs; else the PIN pad;
3. the PIN (`MaintenanceDoor.attempt`, `kiosk.pin.PinGate`): five wrong ones lock entry for five
   minutes;
4. the session takes `MaintenanceEntered` and holds the kiosk (no card is read) until the
   technician leaves or `maintenance.idle_s` passes untouched (`kiosk.session.machine`).

Every knock, every PIN attempt (accepted / wrong / locked / not set), every entry and exit and
every action goes to the audit log (`maintenance.*` lines, actor `maintenance`) — never a PIN
digit, never anything about a citizen. Both calls that touch files (`knock`, `attempt`: the PIN
file, scrypt, the audit log) block: run them on a worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from kiosk.pin import PinGate, PinOutcome, PinVerdict, pin_is_set
from kiosk.session.view import MAINTENANCE_ENTRY_STATES, SessionState

log = logging.getLogger(__name__)

GESTURE_TAPS = 5
GESTURE_WITHIN_S = 3.0
# The corner is a square of this share of the window's short side (130 px on a 1080 px side),
# never under 90 px: found by a finger without looking, too small to hit by chance.
CORNER_SHARE = 0.12
CORNER_MIN_PX = 90
AUDIT_ACTOR = "maintenance"
# "Exit to the desktop" ends `kiosk run` with its own code, which the systemd unit names in
# `RestartPreventExitStatus=` and `SuccessExitStatus=`, so systemd leaves the kiosk closed
# (`Restart=always` would start it again after any other exit). "Restart" rebuilds the kiosk
# in the same process (`ui.run`), so it works the same under systemd, in the demo and in tests.
DESKTOP_EXIT_CODE = 10

AuditValue = str | int | float | bool | None


class AuditRecorder(Protocol):
    """The part of `kiosk.audit.AuditLog` the door writes to."""

    def record(
        self,
        event: str,
        *,
        actor: str,
        cid: str | None = None,
        detail: Mapping[str, AuditValue] | None = None,
    ) -> bool:
        """Append one audit line; False when it could not be written."""
        ...


def corner_px(width: int, height: int) -> int:
    """The side of the top-left square that counts for the gesture, for a window this size."""
    return max(CORNER_MIN_PX, round(min(width, height) * CORNER_SHARE))


class CornerTaps:
    """The hidden gesture: `taps` taps in the top-left corner within `within_s` seconds.

    A tap anywhere else starts the count again, so ordinary use of the screen never adds up to
    the gesture.
    """

    def __init__(self, taps: int = GESTURE_TAPS, within_s: float = GESTURE_WITHIN_S) -> None:
        self._taps = taps
        self._within_s = within_s
        self._times: deque[float] = deque()

    def tap(self, x: float, y: float, corner: float, at: float) -> bool:
        """One tap at (`x`, `y`) in window coordinates, at time `at` (seconds, monotonic);
        True when it completes the gesture (the count then starts again)."""
        if not (0 <= x < corner and 0 <= y < corner):
            self._times.clear()
            return False
        self._times.append(at)
        while self._times and at - self._times[0] > self._within_s:
            self._times.popleft()
        if len(self._times) >= self._taps:
            self._times.clear()
            return True
        return False

    def reset(self) -> None:
        """Forget the taps so far."""
        self._times.clear()


class EntryOutcome(StrEnum):
    """What knocking on the door led to."""

    ASK_PIN = "ask_pin"  # show the PIN pad
    SESSION_OPEN = "session_open"  # a citizen is being served: no entry, nothing shown
    NOT_SET = "not_set"  # no PIN set: maintenance is disabled
    LOCKED = "locked"  # too many wrong PINs: wait


@dataclass(frozen=True, slots=True)
class EntryAnswer:
    """The door's answer to a knock (with how long a lock lasts)."""

    outcome: EntryOutcome
    locked_for_s: float = 0.0


def entry_allowed(state: SessionState) -> bool:
    """True where a technician may enter: the attract or the out-of-service screen."""
    return state in MAINTENANCE_ENTRY_STATES


class MaintenanceDoor:
    """The PIN gate and the audit of maintenance mode. Thread-safe; its calls block (files)."""

    def __init__(
        self,
        pin_file: Path,
        audit: AuditRecorder,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pin_file = pin_file
        self._audit = audit
        self._gate = PinGate(pin_file, clock)
        self._lock = threading.Lock()

    @property
    def pin_file(self) -> Path:
        """Where the PIN's hash is read from (`maintenance.pin_file`)."""
        return self._pin_file

    def knock(self, state: SessionState, via: str) -> EntryAnswer:
        """The gesture or key chord (`via`) was seen while the session was in `state`."""
        with self._lock:
            locked_for = self._gate.locked_for()
        if not entry_allowed(state):
            answer = EntryAnswer(EntryOutcome.SESSION_OPEN)
        elif locked_for > 0:
            answer = EntryAnswer(EntryOutcome.LOCKED, locked_for)
        elif not pin_is_set(self._pin_file):
            answer = EntryAnswer(EntryOutcome.NOT_SET)
        else:
            answer = EntryAnswer(EntryOutcome.ASK_PIN)
        detail: dict[str, AuditValue] = {"via": via, "outcome": answer.outcome.value}
        if answer.outcome is EntryOutcome.LOCKED:
            detail["locked_for_s"] = round(answer.locked_for_s)
        if answer.outcome is not EntryOutcome.ASK_PIN:
            log.info("maintenance entry refused: %s", answer.outcome.value)
        self.record("knock", **detail)
        return answer

    def attempt(self, pin: str) -> PinVerdict:
        """Check one PIN (scrypt: ~50 ms) and audit the outcome (never the digits)."""
        with self._lock:
            verdict = self._gate.attempt(pin)
        detail: dict[str, AuditValue] = {"outcome": verdict.outcome.value}
        if verdict.outcome is PinOutcome.WRONG:
            detail["tries_left"] = verdict.tries_left
        if verdict.outcome is PinOutcome.LOCKED:
            detail["locked_for_s"] = round(verdict.locked_for_s)
            log.warning("maintenance PIN: entry locked for %.0f s", verdict.locked_for_s)
        elif verdict.outcome is PinOutcome.WRONG:
            log.warning("maintenance PIN: a wrong PIN (%d tries left)", verdict.tries_left)
        self.record("pin", **detail)
        return verdict

    def locked_for(self) -> float:
        """Seconds until entry unlocks; 0 when not locked."""
        with self._lock:
            return self._gate.locked_for()

    def entered(self) -> None:
        """The session took maintenance mode."""
        log.info("maintenance mode entered")
        self.record("entered")

    def left(self, reason: str, seconds: float) -> None:
        """Maintenance mode ended (`reason`: a `MaintenanceEnd` value, `restart`, `exit`)."""
        log.info("maintenance mode left (%s) after %.0f s", reason, seconds)
        self.record("left", reason=reason, duration_s=round(seconds))

    def record(self, action: str, **detail: AuditValue) -> bool:
        """Audit `maintenance.<action>` with `detail` (which must name nobody)."""
        try:
            return self._audit.record(f"maintenance.{action}", actor=AUDIT_ACTOR, detail=detail)
        except ValueError as exc:  # a malformed event name: our bug, not the technician's
            log.error("maintenance audit line refused (%s)", exc)
            return False
