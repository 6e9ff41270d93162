"""Kiosk screen benchmark (`python -m bench.ui_session`).

The kiosk as `kiosk run` builds it (`KioskServices` + the window, offscreen at 1080x1920) runs
`--sessions` whole sessions in a row (default 200) on the real stack: a virtual card (the demo
profile, with a 115200-baud reader's latency) inserted into vpcd and read by the reader thread
through pcscd; "Agree"; the check against the agency simulator (its own process, as agencies
are elsewhere; latency 50-400 ms per agency) with the offline cache and audit on real files;
"Finish"; the card pulled. The card is moved by a helper thread (a person's hand), so the GUI
thread only runs the kiosk.

Measured, each with a baseline from the same run:
- card inserted (the monitor's event) -> consent shown, against the same insert -> the read's
  identity on the reader thread (goal <= 300 ms; the photo arrives after);
- "Agree" -> first tile shown, against the check's first answer on its worker (goal: first
  tile <= fastest agency + 50 ms, i.e. the UI's share <= 50 ms), and -> all tiles;
- the longest event-loop stall during the sessions (a 10 ms heartbeat), against the same
  heartbeat in an idle loop (goal < 50 ms), with the states the worst stalls ended in;
- RSS after each 50 sessions (goal: growth over the sessions < 15 MB);
- cold start of `kiosk run --exit-when-ready` to the attract screen (fresh processes), against
  `kiosk --version` (the interpreter and the CLI alone).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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
HEARTBEAT_MS = 10
SLOT = 0  # vpcd's first reader


def _stats(samples_ms: Sequence[float]) -> dict[str, float]:
    ms = sorted(samples_ms)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"median": statistics.median(ms), "p95": p95, "max": ms[-1]}


def _pump_until(app: Any, condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    """Run the event loop until `condition` holds. Also the deferred deletions `exec()` would
    run (`deleteLater`): pumping by hand skips them, and they would pile up as false growth."""
    from PySide6.QtCore import QEvent, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


class _Heartbeat:
    """A 10 ms timer; the longest gap between its ticks is the longest event-loop stall.

    Gaps and states are kept in compact arrays: tens of thousands of ticks in Python lists
    would themselves add megabytes to the RSS the benchmark reports."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = 0.0
        self.gaps = array("d")
        self.where = array("B")  # index into `self.labels` of what the kiosk showed
        self.labels: list[str] = [""]
        self.label: Callable[[], str] = lambda: ""
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last:
            self.gaps.append((now - self.last) * 1000)
            label = self.label()
            if label not in self.labels:
                self.labels.append(label)
            self.where.append(self.labels.index(label))
        self.last = now

    def start(self) -> None:
        self.last, self.gaps, self.where = 0.0, array("d"), array("B")
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps) - HEARTBEAT_MS if self.gaps else 0.0

    def worst(self, count: int = 3) -> list[tuple[float, str]]:
        """The longest stalls and the state the kiosk was in when they ended."""
        ranked = sorted(zip(self.gaps, self.where, strict=True), reverse=True)[:count]
        return [(gap - HEARTBEAT_MS, self.labels[where]) for gap, where in ranked]

    def worst_in(self, label: str) -> float:
        """The longest stall that ended while the kiosk showed `label`."""
        if label not in self.labels:
            return 0.0
        index = self.labels.index(label)
        gaps = [gap for gap, where in zip(self.gaps, self.where, strict=True) if where == index]
        return max(gaps) - HEARTBEAT_MS if gaps else 0.0

    def p99(self) -> float:
        """The 99th percentile stall."""
        if len(self.gaps) < 2:
            return 0.0
        return statistics.quantiles(self.gaps, n=100, method="inclusive")[98] - HEARTBEAT_MS


class _Stamps:
    """When the reader thread and the check's worker reported (perf_counter), per session."""

    def __init__(self) -> None:
        self.inserted: list[float] = []
        self.identity: list[float] = []
        self.answers: list[float] = []

    def clear(self) -> None:
        self.inserted.clear()
        self.identity.clear()
        self.answers.clear()


def _stamped_events(events: Any, stamps: _Stamps) -> Any:
    """The card monitor's callbacks, the insert stamped as the monitor reports it."""

    class Stamped:
        def readers_changed(self, readers: list[str]) -> None:
            events.readers_changed(readers)

        def card_inserted(self, reader: str, atr: bytes) -> None:
            stamps.inserted.append(time.perf_counter())
            events.card_inserted(reader, atr)

        def card_removed(self, reader: str) -> None:
            events.card_removed(reader)

        def service_state(self, error: Any) -> None:
            events.service_state(error)

    return Stamped()


