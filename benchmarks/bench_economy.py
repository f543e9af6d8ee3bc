"""Benchmark of the economy simulation (issue 4).

Fits :class:`actuary.economy.EconomyModel` to the embedded synthetic province and simulates
10,000 paths × 10 years × all 12 regions × 8 industry classes with parameter uncertainty on, in
fixed blocks of 1,000 paths (``simulate_blocks``), on one process and on two. Prints wall time,
peak memory (traced numpy/Python allocations of the simulation, and the process's maximum
resident set) and the ratio to a reference measured in the same run: the time numpy takes to
draw the same number of random variates (standard normals, in the same 1,000-path blocks).

Run: ``.venv/bin/python benchmarks/bench_economy.py [N_PATHS] [DATA_FOLDER]``; only the wage
candidates' backtest tables: ``.venv/bin/python benchmarks/bench_economy.py candidates``.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.economy import EconomyHistory, EconomyModel, simulate_blocks
from actuary.rng import path_blocks
from actuary.spec import read_assumption_file

ROOT = Path(__file__).resolve().parents[1]


def load(folder: Path) -> EconomyHistory:
    """The economy history of a data folder (the package loader when it is available)."""
    try:
        from actuary.data import load_province
        from actuary.economy import history_from

        return history_from(load_province(folder))
    except ImportError:
        fr = {k: pd.read_csv(folder / f"{k}.csv", dtype={"region": str})
              for k in ("economy", "economy_region", "exposure")}
        return EconomyHistory.from_frames(fr["economy"], fr["economy_region"], fr["exposure"])


def variates_per_block(size: int, years: int, k: int, regions: int, classes: int) -> int:
    """Random variates one block draws (same order as the code: parameters, then years)."""
    params = size * (k * (k + 1) + k) + 3 * 2 * size + size  # growth, 3 panels, coverage
    per_year = size * (k + 3 * regions + 1 + regions * classes)
    return params + years * per_year


def main(n_paths: int = 10_000, folder: Path = ROOT / "data/synthetic") -> None:
    h = load(folder)
    spec = EconomyModel.from_assumptions(
        read_assumption_file(ROOT / "models/assumptions/economy.toml")).spec
    t0 = time.perf_counter()
    res = EconomyModel(spec).fit(h)
    t_fit = time.perf_counter() - t0
    years = list(range(h.base_year + 1, h.base_year + 11))
    b = res.params.base
    n_var = sum(variates_per_block(bl.size, 10, 5, len(b.regions), len(b.classes))
                for bl in path_blocks(n_paths))

    # warm-up: first use imports xarray's lazy back-ends (dask); reported, not timed
    t0 = time.perf_counter()
    simulate_blocks(res, years[:1], 10, seed=1)
    t_warm = time.perf_counter() - t0

    def reference() -> None:
        # numpy draws the same number of variates in the same blocks
        for bl in path_blocks(n_paths):
            g = np.random.default_rng([7, bl.index])
            g.standard_normal(variates_per_block(bl.size, 10, 5, len(b.regions),
                                                 len(b.classes)))

    def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        return best

    t_ref = best_of(reference)
    t_sim = best_of(lambda: simulate_blocks(res, years, n_paths, seed=20260101))
    tracemalloc.start()
    ds = simulate_blocks(res, years, n_paths, seed=20260101)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t0 = time.perf_counter()
    ds2 = simulate_blocks(res, years, n_paths, seed=20260101, workers=2)
    t_sim2 = time.perf_counter() - t0
    same = bool(ds.identical(ds2))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = ds.nbytes / 2**20
    print(f"economy: {n_paths:,} paths x 10 years x {len(b.regions)} regions x "
          f"{len(b.classes)} classes ({res.params.growth.params.form} form, parameter "
          "uncertainty on)")
    print(f"  fit                 {t_fit:7.2f} s   (first-use imports {t_warm:.2f} s, untimed)")
    print(f"  simulate, 1 process {t_sim:7.2f} s (best of 3); peak traced "
          f"{peak / 2**20:.0f} MiB (output Dataset {out:.0f} MiB)")
    print(f"  simulate, 2 workers {t_sim2:7.2f} s (incl. pool start-up); identical to 1 "
          f"process: {same}")
    print(f"  reference: numpy draws {n_var:,} normals in {t_ref:.2f} s (best of 3)  ->  ratio "
          f"{t_sim / t_ref:.1f} x (1 process)")
    print(f"  process max RSS {rss:.0f} MiB")

    # backtest tables (models/notes/economy.md §7, benchmarks/README.md)
    from actuary.economy.backtest import backtest_model, backtest_series, format_table

    t0 = time.perf_counter()
    bt = backtest_model(h, spec, n_paths=2000)
    print(f"\nbacktest, synthetic province ({time.perf_counter() - t0:.1f} s):")
    print(format_table(bt.table()))
    alt = dataclasses.replace(spec, ar_bias_correction=not spec.ar_bias_correction)
    print(f"\nsame with ar_bias_correction = {alt.ar_bias_correction}:")
    print(format_table(backtest_model(h, alt, n_paths=2000).table()))
    pub = ROOT / "data/public/jilin_avg_wage_nonprivate_1995_2022.csv"
    w = pd.read_csv(pub).set_index("statistical_year")["annual_avg_wage_yuan"].loc[:2019]
    for unc in (True, False):
        b2 = backtest_series(w, first_origin=2004, n_paths=2000, parameter_uncertainty=unc,
                             bias_correct=spec.ar_bias_correction,
                             name=f"jilin_wage_1995_2019{'' if unc else '_no_param_unc'}")
        print(format_table(b2.table()))
    candidate_tables(h)


def candidate_tables(h: EconomyHistory | None = None, n_paths: int = 2000) -> None:
    """Wage candidates and their OOS mixture (models/notes/economy.md §7a): Jilin 1995-2022
    with 2020 missing, origins 2004-2021; synthetic province wage 2010-2025, origins 2017-2024."""
    from actuary.economy.backtest import backtest_candidates, format_table

    h = h if h is not None else load(ROOT / "data/synthetic")
    pub = ROOT / "data/public/jilin_avg_wage_nonprivate_1995_2022.csv"
    w = pd.read_csv(pub).set_index("statistical_year")["annual_avg_wage_yuan"]
    for label, series, first in (
        ("jilin_wage_1995_2022", w, 2004),
        ("synthetic_wage", h.economy["avg_wage"], h.years[0] + 7),
    ):
        t0 = time.perf_counter()
        bt = backtest_candidates(series, first_origin=first, n_paths=n_paths, name=label)
        print(f"\ncandidates, {label} ({time.perf_counter() - t0:.1f} s):")
        print(format_table(bt.table()))
        rec = bt.records
        late = rec[rec["origin"] >= 2010]
        if len(late):
            bias = late.groupby(["quantity", "horizon"])["err_model"].mean().unstack()
            print("mean error (forecast - actual, log points) of origins >= 2010:")
            print(bias.round(4).to_string())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "candidates":
        candidate_tables()
        sys.exit(0)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    f = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "data/synthetic"
    main(n, f)
