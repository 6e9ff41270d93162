"""The reader thread on the real stack: monitor events, progressive reads, pulls, cancel, stop."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pytest

from cardreader.errors import CardRemovedError, ReadCancelledError
from cardreader.pcsc import PcscContext, ReaderState, error_for
from cardreader.pcscd_process import VPCD_READERS
from cardreader.profile import shipped_profile
from cardreader.reader_thread import ReaderThread
from cardreader.virtual_card import REALISTIC_LATENCY, CardFaults
from tests.fixtures.pcsc import EVENT_TIMEOUT_S, CardFactory, EventLog, reader_of

Threads = Callable[..., ReaderThread]


def test_monitor_reports_readers_service_and_card_insert_and_remove(
    reader_threads: Threads, virtual_cards: CardFactory, empty_readers: None
) -> None:
    log = EventLog()
    reader_threads(log)
    assert log.next("readers") == list(VPCD_READERS)
    assert log.next("service") == "ok"
    card = virtual_cards("standard")
    reader, atr = log.next("inserted")
    assert (reader, atr) == (reader_of(card), bytes.fromhex(shipped_profile("standard").atr))
    card.remove()
    assert log.next("removed") == reader
    assert log.threads == {"card-reader"}


def test_a_card_already_in_at_start_is_reported(
    reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    card = virtual_cards("elderly_lifelong")
    log = EventLog()
    reader_threads(log)
    assert log.next("inserted")[0] == reader_of(card)


def test_two_readers_at_once(reader_threads: Threads, virtual_cards: CardFactory) -> None:
    log = EventLog()
    thread = reader_threads(log)
    first = virtual_cards("standard", slot=0)
    second = virtual_cards("bangkok", slot=1)
    seen = {log.next("inserted")[0], log.next("inserted")[0]}
    assert seen == set(VPCD_READERS)
    jobs = [thread.start_read(reader_of(card), EventLog()) for card in (first, second)]
    assert all(job.wait(EVENT_TIMEOUT_S) for job in jobs)
    assert [job.card.cid if job.card else None for job in jobs] == [
        shipped_profile("standard").cid,
        shipped_profile("bangkok").cid,
    ]


def test_progressive_read_cid_first_photo_last_with_apdu_timings(
    reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    profile = shipped_profile("nhso")
    card = virtual_cards("nhso", latency=REALISTIC_LATENCY)
    thread = reader_threads()
    log = EventLog()
    job = thread.start_read(reader_of(card), log)
    assert job.wait(EVENT_TIMEOUT_S)
    assert log.kinds() == ["cid", "identity", "photo", "done"]
    assert job.card is not None
    assert job.card.photo == profile.photo
    assert job.card.nhso is not None
    assert job.card.nhso.main_hospital == "โรงพยาบาลสุรินทร์"
    assert job.error is None
    assert len(job.exchanges) == card.apdu_count
    assert all(t.seconds > 0 for t in job.exchanges)
    assert job.exchanges[0].kind == "SELECT"
    assert job.card_busy_s == pytest.approx(sum(t.seconds for t in job.exchanges))
    assert log.threads == {"card-reader"}


def test_card_pulled_mid_photo_reports_card_removed_within_a_second(
    reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    card = virtual_cards("standard", latency=REALISTIC_LATENCY)
    thread = reader_threads()
    log = EventLog()
    job = thread.start_read(reader_of(card), log)
    log.next("identity")
    time.sleep(0.1)  # well into the photo blocks
    pulled_at = time.monotonic()
    card.remove()
    error = log.next("failed")
    noticed_after = time.monotonic() - pulled_at
    assert isinstance(error, CardRemovedError)
    assert noticed_after < 1.0  # the requirement; it takes milliseconds here
    assert job.wait(EVENT_TIMEOUT_S)
    assert job.card is None
    assert job.error is error
    assert "photo" not in [kind for kind, _ in list(log.queue.queue)]


def test_fault_pull_after_n_apdus_gives_card_removed(
    reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    card = virtual_cards("demo", faults=CardFaults(remove_after_apdus=30))
    thread = reader_threads()
    job = thread.start_read(reader_of(card), EventLog())
    assert job.wait(EVENT_TIMEOUT_S)
    assert isinstance(job.error, CardRemovedError)
    assert card.pulled_by_fault


def test_cancel_stops_a_read_before_its_next_apdu(
    reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    card = virtual_cards("standard", latency=REALISTIC_LATENCY)
    thread = reader_threads()
    log = EventLog()
    job = thread.start_read(reader_of(card), log)
    log.next("cid")
    job.cancel()
    assert isinstance(log.next("failed"), ReadCancelledError)
    assert job.wait(EVENT_TIMEOUT_S)
    assert card.apdu_count < 40


def test_stop_during_a_read_ends_it_and_joins_the_thread(
    reader_threads: Threads, virtual_cards: CardFactory
) -> None:
    card = virtual_cards("standard", latency=REALISTIC_LATENCY)
    thread = reader_threads()
    log = EventLog()
    job = thread.start_read(reader_of(card), log)
    log.next("cid")
    thread.stop()
    assert not thread.alive
    assert job.done
    assert isinstance(job.error, ReadCancelledError)
    late = thread.start_read(reader_of(card), EventLog())
    assert late.wait(EVENT_TIMEOUT_S)
    assert isinstance(late.error, ReadCancelledError)


def test_pyscard_is_only_touched_on_the_reader_thread(reader_threads: Threads) -> None:
    thread = reader_threads()
    contexts: list[PcscContext] = []

    def remember(context: PcscContext) -> list[str]:
        contexts.append(context)
        return context.readers()

    assert thread.submit(remember).result(EVENT_TIMEOUT_S) == list(VPCD_READERS)
    with pytest.raises(AssertionError, match="off its reader thread"):
        contexts[0].readers()


def test_a_failing_event_consumer_does_not_stop_the_monitor(
    reader_threads: Threads, virtual_cards: CardFactory, empty_readers: None
) -> None:
    class Grumpy(EventLog):
        def readers_changed(self, readers: list[str]) -> None:
            raise RuntimeError("consumer bug")

    log = Grumpy()
    reader_threads(log)
    log.next("service")
    card = virtual_cards("standard")
    assert log.next("inserted")[0] == reader_of(card)


def test_an_odd_pcsc_error_while_watching_reconnects_instead_of_ending_the_thread(
    virtual_cards: CardFactory, empty_readers: None
) -> None:
    """pcsc-lite answered SCardGetStatusChange with "access denied" (0x8010006A) while pcscd
    was stopping, and the reader thread ended for good: the kiosk never noticed pcscd had gone.
    A fault-injecting wrapper (a fake part around the real context) raises that error once."""

    class FailsOnce(PcscContext):
        failed = False

        def status_change(
            self, states: Sequence[tuple[str, int]], timeout_ms: int
        ) -> list[ReaderState] | None:
            if not FailsOnce.failed:
                FailsOnce.failed = True
                raise error_for(0x8010006A, "SCardGetStatusChange")
            return super().status_change(states, timeout_ms)

    log = EventLog()
    thread = ReaderThread(log, poll_s=0.1, retry_s=0.1, context_factory=FailsOnce).start()
    try:
        log.next("service")
        card = virtual_cards("standard")
        assert log.next("inserted")[0] == reader_of(card)
        assert FailsOnce.failed
        assert thread.alive
    finally:
        thread.stop()
