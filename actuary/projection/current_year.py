"""The current year conditioned on its executed months (``current_year.*`` of the fund file).

The projection starts in the current year (e.g. 2026) from the base year's closing balance, but
by the time the budget is drafted M months of that year are executed
(``execution_monthly.csv``). The budget shows the current year's *expected outturn*
(:func:`actuary.outturn.expected_outturn`: actuals through month M + a seasonal forecast of
the rest), and the budget year must open from the balance that outturn implies. So, when
``current_year.condition_on_outturn`` is true and M ≥ 1, the first projected year is
conditioned on the outturn **before the roll-forward**:

- per sub-unit r and simulated item k (contributions, medical, disability, death benefits,
  appraisal), with the outturn ``Y[r,k]`` and ``x̄`` the mean over **all** paths::

      x'[p] = f · ((1 − s) · x̄ + s · x[p]),      f = Y[r,k] / x̄[r,k]

  so ``mean(x') = Y`` exactly and each path keeps its relative deviation ``x/x̄ − 1``, shrunk
  by ``s = (12 − M)/12`` (``current_year.dispersion = "remaining_share"``: the executed months
  are known, the rest carries the simulated uncertainty) or not (``"simulated"``, s = 1).
  Contributions are transformed class by class at multiplier 1 (``K``), with
  ``f = Y / Σ_c K̄_c m0_c``, so they stay linear in the rate multipliers;
- the province's derived items are scaled by one factor each so that their means equal the
  province's outturn: other revenue (``s_o · C``), prevention (``s_v · C`` of the base year),
  other expenditure (``s_x · B``), interest (the roll-forward's formula on the conditioned
  flows); the planned fiscal subsidy of the year becomes its outturn.

The roll-forward then runs as usual (:func:`actuary.projection.flows.roll_forward`), so the
balance identity, interest, the prevention cap, consolidation and every engine check hold by
construction, and the mean closing balance of the current year equals
``balance(base year) + Σ outturn revenue − Σ outturn expenditure``, the expected closing balance
the budget table shows (exactly, up to float rounding; under ``fiscal_subsidy.rule =
"cover_deficit"`` only when no path needs a top-up in the current year).

**Block invariance.** The means ``x̄`` are taken over all paths after every block is simulated
and before any is rolled forward (a second pass in the main process), in path order; each
path's transform uses only these global constants. One process, a process pool and a dask
cluster therefore give identical bits.

The expected outturn by region × item is computed here (:func:`expected_by_region`) and used by
both the engine and the budget draft, so both see the same numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from actuary import dims
from actuary.errors import InputError
from actuary.projection.flows import (
    BENEFIT_GROUPS,
    ITEM_CODES,
    CurrentYear,
    FundFlows,
    roll_forward,
)

if TYPE_CHECKING:
    from actuary.data import ProvinceData

__all__ = [
    "CONDITIONED_ITEMS",
    "actual_by_region",
    "condition_current_year",
    "dispersion_share",
    "executed_months",
    "execution",
    "expected_by_region",
    "item_totals",
]

#: Items whose current-year mean is set to the expected outturn.
CONDITIONED_ITEMS: tuple[str, ...] = (
    "contributions",
    "other_revenue",
    "interest",
    "fiscal_subsidy",
    *BENEFIT_GROUPS,
    "prevention",
    "other_expenditure",
)
_FLOW_CODES = (*dims.REVENUE_CODES, *dims.EXPENDITURE_CODES)


def execution(data: ProvinceData) -> pd.DataFrame:
    """``execution_monthly`` of a loaded province, region codes as strings."""
    ex = data.table("execution_monthly").copy()
    ex["region"] = ex["region"].astype(str)
    return ex


def executed_months(ex: pd.DataFrame, year: int) -> int:
    """Last month of ``year`` present in the execution table (0 when none)."""
    months = ex.loc[ex["year"] == year, "month"]
    return int(months.max()) if len(months) else 0


def item_totals(items: pd.Series) -> pd.Series:
    """Fill ``revenue_total`` / ``expenditure_total`` of a Series of item amounts."""
    s = items.copy()
    s["revenue_total"] = s[list(dims.REVENUE_CODES)].sum()
    s["expenditure_total"] = s[list(dims.EXPENDITURE_CODES)].sum()
    return s


def actual_by_region(
    ex: pd.DataFrame, year: int, months: Sequence[int] | None = None
) -> dict[str, pd.Series]:
    """Item amounts by region from monthly execution (yuan); ``"JL"`` consolidated."""
    e = ex[ex["year"] == year]
    if months is not None:
        e = e[e["month"].isin(list(months))]
    g = e.groupby(["region", "item"])["amount"].sum()
    flow_codes = list(_FLOW_CODES)
    out: dict[str, pd.Series] = {}
    for r in dims.REGION_CODES:
        s = g[r] if r in g.index.get_level_values(0) else pd.Series(dtype=float)
        out[r] = item_totals(s.reindex(flow_codes, fill_value=0.0).astype(float))
    jl = g.groupby(level="item").sum().reindex(flow_codes, fill_value=0.0).astype(float)
    for code in dims.INTERNAL_FLOW_CODES:
        jl[code] = 0.0
    out[dims.PROVINCE] = item_totals(jl)
    return out


def expected_by_region(
    ex: pd.DataFrame, current: int, prior_year: int
) -> tuple[dict[str, pd.Series], int]:
    """Expected outturn of ``current`` by region and item (yuan) and the last executed month.

    :func:`actuary.outturn.expected_outturn` on the months executed so far. An item a
    sub-unit recorded neither in ``prior_year`` nor so far this year stays at 0 (a seasonal model
    fitted on older years, e.g. before 统收统支, would otherwise invent it). ``"JL"`` = Σ
    sub-units with the internal flows eliminated.
    """
    from actuary.outturn import expected_outturn

    flow_codes = list(_FLOW_CODES)
    through = executed_months(ex, current)
    prior = actual_by_region(ex, prior_year)
    eo = expected_outturn(ex, current, through if through else None)
    eo = eo.assign(region=eo["region"].astype(str))
    done = actual_by_region(ex, current)
    out: dict[str, pd.Series] = {}
    for r in dims.REGION_CODES:
        s = eo[eo["region"] == r].set_index("item")["expected"]
        s = s.reindex(flow_codes, fill_value=0.0).astype(float)
        dormant = (prior[r].reindex(flow_codes) == 0) & (done[r].reindex(flow_codes) == 0)
        s[dormant] = 0.0
        out[r] = item_totals(s)
    jl = sum((out[r][flow_codes] for r in dims.REGION_CODES), pd.Series(0.0, flow_codes))
    for code in dims.INTERNAL_FLOW_CODES:
        jl[code] = 0.0
    out[dims.PROVINCE] = item_totals(jl)
    return out, through


def dispersion_share(kind: str, through_month: int) -> float:
    """``s`` of the module docstring: (12 − M)/12 for ``"remaining_share"``, 1 otherwise."""
    if kind == "remaining_share":
        return (12 - min(max(through_month, 0), 12)) / 12.0
    return 1.0


def _first_year(f: FundFlows) -> FundFlows:
    return f.head_years(1)


def _year0_means(parts: Sequence[FundFlows]) -> np.ndarray:
    """Mean over all paths of the first year's items, ``(region + JL, item)`` (yuan)."""
    rolled = [
        np.asarray(roll_forward(_first_year(f), None, check=False)["fund"].values)[:, 0]
        for f in parts
    ]
    return np.concatenate(rolled, axis=0).mean(axis=0)  # type: ignore[no-any-return]


