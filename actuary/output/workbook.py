"""The one Excel writer of the package: budget, compare, monitoring and rates workbooks.

Every workbook the package writes is built here, so they share one look and one set of rules:

- :data:`HEADER_FONT`, :data:`HEADER_FILL`, :data:`HEADER_ALIGNMENT` (bold on light blue,
  wrapped) for header rows, :data:`TITLE_FONT` for a sheet's title row;
- number formats :data:`MONEY_FORMAT` (万元, two decimals), :data:`AMOUNT_FORMAT` (one
  decimal), :data:`DECIMAL_FORMAT`, :data:`PERCENT_FORMAT`;
- :func:`sheet_name`: Excel's rules (≤ 31 characters, none of ``[]:*?/\\``, unique);
- :func:`title_text`: a title that names the province taken from the data (metadata
  ``province``), marked synthetic when it is — never a hard-coded province;
- :func:`append_row` / :func:`write_frame`: every cell goes through
  :func:`actuary.output.text.safe_cell` and text is stored as a string cell, never a formula;
  NaN and infinities become empty cells, numpy scalars plain Python numbers;
- :func:`set_widths` / :func:`auto_widths`, :func:`freeze`, and :func:`save` (fixed document
  dates, so the file's content does not depend on the clock).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from actuary.output.text import safe_cell

__all__ = [
    "AMOUNT_FORMAT",
    "DECIMAL_FORMAT",
    "HEADER_ALIGNMENT",
    "HEADER_FILL",
    "HEADER_FONT",
    "MONEY_FORMAT",
    "PERCENT_FORMAT",
    "TITLE_FONT",
    "add_images",
    "add_sheet",
    "append_row",
    "auto_widths",
    "cell_value",
    "freeze",
    "new_workbook",
    "save",
    "set_widths",
    "sheet_name",
    "style_header",
    "title_text",
    "write_frame",
]

HEADER_FONT: Final = Font(bold=True)
HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT: Final = Alignment(wrap_text=True, horizontal="center", vertical="center")
TITLE_FONT: Final = Font(bold=True, size=13)
BOLD: Final = HEADER_FONT

MONEY_FORMAT: Final = "#,##0.00"
AMOUNT_FORMAT: Final = "#,##0.0"
DECIMAL_FORMAT: Final = "0.0"
PERCENT_FORMAT: Final = "0.0%"

#: Characters Excel refuses in a sheet name, and its length limit.
_FORBIDDEN: Final = "[]:*?/\\"
_MAX_SHEET: Final = 31


def new_workbook() -> Workbook:
    """An empty workbook (no default sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """``name`` made a valid, unused Excel sheet name.

    Forbidden characters ``[]:*?/\\`` become ``_``, leading/trailing apostrophes are dropped,
    the name is cut to 31 characters and, if already ``taken`` (case-insensitively, as Excel
    compares), suffixed ``~2``, ``~3`` … within the limit.
    """
    clean = "".join("_" if ch in _FORBIDDEN else ch for ch in str(name)).strip("'") or "Sheet"
    clean = clean[:_MAX_SHEET]
    used = {t.lower() for t in taken}
    out, k = clean, 2
    while out.lower() in used:
        tag = f"~{k}"
        out = clean[: _MAX_SHEET - len(tag)] + tag
        k += 1
    return out


def add_sheet(wb: Workbook, name: str) -> Worksheet:
    """A new sheet named by :func:`sheet_name` (unique in ``wb``)."""
    return wb.create_sheet(sheet_name(name, wb.sheetnames))


def title_text(province: str, text: str, *, synthetic: bool = False) -> str:
    """A title naming the province: ``f"{province}{text}"``, marked synthetic when it is.

    ``province`` comes from the data (metadata ``province``, :attr:`ProvinceData.label`); the
    synthetic mark is added only when the name does not already carry one.
    """
    mark = ""
    if synthetic and "合成数据" not in province and "SYNTHETIC" not in province.upper():
        mark = "（合成数据 SYNTHETIC）"
    sep = " " if province[-1:].isascii() and province[-1:] not in ("", " ") else ""
    return f"{province}{sep}{text}{mark}"


def cell_value(value: Any) -> Any:
    """A value as a cell holds it: numpy → Python, NaN/inf/NaT → empty, text made safe."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, list | tuple | dict | set):
        value = str(value)
    return safe_cell(value)


def append_row(ws: Worksheet, values: Sequence[Any], *, font: Font | None = None) -> int:
    """Append one row of values (through :func:`cell_value`); text is never a formula.

    Returns the row's index.
    """
    ws.append([cell_value(v) for v in values])
    r = ws.max_row
    for cell in ws[r]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl would read a leading "=" as a formula
        if font is not None:
            cell.font = font
    return r


def style_header(ws: Worksheet, row: int) -> None:
    """Give row ``row`` of ``ws`` the header style."""
    for cell in ws[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT


def write_frame(
    ws: Worksheet,
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, str] | None = None,
    header: bool = True,
) -> int:
    """Append ``frame`` (header row in the header style, then its rows) to ``ws``.

    ``formats`` maps column names to number formats. Returns the header's row index.
    """
    first = append_row(ws, [str(c) for c in frame.columns]) if header else ws.max_row
    if header:
        style_header(ws, first)
    rows = [append_row(ws, list(row)) for row in frame.itertuples(index=False)]
    if formats and rows:
        for j, col in enumerate(frame.columns, start=1):
            fmt = formats.get(str(col))
            if fmt is None:
                continue
            for (c,) in ws.iter_rows(min_row=rows[0], max_row=rows[-1], min_col=j, max_col=j):
                c.number_format = fmt
    return first


def set_widths(ws: Worksheet, widths: Mapping[int | str, float] | Sequence[float]) -> None:
    """Column widths: a sequence from column A, or a mapping of column index/letter → width."""
    items = widths.items() if isinstance(widths, Mapping) else enumerate(widths, start=1)
    for col, w in items:
        letter = col if isinstance(col, str) else get_column_letter(col)
        ws.column_dimensions[letter].width = w


def auto_widths(ws: Worksheet, *, lo: float = 10, hi: float = 60, sample: int = 50) -> None:
    """Width of each column from its longest value among the first ``sample`` rows."""
    for col in ws.columns:
        width = max(len(str(c.value or "")) for c in col[:sample])
        ws.column_dimensions[col[0].column_letter].width = min(max(lo, width + 2), hi)


def freeze(ws: Worksheet, cell: str) -> None:
    """Freeze the rows above and the columns left of ``cell`` (e.g. ``"A2"``, ``"C5"``)."""
    ws.freeze_panes = cell


def save(wb: Workbook, path: str | Path, *, created: dt.datetime | None = None) -> Path:
    """Save with creator ``actuary`` and fixed document dates (default 2000-01-01)."""
    when = created or dt.datetime(2000, 1, 1)
    wb.properties.creator = "actuary"
    wb.properties.created = when
    wb.properties.modified = when
    wb.save(path)
    return Path(path)


def add_images(wb: Workbook, name: str, pngs: Sequence[str | Path]) -> Worksheet:
    """A sheet ``name`` showing the PNG files one below the other."""
    from openpyxl.drawing.image import Image as XLImage

    ws = add_sheet(wb, name)
    row = 1
    for png in pngs:
        img = XLImage(str(png))
        ws.add_image(img, f"A{row}")
        row += int(img.height / 20) + 2
    return ws
