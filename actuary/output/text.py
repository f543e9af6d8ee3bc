"""Text from inputs made safe for spreadsheets: no cell of an output is ever a formula.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and some also
after a leading tab or carriage return) as a formula — "CSV injection" (OWASP). Scenario ids,
adjustment reasons, file names and other text that came from a run or data file reach our
workbooks and CSV files, so every writer passes its values through :func:`safe_cell` (xlsx
cells, via :mod:`actuary.output.workbook`) or :func:`safe_frame` / :func:`write_csv` (CSV):

- text beginning with one of those characters gets an apostrophe ``'`` in front (the
  spreadsheet's own "this is text" mark), and the workbook writer stores it as a string cell;
- numbers pass unchanged (a negative number stays a number), and so does text that *is* a plain
  number (``"-0.02"``: the value of an assumption written as text), which no program runs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_frame", "write_csv"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def _is_number_text(s: str) -> bool:
    """True for a signed plain number (``"-0.02"``, ``"+3"``); tab/CR-led text is never one."""
    if s[:1] not in ("+", "-"):
        return False
    try:
        return math.isfinite(float(s))
    except ValueError:
        return False


#: Single characters that spreadsheets keep as text.
_LONE_SIGNS: Final = frozenset({"-", "+"})


def safe_cell(value: Any) -> Any:
    """``value`` with formula text neutralised; anything that is not text passes unchanged.

    >>> safe_cell("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> safe_cell(-3.5), safe_cell("-3.5"), safe_cell("长春"), safe_cell("-")
    (-3.5, '-3.5', '长春', '-')

    A lone sign (``"-"``, the placeholder of an empty unit) is text in every spreadsheet program,
    not the start of a formula, and is left as it is.
    """
    if isinstance(value, np.str_):
        value = str(value)
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and value not in _LONE_SIGNS
        and not _is_number_text(value)
    ):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names went through :func:`safe_cell`.

    Numeric columns are untouched (same dtype, same values).
    """
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(safe_cell)
    out.columns = pd.Index([safe_cell(c) for c in out.columns])
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write ``frame`` as CSV (UTF-8, no index unless ``index=True``) with safe text cells."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("encoding", "utf-8")
    f = safe_frame(frame)
    if kwargs["index"]:
        f.index = pd.Index([safe_cell(v) for v in f.index], name=f.index.name)
    f.to_csv(path, **kwargs)
    return Path(path)
