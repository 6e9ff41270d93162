"""The records part of a session: which service the citizen opened, what each answered, and
whether a sensitive record was shown.

Plain data behind `Session`: nothing is asked until the citizen taps a service (the session
then issues `StartLookup`), an answer is kept for the rest of the session (tapping the service
again shows it without asking again), and everything goes with the session's other personal
fields (`wipe`). A hand-off asks nothing: opening it only shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.base import AgencyStatus
from adapters.services.definition import ServiceDefinition
from adapters.services.record import LookupResult
from kiosk.session.commands import PrintRecord, StartLookup
from kiosk.session.events import RecordClosed, RecordOpened, RecordPrintRequested, RecordRevealed


@dataclass(frozen=True, slots=True)
class RecordView:
    """The open service as the record screen shows it. `result` None: still asking (a record)
    or nothing to ask (a hand-off). `hidden`: a sensitive record waiting for its second tap."""

    service: ServiceDefinition
    result: LookupResult | None
    hidden: bool

    @property
    def asking(self) -> bool:
        """True while a record service's answer has not come."""
        return self.service.kind == "record" and self.result is None

    @property
    def printable(self) -> bool:
        """A record with something to print, shown (a sensitive one only after its tap)."""
        result = self.result
        return (
            result is not None
            and result.status is AgencyStatus.OK
            and result.record is not None
            and not self.hidden
        )


class SessionRecords:
    """The services a session opened and their answers. See the module docstring."""

    def __init__(self, menu: tuple[ServiceDefinition, ...]) -> None:
        self._menu = {service.id: service for service in menu}
        self._answers: dict[str, LookupResult] = {}
        self._asking: set[str] = set()
        self._shown: set[str] = set()  # sensitive records the citizen chose to show
        self._open: str | None = None

    @property
    def held(self) -> bool:
        """True while anything of the citizen is held (an answer, an open or asked service)."""
        return bool(self._answers or self._asking or self._shown or self._open)

    def open(self, service_id: str) -> bool:
        """Open a service of the menu; True when it must be asked now (a record not yet
        answered nor being asked). An id not on the menu is ignored."""
        service = self._menu.get(service_id)
        if service is None:
            return False
        self._open = service_id
        if service.kind != "record" or service_id in self._answers:
            return False
        if service_id in self._asking:
            return False
        self._asking.add(service_id)
        return True

    def answered(self, result: LookupResult) -> None:
        """A service's answer came (shown if its record is open, kept for the session)."""
        if result.service not in self._asking:
            return  # not asked in this session
        self._asking.discard(result.service)
        self._answers[result.service] = result

    def reveal(self) -> None:
        """The second tap on a sensitive record."""
        if self._open is not None:
            self._shown.add(self._open)

    def close(self) -> None:
        """Back to the results."""
        self._open = None

    def touched(
        self,
        event: RecordOpened | RecordRevealed | RecordClosed | RecordPrintRequested,
        token: int,
        cid: str,
        *,
        opt_out: bool,
    ) -> StartLookup | PrintRecord | None:
        """Apply a touch of session `token` (the citizen `cid`); the command it asks for."""
        match event:
            case RecordOpened(service):
                if self.open(service):
                    return StartLookup(token, service, cid, opt_out)
            case RecordRevealed():
                self.reveal()
            case RecordClosed():
                self.close()
            case RecordPrintRequested():
                printable = self.printable()
                if printable is not None:
                    return PrintRecord(token, printable)
        return None

    def printable(self) -> str | None:
        """The id of the open record when it can be printed, else None."""
        view = self.view()
        return view.service.id if view is not None and view.printable else None

    def view(self) -> RecordView | None:
        """The open service, or None."""
        if self._open is None:
            return None
        service = self._menu[self._open]
        hidden = service.sensitive and self._open not in self._shown
        return RecordView(service, self._answers.get(self._open), hidden)

    def wipe(self) -> None:
        """Drop everything (the session ended)."""
        self._answers = {}
        self._asking = set()
        self._shown = set()
        self._open = None
