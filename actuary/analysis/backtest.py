"""The economy model's rolling-origin backtest on a run's data, as a table for the review
pack (:mod:`actuary.economy.backtest`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from actuary.data import ProvinceData
from actuary.economy.backtest import backtest_model
from actuary.economy.history import history_from
from actuary.spec.run import RunSpec

__all__ = ["backtest_table"]


def backtest_table(
    run: RunSpec, data: ProvinceData, economy: Any, n_paths: int
) -> tuple[pd.DataFrame | None, str]:
    """Rolling-origin backtest of the economy model (:mod:`actuary.economy.backtest`).

    Columns: quantity, horizon, n, rmse_model, rmse_rw_drift, ratio, cover_80, cover_95.
    """
    spec = getattr(economy, "spec", None)
    res = backtest_model(history_from(data), spec, n_paths=n_paths, seed=int(run.seed))
    frame = res.table().reset_index()
    return frame, ""
