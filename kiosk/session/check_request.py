"""What a session asks the agencies: one `CheckRequest`, from the session's `StartCheck` through
the `AgencyCheckPort` and its worker to `kiosk.agencies.service.AgencyService.run`.

The request carries the citizen's CID, their opt-out ("don't keep an offline copy") and the
card's own NHSO record (`CardRecord`). That record comes with the end of the card read, after
the photo, while the session asks for consent as soon as the identity is in: a citizen who
agrees at once starts the check before it. So the record is a one-shot the session resolves
when the read ends (or fails) and drops when the session ends; the check looks at it only when
NHSO's live answer fails, and then waits for it a little (`CardRecord.wait`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from cardreader.types import NhsoCardData


class CardRecord:
    """The NHSO record on one citizen's card, once the read gets to it (thread-safe).

    Personal data: `drop()` (the session ended) forgets it and wakes anyone waiting."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._done = False
        self._nhso: NhsoCardData | None = None

    @classmethod
    def none(cls) -> CardRecord:
        """No card at all (`kiosk check` from the command line): known, and empty."""
        record = cls()
        record.resolve(None)
        return record

    def resolve(self, nhso: NhsoCardData | None) -> None:
        """The read ended: the card's record (None: no NHSO applet, or the read failed)."""
        with self._lock:
            if not self._done:
                self._done, self._nhso = True, nhso
            self._lock.notify_all()

    def drop(self) -> None:
        """The session ended: forget the record (a waiter gets None)."""
        with self._lock:
            self._done, self._nhso = True, None
            self._lock.notify_all()

    @property
    def held(self) -> bool:
        """True while a record (personal data) is held."""
        with self._lock:
            return self._nhso is not None

    def known(self) -> tuple[bool, NhsoCardData | None]:
        """(True, record) once the read has ended; (False, None) while it is still running."""
        with self._lock:
            return self._done, self._nhso

    def wait(self, timeout: float) -> NhsoCardData | None:
        """The record, waiting up to `timeout` seconds for the read to end; None when the card
        has none, the read failed, the session ended or time ran out."""
        with self._lock:
            self._lock.wait_for(lambda: self._done, timeout)
            return self._nhso


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """One citizen's check: who, whether to keep an offline copy, and their card's record."""

    cid: str = field(repr=False)
    opt_out: bool = False
    card: CardRecord = field(default_factory=CardRecord.none, repr=False, compare=False)
