"""`kiosk doctor`: every check a technician needs, each a verdict with a plain cause and a fix.

A check yields `Finding`s (ok / warn / fail, one sentence of cause, one of fix, and a few
details); `run_doctor` runs them all and returns a `DoctorReport`. Nothing here prints: the
command line (`kiosk.cli.ops_cmds`) and maintenance mode (`kiosk.maintenance.status`) present the
same data.

A broken configuration is a failing check, not a crash: the other checks then run on the
defaults, which is what `kiosk run` does with a broken file. Every probe is bounded in time
(checks that wait on something else — pcscd, the agencies, the cache database — run on threads
of their own with a time limit), so the doctor answers within a few seconds even when an agency
hangs or pcscd is stuck. No finding carries personal data: the doctor never reads a card or
asks about a citizen.
"""

from __future__ import annotations

import os
import pwd
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.doctor.findings import Finding, Verdict, worst
from kiosk.doctor.plan import plan_checks
from kiosk.doctor.probes import run_probes


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """Every finding of one doctor run, in a fixed order, with who and what was checked."""

    kiosk_id: str
    version: str
    checked_at: datetime
    config_file: str | None
    run_as: str
    findings: tuple[Finding, ...]
    elapsed_s: float

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of all findings."""
        return worst([f.verdict for f in self.findings])

    @property
    def failed(self) -> tuple[Finding, ...]:
        """The failing findings."""
        return tuple(f for f in self.findings if f.verdict is Verdict.FAIL)

    def finding(self, check: str) -> Finding:
        """The finding of one check id."""
        for found in self.findings:
            if found.check == check:
                return found
        raise KeyError(check)

    def counts(self) -> dict[str, int]:
        """How many findings of each verdict."""
        return {v.value: sum(1 for f in self.findings if f.verdict is v) for v in Verdict}

    def to_json(self) -> dict[str, Any]:
        """The `kiosk doctor --json` document."""
        return {
            "kiosk_id": self.kiosk_id,
            "version": self.version,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "config_file": self.config_file,
            "run_as": self.run_as,
            "verdict": self.verdict.value,
            "counts": self.counts(),
            "elapsed_s": round(self.elapsed_s, 3),
            "checks": [f.to_json() for f in self.findings],
        }


def effective_user() -> str:
    """The name of the user the doctor runs as (permissions are checked for this user)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def run_doctor(
    config_file: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    screen: bool = True,
    probe_timeout_s: float | None = None,
) -> DoctorReport:
    """Run every check and return the report (blocking; a few seconds at most).

    `screen` False skips the Qt checks (fonts, printer); with them, call it on the main thread
    (Qt's rule for its application object). `probe_timeout_s` bounds each agency probe
    (default: `agencies.timeout_s`, at most `kiosk.doctor.plan.MAX_PROBE_S`).
    """
    started = time.monotonic()
    checked_at = datetime.now(UTC).astimezone()
    plan = plan_checks(config_file, environ=environ, screen=screen, probe_timeout_s=probe_timeout_s)
    try:
        findings = [plan.config_finding, *run_probes(plan.probes)]
    finally:
        plan.close()
    return DoctorReport(
        kiosk_id=plan.config.kiosk.id,
        version=__version__,
        checked_at=checked_at,
        config_file=str(plan.check.path),
        run_as=effective_user(),
        findings=tuple(findings),
        elapsed_s=time.monotonic() - started,
    )
