"""Benchmark: load and validate the whole embedded data set; regenerate it.

Prints wall time and peak traced memory (tracemalloc, Python + numpy allocations) of

1. ``load_province(data/synthetic, cache=False)`` — read, type, validate every file and run the
   cross-file reconciliations;
2. the reference measured in the same run: plain ``pandas.read_csv`` of the same files (no
   types, no checks) — the ratio says what validation costs on top of parsing;
3. a cached ``load_province`` (what every test and model after the first pays);
4. ``generate()`` of the synthetic province in memory (no writing).

Run: ``.venv/bin/python benchmarks/bench_data.py``. Times are the best of ``REPEAT`` runs.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from actuary.data.loader import DATA_FILES, load_province
from actuary.data.synthetic import generate

FOLDER = Path(__file__).resolve().parents[1] / "data" / "synthetic"
REPEAT = 3


def _time(fn: Callable[[], Any], repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def plain_read() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(FOLDER / name, low_memory=False) for name in DATA_FILES}


def validated() -> object:
    return load_province(FOLDER, cache=False)


def cached() -> object:
    return load_province(FOLDER)


def main() -> None:
    rows = sum(len(df) for df in plain_read().values())
    size = sum((FOLDER / n).stat().st_size for n in DATA_FILES) / 2**20
    print(f"embedded data: {len(DATA_FILES)} files, {rows:,} rows, {size:.1f} MiB on disk")
    t_ref = _time(plain_read)
    t_val = _time(validated)
    load_province(FOLDER)  # fill the cache
    t_cache = _time(cached)
    t_gen = _time(generate, repeat=1)
    m_ref = _peak(plain_read)
    m_val = _peak(validated)
    print(f"{'step':<44}{'time s':>9}{'peak MiB':>10}{'× ref time':>12}")
    print(f"{'pandas.read_csv of the same files (reference)':<44}{t_ref:>9.2f}{m_ref:>10.0f}"
          f"{1.0:>12.2f}")
    print(f"{'load_province, validated (no cache)':<44}{t_val:>9.2f}{m_val:>10.0f}"
          f"{t_val / t_ref:>12.2f}")
    print(f"{'load_province, cached (copies of frames)':<44}{t_cache:>9.2f}{'':>10}"
          f"{t_cache / t_ref:>12.2f}")
    print(f"{'generate() synthetic province (in memory)':<44}{t_gen:>9.2f}{'':>10}"
          f"{t_gen / t_ref:>12.2f}")


if __name__ == "__main__":
    main()
