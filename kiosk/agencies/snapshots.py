"""The bridge between agency answers and the offline cache.

`offline_cache` knows nothing of adapters; this module turns an `AgencyResult` into the JSON
payload a snapshot keeps and back, and opens the store the configuration describes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.answer import BANGKOK
from adapters.base import AgencyResult, AgencyStatus, Entitlement, FailureReason, ResultSource
from kiosk.config import KioskConfig
from offline_cache import (
    CacheSecret,
    Clock,
    Snapshot,
    SnapshotStore,
    load_or_create_secret,
    utc_now,
)

log = logging.getLogger(__name__)

CACHE_FILE = "cache.db"
PAYLOAD_VERSION = 1
_CACHEABLE = frozenset({AgencyStatus.OK, AgencyStatus.NOT_FOUND})


def cache_path(config: KioskConfig) -> Path:
    """Where the cache database lives: `data_dir/cache.db`."""
    return config.kiosk.data_dir / CACHE_FILE


def load_cache_secret(config: KioskConfig) -> CacheSecret:
    """The kiosk's secret from `kiosk.key_file`, created on first use (the cache and the audit
    log share it). Raises `offline_cache.KeyFileError` when the file cannot be used."""
    key_file = config.kiosk.key_file
    if _is_inside(key_file, config.kiosk.data_dir):
        log.warning("kiosk.key_file is inside kiosk.data_dir: a copied data folder carries its key")
    return load_or_create_secret(key_file)


def open_snapshot_store(
    config: KioskConfig,
    *,
    secret: CacheSecret | None = None,
    clock: Clock = utc_now,
    purge_on_open: bool = True,
) -> SnapshotStore:
    """The store of this kiosk (`secret` defaults to `load_cache_secret(config)`)."""
    return SnapshotStore(
        cache_path(config),
        secret if secret is not None else load_cache_secret(config),
        clock=clock,
        retention_days=config.cache.retention_days,
        purge_on_open=purge_on_open,
    )


def is_cacheable(result: AgencyResult) -> bool:
    """True for the answers that refresh a snapshot: live `ok` and `not_found`."""
    return result.source is ResultSource.LIVE and result.status in _CACHEABLE


def result_to_payload(result: AgencyResult) -> dict[str, Any]:
    """The JSON a snapshot keeps of a live answer (`as_of` is kept by the store itself)."""
    if not is_cacheable(result):
        raise ValueError(f"only live ok/not_found answers are cached, not {result.status.value}")
    return {
        "v": PAYLOAD_VERSION,
        "status": result.status.value,
        "message": result.message,
        "entitlements": [e.to_json() for e in result.entitlements],
        "info": dict(result.info),
    }


def snapshot_to_result(
    snapshot: Snapshot, *, reason: FailureReason | None, message: str
) -> AgencyResult | None:
    """The cached answer, marked `source: cache` with its `as_of` (in Bangkok time, as live
    answers carry it: the screen shows its date) and why the live answer failed; None when the
    payload is not one this release understands (logged)."""
    payload: Mapping[str, Any] = snapshot.payload
    try:
        if payload.get("v") != PAYLOAD_VERSION:
            raise ValueError(f"payload version {payload.get('v')!r}")
        status = AgencyStatus(payload["status"])
        if status not in _CACHEABLE:
            raise ValueError(f"status {status.value}")
        entitlements = tuple(Entitlement.from_json(e) for e in payload.get("entitlements", ()))
        info = {str(k): str(v) for k, v in dict(payload.get("info") or {}).items()}
    except (KeyError, TypeError, ValueError) as exc:
        # The exception text may quote the payload: log only its type.
        log.warning("a cached %s snapshot is not usable (%s)", snapshot.agency, type(exc).__name__)
        return None
    return AgencyResult(
        agency=snapshot.agency,
        status=status,
        source=ResultSource.CACHE,
        as_of=snapshot.as_of.astimezone(BANGKOK),
        message=message,
        entitlements=entitlements,
        reason=reason,
        info=info,
    )


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.absolute().relative_to(folder.absolute())
    except ValueError:
        return False
    return True
