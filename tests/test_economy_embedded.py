"""The economy model on the embedded synthetic province through the package loader.

Expected values come from the data files themselves (the 2025 row of economy.csv and
exposure.csv) and the model's identities (covered payroll = covered workers × regional wage ×
class relativity, employment-weighted regional wages = provincial path).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.data import load_province
from actuary.economy import EconomyModel, EconomySpec, simulate_blocks
from actuary.spec import read_assumption_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fitted() -> tuple[object, object]:
    data = load_province(ROOT / "data/synthetic")
    af = read_assumption_file(ROOT / "models/assumptions/economy.toml")
    return data, EconomyModel.from_assumptions(af).fit(data)


def test_fit_and_simulate_on_embedded_data(fitted: tuple) -> None:
    data, res = fitted
    assert res.params.base.base_year == int(data.metadata["last_full_year"])
    ds = simulate_blocks(res, range(2026, 2031), 1500, seed=7)
    assert ds.sizes == {"path": 1500, "year": 5, "region": 12, "industry_class": 8}
    cov = ds.coverage_rate.values
    assert np.all((cov >= 0) & (cov <= 1))
    assert np.all(ds.covered_workers.sum("industry_class").values <= ds.employment.values)
    assert np.all(ds.covered_payroll.values > 0)
    # employment-weighted regional wage grows exactly with the provincial wage index
    e = data.economy.set_index("year")
    reg = data.economy_region[data.economy_region["year"] == 2025].set_index("region")
    w0 = float((reg["avg_wage"] * reg["employment"]).sum() / reg["employment"].sum())
    wt = (ds.avg_wage * ds.employment).sum("region") / ds.employment.sum("region")
    idx = ds.avg_wage_province / float(e.loc[2025, "avg_wage"])
    np.testing.assert_allclose(wt.values, w0 * idx.values, rtol=1e-10)


def test_deterministic_first_year_matches_base_year_data(fitted: tuple) -> None:
    data, res = fitted
    det = EconomyModel(EconomySpec(volatility_scale=0.0, parameter_uncertainty=False)).fit(data)
    ds = det.simulate([2026], 1, np.random.default_rng(0))
    g = float(ds.wage_growth.values[0, 0])
    w25 = float(data.economy.set_index("year").loc[2025, "avg_wage"])
    assert float(ds.avg_wage_province.values[0, 0]) == pytest.approx(w25 * (1 + g), rel=1e-12)
    # payroll per covered worker / regional wage = the 2025 class relativity of exposure.csv
    x = data.exposure[data.exposure["year"] == 2025].set_index(["region", "industry_class"])
    reg = data.economy_region[data.economy_region["year"] == 2025].set_index("region")
    r, k = "220100", 3
    kappa = float(
        x.loc[(r, k), "covered_payroll"] / x.loc[(r, k), "covered_workers"] / reg.loc[r, "avg_wage"]
    )
    sel = ds.sel(region=r, industry_class=k)
    got = (sel.covered_payroll / (sel.covered_workers * ds.avg_wage.sel(region=r))).values.item()
    assert got == pytest.approx(kappa, rel=1e-10)
    # the coverage rate moves from the 2025 regional rate toward the target, never back
    c25 = float(x.loc[r, "covered_workers"].sum() / reg.loc[r, "employment"])
    assert sel.coverage_rate.values.item() >= c25 - 1e-12
    assert isinstance(res.summary(), str) and "form=" in res.summary()
    assert pd.notna(res.param_table()).all()
