"""The fallback policy (kiosk/agencies/fallback.py) and the on-card health right
(kiosk/agencies/card_right.py).

Card data comes from the shipped virtual card profiles, through the card reader's own parser;
snapshots from a real SQLite store in a temporary folder.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.answer import BANGKOK, failed_result
from adapters.base import (
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from cardreader import layout
from cardreader.identity import parse_nhso
from cardreader.profile import shipped_profile
from cardreader.types import NhsoCardData
from kiosk.agencies.card_right import card_as_of, card_right, split_scheme
from kiosk.agencies.fallback import (
    CitizenFallback,
    cache_message,
    card_message,
    fall_back,
    why_live_failed,
)
from kiosk.agencies.snapshots import result_to_payload
from offline_cache import CacheSecret, Snapshot, SnapshotStore

CID = "1320100890127"  # the NHSO applet card's citizen
TODAY = date(2026, 11, 24)


def card_nhso(profile: str = "nhso") -> NhsoCardData:
    """The NHSO applet of a shipped virtual card profile, parsed as the reader parses it."""
    applet = shipped_profile(profile).image().nhso
    assert applet is not None
    return parse_nhso(applet[layout.NHSO_RECORD.offset :])


def live(agency: str, status: AgencyStatus, as_of: datetime, code: str = "X") -> AgencyResult:
    entitlements: tuple[Entitlement, ...] = ()
    if status is AgencyStatus.OK:
        entitlements = (Entitlement(code, "ไทย", "English", EntitlementStatus.ACTIVE),)
    return AgencyResult(agency, status, ResultSource.LIVE, as_of, entitlements=entitlements)


def snapshot_of(result: AgencyResult) -> Snapshot:
    assert result.as_of is not None
    return Snapshot(result.agency, result.as_of.astimezone(UTC), result_to_payload(result))


UNREACHABLE = failed_result("nhso", FailureReason.UNREACHABLE, "connection refused")


# --- the card's health right --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(UCS) สิทธิหลักประกันสุขภาพแห่งชาติ", ("UCS", "สิทธิหลักประกันสุขภาพแห่งชาติ")),
        ("(89) ช่วงอายุ 12-59 ปี", ("89", "ช่วงอายุ 12-59 ปี")),
        ("( ofc )ข้าราชการ", ("OFC", "ข้าราชการ")),
        ("WEL สิทธิ", ("WEL", "สิทธิ")),
        ("SSS", ("SSS", "")),
        ("สิทธิที่ไม่มีรหัส", ("", "สิทธิที่ไม่มีรหัส")),
        ("   ", ("", "")),
    ],
)
def test_scheme_fields_split_into_code_and_name(text: str, expected: tuple[str, str]) -> None:
    assert split_scheme(text) == expected


def test_the_card_right_reads_like_the_live_answer() -> None:
    right = card_right(card_nhso(), today=TODAY)
    assert right is not None
    assert (right.agency, right.status, right.source) == (
        "nhso",
        AgencyStatus.OK,
        ResultSource.CARD,
    )
    assert right.as_of == datetime(2024, 6, 15, tzinfo=BANGKOK)  # the applet's update date
    (ucs,) = right.entitlements
    assert ucs.code == "UCS"
    assert (ucs.title_th, ucs.title_en) == (
        "สิทธิหลักประกันสุขภาพแห่งชาติ (บัตรทอง)",
        "Universal Coverage (gold card)",
    )
    assert ucs.status is EntitlementStatus.ACTIVE
    assert (ucs.valid_from, ucs.valid_until) == (date(2023, 1, 1), None)  # 99999999: lifelong
    assert dict(ucs.details) == {
        "sub_scheme_code": "89",
        "sub_scheme": "ช่วงอายุ 12-59 ปี",
        "hospital_main": "โรงพยาบาลสุรินทร์",
        "hospital_sub": "โรงพยาบาลส่งเสริมสุขภาพตำบลนอกเมือง",
    }


def test_an_expired_card_right_is_inactive_and_an_unknown_code_keeps_the_cards_name() -> None:
    nhso = dataclasses.replace(
        card_nhso(), main_inscl="(KKT) สิทธิการเคหะ", expiry_date=date(2026, 1, 31)
    )
    right = card_right(nhso, today=TODAY)
    assert right is not None
    (entitlement,) = right.entitlements
    assert entitlement.status is EntitlementStatus.INACTIVE
    assert (entitlement.code, entitlement.title_th) == ("KKT", "สิทธิการเคหะ")


def test_a_blank_applet_gives_no_card_answer_and_no_update_date_falls_back_to_issue() -> None:
    assert card_right(dataclasses.replace(card_nhso(), main_inscl="  "), today=TODAY) is None
    undated = dataclasses.replace(card_nhso(), update_date=None)
    assert card_as_of(undated) == datetime(2023, 1, 1, tzinfo=BANGKOK)
    assert card_as_of(dataclasses.replace(undated, issue_date=None)) is None


# --- choosing what to show ------------------------------------------------------------------------


def test_with_nothing_to_fall_back_on_the_failure_stands() -> None:
    assert fall_back(UNREACHABLE, snapshot=None, card_nhso=None, today=TODAY) is UNREACHABLE


@pytest.mark.parametrize("status", [AgencyStatus.OK, AgencyStatus.NOT_FOUND])
def test_a_snapshot_answers_with_its_own_status_time_and_the_failures_reason(
    status: AgencyStatus,
) -> None:
    saved = live("sso", status, datetime(2026, 11, 20, 9, 30, tzinfo=BANGKOK))
    failed = failed_result("sso", FailureReason.TIMEOUT, "no answer within 3 s")
    served = fall_back(failed, snapshot=snapshot_of(saved), card_nhso=None, today=TODAY)
    assert (served.status, served.source, served.reason) == (
        status,
        ResultSource.CACHE,
        FailureReason.TIMEOUT,
    )
    assert served.as_of == saved.as_of
    assert served.as_of is not None
    assert served.as_of.utcoffset() == timedelta(hours=7)  # shown in Bangkok time, like live
    assert served.entitlements == saved.entitlements
    assert served.message == cache_message(FailureReason.TIMEOUT)


def test_the_card_answers_for_nhso_when_no_snapshot_exists() -> None:
    served = fall_back(UNREACHABLE, snapshot=None, card_nhso=card_nhso(), today=TODAY)
    assert (served.source, served.status, served.reason) == (
        ResultSource.CARD,
        AgencyStatus.OK,
        FailureReason.UNREACHABLE,
    )
    assert served.message == card_message(FailureReason.UNREACHABLE)


def test_the_card_is_never_used_for_another_agency() -> None:
    failed = failed_result("sso", FailureReason.UNREACHABLE, "refused")
    assert fall_back(failed, snapshot=None, card_nhso=card_nhso(), today=TODAY) is failed


def test_a_card_updated_after_the_snapshot_wins() -> None:
    card = dataclasses.replace(card_nhso(), update_date=date(2026, 11, 21))
    saved = live("nhso", AgencyStatus.NOT_FOUND, datetime(2026, 11, 20, 23, 59, tzinfo=BANGKOK))
    served = fall_back(UNREACHABLE, snapshot=snapshot_of(saved), card_nhso=card, today=TODAY)
    assert served.source is ResultSource.CARD
    assert served.as_of == datetime(2026, 11, 21, tzinfo=BANGKOK)


@pytest.mark.parametrize(
    "saved_at",
    [
        datetime(2026, 11, 21, 0, 0, tzinfo=BANGKOK),  # the same day as the card's update
        datetime(2026, 11, 20, 17, 30, tzinfo=UTC),  # 00:30 on that day in Bangkok
        datetime(2026, 11, 23, 8, 0, tzinfo=BANGKOK),
    ],
)
def test_a_snapshot_as_recent_as_the_cards_update_wins(saved_at: datetime) -> None:
    card = dataclasses.replace(card_nhso(), update_date=date(2026, 11, 21))
    saved = live("nhso", AgencyStatus.OK, saved_at, code="WEL")
    served = fall_back(UNREACHABLE, snapshot=snapshot_of(saved), card_nhso=card, today=TODAY)
    assert served.source is ResultSource.CACHE
    assert served.entitlements[0].code == "WEL"


def test_an_unusable_snapshot_gives_way_to_the_card() -> None:
    broken = Snapshot("nhso", datetime(2026, 11, 23, tzinfo=UTC), {"v": 99, "status": "ok"})
    served = fall_back(UNREACHABLE, snapshot=broken, card_nhso=card_nhso(), today=TODAY)
    assert served.source is ResultSource.CARD


@pytest.mark.parametrize("reason", list(FailureReason))
def test_every_reason_has_its_own_plain_sentence(reason: FailureReason) -> None:
    text = why_live_failed(reason)
    assert text[0].isupper()
    assert text != why_live_failed(None)
    others = {why_live_failed(r) for r in FailureReason if r is not reason}
    assert text not in others


# --- the hook of one check, on a real store ------------------------------------------------------


class CountingStore:
    """A real SnapshotStore that counts its reads."""

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store
        self.reads = 0

    def get_all(self, cid: str) -> Mapping[str, Snapshot]:
        self.reads += 1
        return self.store.get_all(cid)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    with SnapshotStore(tmp_path / "data" / "cache.db", CacheSecret.generate()) as opened:
        yield opened


def test_one_check_reads_the_citizens_snapshots_once_and_only_on_a_failure(
    store: SnapshotStore,
) -> None:
    now = datetime.now(BANGKOK).replace(microsecond=0)
    for agency in ("nhso", "sso"):
        saved = live(agency, AgencyStatus.OK, now)
        assert saved.as_of is not None
        assert store.put(CID, agency, result_to_payload(saved), saved.as_of)
    counting = CountingStore(store)
    hook = CitizenFallback(snapshots=counting)
    assert counting.reads == 0
    identity = CitizenIdentity(CID)
    nhso = hook(identity, UNREACHABLE)
    sso = hook(identity, failed_result("sso", FailureReason.OFFLINE, "skipped"))
    welfare = hook(identity, failed_result("welfare", FailureReason.OFFLINE, "skipped"))
    assert counting.reads == 1
    assert (nhso.source, sso.source, welfare.source) == (
        ResultSource.CACHE,
        ResultSource.CACHE,
        ResultSource.NONE,
    )
    assert nhso.as_of == now


def test_without_a_store_the_hook_reads_nothing_and_still_uses_the_card(
    store: SnapshotStore,
) -> None:
    saved = live("nhso", AgencyStatus.OK, datetime.now(BANGKOK))
    assert saved.as_of is not None
    assert store.put(CID, "nhso", result_to_payload(saved), saved.as_of)
    hook = CitizenFallback(snapshots=None, card_nhso=card_nhso())
    assert hook(CitizenIdentity(CID), UNREACHABLE).source is ResultSource.CARD


def test_the_first_unreached_agency_nudges_the_monitor_once() -> None:
    nudges: list[int] = []
    hook = CitizenFallback(snapshots=None, on_unreached=lambda: nudges.append(1))
    identity = CitizenIdentity(CID)
    hook(identity, failed_result("sso", FailureReason.BAD_ANSWER, "bad body"))
    hook(identity, failed_result("cgd", FailureReason.OFFLINE, "skipped"))
    assert nudges == []  # neither says the network failed just now
    hook(identity, failed_result("nhso", FailureReason.TIMEOUT, "late"))
    hook(identity, failed_result("farmer", FailureReason.UNREACHABLE, "refused"))
    assert nudges == [1]
