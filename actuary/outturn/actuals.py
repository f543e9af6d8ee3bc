"""Read and check monthly execution tables and budgets (the ``execution_monthly.csv`` format).

Actuals are long tables ``year, month, region, item, amount`` (yuan, one row per key); budgets
are ``year, region, item, amount``. Every rule broken raises :class:`actuary.errors.InputError`
naming the file, the field and the 1-based data rows (header excluded), so a budget officer can
open the file and find the line.

Rules checked
-------------
- the columns are present (extra columns are ignored);
- ``year`` and ``month`` are integers, ``1 <= month <= 12``;
- ``item`` is a flow item of :mod:`actuary.dims` (revenue or expenditure item, or one of the
  two totals); ``region`` is a known region code when a list of codes is given;
- ``amount`` is a finite number, not negative except for the items in
  :data:`SIGNED_ITEMS` (adjustment items that can be net negative in a month);
- no key appears twice;
- no month lies after the ``through`` month of the run (data "from the future").
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from actuary import dims
from actuary.encoding import read_text
from actuary.errors import InputError

__all__ = [
    "ACTUALS_COLUMNS",
    "BUDGET_COLUMNS",
    "FLOW_ITEMS",
    "SIGNED_ITEMS",
    "check_actuals",
    "check_budget",
    "check_months_complete",
    "read_actuals",
    "read_csv",
]

ACTUALS_COLUMNS: Final = ("year", "month", "region", "item", "amount")
BUDGET_COLUMNS: Final = ("year", "region", "item", "amount")

#: Items whose monthly (or budget) amounts may be monitored: the official revenue and
#: expenditure items plus the two totals (balances are stocks, not monthly flows).
FLOW_ITEMS: Final[tuple[str, ...]] = (
    *dims.REVENUE_CODES,
    *dims.EXPENDITURE_CODES,
    "revenue_total",
    "expenditure_total",
)

#: Items that may be negative in a month (net of refunds and corrections booked there).
SIGNED_ITEMS: Final[frozenset[str]] = frozenset({"other_revenue", "other_expenditure"})


def _rows(mask: np.ndarray | pd.Series) -> list[int]:
    """1-based data-row numbers (header excluded) where ``mask`` is true."""
    return [int(i) + 1 for i in np.flatnonzero(np.asarray(mask, dtype=bool))]


def _int_column(df: pd.DataFrame, col: str, file: str) -> pd.Series:
    raw = df[col]
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() | (num != np.floor(num.fillna(0)))
    if bad.any():
        raise InputError("must be an integer", file=file, field=col, rows=_rows(bad))
    return num.astype("int64")


def _check_common(
    df: pd.DataFrame,
    columns: Sequence[str],
    *,
    file: str,
    regions: Iterable[str] | None,
    items: Iterable[str] | None,
) -> pd.DataFrame:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {missing}; expected {list(columns)}", file=file, field=missing[0]
        )
    out = df.loc[:, list(columns)].copy().reset_index(drop=True)
    out["year"] = _int_column(out, "year", file)
    if "month" in columns:
        out["month"] = _int_column(out, "month", file)
        bad = (out["month"] < 1) | (out["month"] > 12)
        if bad.any():
            raise InputError("month must be 1 … 12", file=file, field="month", rows=_rows(bad))
    for col in ("region", "item"):
        na = out[col].isna()
        if na.any():
            raise InputError("empty value", file=file, field=col, rows=_rows(na))
        out[col] = out[col].astype(str).str.strip()
    known_items = set(FLOW_ITEMS if items is None else items)
    bad = ~out["item"].isin(known_items)
    if bad.any():
        first = out.loc[bad, "item"].iloc[0]
        raise InputError(
            f"unknown item {first!r} (items are the official codes of actuary.dims)",
            file=file,
            field="item",
            rows=_rows(bad),
        )
    if regions is not None:
        known = set(regions)
        bad = ~out["region"].isin(known)
        if bad.any():
            first = out.loc[bad, "region"].iloc[0]
            raise InputError(
                f"unknown region {first!r}; known: {sorted(known)}",
                file=file,
                field="region",
                rows=_rows(bad),
            )
    amount = pd.to_numeric(out["amount"], errors="coerce")
    bad = amount.isna() | ~np.isfinite(amount.fillna(0.0))
    if bad.any():
        raise InputError(
            "amount must be a finite number", file=file, field="amount", rows=_rows(bad)
        )
    out["amount"] = amount.astype(float)
    neg = (out["amount"] < 0) & ~out["item"].isin(SIGNED_ITEMS)
    if neg.any():
        raise InputError(
            f"negative amount not allowed for item {out.loc[neg, 'item'].iloc[0]!r} "
            f"(only {sorted(SIGNED_ITEMS)} may be negative)",
            file=file,
            field="amount",
            rows=_rows(neg),
        )
    key = [c for c in columns if c != "amount"]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        raise InputError(
            f"duplicate rows for the key ({', '.join(key)})",
            file=file,
            field=key[-1],
            rows=_rows(dup),
        )
    return out


def check_actuals(
    df: pd.DataFrame,
    *,
    file: str | Path = "<actuals>",
    through: tuple[int, int] | None = None,
    regions: Iterable[str] | None = None,
    items: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Validate a monthly execution table and return it with clean types.

    Parameters
    ----------
    df
        Table with columns ``year, month, region, item, amount`` (more columns are ignored).
    file
        Name of the file the table came from (used in error messages).
    through
        ``(year, month)`` of the last month the monitoring run covers; later rows are an error.
    regions
        Known region codes; ``None`` skips the region check.
    items
        Allowed item codes; default :data:`FLOW_ITEMS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int), ``month`` (int), ``region`` (str), ``item`` (str), ``amount``
        (float, yuan), in the input row order.

    Raises
    ------
    InputError
        On any broken rule (see the module docstring), naming file, field and rows.
    """
    fname = str(file)
    out = _check_common(df, ACTUALS_COLUMNS, file=fname, regions=regions, items=items)
    if through is not None:
        ty, tm = through
        future = (out["year"] > ty) | ((out["year"] == ty) & (out["month"] > tm))
        if future.any():
            r = out.loc[future].iloc[0]
            raise InputError(
                f"month {int(r['year'])}-{int(r['month']):02d} is after the monitored month "
                f"{ty}-{tm:02d} (--through)",
                file=fname,
                field="month",
                rows=_rows(future),
            )
    return out


