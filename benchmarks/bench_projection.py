"""Benchmark of the projection engine and the budget draft: the embedded run end to end.

Run as a script: ``.venv/bin/python benchmarks/bench_projection.py [n_paths] [--workers N]``
(default 10,000 paths; ``models/jilin.toml`` has 10 projection years). Reports, measured in
the same run:

- end to end, as ``actuary budget`` does it: load and validate the data, fit the economy and
  claims models, project the baseline (economy → claims → fund flows → roll-forward and checks),
  draft the budget and write the workbook, the CSVs and ``paths.nc``;
- the projection's share, split into the economy simulation, the claims simulation and the
  fund engine proper (``build_flows`` + ``roll_forward`` + invariant checks);
- the **pure random-draw time of the same variates**: every call the economy and claims models
  make on their generators for one block is recorded (method, arguments), then replayed on fresh
  generators and timed, × the number of blocks; the ratio projection ÷ draws is the engine's
  overhead over its random numbers;
- peak memory (``ru_maxrss`` of the process: the whole run, numpy included).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import actuary.projection.engine as engine  # noqa: E402
from actuary.budget import draft_budget, write_budget  # noqa: E402
from actuary.data import load_province  # noqa: E402
from actuary.projection import fit_models, project, write_paths  # noqa: E402
from actuary.rng import generator, path_blocks  # noqa: E402
from actuary.spec.run import load_run  # noqa: E402

_METHODS = (
    "standard_normal",
    "normal",
    "lognormal",
    "gamma",
    "standard_gamma",
    "poisson",
    "binomial",
    "negative_binomial",
    "uniform",
    "random",
    "integers",
    "choice",
    "exponential",
    "pareto",
    "beta",
    "chisquare",
    "standard_t",
    "multivariate_normal",
    "multinomial",
    "dirichlet",
    "standard_exponential",
    "geometric",
    "hypergeometric",
    "logistic",
    "laplace",
    "weibull",
    "permutation",
    "shuffle",
    "permuted",
    "noncentral_chisquare",
    "f",
    "vonmises",
    "wald",
    "zipf",
    "logseries",
    "rayleigh",
    "gumbel",
    "power",
    "triangular",
)


class RecordingGenerator(np.random.Generator):
    """A generator that records every draw call (method, args, kwargs) and the variate count."""

    def __init__(self, bit_generator: np.random.BitGenerator, log: list[Any]) -> None:
        super().__init__(bit_generator)
        self._log = log

    def spawn(self, n_children: int) -> list[np.random.Generator]:  # type: ignore[override]
        return [
            RecordingGenerator(type(self.bit_generator)(s), self._log)
            for s in self.bit_generator.seed_seq.spawn(n_children)
        ]  # type: ignore[attr-defined]


def _wrap(name: str) -> Any:
    base = getattr(np.random.Generator, name)

    def method(self: RecordingGenerator, *args: Any, **kwargs: Any) -> Any:
        out = base(self, *args, **kwargs)
        self._log.append((name, args, kwargs, int(np.size(out))))
        return out

    return method


for _name in _METHODS:
    if hasattr(np.random.Generator, _name):
        setattr(RecordingGenerator, _name, _wrap(_name))


class Timed:
    """Delegates to a results object, adding the time of each ``simulate`` call to ``split``."""

    def __init__(self, obj: Any, name: str, split: dict[str, float]) -> None:
        self._obj, self._name, self._split = obj, name, split

    def simulate(self, *args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        out = self._obj.simulate(*args, **kw)
        self._split[self._name] += time.perf_counter() - t
        return out

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._obj, name)


def record_block(ctx: Any, scenario: str, block: Any) -> list[Any]:
    """Run one block with recording generators; return the draw log."""
    log: list[Any] = []

    def rec(seed: int, b: int, stream: str) -> np.random.Generator:
        g = generator(seed, b, stream)
        return RecordingGenerator(type(g.bit_generator)(g.bit_generator.seed_seq), log)

    orig = engine.generator
    engine.generator = rec  # type: ignore[assignment]
    try:
        engine._run_block(ctx, scenario, block)
    finally:
        engine.generator = orig  # type: ignore[assignment]
    return log


def replay(log: list[Any]) -> float:
    """Time the recorded draws on a fresh generator (best of 3)."""
    best = float("inf")
    for _ in range(3):
        g = np.random.default_rng(12345)
        t0 = time.perf_counter()
        for name, args, kwargs, _n in log:
            getattr(np.random.Generator, name)(g, *args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n_paths", nargs="?", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    t_all = time.perf_counter()
    run = load_run(ROOT / "models" / "jilin.toml").with_paths(a.n_paths)
    t0 = time.perf_counter()
    data = load_province(run.data, cache=False)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    models = fit_models(run, data, scenarios=["baseline"])
    t_fit = time.perf_counter() - t0

    # split of the projection time by stage, measured inside the blocks
    split = {"economy": 0.0, "claims": 0.0, "fund": 0.0}
    orig_build, orig_roll = engine.build_flows, engine.roll_forward

    def timed_build(*args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        out = orig_build(*args, **kw)
        split["fund"] += time.perf_counter() - t
        return out

    def timed_roll(*args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        out = orig_roll(*args, **kw)
        split["fund"] += time.perf_counter() - t
        return out

    engine.build_flows, engine.roll_forward = timed_build, timed_roll  # type: ignore[assignment]
    m = models["baseline"]
    timed = {
        "baseline": engine.ScenarioModels(
            Timed(m.economy, "economy", split), Timed(m.claims, "claims", split), m.fund
        )
    }
    t0 = time.perf_counter()
    proj = project(
        run, data=data, models=timed, scenarios=["baseline"], workers=a.workers, progress=False
    )
    t_proj = time.perf_counter() - t0
    engine.build_flows, engine.roll_forward = orig_build, orig_roll  # type: ignore[assignment]

    t0 = time.perf_counter()
    draft = draft_budget(proj, data)
    with tempfile.TemporaryDirectory() as tmp:
        write_budget(draft, tmp)
        write_paths(proj.data, Path(tmp) / "paths.nc")
        size = (Path(tmp) / "paths.nc").stat().st_size
    t_budget = time.perf_counter() - t0
    t_end = time.perf_counter() - t_all

    # pure random-draw time of the same variates: record block 0, replay, × blocks
    blocks = path_blocks(run.n_paths)
    ctx = engine._Context(
        seed=run.seed,
        years=run.years,
        models=models,
        base=proj.base,
        rates=engine.base_rates(engine.load_parameters(), run.years, proj.base.classes),
        rate_policy=dict(run.rate_policy),
        keep_flows=False,
    )
    log = record_block(ctx, "baseline", blocks[0])
    n_var = sum(x[3] for x in log) * len(blocks)
    t_draw = replay(log) * len(blocks)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    n, ny = run.n_paths, len(run.years)
    print(
        f"projection benchmark: {n:,} paths × {ny} years, {len(blocks)} blocks, workers {a.workers}"
    )
    print(f"  load + validate data    {t_load:7.2f} s")
    print(f"  fit economy + claims    {t_fit:7.2f} s")
    print(
        f"  projection              {t_proj:7.2f} s  (economy {split['economy']:.2f} s, "
        f"claims {split['claims']:.2f} s, fund engine {split['fund']:.2f} s; "
        f"in-process timings, workers = 1 only)"
    )
    print(f"  budget draft + write    {t_budget:7.2f} s  (paths.nc {size / 2**20:.0f} MiB)")
    print(f"  end to end              {t_end:7.2f} s  (target ≤ 60 s)")
    print(
        f"  random variates         {n_var:,} in {len(log)} calls per block; pure draw time "
        f"{t_draw:.2f} s"
    )
    print(f"  projection ÷ draws      {t_proj / t_draw:7.2f} ×  (target ≤ 3 ×)")
    print(f"  fund engine ÷ draws     {split['fund'] / t_draw:7.2f} ×")
    print(f"  peak memory (maxrss)    {peak:7.0f} MiB  (target ≤ 4096 MiB)")


if __name__ == "__main__":
    main()
