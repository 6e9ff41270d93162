"""The whole flow on the kiosk window: card in, consent, tiles, detail, finish, card out; every
way a session ends leaves no personal data anywhere in the window."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.session.commands import EndReason
from kiosk.session.events import CardInserted, ReadFailed
from kiosk.session.view import SessionState, TileState
from tests.gui.kiosk_harness import Kiosk, assert_no_personal_data, the_card
from ui.demo.stand_ins import DEMO_READER
from ui.words.values import Glyph

MakeKiosk = Callable[..., Kiosk]


def test_card_to_consent_then_photo_joins(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(read_delays=(0.02, 0.05, 0.4))
    kiosk.insert_card()
    window = kiosk.window
    assert window.stack.currentWidget() is window.consent
    assert "นางสมศรี ใจงาม" in window.consent.hello.plain_text
    assert not window.consent.photo.has_photo  # the photo is still on its way
    kiosk.wait_until(lambda: window.consent.photo.has_photo)
    agencies = [label.plain_text for label in window.consent.agency_labels]
    assert len(agencies) == 7
    assert any("สำนักงานประกันสังคม" in a for a in agencies)
    assert "30 วัน" in window.consent.retention.plain_text
    assert window.bar.primary.text() == "ยินยอม"
    assert window.bar.secondary.text() == "ไม่ยินยอม"


def test_agree_tiles_detail_back_finish_remove(make_kiosk: MakeKiosk) -> None:
    delays = {"nhso": 0.05, "sso": 0.2, "welfare": 0.1, "elderly": 0.15, "disability": 0.25}
    kiosk = make_kiosk(delays=delays)
    window = kiosk.window
    kiosk.insert_card()
    kiosk.click(window.bar.primary)  # "ยินยอม"
    token = kiosk.session.token  # the audit is written on a worker
    kiosk.wait_until(lambda: kiosk.audit.decisions == [(token, True, False)])
    kiosk.wait_state(SessionState.RESULTS)
    tiles = window.results.tiles
    assert list(tiles) == ["nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"]
    assert tiles["nhso"].badge_icon.glyph is Glyph.CHECK
    assert tiles["sso"].badge_icon.glyph is Glyph.DASH
    assert "บัตรทอง" in tiles["nhso"].headlines[0].plain_text
    assert "700 บาท/เดือน" in tiles["elderly"].headlines[0].plain_text

    kiosk.tap(tiles["nhso"])
    assert window.stack.currentWidget() is window.detail
    assert "1330" in window.detail.hotline.plain_text
    assert len(window.detail.qr_codes) == 2  # web page and tel: hotline
    assert window.bar.primary.text() == "กลับ"
    kiosk.click(window.bar.primary)
    assert window.stack.currentWidget() is window.results

    kiosk.click(window.bar.primary)  # "เสร็จสิ้น"
    assert kiosk.session.state is SessionState.AWAIT_REMOVAL
    assert window.stack.currentWidget() is window.take_card
    assert window.take_card.title.plain_text == "กรุณารับบัตรคืน"
    assert_no_personal_data(kiosk, the_card())
    kiosk.remove_card()
    kiosk.wait_state(SessionState.IDLE)
    assert window.stack.currentWidget() is window.attract


def test_opt_out_reaches_the_check_and_the_audit(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk()
    kiosk.insert_card()
    kiosk.click(kiosk.window.consent.no_copy)
    assert kiosk.window.consent_opt_out
    kiosk.click(kiosk.window.bar.primary)
    token = kiosk.session.token  # the audit is written on a worker
    kiosk.wait_until(lambda: kiosk.audit.decisions == [(token, True, True)])
    # The next citizen starts with the box cleared.
    kiosk.click(kiosk.window.bar.primary)  # finish (tiles still asking is fine)
    kiosk.remove_card()
    kiosk.wait_state(SessionState.IDLE)
    kiosk.insert_card()
    assert not kiosk.window.consent_opt_out


def test_decline_ends_the_session_and_audits_it(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk()
    kiosk.insert_card()
    kiosk.wait_until(lambda: kiosk.window.consent.photo.has_photo)
    kiosk.click(kiosk.window.bar.secondary)  # "ไม่ยินยอม"
    token = kiosk.session.token  # the audit is written on a worker
    kiosk.wait_until(lambda: kiosk.audit.decisions == [(token, False, False)])
    assert kiosk.session.view.end_reason is EndReason.DECLINED
    assert kiosk.window.stack.currentWidget() is kiosk.window.take_card
    assert "ไม่ได้ให้ความยินยอม" in kiosk.window.take_card.reason.plain_text
    assert_no_personal_data(kiosk, the_card())


def _go_to(kiosk: Kiosk, state: str) -> None:
    if state == "reading":
        kiosk.post(CardInserted(DEMO_READER))
        kiosk.wait_state(SessionState.READING)
        return
    kiosk.insert_card()
    kiosk.wait_until(lambda: kiosk.window.consent.photo.has_photo)
    if state == "consent":
        return
    kiosk.click(kiosk.window.bar.primary)
    kiosk.wait_until(lambda: any(t.answered for t in kiosk.window.results.tiles.values()))
    if state == "results":
        kiosk.wait_state(SessionState.RESULTS)
    if state == "detail":
        answered = next(t for t in kiosk.window.results.tiles.values() if t.answered)
        kiosk.tap(answered)
        assert kiosk.window.stack.currentWidget() is kiosk.window.detail


@pytest.mark.parametrize("state", ["reading", "consent", "querying", "results", "detail"])
def test_card_removal_in_any_state_clears_everything(make_kiosk: MakeKiosk, state: str) -> None:
    delays = dict.fromkeys(("sso", "welfare", "elderly", "disability", "cgd", "farmer"), 0.3)
    kiosk = make_kiosk(
        read_delays=(0.3, 0.4, 0.5) if state == "reading" else (0.02, 0.05, 0.1),
        delays={"nhso": 0.02, **delays},
    )
    _go_to(kiosk, state)
    kiosk.remove_card()
    kiosk.wait_state(SessionState.IDLE)
    assert kiosk.window.stack.currentWidget() is kiosk.window.attract
    assert_no_personal_data(kiosk, the_card())
    # Late reports of the ended session (photo, answers) change nothing.
    kiosk.qtbot.wait(600)
    assert kiosk.session.state is SessionState.IDLE
    assert_no_personal_data(kiosk, the_card())


def test_inactivity_warns_then_ends_the_session(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(idle_s=0.3, warning_s=0.6)
    kiosk.insert_card()
    kiosk.click(kiosk.window.bar.primary)
    overlay = kiosk.window.overlay
    kiosk.wait_until(overlay.isVisible)
    assert overlay.ticking
    assert 0 < overlay.seconds_left() <= 1
    assert "I'm still here" in overlay.button.text()
    assert "ยังใช้งานอยู่" in overlay.button.text()
    kiosk.wait_state(SessionState.AWAIT_REMOVAL)
    assert kiosk.session.view.end_reason is EndReason.TIMED_OUT
    assert not overlay.isVisible()
    assert not overlay.ticking
    assert_no_personal_data(kiosk, the_card())
    assert kiosk.app.controller.running_timers() == []


def test_one_tap_during_the_warning_keeps_the_session(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(idle_s=0.3, warning_s=3.0)
    kiosk.insert_card()
    overlay = kiosk.window.overlay
    kiosk.wait_until(overlay.isVisible)
    kiosk.click(overlay.button)
    assert not overlay.isVisible()
    assert kiosk.session.state is SessionState.CONSENT
    assert kiosk.window.consent.photo.has_photo or kiosk.session.view.holder is not None


def test_read_failure_shows_the_readers_words(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(read_delays=(5.0, 5.0, 5.0))
    kiosk.post(CardInserted(DEMO_READER))
    kiosk.wait_state(SessionState.READING)
    assert kiosk.window.stack.currentWidget() is kiosk.window.reading
    message = "บัตรนี้ไม่ใช่บัตรประชาชน กรุณาใช้บัตรประชาชน"
    kiosk.post(ReadFailed(kiosk.session.token, "not_thai_id", message, "Not a Thai ID card"))
    kiosk.wait_state(SessionState.AWAIT_REMOVAL)
    assert kiosk.window.take_card.reason.plain_text == message


def test_tiles_fill_in_as_answers_land(make_kiosk: MakeKiosk) -> None:
    delays = {"nhso": 0.6, "sso": 0.05, "welfare": 0.3, "elderly": 0.1, "disability": 0.45}
    delays |= {"cgd": 0.2, "farmer": 0.5}
    kiosk = make_kiosk(delays=delays)
    kiosk.insert_card()
    kiosk.click(kiosk.window.bar.primary)
    kiosk.wait_state(SessionState.RESULTS)
    answered_order = []
    for view in kiosk.views:
        answered = [t.agency.id for t in view.tiles if t.state is not TileState.ASKING]
        for agency in answered:
            if agency not in answered_order:
                answered_order.append(agency)
    assert answered_order == sorted(delays, key=delays.__getitem__)
    # Every intermediate view was drawn: the first shows every tile asking.
    first = next(v for v in kiosk.views if v.tiles)
    assert {t.state for t in first.tiles} == {TileState.ASKING}


class _BrokenReader:
    """A card port that fails the way a bug would: it raises on the GUI thread."""

    def start_read(self, reader: str, progress: object) -> None:
        raise RuntimeError("bug in the wiring")

    def cancel_read(self, token: int) -> None:
        del token


def test_an_error_while_handling_ends_the_session_quietly(
    make_kiosk: MakeKiosk, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = make_kiosk(card=_BrokenReader())
    kiosk.post(CardInserted(DEMO_READER))
    kiosk.wait_state(SessionState.AWAIT_REMOVAL)
    assert kiosk.session.view.end_reason is EndReason.RESET
    assert kiosk.window.stack.currentWidget() is kiosk.window.take_card
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert not any("bug in the wiring" in r.getMessage() for r in caplog.records)
    kiosk.remove_card()
    kiosk.wait_state(SessionState.IDLE)


def test_any_touch_postpones_the_inactivity_warning(make_kiosk: MakeKiosk, qapp: object) -> None:
    kiosk = make_kiosk(idle_s=0.4, warning_s=5.0)
    kiosk.app.watch_activity(qapp)  # type: ignore[arg-type]
    kiosk.insert_card()
    text = kiosk.window.consent.purpose  # not a button: any touch counts
    for _ in range(6):
        kiosk.tap(text)
        kiosk.qtbot.wait(150)
    assert not kiosk.window.overlay.isVisible()
    kiosk.wait_until(kiosk.window.overlay.isVisible)  # untouched, it comes
