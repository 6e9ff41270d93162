"""Demo data and demo collaborators: an invented citizen, agencies with public names, answers in
every state, and stand-ins for the card reader and the agency check (named as demos: they read
no card and ask no agency). Used by `kiosk screenshots` and the GUI tests; `kiosk run --demo`
runs the real kiosk on a virtual card and the simulator instead (`kiosk.wiring.demo`).

The citizen is invented: the name is common, the CID passes the checksum and is not known to
belong to anyone, the portrait is drawn.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone

from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from adapters.services.asking import failed_lookup
from adapters.services.catalogue import build_catalogue
from adapters.services.definition import ServiceDefinition
from adapters.services.reading import read_record
from adapters.services.record import LookupResult
from adapters.simulator.dataset import Dataset
from cardreader.types import Address, CardData, Gender, PersonName
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.check_request import CheckRequest
from kiosk.session.commands import StartLookup
from kiosk.session.feed import CheckFeed, ReadFeed, RecordFeed

DEMO_READER = "Demo reader 00"
DEMO_CID = "3100400999998"
# The simulator's demo citizen, whose records the screenshots show (they are all invented).
SIM_CID = "1120100345899"
BANGKOK = timezone(timedelta(hours=7))

DEMO_AGENCIES: tuple[AgencyInfo, ...] = (
    AgencyInfo(
        "nhso",
        "สำนักงานหลักประกันสุขภาพแห่งชาติ (สปสช.)",
        "National Health Security Office (NHSO)",
        "1330",
        "https://www.nhso.go.th",
    ),
    AgencyInfo(
        "sso", "สำนักงานประกันสังคม", "Social Security Office", "1506", "https://www.sso.go.th"
    ),
    AgencyInfo(
        "welfare",
        "บัตรสวัสดิการแห่งรัฐ (กรมบัญชีกลาง)",
        "State Welfare Card (Comptroller General's Department)",
        "",
        "https://welfare.mof.go.th",
    ),
    AgencyInfo(
        "elderly",
        "เบี้ยยังชีพผู้สูงอายุ (กรมส่งเสริมการปกครองท้องถิ่น)",
        "Old-age allowance (Department of Local Administration)",
        "",
        "https://www.dla.go.th",
    ),
    AgencyInfo(
        "disability",
        "กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ",
        "Department of Empowerment of Persons with Disabilities",
        "1479",
        "https://www.dep.go.th",
    ),
    AgencyInfo(
        "cgd",
        "กรมบัญชีกลาง (สวัสดิการข้าราชการ)",
        "Comptroller General's Department (civil servant benefits)",
        "",
        "https://www.cgd.go.th",
    ),
    AgencyInfo(
        "farmer",
        "กรมส่งเสริมการเกษตร (ทะเบียนเกษตรกร)",
        "Department of Agricultural Extension (farmer registry)",
        "",
        "https://www.doae.go.th",
    ),
)


def demo_card(photo: bytes | None = None) -> CardData:
    """The invented citizen's card (the photo as given: draw one with
    `ui.illustrations.placeholder_portrait_jpeg`)."""
    return CardData(
        cid=DEMO_CID,
        atr=bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44 20 31 30"),
        name_th=PersonName("นาง", "สมศรี", "", "ใจงาม"),
        name_en=PersonName("Mrs.", "Somsri", "", "Jaingam"),
        birth_date=date(1953, 6, 15),
        birth_year=1953,
        gender=Gender.FEMALE,
        issuer="อำเภอเมืองอุบลราชธานี/อุบลราชธานี",
        issue_date=date(2019, 6, 15),
        expiry_date=None,
        lifelong=True,
        address=Address("45", "7", "", "", "ในเมือง", "เมืองอุบลราชธานี", "อุบลราชธานี", "45 หมู่ที่ 7"),
        photo=photo,
        nhso=None,
    )


def _ucs(source: ResultSource, as_of: datetime, reason: FailureReason | None) -> AgencyResult:
    gold = Entitlement(
        "UCS",
        "สิทธิหลักประกันสุขภาพแห่งชาติ (บัตรทอง)",
        "Universal Coverage (gold card)",
        EntitlementStatus.ACTIVE,
        valid_from=date(2015, 10, 30),
        details={
            "sub_scheme": "ผู้มีอายุเกิน 60 ปีบริบูรณ์",
            "hospital_main": "โรงพยาบาลสรรพสิทธิประสงค์",
            "hospital_sub": "รพ.สต.ในเมือง",
        },
    )
    return AgencyResult("nhso", AgencyStatus.OK, source, as_of, entitlements=(gold,), reason=reason)


def _welfare(source: ResultSource, as_of: datetime, reason: FailureReason | None) -> AgencyResult:
    card = ("บัตรสวัสดิการแห่งรัฐ", "State welfare card")
    goods = Entitlement(
        "WELFARE_CARD",
        f"{card[0]}: ค่าซื้อสินค้าอุปโภคบริโภคที่จำเป็น",
        f"{card[1]}: essential consumer goods",
        EntitlementStatus.ACTIVE,
        amount_thb=300.0,
        period="monthly",
        details={"round": "2565"},
    )
    gas = Entitlement(
        "WELFARE_CARD",
        f"{card[0]}: ส่วนลดค่าซื้อก๊าซหุงต้ม",
        f"{card[1]}: cooking gas discount",
        EntitlementStatus.ACTIVE,
        amount_thb=100.0,
        period="quarterly",
        details={"round": "2565"},
    )
    return AgencyResult(
        "welfare", AgencyStatus.OK, source, as_of, entitlements=(goods, gas), reason=reason
    )


def _elderly(as_of: datetime) -> AgencyResult:
    allowance = Entitlement(
        "ELDERLY_ALLOWANCE",
        "เบี้ยยังชีพผู้สูงอายุ",
        "Old-age allowance",
        EntitlementStatus.ACTIVE,
        amount_thb=700.0,
        period="monthly",
        details={
            "local_authority": "เทศบาลนครอุบลราชธานี",
            "last_payment_month": "2026-11",
            "last_payment_thb": "700",
            "last_paid_on": "2026-11-10",
        },
    )
    return AgencyResult(
        "elderly", AgencyStatus.OK, ResultSource.LIVE, as_of, entitlements=(allowance,)
    )


def _farmer(as_of: datetime) -> AgencyResult:
    farmer = Entitlement(
        "FARMER",
        "ทะเบียนเกษตรกร",
        "Registered farmer",
        EntitlementStatus.ACTIVE,
        details={"plots": "ข้าว 12.5 ไร่", "total_rai": "12.5", "last_update": "2026-06-01"},
    )
    return AgencyResult("farmer", AgencyStatus.OK, ResultSource.LIVE, as_of, entitlements=(farmer,))


def demo_menu() -> tuple[ServiceDefinition, ...]:
    """The built-in menu of services, in menu order."""
    return tuple(entry.definition for entry in build_catalogue().entries)


def demo_lookup(
    service_id: str,
    now: datetime,
    *,
    body: object = None,
    source: ResultSource = ResultSource.LIVE,
    reason: FailureReason | None = None,
) -> LookupResult:
    """A record service's answer for the demo citizen, read from the simulator's data set by
    the service's own definition (no network): `body` replaces that data; `source` CACHE makes
    it a dated copy that stood in for a failed live answer (`reason`); `reason` with source
    NONE makes it a failure."""
    definition = next(d for d in demo_menu() if d.id == service_id)
    if source is ResultSource.NONE:
        return failed_lookup(service_id, reason or FailureReason.TIMEOUT, "demo failure")
    data = body if body is not None else Dataset.default().service_answer(service_id, SIM_CID)
    record = read_record(definition, json.dumps(data).encode("utf-8"))
    return LookupResult(service_id, AgencyStatus.OK, source, now, record, reason=reason)


def demo_results(now: datetime, *, mixed: bool = True) -> dict[str, AgencyResult]:
    """Answers for the demo citizen. `mixed`: one of every tile state but "asking" (the CGD
    answer is left out, so its tile keeps asking); else every agency answered live."""
    cached_on = now - timedelta(days=4, hours=3)
    card_on = datetime(2026, 3, 2, tzinfo=BANGKOK)
    not_found = {
        agency: AgencyResult(agency, AgencyStatus.NOT_FOUND, ResultSource.LIVE, now)
        for agency in ("sso", "cgd", "disability")
    }
    if not mixed:
        return {
            "nhso": _ucs(ResultSource.LIVE, now, None),
            "sso": not_found["sso"],
            "welfare": _welfare(ResultSource.LIVE, now, None),
            "elderly": _elderly(now),
            "disability": not_found["disability"],
            "cgd": not_found["cgd"],
            "farmer": _farmer(now),
        }
    return {
        "nhso": _ucs(ResultSource.CARD, card_on, FailureReason.UNREACHABLE),
        "sso": not_found["sso"],
        "welfare": _welfare(ResultSource.CACHE, cached_on, FailureReason.TIMEOUT),
        "elderly": _elderly(now),
        "disability": AgencyResult(
            "disability",
            AgencyStatus.UNAVAILABLE,
            ResultSource.NONE,
            None,
            message="no answer within the deadline",
            reason=FailureReason.TIMEOUT,
        ),
        "farmer": _farmer(now),
    }


class _DemoThreads:
    """Threads the demo stand-ins start, so `close` can stop and join every one."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=target, args=(self._stop,), name="demo", daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout=5)


