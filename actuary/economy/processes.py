r"""Stochastic processes of the economic and labour-market model.

Each process follows the statsmodels / arch model–results split: a *spec* object,
``fit(history)`` or ``fix(params)`` returning a frozen *results* value with ``params``,
``summary()`` and ``simulate(years, n_paths, rng)``. Fitted and prescribed parameters give the
same results type, so downstream code does not care which.

Processes
---------
:class:`GrowthSystem`
    The joint provincial / national macro block: provincial average-wage log growth, provincial
    employment log growth, CPI growth, the one-year deposit rate and national urban per-capita
    disposable-income log growth. Written in mean form

    .. math::

        y_t = \mu + A (y_{t-1} - \mu) + v\,L\,\varepsilon_t,\qquad
        \varepsilon_t \sim N(0, I_k),\quad L L^\top = \Sigma,

    with either ``A`` diagonal (univariate AR(p ≤ 1) per series, correlated innovations; the
    "ar" form) or ``A`` full (VAR(1), the "var1" form). ``v`` is the volatility scale of the
    assumption file (1 = as fitted, 0 = deterministic).
:class:`PanelAR`
    A pooled AR(1) in the cross-section of units (regions):
    :math:`u_{r,t} = \phi u_{r,t-1} + \tau \eta_{r,t}`. Used for regional deviations of wage and
    employment growth from the provincial path and for the logit collection rate around its
    long-run level.
:class:`CoverageProcess`
    Saturating coverage expansion (扩面) with stochastic uptake,

    .. math::

        c_{t} = c_{t-1} + \lambda_t (c^* - c_{t-1}),\qquad
        \operatorname{logit}\lambda_t = \operatorname{logit}\bar\lambda
            + s\,(\sqrt{\rho}\, z_t + \sqrt{1-\rho}\, z_{j,t}),

    so :math:`c_t` stays between its start and the target :math:`c^* \in [0, 1]`. With
    :math:`s = 0` it is the scheduled path :math:`c_h = c^* - (c^* - c_0)(1-\bar\lambda)^h`.

Parameter uncertainty
---------------------
Short series (15 annual growth rates) make the estimates themselves uncertain. When
``uncertainty`` is on, every path draws its own parameters once, before the year loop:
means and autoregressive coefficients from their estimated asymptotic normal distribution
(statsmodels ``cov_params`` of the intercept form, carried to the mean form
:math:`\mu = (I-A)^{-1}c` by the delta method, see :func:`mean_form_cov`),
innovation standard deviations as :math:`\hat\sigma\sqrt{\nu/\chi^2_\nu}` (the scaled inverse
chi-square of a normal regression with :math:`\nu` residual degrees of freedom) with the residual
correlation kept at its estimate. Autoregressive coefficients are clipped to ±0.95 (a VAR matrix
is shrunk to spectral radius 0.95) so that no path explodes.
"""

from __future__ import annotations

# Implementation details:
# - Every simulate() draws its randomness in a fixed order (parameters first, then year by year
#   the innovations of all components) so a given generator always produces the same paths.
# - Pins (qualitative adjustments "value in year t") replace the state after the innovation was
#   drawn, so pinning a year does not shift the random numbers of any other year.
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special, stats
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.stattools import jarque_bera

FloatArray = NDArray[np.float64]

AR_CLIP = 0.95
Form = Literal["ar", "var1"]

#: Macro series in the growth system: name -> (True when modelled as log growth of a level).
GROWTH_SERIES: dict[str, bool] = {
    "wage_growth": True,
    "employment_growth": True,
    "cpi_growth": False,
    "deposit_rate": False,
    "disposable_income_growth": True,
}


def _sqrt_psd(cov: FloatArray) -> FloatArray:
    """A square root ``S`` with ``S S^T = cov`` for a symmetric PSD (possibly singular) matrix."""
    w, v = np.linalg.eigh(cov)
    return np.asarray(v * np.sqrt(np.clip(w, 0.0, None)), dtype=np.float64)


def _corr(cov: FloatArray) -> FloatArray:
    d = np.sqrt(np.diag(cov))
    safe = np.where(d > 0, d, 1.0)
    r = cov / np.outer(safe, safe)
    np.fill_diagonal(r, 1.0)
    return np.asarray(r, dtype=np.float64)


