"""The maintenance PIN: a salted scrypt hash in its own file, and lockout after wrong tries.

The PIN has no default. `kiosk set-pin` writes the hash to `maintenance.pin_file`, apart from the
main config so that a broken config cannot lock technicians out. With no PIN file, maintenance
entry is disabled (and `kiosk doctor` says so). Five wrong PINs lock entry for five minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
MAX_WRONG = 5
LOCKOUT_S = 300.0
# scrypt cost: ~50 ms on a kiosk-class CPU, 16 MiB of memory; stored with the hash so it can grow.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class PinError(ValueError):
    """A PIN that cannot be set (wrong length or not digits), or an unreadable PIN file."""


def validate_new_pin(pin: str) -> None:
    """Raise `PinError` unless `pin` is 4 to 12 ASCII digits and not all one digit."""
    if not (pin.isascii() and pin.isdigit()):
        raise PinError("the PIN must be digits only")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise PinError(f"the PIN must have {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits")
    if len(set(pin)) == 1:
        raise PinError("the PIN must not be one digit repeated")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def write_pin(path: Path, pin: str) -> None:
    """Hash `pin` with a fresh salt and write it to `path` atomically, mode 0600."""
    validate_new_pin(pin)
    salt = secrets.token_bytes(16)
    doc = {
        "algorithm": "scrypt",
        "n": _SCRYPT_N,
        "r": _SCRYPT_R,
        "p": _SCRYPT_P,
        "salt": salt.hex(),
        "hash": _derive(pin, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P).hex(),
    }
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class _StoredPin:
    salt: bytes
    digest: bytes
    n: int
    r: int
    p: int


def _read_pin(path: Path) -> _StoredPin | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise PinError(f"the PIN file {path} cannot be read ({type(exc).__name__})") from None
    try:
        if doc["algorithm"] != "scrypt":
            raise PinError(f"the PIN file {path} uses an unknown algorithm")
        return _StoredPin(
            bytes.fromhex(doc["salt"]), bytes.fromhex(doc["hash"]), doc["n"], doc["r"], doc["p"]
        )
    except (KeyError, TypeError, ValueError):
        raise PinError(f"the PIN file {path} is damaged; set the PIN again") from None


def pin_is_set(path: Path) -> bool:
    """True when a readable PIN file exists."""
    try:
        return _read_pin(path) is not None
    except PinError:
        return False


class PinOutcome(StrEnum):
    """What a PIN attempt led to."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong tries; wait
    NOT_SET = "not_set"  # no PIN file: maintenance entry is disabled


@dataclass(frozen=True, slots=True)
class PinVerdict:
    """The outcome, with how many tries are left or how long the lock lasts."""

    outcome: PinOutcome
    tries_left: int = 0
    locked_for_s: float = 0.0


class PinGate:
    """Checks PIN attempts against the PIN file, locking entry after `MAX_WRONG` wrong ones.

    The lock lives in memory: a restart clears it, but a restart needs physical access to the
    kiosk, which is the threat the PIN does not cover anyway.
    """

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self._path = path
        self._clock = clock
        self._wrong = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds until entry unlocks; 0 when not locked."""
        return max(0.0, self._locked_until - self._clock())

    def attempt(self, pin: str) -> PinVerdict:
        """Check one attempt. Reads the file each time, so `kiosk set-pin` applies at once."""
        if (left := self.locked_for()) > 0:
            return PinVerdict(PinOutcome.LOCKED, locked_for_s=left)
        try:
            stored = _read_pin(self._path)
        except PinError:
            stored = None
        if stored is None:
            return PinVerdict(PinOutcome.NOT_SET)
        candidate = _derive(pin, stored.salt, stored.n, stored.r, stored.p)
        if hmac.compare_digest(candidate, stored.digest):
            self._wrong = 0
            return PinVerdict(PinOutcome.ACCEPTED)
        self._wrong += 1
        if self._wrong >= MAX_WRONG:
            self._wrong = 0
            self._locked_until = self._clock() + LOCKOUT_S
            return PinVerdict(PinOutcome.LOCKED, locked_for_s=LOCKOUT_S)
        return PinVerdict(PinOutcome.WRONG, tries_left=MAX_WRONG - self._wrong)
