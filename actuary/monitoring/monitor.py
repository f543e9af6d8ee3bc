"""Monitor budget execution at a month-end: the whole job behind ``actuary monitor``.

:func:`monitor` takes monthly actuals, the history of monthly execution and the year's budget,
and returns a :class:`MonitorResult` (execution table, pacing curves, monthly anomalies, ranked
alerts, prefecture assessment); :meth:`MonitorResult.write` writes CSV files, an Excel workbook
(amounts in 万元, Chinese headers) and two charts, all at once or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from actuary import dims
from actuary._version import __version__
from actuary.errors import InputError
from actuary.io import staged_output
from actuary.monitoring.assessment import ASSESSMENT_LABELS_ZH, assessment
from actuary.monitoring.execution import (
    alerts,
    execution_table,
    item_name,
    monthly_anomalies,
    region_name,
)
from actuary.output import workbook as xl
from actuary.output.text import write_csv
from actuary.output.units import to_wan
from actuary.outturn import make_panel
from actuary.spec.monitoring import MonitorSettings

__all__ = ["MonitorResult", "MonitorSettings", "monitor"]

@dataclass(frozen=True)
class MonitorResult:
    """Everything the monitoring of one month-end produced (amounts in yuan).

    Attributes
    ----------
    year, month
        The monitored month.
    execution
        Per item × region: budget, cumulative, execution rate, expected rate (seasonal
        pacing), pace ratio, pacing band, year-end forecast with interval, forecast ÷ budget.
    curves
        Cumulative execution and pacing band by month (for the charts).
    monthly
        Each month's amount against its interval, with the anomaly score ``z``.
    alerts
        Ranked alerts (``alerts.csv``).
    assessment
        Prefecture assessment table.
    settings
        Levels and assumptions used.
    inputs
        Names of the input files.
    """

    year: int
    month: int
    execution: pd.DataFrame
    curves: pd.DataFrame
    monthly: pd.DataFrame
    alerts: pd.DataFrame
    assessment: pd.DataFrame
    settings: MonitorSettings
    inputs: Mapping[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the terminal."""
        a = self.alerts
        kinds = a["kind"].value_counts().to_dict() if len(a) else {}
        lines = [
            f"execution monitored through {self.year}-{self.month:02d}: "
            f"{len(self.execution)} item × region series, {len(a)} alert(s) {kinds}"
            + (" [synthetic data 合成数据]" if self.inputs.get("synthetic") == "true" else ""),
        ]
        for rank, cause in zip(a["rank"].head(5), a["cause"].head(5), strict=True):
            lines.append(f"  {rank}. {cause}")
        return "\n".join(lines)

    def write(self, out_dir: str | Path, *, charts: bool = True) -> list[Path]:
        """Write CSV files, ``monitor.xlsx``, charts and ``summary.json`` into ``out_dir``.

        Written through :func:`actuary.io.staged_output`: nothing lands on failure.
        """
        with staged_output(out_dir) as tmp:
            written = _write_all(self, tmp, charts=charts)
        return [Path(out_dir) / p.relative_to(tmp) for p in written]


