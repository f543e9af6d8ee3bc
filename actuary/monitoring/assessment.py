r"""Assessment of each prefecture (市州考核): budget completion, enrolment and injury indicators.

One row per region (plus ``"JL"``, the province) at the monitored month :math:`m` of year
:math:`y`:

- **collection-budget completion** (征缴预算完成率): cumulative ``contributions`` ÷ budget; beside
  it the rate expected at this month from the seasonal pacing (:math:`\bar S_m`) and the
  forecast year-end completion (forecast outturn ÷ budget);
- **remittance completion** (上解完成率): the same for ``remittance_to_higher`` (上解上级支出, the
  region's net remittance to the provincial account under 统收统支);
- **prevention and appraisal execution**: the same for ``prevention`` and ``appraisal``;
- **enrolment-plan completion** (扩面计划完成率): covered workers of the latest exposure year
  :math:`t \le y` ÷ plan, with plan :math:`= W_{t-1}(1 + g)` and :math:`g` the plan growth of
  the monitoring assumption file (an *assumption*: the province's real plan is not public);
- **injury recognition** (工伤认定): recognitions dated in months 1 … :math:`m` of :math:`y`
  (when the claim records end before :math:`y`, the last full year in them; the period is in
  ``claims_period``), the same period a year earlier and the change; accident-to-recognition
  lag (median and 90th percentile, days) of those recognitions. The data carry no application
  date, so the lag includes the time before the application (up to 30 days for the employer,
  art. 17 of the Regulation) and is not a test of the 60-day decision limit (art. 20);
- **disability appraisal** (劳动能力鉴定): recognitions of the period with a disability grade
  (grades 1–10), their share and grades 1–4; when the claim records carry the optional
  ``grading_date``, also the appraisal conclusions dated in the period, the same period a
  year earlier, grades 1–4 and the recognition-to-appraisal lag (median, days; the
  appraisal committee has 60 days from the application, extendable by 30, art. 25).

Sources: 《工伤保险条例》 (2010 revision) arts 17, 20, 25, text in ``LawRefBook/Laws``,
``行政法规/工伤保险条例(2010-12-20).md`` (《工伤保险条例》(国务院令第586号修订)).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from actuary import dims
from actuary.monitoring.execution import region_name

__all__ = ["ASSESSMENT_LABELS_ZH", "assessment"]

#: Items whose execution is assessed, with the column prefix used.
_ASSESSED: Final = {
    "contributions": "collection",
    "remittance_to_higher": "remittance",
    "prevention": "prevention",
    "appraisal": "appraisal",
}

#: Chinese column labels of the assessment table in the workbook (money there in 万元; the CSV
#: keeps the English names and yuan).
ASSESSMENT_LABELS_ZH: Final[dict[str, str]] = {
    "region": "地区代码",
    "region_name": "地区",
    "collection_budget": "征缴预算（万元）",
    "collection_actual": "累计征缴（万元）",
    "collection_rate": "征缴预算完成率",
    "collection_expected_rate": "按进度应完成率",
    "collection_forecast_rate": "预计全年完成率",
    "remittance_budget": "上解预算（万元）",
    "remittance_actual": "累计上解（万元）",
    "remittance_rate": "上解完成率",
    "remittance_expected_rate": "上解按进度应完成率",
    "remittance_forecast_rate": "上解预计全年完成率",
    "prevention_budget": "工伤预防费预算（万元）",
    "prevention_actual": "工伤预防费累计支出（万元）",
    "prevention_rate": "工伤预防费执行率",
    "prevention_expected_rate": "工伤预防费按进度应执行率",
    "prevention_forecast_rate": "工伤预防费预计全年执行率",
    "appraisal_budget": "劳动能力鉴定支出预算（万元）",
    "appraisal_actual": "劳动能力鉴定累计支出（万元）",
    "appraisal_rate": "劳动能力鉴定支出执行率",
    "appraisal_expected_rate": "鉴定支出按进度应执行率",
    "appraisal_forecast_rate": "鉴定支出预计全年执行率",
    "enrolment_year": "参保数据年度",
    "covered_workers": "参保职工人数",
    "enrolment_plan": "扩面计划人数（假设）",
    "enrolment_rate": "扩面计划完成率（假设计划）",
    "claims_period": "认定统计期间",
    "recognitions": "本期工伤认定数",
    "recognitions_prev": "上年同期认定数",
    "recognitions_change": "认定数同比",
    "recognition_lag_median_days": "事故至认定天数（中位数）",
    "recognition_lag_p90_days": "事故至认定天数（90%分位）",
    "graded": "本期认定中评定伤残等级人数",
    "graded_share": "评残比例",
    "graded_1_4": "其中一至四级",
    "appraisals": "本期劳动能力鉴定（评残）结论数",
    "appraisals_prev": "上年同期鉴定结论数",
    "appraisals_change": "鉴定结论数同比",
    "appraisal_lag_median_days": "认定至鉴定天数（中位数）",
    "appraisals_1_4": "其中一至四级（鉴定）",
}


def _period(dates: pd.Series, year: int, month: int) -> pd.Series:
    return (dates.dt.year == year) & (dates.dt.month <= month)


def assessment(
    table: pd.DataFrame,
    year: int,
    month: int,
    *,
    exposure: pd.DataFrame | None = None,
    claims: pd.DataFrame | None = None,
    plan_growth: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Assessment table per region (see the module docstring).

    Parameters
    ----------
    table
        Execution table of :func:`actuary.monitoring.execution.execution_table`.
    year, month
        The monitored month.
    exposure
        ``exposure.csv`` rows (``year, region, industry_class, covered_workers`` at least).
    claims
        ``claims.csv.gz`` rows (``region, accident_date, recognition_date, outcome``).
    plan_growth
        Enrolment-plan growth on the previous year's covered workers, one value or by region
        (``"default"`` for the rest). ``None`` leaves the enrolment columns empty.

    Returns
    -------
    pandas.DataFrame
        One row per region and ``"JL"``; columns listed in :data:`ASSESSMENT_LABELS_ZH`.
    """
    regions = sorted(set(table["region"]) - {dims.PROVINCE})
    order = [r for r in dims.REGION_CODES if r in regions] + [
        r for r in regions if r not in dims.REGION_CODES
    ]
    out = pd.DataFrame({"region": [*order, dims.PROVINCE]}).set_index("region")
    out["region_name"] = [region_name(r) for r in out.index]
    t = table.set_index(["region", "item"])
    for item, pre in _ASSESSED.items():
        if item not in t.index.get_level_values("item"):
            continue
        sub = t.xs(item, level="item")
        reg = sub.reindex(order)
        b = reg["budget"]
        a = reg["cumulative"]
        f = reg["forecast"]
        exp_cum = reg["budget"] * reg["expected_rate"]
        if dims.PROVINCE in sub.index:
            pj: Any = sub.loc[dims.PROVINCE]
            tot_b, tot_a = float(pj["budget"]), float(pj["cumulative"])
            tot_f, tot_e = float(pj["forecast"]), float(pj["budget"] * pj["expected_rate"])
        else:
            tot_b, tot_a = float(b.sum(min_count=1)), float(a.sum(min_count=1))
            tot_f, tot_e = float(f.sum(min_count=1)), float(exp_cum.sum(min_count=1))
        out[f"{pre}_budget"] = [*b.to_numpy(), tot_b]
        out[f"{pre}_actual"] = [*a.to_numpy(), tot_a]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{pre}_rate"] = out[f"{pre}_actual"] / out[f"{pre}_budget"]
            out[f"{pre}_expected_rate"] = (
                np.array([*exp_cum.to_numpy(), tot_e]) / out[f"{pre}_budget"]
            )
            out[f"{pre}_forecast_rate"] = np.array([*f.to_numpy(), tot_f]) / out[f"{pre}_budget"]
    if exposure is not None and plan_growth is not None and len(exposure):
        years = exposure.loc[exposure["year"] <= year, "year"]
        ty = int(years.max()) if len(years) else None
        if ty is not None:
            w = exposure.groupby(["year", "region"])["covered_workers"].sum()
            cur = w.xs(ty, level="year").reindex(order)
            prev = (
                w.xs(ty - 1, level="year").reindex(order)
                if ty - 1 in w.index.get_level_values("year")
                else pd.Series(np.nan, index=order)
            )
            if isinstance(plan_growth, Mapping):
                default = float(plan_growth.get("default", np.nan))
                g = np.array([float(plan_growth.get(r, default)) for r in order])
            else:
                g = np.full(len(order), float(plan_growth))
            plan = prev.to_numpy() * (1 + g)
            out["enrolment_year"] = ty
            out["covered_workers"] = [*cur.to_numpy(), float(cur.sum(min_count=1))]
            out["enrolment_plan"] = [*plan, float(np.nansum(plan)) if np.isfinite(plan).any()
                                     else np.nan]
            with np.errstate(divide="ignore", invalid="ignore"):
                out["enrolment_rate"] = out["covered_workers"] / out["enrolment_plan"]
    if claims is not None and len(claims):
        cols = ["region", "accident_date", "recognition_date", "outcome"]
        has_grading = "grading_date" in claims.columns
        c = claims.loc[:, cols + (["grading_date"] if has_grading else [])].copy()
        for col in c.columns:
            if col.endswith("_date"):
                c[col] = pd.to_datetime(c[col])
        # the period: months 1 … m of the monitored year; when the claim records stop before
        # it (an export cut at the last full year), the last full year with recognitions
        cy, cm = year, month
        if not _period(c["recognition_date"], year, month).any():
            last = c["recognition_date"].max()
            if pd.notna(last):
                cy, cm = (int(last.year), 12) if int(last.month) == 12 else (
                    int(last.year) - 1, 12)
        now = c[_period(c["recognition_date"], cy, cm)]
        before = c[_period(c["recognition_date"], cy - 1, cm)]
        out["claims_period"] = f"{cy}-01…{cy}-{cm:02d}"
        lag = (now["recognition_date"] - now["accident_date"]).dt.days
        graded = now["outcome"].astype(str).str.startswith("grade_")
        g14 = now["outcome"].isin([f"grade_{k}" for k in range(1, 5)])

        def per_region(values: pd.Series, by: pd.Series, how: str) -> list[float]:
            grp = values.groupby(by)
            agg = grp.quantile(0.9) if how == "p90" else getattr(grp, how)()
            tot: Any = np.nan
            if len(values):
                tot = values.quantile(0.9) if how == "p90" else getattr(values, how)()
            return [*agg.reindex(order).to_numpy(dtype=float), float(tot)]

        ones_now = pd.Series(1.0, index=now.index)
        ones_before = pd.Series(1.0, index=before.index)
        rn, rb = now["region"], before["region"]
        out["recognitions"] = np.nan_to_num(per_region(ones_now, rn, "sum"))
        out["recognitions_prev"] = np.nan_to_num(per_region(ones_before, rb, "sum"))
        with np.errstate(divide="ignore", invalid="ignore"):
            out["recognitions_change"] = out["recognitions"] / out["recognitions_prev"] - 1
        out["recognition_lag_median_days"] = per_region(lag.astype(float), rn, "median")
        out["recognition_lag_p90_days"] = per_region(lag.astype(float), rn, "p90")
        out["graded"] = np.nan_to_num(per_region(graded.astype(float), rn, "sum"))
        out["graded_1_4"] = np.nan_to_num(per_region(g14.astype(float), rn, "sum"))
        with np.errstate(divide="ignore", invalid="ignore"):
            out["graded_share"] = out["graded"] / out["recognitions"]
        if has_grading:
            # appraisal conclusions dated in the period (the optional grading_date column)
            ap = c[_period(c["grading_date"], cy, cm)]
            ap_before = c[_period(c["grading_date"], cy - 1, cm)]
            ap_lag = (ap["grading_date"] - ap["recognition_date"]).dt.days.astype(float)
            out["appraisals"] = np.nan_to_num(
                per_region(pd.Series(1.0, index=ap.index), ap["region"], "sum"))
            out["appraisals_prev"] = np.nan_to_num(
                per_region(pd.Series(1.0, index=ap_before.index), ap_before["region"], "sum"))
            with np.errstate(divide="ignore", invalid="ignore"):
                out["appraisals_change"] = out["appraisals"] / out["appraisals_prev"] - 1
            out["appraisal_lag_median_days"] = per_region(ap_lag, ap["region"], "median")
            a14 = ap["outcome"].isin([f"grade_{k}" for k in range(1, 5)]).astype(float)
            out["appraisals_1_4"] = np.nan_to_num(per_region(a14, ap["region"], "sum"))
    out = out.replace([np.inf, -np.inf], np.nan)
    return out.reset_index()
