"""Each screen renders from the session's view in Thai and English; sizes, modes and the DEMO
banner follow docs/ui-guide.md."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from adapters.base import (
    AgencyResult,
    AgencyStatus,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from kiosk.session.agency_info import AgencyInfo
from kiosk.session.commands import StartTimer
from kiosk.session.events import (
    AgencyAnswered,
    CardInserted,
    CidRead,
    ConsentAgreed,
    DetailClosed,
    DetailOpened,
    FinishPressed,
    HighContrastToggled,
    IdentityRead,
    LargeTextToggled,
    PhotoRead,
    ReadersChanged,
    ReaderServiceChanged,
    SessionEvent,
    Timer,
    TimerFired,
)
from kiosk.session.machine import Session
from kiosk.session.settings import SessionSettings
from kiosk.session.view import Preferences, TileState
from tests.gui.kiosk_harness import the_card
from ui.controls import TextLabel
from ui.demo.stand_ins import DEMO_AGENCIES, DEMO_CID, DEMO_READER, demo_results
from ui.illustrations import placeholder_portrait_jpeg
from ui.screenshots import DEMO_NOW
from ui.theme import HIGH_CONTRAST, MIN_TARGET_PX, MIN_TEXT_PX
from ui.typeface import FONT_DIR
from ui.window import KioskWindow
from ui.words.strings import Words
from ui.words.values import Glyph

THAI = re.compile("[\u0e00-\u0e7f]")
SIZES = [QSize(1080, 1920), QSize(1920, 1080), QSize(1280, 800)]


class Stage:
    """A window showing a session driven by hand (no controller, no threads)."""

    def __init__(
        self,
        qtbot: QtBot,
        font: QFont,
        language: str,
        size: QSize,
        agencies: tuple[AgencyInfo, ...] = DEMO_AGENCIES,
    ) -> None:
        self.now = 1000.0
        settings = SessionSettings(agencies=agencies, preferences=Preferences(language=language))
        self.session = Session(settings, clock=lambda: self.now, today=DEMO_NOW.date)
        self.window = KioskWindow(font=font, clock=lambda: self.now, demo=False, can_print=True)
        qtbot.addWidget(self.window)
        self.window.resize(size)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.words = Words(language)
        self.idle_generation = 0
        self.qtbot = qtbot

    def __call__(self, *events: SessionEvent) -> None:
        for event in events:
            for command in self.session.handle(event):
                if isinstance(command, StartTimer) and command.timer is Timer.IDLE:
                    self.idle_generation = command.generation
        self.window.show_view(self.session.view)
        self.qtbot.wait(1)

    def to_results(
        self, *, mixed: bool = False, results: dict[str, AgencyResult] | None = None
    ) -> None:
        token = self.session.token + 1
        self(ReadersChanged((DEMO_READER,)), CardInserted(DEMO_READER))
        self(CidRead(token, DEMO_CID), IdentityRead(token, the_card()))
        self(PhotoRead(token, placeholder_portrait_jpeg()), ConsentAgreed())
        answers = results if results is not None else demo_results(DEMO_NOW, mixed=mixed)
        for result in answers.values():
            self(AgencyAnswered(token, result))


@pytest.fixture(params=["th", "en"])
def stage(request: pytest.FixtureRequest, qtbot: QtBot, kiosk_font: QFont) -> Stage:
    return Stage(qtbot, kiosk_font, request.param, SIZES[0])


def shown_labels(root: QWidget) -> list[TextLabel]:
    return [w for w in root.findChildren(TextLabel) if w.isVisibleTo(root) and w.plain_text]


def test_attract_and_out_of_service(stage: Stage) -> None:
    w, words = stage.window, stage.words
    stage(ReadersChanged((DEMO_READER,)))
    assert w.stack.currentWidget() is w.attract
    assert w.attract.title.plain_text == words("attract_title")
    assert w.attract.instruction.plain_text == words("attract_insert")
    assert w.bar.language.text() == words("switch_language")
    assert w.bar.primary.isHidden()
    stage(ReaderServiceChanged(up=False))
    assert w.attract.title.plain_text == words("oos_title")
    assert w.attract.causes.plain_text == words("oos_cause_service_down")
    stage(ReaderServiceChanged(up=True))
    assert w.attract.title.plain_text == words("attract_title")


def test_reading_consent_results_detail_warning_take_card(stage: Stage) -> None:
    w, words, lang = stage.window, stage.words, stage.words.language
    stage(ReadersChanged((DEMO_READER,)), CardInserted(DEMO_READER))
    assert w.stack.currentWidget() is w.reading
    assert w.reading.keep.plain_text == words("reading_keep")
    token = stage.session.token
    stage(CidRead(token, DEMO_CID), IdentityRead(token, the_card()))
    assert w.stack.currentWidget() is w.consent
    name = the_card().name_th.full() if lang == "th" else the_card().name_en.full()
    assert name in w.consent.hello.plain_text
    assert w.consent.retention.plain_text == words("consent_retention", days=30)
    stage(ConsentAgreed())
    assert w.stack.currentWidget() is w.results
    assert w.results.status.plain_text == words("results_asking")
    assert {t.badge_text.plain_text for t in w.results.tiles.values()} == {words("state_asking")}
    for result in demo_results(DEMO_NOW, mixed=True).values():
        stage(AgencyAnswered(token, result))
    tiles = w.results.tiles
    expected = {
        "nhso": (Glyph.CARD, "state_card"),
        "sso": (Glyph.DASH, "state_not_registered"),
        "welfare": (Glyph.WARNING, "state_cached"),
        "elderly": (Glyph.CHECK, "state_live"),
        "disability": (Glyph.CROSS, "state_unavailable"),
        "cgd": (Glyph.HOURGLASS, "state_asking"),
        "farmer": (Glyph.CHECK, "state_live"),
    }
    for agency, (glyph, key) in expected.items():
        assert tiles[agency].badge_icon.glyph is glyph, agency
        assert tiles[agency].badge_text.plain_text == words(key), agency
    as_of = "20 พ.ย. 2569" if lang == "th" else "20 Nov 2026"  # Buddhist era in Thai
    assert tiles["welfare"].hint.plain_text.replace("\u00a0", " ").endswith(as_of)
    assert "1479" in tiles["disability"].hint.plain_text
    stage(DetailOpened("welfare"))
    assert w.stack.currentWidget() is w.detail
    assert len(w.detail.entitlement_panels) == 2
    assert words("reason_timeout") in w.detail.why.plain_text
    stage(DetailClosed(), DetailOpened("disability"))
    assert w.detail.none.plain_text == words("detail_unknown")  # not "no right on record"
    assert "1479" in w.detail.hotline.plain_text
    stage(DetailClosed(), DetailOpened("sso"))
    assert w.detail.none.plain_text == words("detail_none")
    stage(TimerFired(Timer.IDLE, stage.idle_generation))
    assert w.overlay.isVisible()
    assert w.overlay.countdown.plain_text == "30"
    assert w.overlay.title.plain_text == words("warning_title")
    stage(FinishPressed())
    assert w.stack.currentWidget() is w.take_card
    assert w.take_card.title.plain_text == words("take_title")
    assert not w.overlay.isVisible()


def test_english_screens_hold_no_thai_words_but_the_switch_and_data(
    qtbot: QtBot, kiosk_font: QFont
) -> None:
    stage = Stage(qtbot, kiosk_font, "en", SIZES[0])
    stage(ReadersChanged((DEMO_READER,)))
    data_words = {"ภาษาไทย", "กรุณาเสียบบัตรประชาชน"}  # the switch; the other-language line
    for label in shown_labels(stage.window):
        if THAI.search(label.plain_text):
            assert label.plain_text in data_words, label.plain_text
    stage.to_results(mixed=False)
    for label in shown_labels(stage.window.results):
        if THAI.search(label.plain_text):
            # Hospital names come from the agency in Thai; nothing else may be Thai.
            assert "โรงพยาบาล" in label.plain_text, label.plain_text


def adapter_agencies() -> tuple[AgencyInfo, ...]:
    """The seven built-in agencies with the names their adapters give (the longest a kiosk
    shows), in the default order."""
    from adapters.gdx_agencies import SERVICES
    from adapters.nhso.adapter import NhsoAdapter

    gdx = tuple(AgencyInfo(s.id, s.name_th, s.name_en, s.hotline, s.web) for s in SERVICES.values())
    nhso = AgencyInfo("nhso", NhsoAdapter.name_th, NhsoAdapter.name_en, "1330", "")
    return (nhso, *gdx)


def worst_results() -> dict[str, AgencyResult]:
    """Every agency answering from the offline copy with three long entitlements: the most a
    tile ever has to say (name, state, date, headlines, "+N more")."""
    as_of = DEMO_NOW - timedelta(days=3)
    long_title = ("สิทธิประโยชน์ทดแทนกรณีทุพพลภาพและค่ารักษาพยาบาล", "Invalidity benefit and care")
    results = {}
    for info in adapter_agencies():
        entitlements = tuple(
            Entitlement(
                f"X{n}",
                long_title[0],
                long_title[1],
                EntitlementStatus.ACTIVE,
                amount_thb=12_345.0,
                period="monthly",
                details={"hospital_main": "โรงพยาบาลสมเด็จพระยุพราชสว่างแดนดินจังหวัดสกลนคร"},
            )
            for n in range(3)
        )
        results[info.id] = AgencyResult(
            info.id,
            AgencyStatus.OK,
            ResultSource.CACHE,
            as_of,
            entitlements=entitlements,
            reason=FailureReason.TIMEOUT,
        )
    return results


@pytest.mark.parametrize("answers", ["done", "mixed", "worst"])
@pytest.mark.parametrize("size", SIZES[:2], ids=["1080x1920", "1920x1080"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_seven_tiles_fit_without_scrolling(
    qtbot: QtBot, kiosk_font: QFont, size: QSize, language: str, answers: str
) -> None:
    """docs/ui-guide.md: seven tiles of at least 160 px (at 1080 px) fit without scrolling at
    1080x1920 and 1920x1080, with the adapters' own (long) names, whatever the answers say."""
    stage = Stage(qtbot, kiosk_font, language, size, agencies=adapter_agencies())
    results = (
        worst_results() if answers == "worst" else demo_results(DEMO_NOW, mixed=answers == "mixed")
    )
    stage.to_results(results=results)
    qtbot.wait(20)
    page = stage.window.results.page
    viewport = page.area.viewport()
    tiles = stage.window.results.tiles
    assert len(tiles) == 7
    assert page.area.verticalScrollBar().maximum() == 0
    assert not page.cue.isVisible()
    floor = round(160 * min(size.width(), size.height()) / 1080)
    for agency, tile in tiles.items():
        top_left = tile.mapTo(viewport, QPoint(0, 0))
        inside = viewport.rect().contains(QRect(top_left, tile.size()))
        assert inside, f"{agency} tile is not wholly on screen"
        assert tile.height() >= floor
        for label in (tile.badge_text, tile.hint, tile.more):  # never cut
            if label.isVisibleTo(tile):
                assert label.width() >= label.sizeHint().width(), (agency, label.plain_text)
        for label in tile.headlines:  # one line each, cut to fit with "…"
            if label.isVisibleTo(tile):
                assert label.height() <= label.fontMetrics().lineSpacing() * 1.6
                advance = label.fontMetrics().horizontalAdvance(label.plain_text)
                assert advance <= label.width() * 1.1, (agency, label.plain_text)
    columns = {t.x() for t in tiles.values()}
    assert len(columns) == (2 if size.width() > size.height() else 1)


