"""Maintenance mode's test read: read the card in the kiosk's reader the way a session does, and
keep only what a technician needs to judge the reader and the card — nothing that names anyone.

The report (`CardTestRead`) holds the ATR, the CID masked to its last four digits, the holder's
initials, which fields read OK (never their values: no name, no address, no photo), byte counts
and the APDU timings (how many, how long in all, the slowest). The card's data never leaves
`report_test_read`. The read runs on the kiosk's own reader thread (`run_test_read` blocks until
it ends: call it on a worker); the session is in maintenance mode meanwhile, so it reads nothing
itself.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cardreader.cid import mask_cid
from cardreader.errors import CardError
from cardreader.reading import ReadOptions, SilentProgress
from cardreader.types import CardData, Gender, PersonName
from kiosk.logs import redact

if TYPE_CHECKING:  # pyscard loads with the reader thread, not with this module
    from cardreader.pcsc import ApduTiming
    from cardreader.reader_thread import ReaderThread

TEST_READ_TIMEOUT_S = 30.0  # a read takes about a second; this only ends a reader that hangs
HIDDEN = "•••"


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """One field of the card: read OK (True), empty or unreadable (False), or not on this card
    (None: the optional NHSO applet and laser ID). `size` counts bytes where that helps."""

    field: str  # a stable id: cid, name_th, name_en, birth_date, ... (the screen words it)
    ok: bool | None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ApduStats:
    """The APDU exchanges of one read: how many, how long in all, the slowest, bytes each way."""

    count: int
    total_s: float
    slowest_kind: str
    slowest_s: float
    sent_bytes: int
    received_bytes: int

    @classmethod
    def of(cls, exchanges: Sequence[ApduTiming]) -> ApduStats:
        """Sum up `exchanges` (none: all zero)."""
        slowest = max(exchanges, key=lambda e: e.seconds, default=None)
        return cls(
            count=len(exchanges),
            total_s=sum(e.seconds for e in exchanges),
            slowest_kind=str(slowest.kind.value) if slowest is not None else "",
            slowest_s=slowest.seconds if slowest is not None else 0.0,
            sent_bytes=sum(e.sent for e in exchanges),
            received_bytes=sum(e.received for e in exchanges),
        )


@dataclass(frozen=True, slots=True)
class CardTestRead:
    """A test read as maintenance mode shows it: no personal data, by construction."""

    reader: str | None
    elapsed_s: float
    apdus: ApduStats
    atr: str = ""  # hex, spaced
    cid_masked: str = ""
    initials: str = ""
    fields: tuple[FieldCheck, ...] = ()
    error_kind: str = ""  # a `CardErrorKind` value when the read failed
    error: str = ""  # one plain sentence (English) when it failed

    @property
    def ok(self) -> bool:
        """True when the card was read to the end."""
        return not self.error_kind


def initials(name_en: PersonName, name_th: PersonName) -> str:
    """The holder's initials ("S. J."), from the English name or else the Thai one; "•••" when
    the card has neither. Enough to tell two test cards apart, not to name anyone."""
    for name in (name_en, name_th):
        letters = [part[0] for part in (name.first, name.last) if part]
        if letters:
            return " ".join(f"{letter}." for letter in letters)
    return HIDDEN


def field_checks(card: CardData) -> tuple[FieldCheck, ...]:
    """Which fields of `card` read OK, in the card's order; values never leave this function."""

    def named(name: PersonName) -> bool:
        return bool(name.first or name.last)

    photo = card.photo
    return (
        FieldCheck("cid", True, len(card.cid)),  # the reader checked its checksum
        FieldCheck("name_th", named(card.name_th)),
        FieldCheck("name_en", named(card.name_en)),
        FieldCheck("birth_date", card.birth_date is not None or card.birth_year is not None),
        FieldCheck("gender", card.gender is not Gender.UNKNOWN),
        FieldCheck("issuer", bool(card.issuer.strip())),
        FieldCheck("issue_date", card.issue_date is not None),
        FieldCheck("expiry_date", card.expiry_date is not None or card.lifelong),
        FieldCheck("address", bool(card.address.text.strip())),
        FieldCheck("photo", photo is not None, len(photo) if photo is not None else None),
        FieldCheck("nhso", True if card.nhso is not None else None),
        FieldCheck("laser_id", True if card.laser_id else None),
    )


def report_test_read(
    reader: str | None,
    card: CardData | None,
    error: CardError | None,
    exchanges: Sequence[ApduTiming],
    elapsed_s: float,
) -> CardTestRead:
    """The report of one read: `card` when it succeeded, else `error`."""
    apdus = ApduStats.of(exchanges)
    if card is None:
        kind = error.kind.value if error is not None else "reader_fault"
        sentence = error.message_en if error is not None else "the read did not finish"
        detail = redact(error.detail) if error is not None and error.detail else ""
        return CardTestRead(
            reader,
            elapsed_s,
            apdus,
            error_kind=kind,
            error=f"{sentence} ({detail})" if detail else sentence,
        )
    return CardTestRead(
        reader,
        elapsed_s,
        apdus,
        atr=card.atr.hex(" ").upper(),
        cid_masked=mask_cid(card.cid),
        initials=initials(card.name_en, card.name_th),
        fields=field_checks(card),
    )


def run_test_read(
    reader_thread: ReaderThread, reader: str | None, timeout_s: float = TEST_READ_TIMEOUT_S
) -> CardTestRead:
    """Read the card in `reader` (None: the first reader with a card) on the kiosk's reader
    thread, photo included (it is part of what the reader must manage), and report it."""
    started = time.perf_counter()
    job = reader_thread.start_read(reader, SilentProgress(), ReadOptions())
    if not job.wait(timeout_s):
        job.cancel()
        job.wait(timeout_s)
    elapsed = time.perf_counter() - started
    if not job.done:
        return CardTestRead(
            reader,
            elapsed,
            ApduStats.of(job.exchanges),
            error_kind="reader_fault",
            error=f"the read did not finish within {timeout_s:.0f} s",
        )
    report = report_test_read(reader, job.card, job.error, job.exchanges, elapsed)
    job.card = None  # the whole card goes with the job: let it go now
    return report