def _stamped_reading(port: Any, stamps: _Stamps) -> Any:
    """The reader port, the read's identity stamped as the reader thread reports it."""
    from kiosk.session.feed import ReadFeed

    class StampedFeed(ReadFeed):
        def __init__(self, inner: ReadFeed) -> None:
            super().__init__(lambda event: None, inner.token)
            self._inner = inner

        def cid_read(self, cid: str) -> None:
            self._inner.cid_read(cid)

        def identity_read(self, card: Any) -> None:
            stamps.identity.append(time.perf_counter())
            self._inner.identity_read(card)

        def photo_read(self, jpeg: bytes) -> None:
            self._inner.photo_read(jpeg)

        def read_failed(self, error: Any) -> None:
            self._inner.read_failed(error)

    class Stamped:
        def start_read(self, reader: str, progress: ReadFeed) -> None:
            port.start_read(reader, StampedFeed(progress))

        def cancel_read(self, token: int) -> None:
            port.cancel_read(token)

    return Stamped()


def run(sessions: int, cold_runs: int, poll_s: float | None = None) -> dict[str, Any]:
    """The whole benchmark; prints a report and returns the figures."""
    import psutil
    from PySide6.QtCore import QSize, QThreadPool
    from PySide6.QtWidgets import QApplication

    from adapters.base import AgencyResult
    from cardreader.pcscd_process import VPCD_READERS, PcscdService, wait_for_card
    from cardreader.profile import shipped_profile
    from cardreader.virtual_card import REALISTIC_LATENCY, VPCD_PORTS, VirtualCard
    from kiosk.agencies.service import MonitorSettings
    from kiosk.config import validate_config
    from kiosk.session.check_request import CheckRequest
    from kiosk.session.feed import FIRST_LOOK_S
    from kiosk.session.machine import Session
    from kiosk.session.view import SessionState, SessionView
    from kiosk.wiring.services import KioskServices, ReaderSettings
    from ui.app import KioskApp, KioskParts, settle_memory
    from ui.worker import WorkerAgencyChecking, Workers

    app = QApplication.instance() or QApplication(sys.argv[:1])
    process = psutil.Process()
    heartbeat = _Heartbeat()
    heartbeat.start()
    idle_end = time.monotonic() + 2.0
    _pump_until(app, lambda: time.monotonic() > idle_end, 5.0)
    idle_stall = heartbeat.stop()

    consent_ms: list[float] = []
    identity_ms: list[float] = []
    first_ms: list[float] = []
    all_ms: list[float] = []
    first_answer_ms: list[float] = []
    last_answer_ms: list[float] = []
    rss_mb: list[tuple[int, float]] = []
    faults = [f"--fault={agency}=latency:{ms}" for agency, ms in LATENCY_MS.items()]
    pcscd = PcscdService.ensure()
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "agency-sim", "--port", "0", *faults],
        stdout=subprocess.PIPE,
        text=True,
    )
    hand = ThreadPoolExecutor(1, thread_name_prefix="hand")  # inserts and pulls the card
    stamps = _Stamps()
    try:
        assert sim.stdout is not None
        url = sim.stdout.readline().strip().rsplit(" ", 1)[-1]  # "agency-sim listening on URL"
        with tempfile.TemporaryDirectory() as tmp:
            config = _config(url, Path(tmp))
            reader = VPCD_READERS[SLOT]
            services = KioskServices.from_config(
                validate_config(config),
                monitor=MonitorSettings(interval_s=3600, down_interval_s=3600),
                reader=ReaderSettings(
                    name=reader, poll_s=poll_s if poll_s is not None else ReaderSettings().poll_s
                ),
            )
            check = services.check
            assert check is not None

            def run_check(request: CheckRequest, on_result: Callable[..., None]) -> None:
                def stamp(result: AgencyResult) -> None:
                    stamps.answers.append(time.perf_counter())
                    on_result(result)

                check(request, stamp)

            workers = Workers(QThreadPool())
            session = Session(services.session_settings())
            kiosk = KioskApp(
                KioskParts(
                    session=session,
                    card=_stamped_reading(services.card, stamps),
                    checks=WorkerAgencyChecking(workers, run_check),
                    audit=services.consent_audit,
                    watches=services.watches,
                ),
                workers=workers,
            )
            shown: list[tuple[float, SessionView]] = []
            kiosk.controller.shown.connect(lambda v: shown.append((time.perf_counter(), v)))
            kiosk.show(fullscreen=False, size=QSize(1080, 1920))
            settle_memory()  # as `kiosk run` does once its window is up
            services.start(_stamped_events(kiosk.controller.card_feed(), stamps))
            _pump_until(app, lambda: session.state is SessionState.IDLE)
            wait_end = time.monotonic() + FIRST_LOOK_S + 0.1
            _pump_until(app, lambda: time.monotonic() > wait_end)
            card = VirtualCard(
                shipped_profile("demo").image(), port=VPCD_PORTS[SLOT], latency=REALISTIC_LATENCY
            )

            def by_hand(action: Callable[[], object]) -> Future[object]:
                return hand.submit(action)

            def pull_out() -> None:
                card.remove()
                wait_for_card(reader, present=False)

            heartbeat.label = lambda: session.state.value
            heartbeat.start()
            for number in range(1, sessions + 1):
                shown.clear()
                stamps.clear()
                by_hand(card.insert)
                _pump_until(app, lambda: session.state is SessionState.CONSENT)
                consent_at = next(t for t, v in shown if v.state is SessionState.CONSENT)
                consent_ms.append((consent_at - stamps.inserted[0]) * 1000)
                identity_ms.append((stamps.identity[0] - stamps.inserted[0]) * 1000)
                _pump_until(app, lambda: kiosk.window.consent.photo.has_photo)
                shown.clear()
                agreed = time.perf_counter()
                kiosk.window.bar.primary.click()  # "Agree"
                _pump_until(app, lambda: session.state is SessionState.RESULTS)
                first_tile = next(t for t, v in shown if any(x.result for x in v.tiles))
                all_tiles = next(t for t, v in shown if v.state is SessionState.RESULTS)
                first_ms.append((first_tile - agreed) * 1000)
                all_ms.append((all_tiles - agreed) * 1000)
                first_answer_ms.append((stamps.answers[0] - agreed) * 1000)
                last_answer_ms.append((stamps.answers[-1] - agreed) * 1000)
                kiosk.window.bar.primary.click()  # "Finish"
                pulled = by_hand(pull_out)

                def out_and_idle(pulled: Future[object] = pulled) -> bool:
                    return session.state is SessionState.IDLE and pulled.done()

                _pump_until(app, out_and_idle)
                if number % 50 == 0 or number in (1, sessions):
                    rss_mb.append((number, process.memory_info().rss / 2**20))
            stall = heartbeat.stop()
            stall_p99, worst = heartbeat.p99(), heartbeat.worst()
            services.stop_reader()
            kiosk.close()
            kiosk.window.deleteLater()
            services.close()
            card.remove()
    finally:
        hand.shutdown()
        sim.terminate()
        sim.wait(timeout=10)
        pcscd.close()

    cold, version = _cold_starts(cold_runs)
    figures = {
        "sessions": sessions,
        "poll_ms": (poll_s if poll_s is not None else ReaderSettings().poll_s) * 1000,
        "consent_ms": _stats(consent_ms),
        "identity_ms": _stats(identity_ms),
        "first_tile_ms": _stats(first_ms),
        "all_tiles_ms": _stats(all_ms),
        "first_answer_ms": _stats(first_answer_ms),
        "last_answer_ms": _stats(last_answer_ms),
        "first_tile_ui_ms": _stats([t - a for t, a in zip(first_ms, first_answer_ms, strict=True)]),
        "all_tiles_ui_ms": _stats([t - a for t, a in zip(all_ms, last_answer_ms, strict=True)]),
        "consent_ui_ms": _stats([c - i for c, i in zip(consent_ms, identity_ms, strict=True)]),
        "stall_ms": stall,
        "stall_p99_ms": stall_p99,
        "stall_worst": worst,
        "idle_stall_ms": idle_stall,
        "rss_mb": rss_mb,
        "cold_start_ms": cold,
        "version_ms": version,
    }
    _report(figures)
    return figures


