"""What the doctor checks, in which order, and how long each check may take.

The configuration is read first (a broken one is a failing finding, and the rest runs on the
defaults, as `kiosk run` does). Then every other check becomes a `Probe`: the Qt checks on the
main thread, the others on threads of their own, so the whole run takes about as long as the
slowest probe (an agency's deadline), not the sum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import ConfigError, KioskConfig
from kiosk.doctor.card import PCSCD_TITLE, READERS_TITLE, check_card_service
from kiosk.doctor.files import (
    ConfigCheck,
    check_cache,
    check_config,
    check_data_dir,
    check_disk,
    check_key_file,
    check_metrics,
    check_pin,
    config_with_agencies_problem,
)
from kiosk.doctor.findings import Finding, fail, warn
from kiosk.doctor.probes import Probe

if TYPE_CHECKING:
    from adapters.factory import CredentialStore
    from kiosk.agencies.roster import AgencySet

MAX_PROBE_S = 5.0  # an agency probe never takes the doctor longer than this
LOCAL_LIMIT_S = 5.0  # files and the disk: instant, unless the disk itself hangs
CACHE_LIMIT_S = 8.0  # opening the database may wait out another process's lock (2 s busy timeout)
PCSC_LIMIT_S = 5.0  # pcscd answers at once, or is stuck
SCREEN_LIMIT_S = 30.0  # runs on the main thread: reported, not enforced


@dataclass
class DoctorPlan:
    """The config finding and the probes to run; `close()` releases the agencies' sessions."""

    check: ConfigCheck
    probes: list[Probe]
    agencies: AgencySet | None = None

    @property
    def config(self) -> KioskConfig:
        """The configuration the checks run on (the defaults when the file is broken)."""
        return self.check.config

    @property
    def config_finding(self) -> Finding:
        """The finding about the configuration."""
        return self.check.finding

    def close(self) -> None:
        """Close the adapters built for the probes (their HTTP sessions)."""
        if self.agencies is not None:
            self.agencies.close()
            self.agencies = None


def plan_checks(
    config_file: str | Path | None,
    *,
    environ: Mapping[str, str] | None = None,
    screen: bool = True,
    probe_timeout_s: float | None = None,
) -> DoctorPlan:
    """Read the configuration and lay out every other check."""
    check = check_config(config_file, environ)
    agencies: AgencySet | None = None
    if check.usable:
        from kiosk.agencies.roster import build_agencies

        try:
            agencies = build_agencies(check.config, credentials=_kept_credentials(check.config))
        except ConfigError as exc:
            check = config_with_agencies_problem(check, str(exc))
    config = check.config
    kiosk = config.kiosk
    probes = [
        _local("data_dir", "Data folder", lambda: [check_data_dir(kiosk.data_dir)]),
        _local("disk", "Disk space", lambda: [check_disk(kiosk.data_dir)]),
        _local(
            "key_file", "Cache key file", lambda: [check_key_file(kiosk.key_file, kiosk.data_dir)]
        ),
        _local("pin", "Maintenance PIN", lambda: [check_pin(config.maintenance.pin_file)]),
        Probe(
            ("cache",),
            "Offline cache",
            lambda: [check_cache(config)],
            CACHE_LIMIT_S,
            fix="another process holds the cache database, or the disk hangs: try again; "
            "`kiosk cache stats` shows more",
        ),
        Probe(
            ("pcscd", "readers"),
            f"{PCSCD_TITLE} / {READERS_TITLE}",
            check_card_service,
            PCSC_LIMIT_S,
            fix="pcscd does not answer: restart it (`systemctl restart pcscd`)",
        ),
    ]
    if screen:
        from kiosk.doctor.screen import check_screen

        probes.append(
            Probe(
                ("fonts", "printer"),
                "Fonts / slip printer",
                lambda: check_screen(config.printer.name),
                SCREEN_LIMIT_S,
                on_main_thread=True,
            )
        )
    probes.append(
        _local("metrics", "Metrics endpoint", lambda: [check_metrics(config.metrics.listen)])
    )
    probes.extend(_agency_probes(check, agencies, probe_timeout_s))
    return DoctorPlan(check, probes, agencies)


def _kept_credentials(config: KioskConfig) -> CredentialStore | None:
    """The credentials the kiosk keeps (NHSO's rotated token), read-only: the doctor never
    creates the key file, and never calls a token service (that would rotate the token)."""
    from kiosk.agencies.credentials import SealedCredentials
    from offline_cache import KeyFileError, load_or_create_secret

    if not config.kiosk.key_file.is_file():
        return None
    try:
        secret = load_or_create_secret(config.kiosk.key_file)
    except KeyFileError:
        return None  # the key_file finding says why
    return SealedCredentials(config.kiosk.data_dir, secret)


def _local(check: str, title: str, run: Callable[[], Sequence[Finding]]) -> Probe:
    return Probe((check,), title, run, LOCAL_LIMIT_S)


def _agency_probes(
    check: ConfigCheck, agencies: AgencySet | None, probe_timeout_s: float | None
) -> list[Probe]:
    from kiosk.doctor.agencies import (
        agency_findings,
        check_ca_bundle,
        check_demo,
        check_proxy,
        clock_finding,
        probe_agencies,
    )

    section = check.config.agencies
    probes = [
        _local("ca_bundle", "TLS certificate authorities", lambda: [check_ca_bundle(section)]),
        _local("proxy", "Proxy", lambda: [check_proxy(section)]),
    ]
    if agencies is None:
        skipped = "not checked: the configuration cannot be used (see config)"
        probes.append(
            _local(
                "agencies",
                "Agencies",
                lambda: [
                    warn("agencies", "Agencies", skipped, "fix the configuration first"),
                    warn("clock", "Clock", skipped, "fix the configuration first"),
                ],
            )
        )
        return probes
    timeout_s = probe_timeout_s or min(section.timeout_s, MAX_PROBE_S)
    adapters = agencies.adapters
    names = {a.id: a.name_en for a in adapters}
    reports = {a.id: report for a in adapters if (report := a.credentials()) is not None}

    def run() -> list[Finding]:
        outcomes = probe_agencies(adapters, timeout_s)
        found = agency_findings(outcomes, names, reports)
        return [check_demo(section), *found, clock_finding(outcomes)]

    ids = ("demo", *(f"agency.{a.id}" for a in adapters), "clock")
    config = check.config

    def run_services() -> list[Finding]:
        from kiosk.doctor.services import check_services

        return check_services(config, agencies, timeout_s)

    probes.append(
        Probe(
            ("services.definitions", "services.config", "services"),
            "Services",
            run_services,
            timeout_s + 2.0,
            fix="check the network and the services' addresses",
        )
    )
    probes.append(
        Probe(
            ids,
            "Agencies",
            run,
            timeout_s + 2.0,
            fix="check the network and the proxy; the kiosk answers from the offline cache",
        )
    )
    if not adapters:
        probes[-1] = _local(
            "agencies",
            "Agencies",
            lambda: [fail("agencies", "Agencies", "no agency is enabled", "set agencies.enabled")],
        )
    return probes
