"""NHSO as it really answers: each of its APIs and answer shapes, over real HTTP against the
simulator (`adapters.simulator.nhso`), through the adapters the kiosk builds from its config.

SRM with the token service on a host of its own, token keys in either spelling, a JWT-only
expiry, a refresh token NHSO rotates (kept across process starts, sealed in the data folder),
sparse answers; v2 with a hospital's static token; the legacy UCWS SOAP service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.base import AgencyStatus, CitizenIdentity, FailureReason
from adapters.deadline import Deadline
from adapters.gdx import GdxAdapter
from adapters.simulator import AgencySimulator, parse_fault
from adapters.simulator.nhso import NHSO_REFRESH_TOKEN, NhsoVariant
from kiosk.agencies.credentials import SealedCredentials
from kiosk.agencies.roster import build_agencies
from kiosk.agencies.snapshots import load_cache_secret
from kiosk.config import KioskConfig, validate_config
from tests.fixtures.agency_sim import sim_config_data, write_toml

DEMO = "1120100345899"  # UCS (gold card), main hospital โรงพยาบาลพระนั่งเกล้า
NOBODY = "1101400223340"  # known to no agency
LIVENESS = 30.0
Start = Callable[..., AgencySimulator]

VARIANTS = {
    "srm": NhsoVariant(),
    "srm, dash keys, JWT expiry, rotating": NhsoVariant(
        token_keys="dash", jwt_only=True, rotate=True
    ),
    "srm, sparse": NhsoVariant(sparse=True, rotate=True),
    "v2": NhsoVariant(api="v2"),
    "v2, sparse": NhsoVariant(api="v2", sparse=True),
    "ucws": NhsoVariant(api="ucws"),
}


def nhso_config(sim: AgencySimulator, root: Path) -> KioskConfig:
    data = sim_config_data(sim, root / "data")
    data["agencies"]["enabled"] = ["nhso"]
    data["kiosk"]["key_file"] = str(root / "etc" / "cache.key")
    return validate_config(data)


def ask(config: KioskConfig, cid: str) -> Any:
    """One NHSO answer, from adapters built as `kiosk run` builds them (a fresh "process")."""
    secret = load_cache_secret(config)
    credentials = SealedCredentials(config.kiosk.data_dir, secret)
    with build_agencies(config, credentials=credentials) as agencies:
        (nhso,) = agencies.adapters
        return nhso.check(CitizenIdentity(cid), Deadline.after(5.0))


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=list(VARIANTS))
def test_every_nhso_api_and_answer_shape_reads_the_right(
    start_agency_sim: Start, tmp_path: Path, variant: NhsoVariant
) -> None:
    split = {"token_host": "127.0.0.2"} if variant.api == "srm" else {}
    sim = start_agency_sim(nhso=variant, **split)
    config = nhso_config(sim, tmp_path)
    result = ask(config, DEMO)
    assert result.status is AgencyStatus.OK, result.message
    (ucs,) = result.entitlements
    assert (ucs.code, ucs.title_en) == ("UCS", "Universal Coverage (gold card)")
    assert ucs.details["hospital_main"] == "โรงพยาบาลพระนั่งเกล้า"
    assert ask(config, NOBODY).status is AgencyStatus.NOT_FOUND
    if variant.api == "srm":  # the token call went to the token host, and only there
        assert sim.stats()["nhso.token"] >= 1


def test_a_rotated_refresh_token_is_kept_for_the_next_start_until_a_new_one_is_configured(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    sim = start_agency_sim(nhso=NhsoVariant(rotate=True), token_host="127.0.0.2")
    config = nhso_config(sim, tmp_path)
    assert ask(config, DEMO).status is AgencyStatus.OK  # start 1: the configured token, rotated
    assert ask(config, DEMO).status is AgencyStatus.OK  # start 2: the kept one (the first is dead)
    assert sim.stats()["nhso.token"] == 2
    kept = list((config.kiosk.data_dir / "credentials").iterdir())
    assert [p.name for p in kept] == ["nhso.refresh_token"]
    assert NHSO_REFRESH_TOKEN.encode() not in kept[0].read_bytes()  # sealed
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
    # A deployer provisions a new token: it is used, not the kept one.
    with sim.tokens.nhso.lock:
        sim.tokens.nhso.refresh.add("a-new-token-from-nhso")
    tables = sim.agency_tables()
    tables["nhso"]["refresh_token"] = "a-new-token-from-nhso"
    data = config.model_dump(mode="json", exclude={"source"})
    data["agencies"]["nhso"] = tables["nhso"]
    renewed = validate_config(data)
    assert ask(renewed, DEMO).status is AgencyStatus.OK
    with sim.tokens.nhso.lock:
        assert "a-new-token-from-nhso" not in sim.tokens.nhso.refresh  # presented, and rotated


def test_a_refused_credential_of_each_api_is_an_auth_error(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    for variant, key in (
        (NhsoVariant(), "refresh_token"),
        (NhsoVariant(api="v2"), "bearer_token"),
        (NhsoVariant(api="ucws"), "smctoken"),
    ):
        sim = start_agency_sim(nhso=variant)
        data = sim_config_data(sim, tmp_path / variant.api)
        data["agencies"]["enabled"] = ["nhso"]
        data["agencies"]["nhso"][key] = "not-the-credential"
        result = ask(validate_config(data), DEMO)
        assert result.status is AgencyStatus.ERROR, variant
        assert result.reason is FailureReason.AUTH, variant


def test_an_expired_ucws_token_says_so(start_agency_sim: Start, tmp_path: Path) -> None:
    sim = start_agency_sim(nhso=NhsoVariant(api="ucws"))
    sim.faults.add(parse_fault("nhso=expired_token"))
    result = ask(nhso_config(sim, tmp_path), DEMO)
    assert result.reason is FailureReason.AUTH
    assert "expired" in result.message


def test_kiosk_check_reads_a_rotating_token_across_two_process_starts_on_split_hosts(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    """The issue's "done when": `kiosk check` live, twice, with the token service and the right
    search on different hosts and NHSO rotating the refresh token at each refresh."""
    sim = start_agency_sim(
        nhso=NhsoVariant(rotate=True, token_keys="dash", jwt_only=True, sparse=True),
        token_host="127.0.0.2",
    )
    data = sim_config_data(sim, tmp_path / "data")
    data["kiosk"]["key_file"] = str(tmp_path / "etc" / "cache.key")
    config_file = write_toml(tmp_path / "kiosk.toml", data)
    assert data["agencies"]["nhso"]["token_url"].startswith("http://127.0.0.2:")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    for start in (1, 2):
        run = subprocess.run(
            [sys.executable, "-m", "kiosk", "check", DEMO, "--json", "--config", str(config_file)],
            capture_output=True, text=True, timeout=LIVENESS, env=env, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        nhso = json.loads(run.stdout)["agencies"][0]
        assert (nhso["status"], nhso["source"]) == ("ok", "live"), (start, nhso["message"])
        assert nhso["entitlements"][0]["code"] == "UCS"
    assert sim.stats()["nhso.token"] == 2


# --- GDX as DGA documents it ----------------------------------------------------------------


def gdx_config(sim: AgencySimulator, root: Path, **sso: Any) -> KioskConfig:
    data = sim_config_data(sim, root / "data")
    data["agencies"]["enabled"] = ["sso"]
    if sso:
        data["agencies"]["sso"] = sso
    return validate_config(data)


def ask_sso(config: KioskConfig) -> Any:
    with build_agencies(config) as agencies:
        (sso,) = agencies.adapters
        return sso.check(CitizenIdentity(DEMO), Deadline.after(5.0))


def test_gdx_errors_in_its_own_words_are_unavailable_with_the_code_for_the_technician(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    sim = start_agency_sim()
    sim.faults.add(parse_fault("sso=gdx_error:4012"))
    result = ask_sso(gdx_config(sim, tmp_path))
    assert (result.status, result.reason) == (AgencyStatus.UNAVAILABLE, FailureReason.SERVER_ERROR)
    assert "GDX code 4012" in result.message
    assert "The service failed" not in result.message  # GDX's own words stay out


def test_a_gdx_agencys_path_and_linkage_ids_come_from_its_table(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    sim = start_agency_sim()
    moved = gdx_config(sim, tmp_path, path="/ws/sso/v2/insured")  # not what the simulator serves
    assert ask_sso(moved).status is AgencyStatus.ERROR
    linked = gdx_config(
        sim, tmp_path, query={"OfficeID": "00023", "ServiceID": "001", "Version": "01"}
    )
    with build_agencies(linked) as agencies:
        (sso,) = agencies.adapters
        assert isinstance(sso, GdxAdapter)
        assert sso.query == {"OfficeID": "00023", "ServiceID": "001", "Version": "01"}
        assert sso.check(CitizenIdentity(DEMO), Deadline.after(5.0)).status is AgencyStatus.OK


def doctor_nhso(config_file: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    run = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--json", "--config", str(config_file)],
        capture_output=True, text=True, timeout=LIVENESS, env=env, check=False,
    )  # fmt: skip
    finding: dict[str, Any] = next(
        c for c in json.loads(run.stdout)["checks"] if c["check"] == "agency.nhso"
    )
    return finding


def test_kiosk_doctor_names_the_nhso_api_and_a_refresh_token_nhso_refused(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    sim = start_agency_sim(nhso=NhsoVariant(rotate=True))
    data = sim_config_data(sim, tmp_path / "data")
    data["agencies"]["enabled"] = ["nhso"]
    data["kiosk"]["key_file"] = str(tmp_path / "etc" / "cache.key")
    config_file = write_toml(tmp_path / "kiosk.toml", data)
    healthy = doctor_nhso(config_file)
    assert healthy["verdict"] == "ok"
    assert "(srm API)" in healthy["cause"]
    assert "agencies.nhso.refresh_token" in healthy["cause"]
    # NHSO rotated the token away (another kiosk used the same one): the next refresh is refused.
    with sim.tokens.nhso.lock:
        sim.tokens.nhso.refresh.clear()
    assert ask(validate_config(data), DEMO).reason is FailureReason.AUTH
    refused = doctor_nhso(config_file)
    assert refused["verdict"] == "fail"
    assert "refused the refresh token" in refused["cause"]
    assert "docs/agencies.md" in refused["fix"]
    assert NHSO_REFRESH_TOKEN not in json.dumps(refused)


def test_another_process_that_rotated_the_token_meanwhile_does_not_lock_the_kiosk_out(
    start_agency_sim: Start, tmp_path: Path
) -> None:
    """The kiosk runs; a technician's `kiosk check` on the same kiosk (same data folder) refreshes
    and NHSO rotates the token. The kiosk's next refresh must take the kept newer token, not
    present its own retired one and then record that one as refused over the newer one."""
    sim = start_agency_sim(nhso=NhsoVariant(rotate=True), token_host="127.0.0.2")
    config = nhso_config(sim, tmp_path)
    secret = load_cache_secret(config)
    running = build_agencies(config, credentials=SealedCredentials(config.kiosk.data_dir, secret))
    try:
        (kiosk_nhso,) = running.adapters
        assert kiosk_nhso.check(CitizenIdentity(DEMO), Deadline.after(5)).status is AgencyStatus.OK
        assert ask(config, DEMO).status is AgencyStatus.OK  # the other process rotates it
        sim.faults.add(parse_fault("nhso=expired_token@1"))  # the kiosk's access token dies
        again = kiosk_nhso.check(CitizenIdentity(DEMO), Deadline.after(5))
        assert again.status is AgencyStatus.OK, again.message
    finally:
        running.close()
    assert ask(config, DEMO).status is AgencyStatus.OK  # and the kept token still works
