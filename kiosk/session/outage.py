"""Why the kiosk is out of service: in the log when it happens, and kept for maintenance mode.

The session knows the causes (no reader, pcscd down, config broken, starting); the wiring knows
the details (the configuration error naming the key, why the card service could not start).
`Outages` hears both and keeps what holds now, each cause with when it began — never anything
about a citizen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kiosk.session.commands import SessionCommand
from kiosk.session.view import OutOfServiceCause, SessionView

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outage:
    """One cause of being out of service, since `since` (on the record's monotonic clock)."""

    cause: OutOfServiceCause
    since: float
    detail: str = ""  # one plain sentence for the technician, e.g. the config key at fault


class Outages:
    """The causes that hold now and their details. A `kiosk.session.ports.SessionWatch`;
    `current()` may be read from any thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._since: dict[OutOfServiceCause, float] = {}
        self._details: dict[OutOfServiceCause, str] = {}
        self._down_since: float | None = None

    def note(self, cause: OutOfServiceCause, detail: str) -> None:
        """Keep the details of `cause` (already logged by whoever found it)."""
        with self._lock:
            self._details[cause] = detail

    def current(self) -> tuple[Outage, ...]:
        """The causes that hold now, oldest first."""
        with self._lock:
            return tuple(
                Outage(cause, since, self._details.get(cause, ""))
                for cause, since in sorted(self._since.items(), key=lambda item: item[1])
            )

    def session_changed(self, commands: Sequence[SessionCommand], view: SessionView) -> None:
        """Log causes as they come and go."""
        del commands
        causes = set(view.out_of_service)
        now = self._clock()
        with self._lock:
            came = causes - self._since.keys()
            gone = self._since.keys() - causes
            for cause in came:
                self._since[cause] = now
            for cause in gone:
                del self._since[cause]
                self._details.pop(cause, None)
            was_down, self._down_since = (
                self._down_since,
                (self._down_since or now) if causes else None,
            )
        for cause in sorted(came - {OutOfServiceCause.STARTING}):
            log.warning("out of service: %s", cause.value)
        if was_down is not None and not causes:
            log.info("in service again after %.1f s", now - was_down)
