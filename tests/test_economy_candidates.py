"""Wage-model candidates, their out-of-sample mixture and the gap-tolerant backtest.

Expected values come from outside the code:

- random walk with drift: closed forms. With parameters fixed the path is
  ``x_T + h·mu + sigma·(z_1 + … + z_h)`` (mean ``h·mu``, variance ``h·sigma²``); the gap MLE of
  the drift is ``(x_last - x_first) / (t_last - t_first)``; with parameter uncertainty
  (``sigma² ~ s²·nu/chi²_nu``, ``mu | sigma ~ N(mu_hat, sigma²/span)``) the predictive variance is
  ``E[sigma²]·(h + h²/span)`` with ``E[sigma²] = s²·nu/(nu - 2)``.
- local linear trend: statsmodels ``UnobservedComponents`` called directly on the same series
  (forecast and forecast variance, ``get_forecast``).
- mixture: the share of paths per model is Binomial(n, w); a tolerance of 4 binomial s.d.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from economy_data import province_frames

from actuary.economy import EconomyHistory, EconomyModel, EconomySpec
from actuary.economy.backtest import backtest_candidates, backtest_series
from actuary.economy.candidates import (
    RWDriftFit,
    WageMixture,
    fit_mixture,
    fit_rw_drift,
    fit_uc,
)
from actuary.errors import InputError
from actuary.spec import read_assumption_file


def _gap_series(
    first: int = 1995, last: int = 2022, missing: int = 2020, seed: int = 5
) -> pd.Series:
    """Wage-like levels (growth 8 % ± 3 %) with one year left out."""
    rng = np.random.default_rng(seed)
    yrs = np.arange(first, last + 1)
    lv = 5000 * np.exp(np.cumsum(0.08 + 0.03 * rng.standard_normal(len(yrs))))
    s = pd.Series(lv, index=yrs)
    return s.drop(missing)


# -- random walk with drift ---------------------------------------------------------------------


def test_rw_drift_paths_are_the_closed_form_with_fixed_parameters() -> None:
    f = RWDriftFit(drift=0.05, sigma=0.02, span=20.0, df=19)
    got = f.simulate(3, 5, np.random.default_rng(9), uncertainty=False)
    z = np.random.default_rng(9).standard_normal((5, 3))
    want = 0.05 * np.arange(1, 4) + 0.02 * np.cumsum(z, axis=1)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    n = 200_000
    d = f.simulate(3, n, np.random.default_rng(1), uncertainty=False)
    h = np.arange(1, 4)
    se_mean = 0.02 * np.sqrt(h / n)
    assert np.all(np.abs(d.mean(axis=0) - 0.05 * h) < 4 * se_mean)
    var = h * 0.02**2
    assert np.all(np.abs(d.var(axis=0) - var) < 4 * var * np.sqrt(2 / n))


def test_rw_drift_fit_with_a_gap_and_predictive_variance() -> None:
    s = np.log(_gap_series())
    f = fit_rw_drift(s)
    # drift MLE over a gap: total change over the observed span
    assert f.drift == pytest.approx((s.iloc[-1] - s.iloc[0]) / (2022 - 1995), abs=1e-14)
    assert f.span == 27 and f.df == len(s) - 2
    n = 400_000
    d = f.simulate(3, n, np.random.default_rng(3), uncertainty=True)
    h = np.arange(1, 4)
    nu = f.df
    want = f.sigma**2 * nu / (nu - 2) * (h + h**2 / f.span)
    # the sample variance of a Student-t mixture: allow 3 % (t with 25 df has finite kurtosis)
    np.testing.assert_allclose(d.var(axis=0), want, rtol=0.03)
    np.testing.assert_allclose(d.mean(axis=0), f.drift * h, atol=4 * np.sqrt(want.max() / n))


# -- local linear trend ---------------------------------------------------------------------------


def test_uc_fits_a_series_with_a_gap_and_matches_statsmodels() -> None:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    s = np.log(_gap_series())
    f = fit_uc(s)
    endog = s.reindex(range(1995, 2023)).to_numpy()
    assert np.isnan(endog[2020 - 1995])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = UnobservedComponents(endog, level="lltrend").fit(disp=False)
        fc = ref.get_forecast(3)
    np.testing.assert_allclose(f.params, np.maximum(ref.params, 1e-12), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(
        f.mean_forecast(1)[0] + s.iloc[-1], ref.forecast(1)[0], rtol=0, atol=1e-10
    )
    np.testing.assert_allclose(f.mean_forecast(3) + s.iloc[-1], fc.predicted_mean, atol=1e-10)
    # simulated paths with parameters fixed: the filter's forecast mean and variance
    n = 100_000
    d = f.simulate(3, n, np.random.default_rng(4), uncertainty=False) + s.iloc[-1]
    var = np.asarray(fc.var_pred_mean)
    assert np.all(np.abs(d.mean(axis=0) - fc.predicted_mean) < 4 * np.sqrt(var / n))
    np.testing.assert_allclose(d.var(axis=0), var, rtol=4 * np.sqrt(2 / n) + 1e-3)
    # parameter uncertainty widens, it does not shift
    du = f.simulate(3, 20_000, np.random.default_rng(5), uncertainty=True)
    assert np.all(du.var(axis=0) >= 0.9 * var)


# -- mixture ----------------------------------------------------------------------------------


def test_mixture_draws_each_model_in_proportion_to_its_weight() -> None:
    fits = tuple(
        RWDriftFit(drift=float(k), sigma=0.0, span=10.0, df=9, name=f"m{k}") for k in range(3)
    )
    w = np.array([0.2, 0.5, 0.3])
    mix = WageMixture(fits, w)
    n = 20_000
    d = mix.simulate(1, n, np.random.default_rng(8), uncertainty=False)
    model = np.rint(d[:, 0]).astype(int)  # sigma 0: a path's value is its model's drift
    share = np.bincount(model, minlength=3) / n
    assert np.all(np.abs(share - w) < 4 * np.sqrt(w * (1 - w) / n))


def test_fitted_mixture_weights_are_inverse_oos_mse() -> None:
    s = np.log(_gap_series(first=2005))
    mix = fit_mixture(s)
    assert mix.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(mix.weights > 0)
    e = mix.errors
    assert 2020 not in set(e["origin"]) and 2020 not in set(e["origin"] + e["horizon"])
    inv = np.array([1 / np.mean(e.loc[e["model"] == m, "error"] ** 2) for m in mix.names])
    np.testing.assert_allclose(mix.weights, inv / inv.sum(), rtol=1e-12)


# -- backtest with a missing year ---------------------------------------------------------------


def test_backtest_runs_on_a_series_with_2020_missing() -> None:
    s = _gap_series(first=2005)
    bt = backtest_candidates(s, first_origin=2016, n_paths=300, name="w")
    rec = bt.records
    assert 2020 not in set(rec["origin"])
    assert 2020 not in set(rec["origin"] + rec["horizon"])
    tab = bt.table()
    models = {q.split(":")[1] for q in tab.index.get_level_values("quantity")}
    assert models == {"ar", "rw_drift", "uc_lltrend", "oos_mixture"}
    # origins 2016-2019 and 2021 (2020 is missing), targets up to 2022 that are observed:
    # h = 1: 2017, 2018, 2019, 2022; h = 2: 2018, 2019, 2021; h = 3: 2019, 2021, 2022
    assert [int(tab.loc[("w:rw_drift", k), "n"]) for k in (1, 2, 3)] == [4, 3, 3]
    assert ((tab["cover_95"] >= tab["cover_80"]) & (tab["ratio"] > 0)).all()
    # the existing univariate backtest also accepts the gap
    b2 = backtest_series(s, first_origin=2016, n_paths=200)
    assert 2020 not in set(b2.records["origin"] + b2.records["horizon"])


# -- the model form ----------------------------------------------------------------------------


def test_oos_mixture_form_changes_only_the_wage(tmp_path: Path) -> None:
    p = tmp_path / "economy.toml"
    p.write_text(
        '[spec]\nid = "assumptions.economy"\nversion = "1"\n[model.form]\n'
        'value = "oos_mixture"\nunit = "-"\nbasis = "standard"\nnote = "t"\n',
        encoding="utf-8",
    )
    spec = EconomySpec.parse(read_assumption_file(p))
    assert spec.form == "oos_mixture"
    p.write_text(p.read_text(encoding="utf-8").replace("oos_mixture", "mixture"), encoding="utf-8")
    with pytest.raises(InputError, match=r"model\.form"):
        EconomySpec.parse(read_assumption_file(p))
    fr = province_frames(n_regions=3)
    h = EconomyHistory.from_frames(fr["economy"], fr["economy_region"], fr["exposure"])
    base = EconomyModel(EconomySpec()).fit(h)
    mix = EconomyModel(spec).fit(h)
    assert mix.params.wage_mixture is not None and base.params.wage_mixture is None
    years = range(2026, 2029)
    a = base.simulate(years, 300, np.random.default_rng(2))
    b = mix.simulate(years, 300, np.random.default_rng(2))
    for v in (
        "employment",
        "cpi_growth",
        "deposit_rate",
        "coverage_rate",
        "collection_rate",
        "national_disposable_income",
    ):
        np.testing.assert_array_equal(a[v].values, b[v].values)
    assert not np.array_equal(a["wage_growth"].values, b["wage_growth"].values)
    # the provincial wage is the base wage grown by the mixture's growth
    w = b.avg_wage_province.values
    np.testing.assert_allclose(w[:, 1] / w[:, 0], 1 + b.wage_growth.values[:, 1], rtol=1e-12)
    assert "oos_mixture" in b.attrs["growth_form"]
