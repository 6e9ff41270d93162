"""Records benchmark (`python -m bench.records`).

The kiosk's window (offscreen, 1080x1920) with its real controller, session, workers and agency
service, against the agency simulator in its own process (every record service answering after
`--latency-ms`, default 200). The card is a stand-in port that "reads" the simulator's demo
citizen at once (`_SimCitizenCard`), since the card is not what is measured here. Each session
agrees, waits for the tiles, then taps record services one after another (a private one's "Show
it" too), each tap waiting for its record on screen. Measured, each with a baseline from the
same run:

- tap -> record on screen, against tap -> the service's answer on its worker (goal: the UI's
  share <= 50 ms);
- the longest event-loop stall while record screens lay out (a 10 ms heartbeat), against the
  same heartbeat in an idle loop (goal < 50 ms);
- start-up cost of 50 more definitions: building the kiosk's services in-process with the
  built-in menu and with 50 more in `agencies.services_dir`, and the cold start of
  `kiosk run --exit-when-ready` both ways (goal: within the noise of the cold start, i.e. the
  difference of the medians below the spread of the built-in runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.ui_session import _cold_starts, _config, _Heartbeat, _pump_until, _stats

# Taps per session, in order: a list, a private record (with its "Show it"), a payment, fields.
TAPS = ("traffic_tickets", "nhso_rehabilitation", "student_loan", "teachers_license")
EXTRA_DEFINITIONS = 50


def _definition(number: int) -> str:
    return f"""
id = "bench_service_{number:02d}"
kind = "record"
contract = "bench/1"
modelled = true
group = "records"
name = {{ th = "บริการทดสอบ {number}", en = "Bench service {number}" }}
agency = {{ th = "หน่วยงานทดสอบ", en = "Bench agency" }}

[ask]
via = "gdx"
path = "/ws/bench/v1/service{number}"

[[answer.fields]]
key = "value"
query = "value"
label = {{ th = "ค่า", en = "Value" }}
"""


class _SimCitizenCard:
    """A stand-in card port (the card is not measured here): "reads" the simulator's demo
    citizen at once, so the record services have records for them."""

    def start_read(self, reader: str, progress: Any) -> None:
        from dataclasses import replace

        from ui.demo.stand_ins import SIM_CID, demo_card

        del reader
        progress.cid_read(SIM_CID)
        progress.identity_read(replace(demo_card(None), cid=SIM_CID))

    def cancel_read(self, token: int) -> None:
        """Nothing runs."""


def _records_config(url: str, folder: Path) -> dict[str, Any]:
    """`bench.ui_session`'s configuration, plus NHSO's record services."""
    from adapters.simulator.records import NHSO_RECORDS_TOKEN

    config = _config(url, folder)
    config["agencies"]["nhso_records"] = {"base_url": url, "bearer_token": NHSO_RECORDS_TOKEN}
    return config


def write_definitions(folder: Path, count: int = EXTRA_DEFINITIONS) -> Path:
    """`count` valid definitions in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"bench_{number:02d}.toml").write_text(_definition(number), encoding="utf-8")
    return folder


