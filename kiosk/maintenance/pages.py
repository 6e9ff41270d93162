"""What maintenance mode's status page and log view show, as plain data (no Qt).

The status page is `kiosk.maintenance.status.kiosk_status` (config, pcscd and readers, network, each
agency's probe and breaker, cache, data folder, disk, last errors) with one item first: `service`,
the out-of-service causes that hold now (`kiosk.session.outage.Outages`), each with a plain cause
and a fix. The log view is the last 200 lines of the kiosk's JSON log, one readable line each. Both
read files or pcscd: call them on a worker.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kiosk.doctor.findings import Finding, fail, ok, warn
from kiosk.logs import redact, tail
from kiosk.maintenance.status import StatusReport
from kiosk.session.outage import Outage
from kiosk.session.view import OutOfServiceCause

LOG_VIEW_LINES = 200
SERVICE_TITLE = "Service"

# Each cause in words, and what a technician does about it.
_CAUSES: dict[OutOfServiceCause, tuple[str, str]] = {
    OutOfServiceCause.STARTING: (
        "the kiosk is starting: the card reader has not reported yet",
        "wait a few seconds; if it lasts, see pcscd and card readers below",
    ),
    OutOfServiceCause.NO_READER: (
        "the kiosk's card reader is not connected",
        "plug the reader in (another USB port or cable); `kiosk readers` lists what pcscd sees",
    ),
    OutOfServiceCause.SERVICE_DOWN: (
        "the card reader service (pcscd) is not running",
        "`systemctl start pcscd.socket`; `systemctl status pcscd` says why it stopped",
    ),
    OutOfServiceCause.CONFIG_BROKEN: (
        "the configuration cannot be used",
        "correct the key named here in the config file; the kiosk starts again by itself "
        "once the file is fixed (`kiosk doctor` checks it)",
    ),
}


def service_item(outages: Sequence[Outage], now: float, reader: str | None = None) -> Finding:
    """The out-of-service causes that hold now (`now` on the outages' clock), worst first."""
    title = SERVICE_TITLE
    if not outages:
        serving = f" with the reader {reader}" if reader else ""
        return ok("service", title, f"in service{serving}: citizens can use the kiosk")
    parts = []
    fixes = []
    for outage in outages:
        words, fix = _CAUSES[outage.cause]
        since = _duration(max(0.0, now - outage.since))
        detail = f": {outage.detail}" if outage.detail else ""
        parts.append(f"{words}{detail} (for {since})")
        fixes.append(fix)
    causes = [o.cause.value for o in outages]
    cause = "out of service: " + "; ".join(parts)
    if causes == [OutOfServiceCause.STARTING.value]:
        return warn("service", title, cause, fixes[0], causes=causes)
    return fail("service", title, cause, " — ".join(fixes), causes=causes)


def with_service_item(report: StatusReport, item: Finding) -> StatusReport:
    """`report` with `item` first."""
    return replace(report, items=(item, *report.items))


def local_time(stamp: str) -> str:
    """A log line's ISO time stamp (written in UTC) in the kiosk's local time, to the second,
    as `2026-11-24 10:00:01`; a stamp that does not parse, as it is (cut to 19 characters)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:19].replace("T", " ")
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def log_view(path: Path, count: int = LOG_VIEW_LINES) -> list[str]:
    """The last `count` lines of the JSON log at `path`, oldest first, each as
    `2026-11-24 03:00:01 WARNING kiosk.agencies.check: message` (a line that is not JSON as it is).
    CID-shaped digits are masked once more; the log holds no personal data to begin with."""
    shown = []
    for line in tail(path, count):
        try:
            doc = json.loads(line)
        except ValueError:
            shown.append(redact(line))
            continue
        if not isinstance(doc, dict):
            shown.append(redact(line))
            continue
        when = local_time(str(doc.get("ts", "")))
        text = f"{when} {doc.get('level', '?'):<8} {doc.get('logger', '')}: {doc.get('msg', '')}"
        exc = str(doc.get("exc") or "").strip().splitlines()
        if exc:
            text += f" [{exc[-1]}]"  # the exception's type, last line of its traceback
        shown.append(redact(text))
    return shown


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