def _combine(actuals: pd.DataFrame, history: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """History years from ``history`` where the actuals do not give them, plus the actuals."""
    key = ["year", "month", "region", "item"]
    df = actuals
    if history is not None and len(history):
        h = history[history["year"] < year]
        have = pd.MultiIndex.from_frame(actuals[key])
        h = h[~pd.MultiIndex.from_frame(h[key]).isin(have)]
        df = pd.concat([h, actuals], ignore_index=True)
    # the province total where the data do not carry it (internal flows net out in "JL")
    if dims.PROVINCE not in set(df["region"]):
        ext = df[~df["item"].isin(dims.INTERNAL_FLOW_CODES)]
        tot = ext.groupby(["year", "month", "item"])["amount"].sum().reset_index()
        tot["region"] = dims.PROVINCE
        df = pd.concat([df, tot.loc[:, list(df.columns)]], ignore_index=True)
    return df


def _budget_series(budget: pd.DataFrame, year: int) -> pd.Series:
    b = budget[budget["year"] == year]
    if b.empty:
        raise InputError(f"no budget rows for {year}", field="year")
    if dims.PROVINCE not in set(b["region"]):
        ext = b[~b["item"].isin(dims.INTERNAL_FLOW_CODES)]
        tot = ext.groupby("item")["amount"].sum().reset_index()
        tot["region"] = dims.PROVINCE
        tot["year"] = year
        b = pd.concat([b, tot.loc[:, list(b.columns)]], ignore_index=True)
    return b.set_index(["region", "item"])["amount"].astype(float)


def monitor(
    actuals: pd.DataFrame,
    budget: pd.DataFrame,
    year: int,
    month: int,
    *,
    history: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    claims: pd.DataFrame | None = None,
    settings: MonitorSettings | None = None,
    inputs: Mapping[str, str] | None = None,
) -> MonitorResult:
    """Monitor execution of ``year``'s budget at the end of ``month``.

    Parameters
    ----------
    actuals
        Checked monthly actuals (:func:`actuary.monitoring.check_actuals`), the months of
        ``year`` executed so far and optionally past years.
    budget
        Checked budget rows (``year, region, item, amount``); the rows of ``year`` are used.
        Without a ``"JL"`` row the province budget is the sum of the regions (internal flows
        excluded).
    year, month
        The monitored month.
    history
        Past monthly execution (the data folder's ``execution_monthly.csv``); rows of years
        before ``year`` fill what ``actuals`` lacks.
    exposure, claims
        The data folder's ``exposure.csv`` and ``claims.csv.gz`` rows, for the assessment.
    settings
        Levels and enrolment plan (default: :class:`MonitorSettings` defaults, no plan).
    inputs
        Names of the input files (echoed in the outputs).
    """
    st = settings or MonitorSettings()
    if not 1 <= month <= 12:
        raise InputError("month must be 1 … 12", field="through")
    data = _combine(actuals, history, year)
    if not (data["year"] < year).any():
        raise InputError(f"no execution history before {year}: the seasonal pacing cannot be "
                         "learnt", field="year")
    panel = make_panel(data, until=(year, month))
    bud = _budget_series(budget, year)
    table, curves = execution_table(
        panel, year, month, bud, interval_level=st.interval_level,
        pace_level=st.pace_level, alert_level=st.alert_level,
    )
    monthly = monthly_anomalies(panel, year, month, level=st.alert_level)
    al = alerts(table, monthly, year, month)
    ass = assessment(table, year, month, exposure=exposure, claims=claims,
                     plan_growth=st.plan_growth)
    return MonitorResult(year, month, table, curves, monthly, al, ass, st, dict(inputs or {}))


# --- outputs --------------------------------------------------------------------------------

_EXEC_LABELS_ZH: Final = {
    "region": "地区代码", "region_name": "地区", "item": "项目代码", "item_name": "项目",
    "budget": "年度预算（万元）", "cumulative": "累计执行（万元）", "rate": "预算执行率",
    "expected_rate": "按季节进度应执行率", "pace_ratio": "执行进度比（实际/应执行）",
    "pace_lower": "进度区间下限（万元）", "pace_upper": "进度区间上限（万元）",
    "forecast": "预计全年执行（万元）", "forecast_lower": "预计区间下限（万元）",
    "forecast_upper": "预计区间上限（万元）", "forecast_rate": "预计全年执行率",
    "forecast_deviation": "预计偏离预算（万元）", "method": "预测方法",
}
_ALERT_LABELS_ZH: Final = {
    "rank": "排序", "region": "地区代码", "region_name": "地区", "item": "项目代码",
    "item_name": "项目", "month": "月份", "kind": "预警类型", "value": "实际/预计（万元）",
    "reference": "参照值（万元）", "lower": "区间下限（万元）", "upper": "区间上限（万元）",
    "deviation": "偏离（万元）", "deviation_pct": "偏离比例", "z": "标准化偏离",
    "cause_months": "异常月份", "driver_region": "主要来源地区", "cause": "原因提示",
}
_MONTHLY_LABELS_ZH: Final = {
    "region": "地区代码", "item": "项目代码", "month": "月", "actual": "当月执行（万元）",
    "expected": "当月预期（万元）", "lower": "区间下限（万元）", "upper": "区间上限（万元）",
    "e": "对数偏离", "z": "标准化偏离", "checked": "已做月度检验", "flag": "异常",
}
_MONEY_EXEC: Final = ("budget", "cumulative", "pace_lower", "pace_upper", "forecast",
                      "forecast_lower", "forecast_upper", "forecast_deviation")
_PCT_EXEC: Final = ("rate", "expected_rate", "pace_ratio", "forecast_rate")


def _exec_frame(r: MonitorResult) -> pd.DataFrame:
    t = r.execution.drop(columns=[c for c in r.execution.columns if c.startswith("alert_")])
    t.insert(1, "region_name", t["region"].map(region_name))
    t.insert(3, "item_name", t["item"].map(item_name))
    return t


def _to_wan(df: pd.DataFrame, cols: tuple[str, ...] | list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        if c in out:
            out[c] = to_wan(out[c])
    return out


def _write_all(r: MonitorResult, out: Path, *, charts: bool) -> list[Path]:
    paths: list[Path] = []

    def csv(df: pd.DataFrame, name: str) -> None:
        paths.append(write_csv(df, out / name))

    exec_df = _exec_frame(r)
    csv(r.alerts, "alerts.csv")
    csv(exec_df, "execution.csv")
    csv(r.assessment, "assessment.csv")
    csv(r.monthly, "monthly.csv")
    csv(r.curves, "curves.csv")
    pngs: list[Path] = []
    if charts:
        from actuary.monitoring.charts import deviation_heatmap, execution_curves

        (out / "charts").mkdir()
        y, m, lvl = r.year, r.month, r.settings.pace_level
        pngs.append(execution_curves(r.curves, out / "charts" / "execution_curves.png",
                                     year=y, month=m, pace_level=lvl))
        if dims.PROVINCE in set(r.curves["region"]):
            pngs.append(execution_curves(r.curves,
                                         out / "charts" / "execution_curves_province.png",
                                         year=y, month=m, pace_level=lvl, region=dims.PROVINCE))
        pngs.append(deviation_heatmap(r.execution, out / "charts" / "deviation_heatmap.png",
                                      year=y, month=m))
    paths.extend(pngs)
    paths.append(_write_excel(r, exec_df, out / "monitor.xlsx", pngs))
    meta = {
        "package": f"actuary {__version__}",
        "through": f"{r.year}-{r.month:02d}",
        "interval_level": r.settings.interval_level,
        "pace_level": r.settings.pace_level,
        "alert_level": r.settings.alert_level,
        "assumptions_file": r.settings.source,
        "inputs": dict(r.inputs),
        "series": len(r.execution),
        "alerts": {str(k): int(v) for k, v in r.alerts["kind"].value_counts().items()},
        "methods": {str(k): int(v) for k, v in r.execution["method"].value_counts().items()},
    }
    p = out / "summary.json"
    p.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    paths.append(p)
    return paths


def _write_excel(
    r: MonitorResult, exec_df: pd.DataFrame, path: Path, pngs: list[Path] | None = None
) -> Path:
    notes = [
        ("监测月份", f"{r.year}年{r.month}月"),
        ("金额单位", "万元（CSV 文件为元）"),
        ("全年预计区间置信水平", f"{r.settings.interval_level:.0%}"),
        ("进度区间置信水平", f"{r.settings.pace_level:.0%}"),
        ("预警水平", f"{r.settings.alert_level:.0%}"),
        ("预测方法", "季节可信度模型：按历史累计占比推算的全年数（简单进度法）与历年增长趋势按"
                 "各自历史误差方差加权（statsmodels WLS），区间为 t 分布预测区间；"
                 "含零或负月份的序列用历年剩余执行数（additive）"),
        ("数据说明", "合成数据（非真实数据）" if r.inputs.get("synthetic") == "true"
         else "—"),
        ("假设文件", r.settings.source or "（默认）"),
    ]
    for k, v in r.inputs.items():
        notes.append((f"输入：{k}", v))
    for a in r.settings.assumptions:
        tag = "【假设】" if "ASSUMPTION" in str(a.get("note", "")) else ""
        notes.append((f"{tag}{a.get('key')}", f"{a.get('value')} {a.get('unit')} "
                      f"({a.get('basis')}) {a.get('note', '')}"))
    sheets: dict[str, pd.DataFrame] = {
        "说明": pd.DataFrame(notes, columns=["项目", "内容"]),
        "执行情况": _to_wan(exec_df, _MONEY_EXEC).rename(columns=_EXEC_LABELS_ZH),
        "预警": _to_wan(r.alerts, ["value", "reference", "lower", "upper", "deviation"]).rename(
            columns=_ALERT_LABELS_ZH),
        "地区考核": _to_wan(
            r.assessment,
            [c for c in r.assessment.columns if c.endswith(("_budget", "_actual"))],
        ).rename(columns=ASSESSMENT_LABELS_ZH),
        "月度执行": _to_wan(r.monthly, ["actual", "expected", "lower", "upper"]).rename(
            columns=_MONTHLY_LABELS_ZH),
    }
    pct_labels = {lab for key, lab in {**_EXEC_LABELS_ZH, **ASSESSMENT_LABELS_ZH,
                                       **_ALERT_LABELS_ZH}.items()
                  if key in _PCT_EXEC or key.endswith(("_rate", "_pct", "_share", "_change"))}
    wb = xl.new_workbook()
    for name, df in sheets.items():
        ws = xl.add_sheet(wb, name)
        formats = {
            str(col): xl.PERCENT_FORMAT if str(col) in pct_labels else xl.AMOUNT_FORMAT
            for col in df.columns
            if str(col) in pct_labels or "万元" in str(col)
        }
        xl.write_frame(ws, df, formats=formats)
        xl.set_widths(ws, [60 if name == "说明" and j == 2 else 14
                           for j in range(1, len(df.columns) + 1)])
        xl.freeze(ws, "A2")
    if pngs:
        xl.add_images(wb, "图表", pngs)
    xl.save(wb, path)
    return path

