"""The claims model on the embedded synthetic province: simulated counts agree with the fitted
means, the first projection year continues the last year of recorded payments, the flat
appraisal fee stays flat in yuan, and each region's share of the wage-based lump sums follows
the history (issue 5 review: appraisal −21 %, 省本级 disability benefits −15 %)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from actuary import dims
from actuary.claims import ClaimsModel, block_generators
from actuary.claims.profiles import wage_relativity
from actuary.data import load_province
from actuary.economy import EconomyModel
from actuary.params import load_parameters
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


GRADES = [f"grade_{g}" for g in range(1, 11)]


def test_appraisal_fee_is_a_flat_fee_in_yuan() -> None:
    # The history's fee per graded claim, computed from the payments (not from the model):
    # appraisal paid on the graded claims of accident years 2012-2021 (fully developed) /
    # their number. By construction of the synthetic data (actuary/data/synthetic.toml
    # appraisal_fee): 400 yuan at grading + 300 for the 20 % reviewed = 400 + 0.2 x 300 = 460.
    data, claims, eco = _run()
    c = data.claims
    ay = c["accident_date"].astype("datetime64[ns]").dt.year
    graded = c[c["outcome"].astype(str).isin(GRADES) & ay.between(2012, 2021)]["claim_id"]
    p = data.payments
    fee = p[(p["benefit_item"] == "appraisal_fee") & p["claim_id"].isin(graded)]["amount"]
    fee_per_claim = float(fee.sum()) / len(graded)
    assert fee_per_claim == pytest.approx(460.0, rel=0.01)
    sev = claims.severity
    assert sev.is_nominal("appraisal_fee") and not sev.is_nominal("medical_costs")
    k = sev.items.index("appraisal_fee")
    g = [dims.OUTCOMES.index(o) for o in GRADES]
    n = sev.n_claims[k, g]
    for year in (2025, 2027):
        per_claim = float((sev.expected(year)[k, g] * n).sum() / n.sum())
        assert per_claim == pytest.approx(fee_per_claim, rel=0.02), year
    # Simulated payments: the pattern sums to one and graded counts fall ~1.5 %/yr, so the
    # 2027 payments are ~ fee x graded claims of the year (within 3 %, hand estimate), and
    # 2027 / 2025 recorded ~ 0.985^2 = 0.97 (counts only; the fee does not move).
    ds = claims.simulate(eco, block_generators(3, 0))
    paid = float(ds["paid"].sel(year=2027, benefit_item="appraisal_fee").sum("region").mean())
    n27 = float(ds["claim_count"].sel(year=2027, outcome=GRADES).sum(("region", "outcome")).mean())
    assert paid / n27 == pytest.approx(fee_per_claim, rel=0.03)
    last = float(
        p[(p["benefit_item"] == "appraisal_fee") & (p["calendar_year"] == 2025)]["amount"].sum()
    )
    assert paid / last == pytest.approx(0.97, abs=0.04)


def test_wage_relativity_by_region_hand_example() -> None:
    # 本人工资 / A clipped to [0.6, 3] (条例 art. 64): region a 1.0, 2.0 -> mean 1.5; region b
    # 0.5 -> 0.6, 4.0 -> 3.0 -> mean 1.8; province mean (1 + 2 + 0.6 + 3) / 4 = 1.65;
    # relativities 1.5 / 1.65 = 0.909091, 1.8 / 1.65 = 1.090909; a region without claims: 1.
    # (The bounds are the parameters benefits.wage_floor_pct / wage_cap_pct of the accident year.)
    prof = pd.DataFrame(
        {"region": ["a", "a", "b", "b"], "ratio": [1.0, 2.0, 0.5, 4.0], "ay": [2024] * 4}
    )
    rel = wage_relativity(prof, ("a", "b", "c"), load_parameters())
    np.testing.assert_allclose(rel, [1.5 / 1.65, 1.8 / 1.65, 1.0], rtol=1e-12)


def test_region_shares_of_the_wage_based_lump_sums_follow_the_history() -> None:
    # 一次性伤残补助金 = months x 本人工资: regions whose claimants earn more than the province
    # average (省本级, 长春) pay more per claim. Each region's share of the simulated 2026-2027
    # payments against its share of the recorded 2021-2025 payments (from the data); the
    # residual differences come from the regions' claim counts (frequency region effects).
    # Before the regional wage relativity, SBJ got 0.75 and 白城 1.34 of their shares.
    data, claims, eco = _run()
    p = data.payments
    p = p[(p["benefit_item"] == "disability_lump_sum") & p["calendar_year"].between(2021, 2025)]
    reg = data.claims.set_index("claim_id")["region"].astype(str)
    hist = p.groupby(reg.reindex(p["claim_id"]).to_numpy())["amount"].sum()
    hist = hist / hist.sum()
    ds = claims.simulate(eco, block_generators(3, 0))
    sim = ds["paid"].sel(benefit_item="disability_lump_sum").sum("year").mean("path").to_pandas()
    sim = sim / sim.sum()
    for r in hist.index[hist > 0.01]:
        assert sim[r] / hist[r] == pytest.approx(1.0, abs=0.15), r
