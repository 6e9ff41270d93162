"""The doctor's look at the menu's services: definition files left out, record services whose
configuration is incomplete, and each record service's endpoint, probed in parallel within one
deadline (no citizen, no credential), as the agencies are."""

from __future__ import annotations

from kiosk.agencies.roster import AgencySet, adapter_settings
from kiosk.config import KioskConfig
from kiosk.doctor.agencies import probe_agencies
from kiosk.doctor.findings import Finding, ok, warn
from kiosk.records.catalogue import load_catalogue
from kiosk.records.desk import RecordDesk

TITLE = "Services"


def check_services(config: KioskConfig, agencies: AgencySet, timeout_s: float) -> list[Finding]:
    """Findings `services.definitions`, `services.config` and `services` (the probes)."""
    catalogue = load_catalogue(config)
    desk = RecordDesk.build(
        catalogue, lambda service_id: adapter_settings(config, service_id), agencies.context
    )
    try:
        outcomes = probe_agencies(desk.ready(), timeout_s)
    finally:
        desk.close()
    found: list[Finding] = []
    left_out = [str(p) for p in catalogue.problems]
    if left_out:
        found.append(
            warn(
                "services.definitions",
                "Service definitions",
                f"{len(left_out)} definition file(s) left out of the menu: {left_out[0]}",
                "correct the file (docs/services.md, 'A definition, key by key') or remove it",
                left_out=left_out,
            )
        )
    else:
        folder = config.agencies.services_dir
        where = f", {folder} included" if folder else ""
        found.append(
            ok(
                "services.definitions",
                "Service definitions",
                f"{len(catalogue.entries)} services on the menu{where}",
                services=catalogue.ids(),
            )
        )
    if desk.unready:
        first, problem = next(iter(desk.unready.items()))
        found.append(
            warn(
                "services.config",
                "Record services' configuration",
                f"{len(desk.unready)} record service(s) left off the menu, e.g. {first}: {problem}",
                "add the missing keys to the configuration (README, 'Configuration')",
                unready=dict(desk.unready),
            )
        )
    down = [o for o in outcomes if not o.probe.ok]
    latencies = {
        o.agency: round(o.probe.latency_s * 1000, 1) if o.probe.latency_s is not None else None
        for o in outcomes
    }
    if down:
        first_down = down[0]
        found.append(
            warn(
                "services",
                "Record services",
                f"{len(down)} of {len(outcomes)} record services do not answer, e.g. "
                f"{first_down.agency}: {first_down.probe.detail}",
                "check the network and the services' addresses; a citizen who taps one sees "
                "that it cannot be reached (or its cached answer, with its date)",
                down={o.agency: o.probe.detail for o in down},
                latency_ms=latencies,
            )
        )
    else:
        found.append(
            ok(
                "services",
                "Record services",
                f"all {len(outcomes)} record services answer",
                latency_ms=latencies,
            )
        )
    return found
