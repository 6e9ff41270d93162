"""Encrypted offline snapshots of agency answers on SQLite. Imports no other package of ours.

`SnapshotStore` keeps, per (citizen, agency), the last live answer sealed with AES-GCM and keyed
by an HMAC of the CID; `load_or_create_secret` reads the kiosk's key file. See
docs/offline-cache.md.
"""

from offline_cache.fault import StoreFault
from offline_cache.health import HealthState, StoreHealth
from offline_cache.secret import CacheSecret, KeyFileError, load_or_create_secret
from offline_cache.snapshot import AgencyStats, CacheStats, Snapshot, SnapshotEntry
from offline_cache.store import Clock, SnapshotStore, utc_now

__all__ = [
    "AgencyStats",
    "CacheSecret",
    "CacheStats",
    "Clock",
    "HealthState",
    "KeyFileError",
    "Snapshot",
    "SnapshotEntry",
    "SnapshotStore",
    "StoreFault",
    "StoreHealth",
    "load_or_create_secret",
    "utc_now",
]
