"""The annual budget draft (工伤保险基金预算草案): :func:`draft_budget` and :func:`write_budget`.

- :mod:`actuary.budget.draft`: :func:`draft_budget` → :class:`BudgetDraft` (prior actual,
  expected outturn, mean draft, change %, quantiles by region and item; probabilities; summary);
- :mod:`actuary.budget.workbook`: :func:`write_budget` (``budget_<year>.xlsx``, CSV files,
  summary, in 万元) and :func:`to_frame` (the long CSV frame).
"""

from actuary.budget.draft import COLUMNS, ROW_CODES, ROWS, BudgetDraft, draft_budget
from actuary.budget.workbook import to_frame, write_budget

__all__ = [
    "COLUMNS",
    "ROWS",
    "ROW_CODES",
    "BudgetDraft",
    "draft_budget",
    "to_frame",
    "write_budget",
]
