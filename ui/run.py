"""`kiosk run`: the whole kiosk — the window on the real reader, agencies, cache and audit.

One run (`_KioskRun`) builds `kiosk.wiring.services.KioskServices` from the configuration, the
window on top (`ui.app.KioskApp`), starts the reader thread and the agency service, and runs the
event loop until SIGTERM / SIGINT (or, for benchmarks and smoke tests, until the attract screen is
first shown, ready to serve, with `--exit-when-ready`: one line `ready attract N ms` on stdout,
N counted from the process's start; exit 1 if it is not ready within a minute). Then it stops
everything it started: reader thread, workers, agency service, metrics endpoint — no thread is
left.

Never an exit on a bad configuration (no crash loop under systemd): the kiosk runs out of
service, the cause in the log and in the out-of-service record for maintenance mode, and polls
the file (`kiosk.wiring.config_watch`); once the file is fixed the kiosk is built again from it, in
the same process. pcscd or the reader going away and coming back is the session's business (out of
service while away). systemd: READY=1 once the window is up, WATCHDOG=1 from a timer on the GUI
loop when `WATCHDOG_USEC` asks for it (a frozen loop gets the kiosk restarted).

`--demo` runs the same kiosk on `kiosk.wiring.demo.DemoEnvironment` (pcscd + vpcd, the simulator, a
temporary data folder, a virtual card) with the card control of `ui.demo.control`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk import systemd
from kiosk.config import ConfigError, KioskConfig, config_path, fallback_config, load_config
from kiosk.crash import CrashHandler
from kiosk.logs import configure_logging
from kiosk.maintenance.door import DESKTOP_EXIT_CODE
from kiosk.records.watch import DefinitionsWatch
from kiosk.session.events import ConfigBroken, Reset
from kiosk.session.view import SessionState, SessionView
from kiosk.wiring.config_watch import ConfigWatch, config_problem
from kiosk.wiring.services import KioskServices, ReaderSettings
from ui.app import KioskApp, settle_memory
from ui.typeface import load_fonts

if TYPE_CHECKING:  # the demo's parts (and pyscard with them) load only with --demo
    from kiosk.wiring.demo import DemoEnvironment
    from ui.demo.control import DemoControl

log = logging.getLogger(__name__)

RESTART = -75  # one run's result meaning "build the kiosk again" (the config was fixed)
CONFIG_POLL_MS = 2000
READY_LIMIT_S = 60.0  # --exit-when-ready gives up after this long (exit 1)
WINDOWED_SIZE = QSize(540, 960)


def run_app(
    *,
    config_file: str | None,
    demo: bool,
    windowed: bool,
    exit_when_ready: bool = False,
) -> int:
    """Run the kiosk until SIGTERM (or, with `exit_when_ready`, until it is first ready);
    returns the exit code. `DemoError` when `demo` cannot be set up here."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # the kiosk ends on a signal, not on a closed window
    # First of all: a SIGTERM while the demo's pcscd starts must still stop what was started.
    stop = _StopOnSignal(app)
    environment: DemoEnvironment | None = None
    try:
        font = load_fonts()
        if demo:
            from kiosk.wiring.demo import DemoEnvironment

            environment = DemoEnvironment.start()
        while not stop.requested:
            run = _KioskRun(
                app,
                font,
                config_file=str(environment.config_file) if environment else config_file,
                environment=environment,
                windowed=windowed,
                exit_when_ready=exit_when_ready,
            )
            code = run.exec(stop)
            if code != RESTART:
                return code
            log.info("starting the kiosk again (%s)", run.restart_reason)
        return 0
    finally:
        stop.close()
        if environment is not None:
            environment.close()


class _StopOnSignal:
    """SIGTERM (systemd) and SIGINT end the event loop cleanly rather than mid-paint."""

    def __init__(self, app: QApplication) -> None:
        self.requested = False
        self._app = app
        self._previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        for signum in self._previous:
            signal.signal(signum, self._stop)
        # Python runs signal handlers only between bytecodes: a slow tick lets it look while
        # Qt's loop waits in C++.
        self._tick = QTimer()
        self._tick.timeout.connect(lambda: None)
        self._tick.start(250)

    def _stop(self, signum: int, frame: object) -> None:
        del signum, frame
        self.requested = True
        self._app.exit(0)
        # Before the loop runs, `exit` does nothing: this ends the loop as soon as it starts.
        QTimer.singleShot(0, lambda: self._app.exit(0))

    def close(self) -> None:
        self._tick.stop()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


