"""Off the GUI thread: the worker abstraction, the thread bridge, and a screen that stays alive
while the card and the agencies are slow."""

# mypy narrows `session.state` after one assert and cannot see the event loop change it.
# mypy: disable-error-code="comparison-overlap,unreachable"

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt, QThread, QThreadPool, QTimer
from pytestqt.qtbot import QtBot

from adapters.base import AgencyResult, AgencyStatus, ResultSource
from kiosk.session.check_request import CheckRequest
from kiosk.session.events import SessionEvent, UserActivity
from kiosk.session.feed import CheckFeed, ReadFeed
from kiosk.session.view import SessionState
from tests.gui.kiosk_harness import Kiosk
from ui.bridge import EventBridge
from ui.demo.stand_ins import DEMO_CID, demo_card, demo_results
from ui.screenshots import DEMO_NOW
from ui.worker import WorkerAgencyChecking, WorkerCardReading, Workers

MakeKiosk = Callable[..., Kiosk]


@pytest.fixture
def workers(qapp: object) -> Iterator[Workers]:
    del qapp
    made = Workers(QThreadPool())
    yield made
    assert made.wait(10_000)


def test_result_arrives_by_signal_on_the_gui_thread(qtbot: QtBot, workers: Workers) -> None:
    gui = QThread.currentThread()
    ran_on: list[object] = []

    def work(x: int) -> int:
        ran_on.append(QThread.currentThread())
        return x * 2

    seen: list[object] = []
    done: list[bool] = []
    workers.run(
        work,
        21,
        on_success=lambda value: seen.append((value, QThread.currentThread())),
        on_done=lambda: done.append(True),
    )
    qtbot.waitUntil(lambda: done == [True], timeout=5000)
    assert seen == [(42, gui)]
    assert len(ran_on) == 1
    assert ran_on[0] is not gui


def test_errors_are_delivered_never_swallowed(qtbot: QtBot, workers: Workers) -> None:
    def broken() -> None:
        raise ValueError("boom")

    failures: list[BaseException] = []
    done: list[bool] = []
    workers.run(broken, on_failure=failures.append, on_done=lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True], timeout=5000)
    assert len(failures) == 1
    assert isinstance(failures[0], ValueError)
    qtbot.waitUntil(lambda: workers.busy == 0, timeout=5000)


def test_a_jobs_result_and_its_end_arrive_in_one_turn_of_the_event_loop(
    qtbot: QtBot, qapp: object
) -> None:
    """`on_done` runs right after `on_success`, before anything else the GUI thread does: a
    controller that cleans up in `on_done` (the maintenance door's "knock in progress") is never
    seen half done. The worker thread is held up between reporting and ending, which used to
    let the GUI thread act on the result while the job still counted as running."""
    del qapp
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    workers = Workers(pool)
    release = threading.Event()
    workers.run(release.wait, 10.0)  # holds the pool's only thread: the next job waits
    order: list[str] = []

    def on_success(value: object) -> None:
        order.append(f"success {value}")
        QTimer.singleShot(0, lambda: order.append("next event"))

    signals = workers.run(lambda: 7, on_success=on_success, on_done=lambda: order.append("done"))
    # Whatever thread reports the result is held up right after it, before it says "done".
    signals.succeeded.connect(lambda _v: time.sleep(0.3), Qt.ConnectionType.DirectConnection)
    release.set()
    qtbot.waitUntil(lambda: len(order) == 3, timeout=5000)
    assert order == ["success 7", "done", "next event"]
    assert workers.wait(10_000)


def test_no_callback_runs_once_the_workers_are_closed(qtbot: QtBot, qapp: object) -> None:
    """A result that lands while the app closes is dropped: its widgets may be gone (a status
    load in flight when maintenance mode's "restart" rebuilt the kiosk touched a deleted
    button)."""
    del qapp
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    workers = Workers(pool)
    release = threading.Event()
    workers.run(release.wait, 10.0)  # the pool's only thread is busy: the next job waits
    called: list[object] = []
    workers.run(lambda: 7, on_success=called.append, on_done=lambda: called.append("done"))
    threading.Timer(0.2, release.set).start()
    assert workers.close(10_000)  # waits for both jobs; the second one reported meanwhile
    qtbot.wait(100)  # the loop would deliver its report now
    assert called == []
    assert workers.busy == 0


def test_bridge_delivers_other_threads_events_in_order_on_the_gui_thread(
    qtbot: QtBot, qapp: object
) -> None:
    del qapp
    gui = threading.get_ident()
    bridge = EventBridge()
    received: list[tuple[int, int]] = []

    class Sink:
        def handle(self, event: SessionEvent) -> None:
            received.append((threading.get_ident(), id(event)))

    sink = Sink()
    bridge.posted.connect(sink.handle)
    events = [UserActivity() for _ in range(50)]

    def send() -> None:
        for event in events:
            bridge.post(event)

    sender = threading.Thread(target=send)
    sender.start()
    sender.join(timeout=5)
    qtbot.waitUntil(lambda: len(received) == len(events), timeout=5000)
    assert [r[1] for r in received] == [id(e) for e in events]
    assert {r[0] for r in received} == {gui}
    bridge.deleteLater()


