"""One citizen's agency check as the kiosk runs it: a blocking call for a worker thread.

`CitizenCheck(cid, opt_out, on_result)` asks the `AgencyService` (every enabled agency, with
the offline fallback) and reports each answer as it lands; `ui.worker.WorkerAgencyChecking`
runs it off the GUI thread and reports "done" when it returns.

- The card's own NHSO record (`kiosk.wiring.card_reading.CardNhsoRecords`) goes to the check as
  NHSO's offline source. It comes with the end of the card read, after the photo; the check never
  waits for it up front. Only when NHSO's live answer fails — the one case in which the
  card's record is shown — does the NHSO answer wait (at most `card_wait_s`) for a read still
  running, and then follows the same precedence as the service's fallback: the card's right
  unless a snapshot at least as recent exists.
- `opt_out` ("don't keep an offline copy"): no snapshot is written or read for this citizen
  (`keep_snapshots=False`), and their saved snapshots are deleted (`forget_citizen`, which
  audits the deletion) once the answers are out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Protocol

from adapters.answer import bangkok_now
from adapters.base import AgencyResult, CitizenIdentity, ResultSource
from cardreader.types import NhsoCardData
from kiosk.agencies.card_right import NHSO, card_right
from kiosk.agencies.check import CheckOutcome, OnResult
from kiosk.agencies.fallback import card_message, snapshot_wins
from kiosk.wiring.card_reading import CardNhsoRecords

log = logging.getLogger(__name__)

CARD_WAIT_S = 2.0  # the rest of a card read (the photo) takes well under a second
FORGET_TIMEOUT_S = 5.0


class CheckingService(Protocol):
    """The part of `kiosk.agencies.service.AgencyService` a citizen's check uses."""

    def run(
        self,
        identity: CitizenIdentity,
        card_nhso: NhsoCardData | None = None,
        keep_snapshots: bool = True,
        on_result: OnResult | None = None,
        *,
        actor: str = "kiosk",
    ) -> CheckOutcome:
        """Check one citizen on this thread."""
        ...

    def forget_citizen(self, cid: str, timeout: float | None = None) -> int | None:
        """Delete the citizen's snapshots."""
        ...


class CitizenCheck:
    """The blocking `check(cid, opt_out, on_result)` of the kiosk; see the module docstring."""

    def __init__(
        self,
        service: CheckingService,
        records: CardNhsoRecords,
        *,
        card_wait_s: float = CARD_WAIT_S,
        today: Callable[[], date] = lambda: bangkok_now().date(),
    ) -> None:
        self._service = service
        self._records = records
        self._card_wait_s = card_wait_s
        self._today = today

    def __call__(self, cid: str, opt_out: bool, on_result: Callable[[AgencyResult], None]) -> None:
        """Ask every agency about `cid`; `on_result` for each answer; return when all are in."""
        known, nhso = self._records.known(cid)

        def deliver(result: AgencyResult) -> None:
            if not known and result.agency == NHSO and result.source is not ResultSource.LIVE:
                late = self._records.wait(cid, self._card_wait_s)
                if late is not None:
                    result = with_card_right(result, late, self._today())
            on_result(result)

        try:
            self._service.run(
                CitizenIdentity(cid),
                card_nhso=nhso,
                keep_snapshots=not opt_out,
                on_result=deliver,
            )
        finally:
            if opt_out and self._service.forget_citizen(cid, FORGET_TIMEOUT_S) is None:
                log.warning("an opted-out citizen's snapshots could not be deleted now")


def with_card_right(failed: AgencyResult, nhso: NhsoCardData, today: date) -> AgencyResult:
    """NHSO's failed answer (`source` none or cache) once the card's record is known: the
    card's right, unless the cached answer is at least as recent (`kiosk.agencies.fallback`'s
    rule)."""
    right = card_right(nhso, today=today)
    if right is None:
        return failed
    card = right.with_source(
        ResultSource.CARD, reason=failed.reason, message=card_message(failed.reason)
    )
    if failed.source is ResultSource.CACHE and snapshot_wins(failed, card):
        return failed
    return card
