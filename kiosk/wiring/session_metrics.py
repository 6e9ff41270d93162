"""The session's share of the fleet metrics (`kiosk.metrics`): cards read, sessions by how they
ended, card reads that failed by cause, and the time spent out of service.

Labels are end reasons and error kinds: never anything about a citizen.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.metrics import KioskMetrics
from kiosk.session.commands import EndSession, SessionCommand
from kiosk.session.view import SessionState, SessionView


class SessionMetrics:
    """A `kiosk.session.ports.SessionWatch` that counts into `metrics`; also the card port's
    failure hook (`card_read_failed`)."""

    def __init__(self, metrics: KioskMetrics) -> None:
        self._metrics = metrics
        self._consent_of: int | None = None  # the session whose card read was counted

    def session_changed(self, commands: Sequence[SessionCommand], view: SessionView) -> None:
        """Count card reads (a session reaching consent), ended sessions; track out-of-service
        time."""
        if view.state is SessionState.CONSENT and view.token != self._consent_of:
            self._consent_of = view.token
            self._metrics.card_reads.inc()
        for command in commands:
            if isinstance(command, EndSession):
                self._metrics.sessions.labels(outcome=command.reason.value).inc()
        # Maintenance mode hides the out-of-service screen, not its causes: while one holds,
        # the kiosk still cannot serve.
        held = view.state is SessionState.MAINTENANCE and bool(view.out_of_service)
        self._metrics.set_out_of_service(view.state is SessionState.OUT_OF_SERVICE or held)

    def card_read_failed(self, cause: str) -> None:
        """One card read failed (`cause`: the reader's error kind). Any thread."""
        self._metrics.card_read_failures.labels(cause=cause).inc()
