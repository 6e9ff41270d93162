"""The doctor's agency checks: CA bundle, proxy, each agency's endpoint, and the clock.

Each enabled adapter's health probe (`AgencyAdapter.probe`: no citizen, no credentials) runs on
a thread of its own, all in parallel, each within one deadline, so a hanging agency costs the
doctor that deadline once. The probes' HTTP `Date` headers tell how far this kiosk's clock is
from the agencies' (tokens, TLS and the `as_of` of every answer depend on it).
"""

from __future__ import annotations

import socket
import ssl
import statistics
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from adapters.base import CredentialReport, HealthProbe
from adapters.deadline import Deadline
from kiosk.config import AgenciesSection, ConfigError, is_loopback_host
from kiosk.doctor.findings import Finding, fail, ok, warn

CLOCK_WARN_S = 120.0  # tokens and TLS tolerate a little; the `as_of` shown to citizens less so
CLOCK_FAIL_S = 300.0
PROXY_CONNECT_S = 2.0
JOIN_GRACE_S = 0.5  # beyond the deadline, for a probe thread to notice and return


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """One agency's probe and when (on this kiosk's clock) its answer came."""

    agency: str
    probe: HealthProbe
    received_at: datetime


def check_ca_bundle(agencies: AgenciesSection) -> Finding:
    """`agencies.ca_bundle`: unset (certifi's bundle), or a readable PEM file of CAs."""
    title = "TLS certificate authorities"
    bundle = agencies.ca_bundle
    if bundle is None:
        return ok("ca_bundle", title, "the CA bundle shipped with the kiosk (certifi) is used")
    fix = f"point agencies.ca_bundle at a readable PEM file of CA certificates (now {bundle})"
    try:
        context = ssl.create_default_context(cafile=str(bundle))
    except FileNotFoundError:
        return fail("ca_bundle", title, f"{bundle} does not exist: no agency can be verified", fix)
    except PermissionError:
        return fail("ca_bundle", title, f"{bundle} cannot be read by this user", fix)
    except (ssl.SSLError, OSError, ValueError) as exc:
        return fail(
            "ca_bundle", title, f"{bundle} holds no usable certificate ({type(exc).__name__})", fix
        )
    count = context.cert_store_stats().get("x509_ca", 0)
    if count == 0:
        return fail("ca_bundle", title, f"{bundle} holds no CA certificate", fix)
    return ok("ca_bundle", title, f"{bundle}: {count} CA certificates", path=str(bundle))


