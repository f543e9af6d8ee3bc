"""Claims parameter uncertainty: per-path claims parameters drawn from the estimates' sampling
distribution (``parameter_uncertainty.enabled`` in the claims file; off by default).

With the option off every path uses the point estimates and only process noise is simulated.
With it on, each path of a block draws, once and before the simulation, from the block's own
``"claims_parameters"`` stream (:mod:`actuary.rng`; the other streams' draws are unchanged),
in this order:

1. **Incidence** (:mod:`~actuary.claims.incidence`): the Poisson-GLM coefficients
   (intercept, class and region effects, trend) jointly from their asymptotic normal
   :math:`N(\\hat b, \\hat V)`, :math:`\\hat V` the sandwich covariance of the Poisson MLE
   under the fitted year effect and cell over-dispersion (it reduces to the statsmodels
   ``cov_params()`` without them; ``incidence._sandwich_cov``). A trend fixed in the model file
   stays fixed (the other coefficients keep their marginal law).
2. **Outcome mix** (:mod:`~actuary.claims.outcome`): ``multinomial`` — per class a Dirichlet
   with the observed counts :math:`(n_{c1}, \\dots, n_{cO})` (the posterior under the Haldane
   prior; its mean is the empirical share, outcomes never observed in the class stay at 0, a
   class without claims uses the pooled counts); ``ordinal`` — the cumulative-logit parameters
   from their asymptotic normal (inverse numerical Hessian).
3. **Severity** (:mod:`~actuary.claims.severity`): per item the gamma-GLM coefficients (log
   mean per outcome, trend) from their asymptotic normal (``cov_params()``); the probability
   of a positive cost and the gamma shape stay at their estimates. A severity trend fixed in
   the model file stays fixed.
4. **Major accidents** (:mod:`~actuary.claims.major`): the event rate from its Gamma posterior
   under the scale-invariant prior :math:`\\pi(\\nu) \\propto 1/\\nu`,
   :math:`\\nu \\sim \\text{Gamma}(n, \\text{rate } Y)` for *n* events in *Y* years (mean
   :math:`\\hat\\nu = n/Y`, s.d. :math:`\\sqrt n / Y`); the Pareto index from the pivot of its
   MLE on *n* events, :math:`n a / \\hat a \\sim \\text{Gamma}(n, 1)`, so
   :math:`a = \\hat a\\, G / n` with :math:`G \\sim \\text{Gamma}(n, 1)` (mean :math:`\\hat a`,
   variance :math:`\\hat a^2 / n`; also the posterior under :math:`\\pi(a) \\propto 1/a`).
   A rate or index fixed in the model file, or one not estimated (fewer than 2 events), stays.

What stays at its estimate: the recognition completion, the year-effect and cell dispersions,
the development patterns, the claimant profile, the outstanding of history accident years and
the streams' assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actuary.claims.fitted import FittedClaims

__all__ = ["ParameterDraws", "draw_parameters"]


@dataclass(frozen=True)
class ParameterDraws:
    """Per-path claims parameters of one block (shapes with a leading path axis)."""

    log_rate: np.ndarray  # (path, region, class): log claims per worker in the base year
    trend: np.ndarray  # (path,)
    shares: np.ndarray  # (path, class, outcome)
    severity_mean: np.ndarray  # (path, severity item, outcome): mean cost / A of a positive claim
    severity_trend: np.ndarray  # (path, severity item)
    major_rate: np.ndarray  # (path,)
    major_tail_index: np.ndarray  # (path,)


def _normal(rng: np.random.Generator, cov: np.ndarray, n: int) -> np.ndarray:
    """``n`` draws of :math:`N(0, \\Sigma)` (a singular :math:`\\Sigma` allowed: eigen root)."""
    w, v = np.linalg.eigh(0.5 * (cov + cov.T))
    root = v * np.sqrt(np.clip(w, 0.0, None))[None, :]
    return rng.standard_normal((n, cov.shape[0])) @ root.T


def _dirichlet(rng: np.random.Generator, counts: np.ndarray, n: int) -> np.ndarray:
    """(n, class, outcome) Dirichlet draws per class with parameters ``counts`` (class, outcome);
    zero counts give zero shares; a class without counts draws from the pooled counts."""
    c = np.asarray(counts, float)
    empty = c.sum(axis=1) == 0
    if empty.any():
        c = c.copy()
        c[empty] = c.sum(axis=0)
    g = rng.standard_gamma(np.where(c > 0, c, 1.0)[None].repeat(n, axis=0)) * (c > 0)[None]
    tot = g.sum(axis=2, keepdims=True)
    return np.divide(g, tot, out=np.zeros_like(g), where=tot > 0)


def draw_parameters(
    res: FittedClaims,
    regions: list[str],
    classes: list[int],
    n_paths: int,
    rng: np.random.Generator,
) -> ParameterDraws:
    """Draw every path's claims parameters (module docstring: the laws and their order)."""
    spec = res.spec
    P = n_paths
    # --- 1. incidence --------------------------------------------------------------------
    inc = res.incidence
    lr = inc.log_rate(regions, classes)
    trend = np.full(P, res.trend)
    log_rate = np.broadcast_to(lr, (P, *lr.shape)).copy()
    if inc.coef_cov is not None and inc.coef_names:
        names = list(inc.coef_names)
        d = _normal(rng, inc.coef_cov, P)  # deviations from the estimates
        col = {n: i for i, n in enumerate(names)}
        dev = np.zeros((P, len(regions), len(classes)))
        if "Intercept" in col:
            dev += d[:, col["Intercept"], None, None]
        for i, r in enumerate(regions):
            k = col.get(f"C(region)[T.{r}]")
            if k is not None:
                dev[:, i, :] += d[:, k, None]
        for j, c in enumerate(classes):
            k = col.get(f"C(industry_class)[T.{c}]")
            if k is not None:
                dev[:, :, j] += d[:, k, None]
        log_rate = log_rate + dev  # a class without exposure history stays at -inf
        if spec.incidence_trend is None and "t" in col:
            trend = trend + d[:, col["t"]]
    # --- 2. outcome mix --------------------------------------------------------------------
    out = res.outcome
    if spec.outcome_model == "ordinal" and out.ordinal_coef is not None:
        if out.ordinal_cov is not None:
            x = out.ordinal_coef[None, :] + _normal(rng, out.ordinal_cov, P)
            shares = out.ordinal_draws(x)
        else:
            shares = np.broadcast_to(out.ordinal.to_numpy(), (P, *out.ordinal.shape)).copy()  # type: ignore[union-attr]
    else:
        shares = _dirichlet(rng, out.counts.reindex(index=classes).to_numpy(), P)
    # --- 3. severity -----------------------------------------------------------------------
    sev = res.severity
    n_o = sev.mean.shape[1]
    s_mean = np.broadcast_to(sev.mean, (P, *sev.mean.shape)).copy()
    s_trend = np.broadcast_to(sev.trend, (P, sev.trend.size)).copy()
    if spec.severity_trend is not None:
        s_trend[:] = spec.severity_trend
    if sev.coef_cov is not None:
        for k in range(len(sev.items)):  # a handful of items
            d = _normal(rng, sev.coef_cov[k], P)
            s_mean[:, k, :] *= np.exp(d[:, :n_o])
            if spec.severity_trend is None:
                s_trend[:, k] += d[:, n_o]
    # --- 4. major accidents ----------------------------------------------------------------
    maj = res.major
    n_ev = maj.n_events
    if spec.major_rate is not None:
        rate = np.full(P, spec.major_rate)
    elif n_ev > 0:
        rate = rng.standard_gamma(float(n_ev), P) / maj.n_years
    else:
        rate = np.full(P, maj.rate)
    if spec.major_tail_index is not None:
        tail = np.full(P, spec.major_tail_index)
    elif n_ev >= 2:
        tail = maj.tail_index * rng.standard_gamma(float(n_ev), P) / n_ev
    else:
        tail = np.full(P, maj.tail_index)
    return ParameterDraws(
        log_rate=log_rate,
        trend=trend,
        shares=shares,
        severity_mean=s_mean,
        severity_trend=s_trend,
        major_rate=rate,
        major_tail_index=tail,
    )
