"""`kiosk doctor` as a real process against the real stack: pcscd with vpcd and a virtual card,
the agency simulator over HTTP, real files. First a healthy kiosk (exit 0), then one part broken
at a time: no PIN, a broken config, a data folder the kiosk's user cannot write (for real, as
`nobody`), the simulator down, an agency that hangs, pcscd stopped (only a pcscd this run
started). Exit 1 whenever a check fails, with the report on stdout; exit 2 only for usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.simulator import AgencySimulator, parse_fault
from cardreader.pcscd_process import VPCD_READERS, PcscdService
from kiosk.pin import write_pin
from tests.fixtures import kiosk_user
from tests.fixtures.agency_sim import write_toml

LIVENESS_S = 60.0  # a doctor run takes ~1 s (3 s with a hanging agency): this bounds a hang
KEY_HEX = "5a" * 32
EVERY_CHECK = {
    "config",
    "data_dir",
    "disk",
    "key_file",
    "pin",
    "cache",
    "pcscd",
    "readers",
    "fonts",
    "printer",
    "metrics",
    "ca_bundle",
    "proxy",
    "demo",
    "clock",
    "services.definitions",
    "services",
    *(f"agency.{a}" for a in ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")),
}


class Kiosk:
    """A provisioned kiosk in a folder: config, data folder, key file and (optionally) PIN."""

    def __init__(self, root: Path, sim: AgencySimulator, *, timeout_s: float = 2.0) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.key_file = root / "etc" / "cache.key"
        self.pin_file = root / "etc" / "maintenance.pin"
        self.config = root / "kiosk.toml"
        self.sim = sim
        self.timeout_s = timeout_s
        self.data_dir.mkdir()
        self.key_file.parent.mkdir()
        self.key_file.write_text(KEY_HEX + "\n")
        self.key_file.chmod(0o600)
        self.write_config()

    def write_config(self, **sections: dict[str, Any]) -> None:
        write_toml(
            self.config,
            {
                "kiosk": {
                    "id": "doctor-test",
                    "data_dir": str(self.data_dir),
                    "key_file": str(self.key_file),
                },
                "maintenance": {"pin_file": str(self.pin_file)},
                "agencies": {"timeout_s": self.timeout_s, **self.sim.agency_tables()},
                **sections,
            },
        )

    def set_pin(self) -> None:
        write_pin(self.pin_file, "482913")

    def doctor(self, *extra: str, as_kiosk_user: bool = False) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "kiosk", "doctor", "--config", str(self.config), *extra]
        if as_kiosk_user:
            command = kiosk_user.as_kiosk_user(command)
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=LIVENESS_S,
            env={k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")},
            cwd=self.root,
            check=False,
        )


def report(run: subprocess.CompletedProcess[str], exit_code: int) -> dict[str, Any]:
    """The JSON report of a run that ended with `exit_code`, checked for shape."""
    assert run.returncode == exit_code, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    doc: dict[str, Any] = json.loads(run.stdout)
    local = {c for c in EVERY_CHECK if not c.startswith(("agency.", "services"))} - {
        "demo",
        "clock",
    }
    assert {c["check"] for c in doc["checks"]} >= local
    for check in doc["checks"]:
        assert check["verdict"] in ("ok", "warn", "fail")
        assert check["cause"]
        assert check["fix"] or check["verdict"] == "ok"
    assert doc["verdict"] == ("fail" if exit_code == 1 else doc["verdict"])
    return doc


def verdicts(doc: dict[str, Any]) -> dict[str, str]:
    return {c["check"]: c["verdict"] for c in doc["checks"]}


def check(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in doc["checks"] if c["check"] == name)
    return found


@pytest.fixture
def kiosk(agency_sim: AgencySimulator, tmp_path: Path) -> Kiosk:
    return Kiosk(tmp_path, agency_sim)


@pytest.mark.usefixtures("empty_readers")
def test_healthy_kiosk_passes_with_every_check_reported(
    kiosk: Kiosk, virtual_cards: Callable[..., Any]
) -> None:
    kiosk.set_pin()
    card = virtual_cards("standard", slot=1)
    doc = report(kiosk.doctor("--json"), 0)
    assert {c["check"] for c in doc["checks"]} == EVERY_CHECK
    found = verdicts(doc)
    # A simulator on loopback is DEMO mode: worth a warning, not a failure.
    assert found.pop("demo") == "warn"
    assert set(found.values()) == {"ok"}, found
    readers = {r["reader"]: r["card"] for r in check(doc, "readers")["details"]["readers"]}
    assert readers[VPCD_READERS[1]] is True
    assert readers[VPCD_READERS[0]] is False
    assert doc["kiosk_id"] == "doctor-test"
    assert doc["config_file"] == str(kiosk.config)
    assert check(doc, "clock")["details"]["servers"] == 7
    card.remove()
    # The write probe left nothing behind; the run is summed up in the kiosk's log.
    files = sorted(str(p.relative_to(kiosk.data_dir)) for p in kiosk.data_dir.rglob("*"))
    assert files == ["logs", "logs/kiosk.log"]
    log_text = (kiosk.data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in log_text.splitlines()]
    assert lines[-1]["logger"] == "kiosk.doctor"
    assert lines[-1]["msg"].startswith("doctor: 23 ok, 1 warn, 0 fail")


@pytest.mark.usefixtures("pcscd")
def test_no_pin_fails_the_doctor_saying_maintenance_is_disabled(kiosk: Kiosk) -> None:
    doc = report(kiosk.doctor("--json"), 1)
    failing = {c["check"]: c["cause"] for c in doc["checks"] if c["verdict"] == "fail"}
    assert set(failing) == {"pin"}, failing
    assert "maintenance entry is disabled" in check(doc, "pin")["cause"]


@pytest.mark.usefixtures("pcscd")
def test_text_report_says_the_same_with_exit_1(kiosk: Kiosk) -> None:
    run = kiosk.doctor()
    assert run.returncode == 1
    assert "FAIL  Maintenance PIN" in run.stdout
    assert "fix: set one: `kiosk set-pin`" in run.stdout
    assert "1 failing" in run.stdout
    assert run.stderr == ""


@pytest.mark.usefixtures("pcscd")
def test_broken_config_is_a_failing_check_and_the_rest_still_runs(kiosk: Kiosk) -> None:
    kiosk.set_pin()
    kiosk.write_config(ui={"idle_s": "soon"})
    doc = report(kiosk.doctor("--json"), 1)
    config = check(doc, "config")
    assert config["verdict"] == "fail"
    assert "ui.idle_s" in config["cause"]
    found = verdicts(doc)
    assert found["pcscd"] == "ok"
    assert found["fonts"] == "ok"
    assert found["agencies"] == "warn"  # not checked without a usable config


@pytest.mark.usefixtures("pcscd")
def test_missing_agency_credential_names_the_key(kiosk: Kiosk) -> None:
    kiosk.set_pin()
    tables = kiosk.sim.agency_tables()
    del tables["nhso"]["refresh_token"]
    write_toml(
        kiosk.config,
        {
            "kiosk": {"data_dir": str(kiosk.data_dir), "key_file": str(kiosk.key_file)},
            "maintenance": {"pin_file": str(kiosk.pin_file)},
            "agencies": tables,
        },
    )
    doc = report(kiosk.doctor("--json"), 1)
    assert "agencies.nhso.refresh_token: is required" in check(doc, "config")["cause"]
    assert "sim-consumer-secret" not in json.dumps(doc)


def test_services_left_out_are_named_with_their_file_and_key(kiosk: Kiosk) -> None:
    folder = kiosk.root / "services"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "x_y"\nkind = "record"\n', encoding="utf-8")
    tables = kiosk.sim.agency_tables()
    del tables["nhso_records"]
    kiosk.write_config()
    write_toml(
        kiosk.config,
        {
            "kiosk": {"data_dir": str(kiosk.data_dir), "key_file": str(kiosk.key_file)},
            "agencies": {"timeout_s": 2.0, "services_dir": str(folder), **tables},
        },
    )
    run = kiosk.doctor("--json")
    doc = report(run, run.returncode)
    definitions = check(doc, "services.definitions")
    assert definitions["verdict"] == "warn"
    assert definitions["details"]["left_out"] == [
        f"{folder / 'broken.toml'}: contract: is required"
    ]
    unready = check(doc, "services.config")
    assert unready["verdict"] == "warn"
    nhso_records = ("nhso_disability", "nhso_disability_equipment", "nhso_rehabilitation")
    missing = "agencies.nhso_records.base_url: is required"
    assert unready["details"]["unready"] == dict.fromkeys(nhso_records, missing)
    probes = check(doc, "services")
    assert probes["verdict"] == "ok"
    assert len(probes["details"]["latency_ms"]) == 12  # 15 built-in record services, 3 not set up
    kiosk.sim.faults.add(parse_fault("traffic_tickets=status:503"))
    run = kiosk.doctor("--json")
    down = check(report(run, run.returncode), "services")
    assert down["verdict"] == "warn"
    assert set(down["details"]["down"]) == {"traffic_tickets"}


@kiosk_user.needs_root
def test_data_dir_the_kiosk_user_cannot_write_fails_for_real(
    agency_sim: AgencySimulator, kiosk_user_root: Path
) -> None:
    kiosk = Kiosk(kiosk_user_root, agency_sim)
    kiosk.set_pin()
    # The kiosk's user (here: nobody) owns its key and PIN, but not the data folder.
    kiosk_user.give_to_kiosk_user(kiosk.key_file.parent, kiosk.key_file, kiosk.pin_file)
    kiosk.data_dir.chmod(0o755)
    doc = report(kiosk.doctor("--json", as_kiosk_user=True), 1)
    data_dir = check(doc, "data_dir")
    assert data_dir["verdict"] == "fail"
    assert "cannot be written" in data_dir["cause"]
    assert "chown" in data_dir["fix"]
    assert doc["run_as"] == "nobody"
    found = verdicts(doc)
    assert found["key_file"] == "ok"
    assert found["pin"] == "ok"
    assert list(kiosk.data_dir.iterdir()) == []


@pytest.mark.usefixtures("pcscd")
def test_simulator_down_fails_every_agency_and_the_clock_is_not_checked(kiosk: Kiosk) -> None:
    kiosk.set_pin()
    kiosk.sim.stop()
    doc = report(kiosk.doctor("--json"), 1)
    found = verdicts(doc)
    agencies = {k: v for k, v in found.items() if k.startswith("agency.")}
    assert set(agencies.values()) == {"fail"}
    assert (
        "could not" in check(doc, "agency.nhso")["cause"]
        or "connection" in (check(doc, "agency.nhso")["cause"])
    )
    assert found["clock"] == "warn"
    assert {k for k, v in found.items() if v == "fail"} == set(agencies)


@pytest.mark.usefixtures("pcscd")
def test_a_hanging_agency_costs_one_deadline_and_fails_only_itself(kiosk: Kiosk) -> None:
    kiosk.set_pin()
    kiosk.sim.faults.add(parse_fault("gdx=hang"))
    doc = report(kiosk.doctor("--json"), 1)
    found = verdicts(doc)
    assert found["agency.nhso"] == "ok"
    for agency in ("sso", "welfare", "elderly", "disability", "cgd", "farmer"):
        assert found[f"agency.{agency}"] == "fail"
        assert "no answer in time" in check(doc, f"agency.{agency}")["cause"]
    assert found["clock"] == "ok"  # NHSO's Date header is enough


def test_usage_error_exits_2_with_nothing_on_stdout(kiosk: Kiosk) -> None:
    run = kiosk.doctor("--no-such-option")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1


@pytest.mark.pcscd_owner
def test_pcscd_stopped_fails_pcscd_and_leaves_readers_unchecked(
    pcscd_owned: PcscdService, kiosk: Kiosk
) -> None:
    kiosk.set_pin()
    pcscd_owned.stop()
    doc = report(kiosk.doctor("--json"), 1)
    found = verdicts(doc)
    assert found["pcscd"] == "fail"
    assert "not running" in check(doc, "pcscd")["cause"]
    assert found["readers"] == "warn"
    assert {k for k, v in found.items() if v == "fail"} == {"pcscd"}


DEMO_CID = "1120100345899"  # the simulator's demo citizen (card profile demo.json)
DEMO_PERSONAL = (DEMO_CID, "1-1201-00345-89-9", "พรทิพย์", "สุขใจ", "Pornthip", "Sukjai")


@pytest.mark.usefixtures("pcscd")
def test_no_file_names_the_citizen_after_a_check_and_a_doctor_run(kiosk: Kiosk) -> None:
    kiosk.set_pin()
    kiosk.sim.faults.add(parse_fault("sso=status:503@2"))  # a failure, so warnings get logged
    checked = subprocess.run(
        [sys.executable, "-m", "kiosk", "check", DEMO_CID, "--config", str(kiosk.config)],
        capture_output=True,
        text=True,
        timeout=LIVENESS_S,
        env={k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")},
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    doctor = kiosk.doctor("--json")
    assert doctor.returncode in (0, 1), doctor.stderr  # the verdicts are not the point here
    assert json.loads(doctor.stdout)["kiosk_id"] == "doctor-test"
    files = [p for p in kiosk.root.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"kiosk.log", "audit.log", "cache.db"} <= names
    for path in files:
        data = path.read_bytes()
        for personal in DEMO_PERSONAL:
            assert personal.encode() not in data, f"{personal!r} found in {path.name}"
    for text in (doctor.stdout, doctor.stderr, checked.stderr):
        for personal in DEMO_PERSONAL:
            assert personal not in text
