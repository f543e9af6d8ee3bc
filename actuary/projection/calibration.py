"""What the projection takes from the data folder: the base year's fund position and rate facts.

- **grade mix factor** of region r, class c: ``g[r,c] = Σ_k f_k · payroll_k / Σ_k payroll_k`` over
  the floating grades k ∈ {0.5, 0.8, 1.0, 1.2, 1.5} (``exposure.csv`` columns ``payroll_g050`` …
  ``payroll_g150``), summed over the last ``calibration.years`` full years;
- **initial multiplier** of class c (when ``contributions.initial_multiplier = "calibrate"``):
  ``m0[c] = Σ contributions_due / Σ (covered_payroll · base_rate(c, year) · g[r,c])`` over regions
  and the calibration years: the share of the national schedule actually charged (e.g. 0.5 in a
  phased cut);
- **project rate** of region r: ``Σ construction contributions_collected / Σ project_cost`` over the
  calibration years (the rate actually collected per yuan of project cost);
- **base-year position**: closing balance and reserve (``fund_balance.csv``), contributions by
  region (``execution_monthly.csv``, item ``contributions``, summed over the base year's months),
  project cost and average wage by region of the base year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from actuary import dims
from actuary.errors import InputError
from actuary.params import ParameterSet
from actuary.spec.fund import FundAssumptions

if TYPE_CHECKING:
    from actuary.data import ProvinceData

FloatArray = npt.NDArray[np.float64]
GRADE_COLUMNS: dict[str, float] = {
    "payroll_g050": 0.5,
    "payroll_g080": 0.8,
    "payroll_g100": 1.0,
    "payroll_g120": 1.2,
    "payroll_g150": 1.5,
}


@dataclass(frozen=True)
class BaseYear:
    """Base-year facts and calibrated rate factors (sub-units × classes in ``dims`` order)."""

    year: int
    regions: tuple[str, ...]
    classes: tuple[int, ...]
    grade_mix: FloatArray  # (region, class)
    initial_multiplier: FloatArray  # (class,)
    construction_rate: FloatArray  # (region,)
    construction_cost: FloatArray  # (region,) base-year project cost, yuan
    avg_wage: FloatArray  # (region,) base-year average wage, yuan/yr
    prior_contributions: FloatArray  # (region,) base-year contribution revenue, yuan
    opening_balance: float
    opening_reserve: float


def base_rates(
    params: ParameterSet, years: tuple[int, ...], classes: tuple[int, ...]
) -> FloatArray:
    """National base rate by year (in force on 1 July of the year) and class, ``(year, class)``."""
    import datetime as dt

    out = np.empty((len(years), len(classes)))
    for i, y in enumerate(years):
        table = params["rates.industry_base_rate"].at(dt.date(y, 7, 1))
        for j, c in enumerate(classes):
            key = f"class_{c}"
            if key not in table:
                raise InputError(
                    f"no base rate for class {c} in force in {y}", field="rates.industry_base_rate"
                )
            out[i, j] = float(table[key])
    return out


def _index(df: pd.DataFrame, file: str, cols: list[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError("missing column(s) " + ", ".join(missing), file=file, field=missing[0])


def calibrate(
    data: ProvinceData, fund: FundAssumptions, params: ParameterSet, base_year: int
) -> BaseYear:
    """Calibrate the base-year facts from a loaded data folder (see the module docstring)."""
    regions = dims.REGION_CODES
    classes = dims.INDUSTRY_CLASSES
    years = tuple(range(base_year - fund.calibration_years + 1, base_year + 1))

    exp = data.table("exposure")
    _index(
        exp,
        "exposure.csv",
        [
            "year",
            "region",
            "industry_class",
            "covered_payroll",
            "contributions_due",
            *GRADE_COLUMNS,
        ],
    )
    e = exp[exp["year"].isin(years)].copy()
    if set(e["year"]) != set(years):
        raise InputError(
            f"exposure needs the calibration years {years[0]} … {years[-1]}",
            file="exposure.csv",
            field="year",
        )
    e["region"] = e["region"].astype(str)
    e["industry_class"] = e["industry_class"].astype(int)
    g = e.groupby(["region", "industry_class"])[list(GRADE_COLUMNS)].sum()
    g = g.reindex(pd.MultiIndex.from_product([regions, classes]), fill_value=0.0)
    gp = g.to_numpy().reshape(len(regions), len(classes), len(GRADE_COLUMNS))
    weights = np.asarray(list(GRADE_COLUMNS.values()))
    tot = gp.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mix = np.where(tot > 0, (gp * weights).sum(axis=2) / tot, 1.0)

    rates = base_rates(params, years, classes)  # (year, class)
    ridx = {r: i for i, r in enumerate(regions)}
    cidx = {c: j for j, c in enumerate(classes)}
    yidx = {y: i for i, y in enumerate(years)}
    ri = e["region"].map(ridx)
    if ri.isna().any():
        raise InputError(
            "unknown region code",
            file="exposure.csv",
            field="region",
            rows=list(e.index[ri.isna()][:5] + 1),
        )
    ci = e["industry_class"].map(cidx).to_numpy()
    yi = e["year"].map(yidx).to_numpy()
    ri_a = ri.to_numpy().astype(int)
    last = (e["year"] == base_year).to_numpy()
    schedule = (e["covered_payroll"].to_numpy() * rates[yi, ci] * mix[ri_a, ci])[last]
    due = e["contributions_due"].to_numpy()[last]
    ci = ci[last]
    num = np.bincount(ci, weights=due, minlength=len(classes))
    den = np.bincount(ci, weights=schedule, minlength=len(classes))
    if isinstance(fund.initial_multiplier, str):
        if np.any(den <= 0):
            raise InputError(
                "no payroll to calibrate the initial multiplier on",
                file="exposure.csv",
                field="covered_payroll",
            )
        m0 = num / den
    else:
        m0 = np.full(len(classes), float(fund.initial_multiplier))

    con = data.table("construction")
    _index(con, "construction.csv", ["year", "region", "project_cost", "contributions_collected"])
    con = con.assign(region=con["region"].astype(str))
    cw = (
        con[con["year"].isin(years)]
        .groupby("region")[["project_cost", "contributions_collected"]]
        .sum()
    )
    cw = cw.reindex(list(regions), fill_value=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        crate = np.where(
            cw["project_cost"] > 0, cw["contributions_collected"] / cw["project_cost"], 0.0
        )
    cb = con[con["year"] == base_year].groupby("region")["project_cost"].sum()
    ccost = cb.reindex(list(regions), fill_value=0.0).to_numpy(dtype=np.float64)

    er = data.table("economy_region")
    _index(er, "economy_region.csv", ["year", "region", "avg_wage"])
    er = er.assign(region=er["region"].astype(str))
    w = er[er["year"] == base_year].set_index("region")["avg_wage"].reindex(list(regions))
    if w.isna().any():
        raise InputError(
            f"no average wage in {base_year} for some regions",
            file="economy_region.csv",
            field="avg_wage",
        )

    ex = data.table("execution_monthly")
    _index(ex, "execution_monthly.csv", ["year", "month", "region", "item", "amount"])
    ex = ex.assign(region=ex["region"].astype(str))
    c25 = ex[(ex["year"] == base_year) & (ex["item"] == "contributions")]
    if c25.empty:
        raise InputError(
            f"no contributions recorded in {base_year}", file="execution_monthly.csv", field="item"
        )
    prior = c25.groupby("region")["amount"].sum().reindex(list(regions), fill_value=0.0)

    fb = data.table("fund_balance")
    _index(fb, "fund_balance.csv", ["year", "balance_close", "reserve"])
    row = fb[fb["year"] == base_year]
    if row.empty:
        raise InputError(
            f"no closing balance for {base_year}", file="fund_balance.csv", field="year"
        )

    return BaseYear(
        year=base_year,
        regions=regions,
        classes=classes,
        grade_mix=np.asarray(mix, dtype=np.float64),
        initial_multiplier=np.asarray(m0, dtype=np.float64),
        construction_rate=np.asarray(crate, dtype=np.float64),
        construction_cost=ccost,
        avg_wage=w.to_numpy(dtype=np.float64),
        prior_contributions=prior.to_numpy(dtype=np.float64),
        opening_balance=float(row["balance_close"].iloc[0]),
        opening_reserve=float(row["reserve"].iloc[0]),
    )
