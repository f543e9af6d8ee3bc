r"""Candidate models of one log-level series (the provincial average wage) and their mixture.

Every candidate is fitted to a series of log levels :math:`x_t` indexed by year, which may miss
years (a year absent from the index or NaN, e.g. 2020 of the public Jilin wage series), and
simulates the cumulative log change :math:`x_{T+h} - x_T` from the last observed year
:math:`T`, with parameter uncertainty:

``rw_drift``
    Random walk with drift, :math:`x_t = x_{t-1} + \mu + \sigma\varepsilon_t`. Over a gap of
    :math:`g` years the increment is :math:`N(g\mu, g\sigma^2)`, so the estimates are
    :math:`\hat\mu = \sum\Delta_i / \sum g_i` and
    :math:`\hat\sigma^2 = \sum(\Delta_i - g_i\hat\mu)^2/g_i \,/\, \nu`, :math:`\nu = n-1`.
    Parameter uncertainty: :math:`\sigma^2 = \hat\sigma^2\nu/\chi^2_\nu`, then
    :math:`\mu \sim N(\hat\mu, \sigma^2/\sum g_i)` (the flat-prior posterior of a normal
    regression; its predictive is Student-t).
``uc_lltrend``
    Local linear trend (statsmodels ``UnobservedComponents(level="lltrend")``, which skips a
    missing year in the Kalman filter): level and slope random walks plus an irregular.
    Simulation draws the state at :math:`T` from its filtered distribution
    :math:`N(a_{T|T}, P_{T|T})` and adds the forecast noise of the state and observation
    equations. Parameter uncertainty: ``UC_PARAM_DRAWS`` variance vectors drawn log-normally
    from the MLE covariance (delta method to the log scale, each log-sd capped at
    ``UC_LOG_SD_CAP``), the filter re-run for each; path ``i`` uses draw ``i mod K``.
``ar``
    The univariate AR(p ≤ 1) log-growth process of :class:`~actuary.economy.processes.
    GrowthSystem` (the existing ``"ar"`` form). It needs consecutive years: a missing level is
    filled by log-linear interpolation for this candidate only.

:func:`fit_mixture` weights the candidates by their rolling-origin out-of-sample score on the
series itself (origins from the ``MIN_TRAIN``-th observed year; forecasts of
:math:`x_{T+h}`, ``h = 1 … 3``, scored where the target year is observed): inverse mean squared
log error pooled over the horizons (Bates & Granger 1969 style). Inverse-MSE weights were chosen
over log-score / CRPS stacking because with 8–20 origins an optimised stacking vector is noisy
and often lands on a corner (one model), while the mixture is meant to carry model uncertainty.
:meth:`WageMixture.simulate` draws each path's model from the weights, then each model's paths.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from actuary.economy.processes import FloatArray, GrowthSystem, GrowthSystemResults

#: Fewest observed levels an origin needs before it is scored (in-sample weights).
MIN_TRAIN = 8
#: Parameter-vector draws of the UC model per simulation (the filter is re-run for each).
UC_PARAM_DRAWS = 40
#: Cap on the sd of a log-variance draw (a variance at its boundary has a useless delta sd).
UC_LOG_SD_CAP = 1.0
#: Candidate names in their fixed order (the order of the mixture's model draw).
CANDIDATES: tuple[str, ...] = ("ar", "rw_drift", "uc_lltrend")


def log_series(levels: pd.Series) -> pd.Series:
    """Natural log of a level series, index kept."""
    return pd.Series(np.log(levels.to_numpy(np.float64)), index=levels.index, name=levels.name)


def full_years(log_levels: pd.Series) -> pd.Series:
    """The series on every year from its first to its last, NaN where missing."""
    s = log_levels.astype(float)
    s.index = s.index.astype(int)
    s = s.sort_index()
    return s.reindex(range(int(s.index[0]), int(s.index[-1]) + 1))


class CandidateFit(Protocol):
    """A fitted candidate: ``simulate`` cumulative log changes, ``mean_forecast`` their mean."""

    @property
    def name(self) -> str:
        """The candidate's name."""
        ...

    def simulate(
        self,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
    ) -> FloatArray:
        """``(n, horizon)`` simulated :math:`x_{T+h} - x_T`."""
        ...

    def mean_forecast(self, horizon: int) -> FloatArray:
        """``(horizon,)`` point forecast of :math:`x_{T+h} - x_T`."""
        ...


