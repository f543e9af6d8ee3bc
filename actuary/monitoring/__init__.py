"""Budget execution monitoring and prefecture assessment (issue 9).

- :func:`expected_outturn` — expected year-end outturn per item × region with an interval (the
  budget draft's "current-year expected outturn" column).
- :func:`monitor` → :class:`MonitorResult` — execution against the budget and the seasonal
  pacing, year-end forecasts, ranked alerts, prefecture assessment; ``.write(dir)`` for the
  CSV files, the Excel workbook and the charts (``actuary monitor`` runs it).
- :mod:`actuary.outturn` (one layer down) — the seasonal credibility model, the regression
  alternative, the pacing baseline, the backtest and the checks of actuals; re-exported here.
  :mod:`actuary.monitoring.actuals` — reading approved budgets.

Method and backtest: ``models/notes/monitoring.md``.
"""

from __future__ import annotations

from actuary.monitoring.actuals import read_budget
from actuary.monitoring.monitor import MonitorResult, MonitorSettings, monitor
from actuary.outturn import (
    backtest,
    check_actuals,
    check_budget,
    expected_outturn,
    forecast_outturn,
    make_panel,
    read_actuals,
)

__all__ = [
    "MonitorResult",
    "MonitorSettings",
    "backtest",
    "check_actuals",
    "check_budget",
    "expected_outturn",
    "forecast_outturn",
    "make_panel",
    "monitor",
    "read_actuals",
    "read_budget",
]
