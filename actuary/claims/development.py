"""Payment development: paid triangles and volume-weighted chain-ladder patterns.

Payments of an accident year ``i`` are spread over calendar years ``i + d`` (development year
``d = 0, 1, …``). From the cumulative paid triangle :math:`C_{i,d}` the volume-weighted
(Mack 1993, "chain ladder") age-to-age factors are

.. math::  f_d = \\frac{\\sum_{i \\in I_d} C_{i,d+1}}{\\sum_{i \\in I_d} C_{i,d}},

over the accident years :math:`I_d` observed at both ages. Where the last observed factor is
still above 1, a tail factor :math:`f_\\infty` is extrapolated by fitting
:math:`\\log(f_d - 1) = a + b d` to the later factors (exponential decay, the "curve" tail of
Sherman 1984) and multiplying the extrapolated factors until they fall below
``tail_tolerance``. Cumulative development factors are
:math:`F_d = f_\\infty \\prod_{k \\ge d} f_k`, the fraction of the ultimate paid by the end of
development year ``d`` is :math:`1/F_d`, and the incremental payment pattern is
:math:`p_0 = 1/F_0`, :math:`p_d = 1/F_d - 1/F_{d-1}`, with the tail mass
:math:`1 - 1/f_\\infty` paid over the extrapolated years.

An accident year's ultimate cost :math:`U_i` is then paid as :math:`U_i p_d` in calendar year
``i + d``. The cross-check against the ``chainladder`` package is in
``tests/test_claims_development.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DevelopmentPattern", "chain_ladder", "paid_triangle"]


def paid_triangle(
    payments: pd.DataFrame,
    accident_year: pd.Series,
    items: list[str] | tuple[str, ...] | None = None,
    last_calendar_year: int | None = None,
    deflator: pd.Series | None = None,
) -> pd.DataFrame:
    """Cumulative paid triangle (accident year × development year) from claim payments.

    Parameters
    ----------
    payments
        Rows ``claim_id, calendar_year, benefit_item, amount`` (the data contract).
    accident_year
        Accident year of each claim, indexed by ``claim_id``.
    items
        Benefit items to include (all when ``None``).
    last_calendar_year
        Calendar years after this are dropped (the valuation date).
    deflator
        Optional index by calendar year; amounts are divided by it (constant prices).

    Returns
    -------
    DataFrame indexed by accident year with integer development-year columns; cells after the
    valuation diagonal are NaN.
    """
    p = payments
    if items is not None:
        p = p[p["benefit_item"].isin(list(items))]
    if p.empty:
        return pd.DataFrame()
    ay = accident_year.reindex(p["claim_id"].to_numpy()).to_numpy()
    df = pd.DataFrame(
        {
            "ay": ay,
            "cy": p["calendar_year"].to_numpy(),
            "amount": p["amount"].to_numpy(dtype=float),
        }
    ).dropna(subset=["ay"])
    df["ay"] = df["ay"].astype(int)
    if deflator is not None:
        df["amount"] = df["amount"] / deflator.reindex(df["cy"]).to_numpy()
    if last_calendar_year is None:
        last_calendar_year = int(df["cy"].max())
    df = df[df["cy"] <= last_calendar_year]
    df["dev"] = df["cy"] - df["ay"]
    df = df[df["dev"] >= 0]
    inc = df.pivot_table(index="ay", columns="dev", values="amount", aggfunc="sum", fill_value=0.0)
    first, last = int(inc.index.min()), last_calendar_year
    years = np.arange(first, last + 1)
    devs = np.arange(0, last - first + 1)
    inc = inc.reindex(index=years, columns=devs, fill_value=0.0)
    cum = inc.cumsum(axis=1)
    mask = (years[:, None] + devs[None, :]) > last
    return cum.mask(mask)


@dataclass(frozen=True)
class DevelopmentPattern:
    """A fitted chain-ladder development pattern.

    Attributes
    ----------
    factors
        Volume-weighted age-to-age factors :math:`f_d`, ``d = 0 … n-2``.
    tail
        Tail factor :math:`f_\\infty` (1 when no tail).
    incremental
        Payment pattern :math:`p_d` over development years ``0 … len-1`` (sums to 1; the tail
        mass is spread over the extrapolated years).
    """

    factors: np.ndarray
    tail: float
    incremental: np.ndarray

    @property
    def cdf(self) -> np.ndarray:
        """Cumulative development factors to ultimate :math:`F_d` for the observed ages."""
        f = np.append(self.factors, self.tail)
        return np.cumprod(f[::-1])[::-1]

    @property
    def percent_paid(self) -> np.ndarray:
        """Fraction of the ultimate paid by the end of each observed development year."""
        return 1.0 / self.cdf

    def ultimate(self, latest: np.ndarray, age: np.ndarray) -> np.ndarray:
        """Chain-ladder ultimate from the latest cumulative paid at development age ``age``."""
        return np.asarray(latest, float) * self.cdf[np.asarray(age, int)]


def chain_ladder(
    triangle: pd.DataFrame | np.ndarray,
    tail: str | float = "none",
    tail_from: int = 3,
    tail_tolerance: float = 1e-4,
    max_tail_years: int = 30,
) -> DevelopmentPattern:
    """Volume-weighted chain ladder with an optional exponential-decay tail.

    Parameters
    ----------
    triangle
        Cumulative triangle, accident years in rows, development years in columns, NaN below
        the diagonal.
    tail
        ``"none"`` (tail factor 1), ``"exponential"`` (log-linear decay fitted to the last
        ``tail_from`` factors above 1) or a number (a fixed tail factor).
    tail_from
        Number of last factors (> 1) used for the exponential fit.
    tail_tolerance, max_tail_years
        The extrapolation stops when the next factor is below ``1 + tail_tolerance`` or after
        ``max_tail_years`` years.
    """
    c = np.asarray(triangle, dtype=float)
    if c.ndim != 2 or c.shape[1] == 0 or c.shape[0] == 0 or np.nansum(c) <= 0:
        # no payments at all: everything is paid in the accident year
        return DevelopmentPattern(factors=np.ones(0), tail=1.0, incremental=np.array([1.0]))
    n = c.shape[1]
    factors = np.ones(n - 1)
    for d in range(n - 1):  # loop over development ages (a handful), not over claims
        ok = ~np.isnan(c[:, d]) & ~np.isnan(c[:, d + 1])
        den = c[ok, d].sum()
        num = c[ok, d + 1].sum()
        # nothing paid yet at age d but later: the factor is infinite and the fraction paid
        # at age d is 0 (e.g. lump sums paid only after the grading year)
        factors[d] = num / den if den > 0 else (np.inf if num > 0 else 1.0)
    ext: list[float] = []
    if isinstance(tail, int | float) and not isinstance(tail, bool):
        tail_factor = float(tail)
        if tail_factor < 1.0:
            raise ValueError("tail factor must be >= 1")
    elif tail == "none":
        tail_factor = 1.0
    elif tail == "exponential":
        d_idx = np.flatnonzero((factors > 1.0 + 1e-12) & np.isfinite(factors))
        d_idx = d_idx[-tail_from:]
        if d_idx.size >= 2:
            b, a = np.polyfit(d_idx.astype(float), np.log(factors[d_idx] - 1.0), 1)
            if b < 0:
                for k in range(n - 1, n - 1 + max_tail_years):
                    g = 1.0 + float(np.exp(a + b * k))
                    if g - 1.0 < tail_tolerance:
                        break
                    ext.append(g)
        tail_factor = float(np.prod(ext)) if ext else 1.0
    else:
        raise ValueError(f"unknown tail method {tail!r}")
    # cumulative fractions paid at ages 0 … n-1 and over the extrapolated years
    all_f = np.concatenate([factors, ext]) if ext else factors
    if not ext and tail_factor > 1.0:
        # fixed tail: pay the tail mass in one extra development year
        all_f = np.append(factors, tail_factor)
    cdf_all = np.append(np.cumprod(all_f[::-1])[::-1], 1.0)
    with np.errstate(divide="ignore"):
        pct = 1.0 / cdf_all
    incremental = np.diff(np.concatenate([[0.0], pct]))
    return DevelopmentPattern(factors=factors, tail=tail_factor, incremental=incremental)