def _ratio(target: float, mean: float, what: str, file: str, region: str) -> float:
    if mean > 0:
        return target / mean
    if target == 0:
        return 0.0
    raise InputError(
        f"cannot condition {what} of {region} on its expected outturn ({target:,.0f} yuan): the "
        "simulated mean is 0 (set the item's share or switch the conditioning off)",
        file=file or None,
        field="current_year.condition_on_outturn",
    )


def condition_current_year(
    parts: Sequence[FundFlows],
    outturn: Mapping[str, pd.Series],
    *,
    year: int,
    through_month: int,
    dispersion: str,
    file: str = "",
) -> list[FundFlows]:
    """Condition the first year of every block on the expected outturn (see the module docs).

    Parameters
    ----------
    parts
        The simulated flows of **all** blocks of one scenario, in block order (rate multiplier
        1; first year = ``year``).
    outturn
        :func:`expected_by_region` (yuan by region and item).
    year, through_month
        The current year and its last executed month.
    dispersion
        ``current_year.dispersion``.
    file
        The fund assumption file (named in errors).

    Returns
    -------
    list of FundFlows
        The same blocks with the first year's contributions and benefits conditioned and
        :attr:`FundFlows.current_year` set; later years are unchanged.
    """
    first = parts[0]
    if first.years[0] != year:
        raise ValueError(f"the projection starts in {first.years[0]}, not the current year {year}")
    regions = first.regions
    nr = len(regions)
    s = dispersion_share(dispersion, through_month)
    ix = {c: i for i, c in enumerate(ITEM_CODES)}
    free = _year0_means(parts)  # (region + JL, item)

    # simulated items per sub-unit: contributions (class by class, at multiplier 1) and benefits
    y0 = first.years[0]
    # the first year's simulated items, (path, region, class) and (path, region, item) with the
    # benefit items in BENEFIT_GROUPS order
    k0 = np.concatenate([f.sel("contributions", year=y0) for f in parts], axis=0)
    b0 = np.concatenate(
        [f.sel("benefits", year=y0, item=list(BENEFIT_GROUPS)) for f in parts], axis=0
    )
    k_bar = k0.mean(axis=0)
    b_bar = b0.mean(axis=0)
    m0 = np.asarray(first.initial_multiplier, np.float64)
    c_bar = k_bar @ m0
    f_c = np.array(
        [
            _ratio(float(outturn[r]["contributions"]), float(c_bar[i]), "contributions", file, r)
            for i, r in enumerate(regions)
        ]
    )
    f_b = np.array(
        [
            [
                _ratio(float(outturn[r][code]), float(b_bar[i, j]), code, file, r)
                for j, code in enumerate(BENEFIT_GROUPS)
            ]
            for i, r in enumerate(regions)
        ]
    )
    # an item simulated as 0 everywhere in a sub-unit that has an outturn cannot be scaled:
    # _ratio refused it above; f = 0 where the outturn is 0
    k_fix = f_c[:, None] * (1.0 - s) * k_bar  # (r, c)
    b_fix = f_b * (1.0 - s) * b_bar  # (r, 4)
    k_slope = f_c[:, None] * s
    b_slope = f_b * s

    def conditioned(f: FundFlows, cy: CurrentYear) -> FundFlows:
        k = f.contributions.copy()
        b = f.benefits.copy()
        ky = f.axis("contributions", dims.YEAR)
        by = f.axis("benefits", dims.YEAR)
        t0 = f.index(dims.YEAR, y0)
        first_k = (slice(None),) * ky + (t0,)
        first_b = (slice(None),) * by + (t0,)
        order = [f.item(code) for code in BENEFIT_GROUPS]
        k[first_k] = k_fix[None] + k_slope[None] * f.sel("contributions", year=y0)
        b0_f = f.sel("benefits", year=y0, item=list(BENEFIT_GROUPS))
        bb = b[first_b]  # (path, r, item) view of the first year
        bb[..., order] = b_fix[None] + b_slope[None] * b0_f
        return dataclasses.replace(f, contributions=k, benefits=b, current_year=cy)

    jl = dict(outturn[dims.PROVINCE])
    base = CurrentYear(
        year=year,
        through_month=through_month,
        dispersion=s,
        fiscal_subsidy=float(jl["fiscal_subsidy"]),
    )
    # province factors of the derived items, on the conditioned contributions and benefits
    step = _year0_means([conditioned(f, base) for f in parts])[nr]
    g = {
        code: _ratio(float(jl[code]), float(step[ix[code]]), code, file, dims.PROVINCE)
        for code in ("other_revenue", "prevention", "other_expenditure")
    }
    base = dataclasses.replace(
        base,
        other_revenue_factor=g["other_revenue"],
        prevention_factor=g["prevention"],
        other_expenditure_factor=g["other_expenditure"],
    )
    # interest on the conditioned flows (it depends on all of them), then its factor
    step = _year0_means([conditioned(f, base) for f in parts])[nr]
    a_i = _ratio(float(jl["interest"]), float(step[ix["interest"]]), "interest", file, "JL")

    records: list[dict[str, Any]] = []

    def rec(item: str, region: str, factor: float) -> None:
        ri = nr if region == dims.PROVINCE else first.index(dims.REGION, region)
        sim = float(free[ri, ix[item]])
        out = float(outturn[region][item])
        records.append(
            {
                "item": item,
                "region": region,
                "simulated": sim,
                "outturn": out,
                "ratio": out / sim if sim != 0 else float("nan"),
                "factor": factor,
            }
        )

    for i, r in enumerate(regions):
        rec("contributions", r, float(f_c[i]))
        for j, code in enumerate(BENEFIT_GROUPS):
            rec(code, r, float(f_b[i, j]))
    for code in ("contributions", *BENEFIT_GROUPS):
        rec(code, dims.PROVINCE, float("nan"))
    for code in ("other_revenue", "prevention", "other_expenditure"):
        rec(code, dims.PROVINCE, g[code])
    rec("interest", dims.PROVINCE, a_i)
    rec("fiscal_subsidy", dims.PROVINCE, float("nan"))
    cy = dataclasses.replace(base, interest_factor=a_i, records=tuple(records))
    return [conditioned(f, cy) for f in parts]