class DemoCardReading:
    """Stands in for the card reader: "reads" the demo card from its own thread, CID first,
    then identity, then the photo, with the given delays (seconds)."""

    def __init__(self, photo: bytes | None, delays: Sequence[float] = (0.15, 0.35, 0.8)) -> None:
        self._photo = photo
        self._delays = tuple(delays)
        self._threads = _DemoThreads()
        self._cancelled_upto = 0

    def start_read(self, reader: str, progress: ReadFeed) -> None:
        """Start the pretend read."""
        del reader
        cid_after, identity_after, photo_after = self._delays

        def run(stop: threading.Event) -> None:
            steps: list[tuple[float, Callable[[], None]]] = [
                (cid_after, lambda: progress.cid_read(DEMO_CID)),
                (identity_after, lambda: progress.identity_read(demo_card(None))),
            ]
            if self._photo is not None:
                photo = self._photo
                steps.append((photo_after, lambda: progress.photo_read(photo)))
            waited = 0.0
            for at, step in steps:
                if stop.wait(max(0.0, at - waited)) or progress.token <= self._cancelled_upto:
                    return
                waited = at
                step()

        self._threads.start(run)

    def cancel_read(self, token: int) -> None:
        """Stop reporting for session `token`."""
        self._cancelled_upto = max(self._cancelled_upto, token)

    def close(self) -> None:
        """Stop and join every pretend read."""
        self._threads.close()


