"""The citizen's session: the state machine of docs/architecture.md, in plain Python.

```
OutOfService <-> Idle --card in--> Reading --identity--> Consent --agree--> Querying --> Results
                  ^                   |                     |                            |
                  |            read failed            decline / timeout         finish / timeout
                  +---- card out <------------- AwaitRemoval ("please take your card")
```

`Session.handle(event)` applies one event and returns the commands the outside must carry out
(start a read or a check, run or stop a timer, audit the consent, wipe the screen, print);
`Session.view` is what the screens show. Every end of a session drops every personal field at
once; with the card still in, the kiosk waits in AwaitRemoval, so a new read needs the card out
and in again. Events of an ended session (a late photo, a late agency answer) carry its token and
are ignored.

Maintenance mode (`MaintenanceEntered`, after the PIN) is taken only from Idle or OutOfService:
never while a citizen is served or taking their card. It holds the kiosk: a card inserted
meanwhile is not read. Leaving it (`MaintenanceLeft`, or `maintenance_idle_s` untouched) goes to
OutOfService while a cause holds, else AwaitRemoval if a card is in (a new read needs it out and
in again), else Idle.

Not thread-safe by design: one thread (the GUI thread) calls `handle`; other threads post their
events to it (see `kiosk.session.feed`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from adapters.base import AgencyResult
from cardreader.types import CardData
from kiosk.session.check_request import CardRecord, CheckRequest
from kiosk.session.commands import (
    AuditConsent,
    BeginMaintenance,
    EndMaintenance,
    EndReason,
    EndSession,
    MaintenanceEnd,
    PrintSlip,
    SessionCommand,
    StartCheck,
    StartRead,
    StartTimer,
    StopTimer,
)
from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    CardRecordRead,
    CardRemoved,
    CheckFinished,
    CidRead,
    ConfigBroken,
    ConfigFixed,
    ConsentAgreed,
    ConsentDeclined,
    DetailClosed,
    DetailOpened,
    FinishPressed,
    HighContrastToggled,
    IdentityRead,
    LanguageToggled,
    LargeTextToggled,
    MaintenanceEntered,
    MaintenanceLeft,
    PhotoRead,
    PrintRequested,
    ReadersChanged,
    ReaderServiceChanged,
    ReadFailed,
    RecordAnswered,
    RecordClosed,
    RecordOpened,
    RecordPrintRequested,
    RecordRevealed,
    Reset,
    SessionEvent,
    Timer,
    TimerFired,
    UserActivity,
)
from kiosk.session.records import SessionRecords
from kiosk.session.settings import SessionSettings
from kiosk.session.view import (
    MAINTENANCE_ENTRY_STATES,
    SESSION_STATES,
    Holder,
    OutOfServiceCause,
    ReadFailure,
    SessionState,
    SessionView,
    Tile,
    tile_state,
)

log = logging.getLogger(__name__)

# A check has its own deadline; the guard only catches a check runner that never reports.
_CHECK_GUARD_MARGIN_S = 2.0
_ASKED_STATES = frozenset({SessionState.QUERYING, SessionState.RESULTS})
_TOUCH_STATES = frozenset({SessionState.CONSENT, SessionState.QUERYING, SessionState.RESULTS})


class Session:
    """The kiosk's one card slot and the citizen using it. See the module docstring."""

    def __init__(
        self,
        settings: SessionSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._today = today
        self._state = SessionState.OUT_OF_SERVICE
        self._causes: set[OutOfServiceCause] = {OutOfServiceCause.STARTING}
        self._slot: str | None = None
        self._card_present = False
        self._preferences = settings.preferences
        self._token = 0
        self._generations: dict[Timer, int] = dict.fromkeys(Timer, 0)
        self._running: set[Timer] = set()
        self._end_reason: EndReason | None = None
        self._failure: ReadFailure | None = None
        # The personal fields; `_wipe` drops them all at once.
        self._cid: str | None = None
        self._card: CardData | None = None
        self._card_record = CardRecord()  # the card's NHSO record, for this session's check
        self._photo: bytes | None = None
        self._results: dict[str, AgencyResult] = {}
        self._check_done = False
        self._detail: str | None = None
        self._opt_out = False
        self._records = SessionRecords(settings.menu)
        self._warning_until: float | None = None

    # --- reading the session ------------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        """The current state."""
        return self._state

    @property
    def token(self) -> int:
        """The number of the current (or last) session; events of other sessions are ignored."""
        return self._token

    @property
    def clock(self) -> Callable[[], float]:
        """The monotonic clock the session's deadlines (the warning's end) are read on."""
        return self._clock

    @property
    def reader(self) -> str | None:
        """The reader the kiosk serves now (None: none connected yet)."""
        return self._slot

    @property
    def settings(self) -> SessionSettings:
        """The settings this session was built with."""
        return self._settings

    @property
    def card_record(self) -> CardRecord:
        """The NHSO record on this session's card, which its check request carries."""
        return self._card_record

    def is_empty(self) -> bool:
        """True when the session holds no personal field (CID, card, photo, answers)."""
        return (
            self._cid is None
            and self._card is None
            and self._photo is None
            and not self._card_record.held
            and not self._results
            and self._detail is None
            and not self._records.held
        )

    @property
    def view(self) -> SessionView:
        """What the screens show now."""
        check_done = self._check_done or self._state is SessionState.RESULTS
        tiles: tuple[Tile, ...] = ()
        if self._state in _ASKED_STATES:
            tiles = tuple(
                Tile(
                    info,
                    tile_state(self._results.get(info.id), check_done=check_done),
                    self._results.get(info.id),
                )
                for info in self._settings.agencies
            )
        detail = next((t for t in tiles if t.agency.id == self._detail), None)
        asked = self._state in _ASKED_STATES
        return SessionView(
            state=self._state,
            token=self._token,
            preferences=self._preferences,
            agencies=self._settings.agencies,
            retention_days=self._settings.retention_days,
            out_of_service=frozenset(self._causes),
            holder=self._holder(),
            tiles=tiles,
            detail=detail,
            warning_until=self._warning_until,
            end_reason=self._end_reason if self._state is SessionState.AWAIT_REMOVAL else None,
            failure=self._failure if self._state is SessionState.AWAIT_REMOVAL else None,
            menu=self._settings.menu,
            record=self._records.view() if asked else None,
        )

    # --- events -------------------------------------------------------------------------------

    def handle(self, event: SessionEvent) -> list[SessionCommand]:
        """Apply one event; return what the outside must do, in order."""
        out: list[SessionCommand] = []
        match event:
            case ReadersChanged(readers):
                self._on_readers(readers, out)
            case ReaderServiceChanged(up):
                self._on_service(up, out)
            case ConfigBroken():
                self._set_cause(OutOfServiceCause.CONFIG_BROKEN, present=True, out=out)
            case ConfigFixed():
                self._set_cause(OutOfServiceCause.CONFIG_BROKEN, present=False, out=out)
            case CardInserted(reader, already_present):
                self._on_card_inserted(reader, already_present, out)
            case CardRemoved(reader):
                self._on_card_removed(reader, out)
            case CidRead() | IdentityRead() | PhotoRead() | CardRecordRead() | ReadFailed():
                self._on_read(event, out)
            case AgencyAnswered() | CheckFinished():
                self._on_check(event, out)
            case (
                RecordAnswered()
                | RecordOpened()
                | RecordRevealed()
                | RecordClosed()
                | RecordPrintRequested()
            ):
                self._on_record(event, out)
            case TimerFired(timer, generation):
                self._on_timer(timer, generation, out)
            case MaintenanceEntered() | MaintenanceLeft() | Reset():
                self._on_kiosk(event, out)
            case _:
                self._on_touch(event, out)
        return out

    def _on_touch(self, event: SessionEvent, out: list[SessionCommand]) -> None:
        state = self._state
        match event:
            case LanguageToggled():
                language = "en" if self._preferences.language == "th" else "th"
                self._preferences = replace(self._preferences, language=language)
            case LargeTextToggled():
                large = not self._preferences.large_text
                self._preferences = replace(self._preferences, large_text=large)
            case HighContrastToggled():
                contrast = not self._preferences.high_contrast
                self._preferences = replace(self._preferences, high_contrast=contrast)
            case ConsentAgreed(opt_out) if state is SessionState.CONSENT:
                self._on_agree(opt_out, out)
                return
            case ConsentDeclined() if state is SessionState.CONSENT:
                out.append(AuditConsent(self._token, agreed=False, opt_out=False))
                self._end(EndReason.DECLINED, out)
                return
            case DetailOpened(agency) if state in _ASKED_STATES and agency in self._results:
                self._detail = agency
            case DetailClosed():
                self._detail = None
            case PrintRequested() if state is SessionState.RESULTS:
                out.append(PrintSlip(self._token))
            case FinishPressed() if state in _ASKED_STATES:
                self._end(EndReason.FINISHED, out)
                return
            case UserActivity():
                pass
            case _:
                log.debug("ignored %s in state %s", type(event).__name__, state)
                return
        self._touched(out)

    # --- records on demand ---------------------------------------------------------------------

    def _on_record(
        self,
        event: RecordAnswered | RecordOpened | RecordRevealed | RecordClosed | RecordPrintRequested,
        out: list[SessionCommand],
    ) -> None:
        if self._state not in _ASKED_STATES:
            return
        if isinstance(event, RecordAnswered):
            if event.token == self._token:
                self._records.answered(event.result)
            return  # an answer is not a touch
        if isinstance(event, RecordOpened):
            self._detail = None  # one page at a time: the record replaces a detail
        assert self._cid is not None  # the asked states hold the identity
        command = self._records.touched(event, self._token, self._cid, opt_out=self._opt_out)
        if command is not None:
            out.append(command)
        self._touched(out)

    # --- the card -----------------------------------------------------------------------------

    def _on_readers(self, readers: tuple[str, ...], out: list[SessionCommand]) -> None:
        wanted = self._settings.reader
        if wanted is not None:
            slot = wanted if wanted in readers else None
        elif self._slot in readers:
            slot = self._slot  # keep serving the same reader while it is there
        else:
            slot = readers[0] if readers else None
        if slot != self._slot:
            # The reader served so far went away, taking its card and any session with it.
            self._card_present = False
            self._slot = slot
            if self._state in SESSION_STATES:
                self._end(EndReason.SERVICE_LOST, out)
            elif self._state is SessionState.AWAIT_REMOVAL:
                self._state = SessionState.IDLE
        self._causes.discard(OutOfServiceCause.STARTING)
        self._set_cause(OutOfServiceCause.NO_READER, present=slot is None, out=out)

    def _on_service(self, up: bool, out: list[SessionCommand]) -> None:
        if not up:
            # Nothing is known about cards while pcscd is away; the monitor reports them again
            # (as already present) when it comes back.
            self._card_present = False
        self._set_cause(OutOfServiceCause.SERVICE_DOWN, present=not up, out=out)

    def _on_card_inserted(
        self, reader: str, already_present: bool, out: list[SessionCommand]
    ) -> None:
        if reader != self._slot or self._card_present:
            return
        self._card_present = True
        if self._state is not SessionState.IDLE:
            return  # out of service: the card waits; once in service it must be taken out first
        if already_present:
            self._end_reason = EndReason.FOUND_AT_START
            self._failure = None
            self._state = SessionState.AWAIT_REMOVAL
            self._stop(Timer.IDLE, out)
            return
        self._token += 1
        self._card_record = CardRecord()
        self._end_reason = None
        self._failure = None
        self._state = SessionState.READING
        self._stop(Timer.IDLE, out)
        out.append(StartRead(self._token, reader))
        self._start(Timer.READ_GUARD, self._settings.read_guard_s, out)

    def _on_card_removed(self, reader: str, out: list[SessionCommand]) -> None:
        if reader != self._slot or not self._card_present:
            return
        self._card_present = False
        if self._state in SESSION_STATES:
            self._end(EndReason.CARD_REMOVED, out)
        elif self._state is SessionState.AWAIT_REMOVAL:
            self._state = SessionState.IDLE
            self._end_reason = None
            self._failure = None
            self._preferences = self._settings.preferences

    def _on_read(
        self,
        event: CidRead | IdentityRead | PhotoRead | CardRecordRead | ReadFailed,
        out: list[SessionCommand],
    ) -> None:
        if event.token != self._token or self._state not in SESSION_STATES:
            return  # a read of a session that has ended
        match event:
            case CidRead(_, cid) if self._state is SessionState.READING:
                self._cid = cid
            case IdentityRead(_, card) if self._state is SessionState.READING:
                if self._cid is not None and card.cid != self._cid:
                    log.warning("identity read does not match the CID read first; ignored")
                    return
                self._cid = card.cid
                self._card = card
                if card.photo is not None:
                    self._photo = card.photo
                self._state = SessionState.CONSENT
                self._stop(Timer.READ_GUARD, out)
                self._touched(out)
            case PhotoRead(_, jpeg):
                self._photo = jpeg
            case CardRecordRead(_, nhso):
                self._card_record.resolve(nhso)
            case ReadFailed(_, kind, message_th, message_en):
                self._card_record.resolve(None)
                if self._state is SessionState.READING:
                    self._end(EndReason.READ_FAILED, out, ReadFailure(kind, message_th, message_en))
                else:
                    # The identity is in; only the photo failed. Carry on without it.
                    log.info("photo read failed (%s); continuing without the photo", kind)

    # --- the check ----------------------------------------------------------------------------

    def _on_agree(self, opt_out: bool, out: list[SessionCommand]) -> None:
        assert self._cid is not None  # CONSENT is entered only with an identity
        self._state = SessionState.QUERYING
        self._results = {}
        self._check_done = False
        self._opt_out = opt_out
        out.append(AuditConsent(self._token, agreed=True, opt_out=opt_out))
        out.append(StartCheck(self._token, CheckRequest(self._cid, opt_out, self._card_record)))
        self._start(Timer.CHECK_GUARD, self._settings.check_timeout_s + _CHECK_GUARD_MARGIN_S, out)
        self._touched(out)

    def _on_check(self, event: AgencyAnswered | CheckFinished, out: list[SessionCommand]) -> None:
        if event.token != self._token or self._state not in _ASKED_STATES:
            return
        if isinstance(event, AgencyAnswered):
            self._on_answer(event.result)
        else:
            self._check_done = True
        if self._state is SessionState.QUERYING and (self._check_done or self._all_in()):
            self._state = SessionState.RESULTS
            self._check_done = True
            self._stop(Timer.CHECK_GUARD, out)

    def _on_answer(self, result: AgencyResult) -> None:
        if all(info.id != result.agency for info in self._settings.agencies):
            log.warning("answer from agency %r that has no tile; ignored", result.agency)
            return
        self._results[result.agency] = result

    def _all_in(self) -> bool:
        return all(info.id in self._results for info in self._settings.agencies)

    # --- timers -------------------------------------------------------------------------------

    def _on_timer(self, timer: Timer, generation: int, out: list[SessionCommand]) -> None:
        if generation != self._generations[timer] or timer not in self._running:
            return  # stopped or restarted since; this firing was already on its way
        self._running.discard(timer)
        state = self._state
        if timer is Timer.IDLE and state in _TOUCH_STATES:
            self._warning_until = self._clock() + self._settings.warning_s
            self._start(Timer.WARNING, self._settings.warning_s, out)
        elif timer is Timer.IDLE and state is SessionState.IDLE:
            self._preferences = self._settings.preferences  # the next passer-by starts afresh
        elif timer is Timer.WARNING and state in _TOUCH_STATES:
            self._end(EndReason.TIMED_OUT, out)
        elif timer is Timer.READ_GUARD and state is SessionState.READING:
            self._end(EndReason.READ_FAILED, out, ReadFailure("timeout"))
        elif timer is Timer.CHECK_GUARD and state is SessionState.QUERYING:
            self._check_done = True
            self._state = SessionState.RESULTS
        elif timer is Timer.MAINTENANCE and state is SessionState.MAINTENANCE:
            self._leave_maintenance(MaintenanceEnd.IDLE, out)

    def _start(self, timer: Timer, seconds: float, out: list[SessionCommand]) -> None:
        self._generations[timer] += 1
        self._running.add(timer)
        out.append(StartTimer(timer, seconds, self._generations[timer]))

    def _stop(self, timer: Timer, out: list[SessionCommand]) -> None:
        if timer in self._running:
            self._generations[timer] += 1
            self._running.discard(timer)
            out.append(StopTimer(timer))

    def _touched(self, out: list[SessionCommand]) -> None:
        """A touch: dismiss the warning and restart the inactivity timer where one applies."""
        if self._warning_until is not None:
            self._warning_until = None
            self._stop(Timer.WARNING, out)
        if self._state is SessionState.MAINTENANCE:
            self._start(Timer.MAINTENANCE, self._settings.maintenance_idle_s, out)
            return
        if self._state in _TOUCH_STATES or (
            self._state is SessionState.IDLE and self._preferences != self._settings.preferences
        ):
            self._start(Timer.IDLE, self._settings.idle_s, out)
        else:
            self._stop(Timer.IDLE, out)

    # --- service and the end of a session -----------------------------------------------------

    def _set_cause(
        self, cause: OutOfServiceCause, *, present: bool, out: list[SessionCommand]
    ) -> None:
        if present:
            self._causes.add(cause)
        else:
            self._causes.discard(cause)
        if self._state is SessionState.MAINTENANCE:
            return  # the causes are kept; they decide where leaving maintenance goes
        if self._causes and self._state is not SessionState.OUT_OF_SERVICE:
            if self._state in SESSION_STATES:
                self._end(EndReason.SERVICE_LOST, out)
            self._state = SessionState.OUT_OF_SERVICE
            self._end_reason = None
            self._failure = None
            self._stop(Timer.IDLE, out)
        elif not self._causes and self._state is SessionState.OUT_OF_SERVICE:
            if self._card_present:
                self._state = SessionState.AWAIT_REMOVAL
                self._end_reason = EndReason.FOUND_AT_START
            else:
                self._state = SessionState.IDLE

    # --- maintenance mode ----------------------------------------------------------------------

    def _on_kiosk(
        self, event: MaintenanceEntered | MaintenanceLeft | Reset, out: list[SessionCommand]
    ) -> None:
        in_maintenance = self._state is SessionState.MAINTENANCE
        match event:
            case MaintenanceEntered():
                self._enter_maintenance(out)
            case MaintenanceLeft() if in_maintenance:
                self._leave_maintenance(MaintenanceEnd.LEFT, out)
            case Reset() if self._state in SESSION_STATES:
                self._end(EndReason.RESET, out)
            case Reset() if in_maintenance:
                self._leave_maintenance(MaintenanceEnd.RESET, out)

    def _enter_maintenance(self, out: list[SessionCommand]) -> None:
        if self._state not in MAINTENANCE_ENTRY_STATES:
            # A citizen is being served (or taking their card): never interrupt them.
            log.info("maintenance refused in state %s", self._state.value)
            return
        self._stop(Timer.IDLE, out)
        self._state = SessionState.MAINTENANCE
        self._end_reason = None
        self._failure = None
        out.append(BeginMaintenance())
        self._start(Timer.MAINTENANCE, self._settings.maintenance_idle_s, out)

    def _leave_maintenance(self, reason: MaintenanceEnd, out: list[SessionCommand]) -> None:
        """Back to what holds now: out of service if a cause persists, else waiting for a card
        inserted meanwhile to be taken out (it is never read), else the attract screen."""
        self._stop(Timer.MAINTENANCE, out)
        self._preferences = self._settings.preferences
        if self._causes:
            self._state = SessionState.OUT_OF_SERVICE
        elif self._card_present:
            self._state = SessionState.AWAIT_REMOVAL
            self._end_reason = EndReason.FOUND_AT_START
        else:
            self._state = SessionState.IDLE
        out.append(EndMaintenance(reason))

    def _end(
        self, reason: EndReason, out: list[SessionCommand], failure: ReadFailure | None = None
    ) -> None:
        """End the open session: every personal field goes at once, then wait for the card."""
        for timer in tuple(self._running):
            self._stop(timer, out)
        self._wipe()
        out.append(EndSession(self._token, reason))
        if self._causes:
            self._state = SessionState.OUT_OF_SERVICE
        elif self._card_present:
            self._state = SessionState.AWAIT_REMOVAL
            self._end_reason = reason
            self._failure = failure
        else:
            self._state = SessionState.IDLE
            self._preferences = self._settings.preferences

    def _wipe(self) -> None:
        self._cid = None
        self._card = None
        self._card_record.drop()
        self._photo = None
        self._results = {}
        self._check_done = False
        self._detail = None
        self._opt_out = False
        self._records.wipe()
        self._warning_until = None

    def _holder(self) -> Holder | None:
        return Holder.of(self._card, self._photo, self._today()) if self._card else None
