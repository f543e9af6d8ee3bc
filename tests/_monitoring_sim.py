"""Simulated monthly execution for the monitoring tests (independent of the package).

Each series: year totals ``Y_h = Y_{h-1} exp(g_h)``, ``g_h ~ N(growth, growth_sd)``; months
``x_{h,k} = Y_h w_k exp(eps_{h,k}) / sum_j w_j exp(eps_{h,j})`` with ``eps ~ N(0, month_sd)``
(the year's total is exactly ``Y_h``; ``month_sd = 0`` gives a constant seasonal pattern).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A seasonal pattern (relative weights by month): slow January-February, December settlement.
WEIGHTS = np.array([5.0, 6.0, 8.0, 8.0, 9.0, 9.0, 9.0, 9.0, 9.0, 8.0, 8.0, 12.0])


def simulate(
    rng: np.random.Generator,
    series: list[tuple[str, str]],
    years: range,
    *,
    through: tuple[int, int] | None = None,
    growth: float = 0.05,
    growth_sd: float = 0.04,
    month_sd: float = 0.05,
    level: float = 1e8,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long execution table and the year totals (``region, item, year, total``)."""
    w = WEIGHTS / WEIGHTS.sum()
    rows, totals = [], []
    for region, item in series:
        y_tot = level * rng.uniform(0.5, 2.0)
        for y in years:
            y_tot *= np.exp(rng.normal(growth, growth_sd))
            raw = w * np.exp(rng.normal(0.0, month_sd, 12))
            x = y_tot * raw / raw.sum()
            totals.append((region, item, y, y_tot))
            for k in range(12):
                if through is not None and (y, k + 1) > through:
                    break
                rows.append((y, k + 1, region, item, float(x[k])))
    ex = pd.DataFrame(rows, columns=["year", "month", "region", "item", "amount"])
    tot = pd.DataFrame(totals, columns=["region", "item", "year", "total"])
    return ex, tot