def _config(url: str, folder: Path) -> dict[str, Any]:
    from adapters.simulator.server import (
        GDX_AGENT_ID,
        GDX_CONSUMER_KEY,
        GDX_CONSUMER_SECRET,
        NHSO_REFRESH_TOKEN,
    )

    return {
        "kiosk": {"id": "bench", "data_dir": str(folder / "data"), "key_file": str(folder / "k")},
        "agencies": {
            "timeout_s": 3.0,
            "nhso": {"base_url": url, "refresh_token": NHSO_REFRESH_TOKEN},
            "gdx": {
                "base_url": url,
                "consumer_key": GDX_CONSUMER_KEY,
                "consumer_secret": GDX_CONSUMER_SECRET,
                "agent_id": GDX_AGENT_ID,
            },
        },
    }


def _report(f: dict[str, Any]) -> None:
    print(f"sessions: {f['sessions']}; agencies and injected latency (ms): {LATENCY_MS}")
    print(
        "card: the demo profile on vpcd, 115200-baud latency model; monitor poll "
        f"{f['poll_ms']:.0f} ms; window 1080x1920 offscreen"
    )
    print(f"{'measure (ms)':52} {'median':>8} {'p95':>8} {'max':>8}")
    for name, key in (
        ("card inserted -> identity read (baseline)", "identity_ms"),
        ("card inserted -> consent shown", "consent_ms"),
        ("consent shown - identity read (UI share)", "consent_ui_ms"),
        ("agree -> check's first answer (baseline)", "first_answer_ms"),
        ("agree -> first tile shown", "first_tile_ms"),
        ("first tile - first answer (UI share)", "first_tile_ui_ms"),
        ("agree -> check's last answer (baseline)", "last_answer_ms"),
        ("agree -> all tiles shown", "all_tiles_ms"),
        ("all tiles - last answer (UI share)", "all_tiles_ui_ms"),
    ):
        s = f[key]
        print(f"{name:52} {s['median']:8.1f} {s['p95']:8.1f} {s['max']:8.1f}")
    print(
        f"longest event-loop stall: {f['stall_ms']:.1f} ms "
        f"(the same heartbeat in an idle loop: {f['idle_stall_ms']:.1f} ms); "
        f"p99 {f['stall_p99_ms']:.1f} ms; worst: "
        + ", ".join(f"{gap:.1f} ms in {where}" for gap, where in f["stall_worst"])
    )
    rss = f["rss_mb"]
    print("RSS (MB) after sessions: " + ", ".join(f"{n}: {mb:.1f}" for n, mb in rss))
    growth = rss[-1][1] - rss[0][1]
    print(f"RSS growth from session 1 to {f['sessions']}: {growth:+.1f} MB")
    warm = [mb for n, mb in rss if n >= 50]
    if len(warm) > 1:
        print(f"RSS growth after the first 50 sessions (warm caches): {warm[-1] - warm[0]:+.1f} MB")
    cold, version = f["cold_start_ms"], f["version_ms"]
    if cold and version:
        print(
            f"cold start to the attract screen (kiosk run --exit-when-ready): median "
            f"{statistics.median(cold):.0f} ms (min {min(cold):.0f}, max {max(cold):.0f}, "
            f"{len(cold)} runs); kiosk --version baseline {statistics.median(version):.0f} ms; "
            f"ratio {statistics.median(cold) / statistics.median(version):.1f}x"
        )
    goals = {
        "consent_p95_le_300ms": f["consent_ms"]["p95"] <= 300,
        "first_tile_p95_le_first_answer_plus_50ms": f["first_tile_ui_ms"]["p95"] <= 50,
        "max_stall_lt_50ms": f["stall_ms"] < 50,
        "rss_growth_lt_15mb": growth < 15,
    }
    f["goals"] = goals
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'MISSED'}")


