"""The doctor's agency-side verdicts: the clock against `Date` headers, the CA bundle, the proxy
(a real listening socket on loopback, and a closed port), loopback addresses (DEMO)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import certifi
import pytest

from adapters.base import HealthProbe
from kiosk.config import validate_config
from kiosk.doctor.agencies import (
    ProbeOutcome,
    agency_findings,
    agency_fix,
    check_ca_bundle,
    check_demo,
    check_proxy,
    clock_finding,
    proxy_address,
)
from kiosk.doctor.findings import Verdict

NOW = datetime(2026, 11, 24, 3, 0, 0, tzinfo=UTC)


def outcome(agency: str, skew_s: float | None, ok: bool = True) -> ProbeOutcome:
    server = None if skew_s is None else NOW - timedelta(seconds=skew_s)
    return ProbeOutcome(agency, HealthProbe(ok, 0.01 if ok else None, "", server), NOW)


@pytest.mark.parametrize(
    ("skews", "verdict", "words"),
    [
        ([0.4, -0.6, 1.0], Verdict.OK, "within 1 s"),
        ([130.0, 131.0, 0.0], Verdict.WARN, "2 min 10 s ahead of"),
        ([-400.0, -401.0], Verdict.FAIL, "6 min 40 s behind"),
        ([-400.0, 1.0, 2.0], Verdict.OK, "within 1 s"),  # the median: one odd server is outvoted
    ],
)
def test_clock_verdict_follows_the_median_skew(
    skews: list[float], verdict: Verdict, words: str
) -> None:
    found = clock_finding([outcome(f"a{i}", s) for i, s in enumerate(skews)])
    assert found.verdict is verdict
    assert words in found.cause
    if verdict is not Verdict.OK:
        assert "timedatectl" in found.fix


def test_clock_without_any_date_header_is_not_checked() -> None:
    found = clock_finding([outcome("nhso", None, ok=False)])
    assert found.verdict is Verdict.WARN
    assert found.cause.startswith("not checked")


def test_agency_findings_word_latency_and_failures() -> None:
    down = ProbeOutcome(
        "sso", HealthProbe(False, None, "GDX sso probe: TLS verification failed"), NOW
    )
    found = agency_findings([outcome("nhso", 0.0), down], {"nhso": "NHSO", "sso": "SSO"})
    assert [f.check for f in found] == ["agency.nhso", "agency.sso"]
    assert found[0].verdict is Verdict.OK
    assert found[0].details["latency_ms"] == 10
    assert found[1].verdict is Verdict.FAIL
    assert "ca_bundle" in found[1].fix
    assert "in time" not in agency_fix("connection failed (ConnectionError)")
    assert "slow" in agency_fix("GDX sso probe: no answer in time")


def test_ca_bundle_default_file_missing_and_garbage(tmp_path: Path) -> None:
    def finding(bundle: Path | None) -> Verdict:
        agencies = validate_config(
            {"agencies": {"ca_bundle": str(bundle)} if bundle else {}}
        ).agencies
        return check_ca_bundle(agencies).verdict

    garbage = tmp_path / "ca.pem"
    garbage.write_text("not a certificate\n")
    assert finding(None) is Verdict.OK
    assert finding(Path(certifi.where())) is Verdict.OK
    assert finding(tmp_path / "missing.pem") is Verdict.FAIL
    assert finding(garbage) is Verdict.FAIL


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        yield server.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there once the socket is closed


def test_proxy_that_accepts_connections_is_ok_and_its_password_never_shown(
    listening_port: int,
) -> None:
    url = f"http://user:pa55word@127.0.0.1:{listening_port}"
    agencies = validate_config({"agencies": {"proxy": url}}).agencies
    found = check_proxy(agencies)
    assert found.verdict is Verdict.OK
    assert "pa55word" not in json.dumps(found.to_json())
    assert f"127.0.0.1:{listening_port}" in found.cause


def test_proxy_that_refuses_fails(closed_port: int) -> None:
    agencies = validate_config({"agencies": {"proxy": f"http://127.0.0.1:{closed_port}"}}).agencies
    found = check_proxy(agencies)
    assert found.verdict is Verdict.FAIL
    assert "cannot be reached" in found.cause


def test_no_proxy_and_malformed_proxy() -> None:
    assert check_proxy(validate_config({}).agencies).verdict is Verdict.OK
    malformed = validate_config({"agencies": {"proxy": "proxy.local"}}).agencies
    assert check_proxy(malformed).verdict is Verdict.FAIL
    assert proxy_address("http://p.example") == ("http", "p.example", 80)


def test_loopback_agencies_are_a_demo_warning() -> None:
    remote = validate_config({"agencies": {"nhso": {"base_url": "https://nhso.example"}}})
    assert check_demo(remote.agencies).verdict is Verdict.OK
    local = validate_config({"agencies": {"gdx": {"base_url": "http://127.0.0.1:8780"}}})
    found = check_demo(local.agencies)
    assert found.verdict is Verdict.WARN
    assert found.details["loopback"] == ["gdx"]
