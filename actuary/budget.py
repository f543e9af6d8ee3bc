"""The annual budget draft of the work-injury fund (工伤保险基金预算草案), from a projection.

Layout (one table for the province and one per pooling sub-unit, official items of 财社〔2017〕144号
with Chinese and English labels, amounts in 万元):

==================  ===========================================================================
column              meaning
==================  ===========================================================================
prior_actual        base year (e.g. 2025) actual: ``execution_monthly.csv`` summed over months;
                    the province's balance from ``fund_balance.csv``
outturn             current year (e.g. 2026) expected outturn: ``actuary.monitoring.
                    expected_outturn`` (seasonal model on the months executed so far); the
                    sub-units' internal flows are then re-derived from their own items
draft               budget year (e.g. 2027) draft: the **mean** over simulated paths (the mean is
                    additive, so the draft's totals add up); months of payment = draft closing
                    balance ÷ (draft expenditure ÷ 12). With the current year conditioned on its
                    executed months (``current_year.condition_on_outturn``) the draft's opening
                    balance equals the outturn's closing balance
change_pct          (draft − outturn) ÷ outturn × 100
p05, p50, p95       quantiles over paths of the budget year (run ``[outputs] quantiles``)
==================  ===========================================================================

Under 统收统支 a sub-unit's own balance is zero (it remits its surplus, ``remittance_to_higher``,
or receives its shortfall, ``transfer_from_higher``); the province's table consolidates the
sub-units, so internal flows are eliminated, and shows the balance, the reserve and the months of
payment of the provincial account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from actuary import dims
from actuary.projection.calibration import frame
from actuary.projection.current_year import (
    actual_by_region,
    execution,
    expected_by_region,
    item_totals,
)
from actuary.projection.engine import Projection
from actuary.projection.series import province_series

__all__ = ["ROWS", "BudgetDraft", "draft_budget", "write_budget"]

WAN = 1e4  # yuan per 万元

#: Rows of a budget table: (code, Chinese label, English label, indent). ``benefits_total``
#: (工伤保险待遇支出) and ``surplus`` (本年收支结余) are derived rows.
ROWS: tuple[tuple[str, str, str, int], ...] = (
    *((i.code, i.name_zh, i.name_en, 1) for i in dims.REVENUE_ITEMS),
    ("revenue_total", "收入合计", "Total revenue", 0),
    ("benefits_total", "工伤保险待遇支出", "Benefit expenditure", 1),
    *(
        (i.code, "其中：" + i.name_zh, "of which: " + i.name_en, 2)
        for i in dims.EXPENDITURE_ITEMS[:3]
    ),
    *((i.code, i.name_zh, i.name_en, 1) for i in dims.EXPENDITURE_ITEMS[3:]),
    ("expenditure_total", "支出合计", "Total expenditure", 0),
    ("surplus", "本年收支结余", "Surplus of the year", 0),
    ("balance_open", "年初滚存结余", "Opening balance", 0),
    ("balance_close", "年末滚存结余", "Closing balance", 0),
    ("reserve", "其中：储备金", "of which: reserve fund", 1),
    ("months_of_payment", "累计结余可支付月数（月）", "Months of payment capacity (months)", 0),
)
ROW_CODES = tuple(r[0] for r in ROWS)
_BENEFITS = ("medical_benefits", "disability_benefits", "death_benefits")
_MONEY_ROWS = tuple(c for c in ROW_CODES if c != "months_of_payment")
COLUMNS: tuple[tuple[str, str], ...] = (
    ("prior_actual", "上年决算（执行数）"),
    ("outturn", "本年预计执行"),
    ("draft", "预算年度草案"),
    ("change_pct", "增减%"),
)


@dataclass(frozen=True)
class BudgetDraft:
    """A drafted budget: one table per region (``"JL"`` first), assumptions, a summary.

    ``tables[region]`` is indexed by :data:`ROW_CODES` with columns ``prior_actual``,
    ``outturn``, ``draft``, ``change_pct`` and one column per quantile (``p05`` …), money in
    **yuan** (converted to 万元 when written).
    """

    run_name: str
    year: int
    prior_year: int
    current_year: int
    scenario: str
    central: str
    quantile_columns: tuple[str, ...]
    tables: dict[str, pd.DataFrame]
    net_flows: pd.DataFrame
    assumptions: pd.DataFrame
    outturn_source: str
    synthetic: bool
    probabilities: dict[str, float] = field(default_factory=dict)
    summary: str = ""
    reconciliation: str = ""


def _v(t: pd.DataFrame, row: str, col: str) -> float:
    """One cell of a table as a float."""
    return float(cast(Any, t).at[row, col])


def _qname(q: float) -> str:
    return f"p{round(q * 100):02d}"


def _with_derived(t: pd.DataFrame) -> pd.DataFrame:
    """Add ``benefits_total`` and ``surplus`` rows (yuan)."""
    t = t.copy()
    t.loc["benefits_total"] = t.loc[list(_BENEFITS)].sum()
    t.loc["surplus"] = t.loc["revenue_total"] - t.loc["expenditure_total"]
    return t


def _with_derived_series(s: pd.Series) -> pd.Series:
    """Add ``benefits_total`` and ``surplus`` to a Series of item amounts (yuan)."""
    s = s.copy()
    s["benefits_total"] = s[list(_BENEFITS)].sum()
    s["surplus"] = s["revenue_total"] - s["expenditure_total"]
    return s


def _reconcile_internal(items: dict[str, pd.Series], pool: str | None) -> dict[str, pd.Series]:
    """Re-derive the internal flows of forecast items from each sub-unit's own items.

    An item-by-item forecast (the expected outturn) need not keep a sub-unit's remittance equal
    to its own surplus; under 统收统支 it is, by definition: remittance = max(own net, 0),
    transfer = max(−own net, 0), and the account holder's mirror items are their sums.
    """
    out = {k: v.copy() for k, v in items.items()}
    own_rev = [c for c in dims.REVENUE_CODES if c not in dims.INTERNAL_FLOW_CODES]
    own_exp = [c for c in dims.EXPENDITURE_CODES if c not in dims.INTERNAL_FLOW_CODES]
    rem_sum = tra_sum = 0.0
    for r in dims.REGION_CODES:
        s = out[r]
        for c in dims.INTERNAL_FLOW_CODES:
            s[c] = 0.0
        if r == pool:
            continue
        net = s[own_rev].sum() - s[own_exp].sum()
        s["remittance_to_higher"] = max(net, 0.0)
        s["transfer_from_higher"] = max(-net, 0.0)
        rem_sum += s["remittance_to_higher"]
        tra_sum += s["transfer_from_higher"]
    if pool is not None:
        out[pool]["remittance_from_lower"] = rem_sum
        out[pool]["subsidy_to_lower"] = tra_sum
    for r in (*dims.REGION_CODES, dims.PROVINCE):
        out[r] = _totals(out[r])
    return out


def _totals(items: pd.Series) -> pd.Series:
    """Fill revenue_total / expenditure_total of a Series of item amounts."""
    return item_totals(items)


def _actual_by_region(
    ex: pd.DataFrame, year: int, months: Sequence[int] | None = None
) -> dict[str, pd.Series]:
    """Item amounts by region from monthly execution (yuan); ``"JL"`` consolidated."""
    return actual_by_region(ex, year, months)


def _balance_rows(s: pd.Series, opening: float, reserve_ratio: float, province: bool) -> pd.Series:
    s = s.copy()
    if province:
        s["balance_open"] = opening
        s["balance_close"] = opening + s["revenue_total"] - s["expenditure_total"]
        s["reserve"] = min(
            max(reserve_ratio * s["expenditure_total"], 0.0), max(s["balance_close"], 0.0)
        )
        exp = s["expenditure_total"]
        s["months_of_payment"] = s["balance_close"] / (exp / 12.0) if exp > 0 else np.nan
    else:
        s["balance_open"] = s["balance_close"] = s["reserve"] = 0.0
        s["months_of_payment"] = np.nan
    return s


def _outturn(ex: pd.DataFrame, current: int, prior_year: int) -> tuple[dict[str, pd.Series], str]:
    """Expected outturn of the current year by region (yuan) and a sentence saying how.

    :func:`actuary.projection.current_year.expected_by_region`, the same numbers the engine
    conditions the current year on: an item a sub-unit did not record last year nor so far this
    year is expected to stay at 0.
    """
    out, through = expected_by_region(ex, current, prior_year)
    how = (
        f"{current} 年预计执行数：actuary.monitoring.expected_outturn（季节可信度模型："
        f"进度法与趋势法按历史误差加权，执行至 {through} 月）/ expected outturn from "
        f"actuary.monitoring (seasonal credibility model: pacing and trend weighted by their "
        f"past errors, actuals through month {through})"
    )
    return out, how


def _assumption_rows(proj: Projection, scenario: str) -> pd.DataFrame:
    run = proj.run
    rows: list[dict[str, Any]] = []
    for fid in ("economy", "claims", "fund"):
        af = run.assumption_file(fid, scenario)
        for rec in af.to_records():
            rows.append(
                {
                    "kind": "assumption",
                    "file": Path(rec["file"]).name,
                    "key": f"{fid}.{rec['key']}",
                    "value": _fmt(rec["value"]),
                    "unit": rec["unit"],
                    "basis": rec["basis"],
                    "source_or_note": "; ".join(x for x in (rec["source"], rec["note"]) if x),
                    "adjustment_reason": rec["reason"] if rec["overridden_by"] else "",
                }
            )
    for o in run.adjustments:
        rows.append(
            {
                "kind": "定性调整 qualitative adjustment",
                "file": Path(o.origin).name if o.origin else run.path.name,
                "key": o.target + (f" ({o.year})" if o.year is not None else ""),
                "value": _fmt(o.value),
                "unit": "",
                "basis": "judgement",
                "source_or_note": "",
                "adjustment_reason": o.reason,
            }
        )
    if scenario != "baseline":
        for o in run.scenario(scenario).overrides:
            rows.append(
                {
                    "kind": f"scenario {scenario}",
                    "file": Path(o.origin).name,
                    "key": o.target + (f" ({o.year})" if o.year is not None else ""),
                    "value": _fmt(o.value),
                    "unit": "",
                    "basis": "judgement",
                    "source_or_note": "",
                    "adjustment_reason": o.reason,
                }
            )
    rows.extend(_conditioning_rows(proj, scenario))
    b = proj.base
    cal = [
        ("opening_balance", b.opening_balance, "yuan", f"fund_balance.csv, {b.year} balance_close"),
        (
            "initial_multiplier",
            list(np.round(b.initial_multiplier, 4)),
            "multiplier of the base-rate schedule, classes 1–8",
            "contributions_due ÷ (covered_payroll × base rate × grade mix), exposure.csv",
        ),
        (
            "grade_mix_province",
            list(np.round(b.grade_mix.mean(axis=0), 4)),
            "multiplier, classes 1–8 (mean over regions)",
            "exposure.csv payroll_g050 … g150",
        ),
        (
            "construction_rate",
            list(np.round(b.construction_rate * 1000, 4)),
            "‰ of project cost, by region",
            "construction.csv collected ÷ project_cost",
        ),
    ]
    for key, val, unit, src in cal:
        rows.append(
            {
                "kind": "calibrated from data",
                "file": "data",
                "key": key,
                "value": _fmt(val),
                "unit": unit,
                "basis": "sourced",
                "source_or_note": src,
                "adjustment_reason": "",
            }
        )
    from actuary.params import load_parameters

    params = load_parameters()
    when = dt.date(run.budget_year, 7, 1)
    for name in ("rates.industry_base_rate", "rates.floating_grades", "fund.prevention_cap_pct"):
        try:
            e = params[name].entry_at(when)
        except Exception:
            continue
        rows.append(
            {
                "kind": f"policy parameter ({e.confidence})",
                "file": "actuary.params",
                "key": name,
                "value": _fmt(e.value),
                "unit": params[name].unit,
                "basis": "sourced" if e.confidence != "assumption" else "judgement",
                "source_or_note": e.source,
                "adjustment_reason": "",
            }
        )
    return pd.DataFrame(rows)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def draft_budget(proj: Projection, data: Any, *, scenario: str = "baseline") -> BudgetDraft:
    """Draft the budget of ``proj.run.budget_year`` from a projection and the data it ran on."""
    run = proj.run
    if run.outputs.central != "mean":  # pragma: no cover - the loader admits only "mean"
        raise ValueError("the budget draft uses the mean (the additive central statistic)")
    year, prior, current = run.budget_year, run.base_year, run.current_year
    ex = execution(data)
    fb = frame(data, "fund_balance")
    fa = run.spec_for("fund", scenario)
    ratio, pool = fa.reserve_ratio, fa.pool_region

    def fb_close(y: int) -> float:
        row = fb[fb["year"] == y]
        return float(row["balance_close"].iloc[0]) if len(row) else float("nan")

    prior_items = _actual_by_region(ex, prior)
    outturn_items, how = _outturn(ex, current, prior)
    outturn_items = _reconcile_internal(outturn_items, pool)
    f = proj.data["fund"].sel({dims.SCENARIO: scenario, dims.YEAR: year})
    qs = run.outputs.quantiles
    qcols = tuple(_qname(q) for q in qs)
    # one pass over the paths: (path, region, item) → mean and quantiles of every cell
    regions = [str(r) for r in f[dims.REGION].values]
    items = [str(i) for i in f[dims.ITEM].values]
    arr = np.asarray(f.transpose(dims.PATH, dims.REGION, dims.ITEM).values)
    ben = arr[:, :, [items.index(c) for c in _BENEFITS]].sum(axis=2)
    sur = arr[:, :, items.index("revenue_total")] - arr[:, :, items.index("expenditure_total")]
    money = [i for i, c in enumerate(items) if c != "months_of_payment"]
    stack = np.concatenate([arr[:, :, money], ben[:, :, None], sur[:, :, None]], axis=2)
    names = [items[i] for i in money] + ["benefits_total", "surplus"]
    mean = stack.mean(axis=0)  # (region, row)
    quant = np.quantile(stack, list(qs), axis=0)  # (q, region, row)
    mop = province_series(proj.data, "months_of_payment", scenario, year=year)
    mop_q = np.quantile(mop, list(qs))
    tables: dict[str, pd.DataFrame] = {}
    prov_pa = prov_ot = pd.Series(dtype=float)
    for r in (dims.PROVINCE, *dims.REGION_CODES):
        prov = r == dims.PROVINCE
        pa = _balance_rows(prior_items[r], fb_close(prior - 1), ratio, prov)
        ot = _balance_rows(outturn_items[r], fb_close(prior), ratio, prov)
        if prov:  # the actual balance and reserve of the base year, as recorded
            row = fb[fb["year"] == prior]
            pa["balance_close"] = float(row["balance_close"].iloc[0])
            pa["reserve"] = float(row["reserve"].iloc[0])
            exp = pa["expenditure_total"]
            pa["months_of_payment"] = pa["balance_close"] / (exp / 12.0) if exp > 0 else np.nan
            prov_pa, prov_ot = pa, ot
        elif r == pool:  # the account holder's books carry the provincial balance
            for c in ("balance_open", "balance_close", "reserve"):
                pa[c], ot[c] = prov_pa[c], prov_ot[c]
        ri = regions.index(r)
        t = pd.DataFrame(
            {
                "prior_actual": _with_derived_series(pa).reindex(names),
                "outturn": _with_derived_series(ot).reindex(names),
                "draft": pd.Series(mean[ri], index=names),
                **{c: pd.Series(quant[k, ri], index=names) for k, c in enumerate(qcols)},
            }
        )
        t.loc["months_of_payment"] = np.nan
        t.loc["months_of_payment", "prior_actual"] = pa["months_of_payment"]
        t.loc["months_of_payment", "outturn"] = ot["months_of_payment"]
        if prov:
            exp = _v(t, "expenditure_total", "draft")
            t.loc["months_of_payment", "draft"] = _v(t, "balance_close", "draft") / (exp / 12.0)
            for k, c in enumerate(qcols):
                t.loc["months_of_payment", c] = mop_q[k]
        t = t.reindex(list(ROW_CODES))
        with np.errstate(divide="ignore", invalid="ignore"):
            chg = (t["draft"] - t["outturn"]) / t["outturn"].abs() * 100.0
        t["change_pct"] = chg.where(t["outturn"].abs() > 0)
        tables[r] = t[["prior_actual", "outturn", "draft", "change_pct", *qcols]].astype(float)

    net = []
    for r in dims.REGION_CODES:
        t = tables[r]
        net.append(
            {
                "region": r,
                "name_zh": dims.REGION_BY_CODE[r].name_zh,
                "name_en": dims.REGION_BY_CODE[r].name_en,
                "remittance_to_higher": _v(t, "remittance_to_higher", "draft"),
                "transfer_from_higher": _v(t, "transfer_from_higher", "draft"),
                "net_to_pool": _v(t, "remittance_to_higher", "draft")
                - _v(t, "transfer_from_higher", "draft"),
            }
        )
    net_df = pd.DataFrame(net).set_index("region")

    bal = province_series(proj.data, "balance_close", scenario, year=year)
    req = proj.data["reserve_required"].sel({dims.SCENARIO: scenario, dims.YEAR: year}).values
    probs = {
        "p_balance_below_zero": float((bal < 0).mean()),
        "p_balance_below_reserve": float((bal < req).mean()),
        "months_draft": _v(tables[dims.PROVINCE], "months_of_payment", "draft"),
        **{f"months_{c}": float(mop_q[k]) for k, c in enumerate(qcols)},
    }
    synthetic = bool(getattr(data, "synthetic", False) or _meta_synthetic(data))
    d = BudgetDraft(
        run_name=run.name,
        year=year,
        prior_year=prior,
        current_year=current,
        scenario=scenario,
        central="mean",
        quantile_columns=qcols,
        tables=tables,
        net_flows=net_df,
        assumptions=_assumption_rows(proj, scenario),
        outturn_source=how,
        reconciliation=_reconciliation(
            tables[dims.PROVINCE], current, year, _conditioning(proj, scenario)
        ),
        synthetic=synthetic,
        probabilities=probs,
    )
    return _with_summary(d, proj)


def _conditioning(proj: Projection, scenario: str) -> dict[str, Any] | None:
    """The engine's record of the current year's conditioning (Dataset attrs), or None."""
    import json

    raw = proj.data.attrs.get("current_year_factors")
    if not raw:
        return None
    rec = json.loads(str(raw)).get(scenario)
    return rec if isinstance(rec, dict) else None


def _reconciliation(
    t: pd.DataFrame, current: int, year: int, cond: dict[str, Any] | None = None
) -> str:
    """Say how the draft's opening balance relates to the current year's expected outturn.

    With the current year conditioned on its executed months (``current_year.
    condition_on_outturn``, the engine's record ``cond``) the two are equal by construction and
    the sentence says so (and states any difference that remains, e.g. a fiscal top-up under
    ``cover_deficit``). Without it the simulation starts freely from the base year's closing
    balance and the sentence states the gap.
    """
    sim = _v(t, "balance_open", "draft")
    eo = _v(t, "balance_close", "outturn")
    gap = eo - sim
    w = (sim / WAN, eo / WAN, gap / WAN)
    if cond is not None:
        m = int(cond["through_month"])
        tied = abs(w[2]) < 0.005
        zh = (
            f"{current} 年模拟已按 1–{m} 月执行数校准（预计执行数）："
            f"{year} 年初滚存结余（模拟均值）{w[0]:,.2f} 万元"
            f"{'＝' if tied else '，'}{current} 年预计执行年末结余 {w[1]:,.2f} 万元"
            + ("" if tied else f"，差额 {w[2]:,.2f} 万元")
            + "；校准系数见“假设与定性调整”表。"
        )
        en = (
            f"The {current} simulation is conditioned on actuals through month {m} (expected "
            f"outturn): the draft's opening balance ({w[0]:,.2f}, simulated mean) "
            + ("equals" if tied else f"differs by {w[2]:,.2f} from")
            + f" the {current} expected outturn's closing balance ({w[1]:,.2f}) (10,000 yuan); "
            "factors in the assumptions sheet."
        )
        return f"{zh} / {en}"
    zh = (
        f"{year} 年初滚存结余（模拟均值）{w[0]:,.0f} 万元，{current} 年预计执行年末结余 "
        f"{w[1]:,.0f} 万元，差额 {w[2]:,.0f} 万元：模拟从上年末结余出发，"
        f"{current} 年未按已执行月份校准（current_year.condition_on_outturn = false）。"
    )
    en = (
        f"The draft's opening balance ({w[0]:,.0f}, simulated mean) differs from the {current} "
        f"expected outturn's closing balance ({w[1]:,.0f}) by {w[2]:,.0f} (10,000 yuan): the "
        f"simulation starts from the {current - 1} closing balance and does not condition "
        f"{current} on the months executed so far (current_year.condition_on_outturn = false)."
    )
    return f"{zh} / {en}"


def _conditioning_rows(proj: Projection, scenario: str) -> list[dict[str, Any]]:
    """Rows of the assumptions sheet: the current year's conditioning, item by item."""
    cond = _conditioning(proj, scenario)
    if cond is None:
        return []
    m, s = int(cond["through_month"]), float(cond["dispersion_share"])
    year = int(cond["year"])
    items: list[dict[str, Any]] = cond["items"]
    rows = []
    for rec in items:
        if rec["region"] != dims.PROVINCE:
            continue
        code = rec["item"]
        subs = [x for x in items if x["item"] == code and x["region"] != dims.PROVINCE]
        applied = rec["factor"]
        how = (
            "factor by sub-unit: " + ", ".join(f"{x['region']} {x['factor']:.4f}" for x in subs)
            if subs
            else (
                "replaced by its outturn"
                if applied is None
                else f"province factor applied {applied:.4f}"
            )
        )
        ratio = rec["ratio"]
        rows.append(
            {
                "kind": "定性调整 current-year conditioning",
                "file": "execution_monthly.csv",
                "key": f"current_year.{code} ({year})",
                "value": "" if ratio is None else f"{ratio:.4f}",
                "unit": "expected outturn ÷ simulated mean",
                "basis": "standard",
                "source_or_note": (
                    f"simulated mean {rec['simulated'] / WAN:,.2f} → expected outturn "
                    f"{rec['outturn'] / WAN:,.2f} 万元; {how}; dispersion share s = {s:.4f}"
                ),
                "adjustment_reason": (
                    f"{year} 年按 1–{m} 月执行数校准 / {year} conditioned on actuals through "
                    f"month {m} (current_year.condition_on_outturn)"
                ),
            }
        )
    return rows


def _meta_synthetic(data: Any) -> bool:
    meta = getattr(data, "metadata", None)
    if isinstance(meta, dict):
        return bool(meta.get("synthetic", False))
    return bool(getattr(meta, "synthetic", False))


def _with_summary(d: BudgetDraft, proj: Projection) -> BudgetDraft:
    import dataclasses

    t = d.tables[dims.PROVINCE]
    p = d.probabilities
    n = proj.data.sizes[dims.PATH]
    qc = d.quantile_columns
    lines = [
        f"吉林省工伤保险基金 {d.year} 年预算草案 — 摘要 / Budget draft {d.year}: summary",
        f"run {d.run_name}, scenario {d.scenario}, {n} simulated paths, seed {proj.run.seed}"
        + ("; SYNTHETIC DATA (合成数据)" if d.synthetic else ""),
        "草案列 = 模拟均值 / draft column = mean over paths (amounts in 万元)",
        f"收入合计 total revenue        {_v(t, 'revenue_total', 'draft') / WAN:,.0f}",
        f"支出合计 total expenditure    {_v(t, 'expenditure_total', 'draft') / WAN:,.0f}",
        f"年末滚存结余 closing balance  {_v(t, 'balance_close', 'draft') / WAN:,.0f} "
        f"({qc[0]} {_v(t, 'balance_close', qc[0]) / WAN:,.0f} … "
        f"{qc[-1]} {_v(t, 'balance_close', qc[-1]) / WAN:,.0f})",
        f"其中储备金 reserve            {_v(t, 'reserve', 'draft') / WAN:,.0f}",
        f"P(年末结余 < 0) probability the {d.year} closing balance is below zero: "
        f"{p['p_balance_below_zero']:.1%}",
        f"P(年末结余 < 储备金要求) probability it is below the required reserve: "
        f"{p['p_balance_below_reserve']:.1%}",
        f"可支付月数 months of payment: draft {p['months_draft']:.1f} "
        + " ".join(f"{c} {p['months_' + c]:.1f}" for c in qc),
        d.outturn_source,
        d.reconciliation,
    ]
    return dataclasses.replace(d, summary="\n".join(lines) + "\n")


def _sheet_name(region: str) -> str:
    if region == dims.PROVINCE:
        return "全省 JL"
    r = dims.REGION_BY_CODE[region]
    return f"{r.code} {r.name_zh}"[:31]


def to_frame(d: BudgetDraft) -> pd.DataFrame:
    """All tables in one long frame, amounts in 万元 (months unchanged) — the CSV."""
    labels = {c: (zh, en) for c, zh, en, _ in ROWS}
    out = []
    for r, t in d.tables.items():
        tt = t.copy()
        money = tt.index != "months_of_payment"
        for c in tt.columns:
            if c != "change_pct":
                tt.loc[money, c] = tt.loc[money, c] / WAN
        tt.insert(0, "label_en", [labels[c][1] for c in tt.index])
        tt.insert(0, "label_zh", [labels[c][0] for c in tt.index])
        tt.insert(0, "item", tt.index)
        tt.insert(
            0, "region_name", "全省" if r == dims.PROVINCE else dims.REGION_BY_CODE[r].name_zh
        )
        tt.insert(0, "region", r)
        out.append(tt.reset_index(drop=True))
    return pd.concat(out, ignore_index=True)


def write_budget(d: BudgetDraft, out_dir: str | Path) -> list[Path]:
    """Write ``budget_<year>.xlsx``, ``budget_<year>.csv``, ``budget_<year>_assumptions.csv`` and
    ``budget_<year>_summary.txt`` into ``out_dir``; return the paths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
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
    for r, t in d.tables.items():
        ws = wb.create_sheet(_sheet_name(r))
        name = "全省（合并）" if r == dims.PROVINCE else dims.REGION_BY_CODE[r].name_zh
        ws.append(
            [
                f"吉林省工伤保险基金{d.year}年预算草案 — {name}"
                + ("（合成数据 SYNTHETIC）" if d.synthetic else "")
            ]
        )
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(
            [
                f"Jilin work-injury insurance fund: budget draft {d.year} — "
                + (
                    "province (consolidated)"
                    if r == dims.PROVINCE
                    else dims.REGION_BY_CODE[r].name_en
                )
                + f"; scenario {d.scenario}; 单位：万元 (amounts in 10,000 yuan)"
            ]
        )
        ws.append([h[0] for h in header])
        ws.append([h[1] for h in header])
        for hrow in (3, 4):
            for cell in ws[hrow]:
                cell.font = bold
                cell.fill = head_fill
                cell.alignment = Alignment(wrap_text=True, horizontal="center")
        for code, zh, en, indent in ROWS:
            money = code != "months_of_payment"
            cells: list[Any] = [("  " * indent) + zh + " / " + en, code]
            for c in ("prior_actual", "outturn", "draft", "change_pct", *qc):
                v = _v(t, code, c)
                if not np.isfinite(v):
                    cells.append(None)
                elif c == "change_pct" or not money:
                    cells.append(float(v))
                else:
                    cells.append(float(v) / WAN)
            ws.append(cells)
            rr = ws.max_row
            if indent == 0:
                for cell in ws[rr]:
                    cell.font = bold
            for col in range(3, len(cells) + 1):
                pct = col == 6
                ws.cell(rr, col).number_format = "0.0" if (pct or not money) else "#,##0.00"
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
            ws.append([n])
        if r == dims.PROVINCE:
            ws.append([])
            ws.append(
                [
                    f"各统筹单位{d.year}年净上解（草案均值，万元）/ Net flow of each sub-unit to "
                    "the provincial pool (draft mean, 10,000 yuan)"
                ]
            )
            ws.cell(ws.max_row, 1).font = bold
            ws.append(["统筹单位 / Sub-unit", "代码", "上解上级支出", "上级补助收入", "净上解"])
            for cell in ws[ws.max_row]:
                cell.font = bold
            for ncode, nrow in d.net_flows.iterrows():
                ws.append(
                    [
                        f"{nrow['name_zh']} / {nrow['name_en']}",
                        str(ncode),
                        nrow["remittance_to_higher"] / WAN,
                        nrow["transfer_from_higher"] / WAN,
                        nrow["net_to_pool"] / WAN,
                    ]
                )
                for col in (3, 4, 5):
                    ws.cell(ws.max_row, col).number_format = "#,##0.00"
        ws.column_dimensions["A"].width = 52
        ws.column_dimensions["B"].width = 20
        for col in range(3, len(header) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 16
        ws.freeze_panes = "C5"

    ws = wb.create_sheet("假设与定性调整 Assumptions")
    ws.append(["假设与定性调整 / Assumptions and qualitative adjustments (定性调整)"])
    ws["A1"].font = Font(bold=True, size=13)
    cols = ["kind", "file", "key", "value", "unit", "basis", "source_or_note", "adjustment_reason"]
    ws.append(
        [
            "类别 kind",
            "文件 file",
            "键 key",
            "值 value",
            "单位 unit",
            "依据 basis",
            "来源/说明 source or note",
            "调整原因 reason",
        ]
    )
    for cell in ws[2]:
        cell.font = bold
        cell.fill = head_fill
    for _, arow in d.assumptions.iterrows():
        ws.append([str(arow[c]) for c in cols])
    for letter, w in zip("ABCDEFGH", (26, 18, 40, 30, 28, 12, 80, 50), strict=True):
        ws.column_dimensions[letter].width = w

    ws = wb.create_sheet("摘要 Summary")
    for line in d.summary.splitlines():
        ws.append([line])

    paths = []
    xlsx = out / f"budget_{d.year}.xlsx"
    wb.properties.creator = "actuary"
    wb.properties.created = dt.datetime(d.year - 1, 1, 1)
    wb.properties.modified = dt.datetime(d.year - 1, 1, 1)
    wb.save(xlsx)
    paths.append(xlsx)
    csv = out / f"budget_{d.year}.csv"
    to_frame(d).to_csv(csv, index=False, encoding="utf-8", float_format="%.6f")
    paths.append(csv)
    acsv = out / f"budget_{d.year}_assumptions.csv"
    d.assumptions.to_csv(acsv, index=False, encoding="utf-8")
    paths.append(acsv)
    txt = out / f"budget_{d.year}_summary.txt"
    txt.write_text(d.summary, encoding="utf-8")
    paths.append(txt)
    return paths