def check_budget(
    df: pd.DataFrame,
    *,
    file: str | Path = "<budget>",
    regions: Iterable[str] | None = None,
    items: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Validate a budget table ``year, region, item, amount`` (see :func:`check_actuals`)."""
    return _check_common(df, BUDGET_COLUMNS, file=str(file), regions=regions, items=items)


def read_csv(path: Path) -> pd.DataFrame:
    """The CSV as a frame: UTF-8 or GB18030 (:mod:`actuary.encoding`), ending in a newline.

    ``region`` and ``item`` are read as strings; the encoding read is kept in
    ``df.attrs["encoding"]``.
    """
    if not path.is_file():
        raise InputError("file not found", file=path)
    text, encoding = read_text(path)
    if text and not text.endswith("\n"):
        raise InputError(
            "ends without a newline: truncated export? (the last line is cut off)",
            file=path,
            rows=[text.count("\n")] if text.count("\n") else None,
        )
    try:
        df = pd.read_csv(io.StringIO(text), dtype={"region": str, "item": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        raise InputError(f"not a readable CSV file with a header row ({msg})", file=path) from None
    df.attrs["encoding"] = encoding
    return df


def check_months_complete(
    df: pd.DataFrame, *, file: str | Path, through: tuple[int, int] | None = None
) -> None:
    """Each region × item of checked actuals runs every month from the file's first month.

    A series may stop at ``through`` (the monitored month) or, without it, at the file's last
    month; a month missing before that is an :class:`InputError` naming the region/item and the
    month (write 0 for a month without flow).
    """
    if df.empty:
        return
    ym = df["year"].to_numpy() * 12 + df["month"].to_numpy() - 1
    lo = int(ym.min())
    hi = int(ym.max()) if through is None else through[0] * 12 + through[1] - 1
    for key, idx in df.groupby(["region", "item"], sort=False).indices.items():
        region, item = str(key[0]), str(key[1])  # type: ignore[index]
        have = set(ym[idx].tolist())
        gone = next((m for m in range(lo, hi + 1) if m not in have), None)
        if gone is not None:
            later = [int(i) + 1 for i in idx if ym[i] > gone]
            until = f"{hi // 12}-{hi % 12 + 1:02d}" + (" (--through)" if through else "")
            raise InputError(
                f"{region}/{item}: month {gone // 12}-{gone % 12 + 1:02d} is missing (each "
                f"region × item runs every month from {lo // 12}-{lo % 12 + 1:02d} to {until}; "
                "write 0 for a month without flow)",
                file=file,
                field="month",
                rows=later[:1] or None,
            )


def read_actuals(
    path: str | Path,
    *,
    through: tuple[int, int] | None = None,
    regions: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read and validate an actuals CSV file (``execution_monthly.csv`` format)."""
    p = Path(path)
    out = check_actuals(read_csv(p), file=p, through=through, regions=regions)
    check_months_complete(out, file=p, through=through)
    return out
