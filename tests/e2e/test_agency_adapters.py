"""Every built-in adapter against the agency simulator over real HTTP on loopback."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.base import (
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    EntitlementStatus,
    FailureReason,
    ResultSource,
)
from adapters.deadline import Deadline
from adapters.factory import AdapterContext, AdapterSettings, AgencyTable
from adapters.gdx import GdxAdapter, GdxGateway
from adapters.gdx_agencies import SSO
from adapters.nhso import create as nhso_create
from adapters.simulator import AgencySimulator, Dataset, parse_fault
from adapters.simulator.server import (
    GDX_AGENT_ID,
    GDX_CONSUMER_KEY,
    GDX_CONSUMER_SECRET,
    NHSO_REFRESH_TOKEN,
)
from adapters.transport import AgencyTransport
from kiosk.agencies.roster import AgencySet, build_agencies
from kiosk.config import validate_config
from tests.fixtures.agency_sim import sim_config_data

LIVENESS = 5.0  # a bound on "a hang ends", far above the deadlines used here

# What each agency holds for each citizen of the shipped data set (None: not found).
EXPECTED: dict[str, dict[str, list[str] | None]] = {
    "1101700203450": {"nhso": ["UCS"]},
    "1340100123452": {"nhso": ["SSS"], "sso": ["SSO_S33"]},
    "1509900345677": {"nhso": ["UCS"], "welfare": ["WELFARE_CARD"] * 3, "farmer": ["FARMER"]},
    "3400100567895": {
        "nhso": ["WEL"],
        "elderly": ["ELDERLY_ALLOWANCE"],
        "welfare": ["WELFARE_CARD"] * 2,
    },
    "3100400789012": {"nhso": ["OFC"], "cgd": ["CGD_MEDICAL"]},
    "1839900456123": {"nhso": ["PVT"], "sso": []},
    "1309900678341": {"nhso": ["SSI"], "sso": ["SSO_S39"], "disability": ["DISABILITY_ALLOWANCE"]},
    "1320100890127": {"nhso": ["UCS"]},
    "1120100345899": {"nhso": ["UCS"], "sso": ["SSO_S40"], "welfare": ["WELFARE_CARD"] * 3},
    "5410100567891": {"nhso": ["LGO"]},
    "5909900123452": {"nhso": ["STP"]},
    "4100300678900": {"nhso": ["BKK"]},
    "1600100789016": {"nhso": ["OFC"], "cgd": ["CGD_MEDICAL", "CGD_PENSION"]},
    "4500100334456": {
        "nhso": ["WEL"],
        "disability": ["DISABILITY_ALLOWANCE"],
        "welfare": ["WELFARE_CARD"],
    },
    "3500100901239": {"nhso": ["UCS"]},
    "3700100112232": {"nhso": []},
    "1101400223340": {},
}
DEMO = "1120100345899"
DECEASED = "3500100901239"


def ask(agencies: AgencySet, agency_id: str, cid: str, timeout: float = 3.0) -> AgencyResult:
    adapter = next(a for a in agencies if a.id == agency_id)
    return adapter.check(CitizenIdentity(cid), Deadline.after(timeout))


def test_every_citizen_of_the_data_set_gets_what_each_agency_holds(
    sim_agencies: AgencySet,
) -> None:
    assert set(EXPECTED) == set(Dataset.default().cids())
    for cid, held in EXPECTED.items():
        for adapter in sim_agencies:
            result = adapter.check(CitizenIdentity(cid), Deadline.after(3.0))
            expected = held.get(adapter.id)
            assert result.source is ResultSource.LIVE, (cid, adapter.id, result.message)
            assert result.as_of is not None
            assert result.as_of.utcoffset() is not None
            assert result.as_of.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
            if expected is None:
                assert result.status is AgencyStatus.NOT_FOUND, (cid, adapter.id)
            else:
                assert result.status is AgencyStatus.OK, (cid, adapter.id, result.message)
                assert [e.code for e in result.entitlements] == expected, (cid, adapter.id)


def test_the_deceased_citizen_has_no_active_right(sim_agencies: AgencySet) -> None:
    result = ask(sim_agencies, "nhso", DECEASED)
    assert result.status is AgencyStatus.OK
    assert [e.status for e in result.entitlements] == [EntitlementStatus.INACTIVE]
    assert result.info["deceased"] == "true"
    assert result.info["nhso_status"] == "003"


def test_demo_citizen_details_come_through(sim_agencies: AgencySet) -> None:
    (ucs,) = ask(sim_agencies, "nhso", DEMO).entitlements
    assert ucs.title_en == "Universal Coverage (gold card)"
    assert ucs.details["hospital_main"] == "โรงพยาบาลพระนั่งเกล้า"
    welfare = ask(sim_agencies, "welfare", DEMO).entitlements
    assert [(e.amount_thb, e.period) for e in welfare] == [
        (300.0, "monthly"),
        (100.0, "quarterly"),
        (750.0, "monthly"),
    ]


# --- tokens ----------------------------------------------------------------------------------


def test_nhso_token_is_fetched_once_and_reused(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    for _ in range(3):
        assert ask(sim_agencies, "nhso", DEMO).status is AgencyStatus.OK
    assert agency_sim.stats()["nhso.token"] == 1
    assert agency_sim.stats()["nhso"] == 3


def test_nhso_expired_token_is_refreshed_once_and_retried(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    assert ask(sim_agencies, "nhso", DEMO).status is AgencyStatus.OK
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault("nhso=expired_token@1"))
    result = ask(sim_agencies, "nhso", DEMO)
    assert result.status is AgencyStatus.OK
    assert agency_sim.stats() == {"nhso": 2, "nhso.token": 1}


def test_nhso_token_refused_after_refresh_is_an_auth_error(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("nhso=expired_token"))
    result = ask(sim_agencies, "nhso", DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.AUTH)
    assert agency_sim.stats() == {"nhso": 2, "nhso.token": 2}


def test_gdx_expired_token_is_revalidated_once_and_retried(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    assert ask(sim_agencies, "sso", DEMO).status is AgencyStatus.OK
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault("sso=expired_token@1"))
    assert ask(sim_agencies, "sso", DEMO).status is AgencyStatus.OK
    assert agency_sim.stats() == {"sso": 2, "gdx.token": 1}
    # The new token serves the other GDX agencies too.
    assert ask(sim_agencies, "welfare", DEMO).status is AgencyStatus.OK
    assert agency_sim.stats()["gdx.token"] == 1


def test_one_gdx_token_serves_all_six_agencies(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    for agency_id in ("sso", "welfare", "elderly", "disability", "cgd", "farmer"):
        assert ask(sim_agencies, agency_id, DEMO).source is ResultSource.LIVE
    assert agency_sim.stats()["gdx.token"] == 1


class ManualClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_gdx_token_idle_for_an_hour_is_revalidated_before_use(
    agency_sim: AgencySimulator,
) -> None:
    clock = ManualClock()
    gateway = GdxGateway(
        base_url=agency_sim.url,
        consumer_key=GDX_CONSUMER_KEY,
        consumer_secret=GDX_CONSUMER_SECRET,
        agent_id=GDX_AGENT_ID,
        transport=AgencyTransport(),
        clock=clock,
    )
    adapter = GdxAdapter(SSO, gateway=gateway, transport=AgencyTransport())
    try:
        assert adapter.check(CitizenIdentity(DEMO), Deadline.after(3)).status is AgencyStatus.OK
        clock.now += 30 * 60  # used within the hour: kept
        assert adapter.check(CitizenIdentity(DEMO), Deadline.after(3)).status is AgencyStatus.OK
        assert agency_sim.stats()["gdx.token"] == 1
        clock.now += 59.5 * 60  # idle for almost an hour: renewed before GDX drops it
        assert adapter.check(CitizenIdentity(DEMO), Deadline.after(3)).status is AgencyStatus.OK
        assert agency_sim.stats() == {"gdx.token": 2, "sso": 3}
    finally:
        adapter.close()
        gateway.close()


def test_nhso_token_is_renewed_before_it_expires(agency_sim: AgencySimulator) -> None:
    clock = ManualClock()
    table = AgencyTable(base_url=agency_sim.url, options={"refresh_token": NHSO_REFRESH_TOKEN})
    adapter = nhso_create(AdapterSettings("nhso", {"nhso": table}), AdapterContext(), clock=clock)
    try:
        assert adapter.check(CitizenIdentity(DEMO), Deadline.after(3)).status is AgencyStatus.OK
        clock.now += 3600 - 30  # within NHSO's expires_in, but inside the safety margin
        assert adapter.check(CitizenIdentity(DEMO), Deadline.after(3)).status is AgencyStatus.OK
        assert agency_sim.stats() == {"nhso.token": 2, "nhso": 2}
    finally:
        adapter.close()


@pytest.mark.parametrize(
    ("table", "change", "agency_id"),
    [
        ("nhso", {"refresh_token": "not-the-token"}, "nhso"),
        ("gdx", {"consumer_secret": "not-the-secret"}, "sso"),
        ("gdx", {"consumer_key": "not-the-key"}, "farmer"),
    ],
)
def test_refused_credentials_are_an_auth_error_naming_no_secret(
    agency_sim: AgencySimulator, tmp_path: Any, table: str, change: dict[str, str], agency_id: str
) -> None:
    data = sim_config_data(agency_sim, tmp_path)
    data["agencies"][table] = {**data["agencies"][table], **change}
    with build_agencies(validate_config(data)) as agencies:
        result = ask(agencies, agency_id, DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.AUTH)
    for secret in change.values():
        assert secret not in result.message
    assert DEMO not in result.message


# --- faults ----------------------------------------------------------------------------------


def timed(fn: Callable[[], AgencyResult]) -> tuple[AgencyResult, float]:
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started


@pytest.mark.parametrize("agency_id", ["nhso", "sso", "cgd"])
def test_a_hang_ends_at_the_deadline_as_unavailable(
    sim_agencies: AgencySet, agency_sim: AgencySimulator, agency_id: str
) -> None:
    agency_sim.faults.add(parse_fault(f"{agency_id}=hang"))
    result, took = timed(lambda: ask(sim_agencies, agency_id, DEMO, timeout=0.5))
    assert (result.status, result.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.TIMEOUT)
    assert took < LIVENESS


def test_a_hanging_token_call_counts_against_the_deadline(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("gdx=hang"))
    result, took = timed(lambda: ask(sim_agencies, "welfare", DEMO, timeout=0.5))
    assert result.reason is FailureReason.TIMEOUT
    assert took < LIVENESS
    assert agency_sim.stats().get("welfare", 0) == 0  # never got past the token


def test_latency_past_the_deadline_is_a_timeout(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("elderly=latency:2000"))
    result, took = timed(lambda: ask(sim_agencies, "elderly", DEMO, timeout=0.3))
    assert result.reason is FailureReason.TIMEOUT
    assert took < LIVENESS


def test_latency_within_the_deadline_still_answers(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    agency_sim.faults.add(parse_fault("farmer=latency:100"))
    result = ask(sim_agencies, "farmer", "1509900345677", timeout=2.0)
    assert result.status is AgencyStatus.OK


@pytest.mark.parametrize("agency_id", ["nhso", "welfare"])
def test_a_malformed_body_is_an_error_with_nothing_shown(
    sim_agencies: AgencySet, agency_sim: AgencySimulator, agency_id: str
) -> None:
    agency_sim.faults.add(parse_fault(f"{agency_id}=malformed"))
    result = ask(sim_agencies, agency_id, DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.BAD_ANSWER)
    assert result.entitlements == ()


@pytest.mark.parametrize("agency_id", ["nhso", "sso"])
def test_a_reset_is_retried_once_then_unavailable(
    sim_agencies: AgencySet, agency_sim: AgencySimulator, agency_id: str
) -> None:
    ask(sim_agencies, agency_id, DEMO)  # tokens in hand, so only the data path is counted
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault(f"{agency_id}=reset"))
    result = ask(sim_agencies, agency_id, DEMO)
    assert (result.status, result.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.UNREACHABLE)
    assert agency_sim.stats() == {agency_id: 2}


def test_a_single_reset_is_survived_by_the_retry(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    ask(sim_agencies, "cgd", DEMO)
    agency_sim.faults.add(parse_fault("cgd=reset@1"))
    assert ask(sim_agencies, "cgd", "1600100789016").status is AgencyStatus.OK


@pytest.mark.parametrize("agency_id", ["nhso", "disability"])
def test_one_5xx_then_success_is_ok(
    sim_agencies: AgencySet, agency_sim: AgencySimulator, agency_id: str
) -> None:
    ask(sim_agencies, agency_id, DEMO)
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault(f"{agency_id}=status:503@1"))
    assert ask(sim_agencies, agency_id, "1309900678341").status is AgencyStatus.OK
    assert agency_sim.stats() == {agency_id: 2}


def test_5xx_twice_is_unavailable_server_error(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    ask(sim_agencies, "sso", DEMO)
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault("sso=status:502"))
    result = ask(sim_agencies, "sso", DEMO)
    assert (result.status, result.reason) == (
        AgencyStatus.UNAVAILABLE,
        FailureReason.SERVER_ERROR,
    )
    assert agency_sim.stats() == {"sso": 2}


def test_an_unexpected_4xx_is_an_error_not_retried(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    ask(sim_agencies, "sso", DEMO)
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault("sso=status:400"))
    result = ask(sim_agencies, "sso", DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.BAD_ANSWER)
    assert agency_sim.stats() == {"sso": 1}


def test_nothing_listening_is_unreachable(tmp_path: Any, agency_sim: AgencySimulator) -> None:
    data = sim_config_data(agency_sim, tmp_path)
    port = int(agency_sim.url.rsplit(":", 1)[1])
    agency_sim.stop()  # the port is now closed
    with build_agencies(validate_config(data)) as agencies:
        result = ask(agencies, "nhso", DEMO)
        probe = next(iter(agencies)).probe(Deadline.after(1))
    assert (result.status, result.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.UNREACHABLE)
    assert not probe.ok
    assert str(port) not in result.message  # no URL in messages


# --- bodies the adapters must refuse ------------------------------------------------------------


def agencies_on(
    start_agency_sim: Callable[..., AgencySimulator], tmp_path: Any, citizens: dict[str, Any]
) -> AgencySet:
    sim = start_agency_sim(Dataset(citizens))
    return build_agencies(validate_config(sim_config_data(sim, tmp_path)))


def test_a_wrongly_typed_field_in_a_live_answer_is_an_error(
    start_agency_sim: Callable[..., AgencySimulator], tmp_path: Any
) -> None:
    body = {"registered": True, "monthlyThb": "700", "localAuthority": "x", "payments": []}
    with agencies_on(start_agency_sim, tmp_path, {DEMO: {"elderly": body}}) as agencies:
        result = ask(agencies, "elderly", DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.BAD_ANSWER)
    assert "monthlyThb" in result.message
    assert result.entitlements == ()


def test_an_nhso_answer_for_another_citizen_is_refused(
    start_agency_sim: Callable[..., AgencySimulator], tmp_path: Any
) -> None:
    other = dict(Dataset.default().answer("nhso", DEMO) or {}, pid="1101700203450")
    with agencies_on(start_agency_sim, tmp_path, {DEMO: {"nhso": other}}) as agencies:
        result = ask(agencies, "nhso", DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.BAD_ANSWER)
    assert result.entitlements == ()


def test_an_oversized_answer_is_cut_off_as_an_error(
    start_agency_sim: Callable[..., AgencySimulator], tmp_path: Any
) -> None:
    huge = {"registered": False, "padding": "x" * (1 << 21)}
    with agencies_on(start_agency_sim, tmp_path, {DEMO: {"farmer": huge}}) as agencies:
        result = ask(agencies, "farmer", DEMO)
    assert (result.status, result.reason) == (AgencyStatus.ERROR, FailureReason.BAD_ANSWER)
    assert "larger than" in result.message


# --- probes ------------------------------------------------------------------------------------


def test_probes_reach_each_agencys_endpoint_without_a_citizen(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    for adapter in sim_agencies:
        probe = adapter.probe(Deadline.after(2))
        assert probe.ok, adapter.id
        assert probe.server_date is not None
    stats = agency_sim.stats()
    assert set(stats) == {"nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer"}
    agency_sim.faults.add(parse_fault("sso=status:503"))
    assert not next(a for a in sim_agencies if a.id == "sso").probe(Deadline.after(2)).ok


# --- TLS -----------------------------------------------------------------------------------------


def self_signed_loopback_cert(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "agency-sim test CA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "sim.pem", tmp_path / "sim.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_is_verified_against_the_configured_ca_bundle(
    start_agency_sim: Callable[..., AgencySimulator], tmp_path: Path
) -> None:
    cert, key = self_signed_loopback_cert(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sim = start_agency_sim(tls=context)
    assert sim.url.startswith("https://127.0.0.1:")
    data = sim_config_data(sim, tmp_path / "data")
    with build_agencies(validate_config(data)) as agencies:
        refused = ask(agencies, "nhso", DEMO)
    assert (refused.status, refused.reason) == (
        AgencyStatus.UNAVAILABLE,
        FailureReason.UNREACHABLE,
    )
    assert refused.message == "NHSO token: TLS verification failed"
    assert sim.stats() == {}  # the handshake failed: no request reached the agency
    data["agencies"]["ca_bundle"] = str(cert)
    with build_agencies(validate_config(data)) as agencies:
        assert ask(agencies, "nhso", DEMO).status is AgencyStatus.OK
        assert ask(agencies, "sso", DEMO).status is AgencyStatus.OK


def test_the_configured_proxy_carries_every_call(
    agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    # The simulator also answers absolute-URI requests, i.e. it can stand in for a forward
    # proxy: calls for an address where nothing listens succeed only by going through it.
    data = sim_config_data(agency_sim, tmp_path / "data")
    for table in ("nhso", "gdx"):
        data["agencies"][table]["base_url"] = "http://127.0.0.1:9"
    data["agencies"]["proxy"] = agency_sim.url
    with build_agencies(validate_config(data)) as agencies:
        assert ask(agencies, "nhso", DEMO).status is AgencyStatus.OK
        assert ask(agencies, "farmer", "1509900345677").status is AgencyStatus.OK
    assert agency_sim.stats() == {"nhso.token": 1, "nhso": 1, "gdx.token": 1, "farmer": 1}


def test_a_slow_background_probe_does_not_hold_up_a_citizens_check(
    sim_agencies: AgencySet, agency_sim: AgencySimulator
) -> None:
    sso = next(a for a in sim_agencies if a.id == "sso")
    assert ask(sim_agencies, "sso", DEMO).status is AgencyStatus.OK  # token in hand
    agency_sim.reset_stats()
    agency_sim.faults.add(parse_fault("sso=latency:1500@1"))  # only the probe is slow
    probing = threading.Thread(target=sso.probe, args=(Deadline.after(3.0),))
    probing.start()
    try:
        end = time.monotonic() + LIVENESS
        while agency_sim.stats().get("sso", 0) < 1:  # the probe is in flight
            assert time.monotonic() < end
            time.sleep(0.01)
        result = sso.check(CitizenIdentity(DEMO), Deadline.after(1.0))
    finally:
        probing.join(LIVENESS)
    assert result.status is AgencyStatus.OK
