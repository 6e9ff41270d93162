"""deploy/prometheus stays in step with kiosk/metrics.py: every series the alert rules and their
promtool tests name is one the kiosk serves, with the labels and label values the kiosk uses.
(The rules' logic itself: `promtool test rules deploy/prometheus/kiosk-alerts.test.yml`.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

from adapters.base import FailureReason, ResultSource
from cardreader.errors import CardErrorKind
from kiosk.metrics import KioskMetrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
_SERIES = re.compile(r"(?<![:\w])(kiosk_[a-z_]+|up)(?![:\w])")
_RECORDED = re.compile(r"[a-z_]+:[a-z_0-9]+:[a-z_0-9]+")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|=|!=)\s*"([^"]*)"')


def served() -> dict[str, set[str]]:
    """Every sample name the kiosk serves once each series has a value, with its label names."""
    metrics = KioskMetrics("k1")
    metrics.sessions.labels(outcome="finished").inc()
    metrics.card_read_failures.labels(cause="unreadable").inc()
    metrics.agency_latency.labels(agency="nhso").observe(0.1)
    metrics.agency_failures.labels(agency="nhso", reason="timeout").inc()
    metrics.cache_hits.labels(agency="nhso").inc()
    metrics.fallback_answers.labels(agency="nhso", source="cache").inc()
    metrics.set_out_of_service(True)
    metrics.cache_writes_failed.inc()
    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry).decode()
    names: dict[str, set[str]] = {"up": set()}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            names.setdefault(sample.name, set()).update(sample.labels)
    return names


def rule_exprs() -> list[str]:
    doc: dict[str, Any] = yaml.safe_load((DEPLOY / "kiosk-alerts.yml").read_text())
    return [rule["expr"] for group in doc["groups"] for rule in group["rules"]]


def test_every_series_an_alert_rule_names_is_served_with_its_labels() -> None:
    available = served()
    allowed_values = {
        "reason": {r.value for r in FailureReason},
        "cause": {k.value for k in CardErrorKind},
        "source": {s.value for s in ResultSource},
    }
    seen = set()
    for expr in rule_exprs():
        text = _RECORDED.sub("", expr)
        for name in _SERIES.findall(text):
            assert name in available, f"{name} is not served by kiosk/metrics.py"
            seen.add(name)
        for label, _op, pattern in _MATCHER.findall(text):
            if label in allowed_values:
                for word in pattern.split("|"):
                    assert word in allowed_values[label], f"{label}={word} is never recorded"
    assert {
        "up",
        "kiosk_out_of_service",
        "kiosk_agency_request_seconds_count",
        "kiosk_agency_failures_total",
        "kiosk_card_read_failures_total",
        "kiosk_cache_write_failures_total",
    } <= seen


def test_promtool_tests_feed_only_series_the_kiosk_serves() -> None:
    available = served()
    doc: dict[str, Any] = yaml.safe_load((DEPLOY / "kiosk-alerts.test.yml").read_text())
    assert doc["rule_files"] == ["kiosk-alerts.yml"]
    for test in doc["tests"]:
        for series in test["input_series"]:
            name = series["series"].split("{", 1)[0]
            assert name in available, name
            labels = set(re.findall(r"(\w+)=", series["series"]))
            scrape_labels = {"job", "instance", "kiosk"}
            assert labels - scrape_labels <= available[name], series["series"]


def test_scrape_config_loads_the_rules() -> None:
    doc: dict[str, Any] = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    assert doc["rule_files"] == ["kiosk-alerts.yml"]
    assert [job["job_name"] for job in doc["scrape_configs"]] == ["gov-smart-kiosk"]