def test_small_screen_scrolls_with_a_visible_cue(qtbot: QtBot, kiosk_font: QFont) -> None:
    """1280x800 with every tile full (and text never below 24 px): it scrolls, and says so."""
    stage = Stage(qtbot, kiosk_font, "th", SIZES[2], agencies=adapter_agencies())
    stage.to_results(results=worst_results())
    qtbot.wait(20)
    page = stage.window.results.page
    assert page.area.verticalScrollBar().maximum() > 0
    assert page.cue.isVisible()
    page.area.verticalScrollBar().setValue(page.area.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: not page.cue.isVisible(), timeout=2000)


@pytest.mark.parametrize("size", SIZES, ids=["1080x1920", "1920x1080", "1280x800"])
def test_text_and_touch_targets_are_never_small(
    qtbot: QtBot, kiosk_font: QFont, size: QSize
) -> None:
    stage = Stage(qtbot, kiosk_font, "th", size)
    stage.to_results(mixed=True)
    qtbot.wait(20)
    for widget in stage.window.findChildren(QLabel) + stage.window.findChildren(QAbstractButton):
        if widget.isVisibleTo(stage.window) and (
            widget.text() if isinstance(widget, QLabel) else True
        ):
            assert widget.fontInfo().pixelSize() >= MIN_TEXT_PX, type(widget).__name__
    for button in stage.window.findChildren(QAbstractButton):
        if button.isVisibleTo(stage.window):
            assert button.height() >= MIN_TARGET_PX, button.text()
    primary = stage.window.bar.primary
    assert primary.height() >= max(
        MIN_TARGET_PX, round(96 * min(size.width(), size.height()) / 1080)
    )
    for tile in stage.window.results.tiles.values():
        assert tile.height() >= MIN_TARGET_PX


