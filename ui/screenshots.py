"""Every screen and state as PNG files, from the demo data (`kiosk screenshots`).

The session is driven synchronously through the same events the kiosk gets, and the real window
shows its views; nothing is staged by hand. Needs a QApplication (offscreen is fine).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from adapters.base import FailureReason, ResultSource
from kiosk.session.commands import SessionCommand, StartTimer
from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    CardRemoved,
    CidRead,
    ConsentAgreed,
    DetailClosed,
    DetailOpened,
    FinishPressed,
    HighContrastToggled,
    IdentityRead,
    LargeTextToggled,
    MaintenanceEntered,
    MaintenanceLeft,
    PhotoRead,
    ReadersChanged,
    ReaderServiceChanged,
    ReadFailed,
    RecordAnswered,
    RecordClosed,
    RecordOpened,
    RecordRevealed,
    SessionEvent,
    Timer,
    TimerFired,
)
from kiosk.session.machine import Session
from kiosk.session.settings import SessionSettings
from kiosk.session.view import Preferences, SessionState
from ui.demo.stand_ins import (
    BANGKOK,
    DEMO_AGENCIES,
    DEMO_CID,
    DEMO_READER,
    demo_card,
    demo_lookup,
    demo_menu,
    demo_results,
)
from ui.illustrations import placeholder_portrait_jpeg
from ui.maintenance.pin_pad import PinPad
from ui.maintenance.sample import (
    SAMPLE_DOWN,
    sample_log_lines,
    sample_probe_failure,
    sample_status,
    sample_test_read,
)
from ui.maintenance.screen import MaintenanceScreen, Section
from ui.typeface import load_fonts
from ui.window import KioskWindow
from ui.words.strings import Words

SIZES: tuple[tuple[int, int], ...] = ((1080, 1920), (1920, 1080), (1280, 800))
DEMO_NOW = datetime(2026, 11, 24, 10, 5, tzinfo=BANGKOK)


@dataclass
class _Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class _Script:
    """A session driven by hand, remembering its timers' generations."""

    session: Session
    generations: dict[Timer, int] = field(default_factory=dict)

    def __call__(self, *events: SessionEvent) -> None:
        for event in events:
            self._note(self.session.handle(event))

    def fire(self, timer: Timer) -> None:
        self(TimerFired(timer, self.generations[timer]))

    def _note(self, commands: list[SessionCommand]) -> None:
        for command in commands:
            if isinstance(command, StartTimer):
                self.generations[command.timer] = command.generation


def _scenes(script: _Script, photo: bytes) -> Iterator[str]:
    """Drive the session through every screen; yield a name whenever there is one to capture."""

    def token() -> int:
        return script.session.token

    script(ReadersChanged((DEMO_READER,)))
    yield "attract"
    script(ReaderServiceChanged(up=False))
    yield "out-of-service"
    script(ReaderServiceChanged(up=True), CardInserted(DEMO_READER))
    yield "reading"
    script(CidRead(token(), DEMO_CID), IdentityRead(token(), demo_card(None)))
    yield "consent-photo-coming"
    script(PhotoRead(token(), photo))
    yield "consent"
    script(ConsentAgreed(opt_out=False))
    yield "results-first-answers"
    for result in demo_results(DEMO_NOW, mixed=True).values():
        script(AgencyAnswered(token(), result))
    yield "results-mixed"
    for agency in ("nhso", "welfare", "disability", "elderly"):
        script(DetailOpened(agency))
        yield f"detail-{agency}"
        script(DetailClosed())
    script.fire(Timer.IDLE)
    yield "inactivity-warning"
    script(FinishPressed())
    yield "take-card"
    script(CardRemoved(DEMO_READER), CardInserted(DEMO_READER))
    script(CidRead(token(), DEMO_CID), IdentityRead(token(), demo_card(photo)))
    script(ConsentAgreed(opt_out=True))
    for result in demo_results(DEMO_NOW, mixed=False).values():
        script(AgencyAnswered(token(), result))
    yield "results-done"
    yield "results-menu"  # the same view, scrolled to the menu of services
    yield from _record_scenes(script)
    script(HighContrastToggled())
    yield "results-high-contrast"
    script(DetailOpened("nhso"))
    yield "detail-high-contrast"
    script(DetailClosed(), HighContrastToggled(), LargeTextToggled())
    yield "results-large-text"
    script(FinishPressed(), CardRemoved(DEMO_READER), LargeTextToggled(), HighContrastToggled())
    yield "attract-high-contrast"
    script(HighContrastToggled(), CardInserted(DEMO_READER))
    script(ReadFailed(token(), "not_thai_id", "", ""))
    yield "take-card-not-read"
    script(CardRemoved(DEMO_READER), LargeTextToggled(), CardInserted(DEMO_READER))
    script(CidRead(token(), DEMO_CID), IdentityRead(token(), demo_card(photo)))
    yield "consent-large-text"
    script(CardRemoved(DEMO_READER), LargeTextToggled())