class _KioskRun:
    """One build of the kiosk from the configuration, run until its event loop ends."""

    def __init__(
        self,
        app: QApplication,
        font: QFont,
        *,
        config_file: str | None,
        environment: DemoEnvironment | None,
        windowed: bool,
        exit_when_ready: bool,
    ) -> None:
        self._app = app
        self._windowed = windowed
        self._exit_when_ready = exit_when_ready
        self._config_file = config_file
        self._timers: list[QTimer] = []
        self._ready = False
        self._watch: ConfigWatch | None = None
        self._definitions: DefinitionsWatch | None = None
        self._reload_pending = False
        self._control: DemoControl | None = None
        self._shortcuts: list[object] = []
        self._log_file: Path | None = None
        self.restart_reason = "the configuration was fixed"

        # The file's stamp before it is read: a fix saved while the kiosk starts is still seen.
        watch = ConfigWatch(config_path(config_file))
        config, problem = self._load()
        # Likewise the definitions folder's, before the catalogue is read from it.
        folder = config.agencies.services_dir
        definitions = DefinitionsWatch(folder) if folder is not None else None
        reader = ReaderSettings(name=environment.reader if environment else None)
        services: KioskServices | None = None
        if problem is None:
            try:
                services = KioskServices.from_config(config, reader=reader)
            except ConfigError as exc:
                problem = str(exc)
        if services is None:
            assert problem is not None
            log.error("configuration error, running out of service: %s", problem)
            services = KioskServices.out_of_service(config, problem, reader=reader)
            self._watch = watch
        self.services = services
        if not services.broken:
            self._definitions = definitions
        self.kiosk = KioskApp.from_services(
            services, font=font, demo=environment is not None, started_at=_process_started()
        )
        self.session = self.kiosk.parts.session
        self.workers = self.kiosk.workers
        if environment is not None:
            from ui.demo.control import DemoControl

            self._control = DemoControl(environment, self.workers, font)
            self._shortcuts = list(self._control.bind_keys(self.kiosk.window))
            self.kiosk.controller.shown.connect(self._control.follow)
        # An unexpected exception anywhere: logged (frames and type, no values), the session
        # ends, back to Idle; hard crashes dumped beside the log.
        self._crash = CrashHandler(
            self._log_file.parent if self._log_file is not None else None,
            lambda crash: self.kiosk.controller.post(Reset()),
        ).install()

    def _load(self) -> tuple[KioskConfig, str | None]:
        try:
            config: KioskConfig = load_config(self._config_file)
            problem = None
        except ConfigError as exc:
            config, problem = fallback_config(self._config_file), str(exc)
        section = config.logging
        self._log_file = configure_logging(
            config.kiosk.data_dir,
            level=section.level,
            max_bytes=section.max_bytes,
            backups=section.backups,
        )
        return config, problem

    def exec(self, stop: _StopOnSignal) -> int:
        """Start, run the event loop, stop everything; the loop's result (0 at once when a
        stop was asked for while the kiosk was being built)."""
        if stop.requested:
            self._close()
            return 0
        kiosk = self.kiosk
        controller = kiosk.controller
        kiosk.watch_activity(self._app)
        controller.shown.connect(self._on_view)
        if kiosk.maintenance is not None:
            kiosk.maintenance.end_requested.connect(self._maintenance_end)
        if self.services.broken:
            controller.post(ConfigBroken())
        self.services.start(controller.card_feed())
        self._every(_watchdog_ms(), lambda: systemd.notify("WATCHDOG=1"))
        if self._watch is not None:
            self._every(CONFIG_POLL_MS, self._poll_config)
        if self._definitions is not None:
            self._every(CONFIG_POLL_MS, self._poll_definitions)
        if self._exit_when_ready:
            self._every(round(READY_LIMIT_S * 1000), self._not_ready)  # stopped with this run
        screen = self._app.primaryScreen()
        kiosk.show(fullscreen=not self._windowed, screen=screen, size=WINDOWED_SIZE)
        if self._control is not None:
            self._show_control()
        settle_memory()
        QTimer.singleShot(0, lambda: systemd.notify("READY=1"))
        try:
            return int(self._app.exec())
        finally:
            self._close()

    def _every(self, ms: int | None, action: Callable[[], object]) -> None:
        if ms is None:
            return
        timer = QTimer()
        timer.timeout.connect(action)
        timer.start(ms)
        self._timers.append(timer)

    def _poll_config(self) -> None:
        watch = self._watch
        if watch is None:
            return

        def look() -> str | None:
            return config_problem(self._config_file) if watch.changed() else "unchanged"

        def seen(problem: object) -> None:
            if problem is None:
                self._app.exit(RESTART)
            elif problem != "unchanged":
                log.error("configuration still not usable: %s", problem)

        self.workers.run(look, on_success=seen)

    def _poll_definitions(self) -> None:
        watch = self._definitions
        if watch is None or self._reload_pending:
            return

        def seen(changed: object) -> None:
            if changed:
                log.info("service definitions changed: the menu is rebuilt when nobody is served")
                self._reload_pending = True
                self._reload_when_free(self.session.view)

        self.workers.run(watch.changed, on_success=seen)

    def _reload_when_free(self, view: SessionView) -> None:
        """Build the kiosk again (in this process) for its new definitions, once no citizen is
        served: the attract screen or out of service."""
        if self._reload_pending and view.state in (SessionState.IDLE, SessionState.OUT_OF_SERVICE):
            self.restart_reason = "the service definitions changed"
            self._app.exit(RESTART)

    def _maintenance_end(self, what: str) -> None:
        """The technician's "restart" (the kiosk is built again from its configuration, in
        this process) or "exit" to the desktop (`DESKTOP_EXIT_CODE`: systemd leaves it)."""
        if what == "restart":
            self.restart_reason = "maintenance: restart"
            self._app.exit(RESTART)
        elif what == "exit":
            self._app.exit(DESKTOP_EXIT_CODE)

    def _on_view(self, view: SessionView) -> None:
        self._reload_when_free(view)
        if self._ready or view.state is not SessionState.IDLE:
            return
        self._ready = True
        log.info("ready: the attract screen after %.0f ms", _process_age_ms())
        if self._exit_when_ready:
            # After this turn of the loop, so the screen has been painted.
            QTimer.singleShot(0, self._report_ready)

    def _report_ready(self) -> None:
        print(f"ready attract {_process_age_ms():.0f} ms", flush=True)
        self._app.exit(0)

    def _not_ready(self) -> None:
        if not self._ready:
            print(f"kiosk: not ready after {READY_LIMIT_S:.0f} s", file=sys.stderr, flush=True)
            self._app.exit(1)

    def _show_control(self) -> None:
        control = self._control
        assert control is not None
        window = self.kiosk.window
        banner = window.banner.geometry().translated(window.geometry().topLeft())
        control.place(window.geometry(), banner, beside=self._windowed)
        control.show()
        if self._app.platformName() not in ("offscreen", "minimal"):
            control.raise_()  # no window manager stacks it for us

    def _close(self) -> None:
        for timer in self._timers:
            timer.stop()
        self._crash.uninstall()
        self.services.stop_reader()
        self.kiosk.close()
        if self._control is not None:
            self._control.hide()
            self._control.deleteLater()
        self.services.close()
        self.kiosk.window.deleteLater()
        self._app.processEvents()


def _watchdog_ms() -> int | None:
    interval = systemd.watchdog_interval_s()
    return None if interval is None else max(100, round(interval * 1000))


def _process_age_ms() -> float:
    """Milliseconds since this process started (Linux: from /proc; else since import)."""
    try:
        # Field 22 of /proc/self/stat: the start, in clock ticks after boot (the name in
        # field 2 may hold spaces: count from its closing bracket).
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_s = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        now_s = time.clock_gettime(time.CLOCK_BOOTTIME)
    except (OSError, ValueError, IndexError, AttributeError):
        return (time.monotonic() - _IMPORTED) * 1000
    return max(0.0, (now_s - started_s) * 1000)


def _process_started() -> datetime:
    """When this process started (the kiosk's uptime counts from it, across rebuilds)."""
    return datetime.now(UTC) - timedelta(milliseconds=_process_age_ms())


_IMPORTED = time.monotonic()