def residual_diagnostics(resid: FloatArray, lags: int = 3) -> dict[str, float]:
    """Ljung-Box (autocorrelation up to ``lags``), Jarque-Bera and Shapiro-Wilk p-values."""
    resid = np.asarray(resid, dtype=np.float64)
    lags = max(1, min(lags, len(resid) // 2 - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lb = acorr_ljungbox(resid, lags=[lags], return_df=True)
        jb = jarque_bera(resid)
        sw = stats.shapiro(resid) if len(resid) >= 3 else (np.nan, np.nan)
    return {
        "ljung_box_lags": float(lags),
        "ljung_box_p": float(lb["lb_pvalue"].iloc[0]),
        "jarque_bera_p": float(jb[1]),
        "shapiro_p": float(sw[1]),
    }


# ---------------------------------------------------------------------------------------------
# Growth system (macro block)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthSystemParams:
    r"""Parameters of :math:`y_t = \mu + A(y_{t-1}-\mu) + L\varepsilon_t` on the internal scale.

    ``mean``, ``ar`` and ``cov`` are on the internal scale: log growth ``log(1+g)`` for the
    series flagged in :data:`GROWTH_SERIES`, the plain fraction otherwise. ``coef_hat`` /
    ``coef_cov`` / ``df_resid`` describe the estimation uncertainty (per equation ``i`` the
    vector ``(c_i, A_i1 … A_ik)`` of the intercept form); leave them ``None`` for prescribed
    parameters (no parameter uncertainty then).
    """

    names: tuple[str, ...]
    mean: FloatArray
    ar: FloatArray
    cov: FloatArray
    form: Form = "ar"
    coef_hat: FloatArray | None = None
    coef_cov: FloatArray | None = None
    df_resid: FloatArray | None = None

    @property
    def k(self) -> int:
        """Number of series."""
        return len(self.names)

    def index(self, name: str) -> int:
        """Position of a series."""
        return self.names.index(name)


def to_internal(name: str, x: FloatArray | float) -> FloatArray:
    """Published scale (fraction) → internal scale (log growth where flagged)."""
    a = np.asarray(x, dtype=np.float64)
    return np.log1p(a) if GROWTH_SERIES.get(name, False) else a


def to_published(name: str, y: FloatArray) -> FloatArray:
    """Internal scale → published scale (fraction)."""
    return np.expm1(y) if GROWTH_SERIES.get(name, False) else y


@dataclass(frozen=True)
class GrowthSystemResults:
    """Fitted or prescribed growth system: parameters, start state, diagnostics."""

    params: GrowthSystemParams
    initial: FloatArray  # y_T, internal scale, the last history year
    source: Literal["fitted", "fixed"] = "fixed"
    selection: pd.DataFrame | None = None  # information criteria of the candidate forms
    diagnostics: pd.DataFrame | None = None  # residual diagnostics of the chosen form
    residuals: pd.DataFrame | None = None
    fit_results: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A text table of parameters (published scale for means) and diagnostics."""
        p = self.params
        sd = np.sqrt(np.diag(p.cov))
        rows = []
        for i, n in enumerate(p.names):
            rows.append(
                {
                    "series": n,
                    "mean": float(to_published(n, p.mean[i])),
                    "ar1": float(p.ar[i, i]),
                    "sigma": float(sd[i]),
                    "last": float(to_published(n, self.initial[i])),
                }
            )
        out = [f"Growth system ({self.source}, form={p.form})", pd.DataFrame(rows).to_string()]
        if p.form == "var1":
            out += ["A =", pd.DataFrame(p.ar, index=p.names, columns=p.names).to_string()]
        out += ["residual correlation", pd.DataFrame(_corr(p.cov), p.names, p.names).round(2)
                .to_string()]
        if self.selection is not None:
            out += ["model selection", self.selection.to_string()]
        if self.diagnostics is not None:
            out += ["residual diagnostics (p-values)", self.diagnostics.round(3).to_string()]
        return "\n".join(out)

    # -- moments ----------------------------------------------------------------------------
    def moments(self, horizon: int, volatility_scale: float = 1.0) -> tuple[FloatArray, FloatArray]:
        r"""Analytic mean and covariance of :math:`y_{T+h}`, ``h = 1 … horizon`` (no parameter
        uncertainty): :math:`\mu + A^h(y_T-\mu)` and :math:`\sum_{j<h} A^j \Sigma A^{j\top}`."""
        p = self.params
        k = p.k
        means = np.empty((horizon, k))
        covs = np.empty((horizon, k, k))
        ah = np.eye(k)
        acc = np.zeros((k, k))
        sig = p.cov * volatility_scale**2
        for h in range(horizon):
            acc = acc + ah @ sig @ ah.T
            ah = ah @ p.ar
            means[h] = p.mean + ah @ (self.initial - p.mean)
            covs[h] = acc
        return means, covs

    # -- simulation -------------------------------------------------------------------------
    def draw_parameters(
        self, n_paths: int, rng: np.random.Generator, uncertainty: bool
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per-path ``(mean (n,k), ar (n,k,k), chol (n,k,k))``; consumes randomness only when
        ``uncertainty`` is on and estimation uncertainty is known."""
        p = self.params
        k = p.k
        mean = np.broadcast_to(p.mean, (n_paths, k)).copy()
        ar = np.broadcast_to(p.ar, (n_paths, k, k)).copy()
        chol_hat = np.linalg.cholesky(p.cov + 1e-18 * np.eye(k))
        if not uncertainty or p.coef_cov is None or p.coef_hat is None or p.df_resid is None:
            return mean, ar, np.broadcast_to(chol_hat, (n_paths, k, k)).copy()
        # coefficients in mean form (mu, A) ~ N((mu_hat, A_hat), J V J'), J the Jacobian of
        # theta = (c_i, A_i.)_i -> (mu, vec A) with mu = (I - A)^-1 c (delta method); V is
        # block-diagonal over equations (cross-equation estimation covariance ignored)
        root = _sqrt_psd(mean_form_cov(p))
        z = rng.standard_normal((n_paths, k + k * k))
        delta = z @ root.T
        mean = mean + delta[:, :k]
        ar = _stabilise(ar + delta[:, k:].reshape(n_paths, k, k), p.form)
        # innovation sd: sigma_hat * sqrt(nu / chi2_nu), correlations at the estimate
        nu = p.df_resid
        chi = rng.chisquare(nu, size=(n_paths, k))
        sd = np.sqrt(np.diag(p.cov))[None] * np.sqrt(nu[None] / chi)
        corr_chol = np.linalg.cholesky(_corr(p.cov) + 1e-12 * np.eye(k))
        chol = sd[:, :, None] * corr_chol[None]
        return mean, ar, chol

    def simulate(
        self,
        years: Sequence[int],
        n_paths: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
        pins: Mapping[tuple[str, int], float] | None = None,
    ) -> FloatArray:
        """Simulate the internal-scale paths; returns an array ``(n_paths, len(years), k)``.

        ``years`` must be consecutive, the first one the year after ``initial``. ``pins`` map
        ``(series, year)`` to a published-scale value that replaces the path value that year.
        """
        mean, ar, chol = self.draw_parameters(n_paths, rng, uncertainty)
        return simulate_growth(self.params.names, self.initial, mean, ar, chol, len(years),
                               rng, volatility_scale, pins or {}, list(years))


def mean_form_cov(p: GrowthSystemParams) -> FloatArray:
    r"""Delta-method covariance of :math:`(\mu, \operatorname{vec} A)` (row-major ``A``) from
    the per-equation covariances of the intercept-form coefficients :math:`(c_i, A_{i\cdot})`.

    :math:`\partial\mu/\partial c_i = (I-A)^{-1} e_i` and
    :math:`\partial\mu/\partial A_{ij} = (I-A)^{-1} e_i\,\mu_j`.
    """
    assert p.coef_hat is not None and p.coef_cov is not None
    k = p.k
    a_s = _stabilise(p.coef_hat[None, :, 1:], p.form)[0]
    inv = np.linalg.inv(np.eye(k) - a_s)
    mu = inv @ p.coef_hat[:, 0]
    m = k * (k + 1)
    v = np.zeros((m, m))
    jac = np.zeros((k + k * k, m))
    for i in range(k):
        o = i * (k + 1)
        v[o:o + k + 1, o:o + k + 1] = p.coef_cov[i]
        jac[:k, o] = inv[:, i]
        for j in range(k):
            jac[:k, o + 1 + j] = inv[:, i] * mu[j]
            jac[k + i * k + j, o + 1 + j] = 1.0
    return np.asarray(jac @ v @ jac.T, dtype=np.float64)


def _stabilise(a: FloatArray, form: str) -> FloatArray:
    """Clip AR coefficients to ±AR_CLIP (diagonal form) or shrink a VAR matrix's spectral radius."""
    if form == "ar":
        return np.clip(a, -AR_CLIP, AR_CLIP)
    rad = np.max(np.abs(np.linalg.eigvals(a)), axis=-1)
    scale = np.where(rad > AR_CLIP, AR_CLIP / np.maximum(rad, 1e-300), 1.0)
    return np.asarray(a * scale[..., None, None], dtype=np.float64)


def simulate_growth(
    names: Sequence[str],
    initial: FloatArray,
    mean: FloatArray,
    ar: FloatArray,
    chol: FloatArray,
    n_years: int,
    rng: np.random.Generator,
    volatility_scale: float,
    pins: Mapping[tuple[str, int], float],
    years: Sequence[int],
) -> FloatArray:
    """Year loop of the growth system, vectorised over paths. Returns ``(n, n_years, k)``."""
    n, k = mean.shape
    out = np.empty((n, n_years, k))
    y = np.broadcast_to(initial, (n, k)).astype(np.float64)
    for t in range(n_years):
        eps = rng.standard_normal((n, k))
        y = mean + np.einsum("pij,pj->pi", ar, y - mean) + volatility_scale * np.einsum(
            "pij,pj->pi", chol, eps
        )
        for (name, yr), val in pins.items():
            if yr == years[t] and name in names:
                y[:, list(names).index(name)] = to_internal(name, val)
        out[:, t] = y
    return out


class GrowthSystem:
    r"""Specification of the macro growth system (see the module docstring).

    Parameters
    ----------
    form
        ``"auto"`` (choose by the small-sample corrected multivariate AICc of Bedrick & Tsai
        (1994), :math:`T\log|\hat\Sigma| + Tk(T+m)/(T-m-k-1)` with ``m`` regressors per
        equation, between the univariate-AR and VAR(1) forms; then switch to the runner-up only
        if the winner's residuals fail Ljung-Box at 5 %/k and the runner-up's pass), ``"ar"`` or
        ``"var1"``. Per series, the AR order (0 or 1) is chosen by BIC.
    max_ar_order
        Largest AR order tried per series in the ``"ar"`` form (0 or 1).
    """

    def __init__(
        self, form: str = "auto", max_ar_order: int = 1, bias_correct: bool = False
    ) -> None:
        self.form = form
        self.max_ar_order = max_ar_order
        self.bias_correct = bias_correct

    def fix(self, params: GrowthSystemParams, initial: FloatArray) -> GrowthSystemResults:
        """Results from prescribed parameters."""
        return GrowthSystemResults(params=params, initial=np.asarray(initial, dtype=np.float64))

    def fit(self, history: pd.DataFrame) -> GrowthSystemResults:
        """Fit to a frame indexed by year with one column per series (published scale)."""
        names = tuple(history.columns)
        y = np.column_stack([to_internal(n, history[n].to_numpy(np.float64)) for n in names])
        hold = max(1, self.max_ar_order)
        cand: dict[str, tuple[GrowthSystemParams, FloatArray, dict[str, Any]]] = {
            "ar": _fit_ar(y, names, self.max_ar_order, hold, self.bias_correct),
        }
        if len(names) > 1 and self.form in ("auto", "var1"):
            cand["var1"] = _fit_var1(y, names)
        if self.form not in cand and self.form != "auto":
            raise ValueError(f"form {self.form!r} needs at least two series")
        t_eff = y.shape[0] - hold
        rows = []
        for form, (p, resid, extra) in cand.items():
            s_mle = resid.T @ resid / t_eff
            ll = -0.5 * t_eff * (p.k * np.log(2 * np.pi) + np.linalg.slogdet(s_mle)[1] + p.k)
            m = int(extra["n_coef"]) + p.k * (p.k + 1) // 2
            m_eq = float(extra["n_coef"]) / p.k  # regressors per equation (mean)
            denom = t_eff - m_eq - p.k - 1
            aicc = (t_eff * np.linalg.slogdet(s_mle)[1]
                    + (t_eff * p.k * (t_eff + m_eq) / denom if denom > 0 else np.inf))
            diag = pd.DataFrame(
                [residual_diagnostics(resid[:, i]) for i in range(p.k)], index=list(names)
            )
            rows.append(
                {
                    "form": form,
                    "loglik": ll,
                    "n_params": m,
                    "aic": -2 * ll + 2 * m,
                    "bic": -2 * ll + m * np.log(t_eff),
                    "aicc": aicc,
                    "min_ljung_box_p": float(diag["ljung_box_p"].min()),
                    "min_shapiro_p": float(diag["shapiro_p"].min()),
                }
            )
            extra["diag"] = diag
        sel = pd.DataFrame(rows).set_index("form")
        if self.form == "auto":
            order = sel["aicc"].sort_values().index.tolist()
            chosen = order[0]
            order.append(chosen)  # a lone candidate is its own runner-up
            # residual check: prefer the runner-up if only it leaves no autocorrelation at 5 %
            # (Bonferroni over the k series)
            alpha = 0.05 / len(names)
            if (sel.loc[chosen, "min_ljung_box_p"] < alpha <= sel.loc[order[1], "min_ljung_box_p"]
                    and np.isfinite(sel.loc[order[1], "aicc"])):
                chosen = order[1]
        else:
            chosen = self.form
        sel["chosen"] = sel.index == chosen
        p, resid, extra = cand[chosen]
        res_df = pd.DataFrame(resid, index=history.index[hold:], columns=list(names))
        return GrowthSystemResults(
            params=p,
            initial=y[-1].copy(),
            source="fitted",
            selection=sel,
            diagnostics=extra["diag"],
            residuals=res_df,
            fit_results=extra.get("fits", {}),
        )


def _fit_ar(
    y: FloatArray, names: Sequence[str], max_p: int, hold: int, bias_correct: bool = False
) -> tuple[GrowthSystemParams, FloatArray, dict[str, Any]]:
    from statsmodels.tsa.ar_model import AutoReg

    k = y.shape[1]
    mean = np.empty(k)
    ar = np.zeros((k, k))
    coef_hat = np.zeros((k, k + 1))
    coef_cov = np.zeros((k, k + 1, k + 1))
    df = np.empty(k)
    resid = np.empty((y.shape[0] - hold, k))
    fits: dict[str, Any] = {}
    orders: dict[str, pd.DataFrame] = {}
    n_coef = 0
    for i, name in enumerate(names):
        best = None
        tab = []
        for p in range(0, max_p + 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = AutoReg(y[:, i], lags=p, trend="c", hold_back=hold).fit()
            tab.append({"order": p, "aic": r.aic, "bic": r.bic})
            if best is None or r.bic < best.bic:
                best = r
        assert best is not None
        orders[name] = pd.DataFrame(tab)
        fits[name] = best
        prm = np.asarray(best.params, dtype=np.float64)
        cov = np.asarray(best.cov_params(), dtype=np.float64)
        phi = float(prm[1]) if len(prm) > 1 else 0.0
        c = float(prm[0])
        if bias_correct and len(prm) > 1:
            # Kendall (1954) small-sample bias of the AR(1) coefficient with an intercept:
            # E[phi_hat] - phi ~ -(1 + 3 phi) / T; the mean c / (1 - phi_hat) is kept
            t_obs = float(len(best.resid))
            mu_keep = c / (1.0 - float(np.clip(phi, -AR_CLIP, AR_CLIP)))
            phi = (phi * t_obs + 1.0) / (t_obs - 3.0)
            phi = float(np.clip(phi, -AR_CLIP, AR_CLIP))
            c = mu_keep * (1.0 - phi)
        phi_s = float(np.clip(phi, -AR_CLIP, AR_CLIP))
        mean[i] = c / (1.0 - phi_s)
        ar[i, i] = phi_s
        coef_hat[i, 0] = c
        coef_cov[i, 0, 0] = cov[0, 0]
        if len(prm) > 1:
            coef_hat[i, 1 + i] = phi
            coef_cov[i, 0, 1 + i] = coef_cov[i, 1 + i, 0] = cov[0, 1]
            coef_cov[i, 1 + i, 1 + i] = cov[1, 1]
        n_coef += len(prm)
        df[i] = max(len(best.resid) - len(prm), 1)
        resid[:, i] = best.resid
    s = resid.T @ resid / resid.shape[0]
    sd = np.sqrt(np.array([fits[n].sigma2 for n in names]))
    cov_u = _corr(s) * np.outer(sd, sd)
    params = GrowthSystemParams(tuple(names), mean, ar, cov_u, "ar", coef_hat, coef_cov, df)
    return params, resid, {"n_coef": n_coef, "fits": {"ar": fits, "orders": orders}}


def _fit_var1(
    y: FloatArray, names: Sequence[str]
) -> tuple[GrowthSystemParams, FloatArray, dict[str, Any]]:
    from statsmodels.tsa.api import VAR

    k = y.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = VAR(y).fit(1, trend="c")
    prm = np.asarray(r.params, dtype=np.float64)  # rows: const, lag-1 of each series
    c = prm[0]
    a = prm[1:].T  # A[i, j] = effect of y_{j,t-1} on y_{i,t}
    x = np.column_stack([np.ones(y.shape[0] - 1), y[:-1]])
    xtx_inv = np.linalg.inv(x.T @ x)
    sigma_u = np.asarray(r.sigma_u, dtype=np.float64)
    coef_hat = np.column_stack([c, a])
    coef_cov = np.stack([sigma_u[i, i] * xtx_inv for i in range(k)])
    a_s = _stabilise(a[None], "var1")[0]
    mean = np.linalg.solve(np.eye(k) - a_s, c)
    df = np.full(k, float(r.df_resid))
    params = GrowthSystemParams(tuple(names), mean, a_s, sigma_u, "var1", coef_hat, coef_cov, df)
    return params, np.asarray(r.resid, dtype=np.float64), {"n_coef": k * (k + 1),
                                                           "fits": {"var1": r}}


# ---------------------------------------------------------------------------------------------
# Pooled panel AR(1) (regional deviations, collection rate)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelARParams:
    r"""Pooled AR(1) :math:`u_{r,t} = \phi u_{r,t-1} + \tau\eta_{r,t}`, with the standard error
    of :math:`\hat\phi` and the residual degrees of freedom (``None``: no uncertainty)."""

    ar1: float
    sigma: float
    ar1_se: float | None = None
    df_resid: float | None = None


@dataclass(frozen=True)
class PanelARResults:
    """Fitted or fixed pooled AR(1) with the per-unit start state ``initial`` (units,)."""

    params: PanelARParams
    initial: FloatArray
    units: tuple[str, ...]
    source: Literal["fitted", "fixed"] = "fixed"
    diagnostics: dict[str, float] = field(default_factory=dict)
    name: str = "panel"

    def summary(self) -> str:
        """One-line parameter summary with diagnostics."""
        p = self.params
        se = f" (se {p.ar1_se:.3f})" if p.ar1_se is not None else ""
        d = ", ".join(f"{k}={v:.3g}" for k, v in self.diagnostics.items())
        return f"{self.name} ({self.source}): ar1={p.ar1:.3f}{se}, sigma={p.sigma:.4f}; {d}"

    def draw_parameters(
        self, n_paths: int, rng: np.random.Generator, uncertainty: bool
    ) -> tuple[FloatArray, FloatArray]:
        """Per-path ``(ar1 (n,), sigma (n,))``."""
        p = self.params
        if not uncertainty or p.ar1_se is None or p.df_resid is None:
            return np.full(n_paths, p.ar1), np.full(n_paths, p.sigma)
        z = rng.standard_normal(n_paths)
        chi = rng.chisquare(p.df_resid, size=n_paths)
        ar1 = np.clip(p.ar1 + p.ar1_se * z, -AR_CLIP, AR_CLIP)
        return ar1, p.sigma * np.sqrt(p.df_resid / chi)

    def simulate(
        self,
        years: Sequence[int],
        n_paths: int,
        rng: np.random.Generator,
        *,
        uncertainty: bool = True,
        volatility_scale: float = 1.0,
        pins: Mapping[int, FloatArray] | None = None,
    ) -> FloatArray:
        """Paths ``(n_paths, len(years), units)`` of the deviation ``u``; ``pins`` map a year
        position to the value of ``u`` that replaces the simulated one (the path continues from
        it)."""
        ar1, sig = self.draw_parameters(n_paths, rng, uncertainty)
        u = np.broadcast_to(self.initial, (n_paths, len(self.units))).copy()
        out = np.empty((n_paths, len(years), len(self.units)))
        for t in range(len(years)):
            u = ar1[:, None] * u + volatility_scale * sig[:, None] * rng.standard_normal(u.shape)
            if pins and t in pins:
                u[:] = pins[t][None]
            out[:, t] = u
        return out


class PanelAR:
    """Pooled AR(1) across units, fitted by OLS (statsmodels) on the stacked panel."""

    def __init__(self, name: str = "panel") -> None:
        self.name = name

    def fix(
        self, params: PanelARParams, initial: FloatArray, units: Sequence[str]
    ) -> PanelARResults:
        """Results from prescribed parameters."""
        return PanelARResults(params, np.asarray(initial, dtype=np.float64), tuple(units),
                              name=self.name)

    def fit(self, panel: pd.DataFrame) -> PanelARResults:
        """Fit to a frame (years × units) of the deviation series ``u``."""
        import statsmodels.api as sm

        u = panel.to_numpy(np.float64)
        yv = u[1:].ravel()
        xv = u[:-1].ravel()
        ok = np.isfinite(yv) & np.isfinite(xv)
        if ok.sum() < 3 or np.allclose(xv[ok], 0.0):
            sigma = float(np.nanstd(yv)) if ok.any() else 0.0
            params = PanelARParams(0.0, sigma, None, None)
            return PanelARResults(params, u[-1], tuple(panel.columns), "fitted",
                                  {"n_obs": float(ok.sum())}, self.name)
        r = sm.OLS(yv[ok], xv[ok]).fit()
        phi = float(np.clip(r.params[0], -AR_CLIP, AR_CLIP))
        sigma = float(np.sqrt(r.scale))
        diag = residual_diagnostics(np.asarray(r.resid))
        diag["n_obs"] = float(ok.sum())
        params = PanelARParams(phi, sigma, float(r.bse[0]), float(r.df_resid))
        return PanelARResults(params, u[-1], tuple(panel.columns), "fitted", diag, self.name)


# ---------------------------------------------------------------------------------------------
# Coverage expansion (扩面)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageParams:
    r"""Saturating coverage: target :math:`c^*` (scalar or per cell), mean uptake speed
    :math:`\bar\lambda`, logit-scale shock sd ``sigma``, common-shock share ``rho`` and the
    standard error of :math:`\operatorname{logit}\bar\lambda` (``None``: no uncertainty)."""

    target: FloatArray
    speed: float
    sigma: float
    rho: float
    speed_logit_se: float | None = None
    fitted_saturation: float | None = None


@dataclass(frozen=True)
class CoverageResults:
    """Coverage process with its start state ``initial`` (cells flattened: region × class)."""

    params: CoverageParams
    initial: FloatArray
    source: Literal["fitted", "fixed"] = "fixed"
    diagnostics: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """One-paragraph parameter summary."""
        p = self.params
        tgt = np.asarray(p.target)
        lo, hi = float(np.min(tgt)), float(np.max(tgt))
        t = f"{lo:.3f}–{hi:.3f}" if hi > lo else f"{lo:.3f}"
        sat = ("" if p.fitted_saturation is None
               else f", historical saturation {p.fitted_saturation:.3f}")
        se = "" if p.speed_logit_se is None else f" (logit se {p.speed_logit_se:.3f})"
        d = ", ".join(f"{k}={v:.3g}" for k, v in self.diagnostics.items())
        return (f"coverage ({self.source}): target {t}{sat}; speed {p.speed:.3f}{se}, "
                f"sigma {p.sigma:.3f} (logit), common share {p.rho:.2f}; {d}")

    def scheduled(self, n_years: int) -> FloatArray:
        r"""Closed form with no noise, ``(n_years, cells)``:
        :math:`c^* - (c^*-c_0)(1-\bar\lambda)^h`."""
        h = np.arange(1, n_years + 1)[:, None]
        tgt = np.broadcast_to(self.params.target, self.initial.shape)
        return np.asarray(tgt - (tgt - self.initial) * (1 - self.params.speed) ** h)

    def draw_parameters(
        self, n_paths: int, rng: np.random.Generator, uncertainty: bool
    ) -> FloatArray:
        """Per-path ``logit(speed)`` (n,)."""
        base = float(special.logit(self.params.speed))
        se = self.params.speed_logit_se
        if not uncertainty or se is None:
            return np.full(n_paths, base)
        return base + se * rng.standard_normal(n_paths)

    def step(
        self,
        c: FloatArray,
        logit_speed: FloatArray,
        rng: np.random.Generator,
        volatility_scale: float,
    ) -> FloatArray:
        """One year: ``c`` is ``(n, cells)``; returns the new coverage."""
        p = self.params
        n, m = c.shape
        zc = rng.standard_normal((n, 1))
        z = rng.standard_normal((n, m))
        tgt = np.broadcast_to(p.target, (m,))[None]
        if volatility_scale == 0.0 or p.sigma == 0.0:
            lam = np.broadcast_to(special.expit(logit_speed)[:, None], c.shape)
        else:
            s = volatility_scale * p.sigma
            z *= s * np.sqrt(1.0 - p.rho)
            z += (s * np.sqrt(p.rho)) * zc
            z += logit_speed[:, None]
            lam = special.expit(z, out=z)
        gap = tgt - c
        gap *= lam
        gap += c
        return np.asarray(np.clip(gap, 0.0, 1.0, out=gap))


class CoverageProcess:
    """Coverage expansion toward a planned target (see the module docstring)."""

    def fix(self, params: CoverageParams, initial: FloatArray) -> CoverageResults:
        """Results from prescribed parameters."""
        return CoverageResults(params, np.asarray(initial, dtype=np.float64))

    def fit(
        self,
        rates: pd.DataFrame,
        initial: FloatArray,
        target: FloatArray | float | None = None,
        speed: float | None = None,
    ) -> CoverageResults:
        r"""Fit on regional coverage-rate history (years × regions).

        1. The pooled regression :math:`\Delta C_{r,t} = a + b\,C_{r,t-1} + e_{r,t}`
           (statsmodels OLS). When :math:`-b \in (0.01, 0.99)` and :math:`a/(-b)` lies between
           the highest observed rate and 1, the history identifies a saturation level
           :math:`\hat c = a/(-b)` and the uptake speed is :math:`\bar\lambda = -b`.
        2. Otherwise (e.g. a straight-line history, :math:`b \approx 0`) the saturation level
           is not identified: full coverage (1) is used as the fitted level and the speed is
           estimated relative to the target actually used, by OLS through the origin of
           :math:`\Delta C_{r,t}` on :math:`c^*_r - C_{r,t-1}`.

        The residual sd is converted to the logit scale of :math:`\lambda` by the delta method,
        :math:`s = \mathrm{sd}(e) / (\overline{|c^*-C|}\,\bar\lambda(1-\bar\lambda))`; the
        common-shock share ``rho`` is the average cross-region correlation of the residuals.
        ``target`` (planned, from the assumption file; scalar or per region) replaces the fitted
        level; ``speed`` replaces the fitted speed.
        """
        import statsmodels.api as sm

        c = rates.to_numpy(np.float64)
        dy = (c[1:] - c[:-1]).ravel()
        x = c[:-1].ravel()
        r = sm.OLS(dy, sm.add_constant(x)).fit()
        a, b = (float(v) for v in r.params)
        cmax = float(np.nanmax(c))
        identified = 0.01 < -b < 0.99 and cmax <= a / -b <= 1.0
        saturation = a / -b if identified else 1.0
        tgt = np.asarray(saturation if target is None else target, dtype=np.float64)
        if identified:
            lam = -b
            lam_se = float(r.bse[1])
            resid_v = np.asarray(r.resid)
            sd_e = float(np.sqrt(r.scale))
            gap = np.abs(saturation - x)
        else:
            t_r = np.broadcast_to(tgt, (c.shape[1],)) if tgt.size in (1, c.shape[1]) else (
                np.full(c.shape[1], float(np.mean(tgt))))
            gap_x = (t_r[None, :] - c[:-1]).ravel()
            r0 = sm.OLS(dy, gap_x).fit()
            lam = float(r0.params[0])
            lam_se = float(r0.bse[0])
            resid_v = np.asarray(r0.resid)
            sd_e = float(np.sqrt(r0.scale))
            gap = np.abs(gap_x)
        lam = float(np.clip(lam, 0.005, 0.99))
        lam_used = lam if speed is None else float(speed)
        gap_mean = max(float(np.mean(gap)), 1e-3)
        sigma = sd_e / (gap_mean * lam * (1 - lam))
        rho = _common_share(resid_v.reshape(c.shape[0] - 1, c.shape[1]))
        se = lam_se / (lam * (1 - lam)) if speed is None else None
        diag = residual_diagnostics(resid_v)
        diag.update({"free_regression_speed": -b, "saturation_identified": float(identified),
                     "n_obs": float(len(dy))})
        params = CoverageParams(tgt, lam_used, float(sigma), rho, se,
                                saturation if identified else None)
        return CoverageResults(params, np.asarray(initial, dtype=np.float64), "fitted", diag)


def _common_share(resid: FloatArray) -> float:
    """Average pairwise correlation of the columns of a (years × units) matrix, in [0, 1]."""
    if resid.ndim != 2 or resid.shape[0] < 3 or resid.shape[1] < 2:
        return 0.0
    sd = resid.std(axis=0)
    keep = sd > 0
    if keep.sum() < 2:
        return 0.0
    cm = np.corrcoef(resid[:, keep].T)
    m = int(keep.sum())
    avg = (float(np.sum(cm)) - m) / (m * (m - 1))
    return float(np.clip(avg, 0.0, 1.0))


def replace_params(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` re-exported for the model module (keeps imports in one place)."""
    return replace(obj, **changes)
