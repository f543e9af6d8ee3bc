"""Benchmark of the claims simulation: 10,000 paths × 10 years for the embedded province.

Run as a script: ``.venv/bin/python benchmarks/bench_claims.py [n_paths]``. Fits the economy and
claims models on ``data/synthetic`` (fit time reported separately), simulates the economy
blocks (not timed), then times ``ClaimsResults.simulate`` over fixed blocks of 1,000 paths
(:mod:`actuary.rng`). Reports wall time, peak memory of the simulation (``tracemalloc``), and
the ratio to the time numpy takes to draw the same number of random variates (Poisson, Gamma,
binomial, normal, uniform in the same counts as the claims simulation) in the same run.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actuary import dims  # noqa: E402
from actuary.claims import ClaimsModel, block_generators  # noqa: E402
from actuary.data import load_province  # noqa: E402
from actuary.economy import EconomyModel  # noqa: E402
from actuary.rng import generator, path_blocks  # noqa: E402
from actuary.spec import read_assumption_file  # noqa: E402


def main(n_paths: int = 10_000, seed: int = 20261128) -> None:
    data = load_province(ROOT / "data" / "synthetic")
    t0 = time.perf_counter()
    econ = EconomyModel.from_assumptions(
        read_assumption_file(ROOT / "models" / "assumptions" / "economy.toml")
    ).fit(data)
    t_econ_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    claims = ClaimsModel.from_assumptions(
        read_assumption_file(ROOT / "models" / "assumptions" / "claims.toml")
    ).fit(data)
    t_fit = time.perf_counter() - t0
    years = list(range(data.last_full_year + 1, data.last_full_year + 11))
    blocks = path_blocks(n_paths)
    eco_blocks = [
        econ.simulate(years, b.size, generator(seed, b.index, "economy"), path_start=b.start)
        for b in blocks
    ]
    # warm-up (benefit pricing of the claimant profile is cached per projection year)
    claims.simulate(eco_blocks[0].isel(path=slice(0, 10)), block_generators(seed, 999))

    tracemalloc.start()
    t0 = time.perf_counter()
    total = 0.0
    for b, eco in zip(blocks, eco_blocks, strict=True):
        ds = claims.simulate(eco, block_generators(seed, b.index))
        total += float(ds["expenditure"].sum())
    t_sim = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # reference: the same number of variates drawn directly by numpy, in the same run
    R, C, H = len(claims.regions), len(dims.INDUSTRY_CLASSES), len(years)
    n_out = len(dims.OUTCOMES)
    n_sev = len(claims.spec.severity_items)
    cells = n_paths * H * R
    counts = {
        "poisson": cells * n_out + n_paths * H,  # outcome counts + major-accident events
        "gamma": cells * C + cells * n_out * n_sev,  # cell over-dispersion + aggregate severities
        "binomial": cells * n_out * n_sev,  # claims with a positive cost
        "normal": n_paths * H,  # year effect
        "integers": n_paths,  # mortality level point
    }
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    rng.poisson(20.0, counts["poisson"])
    rng.gamma(2.0, 1.0, counts["gamma"])
    rng.binomial(20, 0.5, counts["binomial"])
    rng.standard_normal(counts["normal"])
    rng.integers(0, 20, counts["integers"])
    t_ref = time.perf_counter() - t0
    n_var = sum(counts.values())

    print(f"claims benchmark: {n_paths} paths x {H} years, {R} regions, {C} classes,", end=" ")
    print(f"{n_out} outcomes")
    print(f"  fit (claims model, embedded data):      {t_fit:8.2f} s")
    print(f"  fit (economy model, not claims):        {t_econ_fit:8.2f} s")
    print(f"  simulate (all blocks):                  {t_sim:8.2f} s")
    print(f"  peak traced memory during simulation:   {peak / 2**20:8.1f} MiB")
    print(f"  random variates drawn:                  {n_var:,}")
    print(f"  numpy draw of the same variates:        {t_ref:8.2f} s")
    print(f"  ratio simulate / pure draws:            {t_sim / t_ref:8.1f}")
    print(f"  (check) mean expenditure per path-year: {total / n_paths / H / 1e8:8.2f} x 1e8 yuan")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
