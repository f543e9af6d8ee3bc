"""Approved budgets for monitoring: ``budget.csv`` or a budget draft of :mod:`actuary.budget`.

The execution table format and its checks (``check_actuals``, ``check_budget``,
``read_actuals``) live in :mod:`actuary.outturn.actuals`; this module adds reading a budget
file in either form, checked with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from actuary.errors import InputError
from actuary.output.units import from_wan
from actuary.outturn.actuals import FLOW_ITEMS, check_budget, read_csv

__all__ = ["from_budget_draft", "read_budget"]


def from_budget_draft(df: pd.DataFrame, year: int, *, file: str | Path) -> pd.DataFrame:
    """Approved-budget rows from a budget-draft CSV of :mod:`actuary.budget`.

    The draft CSV (``budget_<year>.csv``) has ``region, item, …, draft`` with money in 万元 and
    stock rows (balances, months of payment); the flow items' ``draft`` column × 10,000 becomes
    the ``amount`` (yuan) of ``year``.
    """
    missing = [c for c in ("region", "item", "draft") if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {missing} of a budget draft", file=file, field=missing[0]
        )
    flows = df[df["item"].astype(str).isin(FLOW_ITEMS)]
    amount = from_wan(pd.to_numeric(flows["draft"], errors="coerce"))
    return pd.DataFrame({"year": year, "region": flows["region"].astype(str),
                         "item": flows["item"].astype(str), "amount": amount})


def read_budget(
    path: str | Path, *, regions: Iterable[str] | None = None, year: int | None = None
) -> pd.DataFrame:
    """Read and validate a budget CSV file.

    Either the ``budget.csv`` format (``year, region, item, amount`` in yuan) or a budget draft
    of :mod:`actuary.budget` (``region, item, …, draft`` in 万元, see
    :func:`from_budget_draft`), taken as the budget of ``year`` — the year in a
    ``budget_<year>.csv`` file name, else ``year``.
    """
    p = Path(path)
    df = read_csv(p)
    if "amount" not in df.columns and "draft" in df.columns:
        m = re.search(r"(\d{4})", p.name)
        y = int(m.group(1)) if m else year
        if y is None:
            raise InputError(
                "budget draft without a year (name it budget_<year>.csv)", file=p, field="year"
            )
        df = from_budget_draft(df, y, file=p)
    return check_budget(df, file=p, regions=regions)
