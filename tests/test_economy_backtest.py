"""Rolling-origin backtest: mechanics and calibration on a series whose true model is known.

Reference: for a random walk with drift in log levels (i.i.d. normal growth) the model's own
AR(0) form is the true model, so its central 80 % / 95 % one-step intervals must cover about
80 % / 95 % of outcomes (binomial standard error sqrt(p(1-p)/n)), and its median forecast is
close to the naive random-walk-with-drift forecast (the same estimator of the drift).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from economy_data import province_frames

from actuary.economy import EconomyHistory
from actuary.economy.backtest import backtest_model, backtest_series, format_table


def test_series_backtest_is_calibrated_when_the_model_is_true() -> None:
    rng = np.random.default_rng(42)
    n = 160
    growth = 0.05 + 0.02 * rng.standard_normal(n)
    levels = pd.Series(1000 * np.exp(np.cumsum(growth)), index=np.arange(1850, 1850 + n))
    bt = backtest_series(
        levels,
        first_origin=1900,
        horizons=1,
        n_paths=2000,
        max_ar_order=0,
        parameter_uncertainty=True,
    )
    tab = bt.table().loc[("level", 1)]
    m = tab["n"]
    assert m == 109
    assert abs(tab["cover_80"] - 0.80) < 3 * np.sqrt(0.8 * 0.2 / m)
    assert abs(tab["cover_95"] - 0.95) < 3 * np.sqrt(0.95 * 0.05 / m) + 0.01
    assert 0.95 < tab["ratio"] < 1.05


def test_model_backtest_produces_the_table() -> None:
    fr = province_frames(n_regions=3)
    h = EconomyHistory.from_frames(fr["economy"], fr["economy_region"], fr["exposure"])
    bt = backtest_model(h, first_origin=2020, n_paths=200)
    tab = bt.table()
    assert set(tab.index.get_level_values("quantity")) >= {
        "avg_wage_province",
        "covered_payroll",
        "coverage_rate",
        "collection_rate",
        "cpi_growth",
    }
    # origins 2020..2024; horizon 1 has 5 forecasts, horizon 3 has 3
    assert tab.loc[("avg_wage_province", 1), "n"] == 5
    assert tab.loc[("avg_wage_province", 3), "n"] == 3
    assert ((tab["cover_80"] >= 0) & (tab["cover_95"] >= tab["cover_80"])).all()
    # the origin's own fit never sees later years: forecast records start after the origin
    rec = bt.records
    assert (rec["horizon"] >= 1).all() and ((rec["origin"] + rec["horizon"]) <= 2025).all()
    assert format_table(tab).startswith("| quantity | horizon |")
