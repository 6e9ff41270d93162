"""Running the doctor's checks: each a `Probe` with a time limit, those that wait on something
(pcscd, the agencies, the cache database) on threads of their own, so one that hangs costs its
limit and never the others'."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kiosk.doctor.findings import Finding, fail

log = logging.getLogger("kiosk.doctor")


@dataclass(frozen=True, slots=True)
class Probe:
    """One check to run: `run` returns its findings; `limit_s` bounds it.

    `ids` and `title` name what it would have found, for the failing finding written when it
    does not finish in time (or raises: a bug in a check must not cost the other checks).
    """

    ids: tuple[str, ...]
    title: str
    run: Callable[[], Sequence[Finding]]
    limit_s: float
    on_main_thread: bool = False  # Qt wants its application object on the main thread
    fix: str = "run `kiosk doctor` again; if it persists, look at the log"


def run_probes(probes: Sequence[Probe]) -> list[Finding]:
    """Run `probes` — those off the main thread in parallel, then those on it — and collect
    their findings in order. A probe past its limit is reported as failing; its daemon thread
    is left to end on its own (it cannot hold the process open)."""
    results: dict[int, Sequence[Finding]] = {}
    threads: list[tuple[int, threading.Thread, float]] = []
    for index, probe in enumerate(probes):
        if probe.on_main_thread:
            continue
        thread = threading.Thread(
            target=_run_into,
            args=(probe, index, results),
            name=f"doctor-{probe.ids[0]}",
            daemon=True,
        )
        thread.start()
        threads.append((index, thread, time.monotonic() + probe.limit_s))
    for _index, thread, end in threads:
        thread.join(max(0.0, end - time.monotonic()))
    # The main-thread probes (Qt) once the others are in: sharing the process with them (the
    # GIL, import locks) must not count against another probe's limit.
    for index, probe in enumerate(probes):
        if probe.on_main_thread:
            _run_into(probe, index, results)
    findings: list[Finding] = []
    for index, probe in enumerate(probes):
        got = results.get(index)
        if got is None:
            findings.extend(
                fail(
                    check,
                    probe.title,
                    f"the check did not finish within {probe.limit_s:g} s",
                    probe.fix,
                )
                for check in probe.ids
            )
        else:
            findings.extend(got)
    return findings


def _run_into(probe: Probe, index: int, results: dict[int, Sequence[Finding]]) -> None:
    try:
        found = list(probe.run())
    except Exception as exc:  # noqa: BLE001 - one broken check must not cost the others
        log.error("doctor: the %s check failed (%s)", probe.ids[0], type(exc).__name__)
        found = [
            fail(check, probe.title, f"the check itself failed ({type(exc).__name__})", probe.fix)
            for check in probe.ids
        ]
    results[index] = found
