"""Agency check benchmark (`python -m bench.agency_check`).

Seven agencies on the in-process simulator, each with its own latency (50-400 ms). The check asks
them in parallel; we time the first result and all results over `--checks` checks (default 200)
and compare, in the same run, against
  (a) sequential: the same adapters asked one after another (`--sequential` rounds, default 20,
      fewer than the checks because each round costs the sum of the latencies);
  (b) the limit: the slowest agency's own answer time (its median when asked alone, from (a)),
      and the fastest agency's for the first result.
Goals: all <= 1.1 x limit + 20 ms; first <= fastest + 20 ms; with one agency hanging, the check
ends by the deadline + 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from adapters.base import AgencyResult, CitizenIdentity
from adapters.breaker import CircuitBreaker
from adapters.deadline import Deadline
from adapters.simulator import AgencySimulator, parse_fault
from kiosk.agencies.check import AgencyCheck
from kiosk.agencies.roster import AgencySet, build_agencies
from kiosk.config import validate_config

LATENCY_MS = {
    "nhso": 400,
    "sso": 50,
    "welfare": 100,
    "elderly": 150,
    "disability": 200,
    "cgd": 250,
    "farmer": 300,
}
CITIZEN = CitizenIdentity("1120100345899")
TIMEOUT_S = 3.0
HANG_DEADLINE_S = 1.0
HANGING = "welfare"


def _stats(samples_s: Sequence[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"median": statistics.median(ms), "p95": p95, "max": ms[-1]}


def _agencies(sim: AgencySimulator, workdir: Path) -> AgencySet:
    config = validate_config(
        {
            "kiosk": {"data_dir": str(workdir), "key_file": str(workdir / "key")},
            "agencies": {"timeout_s": TIMEOUT_S, **sim.agency_tables()},
        }
    )
    return build_agencies(config)


def parallel(check: AgencyCheck, runs: int) -> tuple[list[float], list[float]]:
    """Time to the first and to the last result of `runs` checks."""
    firsts, alls = [], []
    for _ in range(runs):
        landed: list[float] = []

        def stamp(_result: AgencyResult, stamps: list[float] = landed) -> None:
            stamps.append(time.perf_counter())

        started = time.perf_counter()
        check.run(CITIZEN, stamp)
        alls.append(time.perf_counter() - started)
        firsts.append(landed[0] - started)
    return firsts, alls


def sequential(agencies: AgencySet, rounds: int) -> tuple[list[float], dict[str, list[float]]]:
    """Each round asks the adapters one after another; per-agency times come along."""
    totals: list[float] = []
    each: dict[str, list[float]] = {a.id: [] for a in agencies}
    for _ in range(rounds):
        started = time.perf_counter()
        for adapter in agencies:
            asked = time.perf_counter()
            adapter.check(CITIZEN, Deadline.after(TIMEOUT_S))
            each[adapter.id].append(time.perf_counter() - asked)
        totals.append(time.perf_counter() - started)
    return totals, each


def hanging(agencies: AgencySet, sim: AgencySimulator, runs: int, *, breaker: bool) -> list[float]:
    """With one agency never answering, how long the check takes (its deadline: 1 s).

    Without the breaker every run waits for the deadline; with it (the kiosk's default), the
    third timeout opens it and later checks skip the agency at once.
    """
    sim.faults.clear(HANGING)
    sim.faults.add(parse_fault(f"{HANGING}=hang"))
    threshold = 3 if breaker else 1_000_000
    breakers = {a.id: CircuitBreaker(threshold=threshold) for a in agencies}
    check = AgencyCheck(agencies.adapters, timeout_s=HANG_DEADLINE_S, breakers=breakers)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        outcome = check.run(CITIZEN)
        times.append(time.perf_counter() - started)
        assert outcome.result(HANGING).reason is not None
    return times


def run(checks: int, rounds: int, hang_runs: int) -> dict[str, object]:
    """The whole benchmark; prints a report and returns the figures."""
    with tempfile.TemporaryDirectory() as tmp, AgencySimulator() as sim:
        for agency, ms in LATENCY_MS.items():
            sim.faults.add(parse_fault(f"{agency}=latency:{ms}"))
        with _agencies(sim, Path(tmp)) as agencies:
            check = AgencyCheck(agencies.adapters, timeout_s=TIMEOUT_S)
            parallel(check, 3)  # warm-up: tokens and pooled connections
            seq_totals, per_agency = sequential(agencies, rounds)
            firsts, alls = parallel(check, checks)
            hangs = hanging(agencies, sim, hang_runs, breaker=False)
            skips = hanging(agencies, sim, hang_runs, breaker=True)

    own = {agency: statistics.median(t) * 1000 for agency, t in per_agency.items()}
    limit_ms, fastest_ms = max(own.values()), min(own.values())
    first, every, seq = _stats(firsts), _stats(alls), _stats(seq_totals)
    hang, skip = _stats(hangs), _stats(skips)
    all_goal = 1.1 * limit_ms + 20
    first_goal = fastest_ms + 20
    hang_goal = HANG_DEADLINE_S * 1000 + 50

    print(f"agencies and injected latency (ms): {LATENCY_MS}")
    print(
        "each agency asked alone, median ms: " + ", ".join(f"{a} {v:.1f}" for a, v in own.items())
    )
    print(f"limit (slowest agency) {limit_ms:.1f} ms; fastest {fastest_ms:.1f} ms")
    print(f"sum of latencies {sum(own.values()):.1f} ms")
    print()
    print(f"{'measure (ms)':34} {'median':>9} {'p95':>9} {'max':>9}  runs")
    rows = [
        ("parallel check: first result", first, checks),
        ("parallel check: all results", every, checks),
        ("sequential: all results (a)", seq, rounds),
        (f"one agency hanging, deadline {HANG_DEADLINE_S:g} s", hang, hang_runs),
        ("same, breaker on (opens after 3)", skip, hang_runs),
    ]
    for name, figures, n in rows:
        print(
            f"{name:34} {figures['median']:9.1f} {figures['p95']:9.1f} {figures['max']:9.1f}  {n}"
        )
    print()
    print(
        f"all / limit: median {every['median'] / limit_ms:.3f}x, p95 {every['p95'] / limit_ms:.3f}x"
    )
    print(f"sequential / parallel (median): {seq['median'] / every['median']:.2f}x")
    print(f"first - fastest: median {first['median'] - fastest_ms:+.1f} ms")
    verdicts = {
        "all_p95_within_1.1x_limit_plus_20ms": every["p95"] <= all_goal,
        "first_p95_within_fastest_plus_20ms": first["p95"] <= first_goal,
        "hang_max_within_deadline_plus_50ms": hang["max"] <= hang_goal,
    }
    print(
        f"goal all <= {all_goal:.1f} ms (p95 {every['p95']:.1f}): "
        f"{'met' if verdicts['all_p95_within_1.1x_limit_plus_20ms'] else 'MISSED'}"
    )
    print(
        f"goal first <= {first_goal:.1f} ms (p95 {first['p95']:.1f}): "
        f"{'met' if verdicts['first_p95_within_fastest_plus_20ms'] else 'MISSED'}"
    )
    print(
        f"goal hang <= {hang_goal:.0f} ms (max {hang['max']:.1f}): "
        f"{'met' if verdicts['hang_max_within_deadline_plus_50ms'] else 'MISSED'}"
    )
    return {
        "latency_ms": LATENCY_MS,
        "agency_alone_ms": own,
        "limit_ms": limit_ms,
        "fastest_ms": fastest_ms,
        "first_ms": first,
        "all_ms": every,
        "sequential_ms": seq,
        "hang_ms": hang,
        "hang_with_breaker_ms": skip,
        "goals": verdicts,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; `--json FILE` also writes the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=20)
    parser.add_argument("--hang-runs", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(args.checks, args.sequential, args.hang_runs)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
