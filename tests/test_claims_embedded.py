"""The claims model on the embedded synthetic province: simulated counts agree with the fitted
means, and the first projection year continues the last year of recorded payments."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from actuary import dims
from actuary.claims import ClaimsModel, block_generators
from actuary.data import load_province
from actuary.economy import EconomyModel
from actuary.rng import generator
from actuary.spec import read_assumption_file

ROOT = Path(__file__).resolve().parents[1]
N = 300


@functools.lru_cache(maxsize=1)
def _run() -> tuple[Any, Any, Any]:
    data = load_province(ROOT / "data" / "synthetic")
    a = ROOT / "models" / "assumptions"
    claims = ClaimsModel.from_assumptions(read_assumption_file(a / "claims.toml")).fit(data)
    econ = EconomyModel.from_assumptions(read_assumption_file(a / "economy.toml")).fit(data)
    eco = econ.simulate([2026, 2027], N, generator(3, 0, "economy"))
    return data, claims, eco


def test_simulated_counts_match_the_fitted_means() -> None:
    _, claims, eco = _run()
    ds = claims.simulate(eco, block_generators(3, 0))
    off = dataclasses.replace(claims, spec=dataclasses.replace(claims.spec, volatility=False))
    mu = off.simulate(eco, block_generators(3, 0))["claim_count"].sum("region")
    n = ds["claim_count"].sum("region")
    for outcome in ("medical_only", "grade_3", "grade_9", "death"):
        diff = (n - mu).sel(outcome=outcome).mean("path").values
        # Poisson (year-effect sd 0.004 and cell alpha ~0 on this history): Var = mean, plus
        # the major-accident victims whose expectation is in mu
        se = np.sqrt(mu.sel(outcome=outcome).mean("path").values / N)
        assert np.all(np.abs(diff) < 5 * se + 0.5), outcome


def test_first_year_continues_the_recorded_payments() -> None:
    data, claims, eco = _run()
    ds = claims.simulate(eco, block_generators(3, 0))
    pay = data.payments
    last = pay[pay["calendar_year"] == 2025].groupby("benefit_item")["amount"].sum()
    sim = ds["paid"].sel(year=2026).sum("region").median("path").to_pandas()
    for item in (
        "medical_costs",
        "disability_lump_sum",
        "disability_allowance",
        "nursing_care",
        "survivor_pension",
        "death_lump_sum",
        "medical_lump_sum",
    ):
        # 2026 against 2025: wages grow ~5 %, incidence falls ~1.5 %, streams grow with entrants
        assert sim[item] / last[item] == pytest.approx(1.05, abs=0.12), item
    groups = ds["expenditure"].sel(year=2026).sum("region").median("path").to_pandas()
    assert set(groups.index) == {
        "medical_benefits",
        "disability_benefits",
        "death_benefits",
        "appraisal",
    }
    assert float(ds["paid"].sum()) == pytest.approx(float(ds["expenditure"].sum()), rel=1e-12)
    assert list(ds["benefit_item"].values) == list(dims.BENEFIT_ITEMS)