def _cold_starts(runs: int) -> tuple[list[float], list[float]]:
    """Fresh `kiosk run --exit-when-ready` processes (offscreen, pcscd up, a config pointing at
    a simulator that is not needed to be ready), and `kiosk --version` as the baseline."""
    from cardreader.pcscd_process import PcscdService

    cold: list[float] = []
    version: list[float] = []
    if runs <= 0:
        return cold, version
    with PcscdService.ensure(), tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(_toml(_config("http://127.0.0.1:9", Path(tmp))), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["QT_QPA_PLATFORM"] = "offscreen"
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "kiosk", "--version"], capture_output=True, check=True
            )
            version.append((time.perf_counter() - started) * 1000)
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kiosk",
                    "run",
                    "--exit-when-ready",
                    "--config",
                    str(config),
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            found = re.fullmatch(r"ready attract (\d+) ms\n", done.stdout)
            if done.returncode == 0 and found:
                cold.append(float(found.group(1)))
    return cold, version


def _toml(config: dict[str, Any]) -> str:
    lines = []
    for section, body in config.items():
        lines.append(f"[{section}]")
        for key, value in body.items():
            if not isinstance(value, dict):
                lines.append(f"{key} = {json.dumps(value)}")
        for key, value in body.items():
            if isinstance(value, dict):
                lines.append(f"[{section}.{key}]")
                lines += [f"{k} = {json.dumps(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; `--json FILE` also writes the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--poll-ms", type=float, help="the card monitor's poll (default: kiosk's)")
    args = parser.parse_args(argv)
    poll_s = args.poll_ms / 1000 if args.poll_ms is not None else None
    figures = run(args.sessions, args.cold_runs, poll_s)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