def _result(agency: str) -> AgencyResult:
    return demo_results(DEMO_NOW, mixed=False)[agency]


def test_screen_stays_alive_while_card_and_agencies_are_slow(make_kiosk: MakeKiosk) -> None:
    """The card takes 1.2 s, the agencies up to 1.5 s, each on a worker; meanwhile a timer
    keeps firing and a tap on the language switch is handled at once."""
    release = threading.Event()

    def slow_read(reader: str, progress: ReadFeed) -> None:
        del reader
        release.wait(1.2)
        progress.cid_read(DEMO_CID)
        progress.identity_read(demo_card(None))

    def slow_check(request: CheckRequest, on_result: Callable[[AgencyResult], None]) -> None:
        del request
        for agency in ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"):
            time.sleep(0.2)
            on_result(_result(agency))

    pool = Workers(QThreadPool())
    kiosk = make_kiosk(
        card=WorkerCardReading(pool, slow_read), checks=WorkerAgencyChecking(pool, slow_check)
    )
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start()
    try:
        from kiosk.session.events import CardInserted
        from ui.demo.stand_ins import DEMO_READER

        kiosk.post(CardInserted(DEMO_READER))
        kiosk.wait_state(SessionState.READING)
        kiosk.qtbot.wait(200)
        started = time.monotonic()
        kiosk.click(kiosk.window.bar.language)  # a tap while the card is still being read
        assert kiosk.session.view.preferences.language == "en"
        assert time.monotonic() - started < 0.5  # handled at once, not after the read
        assert kiosk.session.state is SessionState.READING
        kiosk.wait_state(SessionState.CONSENT, timeout_ms=10_000)
        kiosk.click(kiosk.window.bar.primary)
        kiosk.qtbot.wait(300)
        kiosk.click(kiosk.window.bar.large_text)  # a tap while the agencies are still out
        assert kiosk.session.view.preferences.large_text
        assert kiosk.session.state is SessionState.QUERYING
        kiosk.wait_state(SessionState.RESULTS, timeout_ms=10_000)
    finally:
        heartbeat.stop()
        release.set()
        assert pool.wait(10_000)
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 40  # ~2.5 s of 20 ms ticks went on through both slow steps
    assert max(gaps) < 1.0  # never frozen for the length of a slow step


def test_worker_check_reports_done_even_when_the_check_raises(
    qtbot: QtBot, workers: Workers
) -> None:
    posted: list[SessionEvent] = []

    def failing(request: CheckRequest, on_result: Callable[[AgencyResult], None]) -> None:
        on_result(AgencyResult("nhso", AgencyStatus.OK, ResultSource.LIVE, None))
        raise RuntimeError("adapter bug")

    checking = WorkerAgencyChecking(workers, failing)
    checking.start_check(CheckRequest(DEMO_CID), CheckFeed(posted.append, token=4))
    qtbot.waitUntil(lambda: len(posted) == 2, timeout=5000)
    assert [type(e).__name__ for e in posted] == ["AgencyAnswered", "CheckFinished"]


def test_worker_check_drops_answers_of_a_cancelled_session(qtbot: QtBot, workers: Workers) -> None:
    posted: list[SessionEvent] = []
    go = threading.Event()

    def check(request: CheckRequest, on_result: Callable[[AgencyResult], None]) -> None:
        go.wait(5)
        on_result(AgencyResult("nhso", AgencyStatus.OK, ResultSource.LIVE, None))

    checking = WorkerAgencyChecking(workers, check)
    checking.start_check(CheckRequest(DEMO_CID), CheckFeed(posted.append, token=9))
    checking.cancel_check(9)
    go.set()
    qtbot.waitUntil(lambda: len(posted) == 1, timeout=5000)
    assert type(posted[0]).__name__ == "CheckFinished"


def test_worker_read_failure_becomes_a_failed_read(qtbot: QtBot, workers: Workers) -> None:
    posted: list[SessionEvent] = []

    def read(reader: str, progress: ReadFeed) -> None:
        raise OSError("reader vanished")

    WorkerCardReading(workers, read).start_read("r0", ReadFeed(posted.append, token=2))
    qtbot.waitUntil(lambda: len(posted) == 1, timeout=5000)
    assert type(posted[0]).__name__ == "ReadFailed"
    assert posted[0].kind == "reader_fault"  # type: ignore[union-attr]
