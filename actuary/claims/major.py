"""Major accidents (重大事故): a compound process of rare events with many victims.

Events arrive as a Poisson process, :math:`K_{p,y} \\sim \\text{Poisson}(\\nu \\, x_y)`, with
:math:`\\nu` the historical event rate per year and :math:`x_y` the ratio of covered workers in
year *y* to the historical average. Each event has :math:`S` victims with a Pareto tail,

.. math::  P(S > s) = (s / s_0)^{-a}, \\quad s \\ge s_0, \\qquad
           \\hat a = \\frac{n}{\\sum_i \\log(s_i / s_0)}

(the Hill / Pareto maximum-likelihood estimator on the historical event sizes, with
:math:`s_0` the reporting threshold), simulated as :math:`\\lfloor s_0 U^{-1/a} \\rfloor`
capped at ``max_victims``. An event's region is drawn with probabilities proportional to the
region's expected ordinary deaths; its victims' outcomes follow the outcome mix observed among
historical major-accident victims (mostly deaths), drawn multinomially per region.

Victims are then priced and paid exactly like ordinary claims (same benefit rules, same
payment pattern, survivors' pensions in the streams); their cost is also reported separately so
the reserve fund (储备金, 条例 art. 13) can be tested against it:
:func:`exhaustion_probability`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from actuary.dims import OUTCOMES

__all__ = ["MajorFit", "exhaustion_probability", "fit_major", "simulate_major"]


@dataclass
class MajorFit:
    """Fitted major-accident process."""

    rate: float  # events per year at the historical average exposure
    threshold: int  # s0: minimum victims of an event
    tail_index: float  # a
    max_victims: int
    outcome_mix: np.ndarray  # (outcome,) shares among victims
    n_events: int
    n_years: int
    sizes: np.ndarray  # historical event sizes

    def mean_size(self) -> float:
        """Mean victims per event of the (capped) discrete Pareto, by direct summation."""
        s = np.arange(self.threshold, self.max_victims + 1, dtype=float)
        sf = (s / self.threshold) ** (-self.tail_index)  # P(S >= s) for the floor of a Pareto
        return float(self.threshold - 1 + sf.sum())

    def mean_sizes(self, tail_index: np.ndarray) -> np.ndarray:
        """:meth:`mean_size` at each of the indices ``tail_index`` (path,)."""
        s = np.arange(self.threshold, self.max_victims + 1, dtype=float)
        sf = (s[None, :] / self.threshold) ** (-np.asarray(tail_index, float)[:, None])
        return self.threshold - 1 + sf.sum(axis=1)


def fit_major(
    claims: pd.DataFrame,
    first_year: int,
    last_year: int,
    threshold: int,
    max_victims: int,
    default_outcome_mix: np.ndarray | None = None,
) -> MajorFit:
    """Fit frequency, size tail and victims' outcome mix to claims with an ``event_id``."""
    ev = claims["event_id"] if "event_id" in claims else pd.Series(dtype=object)
    has = ev.notna() & (ev.astype(str).str.strip() != "")
    m = claims[has.to_numpy()] if len(ev) else claims.iloc[:0]
    years = pd.to_datetime(m["accident_date"]).dt.year if len(m) else pd.Series(dtype=int)
    m = m[(years >= first_year) & (years <= last_year)] if len(m) else m
    sizes = m.groupby("event_id").size().to_numpy() if len(m) else np.array([], int)
    sizes = sizes[sizes >= threshold]
    n_years = last_year - first_year + 1
    if sizes.size >= 2:
        a = float(sizes.size / np.log(sizes / threshold).clip(min=1e-12).sum())
    else:
        a = 1.5
    counts = (
        m["outcome"]
        .astype(str)
        .value_counts()
        .reindex(list(OUTCOMES), fill_value=0)
        .to_numpy(float)
        if len(m)
        else np.zeros(len(OUTCOMES))
    )
    if counts.sum() > 0:
        mix = counts / counts.sum()
    elif default_outcome_mix is not None:
        mix = np.asarray(default_outcome_mix, float)
    else:
        mix = np.eye(len(OUTCOMES))[OUTCOMES.index("death")]
    return MajorFit(
        rate=float(sizes.size / n_years),
        threshold=int(threshold),
        tail_index=a,
        max_victims=int(max_victims),
        outcome_mix=mix,
        n_events=int(sizes.size),
        n_years=int(n_years),
        sizes=np.sort(sizes),
    )


def simulate_major(
    fit: MajorFit,
    exposure_ratio: np.ndarray,
    region_prob: np.ndarray,
    rng: np.random.Generator,
    rate: float | np.ndarray | None = None,
    tail_index: np.ndarray | None = None,
) -> np.ndarray:
    """Victims by (path, year, region, outcome) for ``exposure_ratio`` of shape (path, year).

    Vectorised: one Poisson draw per path-year, Pareto sizes for up to the largest number of
    events drawn in the block, a categorical region per event and a multinomial split of each
    region's victims into outcomes. ``rate`` and ``tail_index`` may be given per path (shape
    (path,), parameter uncertainty); by default the fitted values.
    """
    nu = fit.rate if rate is None else rate
    if isinstance(nu, np.ndarray):
        nu = nu[:, None]
    lam = nu * np.asarray(exposure_ratio, float)
    k = rng.poisson(lam)
    n_p, n_y = lam.shape
    n_r = region_prob.size
    out = np.zeros((n_p, n_y, n_r, len(OUTCOMES)))
    kmax = int(k.max()) if k.size else 0
    if kmax == 0:
        return out
    u = rng.random((n_p, n_y, kmax))
    a = fit.tail_index if tail_index is None else np.asarray(tail_index, float)[:, None, None]
    size = np.floor(fit.threshold * (1.0 - u) ** (-1.0 / a))
    size = np.minimum(size, fit.max_victims)
    size = np.where(np.arange(kmax)[None, None, :] < k[..., None], size, 0.0)
    cum = np.cumsum(region_prob) / region_prob.sum()
    reg = np.minimum(np.searchsorted(cum, rng.random((n_p, n_y, kmax)), side="right"), n_r - 1)
    victims = np.zeros((n_p, n_y, n_r))
    for r in range(n_r):  # regions (a dozen), not events
        victims[..., r] = np.where(reg == r, size, 0.0).sum(axis=-1)
    out[:] = rng.multinomial(victims.astype(np.int64), fit.outcome_mix)
    return out


def exhaustion_probability(
    annual_cost: np.ndarray, reserve: float | np.ndarray
) -> dict[str, float]:
    """How often major-accident costs would exhaust the reserve fund.

    Parameters
    ----------
    annual_cost
        Major-accident cost by (path, year) (yuan), e.g. ``ds["major_accident_cost"]`` summed
        over regions.
    reserve
        Reserve (储备金) available in each year (scalar, or (path, year)); the reserve is
        assumed restored to this level at the start of every year.

    Returns
    -------
    ``annual``: share of path-years whose cost exceeds the reserve; ``horizon``: share of paths
    on which that happens at least once; ``cumulative``: share of paths whose cumulative cost
    over the horizon exceeds the reserve of the first year (no replenishment).
    """
    c = np.asarray(annual_cost, float)
    r = np.broadcast_to(np.asarray(reserve, float), c.shape)
    exceed = c > r
    return {
        "annual": float(exceed.mean()),
        "horizon": float(exceed.any(axis=1).mean()),
        "cumulative": float((np.cumsum(c, axis=1) > r[:, :1]).any(axis=1).mean()),
    }
