"""Processes: fits recover known parameters; simulated moments match the analytic moments.

Reference values: the data-generating parameters set in the tests (an independent truth), the
AR(1)/VAR(1) moment formulas E[y_h] = mu + A^h (y_0 - mu), Var[y_h] = sum_{j<h} A^j S A^j'
(Hamilton 1994, ch. 10), worked here with numpy independently of the code under test, and the
standard errors of a sample mean (sd/sqrt(n)) and of a sample variance (~ var*sqrt(2/(n-1))).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from economy_data import fixed_params

from actuary.economy.processes import (
    GROWTH_SERIES,
    CoverageProcess,
    GrowthSystem,
    PanelAR,
)

NAMES = list(GROWTH_SERIES)


def _simulate_truth(
    a: np.ndarray, mu: np.ndarray, cov: np.ndarray, n: int, seed: int
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    k = len(mu)
    chol = np.linalg.cholesky(cov)
    y = np.empty((n, k))
    y[0] = mu
    for t in range(1, n):
        y[t] = mu + a @ (y[t - 1] - mu) + chol @ rng.standard_normal(k)
    return y


def _frame(y: np.ndarray) -> pd.DataFrame:
    # published scale: log-growth series go through expm1
    cols = {}
    for i, n in enumerate(NAMES):
        cols[n] = np.expm1(y[:, i]) if GROWTH_SERIES[n] else y[:, i]
    return pd.DataFrame(cols, index=np.arange(1800, 1800 + len(y)))


def test_ar_form_recovers_parameters_on_a_long_series() -> None:
    mu = np.array([0.06, 0.005, 0.02, 0.015, 0.05])
    a = np.diag([0.6, 0.0, 0.4, 0.8, 0.0])
    sd = np.array([0.02, 0.01, 0.008, 0.002, 0.01])
    cov = np.diag(sd**2)
    cov[0, 1] = cov[1, 0] = 0.5 * sd[0] * sd[1]
    y = _simulate_truth(a, mu, cov, 600, seed=1)
    res = GrowthSystem(form="ar").fit(_frame(y))
    p = res.params
    np.testing.assert_allclose(np.diag(p.ar), np.diag(a), atol=0.1)
    # sd of the sample mean of an AR(1): sigma / ((1 - phi) sqrt(n))
    np.testing.assert_allclose(
        p.mean, mu, rtol=0, atol=float(np.max(4 * sd / ((1 - np.diag(a)) * np.sqrt(600))))
    )
    np.testing.assert_allclose(np.sqrt(np.diag(p.cov)), sd, rtol=0.1)
    corr = p.cov[0, 1] / np.sqrt(p.cov[0, 0] * p.cov[1, 1])
    assert corr == pytest.approx(0.5, abs=0.1)


def test_auto_picks_var_when_cross_dynamics_are_strong() -> None:
    mu = np.array([0.06, 0.005, 0.02, 0.015, 0.05])
    a = np.diag([0.3, 0.2, 0.3, 0.5, 0.2])
    a[0, 2] = 0.9  # wage growth follows last year's CPI
    a[4, 0] = 0.6
    sd = np.array([0.01, 0.01, 0.01, 0.002, 0.01])
    y = _simulate_truth(a, mu, np.diag(sd**2), 300, seed=2)
    res = GrowthSystem(form="auto").fit(_frame(y))
    assert res.params.form == "var1"
    assert bool(res.selection.loc["var1", "chosen"])
    assert res.params.ar[0, 2] == pytest.approx(0.9, abs=0.2)


def test_auto_picks_univariate_ar_on_short_independent_series() -> None:
    mu = np.array([0.06, 0.005, 0.02, 0.015, 0.05])
    y = _simulate_truth(
        np.diag([0.3, 0, 0, 0.8, 0]), mu, np.diag([4e-4, 1e-4, 6e-5, 4e-6, 1e-4]), 16, seed=3
    )
    res = GrowthSystem().fit(_frame(y))
    assert res.params.form == "ar"
    assert set(res.diagnostics.columns) >= {"ljung_box_p", "jarque_bera_p", "shapiro_p"}


def test_simulated_moments_match_analytic_moments() -> None:
    params = fixed_params()
    g = params.growth
    n = 40_000
    sim = g.simulate(range(2026, 2031), n, np.random.default_rng(7), uncertainty=False)
    # independent analytic moments (numpy, not the code's moments())
    p = g.params
    mu, a, s, y0 = p.mean, p.ar, p.cov, g.initial
    acc = np.zeros_like(s)
    ah = np.eye(len(mu))
    for h in range(5):
        acc = acc + ah @ s @ ah.T
        ah = ah @ a
        m_h = mu + ah @ (y0 - mu)
        x = sim[:, h]
        se_mean = np.sqrt(np.diag(acc) / n)
        assert np.all(np.abs(x.mean(axis=0) - m_h) < 4 * se_mean)
        var = x.var(axis=0, ddof=1)
        se_var = np.diag(acc) * np.sqrt(2 / (n - 1))
        assert np.all(np.abs(var - np.diag(acc)) < 4 * se_var)
        c01 = np.cov(x[:, 0], x[:, 1])[0, 1]
        se_c = np.sqrt((acc[0, 0] * acc[1, 1] + acc[0, 1] ** 2) / n)
        assert abs(c01 - acc[0, 1]) < 4 * se_c
    # and the code's own moments() agree with the formula
    m_code, c_code = g.moments(5)
    np.testing.assert_allclose(c_code[-1], acc, rtol=1e-12)
    np.testing.assert_allclose(m_code[-1], m_h, rtol=1e-12)


def test_parameter_uncertainty_widens_the_fan() -> None:
    mu = np.array([0.06, 0.005, 0.02, 0.015, 0.05])
    y = _simulate_truth(
        np.diag([0.5, 0, 0, 0.8, 0]), mu, np.diag([4e-4, 1e-4, 6e-5, 4e-6, 1e-4]), 16, seed=4
    )
    res = GrowthSystem(form="ar").fit(_frame(y))
    rng = np.random.default_rng(0)
    with_u = res.simulate(range(2026, 2036), 20_000, rng, uncertainty=True)
    without = res.simulate(range(2026, 2036), 20_000, np.random.default_rng(0), uncertainty=False)
    lvl_u = with_u[:, :, 0].cumsum(axis=1)[:, -1]
    lvl_0 = without[:, :, 0].cumsum(axis=1)[:, -1]
    assert lvl_u.std() > 1.1 * lvl_0.std()


def test_panel_ar_recovers_pooled_coefficient() -> None:
    rng = np.random.default_rng(5)
    u = np.zeros((40, 12))
    for t in range(1, 40):
        u[t] = -0.4 * u[t - 1] + 0.03 * rng.standard_normal(12)
    res = PanelAR().fit(pd.DataFrame(u))
    assert res.params.ar1 == pytest.approx(-0.4, abs=3 * res.params.ar1_se)
    assert res.params.sigma == pytest.approx(0.03, rel=0.1)


def test_coverage_fit_recovers_speed_and_saturation() -> None:
    # c_t = c_{t-1} + 0.2 (0.9 - c_{t-1}) + small noise (the model's own equation, known truth)
    rng = np.random.default_rng(6)
    c = np.empty((16, 12))
    c[0] = rng.uniform(0.3, 0.5, 12)
    for t in range(1, 16):
        c[t] = c[t - 1] + 0.2 * (0.9 - c[t - 1]) + 0.003 * rng.standard_normal(12)
    res = CoverageProcess().fit(pd.DataFrame(c), c[-1])
    assert res.params.speed == pytest.approx(0.2, abs=0.03)
    assert res.params.fitted_saturation == pytest.approx(0.9, abs=0.02)
    sched = res.scheduled(3)
    expect = 0.9 - (0.9 - c[-1]) * (1 - res.params.speed) ** 3
    np.testing.assert_allclose(
        sched[-1], res.params.target - (res.params.target - c[-1]) * (1 - res.params.speed) ** 3
    )
    assert np.max(np.abs(sched[-1] - expect)) < 0.02


@pytest.mark.parametrize("form", ["ar", "var1"])
def test_fitted_model_moments_match_simulation(form: str) -> None:
    # fit on a long series with cross-dynamics, then compare simulated moments of y_{T+h} with
    # the fitted parameters' analytic moments (numpy, Hamilton 1994 ch. 10)
    mu = np.array([0.06, 0.005, 0.02, 0.015, 0.05])
    a = np.diag([0.5, 0.2, 0.3, 0.7, 0.2])
    a[0, 2] = 0.4
    sd = np.array([0.02, 0.01, 0.008, 0.002, 0.01])
    y = _simulate_truth(a, mu, np.diag(sd**2), 200, seed=9)
    res = GrowthSystem(form=form).fit(_frame(y))
    p = res.params
    assert p.form == form
    n = 30_000
    sim = res.simulate(range(2026, 2030), n, np.random.default_rng(3), uncertainty=False)
    acc = np.zeros((5, 5))
    ah = np.eye(5)
    for h in range(4):
        acc = acc + ah @ p.cov @ ah.T
        ah = ah @ p.ar
        m_h = p.mean + ah @ (res.initial - p.mean)
        x = sim[:, h]
        assert np.all(np.abs(x.mean(axis=0) - m_h) < 4 * np.sqrt(np.diag(acc) / n))
        var = x.var(axis=0, ddof=1)
        assert np.all(np.abs(var - np.diag(acc)) < 4 * np.diag(acc) * np.sqrt(2 / (n - 1)))


def test_kendall_bias_correction_formula() -> None:
    # phi_bc = (T phi_hat + 1) / (T - 3) (Kendall 1954, AR(1) with intercept), mean unchanged
    mu = np.array([0.06, 0.005, 0.02, 0.015, 0.05])
    y = _simulate_truth(
        np.diag([0.6, 0.5, 0.4, 0.7, 0.5]), mu, np.diag([4e-4, 1e-4, 6e-5, 4e-6, 1e-4]), 40, seed=11
    )
    plain = GrowthSystem(form="ar").fit(_frame(y))
    corr = GrowthSystem(form="ar", bias_correct=True).fit(_frame(y))
    t = len(y) - 1  # residuals: the first observation is held back for the lag
    for i in range(5):
        phi = plain.params.ar[i, i]
        if phi == 0.0:  # AR(0) chosen: nothing to correct
            assert corr.params.ar[i, i] == 0.0
            continue
        expect = min((t * phi + 1) / (t - 3), 0.95)
        assert corr.params.ar[i, i] == pytest.approx(expect, rel=1e-12)
        assert corr.params.mean[i] == pytest.approx(plain.params.mean[i], rel=1e-12)


def test_panel_ar_moments_match_closed_form() -> None:
    # u_h = phi^h u_0 + sum_j phi^j tau eta: mean phi^h u_0, variance tau^2 sum_{j<h} phi^(2j)
    from actuary.economy.processes import PanelARParams

    u0 = np.array([0.2, -0.1, 0.0])
    res = PanelAR().fix(PanelARParams(0.6, 0.05), u0, ("a", "b", "c"))
    n = 40_000
    sim = res.simulate(range(2026, 2030), n, np.random.default_rng(2), uncertainty=False)
    for h in range(1, 5):
        mean = 0.6**h * u0
        var = 0.05**2 * sum(0.6 ** (2 * j) for j in range(h))
        x = sim[:, h - 1]
        assert np.all(np.abs(x.mean(axis=0) - mean) < 4 * np.sqrt(var / n))
        assert np.all(np.abs(x.var(axis=0, ddof=1) - var) < 4 * var * np.sqrt(2 / (n - 1)))
