"""The fast fits equal the textbook statsmodels fits they replace.

- outcome mix: the cumulative-logit MLE on the class × outcome count table equals
  ``statsmodels`` ``OrderedModel`` on the claim records;
- severity: the gamma GLM on (outcome, accident-year) means with ``var_weights`` equals the
  claim-level ``statsmodels`` gamma GLM;
- incidence: a Poisson history with a known trend is recovered within two standard errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from actuary.claims.incidence import fit_incidence
from actuary.claims.outcome import SEVERITY_ORDER, fit_outcome_mix
from actuary.claims.severity import fit_severity
from actuary.dims import OUTCOMES


def test_ordinal_equals_statsmodels_ordered_model() -> None:
    rng = np.random.default_rng(4)
    n = 3000
    cls = rng.integers(1, 9, n)
    p = np.array([0.6, *[0.03] * 10, 0.1])
    y = rng.choice(list(SEVERITY_ORDER), size=n, p=p / p.sum())
    fit = fit_outcome_mix(pd.DataFrame({"industry_class": cls, "outcome": y}))
    x = pd.DataFrame({f"c{c}": (cls == c).astype(float) for c in range(2, 9)})
    endog = pd.Series(pd.Categorical(y, categories=list(SEVERITY_ORDER), ordered=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = OrderedModel(endog, x, distr="logit").fit(method="bfgs", disp=False, maxiter=1000)
    # same maximum (ours at least as high: statsmodels' BFGS stops a little earlier)
    assert fit.comparison.loc["ordinal", "loglik"] == pytest.approx(float(ref.llf), rel=1e-7)
    assert fit.comparison.loc["ordinal", "loglik"] >= float(ref.llf) - 1e-6
    xp = pd.DataFrame(np.vstack([np.zeros(7), np.eye(7)]), columns=x.columns)
    ref_p = ref.model.predict(ref.params, exog=xp.to_numpy())
    mine = fit.ordinal[list(SEVERITY_ORDER)].to_numpy()
    assert mine == pytest.approx(ref_p, abs=2e-4)
    # the multinomial shares are the empirical shares
    c1 = y[cls == 1]
    assert fit.multinomial.loc[1, "death"] == pytest.approx(np.mean(c1 == "death"))


def test_grouped_gamma_glm_equals_claim_level_fit() -> None:
    rng = np.random.default_rng(8)
    n = 4000
    outc = rng.choice(["medical_only", "grade_9", "death"], size=n, p=[0.7, 0.2, 0.1])
    ay = rng.integers(2015, 2023, n)
    mu = {"medical_only": 2.0, "grade_9": 7.0, "death": 9.0}
    m = np.array([mu[o] for o in outc]) * np.exp(-0.02 * (ay - 2022))
    y = rng.gamma(1.5, m / 1.5)
    df = pd.DataFrame({"outcome": outc, "ay": ay, "medical_costs": y})
    fit = fit_severity(df, ("medical_costs",), ref_year=2022)
    x = pd.get_dummies(pd.Series(outc)).astype(float)[["death", "grade_9", "medical_only"]]
    x["t"] = ay - 2022
    ref = sm.GLM(y, x, family=sm.families.Gamma(sm.families.links.Log())).fit()
    for o in ("death", "grade_9", "medical_only"):
        assert fit.mean[0, OUTCOMES.index(o)] == pytest.approx(np.exp(ref.params[o]), rel=1e-6)
    assert fit.trend[0] == pytest.approx(ref.params["t"], rel=1e-5)
    assert 1 / fit.shape[0] == pytest.approx(ref.scale, rel=1e-5)  # Pearson dispersion


def test_incidence_recovers_a_known_trend() -> None:
    rng = np.random.default_rng(2)
    rows, claims = [], []
    for y in range(2012, 2026):
        for r in ("220100", "220200"):
            for c in (1, 5):
                w = 50000.0
                lam = w * 0.004 * (2.0 if c == 5 else 1.0) * np.exp(-0.03 * (y - 2025))
                k = rng.poisson(lam)
                rows.append({"year": y, "region": r, "industry_class": c, "covered_workers": w})
                claims += [
                    {
                        "accident_date": f"{y}-06-01",
                        "recognition_date": f"{y}-07-01",
                        "region": r,
                        "industry_class": c,
                        "event_id": "",
                    }
                ] * k
    fit = fit_incidence(pd.DataFrame(claims), pd.DataFrame(rows), 2025)
    assert abs(fit.trend - (-0.03)) < 2.5 * fit.trend_se
    assert fit.class_effect[5] == pytest.approx(np.log(2.0), abs=0.05)
    assert (
        fit.comparison.loc["poisson", "aic"] <= fit.comparison.loc["negative_binomial", "aic"] + 2.5
    )


def test_profile_pricing_scales_with_the_area_wage() -> None:
    # The model prices the claimant profile once per year at a reference wage and scales by each
    # path's A (and D): check against pricing the same claimants directly at A = 8,765.4 and
    # D = 61,234 with actuary.benefits.price_benefits (the calculator's own code).
    from actuary.benefits import price_benefits
    from actuary.claims.profiles import profile_multipliers
    from actuary.params import load_parameters

    rng = np.random.default_rng(1)
    n = 300
    codes = rng.integers(1, 12, n)
    prof = pd.DataFrame(
        {
            "outcome": [OUTCOMES[c] for c in codes],
            "code": codes,
            "ratio": rng.uniform(0.3, 4.0, n),
            "age": rng.uniform(20, 62, n),
            "group": rng.choice(["male", "female_worker", "female_staff"], n),
            "nursing": rng.choice(["none", "full", "most", "partial"], n),
            "nursing_code": 0,
            "leaves": rng.random(n) < 0.5,
            "n_spouse": rng.integers(0, 2, n),
            "n_other": rng.integers(0, 3, n),
            "n_dep": 0,
            "weight": 1.0,
        }
    )
    prof["n_dep"] = prof["n_spouse"] + prof["n_other"]
    params = load_parameters()
    m = profile_multipliers(prof, params, 2027)
    a, d = 8765.4, 61234.0
    when = np.datetime64("2027-07-01", "D")
    birth = when - (prof["age"].to_numpy() * 365.25).astype("int64").astype("timedelta64[D]")
    pb = price_benefits(
        prof["outcome"].to_numpy(),
        prof["ratio"].to_numpy() * a,
        a,
        when,
        birth_date=birth,
        retirement_group=prof["group"].to_numpy(),
        nursing=prof["nursing"].to_numpy(),
        leaves_employment=prof["leaves"].to_numpy(),
        n_spouse=prof["n_spouse"].to_numpy(),
        n_other=prof["n_other"].to_numpy(),
        national_income_prev_year=d,
        parameters=params,
    ).fund_paid()
    for item in ("disability_lump_sum", "medical_lump_sum", "funeral_grant"):
        direct = pd.Series(pb[item]).groupby(codes).mean()
        assert (m[item][direct.index] * a) == pytest.approx(direct.to_numpy(), rel=1e-9), item
    direct = pd.Series(pb["death_lump_sum"]).groupby(codes).mean()
    assert m["death_lump_sum_D"][direct.index] * d == pytest.approx(direct.to_numpy(), rel=1e-9)
    direct = pd.Series(pb["survivor_pension"]).groupby(codes).mean()
    assert m["survivor_amount"][direct.index] * a == pytest.approx(direct.to_numpy(), rel=1e-9)
