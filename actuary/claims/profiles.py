"""Claimant profile of the formula items: the history's graded and death claimants (wage relative
to the area wage, age, sex, nursing level, separation, dependants), priced per unit area wage
and national income with :func:`actuary.benefits.price_benefits`, and the regional 本人工资
relativity."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from actuary import benefit_items as bi
from actuary.benefits import price_benefits
from actuary.claims.codes import FORMULA_ITEMS, N_OUT, NURSING, OUTCOMES
from actuary.errors import InputError
from actuary.params import ParameterSet

__all__ = [
    "complete_profile",
    "nursing_names",
    "profile_multipliers",
    "sex_code",
    "split_profile",
    "wage_relativity",
]


def sex_code(s: pd.Series) -> np.ndarray:
    x = s.astype(str).str.lower().str[0]
    return np.where(x.isin(["f", "女", "2"]), 1, 0)


def nursing_names(x: pd.Series) -> np.ndarray:
    """Nursing level names from the data codes (0 none, 1 部分 partial, 2 大部分 most, 3 完全
    full; README of the data folder) or from names."""
    codes = {"0": "none", "1": "partial", "2": "most", "3": "full"}
    v = x.fillna(0).astype(str).str.lower().str.replace(".0", "", regex=False)
    out = v.map(lambda t: codes.get(t, t))
    bad = ~out.isin(["none", *NURSING])
    if bad.any():
        raise InputError(
            "nursing must be 0-3 or none/partial/most/full",
            field="nursing",
            rows=[int(i) + 1 for i in np.flatnonzero(bad.to_numpy())],
        )
    return out.to_numpy()


def profile_multipliers(
    profile: pd.DataFrame, parameters: ParameterSet, year: int
) -> dict[str, np.ndarray]:
    """Formula benefits per claim of each outcome, per unit area wage / national income.

    Prices the claimant profile with :func:`actuary.benefits.price_benefits` at a reference
    area wage ``A_ref`` and income ``D_ref``; returns per-claim means divided by them.
    """
    pr = profile
    a_ref = 10000.0
    d_ref = 100000.0
    when = np.datetime64(f"{year}-07-01", "D")
    age_days = (pr["age"].to_numpy() * 365.25).astype("int64").astype("timedelta64[D]")
    birth = when - age_days
    pb = price_benefits(
        pr["outcome"].to_numpy(),
        pr["ratio"].to_numpy() * a_ref,
        a_ref,
        when,
        birth_date=birth,
        retirement_group=pr["group"].to_numpy(),
        nursing=pr["nursing"].to_numpy(),
        leaves_employment=pr["leaves"].to_numpy(),
        n_spouse=pr["n_spouse"].to_numpy(),
        n_other=pr["n_other"].to_numpy(),
        national_income_prev_year=d_ref,
        parameters=parameters,
    )
    fund = pb.fund_paid()
    w = pr["weight"].to_numpy()
    code = pr["code"].to_numpy()
    wsum = np.bincount(code, weights=w, minlength=N_OUT)
    wsum = np.where(wsum > 0, wsum, 1.0)

    def mean(x: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=w * x, minlength=N_OUT) / wsum

    out: dict[str, np.ndarray] = {}
    for item in FORMULA_ITEMS:
        if bi.ITEM_BY_CODE[item].wage_base == bi.NATIONAL_INCOME:
            out[f"{item}_D"] = mean(fund[item]) / d_ref
        else:
            out[item] = mean(fund[item]) / a_ref
    allow = fund["disability_allowance"]
    out["allowance_share"] = mean((allow > 0).astype(float))  # entrants per claim
    out["allowance_amount"] = mean(allow) / a_ref  # monthly, per claim
    for lv, name in enumerate(NURSING, start=1):
        sel = (pr["nursing_code"].to_numpy() == lv).astype(float)
        out[f"nursing_{name}_share"] = mean(sel)
        out[f"nursing_{name}_amount"] = mean(fund["nursing_care"] * sel) / a_ref
    out["survivors_per_death"] = mean(pr["n_dep"].to_numpy(float))
    out["survivor_amount"] = mean(fund["survivor_pension"]) / a_ref  # per death, monthly
    return out


def complete_profile(prof: pd.DataFrame) -> pd.DataFrame:
    """Add a representative claimant for outcomes absent from the history's profile (a small
    portfolio without deaths still prices a major accident's deaths): the profile's median wage
    ratio and age, a man, no nursing, no separation, no dependants."""
    have = set(prof["code"].astype(int)) if len(prof) else set()
    missing = [o for o in range(1, N_OUT) if o not in have]
    if not missing:
        return prof
    ratio = float(prof["ratio"].median()) if len(prof) else 1.0
    age = float(prof["age"].median()) if len(prof) else 40.0
    rows = pd.DataFrame(
        {
            "outcome": [OUTCOMES[o] for o in missing],
            "code": missing,
            "ratio": ratio,
            "age": age,
            "sex_code": 0,
            "nursing": "none",
            "nursing_code": 0,
            "leaves": False,
            "n_dep": 0,
            "n_spouse": 0,
            "n_other": 0,
        }
    )
    return pd.concat([prof, rows], ignore_index=True)


def wage_relativity(
    prof: pd.DataFrame, regions: tuple[str, ...], parameters: ParameterSet
) -> np.ndarray:
    r"""Relativity of the claimants' 本人工资 by region, (region,).

    :math:`k_r = \overline{W/A}_r \,/\, \overline{W/A}` with
    :math:`W/A = \min\{\max(w/A, f), c\}` (条例 art. 64: floor :math:`f` and cap :math:`c`
    of ``benefits.wage_floor_pct`` / ``benefits.wage_cap_pct`` in force in the accident year)
    averaged over the history's graded and death claims of region *r* and of the province. The
    formula items proportional to 本人工资 (:func:`actuary.claims.codes.own_wage_items`,
    伤残津贴, 供养亲属抚恤金) are priced on the province-wide claimant profile times
    :math:`k_r`, so a region whose employers pay more than the pooling area's average wage
    (省本级) gets its own level while the province total is unchanged (the count-weighted mean
    of :math:`k_r` is 1). A region without claims gets 1.
    """
    ay = prof["ay"].to_numpy(int)
    lo = _by_year(parameters, "benefits.wage_floor_pct", ay)
    hi = _by_year(parameters, "benefits.wage_cap_pct", ay)
    x = np.minimum(np.maximum(prof["ratio"].to_numpy(float), lo), hi)
    ok = np.isfinite(x)
    if not ok.any():
        return np.ones(len(regions))
    d = pd.DataFrame({"r": prof["region"].astype(str).to_numpy()[ok], "x": x[ok]})
    by_r = d.groupby("r")["x"].mean().reindex(list(regions))
    return (by_r / d["x"].mean()).fillna(1.0).to_numpy(float)


def _by_year(parameters: ParameterSet, name: str, years: np.ndarray) -> np.ndarray:
    """A scalar parameter on 1 July of each year (its first value for earlier years)."""
    param = parameters[name]
    first = param.first_date
    value = {int(y): float(param.at(max(dt.date(int(y), 7, 1), first))) for y in np.unique(years)}
    return np.array([value[int(y)] for y in years], dtype=float)


def split_profile(prof: pd.DataFrame, female_worker_share: float) -> pd.DataFrame:
    """Claimant profile with retirement groups: women split between workers (original age 50,
    weight ``female_worker_share``) and staff (55)."""
    male = prof[prof["sex_code"] == 0].assign(group="male", weight=1.0)
    fem = prof[prof["sex_code"] == 1]
    fem_w = fem.assign(group="female_worker", weight=female_worker_share)
    fem_s = fem.assign(group="female_staff", weight=1.0 - female_worker_share)
    out = pd.concat([male, fem_w, fem_s], ignore_index=True)
    return out[out["weight"] > 0].reset_index(drop=True)
