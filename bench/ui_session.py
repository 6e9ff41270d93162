"""Kiosk screen benchmark (`python -m bench.ui_session`).

The real window, controller, session and workers, offscreen, run `--sessions` whole sessions in
a row (default 200): card in -> consent -> agree -> every tile -> finish -> card out. The
agencies are the simulator (`kiosk agency-sim`, its own process, as the agencies are elsewhere)
with the real parallel check in this process (latency 50-400 ms per agency, as in
`bench.agency_check`); the card read is instant (its own benchmark is `bench.card_read`), so
"card in -> consent shown" here is the kiosk's own share of that time.

Measured, with baselines from the same run:
- card inserted -> consent shown (goal <= 300 ms, here the read costs nothing);
- "Agree" -> first tile shown, against the moment the check delivered its first answer on its
  worker (goal: first tile <= fastest agency + 50 ms, i.e. <= 50 ms after that answer);
- "Agree" -> all tiles shown, against the check's own last answer;
- the longest event-loop stall during the sessions, against the same 10 ms heartbeat in an idle
  event loop (goal < 50 ms);
- RSS after every 50 sessions (goal: growth over 200 sessions < 15 MB);
- cold start to the attract screen, in fresh processes (reported, no goal).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LATENCY_MS = {
    "nhso": 400,
    "sso": 50,
    "welfare": 100,
    "elderly": 150,
    "disability": 200,
    "cgd": 250,
    "farmer": 300,
}
CID = "1120100345899"  # the demo card profile's citizen, known to the simulator's data set
HEARTBEAT_MS = 10


def _stats(samples_ms: Sequence[float]) -> dict[str, float]:
    ms = sorted(samples_ms)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"median": statistics.median(ms), "p95": p95, "max": ms[-1]}


class _InstantCard:
    """The card read without a card: CID, identity and photo at once, from a thread of its own
    (as the reader thread would report them)."""

    def __init__(self, photo: bytes) -> None:
        from ui.demo import demo_card

        self._card = dataclasses.replace(demo_card(None), cid=CID)
        self._photo = photo
        self._threads: list[threading.Thread] = []

    def start_read(self, reader: str, progress: Any) -> None:
        del reader

        def read() -> None:
            progress.cid_read(CID)
            progress.identity_read(self._card)
            progress.photo_read(self._photo)

        thread = threading.Thread(target=read, name="bench-card")
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def cancel_read(self, token: int) -> None:
        del token

    def close(self) -> None:
        for thread in self._threads:
            thread.join(timeout=5)


def _pump_until(app: Any, condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)


class _Heartbeat:
    """A 10 ms timer; the longest gap between its ticks is the longest event-loop stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = 0.0
        self.gaps: list[float] = []
        self.where: list[str] = []  # what the kiosk showed when each tick came
        self.label: Callable[[], str] = lambda: ""
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last:
            self.gaps.append((now - self.last) * 1000)
            self.where.append(self.label())
        self.last = now

    def start(self) -> None:
        self.last, self.gaps, self.where = 0.0, [], []
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps) - HEARTBEAT_MS if self.gaps else 0.0

    def worst(self, count: int = 3) -> list[tuple[float, str]]:
        """The longest stalls and the state the kiosk was in when they ended."""
        ranked = sorted(zip(self.gaps, self.where, strict=True), reverse=True)[:count]
        return [(gap - HEARTBEAT_MS, where) for gap, where in ranked]

    def p99(self) -> float:
        """The 99th percentile stall."""
        if len(self.gaps) < 2:
            return 0.0
        return statistics.quantiles(self.gaps, n=100, method="inclusive")[98] - HEARTBEAT_MS


