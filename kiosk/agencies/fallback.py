"""The offline fallback: what the kiosk shows for an agency whose live answer failed.

For each failed agency (`unavailable` or `error`, skipped ones included), in this order:
1. NHSO only, when the check has the NHSO applet read from the citizen's card: the card's
   health-care right (`source: card`, `as_of` the applet's update date) — unless a snapshot at
   least as recent as that update exists. The card's date has day precision, so a snapshot from
   the same day wins: the agency's own record is the authority.
2. The agency's last snapshot (`source: cache`), with its own `as_of` and status (`ok` or
   `not_found`).
3. Otherwise the failure itself (`unavailable` / `error`, `source: none`).
An answer from the cache or the card keeps the failure's `reason`, and its `message` says in plain
English why the live answer failed and what is shown instead; no personal data.

`CitizenFallback` is the hook for one check (`AgencyCheck.run(..., fallback=...)`): it reads the
citizen's snapshots once, on the first failure, and holds the card data of that check only.
`with_card_right` applies rule 1 to an NHSO answer that failed before the card's record was in
(the check waited for the rest of the card read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Protocol

from adapters.answer import bangkok_now
from adapters.base import AgencyResult, CitizenIdentity, FailureReason, ResultSource
from cardreader.types import NhsoCardData
from kiosk.agencies.card_right import NHSO, card_right
from kiosk.agencies.check import UNREACHED
from kiosk.agencies.snapshots import snapshot_to_result
from offline_cache import Snapshot

_WHY = {
    FailureReason.TIMEOUT: "the agency did not answer in time",
    FailureReason.UNREACHABLE: "the agency could not be reached",
    FailureReason.SERVER_ERROR: "the agency's service reported an error",
    FailureReason.BAD_ANSWER: "the agency's answer could not be read",
    FailureReason.AUTH: "the agency did not accept the kiosk's credentials",
    FailureReason.CIRCUIT_OPEN: "the agency failed repeatedly; it is retried in the background",
    FailureReason.OFFLINE: "the agency is not reachable from this kiosk right now",
    FailureReason.INTERNAL: "the kiosk's link to the agency failed",
}


class SnapshotReader(Protocol):
    """The part of `offline_cache.SnapshotStore` the fallback reads."""

    def get_all(self, cid: str) -> Mapping[str, Snapshot]:
        """This citizen's snapshots, by agency id."""
        ...


def why_live_failed(reason: FailureReason | None) -> str:
    """Why the live answer failed, as the start of a sentence."""
    if reason is None:
        return "The live answer failed"
    text = _WHY.get(reason, "the live answer failed")
    return text[0].upper() + text[1:]


def cache_message(reason: FailureReason | None) -> str:
    """The message of an answer served from the cache (its age is in `as_of`)."""
    return f"{why_live_failed(reason)}; showing the last answer saved on this kiosk."


def card_message(reason: FailureReason | None) -> str:
    """The message of an NHSO answer served from the ID card (its date is in `as_of`)."""
    return f"{why_live_failed(reason)}; showing the health-care right recorded on the ID card."


def snapshot_wins(cached: AgencyResult, card: AgencyResult) -> bool:
    """True when the snapshot is at least as recent as the card's last update."""
    if card.as_of is None:
        return True  # a card that gives no date cannot be shown to be newer
    return cached.as_of is not None and cached.as_of >= card.as_of


def fall_back(
    failed: AgencyResult,
    *,
    snapshot: Snapshot | None,
    card_nhso: NhsoCardData | None,
    today: date,
) -> AgencyResult:
    """The answer to show for `failed`: from the card, the cache, or the failure itself."""
    reason = failed.reason
    cached = None
    if snapshot is not None:
        cached = snapshot_to_result(snapshot, reason=reason, message=cache_message(reason))
    card = None
    if card_nhso is not None and failed.agency == NHSO:
        right = card_right(card_nhso, today=today)
        if right is not None:
            card = right.with_source(ResultSource.CARD, reason=reason, message=card_message(reason))
    if card is not None and (cached is None or not snapshot_wins(cached, card)):
        return card
    if cached is not None:
        return cached
    return failed


class CitizenFallback:
    """The fallback hook of one check (called on the check's thread only).

    `snapshots` None means the cache is not consulted (no cache, or the citizen opted out).
    `on_unreached` is called once, at the first agency that could not be reached in time, so
    the owner can have the connectivity monitor look at once (and the next check skip straight
    to the cache instead of waiting out the deadline again).
    """

    def __init__(
        self,
        *,
        snapshots: SnapshotReader | None,
        card_nhso: NhsoCardData | None = None,
        today: Callable[[], date] = lambda: bangkok_now().date(),
        on_unreached: Callable[[], None] | None = None,
    ) -> None:
        self._snapshots = snapshots
        self._card_nhso = card_nhso
        self._today = today
        self._on_unreached = on_unreached
        self._read: Mapping[str, Snapshot] | None = None

    def __call__(self, identity: CitizenIdentity, failed: AgencyResult) -> AgencyResult:
        """The answer to show for one failed agency."""
        if failed.reason in UNREACHED and self._on_unreached is not None:
            nudge, self._on_unreached = self._on_unreached, None
            nudge()
        return fall_back(
            failed,
            snapshot=self._snapshot(identity, failed.agency),
            card_nhso=self._card_nhso,
            today=self._today(),
        )

    def _snapshot(self, identity: CitizenIdentity, agency: str) -> Snapshot | None:
        if self._snapshots is None:
            return None
        if self._read is None:
            # One read for the whole check (one indexed select of adjacent rows), at the first
            # failure: a check where everything answers live never touches the cache.
            self._read = self._snapshots.get_all(identity.cid)
        return self._read.get(agency)


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
