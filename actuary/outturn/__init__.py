"""Execution accounting: the expected year-end outturn of budget execution (layer 5).

The current-year conditioning of the projection (:mod:`actuary.projection.current_year`), the
budget draft's "expected outturn" column and the monitoring (:mod:`actuary.monitoring`) all
read the outturn from here, so every stage sees the same numbers.

- :mod:`actuary.outturn.actuals` — the monthly execution table format
  (``year, month, region, item, amount``): :func:`check_actuals`, :func:`check_budget`,
  :func:`read_actuals`, :data:`SIGNED_ITEMS`.
- :mod:`actuary.outturn.forecast` — :func:`expected_outturn` (actuals to date + the seasonal
  credibility forecast of the rest, with an interval), :func:`forecast_outturn`,
  :func:`make_panel` / :class:`Panel`, the pacing baseline and :func:`backtest`.

Method and backtest: ``models/notes/monitoring.md``.
"""

from __future__ import annotations

from actuary.outturn.actuals import (
    ACTUALS_COLUMNS,
    BUDGET_COLUMNS,
    FLOW_ITEMS,
    SIGNED_ITEMS,
    check_actuals,
    check_budget,
    read_actuals,
)
from actuary.outturn.forecast import (
    METHODS,
    Panel,
    backtest,
    expected_outturn,
    forecast_outturn,
    make_panel,
)

__all__ = [
    "ACTUALS_COLUMNS",
    "BUDGET_COLUMNS",
    "FLOW_ITEMS",
    "METHODS",
    "SIGNED_ITEMS",
    "Panel",
    "backtest",
    "check_actuals",
    "check_budget",
    "expected_outturn",
    "forecast_outturn",
    "make_panel",
    "read_actuals",
]