def proxy_address(proxy: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a proxy URL, without any user or password; None if malformed."""
    parts = urlsplit(proxy)
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    default = 443 if parts.scheme == "https" else 1080 if parts.scheme.startswith("socks") else 80
    return parts.scheme, parts.hostname, port or default


def check_proxy(agencies: AgenciesSection, connect_s: float = PROXY_CONNECT_S) -> Finding:
    """`agencies.proxy`: unset (direct), or a proxy that accepts a TCP connection."""
    title = "Proxy"
    if not agencies.proxy:
        return ok("proxy", title, "no proxy: agencies are called directly")
    address = proxy_address(agencies.proxy)
    if address is None:
        return fail(
            "proxy",
            title,
            "agencies.proxy is not a URL of the form http://[user:pass@]host:port",
            "correct agencies.proxy",
        )
    scheme, host, port = address
    shown = f"{scheme}://{host}:{port}"  # never the user or password
    try:
        with socket.create_connection((host, port), timeout=connect_s):
            pass
    except OSError as exc:
        why = "no answer in time" if isinstance(exc, TimeoutError) else (exc.strerror or "failed")
        return fail(
            "proxy",
            title,
            f"the proxy {shown} cannot be reached ({why}): every agency call fails",
            "check the proxy's address and that it runs; ask the site's network staff",
            proxy=shown,
        )
    return ok("proxy", title, f"agency calls go through {shown}, which accepts connections",
              proxy=shown)  # fmt: skip


def check_demo(agencies: AgenciesSection) -> Finding:
    """Warn when an enabled agency points at a loopback address (a simulator): DEMO mode."""
    title = "Agency addresses"
    looped = []
    for name in (*agencies.enabled, "gdx"):
        try:
            base_url = agencies.section(name).base_url
        except ConfigError:
            continue
        if base_url and is_loopback_host(urlsplit(base_url).hostname or ""):
            looped.append(name)
    if looped:
        return warn(
            "demo",
            title,
            f"{', '.join(looped)} point at this machine (a simulator): the screen shows DEMO and "
            "no real agency is asked",
            "set agencies.<id>.base_url to the agencies' https:// addresses for service",
            loopback=sorted(looped),
        )
    return ok("demo", title, "every agency points at a remote address")


class Probed(Protocol):
    """What the doctor probes: an agency's adapter or a record service."""

    id: str

    def probe(self, deadline: Deadline) -> HealthProbe:
        """Whether its endpoint answers (no citizen)."""


def probe_agencies(adapters: Sequence[Probed], timeout_s: float) -> list[ProbeOutcome]:
    """Probe every adapter (or record service) in parallel within one deadline; one outcome
    each, in order."""
    deadline = Deadline.after(timeout_s)
    outcomes: dict[str, ProbeOutcome] = {}
    lock = threading.Lock()

    def probe(adapter: Probed) -> None:
        try:
            found = adapter.probe(deadline)
        except Exception as exc:  # noqa: BLE001 - a plug-in's probe must not stop the doctor
            found = HealthProbe(False, None, f"the probe failed ({type(exc).__name__})")
        with lock:
            outcomes[adapter.id] = ProbeOutcome(adapter.id, found, datetime.now(UTC))

    threads = [
        threading.Thread(target=probe, args=(a,), name=f"doctor-probe-{a.id}", daemon=True)
        for a in adapters
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline.remaining() + JOIN_GRACE_S)
    with lock:
        return [
            outcomes.get(a.id)
            or ProbeOutcome(
                a.id, HealthProbe(False, None, "the probe did not finish"), datetime.now(UTC)
            )
            for a in adapters
        ]


def agency_fix(detail: str) -> str:
    """What a technician can do about a failed probe, from its plain-English detail."""
    text = detail.lower()
    if "tls" in text:
        return (
            "the agency's certificate is not trusted: check agencies.ca_bundle and this kiosk's "
            "clock (see ca_bundle, clock)"
        )
    if "in time" in text or "did not finish" in text:
        return (
            "the agency is slow or packets are dropped: check the network and the proxy; the "
            "kiosk answers from the offline cache meanwhile"
        )
    if "server error" in text:
        return "the agency's service has a fault: call its help desk; the cache answers meanwhile"
    return (
        "check the network cable or Wi-Fi, DNS, the proxy and the agency's base_url; the kiosk "
        "answers from the offline cache meanwhile"
    )


def agency_findings(
    outcomes: Sequence[ProbeOutcome],
    names: Mapping[str, str],
    reports: Mapping[str, CredentialReport] | None = None,
) -> list[Finding]:
    """One finding per agency: answered (with latency) or not (with why and a fix), and what
    its adapter says of its credentials (the API spoken; a credential the agency refused)."""
    findings = []
    for outcome in outcomes:
        title = f"Agency {outcome.agency}"
        name = names.get(outcome.agency, outcome.agency)
        probe = outcome.probe
        check = f"agency.{outcome.agency}"
        report = (reports or {}).get(outcome.agency)
        said = f"; {report.summary} ({report.api} API)" if report else ""
        if report is not None and report.refused:
            findings.append(
                fail(
                    check,
                    title,
                    f"{name}: {report.summary} ({report.api} API)",
                    f"ask {name} for a new credential and set it in [agencies.{outcome.agency}] "
                    "(docs/agencies.md says who issues it)",
                    api=report.api,
                )
            )
        elif probe.ok:
            latency_ms = round((probe.latency_s or 0.0) * 1000)
            extra = {"api": report.api} if report else {}
            findings.append(
                ok(check, title, f"{name} answers ({latency_ms} ms){said}",
                   latency_ms=latency_ms, **extra)
            )  # fmt: skip
        else:
            detail = probe.detail or "no answer"
            findings.append(
                fail(
                    check,
                    title,
                    f"{name} does not answer: {detail}",
                    agency_fix(detail),
                    detail=detail,
                )
            )
    return findings


def clock_finding(outcomes: Sequence[ProbeOutcome]) -> Finding:
    """How far this kiosk's clock is from the agencies' `Date` headers (the median of them)."""
    title = "Clock"
    skews = [
        (o.received_at - o.probe.server_date).total_seconds()
        for o in outcomes
        if o.probe.server_date is not None
    ]
    fix = (
        "turn on time synchronisation: `timedatectl set-ntp true` (systemd-timesyncd), and "
        "check `timedatectl status`"
    )
    if not skews:
        return warn(
            "clock",
            title,
            "not checked: no agency answered with a Date header",
            "check the agencies first; `timedatectl status` shows whether the clock is synced",
        )
    skew = statistics.median(skews)
    words = f"{_duration(abs(skew))} {'ahead of' if skew > 0 else 'behind'} the agencies' servers"
    details = {"skew_s": round(skew, 1), "servers": len(skews)}
    if abs(skew) > CLOCK_FAIL_S:
        return fail(
            "clock",
            title,
            f"this kiosk's clock is {words}: tokens, TLS and the dates shown to citizens go wrong",
            fix,
            **details,
        )
    if abs(skew) > CLOCK_WARN_S:
        return warn("clock", title, f"this kiosk's clock is {words}", fix, **details)
    # `Date` has whole seconds: closer than a second cannot be told apart.
    within = _duration(max(abs(skew), 1.0))
    return ok("clock", title, f"within {within} of the agencies' servers", **details)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
