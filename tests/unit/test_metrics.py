from __future__ import annotations

import urllib.request

from kiosk.metrics import KioskMetrics, MetricsServer


class FakeClock:
    """A fake monotonic clock for out-of-service time."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_out_of_service_time_accumulates_across_spells() -> None:
    clock = FakeClock()
    metrics = KioskMetrics("test-kiosk", clock)
    metrics.set_out_of_service(True)
    clock.now += 30
    metrics.set_out_of_service(True)  # still down: no double count
    clock.now += 10
    metrics.set_out_of_service(False)
    metrics.set_out_of_service(True)
    clock.now += 5
    metrics.set_out_of_service(False)
    value = metrics.registry.get_sample_value("kiosk_out_of_service_seconds_total")
    assert value == 45
    assert metrics.registry.get_sample_value("kiosk_out_of_service") == 0


def test_endpoint_serves_the_series_on_loopback() -> None:
    metrics = KioskMetrics("test-kiosk")
    metrics.sessions.labels(outcome="finished").inc()
    metrics.agency_latency.labels(agency="nhso").observe(0.2)
    server = MetricsServer(metrics, "127.0.0.1:0")
    try:
        url = f"http://127.0.0.1:{server.port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            text = response.read().decode()
    finally:
        server.close()
    assert 'kiosk_sessions_total{outcome="finished"} 1.0' in text
    assert 'kiosk_agency_request_seconds_count{agency="nhso"} 1.0' in text
    assert 'kiosk_build_info{kiosk_id="test-kiosk"' in text


def test_a_card_read_counts_once_per_session_when_consent_shows() -> None:
    from kiosk.session.view import Preferences, SessionState, SessionView
    from kiosk.wiring.session_metrics import SessionMetrics

    metrics = KioskMetrics("test-kiosk")
    watch = SessionMetrics(metrics)

    def view(state: SessionState, token: int) -> SessionView:
        return SessionView(state, token, Preferences(), (), 30)

    for state, token in [
        (SessionState.READING, 1),
        (SessionState.CONSENT, 1),
        (SessionState.CONSENT, 1),  # a touch on the consent screen: the same read
        (SessionState.QUERYING, 1),
        (SessionState.CONSENT, 2),
    ]:
        watch.session_changed([], view(state, token))
    assert metrics.registry.get_sample_value("kiosk_card_reads_total") == 2
