"""Benchmark of the vectorised benefit pricing (``actuary.benefits.price_benefits``).

Prices N simulated claims (mixed outcomes, wages, dates, birth dates, dependants) and prints the
wall time, the peak traced memory, and the ratio to a reference measured in the same run: the
time numpy takes to draw N × 8 standard-normal variates (one per benefit item and claim).

Run: ``.venv/bin/python benchmarks/bench_benefits.py [N]``
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np

from actuary.benefits import price_benefits
from actuary.params import load_parameters


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(1)
    params = load_parameters()
    outcomes = rng.integers(0, 12, n)
    wages = rng.uniform(2_000, 30_000, n)
    area = np.full(n, 7_200.0)
    events = np.datetime64("2021-01-01") + rng.integers(0, 1_800, n).astype("timedelta64[D]")
    births = np.datetime64("1960-01-01") + rng.integers(0, 12_000, n).astype("timedelta64[D]")
    groups = rng.integers(0, 3, n)
    leaves = rng.random(n) < 0.5
    nursing = rng.integers(0, 4, n)
    n_sp = rng.integers(0, 2, n)
    n_ot = rng.integers(0, 3, n)

    t0 = time.perf_counter()
    rng.standard_normal((n, 8))
    ref = time.perf_counter() - t0

    price_benefits(
        outcomes[:10],
        wages[:10],
        area[:10],
        events[:10],
        birth_date=births[:10],
        retirement_group=groups[:10],
        parameters=params,
    )
    tracemalloc.start()
    t0 = time.perf_counter()
    r = price_benefits(
        outcomes,
        wages,
        area,
        events,
        birth_date=births,
        retirement_group=groups,
        leaves_employment=leaves,
        nursing=nursing,
        n_spouse=n_sp,
        n_other=n_ot,
        parameters=params,
    )
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    total = sum(float(v.sum()) for v in r.fund_paid().values())
    print(f"price_benefits: N = {n:,} claims")
    print(f"  time            {elapsed:8.3f} s   ({elapsed / n * 1e6:.2f} µs per claim)")
    print(f"  reference       {ref:8.3f} s   (numpy: {n * 8:,} normal draws)")
    print(f"  ratio           {elapsed / ref:8.1f} ×")
    print(f"  peak memory     {peak / 2**20:8.1f} MiB (tracemalloc)")
    print(f"  checksum        {total:,.0f} yuan fund-paid (one-off + one month of monthly items)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
