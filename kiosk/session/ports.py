"""The seams the kiosk's wiring fills: how a session reads a card, checks the agencies and
audits a consent, and who else hears about it. The screen's controller calls these on the GUI
thread; each must return at once and report through the feed it is given, from any thread (see
`kiosk.session.feed`). A consent audit writes a file: the controller runs it on a worker.

A blocking implementation (a plain `read(reader, progress)` or `check(request, on_result)`
function) is made non-blocking by `ui.worker.WorkerCardReading` / `WorkerAgencyChecking`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from kiosk.session.check_request import CheckRequest
from kiosk.session.commands import SessionCommand, StartLookup
from kiosk.session.feed import CheckFeed, ReadFeed, RecordFeed
from kiosk.session.view import SessionView


class CardReadPort(Protocol):
    """Starts card reads on the reader thread."""

    def start_read(self, reader: str, progress: ReadFeed) -> None:
        """Read the card in `reader`, reporting CID, identity and photo through `progress`."""

    def cancel_read(self, token: int) -> None:
        """Session `token` ended: stop its read if it is still running (late reports are
        ignored by the session anyway)."""


class AgencyCheckPort(Protocol):
    """Starts agency checks on workers."""

    def start_check(self, request: CheckRequest, feed: CheckFeed) -> None:
        """Ask every enabled agency what `request` says; report each answer, then done,
        through `feed` (whose token names the session)."""

    def cancel_check(self, token: int) -> None:
        """Session `token` ended: nobody waits for its stragglers."""


class RecordLookupPort(Protocol):
    """Starts record lookups on workers (one service, one citizen, when they tap it)."""

    def start_lookup(self, lookup: StartLookup, feed: RecordFeed) -> None:
        """Ask `lookup.service` about `lookup.cid`; report the answer through `feed`."""

    def cancel_lookups(self, token: int) -> None:
        """Session `token` ended: its late answers are dropped."""


class ConsentAudit(Protocol):
    """Writes consent decisions to the audit log, with no personal data."""

    def record_consent(self, session: int, agreed: bool, opt_out: bool) -> None:
        """One consent decision of session number `session` (a counter, not a person)."""


class SessionWatch(Protocol):
    """Hears what each event did (metrics, the out-of-service record). Called on the session's
    thread after every event: it must return at once."""

    def session_changed(self, commands: Sequence[SessionCommand], view: SessionView) -> None:
        """The commands one event produced and the view after it."""


class _AuditRecorder(Protocol):
    """The part of `kiosk.audit.AuditLog` used here."""

    def record(
        self,
        event: str,
        *,
        actor: str,
        cid: str | None = None,
        detail: Mapping[str, str | int | float | bool | None] | None = None,
    ) -> bool:
        """Append one audit line."""


class AuditLogConsent:
    """`ConsentAudit` over the kiosk's audit log: `consent.agreed` / `consent.declined`, with the
    session number and the opt-out; no CID (the decision names nobody)."""

    def __init__(self, audit_log: _AuditRecorder, actor: str = "kiosk") -> None:
        self._log = audit_log
        self._actor = actor

    def record_consent(self, session: int, agreed: bool, opt_out: bool) -> None:
        """Write one line; a log that cannot be written is reported by the audit log itself."""
        event = "consent.agreed" if agreed else "consent.declined"
        self._log.record(event, actor=self._actor, detail={"session": session, "opt_out": opt_out})
