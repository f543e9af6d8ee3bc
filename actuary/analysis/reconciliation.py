"""Reconciliation of a province's data: the executed accounts against the published balances,
the collections and the claim payments (the checks of the review pack's data section)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from actuary import dims
from actuary.data import ProvinceData

__all__ = ["RECONCILE_TOL", "annual_province_totals", "reconcile"]

#: Tolerance of the data reconciliation checks (relative difference).
RECONCILE_TOL: Final = 0.005


def annual_province_totals(execution: pd.DataFrame) -> pd.DataFrame:
    """Annual province totals by item from monthly execution (internal flows net out): index
    year (full years only), one column per external item plus revenue_total and
    expenditure_total (yuan)."""
    ex = execution[execution["region"].astype(str) != dims.PROVINCE]
    annual = ex.groupby(["year", "item"])["amount"].sum().unstack("item").fillna(0.0)
    ext_rev = [c for c in dims.REVENUE_CODES if c not in dims.INTERNAL_FLOW_CODES]
    ext_exp = [c for c in dims.EXPENDITURE_CODES if c not in dims.INTERNAL_FLOW_CODES]
    out = annual.reindex(columns=[*ext_rev, *ext_exp], fill_value=0.0)
    out["revenue_total"] = out[ext_rev].sum(axis=1)
    out["expenditure_total"] = out[ext_exp].sum(axis=1)
    months = ex.groupby("year")["month"].nunique()
    return out[months.reindex(out.index).fillna(0).to_numpy() >= 12]


def reconcile(
    data: ProvinceData, base_year: int
) -> tuple[list[dict[str, Any]], pd.DataFrame, pd.DataFrame]:
    """Checks, reconciliation table and annual history of a loaded province.

    Returns
    -------
    checks
        Rows ``{check_zh, check_en, passed, detail}``: the balance roll-forward of the execution
        data and the base year's execution totals against the accounts, collections and claim
        payments (tolerance :data:`RECONCILE_TOL`).
    reconciliation
        Columns item, execution, comparison, source_zh, source_en, difference (yuan).
    history
        Index year; revenue_total, expenditure_total (execution) and the published
        balance_close, months_of_payment.
    """
    checks: list[dict[str, Any]] = []
    recon: list[dict[str, Any]] = []
    y = int(base_year)
    execution = data.table("execution_monthly") if data.has("execution_monthly") else None
    balance = data.table("fund_balance") if data.has("fund_balance") else None
    hist = pd.DataFrame()
    if execution is not None:
        annual = annual_province_totals(execution)
        hist = annual[["revenue_total", "expenditure_total"]].copy()
        if balance is not None:
            b = balance.set_index("year")
            keep = [c for c in ("balance_close", "months_of_payment") if c in b.columns]
            hist = hist.join(b[keep], how="outer")
            # roll-forward of the published balances with the execution totals
            common = [t for t in annual.index if t in b.index and t - 1 in b.index]
            if common:
                implied = (
                    b.loc[[t - 1 for t in common], "balance_close"].to_numpy()
                    + (
                        annual.loc[common, "revenue_total"]
                        - annual.loc[common, "expenditure_total"]
                    ).to_numpy()
                )
                actual = b.loc[common, "balance_close"].to_numpy()
                rel = np.abs(implied - actual) / np.maximum(np.abs(actual), 1.0)
                worst = int(np.argmax(rel))
                checks.append(
                    {
                        "check_zh": "年末滚存结余 = 上年结余 + 收入合计 − 支出合计"
                        "（执行数据，全省）",
                        "check_en": "closing balance = previous balance + revenue − expenditure "
                        "(execution data, province)",
                        "passed": bool(rel.max() <= RECONCILE_TOL),
                        "detail": f"{len(common)} years; largest gap {rel.max():.3%} "
                        f"in {common[worst]}",
                    }
                )
            if y in annual.index and y in b.index:
                for item in ("revenue_total", "expenditure_total"):
                    if item in b.columns:
                        recon.append(
                            {
                                "item": item,
                                "execution": annual.loc[y, item],
                                "comparison": b.loc[y, item],
                                "source_zh": "fund_balance.csv 年度决算",
                                "source_en": "fund_balance.csv annual accounts",
                            }
                        )
        exposure = data.table("exposure") if data.has("exposure") else None
        construction = data.table("construction") if data.has("construction") else None
        if exposure is not None and y in annual.index:
            due = exposure.loc[exposure["year"] == y, "contributions_collected"].sum()
            if construction is not None:
                due += construction.loc[construction["year"] == y, "contributions_collected"].sum()
            recon.append(
                {
                    "item": "contributions",
                    "execution": annual.loc[y, "contributions"],
                    "comparison": due,
                    "source_zh": "exposure.csv + construction.csv 实收保费",
                    "source_en": "exposure.csv + construction.csv collected",
                }
            )
        payments = data.table("payments") if data.has("payments") else None
        if payments is not None and y in annual.index:
            pay = payments[payments["calendar_year"] == y]
            grp = pay.groupby(pay["benefit_item"].map(dims.BENEFIT_ITEM_GROUP))["amount"].sum()
            for item in ("medical_benefits", "disability_benefits", "death_benefits", "appraisal"):
                recon.append(
                    {
                        "item": item,
                        "execution": annual.loc[y, item],
                        "comparison": float(grp.get(item, 0.0)),
                        "source_zh": "payments.csv.gz 按待遇项目汇总",
                        "source_en": "payments.csv.gz summed by benefit item",
                    }
                )
    rec = pd.DataFrame(recon, columns=["item", "execution", "comparison", "source_zh", "source_en"])
    if len(rec):
        rec["difference"] = rec["execution"] - rec["comparison"]
        rel = rec["difference"].abs() / rec["comparison"].abs().clip(lower=1.0)
        bad = rec.loc[rel > RECONCILE_TOL, "item"].tolist()
        checks.append(
            {
                "check_zh": f"{y}年执行数与决算、参保缴费和赔付明细核对（容差{RECONCILE_TOL:.1%}）",
                "check_en": f"{y} execution totals vs annual accounts, collections and claim "
                f"payments (tolerance {RECONCILE_TOL:.1%})",
                "passed": not bad,
                "detail": ", ".join(bad) if bad else f"{len(rec)} items",
            }
        )
    return checks, rec, hist.sort_index()
