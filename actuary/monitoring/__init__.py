"""Budget execution monitoring and prefecture assessment (issue 9).

- :func:`expected_outturn` — expected year-end outturn per item × region with an interval (the
  budget draft's "current-year expected outturn" column).
- :mod:`actuary.monitoring.outturn` — the seasonal regression model, the pacing baseline and the
  backtest; :mod:`actuary.monitoring.actuals` — reading and checking actuals and budgets.
"""

from __future__ import annotations

from actuary.monitoring.actuals import check_actuals, check_budget, read_actuals, read_budget
from actuary.monitoring.outturn import backtest, expected_outturn, forecast_outturn, make_panel

__all__ = [
    "backtest",
    "check_actuals",
    "check_budget",
    "expected_outturn",
    "forecast_outturn",
    "make_panel",
    "read_actuals",
    "read_budget",
]