class DemoRecordLookups:
    """Stands in for the record services: answers each lookup with the demo citizen's record
    (`demo_lookup`) after `delay` seconds, from a thread of its own; `answers` replaces some."""

    def __init__(self, delay: float = 0.1, answers: dict[str, LookupResult] | None = None) -> None:
        self._delay = delay
        self._answers = answers or {}
        self._threads = _DemoThreads()
        self._cancelled_upto = 0
        self.asked: list[tuple[str, bool]] = []  # (service, opt_out), in order

    def start_lookup(self, lookup: StartLookup, feed: RecordFeed) -> None:
        """Start the pretend lookup."""
        self.asked.append((lookup.service, lookup.opt_out))
        now = datetime.now(BANGKOK)
        result = self._answers.get(lookup.service) or demo_lookup(lookup.service, now)

        def run(stop: threading.Event) -> None:
            if stop.wait(self._delay) or feed.token <= self._cancelled_upto:
                return
            feed.on_result(result)

        self._threads.start(run)

    def cancel_lookups(self, token: int) -> None:
        """Stop delivering answers of session `token`."""
        self._cancelled_upto = max(self._cancelled_upto, token)

    def close(self) -> None:
        """Stop and join every pretend answer."""
        self._threads.close()


class DemoAgencyChecking:
    """Stands in for the agency check: answers from `results` after per-agency delays
    (seconds), each from its own thread, in whatever order the delays give."""

    def __init__(
        self, results: dict[str, AgencyResult], delays: dict[str, float] | None = None
    ) -> None:
        self._results = results
        self._delays = delays or {}
        self._threads = _DemoThreads()
        self._cancelled_upto = 0

    def start_check(self, request: CheckRequest, feed: CheckFeed) -> None:
        """Start the pretend check; `feed.on_done` after the slowest answer."""
        del request
        remaining = [len(self._results)]
        lock = threading.Lock()

        def answer(result: AgencyResult, delay: float) -> Callable[[threading.Event], None]:
            def run(stop: threading.Event) -> None:
                if stop.wait(delay) or feed.token <= self._cancelled_upto:
                    return
                feed.on_result(result)
                with lock:
                    remaining[0] -= 1
                    last = remaining[0] == 0
                if last:
                    feed.on_done()

            return run

        for agency, result in self._results.items():
            self._threads.start(answer(result, self._delays.get(agency, 0.3)))

    def cancel_check(self, token: int) -> None:
        """Stop delivering answers of session `token`."""
        self._cancelled_upto = max(self._cancelled_upto, token)

    def close(self) -> None:
        """Stop and join every pretend answer."""
        self._threads.close()


class LoggedConsent:
    """A `ConsentAudit` that keeps decisions in memory (demo and tests; the kiosk writes them
    to its audit log with `kiosk.session.ports.AuditLogConsent`)."""

    def __init__(self) -> None:
        self.decisions: list[tuple[int, bool, bool]] = []

    def record_consent(self, session: int, agreed: bool, opt_out: bool) -> None:
        """Remember the decision (no personal data in it)."""
        self.decisions.append((session, agreed, opt_out))
