"""Records in the offline cache: the snapshot key of a service and the payload kept for it.

The cache holds agencies' answers by `(CID, agency)`; a record service's snapshot sits under
`record-<service id with dots as dashes>`, so it can never collide with an agency's. Only live
`ok` and `not_found` answers of a definition marked `cache = true` are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from adapters.answer import BANGKOK
from adapters.base import AgencyStatus, FailureReason, ResultSource
from adapters.services.record import LookupResult, Record
from offline_cache import Snapshot

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
_KEPT = frozenset({AgencyStatus.OK, AgencyStatus.NOT_FOUND})


def snapshot_key(service_id: str) -> str:
    """The cache's agency key for a record service."""
    return "record-" + service_id.replace(".", "-")


def is_kept(result: LookupResult) -> bool:
    """Whether this answer refreshes the snapshot: a live `ok` or `not_found`."""
    return result.source is ResultSource.LIVE and result.status in _KEPT


def to_payload(result: LookupResult) -> dict[str, Any]:
    """The JSON a snapshot keeps (`as_of` is kept by the store)."""
    if not is_kept(result):
        raise ValueError(f"only live ok/not_found answers are kept, not {result.status.value}")
    return {
        "v": PAYLOAD_VERSION,
        "status": result.status.value,
        "message": result.message,
        "record": result.record.to_json() if result.record else None,
    }


def from_snapshot(
    service_id: str, snapshot: Snapshot, *, reason: FailureReason | None, message: str
) -> LookupResult | None:
    """The kept answer marked `source: cache` with its date; None when this release cannot
    read it (logged by type only: the payload holds the record)."""
    payload: Mapping[str, Any] = snapshot.payload
    try:
        if payload.get("v") != PAYLOAD_VERSION:
            raise ValueError("payload version")
        status = AgencyStatus(payload["status"])
        if status not in _KEPT:
            raise ValueError("status")
        raw = payload.get("record")
        record = Record.from_json(raw) if raw else None
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("a cached %s record is not usable (%s)", service_id, type(exc).__name__)
        return None
    return LookupResult(
        service=service_id,
        status=status,
        source=ResultSource.CACHE,
        as_of=snapshot.as_of.astimezone(BANGKOK),
        record=record,
        message=message,
        reason=reason,
    )