def test_high_contrast_and_large_text_switches(qtbot: QtBot, kiosk_font: QFont) -> None:
    stage = Stage(qtbot, kiosk_font, "th", SIZES[0])
    stage.to_results(mixed=False)
    name = stage.window.results.name
    body_px = stage.window.results.tiles["nhso"].headlines[0].fontInfo().pixelSize()
    assert HIGH_CONTRAST.background not in stage.window.styleSheet()
    stage(HighContrastToggled())
    sheet = stage.window.styleSheet()
    assert f"background: {HIGH_CONTRAST.background}" in sheet
    assert f"background: {HIGH_CONTRAST.primary}" in sheet  # yellow primary buttons
    assert stage.window.bar.contrast.isChecked()
    stage(LargeTextToggled())
    qtbot.wait(10)
    large_px = stage.window.results.tiles["nhso"].headlines[0].fontInfo().pixelSize()
    assert large_px == round(body_px * 1.3)
    assert stage.window.bar.large_text.isChecked()
    assert name.fontInfo().pixelSize() > 44


def test_demo_banner_only_in_demo(qtbot: QtBot, kiosk_font: QFont) -> None:
    for demo in (True, False):
        window = KioskWindow(font=kiosk_font, clock=lambda: 0.0, demo=demo)
        qtbot.addWidget(window)
        window.resize(SIZES[0])
        window.show()
        session = Session(SessionSettings(agencies=DEMO_AGENCIES))
        session.handle(ReadersChanged((DEMO_READER,)))
        window.show_view(session.view)
        assert window.demo is demo
        assert window.banner.isVisible() is demo
        if demo:
            assert window.banner_text.plain_text == Words("th")("demo_banner")


