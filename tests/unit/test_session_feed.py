"""The seams into the session: card and check callbacks become events; agency display info."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from adapters.base import AgencyResult, AgencyStatus, ResultSource
from cardreader.types import Address, CardData, Gender, PersonName
from kiosk.agencies.roster import any_agency_on_loopback
from kiosk.config import validate_config
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    CardRecordRead,
    CardRemoved,
    CheckFinished,
    CidRead,
    IdentityRead,
    PhotoRead,
    ReadersChanged,
    ReaderServiceChanged,
    ReadFailed,
    SessionEvent,
)
from kiosk.session.feed import CardFeed, CheckFeed, ReadFeed

CID = "1101700203450"


@dataclass(frozen=True)
class Problem:
    """Shaped like the card reader's `CardError`."""

    kind: str
    message_th: str = "ข้อความ"
    message_en: str = "message"


def a_card(photo: bytes | None) -> CardData:
    name = PersonName("", "A", "", "B")
    address = Address("", "", "", "", "", "", "", "")
    return CardData(
        CID, b"", name, name, date(1960, 1, 1), 1960, Gender.UNKNOWN, "", None, None, True,
        address, photo, None,
    )  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_card_monitor_callbacks_become_events() -> None:
    posted: list[SessionEvent] = []
    clock = Clock()
    feed = CardFeed(posted.append, clock=clock)
    feed.readers_changed(["r0", "r1"])
    clock.now += 5
    feed.card_inserted("r0", b"\x3b")
    feed.card_removed("r0")
    feed.service_state(Problem("pcscd_down"))
    feed.service_state(Problem("no_reader"))  # the reader list says that; no service event
    feed.service_state(None)
    assert posted == [
        ReadersChanged(("r0", "r1")),
        CardInserted("r0", already_present=False),
        CardRemoved("r0"),
        ReaderServiceChanged(up=False),
        ReaderServiceChanged(up=True),
    ]


def test_a_card_reported_with_its_reader_was_already_in() -> None:
    """Start-up, a reader plugged in, pcscd back: the monitor lists the reader, then the card
    in it, in one pass. That card was found, not inserted."""
    posted: list[SessionEvent] = []
    clock = Clock()
    feed = CardFeed(posted.append, clock=clock)
    feed.readers_changed(["r0"])
    feed.card_inserted("r0", b"\x3b")
    assert posted[-1] == CardInserted("r0", already_present=True)
    feed.card_removed("r0")
    clock.now += 2
    feed.card_inserted("r0", b"\x3b")  # a person, later
    assert posted[-1] == CardInserted("r0", already_present=False)
    feed.readers_changed([])  # pcscd went away, and came back with the card still in
    clock.now += 3
    feed.readers_changed(["r0"])
    clock.now += 0.01
    feed.card_inserted("r0", b"\x3b")
    assert posted[-1] == CardInserted("r0", already_present=True)
    feed.readers_changed(["r0", "r1"])  # a second reader does not make r0 new again
    clock.now += 3
    feed.card_removed("r0")
    feed.card_inserted("r0", b"\x3b")
    assert posted[-1] == CardInserted("r0", already_present=False)


def test_read_progress_becomes_events_of_its_session() -> None:
    posted: list[SessionEvent] = []
    feed = ReadFeed(posted.append, token=7)
    with_photo, without_photo = a_card(b"jpeg"), a_card(None)
    feed.cid_read(CID)
    feed.identity_read(without_photo)
    feed.photo_read(b"jpeg")
    feed.read_done(with_photo)
    feed.read_done(without_photo)  # no photo: only the card's record (for the check)
    feed.read_failed(Problem("not_thai_id", "ไม่ใช่บัตรประชาชน", "Not a Thai ID card"))
    assert posted == [
        CidRead(7, CID),
        IdentityRead(7, without_photo),
        PhotoRead(7, b"jpeg"),
        PhotoRead(7, b"jpeg"),
        CardRecordRead(7, with_photo.nhso),
        CardRecordRead(7, without_photo.nhso),
        ReadFailed(7, "not_thai_id", "ไม่ใช่บัตรประชาชน", "Not a Thai ID card"),
    ]


def test_check_answers_from_worker_threads_become_events_of_its_session() -> None:
    posted: list[SessionEvent] = []
    lock = threading.Lock()

    def post(event: SessionEvent) -> None:
        with lock:
            posted.append(event)

    feed = CheckFeed(post, token=3)
    results = [AgencyResult(agency, AgencyStatus.OK, ResultSource.LIVE, None) for agency in "abcd"]
    threads = [threading.Thread(target=feed.on_result, args=(r,)) for r in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    feed.on_done()
    assert sorted(posted[:-1], key=lambda e: e.result.agency) == [  # type: ignore[union-attr]
        AgencyAnswered(3, r) for r in results
    ]
    assert posted[-1] == CheckFinished(3)


def test_agency_info_from_an_adapter_shape() -> None:
    @dataclass
    class Adapter:
        id: str = "nhso"
        name_th: str = "สปสช."
        name_en: str = "NHSO"
        hotline: str = "1330"
        web: str = "https://www.nhso.go.th"

    info = AgencyInfo.of(Adapter())
    assert info == AgencyInfo("nhso", "สปสช.", "NHSO", "1330", "https://www.nhso.go.th")
    assert info.name("th") == "สปสช."
    assert info.name("en") == "NHSO"


def test_demo_banner_flag_follows_loopback_base_urls() -> None:
    real = validate_config({"agencies": {"nhso": {"base_url": "https://api.nhso.go.th"}}})
    assert not any_agency_on_loopback(real.agencies)
    for host in ("127.0.0.1:8600", "localhost", "[::1]:80"):
        demo = validate_config(
            {
                "agencies": {
                    "nhso": {"base_url": "https://a.go.th"},
                    "sso": {"base_url": f"http://{host}"},
                }
            }
        )
        assert any_agency_on_loopback(demo.agencies), host
    disabled = validate_config(
        {"agencies": {"enabled": ["nhso"], "sso": {"base_url": "http://127.0.0.1:1"}}}
    )
    assert not any_agency_on_loopback(disabled.agencies)


def test_demo_banner_also_when_the_gdx_gateway_is_on_loopback() -> None:
    """`[agencies.gdx] base_url` serves the six GDX agencies: on loopback, they are a demo."""
    gateway = {"base_url": "http://127.0.0.1:8780", "consumer_key": "k"}
    demo = validate_config({"agencies": {"nhso": {"base_url": "https://a.go.th"}, "gdx": gateway}})
    assert any_agency_on_loopback(demo.agencies)
    # An agency with an address of its own does not take the gateway's.
    own = {name: {"base_url": "https://x.go.th"} for name in ("sso", "welfare", "elderly")}
    only_own = validate_config(
        {"agencies": {"enabled": ["nhso", "sso", "welfare", "elderly"], "gdx": gateway, **own}}
    )
    assert not any_agency_on_loopback(only_own.agencies)
    # The gateway serves no enabled agency: no banner.
    nhso_only = validate_config({"agencies": {"enabled": ["nhso"], "gdx": gateway}})
    assert not any_agency_on_loopback(nhso_only.agencies)
    real = validate_config({"agencies": {"gdx": {"base_url": "https://api.egov.go.th"}}})
    assert not any_agency_on_loopback(real.agencies)
