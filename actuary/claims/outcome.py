"""Outcome mix of a recognised injury: medical only / disability grade 10 … 1 / death.

Two models are fitted on the claim records (major-accident victims excluded) and compared:

- **multinomial** with industry class as the only covariate. With one categorical covariate
  the multinomial-logit MLE is the empirical share :math:`\\hat p_{co} = n_{co} / n_c`, so it is
  computed in closed form (it is what ``statsmodels`` ``MNLogit`` with class dummies converges
  to, without its failure on empty cells);
- **ordinal** (cumulative logit, the model of ``statsmodels`` ``OrderedModel``, fitted on the
  class × outcome count table) on the severity order
  medical only < grade 10 < … < grade 1 < death:
  :math:`P(Y \\le k \\mid c) = \\operatorname{logit}^{-1}(\\theta_k - \\gamma_c)` — 11 cut points
  and 7 class effects instead of 88 free shares, so sparse cells (grade 1 in class 1) borrow
  strength from the other classes.

Both are compared by AIC (:attr:`OutcomeFit.comparison`); the model file chooses which one the
simulation uses (``outcome.model``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from actuary.dims import INDUSTRY_CLASSES, OUTCOMES

__all__ = ["SEVERITY_ORDER", "OutcomeFit", "fit_outcome_mix"]

#: Outcomes from least to most severe (the ordinal model's order).
SEVERITY_ORDER: tuple[str, ...] = (
    "medical_only",
    *(f"grade_{g}" for g in range(10, 0, -1)),
    "death",
)


@dataclass
class OutcomeFit:
    """Outcome shares by class (rows: industry classes 1–8; columns: ``actuary.dims.OUTCOMES``)."""

    multinomial: pd.DataFrame
    ordinal: pd.DataFrame | None
    counts: pd.DataFrame
    comparison: pd.DataFrame
    #: cumulative-logit estimates (class effects of classes 2-8, theta_1, log increments) and
    #: their asymptotic covariance (inverse numerical Hessian of the negative log-likelihood),
    #: the sampling distribution of parameter uncertainty; ``None`` when not fitted / singular
    ordinal_coef: np.ndarray | None = None
    ordinal_cov: np.ndarray | None = None

    def ordinal_draws(self, x: np.ndarray) -> np.ndarray:
        """Ordinal shares (path, class, ``OUTCOMES``) at parameter vectors ``x`` (path, k)."""
        counts = self.counts[list(SEVERITY_ORDER)].to_numpy()
        p = ordinal_probs(x, counts.shape[0])
        tot = counts.sum(axis=1)
        if (tot == 0).any() and (tot > 0).any():
            p[:, tot == 0] = p[:, tot > 0].mean(axis=1, keepdims=True)
        order = [SEVERITY_ORDER.index(o) for o in OUTCOMES]
        return p[..., order]

    def shares(self, model: str) -> pd.DataFrame:
        """Shares of the chosen model (``"multinomial"`` or ``"ordinal"``)."""
        if model == "multinomial":
            return self.multinomial
        if model == "ordinal":
            if self.ordinal is None:
                raise ValueError("the ordinal model was not fitted")
            return self.ordinal
        raise ValueError(f"unknown outcome model {model!r}")


def ordinal_probs(x: np.ndarray, n_c: int) -> np.ndarray:
    """Cumulative-logit cell probabilities (path, class, SEVERITY_ORDER) for parameter vectors
    ``x`` (path, k) in the parametrisation of :func:`_ordinal_shares` (vectorised over paths)."""
    x = np.atleast_2d(np.asarray(x, float))
    n_p = x.shape[0]
    eff = np.concatenate([np.zeros((n_p, 1)), x[:, : n_c - 1]], axis=1)
    raw = x[:, n_c - 1 :]
    cuts = np.cumsum(np.concatenate([raw[:, :1], np.exp(raw[:, 1:])], axis=1), axis=1)
    cdf = expit(cuts[:, None, :] - eff[:, :, None])
    zeros = np.zeros((n_p, n_c, 1))
    cdf = np.concatenate([zeros, cdf, zeros + 1.0], axis=2)
    return np.clip(np.diff(cdf, axis=2), 1e-300, 1.0)


def _ordinal_cov(nll: Any, x: np.ndarray) -> np.ndarray | None:
    """Inverse numerical Hessian of ``nll`` at the MLE ``x`` (``None`` when not invertible)."""
    from statsmodels.tools.numdiff import approx_hess3

    try:
        cov = np.linalg.inv(approx_hess3(x, nll))
    except np.linalg.LinAlgError:
        return None
    cov = 0.5 * (cov + cov.T)
    ok = np.all(np.isfinite(cov)) and np.all(np.linalg.eigvalsh(cov) > 0)
    return cov if ok else None


def _ordinal_shares(
    counts: np.ndarray, classes: list[int]
) -> tuple[pd.DataFrame, float, int, np.ndarray, np.ndarray | None]:
    """Cumulative-logit MLE on the class × outcome count table (columns in SEVERITY_ORDER).

    With class as the only covariate the claim-level likelihood depends on the data only
    through the count table, :math:`\\ell = \\sum_{c,o} n_{co} \\log p_{co}(\theta, \\gamma)`, so
    the fit runs on the 8 × 12 table (the same estimates as ``statsmodels`` ``OrderedModel`` on
    the claim records, which ``tests/test_claims_outcome.py`` checks, at a fraction of the
    cost). Cut points are parametrised as :math:`\theta_1` and log increments, as in
    statsmodels.
    """
    from scipy.optimize import minimize

    n_c = counts.shape[0]
    tot = counts.sum(axis=1)
    cum = np.cumsum(counts.sum(axis=0))[:-1] / counts.sum()
    cum = np.clip(cum, 1e-6, 1 - 1e-6)
    th0 = np.log(cum / (1 - cum))
    x0 = np.concatenate([np.zeros(n_c - 1), [th0[0]], np.log(np.maximum(np.diff(th0), 1e-3))])

    def probs(x: np.ndarray) -> np.ndarray:
        eff = np.concatenate([[0.0], x[: n_c - 1]])
        raw = x[n_c - 1 :]
        cuts = np.cumsum(np.concatenate([[raw[0]], np.exp(raw[1:])]))
        cdf = expit(cuts[None, :] - eff[:, None])
        cdf = np.concatenate([np.zeros((n_c, 1)), cdf, np.ones((n_c, 1))], axis=1)
        return np.clip(np.diff(cdf, axis=1), 1e-300, 1.0)

    def nll(x: np.ndarray) -> float:
        return float(-(counts * np.log(probs(x))).sum())

    res = minimize(nll, x0, method="BFGS", options={"gtol": 1e-8, "maxiter": 2000})
    p = probs(res.x)
    p[tot == 0] = p[tot > 0].mean(axis=0) if (tot > 0).any() else p[tot == 0]
    df = pd.DataFrame(p, index=classes, columns=list(SEVERITY_ORDER))
    x_hat = np.asarray(res.x, float)
    return df[list(OUTCOMES)], -float(res.fun), int(x0.size), x_hat, _ordinal_cov(nll, x_hat)


def fit_outcome_mix(claims: pd.DataFrame, ordinal: bool = True) -> OutcomeFit:
    """Fit the outcome mix on ordinary claims (``event_id`` blank), by industry class."""
    c = claims
    if "event_id" in c:
        ev = c["event_id"]
        c = c[ev.isna() | (ev.astype(str).str.strip() == "")]
    cls = c["industry_class"].astype(int).to_numpy()
    y = c["outcome"].astype(str).to_numpy()
    classes = list(INDUSTRY_CLASSES)
    counts = (
        pd.crosstab(cls, y)
        .reindex(index=classes, columns=list(OUTCOMES), fill_value=0)
        .astype(float)
        .rename_axis(index=None, columns=None)
    )
    tot = counts.sum(axis=1).replace(0.0, np.nan)
    multi = counts.div(tot, axis=0).fillna(counts.sum() / counts.to_numpy().sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        ll_multi = float(np.nansum(np.where(counts > 0, counts * np.log(multi), 0.0)))
    n_par_multi = int((counts.sum(axis=1) > 0).sum() * (len(OUTCOMES) - 1))
    rows = [{"model": "multinomial", "loglik": ll_multi, "n_params": n_par_multi}]
    ord_df = ord_x = ord_cov = None
    if ordinal:
        ord_df, ll_ord, k_ord, ord_x, ord_cov = _ordinal_shares(
            counts[list(SEVERITY_ORDER)].to_numpy(), classes
        )
        rows.append({"model": "ordinal", "loglik": ll_ord, "n_params": k_ord})
    comp = pd.DataFrame(rows).set_index("model")
    comp["aic"] = 2 * comp["n_params"] - 2 * comp["loglik"]
    return OutcomeFit(
        multinomial=multi,
        ordinal=ord_df,
        counts=counts,
        comparison=comp,
        ordinal_coef=ord_x,
        ordinal_cov=ord_cov,
    )
