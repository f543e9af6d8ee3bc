"""Incidence of recognised work injuries per covered worker: a GLM with an exposure offset.

Model (one cell = accident year *t* × region *r* × industry class *c*):

.. math::

    N_{trc} \\sim \\text{Poisson}(\\lambda_{trc} \\, Y_t \\, G_{trc}), \\qquad
    \\log \\lambda_{trc} = \\log(E_{trc} \\, \\pi_{T-t}) + \\alpha_c + \\rho_r + \\beta (t - t_0)

with :math:`E` the covered workers (``exposure.csv``), :math:`\\pi_k` the share of an accident
year's claims recognised within *k* years (so the latest, incompletely recognised accident
years enter with a smaller offset instead of biasing the trend), :math:`\\alpha_c` the class
effect, :math:`\\rho_r` the region effect and :math:`\\beta` the log-linear trend.

Over-dispersion has two parts:

- a **random year effect** :math:`Y_t` (mean 1, variance :math:`\\sigma_Y^2`) common to all
  cells of a year, estimated by the method of moments on year totals of the Poisson fit:
  :math:`\\hat\\sigma_Y^2 = \\max\\{0, \\overline{[(O_t - E_t)^2 - E_t] / E_t^2}\\}`, because
  :math:`\\operatorname{Var} O_t = E_t + \\sigma_Y^2 E_t^2` under the model;
- a **cell effect** :math:`G_{trc}` (Gamma, mean 1, variance :math:`\\alpha`): the NB2 dispersion
  of a negative binomial fit that also carries year fixed effects (so it is net of
  :math:`Y_t`).

Poisson and negative-binomial fits of the trend model are compared by AIC and Pearson
dispersion (:attr:`IncidenceFit.comparison`). Fitted with statsmodels (``GLM`` Poisson,
``NegativeBinomial`` discrete model). Major-accident victims (``event_id`` set) are excluded:
they are the separate compound process of :mod:`actuary.claims.major`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

__all__ = ["IncidenceFit", "claim_counts", "fit_incidence", "recognition_completion"]


def recognition_completion(
    accident_year: np.ndarray, recognition_year: np.ndarray, last_year: int, max_lag: int = 5
) -> np.ndarray:
    """Share :math:`\\pi_k` of an accident year's claims recognised within ``k`` years.

    Estimated as a chain ladder on claim counts (volume-weighted on the accident years that are
    observed at both lags), so the latest years need not be complete. Returns ``pi[0 … max_lag]``
    with ``pi[max_lag] = 1``.
    """
    ay = np.asarray(accident_year, int)
    lag = np.clip(np.asarray(recognition_year, int) - ay, 0, max_lag)
    years = np.arange(ay.min(), last_year + 1)
    tri = np.zeros((years.size, max_lag + 1))
    np.add.at(tri, (ay - years[0], lag), 1.0)
    cum = np.cumsum(tri, axis=1)
    obs = (years[:, None] + np.arange(max_lag + 1)[None, :]) <= last_year
    f = np.ones(max_lag)
    for k in range(max_lag):
        ok = obs[:, k + 1]
        den = cum[ok, k].sum()
        f[k] = cum[ok, k + 1].sum() / den if den > 0 else 1.0
    cdf = np.append(np.cumprod(f[::-1])[::-1], 1.0)
    return 1.0 / cdf


def claim_counts(
    claims: pd.DataFrame, exposure: pd.DataFrame, last_year: int, max_lag: int = 5
) -> tuple[pd.DataFrame, np.ndarray]:
    """Cell table ``year, region, industry_class, n, workers, completion`` for the GLM.

    Claims with an ``event_id`` (major accidents) and claims recognised after ``last_year``
    are left out.
    """
    c = claims
    ay = pd.to_datetime(c["accident_date"]).dt.year.to_numpy()
    ry = pd.to_datetime(c["recognition_date"]).dt.year.to_numpy()
    ev = c["event_id"] if "event_id" in c else pd.Series("", index=c.index)
    ordinary = (ev.isna() | (ev.astype(str).str.strip() == "")).to_numpy() & (ry <= last_year)
    pi = recognition_completion(ay[ordinary], ry[ordinary], last_year, max_lag)
    df = pd.DataFrame(
        {
            "year": ay[ordinary],
            "region": c["region"].astype(str).to_numpy()[ordinary],
            "industry_class": c["industry_class"].astype(int).to_numpy()[ordinary],
        }
    )
    n = df.groupby(["year", "region", "industry_class"]).size().rename("n")
    exp = exposure[["year", "region", "industry_class", "covered_workers"]].copy()
    exp["region"] = exp["region"].astype(str)
    exp = exp[exp["year"] <= last_year].set_index(["year", "region", "industry_class"])
    cells = exp.join(n, how="left").fillna({"n": 0.0}).reset_index()
    cells = cells.rename(columns={"covered_workers": "workers"})
    cells = cells[cells["workers"] > 0]
    lag = np.clip(last_year - cells["year"].to_numpy(), 0, max_lag)
    cells["completion"] = pi[lag]
    return cells, pi


@dataclass
class IncidenceFit:
    """Fitted incidence model (see the module docstring for the equations)."""

    class_effect: dict[int, float]
    region_effect: dict[str, float]
    intercept: float
    trend: float
    trend_se: float
    base_year: int
    sigma_year: float
    alpha_cell: float
    completion: np.ndarray
    comparison: pd.DataFrame
    cells: pd.DataFrame = field(repr=False)
    #: Poisson-GLM coefficient names (``Intercept``, ``C(industry_class)[T.k]``,
    #: ``C(region)[T.r]``, ``t``), their estimates and asymptotic covariance (the sandwich
    #: of the Poisson MLE under the year and cell effects, :func:`_sandwich_cov`), the
    #: sampling distribution of parameter uncertainty (:mod:`actuary.claims.uncertainty`)
    coef_names: tuple[str, ...] = ()
    coef: np.ndarray | None = field(default=None, repr=False)
    coef_cov: np.ndarray | None = field(default=None, repr=False)

    def log_rate(self, regions: list[str], classes: list[int]) -> np.ndarray:
        """log claims per covered worker in ``base_year`` for (region, class), shape (R, C)."""
        r = np.array([self.region_effect.get(x, 0.0) for x in regions])
        # a class never seen in the exposure history has no estimated rate: none of its
        # workers are projected to claim (the exposure then has no such class either)
        c = np.array([self.class_effect.get(int(k), -np.inf) for k in classes])
        return self.intercept + r[:, None] + c[None, :]

    def fitted_cells(self) -> pd.DataFrame:
        """The history cells with the fitted expected count ``mu`` (trend model)."""
        d = self.cells.copy()
        lr = (
            self.intercept
            + d["region"].map(self.region_effect).fillna(0.0).to_numpy()
            + d["industry_class"].map(self.class_effect).to_numpy()
            + self.trend * (d["year"].to_numpy() - self.base_year)
        )
        d["mu"] = d["workers"].to_numpy() * d["completion"].to_numpy() * np.exp(lr)
        return d


def _effects(params: pd.Series, name: str, levels: list[object]) -> dict[object, float]:
    out: dict[object, float] = {}
    for lv in levels:
        key = f"C({name})[T.{lv}]"
        out[lv] = float(params.get(key, 0.0))
    return out


def _sandwich_cov(pois: Any, year: np.ndarray, sigma_year: float, alpha: float) -> np.ndarray:
    r"""Covariance of the Poisson-GLM coefficients under the model's own over-dispersion.

    The Poisson MLE stays consistent when counts are over-dispersed, but its covariance is the
    sandwich :math:`I^{-1} J I^{-1}` with :math:`I = X^\top \operatorname{diag}(\mu) X` and
    the score variance :math:`J = I + \alpha \sum_i \mu_i^2 x_i x_i^\top + \sigma_Y^2
    \sum_t s_t s_t^\top`, :math:`s_t = \sum_{i \in t} \mu_i x_i` (cell gamma effect
    :math:`\alpha`, year effect :math:`\sigma_Y` common to the cells of a year), because
    :math:`\operatorname{Var} N_i = \mu_i + \alpha\mu_i^2` and
    :math:`\operatorname{Cov}(N_i, N_j) = \sigma_Y^2 \mu_i \mu_j` within a year.
    """
    x = np.asarray(pois.model.exog, float)
    mu = np.asarray(pois.fittedvalues, float)
    info = x.T @ (mu[:, None] * x)
    score = info + alpha * x.T @ ((mu**2)[:, None] * x)
    if sigma_year > 0:
        _, idx = np.unique(year, return_inverse=True)
        s_t = np.zeros((int(idx.max()) + 1, x.shape[1]))
        np.add.at(s_t, idx, mu[:, None] * x)
        score = score + sigma_year**2 * s_t.T @ s_t
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return np.full_like(info, np.nan)
    cov = inv @ score @ inv
    return 0.5 * (cov + cov.T)


def fit_incidence(
    claims: pd.DataFrame, exposure: pd.DataFrame, last_year: int, max_lag: int = 5
) -> IncidenceFit:
    """Fit the incidence GLM to claim records and exposure (see the module docstring)."""
    cells, pi = claim_counts(claims, exposure, last_year, max_lag)
    base_year = int(cells["year"].max())
    cells = cells.assign(
        t=cells["year"] - base_year,
        logoff=np.log(cells["workers"] * cells["completion"]),
    )
    formula = "n ~ C(industry_class) + C(region) + t"
    with warnings.catch_warnings():
        # an exactly fitting history (tiny portfolios) triggers statsmodels'
        # perfect-prediction warning; the estimates are still the MLE
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        pois = smf.glm(
            formula, data=cells, family=sm.families.Poisson(), offset=cells["logoff"]
        ).fit()
    nb_aic = nb_llf = nb_trend = nb_trend_se = nb_alpha = float("nan")
    alpha_cell = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the discrete NB optimiser
        try:
            nb_mod = smf.negativebinomial(formula, data=cells, offset=cells["logoff"])
            nb = nb_mod.fit(
                start_params=np.append(pois.params.to_numpy(), 0.01),
                method="bfgs",
                disp=0,
                maxiter=300,
            )
            nb_aic, nb_llf = float(nb.aic), float(nb.llf)
            nb_trend, nb_trend_se = float(nb.params["t"]), float(nb.bse["t"])
            nb_alpha = float(nb.params["alpha"])
            fe_formula = "n ~ C(industry_class) + C(region) + C(year)"
            pois_year = smf.glm(
                fe_formula, data=cells, family=sm.families.Poisson(), offset=cells["logoff"]
            ).fit()
            nb_year = smf.negativebinomial(fe_formula, data=cells, offset=cells["logoff"]).fit(
                start_params=np.append(pois_year.params.to_numpy(), 0.01),
                method="bfgs",
                disp=0,
                maxiter=300,
            )
            a = float(nb_year.params["alpha"])
            alpha_cell = a if np.isfinite(a) and a > 0 else 0.0
        except (np.linalg.LinAlgError, ValueError):
            # too few cells for the negative binomial (a tiny portfolio): Poisson only
            pass
    comp = pd.DataFrame(
        {
            "model": ["poisson", "negative_binomial"],
            "aic": [float(pois.aic), nb_aic],
            "loglik": [float(pois.llf), nb_llf],
            "trend": [float(pois.params["t"]), nb_trend],
            "trend_se": [float(pois.bse["t"]), nb_trend_se],
            "pearson_dispersion": [
                float(pois.pearson_chi2 / pois.df_resid) if pois.df_resid > 0 else np.nan,
                np.nan,
            ],
            "nb_alpha": [0.0, nb_alpha],
        }
    ).set_index("model")
    # random year effect by moments on the Poisson fit's year totals
    mu = pois.fittedvalues
    yt = cells.assign(mu=mu).groupby("year")[["n", "mu"]].sum()
    s2 = float(np.mean(((yt["n"] - yt["mu"]) ** 2 - yt["mu"]) / yt["mu"] ** 2))
    sigma_year = float(np.sqrt(max(s2, 0.0)))
    classes = sorted(int(c) for c in cells["industry_class"].unique())
    regions = sorted(str(r) for r in cells["region"].unique())
    ce = {int(str(k)): v for k, v in _effects(pois.params, "industry_class", list(classes)).items()}
    re_ = {str(k): v for k, v in _effects(pois.params, "region", list(regions)).items()}
    cov = _sandwich_cov(pois, cells["year"].to_numpy(), sigma_year, alpha_cell)
    return IncidenceFit(
        class_effect=ce,
        region_effect=re_,
        intercept=float(pois.params["Intercept"]),
        trend=float(pois.params["t"]),
        trend_se=float(pois.bse["t"]),
        base_year=base_year,
        sigma_year=sigma_year,
        alpha_cell=alpha_cell,
        completion=pi,
        comparison=comp,
        cells=cells,
        coef_names=tuple(str(k) for k in pois.params.index),
        coef=np.asarray(pois.params, float),
        coef_cov=cov if np.all(np.isfinite(cov)) else None,
    )