# -- random walk with drift --------------------------------------------------------------------


@dataclass(frozen=True)
class RWDriftFit:
    """Random walk with drift on log levels (see the module docstring)."""

    drift: float
    sigma: float
    span: float  # sum of the gaps = last observed year - first observed year
    df: int
    name: str = "rw_drift"

    def mean_forecast(self, horizon: int) -> FloatArray:
        """:math:`h\\hat\\mu`."""
        return self.drift * np.arange(1, horizon + 1, dtype=np.float64)

    def simulate(
        self,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
    ) -> FloatArray:
        """Draw order: (σ χ², μ normals when ``uncertainty``), then ``(n, horizon)`` normals."""
        if uncertainty and self.df > 0:
            sig = self.sigma * np.sqrt(self.df / rng.chisquare(self.df, size=n))
            mu = self.drift + sig / np.sqrt(self.span) * rng.standard_normal(n)
        else:
            sig = np.full(n, self.sigma)
            mu = np.full(n, self.drift)
        z = rng.standard_normal((n, horizon))
        g = mu[:, None] + (volatility_scale * sig)[:, None] * z
        return np.cumsum(g, axis=1)


def fit_rw_drift(log_levels: pd.Series) -> RWDriftFit:
    """Fit the random walk with drift (gaps allowed)."""
    s = log_levels.dropna().astype(float)
    t = np.asarray(s.index, dtype=np.float64)
    x = s.to_numpy(np.float64)
    if len(x) < 3:
        raise ValueError("the random walk with drift needs at least 3 observed years")
    d = np.diff(x)
    g = np.diff(t)
    mu = float(d.sum() / g.sum())
    df = len(d) - 1
    s2 = float(np.sum((d - g * mu) ** 2 / g) / df)
    return RWDriftFit(mu, float(np.sqrt(s2)), float(g.sum()), df)


# -- local linear trend (statsmodels UnobservedComponents) ---------------------------------------


def _m3(a: Any) -> FloatArray:
    """A time-invariant state-space matrix (statsmodels gives 2-D or (…, 1) 3-D)."""
    arr = np.asarray(a, dtype=np.float64)
    return arr[..., 0] if arr.ndim == 3 else arr