def run(sessions: int, cold_runs: int) -> dict[str, Any]:
    """The whole benchmark; prints a report and returns the figures."""
    import psutil
    from PySide6.QtCore import QSize, QThreadPool
    from PySide6.QtWidgets import QApplication

    from adapters.base import AgencyResult, CitizenIdentity
    from adapters.simulator.server import (
        GDX_AGENT_ID,
        GDX_CONSUMER_KEY,
        GDX_CONSUMER_SECRET,
        NHSO_REFRESH_TOKEN,
    )
    from kiosk.agencies import build_agencies
    from kiosk.check import AgencyCheck
    from kiosk.config import validate_config
    from kiosk.session import Session, SessionSettings
    from kiosk.session_events import CardInserted, CardRemoved, ReadersChanged
    from kiosk.session_view import SessionState, SessionView
    from ui.app import KioskApp, KioskParts
    from ui.demo import DEMO_AGENCIES, DEMO_READER, LoggedConsent
    from ui.illustrations import placeholder_portrait_jpeg
    from ui.worker import WorkerAgencyChecking, Workers

    app = QApplication.instance() or QApplication(sys.argv[:1])
    process = psutil.Process()
    heartbeat = _Heartbeat()
    heartbeat.start()
    idle_end = time.monotonic() + 2.0
    _pump_until(app, lambda: time.monotonic() > idle_end, 5.0)
    idle_stall = heartbeat.stop()

    consent_ms: list[float] = []
    first_ms: list[float] = []
    all_ms: list[float] = []
    first_answer_ms: list[float] = []
    last_answer_ms: list[float] = []
    rss_mb: list[tuple[int, float]] = []
    stall, stall_p99, worst = 0.0, 0.0, []
    faults = [f"--fault={agency}=latency:{ms}" for agency, ms in LATENCY_MS.items()]
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "agency-sim", "--port", "0", *faults],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sim.stdout is not None
    url = sim.stdout.readline().strip().rsplit(" ", 1)[-1]  # "agency-sim listening on URL"
    tables = {
        "nhso": {"base_url": url, "refresh_token": NHSO_REFRESH_TOKEN},
        "gdx": {
            "base_url": url,
            "consumer_key": GDX_CONSUMER_KEY,
            "consumer_secret": GDX_CONSUMER_SECRET,
            "agent_id": GDX_AGENT_ID,
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        config = validate_config(
            {
                "kiosk": {"data_dir": tmp, "key_file": str(Path(tmp) / "key")},
                "agencies": {"timeout_s": 3.0, **tables},
            }
        )
        with build_agencies(config) as agencies:
            check = AgencyCheck(agencies.adapters, timeout_s=3.0)
            check.run(CitizenIdentity(CID))  # warm-up: tokens and pooled connections
            answers: list[float] = []

            def run_check(cid: str, opt_out: bool, on_result: Callable[..., None]) -> None:
                def stamp(result: AgencyResult) -> None:
                    answers.append(time.perf_counter())
                    on_result(result)

                check.run(CitizenIdentity(cid), stamp, keep_snapshots=not opt_out)

            workers = Workers(QThreadPool())
            infos = tuple(i for i in DEMO_AGENCIES if i.id in agencies.ids)
            session = Session(SessionSettings(agencies=infos))
            card = _InstantCard(placeholder_portrait_jpeg())
            kiosk = KioskApp(
                KioskParts(
                    session=session,
                    card=card,
                    checks=WorkerAgencyChecking(workers, run_check),
                    audit=LoggedConsent(),
                ),
                pool=QThreadPool(),
            )
            shown: list[tuple[float, SessionView]] = []
            kiosk.controller.shown.connect(lambda v: shown.append((time.perf_counter(), v)))
            kiosk.show(fullscreen=False, size=QSize(1080, 1920))
            kiosk.controller.post(ReadersChanged((DEMO_READER,)))
            _pump_until(app, lambda: session.state is SessionState.IDLE)
            heartbeat.label = lambda: session.state.value
            heartbeat.start()
            for number in range(1, sessions + 1):
                shown.clear()
                answers.clear()
                inserted = time.perf_counter()
                kiosk.controller.post(CardInserted(DEMO_READER))
                _pump_until(app, lambda: session.state is SessionState.CONSENT)
                consent_at = next(t for t, v in shown if v.state is SessionState.CONSENT)
                consent_ms.append((consent_at - inserted) * 1000)
                _pump_until(app, lambda: kiosk.window.consent.photo.has_photo)
                shown.clear()
                agreed = time.perf_counter()
                kiosk.window.bar.primary.click()  # "Agree"
                _pump_until(app, lambda: session.state is SessionState.RESULTS)
                first_tile = next(t for t, v in shown if any(x.result for x in v.tiles))
                all_tiles = next(t for t, v in shown if v.state is SessionState.RESULTS)
                first_ms.append((first_tile - agreed) * 1000)
                all_ms.append((all_tiles - agreed) * 1000)
                first_answer_ms.append((answers[0] - agreed) * 1000)
                last_answer_ms.append((answers[-1] - agreed) * 1000)
                kiosk.window.bar.primary.click()  # "Finish"
                kiosk.controller.post(CardRemoved(DEMO_READER))
                _pump_until(app, lambda: session.state is SessionState.IDLE)
                if number % 50 == 0 or number in (1, sessions):
                    rss_mb.append((number, process.memory_info().rss / 2**20))
            stall = heartbeat.stop()
            stall_p99, worst = heartbeat.p99(), heartbeat.worst()
            kiosk.close()
            kiosk.window.deleteLater()
            card.close()
            workers.wait(10_000)
            check.join_workers(5.0)
    sim.terminate()
    sim.wait(timeout=10)

    cold = _cold_starts(cold_runs)
    consent, first, every = _stats(consent_ms), _stats(first_ms), _stats(all_ms)
    answer1, answer_n = _stats(first_answer_ms), _stats(last_answer_ms)
    first_gap = [t - a for t, a in zip(first_ms, first_answer_ms, strict=True)]
    all_gap = [t - a for t, a in zip(all_ms, last_answer_ms, strict=True)]
    growth = rss_mb[-1][1] - rss_mb[0][1]
    print(f"sessions: {sessions}; agencies and injected latency (ms): {LATENCY_MS}")
    print(f"{'measure (ms)':46} {'median':>8} {'p95':>8} {'max':>8}")
    for name, figures in (
        ("card inserted -> consent shown", consent),
        ("agree -> check's first answer (baseline)", answer1),
        ("agree -> first tile shown", first),
        ("first tile - first answer (UI share)", _stats(first_gap)),
        ("agree -> check's last answer (baseline)", answer_n),
        ("agree -> all tiles shown", every),
        ("all tiles - last answer (UI share)", _stats(all_gap)),
    ):
        print(f"{name:46} {figures['median']:8.1f} {figures['p95']:8.1f} {figures['max']:8.1f}")
    print(f"longest event-loop stall: {stall:.1f} ms (idle loop baseline {idle_stall:.1f} ms)")
    print(
        f"stall p99 {stall_p99:.1f} ms; worst: "
        + ", ".join(f"{gap:.1f} ms in {where}" for gap, where in worst)
    )
    print("RSS (MB) after sessions: " + ", ".join(f"{n}: {mb:.1f}" for n, mb in rss_mb))
    print(f"RSS growth from session 1 to {sessions}: {growth:+.1f} MB")
    warm = [mb for n, mb in rss_mb if n >= 50]
    if len(warm) > 1:
        print(f"RSS growth after the first 50 sessions (warm caches): {warm[-1] - warm[0]:+.1f} MB")
    if cold:
        print(
            f"cold start to the attract screen: median {statistics.median(cold):.0f} ms "
            f"(min {min(cold):.0f}, max {max(cold):.0f}, {len(cold)} runs)"
        )
    goals = {
        "consent_p95_le_300ms": consent["p95"] <= 300,
        "first_tile_p95_le_first_answer_plus_50ms": _stats(first_gap)["p95"] <= 50,
        "max_stall_lt_50ms": stall < 50,
        "rss_growth_lt_15mb": growth < 15,
    }
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'MISSED'}")
    return {
        "sessions": sessions,
        "consent_ms": consent,
        "first_tile_ms": first,
        "all_tiles_ms": every,
        "first_answer_ms": answer1,
        "last_answer_ms": answer_n,
        "stall_ms": stall,
        "stall_p99_ms": stall_p99,
        "idle_stall_ms": idle_stall,
        "rss_mb": rss_mb,
        "cold_start_ms": cold,
        "goals": goals,
    }


def _cold_starts(runs: int) -> list[float]:
    """Fresh processes: from process creation to the attract screen shown."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "bench.ui_session", "--cold-child"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip():
            times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def _cold_child() -> int:
    """Start the kiosk window and print the ms since this process was created."""
    import psutil

    created = psutil.Process().create_time()
    from PySide6.QtWidgets import QApplication

    from kiosk.session import Session, SessionSettings
    from kiosk.session_events import ReadersChanged
    from kiosk.session_view import SessionState
    from ui.app import KioskApp, KioskParts
    from ui.demo import DEMO_AGENCIES, DEMO_READER, LoggedConsent
    from ui.run import NotWired

    app = QApplication(sys.argv[:1])
    session = Session(SessionSettings(agencies=DEMO_AGENCIES))
    kiosk = KioskApp(
        KioskParts(session=session, card=NotWired(), checks=NotWired(), audit=LoggedConsent())
    )
    kiosk.show(fullscreen=False)
    kiosk.controller.post(ReadersChanged((DEMO_READER,)))
    _pump_until(app, lambda: session.state is SessionState.IDLE)
    app.processEvents()
    print(f"{(time.time() - created) * 1000:.1f}")
    kiosk.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; `--json FILE` also writes the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold_child:
        return _cold_child()
    figures = run(args.sessions, args.cold_runs)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
