"""The fleet metrics end to end: `AgencyService` with a `KioskMetrics` against the agency
simulator over real HTTP and a real cache file, scraped from a real `MetricsServer` on
127.0.0.1:0 and parsed as Prometheus parses it. Opt-in: no `metrics.listen`, no endpoint."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.simulator import AgencySimulator, parse_fault
from kiosk.agencies.service import AgencyService
from kiosk.config import KioskConfig, validate_config
from kiosk.metrics import KioskMetrics, MetricsServer
from kiosk.session.check_request import CheckRequest

DEMO = CheckRequest("1120100345899")  # nhso, sso, welfare ok; the other four not_found
ORDER = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(port: int) -> Samples:
    """Every sample the endpoint serves, keyed by (name, labels), as Prometheus reads them."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode("utf-8")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series has not been created yet (as PromQL would see)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def config(agency_sim: AgencySimulator, tmp_path: Path) -> KioskConfig:
    return validate_config(
        {
            "kiosk": {
                "id": "metrics-test",
                "data_dir": str(tmp_path / "data"),
                "key_file": str(tmp_path / "keys" / "cache.key"),
            },
            "agencies": {"timeout_s": 1.0, **agency_sim.agency_tables()},
            "metrics": {"listen": "127.0.0.1:0"},
        }
    )


@pytest.fixture
def metrics() -> KioskMetrics:
    return KioskMetrics("metrics-test")


@pytest.fixture
def endpoint(metrics: KioskMetrics, config: KioskConfig) -> Iterator[MetricsServer]:
    assert config.metrics.listen is not None
    server = MetricsServer(metrics, config.metrics.listen)
    yield server
    server.close()
    # prometheus_client names its server thread after its target.
    assert not [t for t in threading.enumerate() if t.name.endswith("(serve_forever)")]


@pytest.fixture
def service(config: KioskConfig, metrics: KioskMetrics) -> Iterator[AgencyService]:
    service = AgencyService.from_config(config, metrics=metrics).start()
    yield service
    service.close()


def test_a_live_check_is_timed_per_agency_and_nothing_failed(
    service: AgencyService, endpoint: MetricsServer
) -> None:
    service.run(DEMO)
    samples = scrape(endpoint.port)
    for agency in ORDER:
        assert value(samples, "kiosk_agency_request_seconds_count", agency=agency) == 1
        assert value(samples, "kiosk_agency_request_seconds_sum", agency=agency) > 0
        assert value(samples, "kiosk_fallback_answers_total", agency=agency, source="cache") == 0
    assert not [key for key in samples if key[0] == "kiosk_agency_failures_total"]
    assert value(samples, "kiosk_build_info", kiosk_id="metrics-test", version="0.1.0") == 1


def test_failures_fallbacks_and_cache_hits_are_counted_by_agency_reason_and_source(
    service: AgencyService, endpoint: MetricsServer, agency_sim: AgencySimulator
) -> None:
    service.run(DEMO)
    assert service.flush_snapshots(10)  # the live answers are in the cache now
    agency_sim.faults.add(parse_fault("sso=status:503"))
    agency_sim.faults.add(parse_fault("welfare=hang"))
    outcome = service.run(DEMO)
    assert outcome.result("sso").source.value == "cache"
    samples = scrape(endpoint.port)
    assert value(samples, "kiosk_agency_failures_total", agency="sso", reason="server_error") == 1
    assert value(samples, "kiosk_agency_failures_total", agency="welfare", reason="timeout") == 1
    for agency in ("sso", "welfare"):
        assert value(samples, "kiosk_cache_hits_total", agency=agency) == 1
        assert value(samples, "kiosk_fallback_answers_total", agency=agency, source="cache") == 1
        assert value(samples, "kiosk_agency_request_seconds_count", agency=agency) == 2
    # The hanging agency is timed at the deadline: it falls in the 1.0 s bucket, not below.
    assert value(samples, "kiosk_agency_request_seconds_bucket", agency="welfare", le="1.0") == 2
    assert value(samples, "kiosk_agency_request_seconds_bucket", agency="welfare", le="0.75") == 1
    assert value(samples, "kiosk_agency_failures_total", agency="nhso", reason="timeout") == 0


def test_an_agency_that_cannot_be_reached_and_has_no_snapshot_is_a_none_answer(
    service: AgencyService, endpoint: MetricsServer, agency_sim: AgencySimulator
) -> None:
    agency_sim.stop()
    service.run(DEMO)  # first check: nothing cached yet
    samples = scrape(endpoint.port)
    for agency in ORDER:
        assert value(samples, "kiosk_fallback_answers_total", agency=agency, source="none") == 1
        assert (
            value(samples, "kiosk_agency_failures_total", agency=agency, reason="unreachable") == 1
        )
        assert value(samples, "kiosk_cache_hits_total", agency=agency) == 0


def test_snapshots_the_store_cannot_take_are_counted(
    service: AgencyService, endpoint: MetricsServer, config: KioskConfig
) -> None:
    service.run(DEMO)
    assert service.flush_snapshots(10)
    assert value(scrape(endpoint.port), "kiosk_cache_write_failures_total") == 0
    # A folder where the database file was: the store cannot reopen it, so writes fail for real.
    db = config.kiosk.data_dir / "cache.db"
    for leftover in db.parent.glob("cache.db*"):
        leftover.unlink()
    db.mkdir()
    service.run(DEMO)
    assert service.flush_snapshots(10)
    writer = service.health().writer
    assert writer is not None
    assert writer.failed == len(ORDER)  # every live answer of the second check
    assert value(scrape(endpoint.port), "kiosk_cache_write_failures_total") == len(ORDER)
    shutil.rmtree(db)


def test_an_agency_skipped_by_its_open_breaker_is_counted_as_a_failure_but_not_timed(
    service: AgencyService, endpoint: MetricsServer, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("sso=status:503"))
    for _ in range(3):  # the breaker opens after three failures in a row
        service.run(DEMO)
    outcome = service.run(DEMO)
    reason = outcome.result("sso").reason
    assert reason is not None
    assert reason.value == "circuit_open"
    samples = scrape(endpoint.port)
    assert value(samples, "kiosk_agency_request_seconds_count", agency="sso") == 3
    assert value(samples, "kiosk_agency_failures_total", agency="sso", reason="server_error") == 3
    assert value(samples, "kiosk_agency_failures_total", agency="sso", reason="circuit_open") == 1
    # What the alert rule divides by: asked (timed) plus skipped, per agency.
    asked_or_skipped = value(samples, "kiosk_agency_request_seconds_count", agency="sso") + value(
        samples, "kiosk_agency_failures_total", agency="sso", reason="circuit_open"
    )
    assert asked_or_skipped == 4