def _record_scenes(script: _Script) -> Iterator[str]:
    """Every kind of record screen, for the citizen of the results (the menu's answers are read
    from the simulator's data by the services' own definitions)."""

    def answer(service: str, **kwargs: object) -> None:
        result = demo_lookup(service, DEMO_NOW, **kwargs)  # type: ignore[arg-type]
        script(RecordAnswered(script.session.token, result))

    script(RecordOpened("traffic_tickets"))
    yield "record-asking"
    answer("traffic_tickets")
    yield "record-list"
    script(RecordClosed(), RecordOpened("dopa_civil_record"))
    answer("dopa_civil_record")
    yield "record-private"
    script(RecordRevealed())
    yield "record-fields"
    script(RecordClosed(), RecordOpened("nhso_rehabilitation"))
    answer("nhso_rehabilitation")
    script(RecordRevealed())
    yield "record-pages"
    script(RecordClosed(), RecordOpened("student_loan"))
    answer("student_loan")
    script(RecordRevealed())
    yield "record-payment"
    script(RecordClosed(), RecordOpened("water_account.mwa"))
    answer("water_account.mwa", source=ResultSource.CACHE, reason=FailureReason.TIMEOUT)
    yield "record-copy"
    script(RecordClosed(), RecordOpened("water_account.pwa"))
    answer("water_account.pwa", source=ResultSource.NONE, reason=FailureReason.UNREACHABLE)
    yield "record-unavailable"
    script(RecordClosed(), RecordOpened("oag_complaints"))
    answer("oag_complaints", body={"complaints": []})
    yield "record-empty"
    script(RecordClosed(), RecordOpened("credit_report"))
    yield "record-handoff"
    script(RecordClosed())


def _maintenance_scenes(script: _Script, window: KioskWindow, photo: bytes) -> Iterator[str]:
    """The technician's screens, on sample data (`ui.maintenance.sample`): the PIN pad over the
    attract screen, then each page of the maintenance screen."""
    language = script.session.view.preferences.language
    words = Words(language)
    pad = PinPad(window)
    window.add_overlay(pad)
    screen = MaintenanceScreen()
    window.add_page(screen, for_state=SessionState.MAINTENANCE)
    pad.open(words)
    for key in "1234":
        pad.keys[key].click()
    pad.show_message(words("maint_pin_wrong", n=3), "error")
    yield "maintenance-pin"
    pad.close_pad()
    script(MaintenanceEntered())
    screen.reset()
    screen.agencies.set_agencies(DEMO_AGENCIES)
    screen.cache.configure(retention_days=30, enabled=True)
    screen.kiosk.configure(can_print=True, allow_exit=True)
    screen.show_status(sample_status(DEMO_AGENCIES, DEMO_NOW, DEMO_READER))
    yield "maintenance-status"
    screen.show_section(Section.CARD)
    screen.card.show_report(sample_test_read(DEMO_READER, demo_card(photo)))
    yield "maintenance-card-test"
    screen.show_section(Section.AGENCIES)
    screen.agencies.show_probe(SAMPLE_DOWN, sample_probe_failure(SAMPLE_DOWN))
    yield "maintenance-agencies"
    screen.show_section(Section.CACHE)
    screen.cache.all.click()
    yield "maintenance-cache-confirm"
    screen.show_section(Section.LOG)
    screen.log.show_lines(sample_log_lines(DEMO_NOW))
    yield "maintenance-log"
    screen.show_section(Section.KIOSK)
    yield "maintenance-kiosk"
    script(MaintenanceLeft())


def _all_scenes(script: _Script, window: KioskWindow, photo: bytes) -> Iterator[str]:
    """The citizen's screens, then the technician's."""
    return itertools.chain(_scenes(script, photo), _maintenance_scenes(script, window, photo))


def render_screenshots(
    out: Path,
    *,
    sizes: tuple[tuple[int, int], ...] = SIZES,
    languages: tuple[str, ...] = ("th", "en"),
    on_file: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write `out/<W>x<H>/<lang>/<NN>-<scene>.png` for every scene; return the files."""
    font = load_fonts()
    photo = placeholder_portrait_jpeg()
    written: list[Path] = []
    for width, height in sizes:
        for language in languages:
            folder = out / f"{width}x{height}" / language
            folder.mkdir(parents=True, exist_ok=True)
            clock = _Clock()
            settings = SessionSettings(
                agencies=DEMO_AGENCIES,
                menu=demo_menu(),
                retention_days=30,
                preferences=Preferences(language=language),
            )
            session = Session(settings, clock=clock, today=DEMO_NOW.date)
            window = KioskWindow(font=font, clock=clock, demo=True, can_print=True)
            window.resize(width, height)
            window.show()
            try:
                scenes = _all_scenes(_Script(session), window, photo)
                for number, name in enumerate(scenes, start=1):
                    window.show_view(session.view)
                    # Pages that add widgets (a record's panels) settle their layouts over a
                    # few turns of the event loop; the screen a citizen sees is the settled one.
                    for _turn in range(3):
                        QCoreApplication.processEvents()
                    if name == "results-menu":
                        window.results.scroll_to_menu()
                        QCoreApplication.processEvents()
                    path = folder / f"{number:02d}-{name}.png"
                    if not window.grab().save(str(path)):
                        raise OSError(f"could not write {path}")
                    written.append(path)
                    if on_file is not None:
                        on_file(path)
            finally:
                window.wipe()
                window.close()
                window.deleteLater()
                QCoreApplication.processEvents()
    return written


def run_screenshots(
    out: Path,
    *,
    sizes: tuple[tuple[int, int], ...] = SIZES,
    languages: tuple[str, ...] = ("th", "en"),
) -> list[Path]:
    """`render_screenshots` in a QApplication of its own (or the one already running)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        return render_screenshots(out, sizes=sizes, languages=languages)
    finally:
        app.processEvents()  # deferred deletions run while the application still exists
