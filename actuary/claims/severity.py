"""Severity of the non-formula items (medical costs, hospital meals, appraisal fees).

For claim *i* with outcome *o* and item *j*, the ultimate cost relative to the pooling area's
previous-year average monthly wage of its accident year, :math:`y_{ij} = X_{ij} / A_{t(i)}`,
is modelled as

.. math::

    P(X_{ij} > 0) = \\pi_{jo}, \\qquad
    y_{ij} \\mid y_{ij} > 0 \\sim \\text{Gamma}(\\text{mean } \\mu_{ij},\\ \\text{shape } k_j),
    \\quad \\log \\mu_{ij} = \\beta_{jo} + \\tau_j (t(i) - t_{\\text{ref}}),

a gamma GLM with log link (statsmodels; :math:`\\tau_j` is the accident-year trend of the
cost relative to wages, e.g. medical costs growing more slowly than the average wage), fitted
on the accident years whose payments are at least ``min_developed`` complete according to the
item's chain-ladder pattern (each claim's paid-to-date divided by the fraction paid at its
age). Costs are thus indexed to wages (with the trend); ``excess_inflation`` in the model file
adds medical inflation above that.

Items whose price is a fixed yuan amount set by a fee schedule (劳动能力鉴定费: the synthetic
history pays a flat 400 yuan at grading plus 300 for the 20 % reviewed the next year, 460 yuan
per graded claim in every accident year) are not wage-indexed: for these ``nominal`` items
:math:`y_{ij} = X_{ij}` in yuan and :math:`\tau_j` is the nominal trend. Dividing a flat fee by
a growing wage would put the history's wage growth into :math:`\tau_j` (≈ −9 %/yr on
2010–2023) and carry it into the projection, where wages grow more slowly than the trend
assumes: the fee per claim would fall in yuan although the schedule has not changed.

The aggregate cost of :math:`N` claims of a cell is one draw: with
:math:`N^+ \\sim \\text{Binomial}(N, \\pi)`, :math:`\\sum X = A \\cdot \\text{Gamma}(N^+ k, \\mu/k)`
(a sum of independent Gammas with a common scale is a Gamma).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from actuary.dims import OUTCOMES

__all__ = ["SeverityFit", "fit_severity"]


@dataclass
class SeverityFit:
    """Per item: probability of a positive cost, mean and gamma shape, by outcome."""

    items: tuple[str, ...]
    p_positive: np.ndarray  # (item, outcome)
    mean: np.ndarray  # (item, outcome): mean cost / A among positive claims
    shape: np.ndarray  # (item,)
    n_claims: np.ndarray  # (item, outcome): claims used
    table: pd.DataFrame  # tidy summary
    trend: np.ndarray  # (item,): log-linear accident-year trend of cost / A
    trend_se: np.ndarray
    ref_year: int  # accident year at which ``mean`` is stated
    #: per item: "A" (cost relative to the area wage A) or "yuan" (nominal fee-schedule item)
    unit: tuple[str, ...] = ()
    #: (item, outcome + 1, outcome + 1): asymptotic covariance of the gamma-GLM coefficients
    #: (statsmodels ``cov_params()``) laid out as log mean of each outcome, then the trend;
    #: zero rows for coefficients not estimated (the sampling distribution of parameter
    #: uncertainty, :mod:`actuary.claims.uncertainty`)
    coef_cov: np.ndarray | None = None

    def is_nominal(self, item: str) -> bool:
        """Whether ``item`` is modelled in yuan (not relative to the area wage)."""
        return bool(self.unit) and self.unit[self.items.index(item)] == "yuan"

    def expected(self, ay: int | None = None) -> np.ndarray:
        """Expected cost per claim / A (in yuan for nominal items), (item, outcome), at
        accident year ``ay`` (default the reference year) with the fitted trend."""
        f = 1.0 if ay is None else np.exp(self.trend * (ay - self.ref_year))[:, None]
        return self.p_positive * self.mean * f


def fit_severity(
    per_claim: pd.DataFrame,
    items: tuple[str, ...],
    default_shape: float = 1.0,
    trend: bool = True,
    ref_year: int | None = None,
    nominal: tuple[str, ...] = (),
) -> SeverityFit:
    """Fit the severity GLMs.

    Parameters
    ----------
    per_claim
        One row per (mature) claim: ``outcome``, ``ay`` (accident year) and, per item, the
        developed cost relative to the area wage in a column named after the item.
    items
        Item columns to fit.
    trend
        Include a log-linear accident-year trend :math:`\\tau` (cost relative to wages).
    ref_year
        Year at which the means are stated (:math:`t = ay - ref\\_year`); default the
        latest accident year in ``per_claim``.
    nominal
        Items whose column holds the developed cost in yuan (fee-schedule items) rather than
        relative to the area wage; only the ``unit`` label differs, the fit is the same.
    """
    n_o = len(OUTCOMES)
    p_pos = np.zeros((len(items), n_o))
    mean = np.zeros((len(items), n_o))
    shape = np.full(len(items), default_shape)
    n_cl = np.zeros((len(items), n_o))
    trend_coef = np.zeros(len(items))
    trend_se = np.zeros(len(items))
    coef_cov = np.zeros((len(items), n_o + 1, n_o + 1))
    ay = per_claim["ay"].to_numpy(int) if "ay" in per_claim else np.zeros(len(per_claim), int)
    ref = int(ay.max()) if ref_year is None and ay.size else int(ref_year or 0)
    t = (ay - ref).astype(float)
    rows = []
    outc = per_claim["outcome"].astype(str)
    for j, item in enumerate(items):  # a handful of items
        y = per_claim[item].to_numpy(float)
        tot = outc.value_counts().reindex(list(OUTCOMES), fill_value=0).to_numpy(float)
        pos = y > 0
        npos = outc[pos].value_counts().reindex(list(OUTCOMES), fill_value=0).to_numpy(float)
        p_pos[j] = np.divide(npos, tot, out=np.zeros(n_o), where=tot > 0)
        n_cl[j] = tot
        if pos.sum() >= 2:
            code = pd.Categorical(outc[pos], categories=list(OUTCOMES)).codes
            yy = y[pos]
            tt = t[pos]
            # The claim-level gamma GLM with covariates constant within (outcome, accident
            # year) groups has the same estimates as the GLM on the group means with
            # var_weights = group size (the score equations involve the data only through
            # the group sums), so the fit runs on the grouped table.
            g = (
                pd.DataFrame({"o": code, "t": tt, "y": yy})
                .groupby(["o", "t"])["y"]
                .agg(["mean", "size"])
                .reset_index()
            )
            present = sorted(int(x) for x in g["o"].unique())
            x = np.zeros((len(g), len(present) + (1 if trend else 0)))
            for i, oc in enumerate(present):
                x[:, i] = (g["o"] == oc).to_numpy(float)
            if trend and g["t"].nunique() > 1:
                x[:, -1] = g["t"].to_numpy(float)
            elif trend:
                x = x[:, :-1]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sm.GLM(
                    g["mean"].to_numpy(),
                    x,
                    family=sm.families.Gamma(sm.families.links.Log()),
                    var_weights=g["size"].to_numpy(float),
                ).fit()
            beta = np.asarray(res.params)
            for i, oc in enumerate(present):
                mean[j, oc] = float(np.exp(beta[i]))
            if x.shape[1] > len(present):
                trend_coef[j] = float(beta[-1])
                trend_se[j] = float(np.asarray(res.bse)[-1])
            mu_i = mean[j][code] * np.exp(trend_coef[j] * tt)
            k = x.shape[1]
            phi = float(res.scale)
            if pos.sum() > k:
                phi_claims = float((((yy - mu_i) / mu_i) ** 2).sum() / (pos.sum() - k))
                if phi_claims > 0:
                    shape[j] = 1.0 / phi_claims
                    phi = phi_claims
            # covariance of the claim-level fit: (X'WX)^-1 of the grouped fit (the same
            # information) times the claim-level Pearson dispersion
            scale = float(res.scale)
            cv = np.asarray(res.cov_params(), float) * (phi / scale if scale > 0 else 1.0)
            if np.all(np.isfinite(cv)):
                at = [*present, n_o][: x.shape[1]]
                coef_cov[j][np.ix_(at, at)] = cv
        for o_i, o in enumerate(OUTCOMES):
            rows.append(
                {
                    "item": item,
                    "outcome": o,
                    "claims": n_cl[j, o_i],
                    "p_positive": p_pos[j, o_i],
                    "mean_over_A": mean[j, o_i],
                    "unit": "yuan" if item in nominal else "A",
                    "shape": shape[j],
                    "trend": trend_coef[j],
                    "trend_se": trend_se[j],
                }
            )
    return SeverityFit(
        items=tuple(items),
        p_positive=p_pos,
        mean=mean,
        shape=shape,
        n_claims=n_cl,
        table=pd.DataFrame(rows),
        trend=trend_coef,
        trend_se=trend_se,
        ref_year=ref,
        unit=tuple("yuan" if i in nominal else "A" for i in items),
        coef_cov=coef_cov,
    )
