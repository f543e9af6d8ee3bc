"""Budget-year key figures of each scenario of a projection for the province, and the run's
central statistic (``[outputs] central``: mean or median across paths)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from actuary import dims
from actuary.projection.series import province_items, province_series
from actuary.spec.run import RunSpec

__all__ = ["central", "scenario_table"]


def central(a: np.ndarray, how: str, axis: int = 0) -> Any:
    """The central statistic ``how`` (``"median"`` or the mean) of ``a`` along ``axis``."""
    return np.median(a, axis=axis) if how == "median" else np.mean(a, axis=axis)


def _below_reserve(ds: xr.Dataset, scenario: str, year: int) -> float:
    """Probability that the province's closing balance is below the required reserve."""
    if "reserve_required" not in ds:
        return float("nan")
    bal = province_series(ds, "balance_close", scenario, year=year)
    req = ds["reserve_required"].sel({dims.SCENARIO: scenario, dims.YEAR: year})
    if dims.REGION in req.dims:
        req = req.sel({dims.REGION: dims.PROVINCE})
    return float((bal < np.asarray(req.transpose(dims.PATH).values)).mean())


def scenario_table(run: RunSpec, ds: xr.Dataset) -> pd.DataFrame:
    """Budget-year key figures of each scenario for the province.

    Index scenario; columns revenue, expenditure, balance (central statistic, yuan),
    prob_deficit, prob_below_reserve, months_p05, months_p50, months_p95.
    """
    out = {}
    yb = int(run.budget_year)
    for s in [str(x) for x in ds[dims.SCENARIO].values]:
        p = province_items(ds, s)
        i = [int(y) for y in ds[dims.YEAR].values].index(yb)
        mop = p["months_of_payment"][:, i] if "months_of_payment" in p else np.full(1, np.nan)
        out[s] = {
            "revenue": float(central(p["revenue_total"][:, i], run.outputs.central)),
            "expenditure": float(central(p["expenditure_total"][:, i], run.outputs.central)),
            "balance": float(central(p["balance_close"][:, i], run.outputs.central)),
            "prob_deficit": float((p["balance_close"][:, i] < 0).mean()),
            "prob_below_reserve": _below_reserve(ds, s, yb),
            "months_p05": float(np.quantile(mop, 0.05)),
            "months_p50": float(np.quantile(mop, 0.5)),
            "months_p95": float(np.quantile(mop, 0.95)),
        }
    return pd.DataFrame.from_dict(out, orient="index")