def run(sessions: int, latency_ms: int, cold_runs: int) -> dict[str, Any]:
    """The whole benchmark; prints a report and returns the figures."""
    from PySide6.QtCore import QSize, QThreadPool
    from PySide6.QtWidgets import QApplication

    from adapters.services.record import LookupResult
    from kiosk.agencies.service import MonitorSettings
    from kiosk.config import validate_config
    from kiosk.session.events import CardInserted, CardRemoved, ReadersChanged, RecordOpened
    from kiosk.session.machine import Session
    from kiosk.session.view import SessionState, SessionView
    from kiosk.wiring.services import KioskServices
    from ui.app import KioskApp, KioskParts, settle_memory
    from ui.demo.stand_ins import DEMO_READER
    from ui.worker import WorkerAgencyChecking, WorkerRecordLookups, Workers

    app = QApplication.instance() or QApplication(sys.argv[:1])
    heartbeat = _Heartbeat()
    heartbeat.start()
    idle_end = time.monotonic() + 2.0
    _pump_until(app, lambda: time.monotonic() > idle_end, 5.0)
    idle_stall = heartbeat.stop()

    answer_ms: list[float] = []
    shown_ms: list[float] = []
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "agency-sim",
            "--port",
            "0",
            f"--fault=services=latency:{latency_ms}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        url = sim.stdout.readline().strip().rsplit(" ", 1)[-1]
        with tempfile.TemporaryDirectory() as tmp:
            config = validate_config(_records_config(url, Path(tmp)))
            services = KioskServices.from_config(
                config, monitor=MonitorSettings(interval_s=3600, down_interval_s=3600)
            )
            check, lookup = services.check, services.lookup
            assert check is not None
            assert lookup is not None
            answered: list[float] = []

            def stamped(service: str, cid: str, opt_out: bool) -> LookupResult:
                result = lookup(service, cid, opt_out)
                answered.append(time.perf_counter())
                return result

            workers = Workers(QThreadPool())
            session = Session(services.session_settings())
            card = _SimCitizenCard()
            kiosk = KioskApp(
                KioskParts(
                    session=session,
                    card=card,
                    checks=WorkerAgencyChecking(workers, check),
                    audit=services.consent_audit,
                    records=WorkerRecordLookups(workers, stamped),
                ),
                workers=workers,
            )
            shown: list[tuple[float, SessionView]] = []
            kiosk.controller.shown.connect(lambda v: shown.append((time.perf_counter(), v)))
            kiosk.show(fullscreen=False, size=QSize(1080, 1920))
            settle_memory()
            controller, window = kiosk.controller, kiosk.window
            controller.handle(ReadersChanged((DEMO_READER,)))
            _pump_until(app, lambda: session.state is SessionState.IDLE)
            # The attract screen is up well before a citizen comes (the window prepares the
            # tiles and the menu a second after it), as in bench.ui_session.
            settled = time.monotonic() + 1.5
            _pump_until(app, lambda: time.monotonic() > settled)
            heartbeat.label = lambda: "record" if session.view.record else session.state.value
            heartbeat.start()
            for _ in range(sessions):
                controller.handle(CardInserted(DEMO_READER))
                _pump_until(app, lambda: session.state is SessionState.CONSENT)
                window.bar.primary.click()  # "Agree"
                _pump_until(app, lambda: session.state is SessionState.RESULTS)
                for service in TAPS:
                    shown.clear()
                    answered.clear()
                    tapped = time.perf_counter()
                    controller.handle(RecordOpened(service))

                    def on_screen() -> bool:
                        record = session.view.record
                        return record is not None and record.result is not None

                    _pump_until(app, on_screen)
                    if session.view.record is not None and session.view.record.hidden:
                        window.record.show_button.click()  # the second tap: not measured
                    at = next(t for t, v in shown if v.record and v.record.result)
                    answer_ms.append((answered[0] - tapped) * 1000)
                    shown_ms.append((at - tapped) * 1000)
                    window.bar.primary.click()  # "Back"
                window.bar.primary.click()  # "Finish"
                controller.handle(CardRemoved(DEMO_READER))
                _pump_until(app, lambda: session.state is SessionState.IDLE)
            stall = heartbeat.stop()
            stall_p99, worst = heartbeat.p99(), heartbeat.worst()
            record_stall = heartbeat.worst_in("record")
            kiosk.close()
            kiosk.window.deleteLater()
            services.close()
    finally:
        sim.terminate()
        sim.wait(timeout=10)

    build_builtin, build_extra = _build_times(url="http://127.0.0.1:9", runs=10)
    cold_builtin, cold_extra, version = _cold_pair(cold_runs)
    figures = {
        "sessions": sessions,
        "taps": len(shown_ms),
        "latency_ms": latency_ms,
        "answer_ms": _stats(answer_ms),
        "shown_ms": _stats(shown_ms),
        "ui_ms": _stats([s - a for s, a in zip(shown_ms, answer_ms, strict=True)]),
        "stall_ms": stall,
        "record_stall_ms": record_stall,
        "stall_p99_ms": stall_p99,
        "stall_worst": worst,
        "idle_stall_ms": idle_stall,
        "build_builtin_ms": build_builtin,
        "build_extra_ms": build_extra,
        "cold_builtin_ms": cold_builtin,
        "cold_extra_ms": cold_extra,
        "version_ms": version,
    }
    _report(figures)
    return figures


