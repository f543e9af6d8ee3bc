"""What employers pay and what the fund holds under a rate rule: :func:`rule_outcomes`
(distribution of class rates, effective rates and the balance on a roll-forward) and
:func:`grade_payroll_shares` (payroll mix of the floating grades, ``exposure.csv``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from actuary import dims
from actuary.errors import InputError
from actuary.output.units import to_wan
from actuary.policy import RateRule
from actuary.projection.series import ProvinceSeries

__all__ = ["grade_payroll_shares", "rule_outcomes"]

_GRADE_COLUMNS = {
    0.5: "payroll_g050",
    0.8: "payroll_g080",
    1.0: "payroll_g100",
    1.2: "payroll_g120",
    1.5: "payroll_g150",
}


def grade_payroll_shares(exposure: pd.DataFrame, year: int) -> dict[int, dict[float, float]]:
    """Share of each class's covered payroll at each floating grade in ``year`` (province).

    From the data folder's ``exposure.csv`` columns ``payroll_g050 … payroll_g150`` (payroll of
    employers at 50 … 150 % of the class base rate, 人社部发〔2015〕71号).

    Raises
    ------
    InputError
        The year is not in the table, or a grade column is missing.
    """
    missing = [c for c in _GRADE_COLUMNS.values() if c not in exposure.columns]
    if missing:
        raise InputError("missing column", file="exposure.csv", field=missing[0])
    sub = exposure[exposure["year"] == year]
    if sub.empty:
        raise InputError(f"no rows for year {year}", file="exposure.csv", field="year")
    out: dict[int, dict[float, float]] = {}
    cls = sub["industry_class"].to_numpy()
    for c in np.unique(cls):
        rows = sub[cls == c]
        pay = {grade: float(rows[col].sum()) for grade, col in _GRADE_COLUMNS.items()}
        tot = sum(pay.values())
        if tot > 0:
            out[int(c)] = {k: v / tot for k, v in pay.items() if v > 0}
    return out


def rule_outcomes(
    flows: Any,
    rule: RateRule | None,
    *,
    parameters: Mapping[str, Any] | None = None,
    quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95),
    grade_shares: Mapping[int, Mapping[float, float]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The distribution of the rates employers pay and of the balance under a rate rule.

    Rolls the fund forward under ``rule`` (``None`` = keep the multipliers in force) and
    returns three tables:

    ``rate_levels``
        Per year and class: the share of paths at each multiplier (the rule's choices), with the
        class rate it implies (national base rate × multiplier, % of payroll, grade 100 %).
    ``rates``
        Per year and class: quantiles across paths of the class rate and of the average
        effective rate (province contributions of the class ÷ … is not split by class in the
        exposure, so the province-wide effective rate = contributions ÷ covered payroll is given
        per year, class ``0``).
    ``balance``
        Per year: quantiles of the closing balance (万元) and months of payment, probability of
        a deficit and of being below the required reserve.
    ``employer_rates`` (with ``grade_shares``, :func:`grade_payroll_shares`)
        Per year and class: the rate an employer pays, base × multiplier × floating grade, with
        its share of the class payroll (share of paths at the multiplier × payroll share of the
        grade, the grade mix held at the data's last year).
    """
    from actuary.projection.flows import roll_forward

    if parameters is None:
        from actuary.params import load_parameters

        parameters = load_parameters()
    ds = roll_forward(flows, rule, check=True)
    f = ProvinceSeries.from_dataset(ds)
    mult = np.asarray(ds["multiplier"].transpose(dims.PATH, dims.YEAR, dims.INDUSTRY).values)
    classes = [int(c) for c in ds[dims.INDUSTRY].values]
    years = list(f.years)
    level_rows, rate_rows = [], []
    for i, y in enumerate(years):
        base = parameters["rates.industry_base_rate"].at(dt.date(y, 1, 1))
        for j, c in enumerate(classes):
            b = float(base.get(f"class_{c}", np.nan))
            vals, counts = np.unique(np.round(mult[:, i, j], 6), return_counts=True)
            for v, n in zip(vals, counts, strict=True):
                level_rows.append(
                    {
                        "year": y,
                        "industry_class": c,
                        "multiplier": float(v),
                        "rate_pct": 100 * b * float(v),
                        "share_of_paths": n / mult.shape[0],
                    }
                )
            qs = np.quantile(100 * b * mult[:, i, j], quantiles)
            rate_rows.append(
                {
                    "year": y,
                    "industry_class": c,
                    "measure": "class_rate_pct",
                    **{f"p{round(q * 100)}": float(v) for q, v in zip(quantiles, qs, strict=True)},
                    "mean": float(np.mean(100 * b * mult[:, i, j])),
                }
            )
        if "covered_payroll" in ds:
            pay = ds["covered_payroll"].sel({dims.REGION: dims.PROVINCE})
            pay_v = np.asarray(pay.transpose(dims.PATH, dims.YEAR).values)[:, i]
            eff = 100 * f.contributions[:, i] / np.where(pay_v > 0, pay_v, np.nan)
            qs = np.nanquantile(eff, quantiles)
            rate_rows.append(
                {
                    "year": y,
                    "industry_class": 0,
                    "measure": "effective_rate_pct",
                    **{f"p{round(q * 100)}": float(v) for q, v in zip(quantiles, qs, strict=True)},
                    "mean": float(np.nanmean(eff)),
                }
            )
    bal_rows = []
    months = f.months
    for i, y in enumerate(years):
        qb = np.quantile(to_wan(f.balance_close[:, i]), quantiles)
        qm = np.quantile(months[:, i], quantiles)
        bal_rows.append(
            {
                "year": y,
                **{
                    f"balance_wan_p{round(q * 100)}": float(v)
                    for q, v in zip(quantiles, qb, strict=True)
                },
                **{
                    f"months_p{round(q * 100)}": float(v)
                    for q, v in zip(quantiles, qm, strict=True)
                },
                "prob_deficit": float(np.mean(f.balance_close[:, i] < 0)),
                "prob_below_reserve": float(
                    np.mean(f.balance_close[:, i] < f.reserve_required[:, i])
                ),
                "mean_multiplier": float(mult[:, i].mean()),
            }
        )
    acc: dict[tuple[int, int, float], float] = {}
    if grade_shares:
        for lr in level_rows:
            yc = (int(lr["year"]), int(lr["industry_class"]))
            for grade, share in grade_shares.get(yc[1], {}).items():
                key = (*yc, round(float(lr["rate_pct"]) * grade, 9))
                acc[key] = acc.get(key, 0.0) + float(lr["share_of_paths"]) * share
    emp = pd.DataFrame(
        [
            {"year": y, "industry_class": c, "rate_pct": r, "payroll_share": v}
            for (y, c, r), v in sorted(acc.items())
        ]
    )
    return {
        "employer_rates": emp,
        "rate_levels": pd.DataFrame(level_rows),
        "rates": pd.DataFrame(rate_rows),
        "balance": pd.DataFrame(bal_rows),
    }
