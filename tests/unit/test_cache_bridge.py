"""kiosk/agencies/snapshots.py: agency answers in and out of the store, and the store from the
config."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from kiosk.agencies.snapshots import (
    cache_path,
    is_cacheable,
    open_snapshot_store,
    result_to_payload,
    snapshot_to_result,
)
from kiosk.config import validate_config
from offline_cache import KeyFileError, Snapshot
from tests.fixtures.cache import CITIZENS, ManualClock

LIVE = AgencyResult(
    agency="nhso",
    status=AgencyStatus.OK,
    source=ResultSource.LIVE,
    as_of=datetime(2026, 11, 24, 3, 0, tzinfo=UTC),
    entitlements=(
        Entitlement(
            code="UCS",
            title_th="บัตรทอง",
            title_en="Gold card",
            status=EntitlementStatus.ACTIVE,
            valid_from=date(2024, 1, 1),
            details={"hospital_main": "โรงพยาบาลสรรพสิทธิประสงค์"},
        ),
    ),
    info={"nhso_status": "000"},
)


def test_a_live_answer_comes_back_from_the_store_as_a_cached_one(
    tmp_path: Path, cache_clock: ManualClock
) -> None:
    config = validate_config(
        {"kiosk": {"data_dir": str(tmp_path / "data"), "key_file": str(tmp_path / "k" / "key")}}
    )
    with open_snapshot_store(config, clock=cache_clock) as store:
        assert store.path == cache_path(config) == tmp_path / "data" / "cache.db"
        assert LIVE.as_of is not None
        assert store.put(CITIZENS[0], "nhso", result_to_payload(LIVE), LIVE.as_of)
        snap = store.get(CITIZENS[0], "nhso")
    assert snap is not None

    cached = snapshot_to_result(snap, reason=FailureReason.TIMEOUT, message="NHSO did not answer")

    assert cached is not None
    assert cached.source is ResultSource.CACHE
    assert cached.status is AgencyStatus.OK
    assert cached.as_of == LIVE.as_of
    assert cached.entitlements == LIVE.entitlements
    assert cached.info == LIVE.info
    assert (cached.reason, cached.message) == (FailureReason.TIMEOUT, "NHSO did not answer")
    assert stat.S_IMODE((tmp_path / "k" / "key").stat().st_mode) == 0o600


def test_only_live_ok_and_not_found_answers_are_cacheable() -> None:
    assert is_cacheable(LIVE)
    not_found = AgencyResult("sso", AgencyStatus.NOT_FOUND, ResultSource.LIVE, LIVE.as_of)
    assert is_cacheable(not_found)
    failed = AgencyResult("sso", AgencyStatus.UNAVAILABLE, ResultSource.LIVE, None)
    served = LIVE.with_source(ResultSource.CACHE, reason=FailureReason.TIMEOUT, message="")
    for result in (failed, served):
        assert not is_cacheable(result)
        with pytest.raises(ValueError, match="only live"):
            result_to_payload(result)


@pytest.mark.parametrize(
    "payload",
    [
        {"v": 99, "status": "ok"},
        {"v": 1, "status": "error"},
        {"v": 1},
        {"v": 1, "status": "ok", "entitlements": [{"code": "X"}]},
    ],
)
def test_an_unusable_payload_gives_no_answer_rather_than_a_wrong_one(
    payload: dict[str, object],
) -> None:
    snap = Snapshot("nhso", datetime(2026, 1, 1, tzinfo=UTC), payload)
    assert snapshot_to_result(snap, reason=None, message="") is None


def test_malformed_key_file_stops_opening_the_store(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("garbage\n")
    config = validate_config(
        {"kiosk": {"data_dir": str(tmp_path / "d"), "key_file": str(key_file)}}
    )
    with pytest.raises(KeyFileError):
        open_snapshot_store(config)
    assert not (tmp_path / "d").exists()
