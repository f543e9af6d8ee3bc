"""Benchmark: solving contribution rates vs projecting the fund (issue 7).

Run as a script::

    .venv/bin/python benchmarks/bench_rates.py [--paths 10000] [--run models/jilin.toml]

Measures, in the same run: the projection of the baseline at ``--paths`` paths (economy + claims
simulation and the roll-forward; model fitting timed separately), the rate solver on the same
flows (a months-of-payment target with probability α in every year of a 5-year horizon, the
national grade lattice refined to steps of 0.01, re-projection included), the break-even solve,
one roll-forward alone, and a reference: drawing as many standard normals as the flows hold
cells. Prints times, the solver's share of the projection time and peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--run", default=str(ROOT / "models" / "jilin.toml"))
    args = ap.parse_args()

    from actuary.data import load_province
    from actuary.params import load_parameters
    from actuary.projection import fit_models, project, roll_forward
    from actuary.rates import RateSettings, solve_rates
    from actuary.spec.run import load_run

    run = load_run(args.run).with_paths(args.paths)
    params = load_parameters()
    t0 = time.perf_counter()
    data = load_province(run.data)
    models = fit_models(run, data, params, ["baseline"])
    t_fit = time.perf_counter() - t0

    t0 = time.perf_counter()
    proj = project(run, scenarios=["baseline"], data=data, models=models, keep_flows=True)
    t_proj = time.perf_counter() - t0
    flows = proj.flows["baseline"]
    horizon = min(5, len(run.years) - run.years.index(run.budget_year))

    t0 = time.perf_counter()
    roll_forward(flows, None, check=False)
    t_roll = time.perf_counter() - t0

    settings = RateSettings(lower_months=12, alpha=0.9, horizon=horizon, lattice_step=0.01)
    t0 = time.perf_counter()
    sol = solve_rates(flows, settings, start_year=run.budget_year, parameters=params)
    t_solve = time.perf_counter() - t0

    t0 = time.perf_counter()
    be = solve_rates(
        flows,
        RateSettings(kind="break_even", horizon=horizon, lattice_step=0.01),
        start_year=run.budget_year,
        parameters=params,
    )
    t_be = time.perf_counter() - t0

    cells = flows.contributions.size + flows.benefits.size
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    rng.standard_normal(cells)
    t_draw = time.perf_counter() - t0

    print(
        f"run {Path(args.run).name}: {args.paths} paths, {len(run.years)} years, "
        f"{len(flows.regions)} regions, {len(flows.classes)} classes"
    )
    print(f"fit models (not in the projection time)   {t_fit:8.2f} s")
    print(f"projection (simulate + roll-forward)       {t_proj:8.2f} s")
    print(f"one roll-forward                           {t_roll:8.3f} s")
    print(
        f"rate solve, months target (+re-projection) {t_solve:8.3f} s  "
        f"= {t_solve / t_proj:.1%} of the projection"
    )
    print(
        f"rate solve, break-even                     {t_be:8.3f} s  "
        f"= {t_be / t_proj:.1%} of the projection"
    )
    print(
        f"reference: {cells:,} normal draws           {t_draw:8.3f} s  "
        f"(solve = {t_solve / t_draw:.1f} × the draws)"
    )
    print(
        f"solution: multiplier {sol.multiplier} (continuous {sol.level_continuous:.4f}), "
        f"achieved probability {sol.achieved_probability:.4f}; break-even multiplier "
        f"{be.multiplier} (continuous {be.level_continuous:.4f})"
    )
    print(f"peak memory (ru_maxrss)                    {_peak_mb():8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