def test_status_is_never_colour_alone(qtbot: QtBot, kiosk_font: QFont) -> None:
    stage = Stage(qtbot, kiosk_font, "th", SIZES[0])
    stage.to_results(mixed=True)
    glyphs = set()
    for tile in stage.window.results.tiles.values():
        assert tile.badge_icon.isVisible()
        assert tile.badge_text.plain_text
        glyphs.add(tile.badge_icon.glyph)
        image = tile.badge_icon.grab().toImage()
        inked = sum(
            1
            for y in range(image.height())
            for x in range(image.width())
            if image.pixelColor(x, y).alpha() > 0 and image.pixelColor(x, y).lightness() < 200
        )
        assert inked > 20  # the icon is drawn, not an empty box
    states = {t.state for t in stage.session.view.tiles}
    assert len(states) == len(TileState)  # the mixed demo has every state
    assert len(glyphs) == len(states)  # and each state has its own drawn icon


def test_fonts_ship_with_the_app(qapp: object, kiosk_font: QFont) -> None:
    del qapp
    assert kiosk_font.families() == ["Noto Sans", "Noto Sans Thai"]
    assert "Noto Sans Thai" in QFontDatabase.families()
    from PySide6.QtGui import QFontMetrics

    thai = QFont()
    thai.setFamilies(["Noto Sans Thai"])
    metrics = QFontMetrics(thai)
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "กรุณาเสียบบัตรประชาชน")
    shipped = QRawFont(str(FONT_DIR / "NotoSansThai-Regular.ttf"), 30)
    assert shipped.familyName() == "Noto Sans Thai"
    assert all(shipped.supportsCharacter(ord(ch)) for ch in "ยังใช้งานอยู่ ญี่ปุ่น")
    assert (FONT_DIR / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE") >= 1


def test_qt_keeps_none_alive(qapp: object) -> None:
    """PySide6 6.12.0 dropped a reference to None on every void call and crashed CPython 3.11
    after a few thousand calls; the pinned version must not."""
    import sys

    del qapp
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        label.property("not-set")
    assert sys.getrefcount(None) >= before - 50
    label.deleteLater()


def test_the_holders_age_and_id_are_set_apart(stage: Stage) -> None:
    stage.to_results(mixed=False)
    expected = {
        "th": "อายุ 73 ปี · เลขประจำตัว x-xxxx-xxxx9-99-8",
        "en": "Age 73 · ID x-xxxx-xxxx9-99-8",
    }[stage.words.language]
    assert stage.window.results.facts.plain_text == expected


def test_full_screen_takes_the_screens_geometry_first(qtbot: QtBot, kiosk_font: QFont) -> None:
    """No window manager on a kiosk: without the geometry, showFullScreen keeps the natural
    size."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.app import KioskApp, KioskParts
    from ui.demo.stand_ins import DemoAgencyChecking, DemoCardReading, LoggedConsent

    card, checks = DemoCardReading(None), DemoAgencyChecking({})
    session = Session(SessionSettings(agencies=DEMO_AGENCIES))
    kiosk = KioskApp(
        KioskParts(session=session, card=card, checks=checks, audit=LoggedConsent()),
        font=kiosk_font,
    )
    qtbot.addWidget(kiosk.window)
    screen = QApplication.primaryScreen()
    kiosk.show(fullscreen=True, screen=screen)
    qtbot.waitExposed(kiosk.window)
    assert kiosk.window.geometry() == screen.geometry()
    assert kiosk.window.windowState() & Qt.WindowState.WindowFullScreen
    kiosk.close()
    card.close()
    checks.close()
