"""Claims parameter uncertainty (``parameter_uncertainty.enabled``, off by default).

Expected values come from outside the code: the Fisher information of a Poisson GLM worked by
hand for the tiny portfolio, the variance of a Poisson count with a lognormal mean (law of total
variance and the lognormal moments), the moments of the Gamma law, and the run without the
option (the option off must leave every number as it was: ``tests/test_golden.py`` holds the
pre-change digests of the default run).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _claims_tiny import REGION, flat_table, tiny_data, tiny_economy, tiny_frames, tiny_spec

from actuary.claims import ClaimsModel, block_generators
from actuary.claims.uncertainty import draw_parameters
from actuary.errors import InputError
from actuary.rng import STREAMS
from actuary.spec import Override, read_assumption_file

ROOT = Path(__file__).resolve().parents[1]
CLAIMS_TOML = ROOT / "models" / "assumptions" / "claims.toml"
K = 10  # copies of each claim of the tiny history: 2 K claims a year per 1,000 workers


def _replicated(k: int) -> pd.DataFrame:
    """Tiny portfolio with every claim (and its payments) ``k`` times."""
    f = tiny_frames()
    c, p = f["claims"], f["payments"]
    claims = pd.concat([c.assign(claim_id=c["claim_id"] + f"_{i}") for i in range(k)])
    pays = pd.concat([p.assign(claim_id=p["claim_id"] + f"_{i}") for i in range(k)])
    return tiny_data(claims=claims.reset_index(drop=True), payments=pays.reset_index(drop=True))


def test_the_option_is_off_in_the_embedded_file_and_has_its_own_stream() -> None:
    spec = ClaimsModel.from_assumptions(read_assumption_file(CLAIMS_TOML)).spec
    assert spec.parameter_uncertainty is False
    assert STREAMS["claims_parameters"] == 9  # a new id: the other streams keep theirs
    assert "claims_parameters" in block_generators(1, 0)


def test_option_off_leaves_a_block_bit_identical(tmp_path: Path) -> None:
    """Off: the same numbers whether or not the parameters stream is offered, and the same as
    a results object that never heard of the option (an override back to false)."""
    table = flat_table(tmp_path / "t.csv")
    res = ClaimsModel(tiny_spec(table, volatility=True)).fit(tiny_data())
    eco = tiny_economy(n_paths=50)
    a = res.simulate(eco, block_generators(7, 0))
    gens = block_generators(7, 0)
    del gens["claims_parameters"]
    b = res.simulate(eco, gens)
    c = res.simulate(eco, np.random.default_rng(3))
    d = res.simulate(eco, np.random.default_rng(3))
    for v in a.data_vars:
        np.testing.assert_array_equal(a[v].values, b[v].values)
        np.testing.assert_array_equal(c[v].values, d[v].values)
    assert a.attrs["claims_parameter_uncertainty"] == 0


def test_option_on_widens_the_count_fan_by_the_lognormal_variance(tmp_path: Path) -> None:
    """One cell, level and trend drawn per path: Var N = E[λE] + Var(λE)."""
    table = flat_table(tmp_path / "t.csv")
    spec = tiny_spec(
        table,
        volatility=True,
        year_effect=False,
        cell_overdispersion=False,
        parameter_uncertainty=True,
    )
    res = ClaimsModel(spec).fit(_replicated(K))
    # Fisher information of the Poisson GLM log μ_t = b0 + b1 t, t = -5 … 0, fitted exactly
    # (μ_t = 2K observed = fitted): I = Σ_t μ_t [1 t; t t²]; the history fits exactly, so no
    # over-dispersion is estimated and the sandwich covariance is I⁻¹
    t = np.arange(-5, 1, dtype=float)
    info = 2.0 * K * np.array([[t.size, t.sum()], [t.sum(), (t**2).sum()]])
    V = np.linalg.inv(info)
    # (the NB fit's cell alpha is ~1e-6: α μ = 2e-5 of the Poisson variance)
    assert res.incidence.sigma_year == 0.0 and res.incidence.alpha_cell < 1e-5
    np.testing.assert_allclose(res.incidence.coef_cov, V, rtol=1e-4)
    # first projection year 2026: t = 1, log λ ~ N(μ, s²), s² = V00 + V11 + 2 V01
    s2 = V[0, 0] + V[1, 1] + 2 * V[0, 1]
    mu = np.log(2.0 * K / 1000.0)  # claims per worker of the history, no trend
    E = 10_000.0  # covered workers of the projection year
    mean = E * np.exp(mu + s2 / 2)
    var = mean + E**2 * np.expm1(s2) * np.exp(2 * mu + s2)
    n_paths = 20_000
    eco = tiny_economy(years=(2026,), workers=E, n_paths=n_paths)
    ds = res.simulate(eco, block_generators(11, 0))
    n = ds["claim_count"].sum(("region", "outcome")).isel(year=0).values
    # Monte-Carlo standard errors of the sample mean and variance (from the sample's moments)
    d = n - n.mean()
    se_mean = np.sqrt(d.var() / n_paths)
    se_var = np.sqrt((np.mean(d**4) - d.var() ** 2) / n_paths)
    assert abs(n.mean() - mean) < 4 * se_mean
    assert abs(n.var(ddof=1) - var) < 4 * se_var
    # the parameter part dominates here: Poisson alone would give Var N ≈ E[N]
    assert var > 3 * mean and n.var() > 2 * n.mean()
    off = ClaimsModel(replace(spec, parameter_uncertainty=False)).fit(_replicated(K))
    n_off = off.simulate(eco, block_generators(11, 0))["claim_count"].sum(("region", "outcome"))
    n_off = n_off.isel(year=0).values
    assert abs(n_off.var() / n_off.mean() - 1.0) < 0.05  # Poisson: variance = mean
    assert ds.attrs["claims_parameter_uncertainty"] == 1


def test_major_accident_parameters_follow_the_stated_gamma_laws(tmp_path: Path) -> None:
    """Pareto index: n a / a_hat ~ Gamma(n, 1), so E a = a_hat, Var a = a_hat² / n; event
    rate: Gamma(n, rate Y), so E ν = n / Y, Var ν = n / Y²."""
    res = ClaimsModel(tiny_spec(flat_table(tmp_path / "t.csv"), parameter_uncertainty=True)).fit(
        tiny_data()
    )
    n, Y, a_hat = 7, 16, 1.45
    res = replace(
        res, major=replace(res.major, n_events=n, n_years=Y, rate=n / Y, tail_index=a_hat)
    )
    P = 200_000
    d = draw_parameters(res, [REGION], [1, 2, 3, 4, 5, 6, 7, 8], P, np.random.default_rng(5))
    a, nu = d.major_tail_index, d.major_rate
    for x, m, v in ((a, a_hat, a_hat**2 / n), (nu, n / Y, n / Y**2)):
        assert abs(x.mean() - m) < 4 * np.sqrt(v / P)
        # Var of the sample variance of a Gamma(n): (μ4 − σ⁴)/P with μ4 = 3σ⁴(1 + 2/n)
        assert abs(x.var() - v) < 4 * np.sqrt((3 * (1 + 2 / n) - 1) * v**2 / P)
    # the Gamma law itself: n a / a_hat against scipy's Gamma(n) quantiles
    from scipy import stats

    q = np.quantile(n * a / a_hat, [0.1, 0.5, 0.9])
    np.testing.assert_allclose(q, stats.gamma(n).ppf([0.1, 0.5, 0.9]), rtol=0.02)


def test_outcome_shares_are_dirichlet_on_the_counts(tmp_path: Path) -> None:
    """Tiny history: 6 medical-only and 6 grade-8 claims in class 1, so the medical-only share
    is Beta(6, 6): mean 1/2, variance 1/(4 · 13); unseen outcomes stay at 0."""
    res = ClaimsModel(tiny_spec(flat_table(tmp_path / "t.csv"), parameter_uncertainty=True)).fit(
        tiny_data()
    )
    P = 100_000
    d = draw_parameters(res, [REGION], [1, 2, 3, 4, 5, 6, 7, 8], P, np.random.default_rng(9))
    s = d.shares[:, 0, :]
    med = s[:, 0]
    assert abs(med.mean() - 0.5) < 4 * np.sqrt(1 / 52 / P)
    assert abs(med.var() - 1 / 52) < 0.05 / 52
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    grade_8 = list(res.outcome.counts.columns).index("grade_8")
    others = [k for k in range(s.shape[1]) if k not in (0, grade_8)]
    assert np.all(s[:, others] == 0.0)


def test_the_setting_is_recorded_in_params_summary_and_the_projection_attrs() -> None:
    from _projection_fitted import small

    from actuary.projection import project

    run, data, models = small()
    name = run.scenario_names[0]
    m = models[name]
    assert m.claims.params["parameter_uncertainty"]["enabled"] is False
    assert "parameter uncertainty: off" in m.claims.summary()
    on = replace(
        m, claims=m.claims.with_overrides([Override("parameter_uncertainty.enabled", True, "t")])
    )
    assert on.claims.params["parameter_uncertainty"]["enabled"] is True
    assert "parameter uncertainty: on" in on.claims.summary()
    for mm, word in ((m, "off"), (on, "on")):
        p = project(run, n_paths=5, scenarios=[name], data=data, models={name: mm})
        assert p.data.attrs["claims_parameter_uncertainty"] == f"{name}: {word}"


@pytest.mark.parametrize(
    ("new", "key", "match"),
    [
        ("value = 1.5", "parameter_uncertainty.enabled", "true or false"),
        (None, "parameter_uncertainty.enable", "unknown key"),
    ],
)
def test_bad_setting_names_file_and_key(
    tmp_path: Path, new: str | None, key: str, match: str
) -> None:
    text = CLAIMS_TOML.read_text(encoding="utf-8")
    head = "[parameter_uncertainty.enabled]\nvalue = false"
    assert head in text
    repl = (
        head.replace("value = false", new)
        if new is not None
        else head.replace("enabled]", "enable]")
    )
    f = tmp_path / "claims.toml"
    f.write_text(text.replace(head, repl), encoding="utf-8")
    with pytest.raises(InputError, match=match) as e:
        ClaimsModel.from_assumptions(read_assumption_file(f))
    assert e.value.field == key and "claims.toml" in str(e.value)


def test_severity_and_ordinal_covariances_equal_statsmodels_on_claim_records() -> None:
    """The drawn laws' covariances: the grouped gamma GLM's equals the claim-level statsmodels
    ``GLM.cov_params()``; the cumulative-logit one equals ``OrderedModel.cov_params()`` (the
    same parametrisation: class effects, first cut point, log increments)."""
    import warnings

    import statsmodels.api as sm
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    from actuary.claims.outcome import SEVERITY_ORDER, fit_outcome_mix
    from actuary.claims.severity import fit_severity
    from actuary.dims import OUTCOMES

    rng = np.random.default_rng(8)
    n = 4000
    outc = rng.choice(["medical_only", "grade_9", "death"], size=n, p=[0.7, 0.2, 0.1])
    ay = rng.integers(2015, 2023, n)
    mu = {"medical_only": 2.0, "grade_9": 7.0, "death": 9.0}
    y = rng.gamma(1.5, np.array([mu[o] for o in outc]) * np.exp(-0.02 * (ay - 2022)) / 1.5)
    fit = fit_severity(
        pd.DataFrame({"outcome": outc, "ay": ay, "medical_costs": y}),
        ("medical_costs",),
        ref_year=2022,
    )
    x = pd.get_dummies(pd.Series(outc)).astype(float)[["death", "grade_9", "medical_only"]]
    x["t"] = ay - 2022
    ref = sm.GLM(y, x, family=sm.families.Gamma(sm.families.links.Log())).fit()
    at = [OUTCOMES.index(o) for o in ("death", "grade_9", "medical_only")] + [len(OUTCOMES)]
    assert fit.coef_cov is not None
    np.testing.assert_allclose(
        fit.coef_cov[0][np.ix_(at, at)], np.asarray(ref.cov_params()), rtol=1e-4, atol=1e-12
    )

    cls = rng.integers(1, 9, n)
    p = np.array([0.6, *[0.03] * 10, 0.1])
    yo = rng.choice(list(SEVERITY_ORDER), size=n, p=p / p.sum())
    of = fit_outcome_mix(pd.DataFrame({"industry_class": cls, "outcome": yo}))
    xo = pd.DataFrame({f"c{c}": (cls == c).astype(float) for c in range(2, 9)})
    endog = pd.Series(pd.Categorical(yo, categories=list(SEVERITY_ORDER), ordered=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        om = OrderedModel(endog, xo, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    assert of.ordinal_cov is not None
    se_ref = np.sqrt(np.diag(np.asarray(om.cov_params())))
    np.testing.assert_allclose(np.sqrt(np.diag(of.ordinal_cov)), se_ref, rtol=0.02)
    # draws at the estimate reproduce the fitted shares
    assert of.ordinal is not None and of.ordinal_coef is not None
    np.testing.assert_allclose(
        of.ordinal_draws(of.ordinal_coef[None, :])[0], of.ordinal.to_numpy(), rtol=1e-12
    )


def test_incidence_covariance_counts_the_year_effect() -> None:
    """With a random year effect the Poisson MLE's covariance is the sandwich; checked against
    the spread of the estimates over replicated histories (the model simulated by hand)."""
    from actuary.claims.incidence import fit_incidence

    rng = np.random.default_rng(21)
    years = np.arange(2010, 2026)
    w, lam, sd_y = 100_000.0, 0.004, 0.15
    est, cov = [], []
    for _ in range(100):
        ye = np.exp(rng.normal(-0.5 * sd_y**2, sd_y, years.size))
        claims, expo = [], []
        for y, e in zip(years, ye, strict=True):
            expo.append({"year": y, "region": REGION, "industry_class": 1, "covered_workers": w})
            k = rng.poisson(w * lam * e)
            claims += [{"accident_date": f"{y}-03-01", "recognition_date": f"{y}-03-02"}] * k
        c = pd.DataFrame(claims).assign(region=REGION, industry_class=1, event_id="")
        fit = fit_incidence(c, pd.DataFrame(expo), 2025, max_lag=1)
        est.append(fit.trend)
        assert fit.coef_cov is not None
        k = list(fit.coef_names).index("t")
        cov.append(fit.coef_cov[k, k])
    sd_emp = float(np.std(est, ddof=1))
    # Monte-Carlo: the sd of 100 estimates (relative s.e. 7 %) lies within ±25 % of the truth
    assert 0.75 < np.sqrt(np.mean(cov)) / sd_emp < 1.33
    # the plain Poisson covariance would be far too narrow here
    mu = w * lam
    t = years - years.mean()
    assert np.sqrt(1 / (mu * (t**2).sum())) < 0.5 * sd_emp