def _build_times(url: str, runs: int) -> tuple[list[float], list[float]]:
    """`KioskServices.from_config` (catalogue and desk included) without and with 50 more
    definitions, alternating."""
    from kiosk.agencies.service import MonitorSettings
    from kiosk.config import validate_config
    from kiosk.wiring.services import KioskServices

    builtin: list[float] = []
    extra: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_definitions(Path(tmp) / "services")
        for _ in range(runs):
            for out, services_dir in ((builtin, None), (extra, folder)):
                config = _records_config(url, Path(tmp))
                if services_dir is not None:
                    config["agencies"]["services_dir"] = str(services_dir)
                started = time.perf_counter()
                services = KioskServices.from_config(
                    validate_config(config),
                    monitor=MonitorSettings(interval_s=3600, down_interval_s=3600),
                )
                out.append((time.perf_counter() - started) * 1000)
                services.close()
    return builtin, extra


def _cold_pair(runs: int) -> tuple[list[float], list[float], list[float]]:
    """Cold starts with the built-in menu and with 50 more definitions (`bench.ui_session`'s
    cold start, the folder set through the environment)."""
    if runs <= 0:
        return [], [], []
    cold_builtin, version = _cold_starts(runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_definitions(Path(tmp) / "services")
        os.environ["KIOSK_AGENCIES__SERVICES_DIR"] = str(folder)
        try:
            cold_extra, _ = _cold_starts(runs)
        finally:
            del os.environ["KIOSK_AGENCIES__SERVICES_DIR"]
    return cold_builtin, cold_extra, version


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _report(f: dict[str, Any]) -> None:
    print(
        f"{f['sessions']} sessions, {f['taps']} taps; every record service answers after "
        f"{f['latency_ms']} ms (simulator); window 1080x1920 offscreen"
    )
    print(f"{'measure (ms)':44} {'median':>8} {'p95':>8} {'max':>8}")
    rows: list[tuple[str, dict[str, float]]] = [
        ("tap -> the service's answer (baseline)", f["answer_ms"]),
        ("tap -> record on screen", f["shown_ms"]),
        ("record on screen - answer (UI share)", f["ui_ms"]),
    ]
    for label, stats in rows:
        print(f"{label:44} {stats['median']:8.1f} {stats['p95']:8.1f} {stats['max']:8.1f}")
    worst = ", ".join(f"{ms:.1f} ms in {where}" for ms, where in f["stall_worst"])
    print(
        f"longest event-loop stall on a record screen: {f['record_stall_ms']:.1f} ms; over the "
        f"whole run {f['stall_ms']:.1f} ms (idle loop: {f['idle_stall_ms']:.1f} ms); p99 "
        f"{f['stall_p99_ms']:.1f} ms; worst: {worst}"
    )
    bb, be = _median(f["build_builtin_ms"]), _median(f["build_extra_ms"])
    print(
        f"building the services: built-in menu {bb:.1f} ms, with {EXTRA_DEFINITIONS} more "
        f"definitions {be:.1f} ms (+{be - bb:.1f} ms; medians of {len(f['build_builtin_ms'])})"
    )
    cb, ce = f["cold_builtin_ms"], f["cold_extra_ms"]
    spread = (max(cb) - min(cb)) if cb else float("nan")
    print(
        f"cold start to the attract screen: built-in {_median(cb):.0f} ms (min "
        f"{min(cb, default=0):.0f}, max {max(cb, default=0):.0f}), with {EXTRA_DEFINITIONS} more "
        f"{_median(ce):.0f} ms (min {min(ce, default=0):.0f}, max {max(ce, default=0):.0f}); "
        f"kiosk --version {_median(f['version_ms']):.0f} ms"
    )
    goals = {
        "tap_ui_share_p95_le_50ms": f["ui_ms"]["p95"] <= 50,
        "record_screen_stall_lt_50ms": f["record_stall_ms"] < 50,
        "fifty_definitions_within_cold_start_noise": bool(cb and ce)
        and abs(_median(ce) - _median(cb)) <= spread,
    }
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'MISSED'}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; `--json FILE` also writes the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(args.sessions, args.latency_ms, args.cold_runs)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