@dataclass(frozen=True)
class UCFit:
    """Local linear trend on log levels via statsmodels ``UnobservedComponents``."""

    endog: FloatArray = field(repr=False)  # log levels on every year, NaN where missing
    level: str
    params: FloatArray
    params_cov: FloatArray | None  # covariance of the log variances (None: no uncertainty)
    last: float  # observed x_T
    name: str = "uc_lltrend"

    @property
    def model(self) -> Any:
        """A fresh statsmodels model of the series (built anew: an unpickled model was seen to
        return the stale filtered state of its last fit, which would break the worker pool)."""
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        return UnobservedComponents(self.endog, level=self.level)

    def mean_forecast(self, horizon: int) -> FloatArray:
        """The model's h-step forecast minus the last observation."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = self.model.filter(self.params)
        return np.asarray(res.forecast(horizon), dtype=np.float64) - self.last

    def _draw_params(self, k: int, rng: np.random.Generator) -> FloatArray:
        z = rng.standard_normal((k, len(self.params)))
        if self.params_cov is None:
            return np.broadcast_to(self.params, (k, len(self.params))).copy()
        w, v = np.linalg.eigh(self.params_cov)
        root = v * np.sqrt(np.clip(w, 0.0, None))
        return np.asarray(np.exp(np.log(self.params)[None] + z @ root.T))

    def simulate(
        self,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
    ) -> FloatArray:
        """Draw order: parameter normals (when ``uncertainty``), state at T, then per year the
        state and observation noise."""
        mod = self.model
        k = min(n, UC_PARAM_DRAWS) if uncertainty and self.params_cov is not None else 1
        prm = self._draw_params(k, rng) if k > 1 else self.params[None]
        which = np.arange(n) % k
        m = mod.k_states
        a = np.empty((k, m))
        p_root = np.empty((k, m, m))
        trans = np.empty((k, m, m))
        q_root = np.empty((k, m, mod.ssm.k_posdef))
        z_des = np.empty((k, m))
        h_sd = np.empty(k)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for j in range(k):
                res = mod.filter(prm[j])
                a[j] = res.filtered_state[:, -1]
                p = res.filtered_state_cov[:, :, -1]
                w, v = np.linalg.eigh(0.5 * (p + p.T))
                p_root[j] = v * np.sqrt(np.clip(w, 0.0, None))
                ssm = mod.ssm
                trans[j] = _m3(ssm["transition"])
                sel = _m3(ssm["selection"])
                qc = _m3(ssm["state_cov"])
                wq, vq = np.linalg.eigh(qc)
                q_root[j] = sel @ (vq * np.sqrt(np.clip(wq, 0.0, None)))
                z_des[j] = _m3(ssm["design"])[0]
                h_sd[j] = float(np.sqrt(max(_m3(ssm["obs_cov"])[0, 0], 0.0)))
        vs = volatility_scale
        state = a[which] + vs * np.einsum("pij,pj->pi", p_root[which], rng.standard_normal((n, m)))
        out = np.empty((n, horizon))
        for t in range(horizon):
            eta = rng.standard_normal((n, mod.ssm.k_posdef))
            eps = rng.standard_normal(n)
            state = np.einsum("pij,pj->pi", trans[which], state) + vs * np.einsum(
                "pij,pj->pi", q_root[which], eta
            )
            out[:, t] = np.einsum("pi,pi->p", z_des[which], state) + vs * h_sd[which] * eps
        return out - self.last


def fit_uc(log_levels: pd.Series, level: str = "lltrend") -> UCFit:
    """Fit a local linear trend (NaN years are skipped by the Kalman filter)."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    s = full_years(log_levels)
    if not np.isfinite(s.iloc[-1]):
        raise ValueError("the last year of the series must be observed")
    mod = UnobservedComponents(s.to_numpy(np.float64), level=level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mod.fit(disp=False)
        prm = np.maximum(np.asarray(res.params, dtype=np.float64), 1e-12)
        try:
            cov = np.asarray(res.cov_params(), dtype=np.float64)
        except (np.linalg.LinAlgError, ValueError):
            cov = np.full((len(prm), len(prm)), np.nan)
    cov_log: FloatArray | None = None
    if np.all(np.isfinite(cov)):
        d = 1.0 / prm
        c = cov * np.outer(d, d)
        sd = np.sqrt(np.clip(np.diag(c), 0.0, None))
        scale = np.where(sd > UC_LOG_SD_CAP, UC_LOG_SD_CAP / np.maximum(sd, 1e-300), 1.0)
        cov_log = np.asarray(c * np.outer(scale, scale))
    return UCFit(s.to_numpy(np.float64), level, prm, cov_log, float(s.iloc[-1]), name=f"uc_{level}")


# -- the existing AR(p <= 1) log-growth form ----------------------------------------------------


@dataclass(frozen=True)
class ARFit:
    """Univariate AR(p ≤ 1) on log growth (:class:`GrowthSystem`, ``"ar"`` form)."""

    results: GrowthSystemResults
    name: str = "ar"

    def mean_forecast(self, horizon: int) -> FloatArray:
        """Cumulated analytic means of the log growth."""
        means, _ = self.results.moments(horizon)
        return np.cumsum(means[:, 0])

    def simulate(
        self,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
    ) -> FloatArray:
        """The growth system's own draw order (parameters, then years)."""
        y = self.results.simulate(
            list(range(1, horizon + 1)),
            n,
            rng,
            uncertainty=uncertainty,
            volatility_scale=volatility_scale,
        )
        return np.cumsum(y[:, :, 0], axis=1)


def fit_ar(log_levels: pd.Series, max_ar_order: int = 1, bias_correct: bool = False) -> ARFit:
    """Fit the AR log-growth form; missing levels are filled log-linearly for this fit."""
    x = full_years(log_levels).interpolate(limit_area="inside")
    growth = np.expm1(x.diff().iloc[1:]).to_frame("wage_growth")
    res = GrowthSystem(form="ar", max_ar_order=max_ar_order, bias_correct=bias_correct).fit(growth)
    return ARFit(res)


FITTERS: dict[str, Callable[[pd.Series], CandidateFit]] = {
    "ar": fit_ar,
    "rw_drift": fit_rw_drift,
    "uc_lltrend": fit_uc,
}


# -- out-of-sample weights and the mixture ------------------------------------------------------


def oos_errors(
    log_levels: pd.Series,
    names: Sequence[str] = CANDIDATES,
    *,
    horizons: int = 3,
    min_train: int = MIN_TRAIN,
) -> pd.DataFrame:
    """Rolling-origin point errors of each candidate on the series itself.

    One row per (model, origin, horizon): origins are the observed years with at least
    ``min_train`` observed levels up to them, targets the observed years ``origin + h``.
    """
    s = full_years(log_levels)
    obs = s.dropna()
    years = [int(y) for y in obs.index]
    rows = []
    for i, origin in enumerate(years[:-1]):
        if i + 1 < min_train:
            continue
        hist = obs.loc[:origin]
        targets = [y for y in range(origin + 1, origin + horizons + 1) if y in obs.index]
        if not targets:
            continue
        for name in names:
            f = FITTERS[name](hist)
            mf = f.mean_forecast(max(targets) - origin)
            for y in targets:
                rows.append(
                    {
                        "model": name,
                        "origin": origin,
                        "horizon": y - origin,
                        "error": float(hist.iloc[-1] + mf[y - origin - 1] - obs.loc[y]),
                    }
                )
    return pd.DataFrame(rows, columns=["model", "origin", "horizon", "error"])


def inverse_mse_weights(
    errors: pd.DataFrame, names: Sequence[str] = CANDIDATES, min_forecasts: int = 3
) -> pd.Series:
    """Weights ∝ 1 / (mean squared error pooled over origins and horizons); equal weights when a
    model has fewer than ``min_forecasts`` scored forecasts."""
    mse = pd.Series(
        {
            n: float(np.mean(errors.loc[errors["model"] == n, "error"] ** 2))
            if (errors["model"] == n).sum() >= min_forecasts
            else np.nan
            for n in names
        }
    )
    if mse.isna().any() or (mse <= 0).any():
        return pd.Series(1.0 / len(names), index=list(names), name="weight")
    w = 1.0 / mse
    return (w / w.sum()).rename("weight")


@dataclass(frozen=True)
class WageMixture:
    """Candidates fitted on the whole series and their out-of-sample weights."""

    fits: tuple[CandidateFit, ...]
    weights: FloatArray  # same order as fits, sums to 1
    errors: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    @property
    def names(self) -> tuple[str, ...]:
        """Candidate names in the order of ``fits``."""
        return tuple(f.name for f in self.fits)

    def summary(self) -> str:
        """One line: the weights and each candidate's out-of-sample RMSE."""
        e = self.errors
        parts = []
        for f, w in zip(self.fits, self.weights, strict=True):
            sel = e.loc[e["model"] == f.name, "error"] if len(e) else pd.Series(dtype=float)
            rmse = f"{np.sqrt(np.mean(sel**2)):.4f}" if len(sel) else "n/a"
            parts.append(f"{f.name} {w:.3f} (OOS RMSE {rmse})")
        return "wage mixture (inverse OOS MSE weights): " + ", ".join(parts)

    def simulate(
        self,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
    ) -> FloatArray:
        """``(n, horizon)`` cumulative log changes; first draw: each path's model."""
        which = rng.choice(len(self.fits), size=n, p=self.weights)
        out = np.empty((n, horizon))
        for m, f in enumerate(self.fits):
            sel = np.flatnonzero(which == m)
            if len(sel):
                out[sel] = f.simulate(
                    horizon,
                    len(sel),
                    rng,
                    uncertainty=uncertainty,
                    volatility_scale=volatility_scale,
                )
        return out


def fit_mixture(
    log_levels: pd.Series,
    names: Sequence[str] = CANDIDATES,
    *,
    horizons: int = 3,
    min_train: int = MIN_TRAIN,
) -> WageMixture:
    """Fit every candidate on the whole series and weight them by their OOS errors on it."""
    err = oos_errors(log_levels, names, horizons=horizons, min_train=min_train)
    w = inverse_mse_weights(err, names)
    fits = tuple(FITTERS[n](log_levels) for n in names)
    return WageMixture(fits, w.reindex(list(names)).to_numpy(np.float64), err)
