"""One deadline for a whole agency check: every connect and read timeout is at most the time
left."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point on the monotonic clock after which nobody waits any more."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    @property
    def expired(self) -> bool:
        """True once the deadline has passed."""
        return time.monotonic() >= self.at

    def timeout(self, cap: float | None = None) -> float:
        """A timeout for one blocking call: the time left, and at most `cap` when given."""
        left = self.remaining()
        return left if cap is None else min(cap, left)
