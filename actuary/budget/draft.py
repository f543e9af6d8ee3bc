"""The annual budget draft of the work-injury fund (工伤保险基金预算草案): the numbers.

:func:`draft_budget` turns a projection and the data it ran on into a :class:`BudgetDraft`
(tables in yuan, assumptions, probabilities, summary); :mod:`actuary.budget.workbook` writes it.

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
from actuary.data import ProvinceData
from actuary.output.units import to_wan
from actuary.output.workbook import title_text
from actuary.projection.current_year import (
    actual_by_region,
    execution,
    expected_by_region,
    item_totals,
)
from actuary.projection.engine import Projection
from actuary.projection.series import province_series
from actuary.spec.assumptions import Override

__all__ = ["COLUMNS", "ROWS", "ROW_CODES", "BudgetDraft", "draft_budget"]

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
    province: str = ""  # the data's metadata ``province`` (titles name it)


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
        f"{current} 年预计执行数：actuary.outturn.expected_outturn（季节可信度模型："
        f"进度法与趋势法按历史误差加权，执行至 {through} 月）/ expected outturn from "
        f"actuary.outturn (seasonal credibility model: pacing and trend weighted by their "
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
    def override_row(o: Override, kind: str, file: str) -> dict[str, Any]:
        return {
            "kind": kind,
            "file": file,
            "key": o.target + (f" ({o.year})" if o.year is not None else ""),
            "value": _fmt(o.value),
            "unit": "",
            "basis": "judgement",
            "source_or_note": "",
            "adjustment_reason": o.reason,
        }

    for o in run.adjustments:
        file = Path(o.origin).name if o.origin else run.path.name
        rows.append(override_row(o, "定性调整 qualitative adjustment", file))
    if scenario != "baseline":
        for o in run.scenario(scenario).overrides:
            rows.append(override_row(o, f"scenario {scenario}", Path(o.origin).name))
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


def draft_budget(
    proj: Projection, data: ProvinceData, *, scenario: str = "baseline"
) -> BudgetDraft:
    """Draft the budget of ``proj.run.budget_year`` from a projection and the data it ran on."""
    run = proj.run
    if run.outputs.central != "mean":  # pragma: no cover - the loader admits only "mean"
        raise ValueError("the budget draft uses the mean (the additive central statistic)")
    year, prior, current = run.budget_year, run.base_year, run.current_year
    ex = execution(data)
    fb = data.table("fund_balance")
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
    synthetic = bool(data.meta("synthetic", False))
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
        province=str(data.meta("province", "")),
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
    w = (to_wan(sim), to_wan(eo), to_wan(gap))
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
                    f"simulated mean {to_wan(rec['simulated']):,.2f} → expected outturn "
                    f"{to_wan(rec['outturn']):,.2f} 万元; {how}; dispersion share s = {s:.4f}"
                ),
                "adjustment_reason": (
                    f"{year} 年按 1–{m} 月执行数校准 / {year} conditioned on actuals through "
                    f"month {m} (current_year.condition_on_outturn)"
                ),
            }
        )
    return rows


def _with_summary(d: BudgetDraft, proj: Projection) -> BudgetDraft:
    import dataclasses

    t = d.tables[dims.PROVINCE]
    p = d.probabilities
    n = proj.data.sizes[dims.PATH]
    qc = d.quantile_columns
    lines = [
        title_text(d.province, f"工伤保险基金 {d.year} 年预算草案 — 摘要")
        + f" / Budget draft {d.year}: summary",
        f"run {d.run_name}, scenario {d.scenario}, {n} simulated paths, seed {proj.run.seed}"
        + ("; SYNTHETIC DATA (合成数据)" if d.synthetic else ""),
        "草案列 = 模拟均值 / draft column = mean over paths (amounts in 万元)",
        f"收入合计 total revenue        {to_wan(_v(t, 'revenue_total', 'draft')):,.0f}",
        f"支出合计 total expenditure    {to_wan(_v(t, 'expenditure_total', 'draft')):,.0f}",
        f"年末滚存结余 closing balance  {to_wan(_v(t, 'balance_close', 'draft')):,.0f} "
        f"({qc[0]} {to_wan(_v(t, 'balance_close', qc[0])):,.0f} … "
        f"{qc[-1]} {to_wan(_v(t, 'balance_close', qc[-1])):,.0f})",
        f"其中储备金 reserve            {to_wan(_v(t, 'reserve', 'draft')):,.0f}",
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
