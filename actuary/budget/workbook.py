"""Writing a budget draft: ``budget_<year>.xlsx``, ``.csv``, ``_assumptions.csv``, ``_summary.txt``.

The workbook goes through the package's one Excel writer (:mod:`actuary.output.workbook`), the
CSV files through :func:`actuary.output.text.write_csv` (no text cell is ever a formula), and
amounts are shown in 万元 (:mod:`actuary.output.units`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary import dims
from actuary.budget.draft import ROWS, BudgetDraft, _v
from actuary.output import workbook as xl
from actuary.output.text import write_csv
from actuary.output.units import to_wan, unit_label

__all__ = ["to_frame", "write_budget"]

_MONTHS = "months_of_payment"


def _sheet_name(region: str) -> str:
    if region == dims.PROVINCE:
        return "全省 JL"
    r = dims.REGION_BY_CODE[region]
    return xl.sheet_name(f"{r.code} {r.name_zh}")


def to_frame(d: BudgetDraft) -> pd.DataFrame:
    """All tables in one long frame, amounts in 万元 (months unchanged) — the CSV."""
    labels = {c: (zh, en) for c, zh, en, _ in ROWS}
    out = []
    for r, t in d.tables.items():
        tt = t.copy()
        money = tt.index != _MONTHS
        for c in tt.columns:
            if c != "change_pct":
                tt.loc[money, c] = to_wan(tt.loc[money, c])
        tt.insert(0, "label_en", [labels[c][1] for c in tt.index])
        tt.insert(0, "label_zh", [labels[c][0] for c in tt.index])
        tt.insert(0, "item", tt.index)
        tt.insert(
            0, "region_name", "全省" if r == dims.PROVINCE else dims.REGION_BY_CODE[r].name_zh
        )
        tt.insert(0, "region", r)
        out.append(tt.reset_index(drop=True))
    return pd.concat(out, ignore_index=True)


def _region_sheet(wb: Any, d: BudgetDraft, r: str, t: pd.DataFrame) -> None:
    qc = d.quantile_columns
    header = [
        ("项目", "Item"),
        ("代码", "Code"),
        (f"{d.prior_year}年决算（执行数）", f"{d.prior_year} actual"),
        (f"{d.current_year}年预计执行", f"{d.current_year} expected outturn"),
        (f"{d.year}年预算草案（均值）", f"{d.year} draft (mean)"),
        ("增减%", "Change %"),
        *((f"{c.upper()}", f"{d.year} {c.upper()}") for c in qc),
    ]
    ws = xl.add_sheet(wb, _sheet_name(r))
    name = "全省（合并）" if r == dims.PROVINCE else dims.REGION_BY_CODE[r].name_zh
    title = xl.title_text(
        d.province, f"工伤保险基金{d.year}年预算草案 — {name}", synthetic=d.synthetic
    )
    xl.append_row(ws, [title], font=xl.TITLE_FONT)
    en_name = "province (consolidated)" if r == dims.PROVINCE else dims.REGION_BY_CODE[r].name_en
    xl.append_row(
        ws,
        [
            f"{d.province or 'Fund'}: work-injury insurance fund budget draft {d.year} — "
            f"{en_name}; scenario {d.scenario}; 单位：{unit_label('wan')} "
            f"(amounts in {unit_label('wan', 'en')})"
        ],
    )
    for k in (0, 1):
        xl.style_header(ws, xl.append_row(ws, [h[k] for h in header]))
    for code, zh, en, indent in ROWS:
        money = code != _MONTHS
        cells: list[Any] = [("  " * indent) + zh + " / " + en, code]
        for c in ("prior_actual", "outturn", "draft", "change_pct", *qc):
            v = _v(t, code, c)
            if not np.isfinite(v):
                cells.append(None)
            elif c == "change_pct" or not money:
                cells.append(float(v))
            else:
                cells.append(to_wan(float(v)))
        rr = xl.append_row(ws, cells, font=xl.BOLD if indent == 0 else None)
        for col in range(3, len(cells) + 1):
            pct = col == 6
            ws.cell(rr, col).number_format = (
                xl.DECIMAL_FORMAT if (pct or not money) else xl.MONEY_FORMAT
            )
    ws.append([])
    notes = [
        f"草案列为 {d.central}（模拟路径均值，可加总）；"
        "P05/P50/P95 为预算年度的路径分位数（不可相加）。"
        " / Draft = mean over paths (additive); quantiles are per row and do not add up.",
        d.outturn_source,
        *([d.reconciliation] if r == dims.PROVINCE else []),
        "统收统支：市州（含省本级）收入全额上解、支出由省级拨付，下级账户不留结余；全省表中上解/补助合并抵消。"
        " / Under 统收统支 sub-units remit their surplus or receive their shortfall; internal"
        " flows net out in the province.",
        "可支付月数（草案）= 年末滚存结余 ÷ (支出合计 ÷ 12)。 / Months of payment (draft) ="
        " closing balance ÷ (expenditure ÷ 12).",
    ]
    for n in notes:
        xl.append_row(ws, [n])
    if r == dims.PROVINCE:
        ws.append([])
        xl.append_row(
            ws,
            [
                f"各统筹单位{d.year}年净上解（草案均值，万元）/ Net flow of each sub-unit to "
                "the provincial pool (draft mean, 10,000 yuan)"
            ],
            font=xl.BOLD,
        )
        xl.append_row(
            ws,
            ["统筹单位 / Sub-unit", "代码", "上解上级支出", "上级补助收入", "净上解"],
            font=xl.BOLD,
        )
        for ncode, nrow in d.net_flows.iterrows():
            rr = xl.append_row(
                ws,
                [
                    f"{nrow['name_zh']} / {nrow['name_en']}",
                    str(ncode),
                    to_wan(nrow["remittance_to_higher"]),
                    to_wan(nrow["transfer_from_higher"]),
                    to_wan(nrow["net_to_pool"]),
                ],
            )
            for col in (3, 4, 5):
                ws.cell(rr, col).number_format = xl.MONEY_FORMAT
    xl.set_widths(ws, {"A": 52, "B": 20, **dict.fromkeys(range(3, len(header) + 1), 16)})
    xl.freeze(ws, "C5")


def _assumptions_sheet(wb: Any, d: BudgetDraft) -> None:
    ws = xl.add_sheet(wb, "假设与定性调整 Assumptions")
    xl.append_row(
        ws,
        ["假设与定性调整 / Assumptions and qualitative adjustments (定性调整)"],
        font=xl.TITLE_FONT,
    )
    cols = ["kind", "file", "key", "value", "unit", "basis", "source_or_note", "adjustment_reason"]
    head = [
        "类别 kind",
        "文件 file",
        "键 key",
        "值 value",
        "单位 unit",
        "依据 basis",
        "来源/说明 source or note",
        "调整原因 reason",
    ]
    xl.style_header(ws, xl.append_row(ws, head))
    for _, arow in d.assumptions.iterrows():
        xl.append_row(ws, [str(arow[c]) for c in cols])
    xl.set_widths(ws, (26, 18, 40, 30, 28, 12, 80, 50))
    xl.freeze(ws, "A3")


def write_budget(d: BudgetDraft, out_dir: str | Path) -> list[Path]:
    """Write ``budget_<year>.xlsx``, ``budget_<year>.csv``, ``budget_<year>_assumptions.csv`` and
    ``budget_<year>_summary.txt`` into ``out_dir``; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wb = xl.new_workbook()
    for r, t in d.tables.items():
        _region_sheet(wb, d, r, t)
    _assumptions_sheet(wb, d)
    ws = xl.add_sheet(wb, "摘要 Summary")
    for line in d.summary.splitlines():
        xl.append_row(ws, [line])

    paths = [xl.save(wb, out / f"budget_{d.year}.xlsx", created=dt.datetime(d.year - 1, 1, 1))]
    paths.append(write_csv(to_frame(d), out / f"budget_{d.year}.csv", float_format="%.6f"))
    paths.append(write_csv(d.assumptions, out / f"budget_{d.year}_assumptions.csv"))
    txt = out / f"budget_{d.year}_summary.txt"
    txt.write_text(d.summary, encoding="utf-8")
    paths.append(txt)
    return paths
