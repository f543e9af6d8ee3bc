"""Severity of the non-formula items (medical costs, hospital meals, appraisal fees).

For claim *i* with outcome *o* and item *j*, the ultimate cost relative to the pooling area's
previous-year average monthly wage of its accident year, :math:`y_{ij} = X_{ij} / A_{t(i)}`,
is modelled as

.. math::

    P(X_{ij} > 0) = \\pi_{jo}, \\qquad
    y_{ij} \\mid y_{ij} > 0 \\sim \\text{Gamma}(\\text{mean } \\mu_{jo},\\ \\text{shape } k_j),
    \\quad \\log \\mu_{jo} = \\beta_{jo},

a gamma GLM with log link (closed form for a single factor; equal to the statsmodels fit),
fitted on the accident years whose payments are at
least ``min_developed`` complete according to the item group's chain-ladder pattern (each
claim's paid-to-date divided by the fraction paid at its age). Costs are thus indexed to wages;
``excess_inflation`` in the model file adds medical inflation above wage growth.

The aggregate cost of :math:`N` claims of a cell is one draw: with
:math:`N^+ \\sim \\text{Binomial}(N, \\pi)`, :math:`\\sum X = A \\cdot \\text{Gamma}(N^+ k, \\mu/k)`
(a sum of independent Gammas with a common scale is a Gamma), DESIGN.md §5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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

    def expected(self) -> np.ndarray:
        """Expected cost per claim / A, (item, outcome)."""
        return self.p_positive * self.mean


def fit_severity(
    per_claim: pd.DataFrame,
    items: tuple[str, ...],
    default_shape: float = 1.0,
) -> SeverityFit:
    """Fit the severity GLMs.

    Parameters
    ----------
    per_claim
        One row per (mature) claim: ``outcome`` and, per item, the developed cost relative to
        the area wage in a column named after the item.
    items
        Item columns to fit.
    """
    n_o = len(OUTCOMES)
    p_pos = np.zeros((len(items), n_o))
    mean = np.zeros((len(items), n_o))
    shape = np.full(len(items), default_shape)
    n_cl = np.zeros((len(items), n_o))
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
            # Gamma GLM, log link, outcome as the only factor: the MLE of each outcome's mean
            # is the mean of its positive costs and the Pearson dispersion is
            # sum(((y - mu) / mu)^2) / (n - k); computed in closed form (the statsmodels fit
            # gives the same numbers, tests/test_claims_severity.py).
            code = pd.Categorical(outc[pos], categories=list(OUTCOMES)).codes
            yy = y[pos]
            s1 = np.bincount(code, weights=yy, minlength=n_o)
            mean[j] = np.divide(s1, npos, out=np.zeros(n_o), where=npos > 0)
            r2 = ((yy - mean[j][code]) / mean[j][code]) ** 2
            k = int((npos > 0).sum())
            if pos.sum() > k:
                phi = float(r2.sum() / (pos.sum() - k))
                if phi > 0:
                    shape[j] = 1.0 / phi
        for o_i, o in enumerate(OUTCOMES):
            rows.append(
                {
                    "item": item,
                    "outcome": o,
                    "claims": n_cl[j, o_i],
                    "p_positive": p_pos[j, o_i],
                    "mean_over_A": mean[j, o_i],
                    "shape": shape[j],
                }
            )
    return SeverityFit(
        items=tuple(items),
        p_positive=p_pos,
        mean=mean,
        shape=shape,
        n_claims=n_cl,
        table=pd.DataFrame(rows),
    )
