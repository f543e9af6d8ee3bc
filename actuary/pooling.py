"""What provincial pooling buys (负担均衡, 抗风险能力) and what gap sharing (缺口分担) costs.

Both work on the per-region flows of one projection (a :func:`actuary.projection.roll_forward`
dataset, or one scenario of :attr:`actuary.projection.Projection.data`), without re-simulating.

Net flows
---------
A sub-unit's own net flow in year ``t`` (before any transfer) is
``N_r = contributions + other revenue − (benefits + appraisal + prevention + other
expenditure)``; under 统收统支 it is remitted to (or drawn from) the provincial account, so the
pooled fund's net flow is ``N = Σ_r N_r`` (internal flows net out).

Pooling benefit
---------------
A fund starting from reserve ``R`` with interest rate ``i_t`` and flows arriving mid-year has
``Bal_t = R·D_t + S_t``, ``D_t = Π_{u≤t}(1 + i_u)``, ``S_t = (1 + i_t)·S_{t−1} +
(1 + i_t/2)·N_t`` (the engine's ``mid_year`` convention while the balance is positive). It stays
out of deficit over the horizon iff ``R ≥ R* = max(0, max_t(−S_t / D_t))``: the reserve a path
needs is a closed form, and the reserve needed for a probability of deficit ``ε`` is the
``1 − ε`` quantile of ``R*`` across paths. Computed for each region *standalone* (its own
``N_r``) and for the *pool* (``Σ_r N_r``):

- reserve needed for the same probability of deficit: ``Σ_r R_r(ε)`` vs ``R_pool(ε)``;
- probability of deficit at the same reserve: the pool's reserve ``R`` (default: the actual
  opening balance) split among the regions in proportion to their standalone needs at ``ε``
  (or to their expenditure), vs ``P(R*_pool > R)``.

Gap sharing
-----------
The pooled fund is rolled forward with a top-up whenever the closing balance falls below a
floor (0, or the required reserve ``ρ·E``): the top-up ``G_t`` is the deficit the governments
must cover (工伤保险条例 art. 13: the government advances; 社会保险法 art. 65: subsidies). A
:class:`GapSharingRule` splits it: the province pays ``s_p·G_t``; the regions pay
``(1 − s_p)·G_t`` in proportion to a basis — by default each region's collection shortfall
``max(0, budget_r − C_r)`` against its collection budget (the central projected contributions,
or a budget the caller passes), falling back to shares of expenditure when no region is short.
Jilin's own formula (吉政发〔2020〕20号 "建立各级政府对工伤保险的工作责任分担机制") is not public:
the rule's parameters are assumptions and reported as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from actuary import dims
from actuary.errors import InputError
from actuary.output.units import to_wan
from actuary.projection.series import province_series
from actuary.spec.gap_sharing import GapSharingRule

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "GapSharingRule",
    "PoolingResult",
    "gap_sharing",
    "pooling_benefit",
    "region_net_flows",
]

_OWN_REVENUE = dims.OWN_REVENUE_CODES
_OWN_EXPENDITURE = dims.OUTGO_CODES


def _single(ds: xr.Dataset, scenario: str | None) -> xr.Dataset:
    if dims.SCENARIO in ds.dims:
        if scenario is None:
            scenario = str(ds[dims.SCENARIO].values[0])
        ds = ds.sel({dims.SCENARIO: scenario})
    return ds


def region_net_flows(ds: xr.Dataset, scenario: str | None = None) -> dict[str, Any]:
    """Per-region own flows ``(path, year, region)`` of a projection (sub-units only, yuan).

    Returns a dict with ``regions``, ``years``, ``contributions``, ``expenditure`` (own, before
    transfers), ``net`` (= own revenue − own expenditure), ``interest_rate`` (path, year) and
    ``opening_balance`` (path,: the province's balance at the start of the first year).
    """
    ds = _single(ds, scenario)
    fund = ds["fund"]
    regions = [str(r) for r in fund[dims.REGION].values if str(r) != dims.PROVINCE]
    sub = fund.sel({dims.REGION: regions}).transpose(dims.PATH, dims.YEAR, dims.REGION, dims.ITEM)

    def total(codes: tuple[str, ...]) -> FloatArray:
        return np.asarray(sub.sel({dims.ITEM: list(codes)}).sum(dims.ITEM).values, float)

    rev = total(_OWN_REVENUE)
    exp = total(_OWN_EXPENDITURE)
    return {
        "regions": regions,
        "years": [int(y) for y in ds[dims.YEAR].values],
        "contributions": np.asarray(sub.sel({dims.ITEM: "contributions"}).values, float),
        "expenditure": exp,
        "net": rev - exp,
        "interest_rate": np.asarray(ds["interest_rate"].transpose(dims.PATH, dims.YEAR).values),
        "opening_balance": province_series(ds, "balance_open")[:, 0],
        "reserve_required": np.asarray(
            ds["reserve_required"].transpose(dims.PATH, dims.YEAR).values, float
        ),
    }


def _needed_reserve(net: FloatArray, rate: FloatArray) -> FloatArray:
    """``R* = max(0, max_t −S_t/D_t)`` per path (and region): ``net`` is ``(path, year, ...)``."""
    extra = net.ndim - rate.ndim
    r = rate.reshape(rate.shape + (1,) * extra)
    s = np.zeros_like(net[:, 0])
    d = np.ones_like(s)
    need = np.zeros_like(s)
    for t in range(net.shape[1]):
        s = (1 + r[:, t]) * s + (1 + r[:, t] / 2) * net[:, t]
        d = d * (1 + r[:, t])
        need = np.maximum(need, -s / d)
    return need


def _q_up(a: FloatArray, q: float) -> FloatArray:
    """Inverted-CDF quantile along axis 0 (smallest v with F(v) ≥ q)."""
    srt = np.sort(a, axis=0)
    k = max(math.ceil(q * srt.shape[0] - 1e-12) - 1, 0)
    return np.asarray(srt[k])


@dataclass
class PoolingResult:
    """Standalone vs pooled reserve needs and deficit probabilities."""

    reserve_needed: pd.DataFrame  # per ε: each region standalone, their sum, the pool
    deficit_at_same_reserve: pd.DataFrame  # per region: reserve share, P(deficit) standalone
    summary: dict[str, float]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables for CSV / Excel."""
        return {
            "pooling_reserve_needed": self.reserve_needed,
            "pooling_deficit_probability": self.deficit_at_same_reserve,
        }


def pooling_benefit(
    ds: xr.Dataset,
    *,
    scenario: str | None = None,
    years: tuple[int, ...] | None = None,
    deficit_probabilities: tuple[float, ...] = (0.01, 0.05, 0.10),
    reserve: float | None = None,
    split: str = "need",
) -> PoolingResult:
    """Each region standalone vs the provincial pool (see the module docstring).

    Parameters
    ----------
    ds
        A projection dataset (``fund``, ``interest_rate``, ``reserve_required``).
    years
        Years of the horizon (default all projection years).
    deficit_probabilities
        Probabilities of deficit ``ε`` at which the needed reserves are compared.
    reserve
        The pool's reserve for the "same reserve" comparison (yuan); default the mean opening
        balance of the projection.
    split
        How that reserve is split among standalone regions: ``"need"`` (in proportion to their
        standalone needs at the middle ``ε``) or ``"expenditure"`` (to their expenditure).
    """
    if split not in ("need", "expenditure"):
        raise InputError("split must be 'need' or 'expenditure'", field="split")
    f = region_net_flows(ds, scenario)
    sel = [f["years"].index(y) for y in (years or f["years"])]
    net = f["net"][:, sel]
    rate = f["interest_rate"][:, sel]
    need_r = _needed_reserve(net, rate)  # (path, region)
    need_p = _needed_reserve(net.sum(axis=2), rate)  # (path,)
    regions = f["regions"]
    rows = []
    for eps in deficit_probabilities:
        per = _q_up(need_r, 1 - eps)
        pool = float(_q_up(need_p, 1 - eps))
        row: dict[str, Any] = {"deficit_probability": eps}
        for r, v in zip(regions, per, strict=True):
            row[f"standalone_{r}_wan"] = to_wan(float(v))
        row["standalone_total_wan"] = to_wan(float(per.sum()))
        row["pooled_wan"] = to_wan(pool)
        row["pooling_saving_wan"] = to_wan(float(per.sum()) - pool)
        row["pooling_saving_share"] = 1 - pool / per.sum() if per.sum() > 0 else float("nan")
        rows.append(row)
    r_pool = float(np.mean(f["opening_balance"])) if reserve is None else float(reserve)
    mid = deficit_probabilities[len(deficit_probabilities) // 2]
    if split == "need":
        w = _q_up(need_r, 1 - mid)
        if w.sum() <= 0:
            w = f["expenditure"][:, sel].mean(axis=(0, 1))
    else:
        w = f["expenditure"][:, sel].mean(axis=(0, 1))
    shares = w / w.sum()
    r_reg = r_pool * shares
    in_def = need_r > r_reg[None, :]
    p_pool = float(np.mean(need_p > r_pool))
    drows = [
        {
            "region": r,
            "name_zh": dims.REGION_BY_CODE[r].name_zh if r in dims.REGION_BY_CODE else r,
            "reserve_share": float(sh),
            "reserve_wan": to_wan(float(rr)),
            "prob_deficit_standalone": float(in_def[:, j].mean()),
        }
        for j, (r, sh, rr) in enumerate(zip(regions, shares, r_reg, strict=True))
    ]
    drows.append(
        {
            "region": dims.PROVINCE,
            "name_zh": "全省统筹（统收统支）",
            "reserve_share": 1.0,
            "reserve_wan": to_wan(r_pool),
            "prob_deficit_standalone": p_pool,
        }
    )
    summary = {
        "reserve_wan": to_wan(r_pool),
        "prob_deficit_pooled": p_pool,
        "prob_any_region_deficit_standalone": float(in_def.any(axis=1).mean()),
        "expected_regions_in_deficit_standalone": float(in_def.sum(axis=1).mean()),
        "deficit_probability_for_reserve_comparison": mid,
    }
    return PoolingResult(pd.DataFrame(rows), pd.DataFrame(drows), summary)


# --- gap sharing -------------------------------------------------------------------------------

def _weights(basis: str, f: dict[str, Any], budget: FloatArray) -> FloatArray:
    if basis == "collection_shortfall":
        return np.maximum(budget[None] - f["contributions"], 0.0)
    if basis == "expenditure":
        return np.asarray(f["expenditure"])
    if basis == "contributions":
        return np.asarray(f["contributions"])
    return np.maximum(-f["net"], 0.0)


def gap_sharing(
    ds: xr.Dataset,
    rule: GapSharingRule | None = None,
    *,
    scenario: str | None = None,
    collection_budget: FloatArray | None = None,
    years: tuple[int, ...] | None = None,
) -> dict[str, pd.DataFrame]:
    """Split the pooled fund's simulated deficits between the province and the regions.

    Parameters
    ----------
    ds
        A projection dataset.
    rule
        The sharing rule (default :class:`GapSharingRule` ()).
    collection_budget
        ``(year, region)`` collection budget (yuan); default the mean projected contributions
        of each region and year (the central value a budget draft would carry).
    years
        Years to report (default all).

    Returns
    -------
    dict
        ``gap_by_region``: per region (and the province's own share, ``"JL"``), expected and
        P95 total burden over the years (万元), probability of paying anything, share of the
        expected total; ``gap_by_year``: per year, probability of a deficit and expected / P95
        deficit (万元).
    """
    rule = rule or GapSharingRule()
    rule.validate()
    f = region_net_flows(ds, scenario)
    budget = (
        f["contributions"].mean(axis=0)
        if collection_budget is None
        else np.asarray(collection_budget, float)
    )
    if budget.shape != f["contributions"].shape[1:]:
        raise InputError(
            f"collection budget must have shape (year, region) = {f['contributions'].shape[1:]}",
            field="collection_budget",
        )
    net = f["net"].sum(axis=2)
    rate = f["interest_rate"]
    n_p, n_y = net.shape
    bal = f["opening_balance"].copy()
    gap = np.zeros((n_p, n_y))
    for t in range(n_y):
        bal = (1 + rate[:, t]) * bal + (1 + rate[:, t] / 2) * net[:, t]
        floor = f["reserve_required"][:, t] if rule.floor == "reserve" else 0.0
        gap[:, t] = np.maximum(floor - bal, 0.0)
        bal = bal + gap[:, t]
    w = _weights(rule.basis, f, budget)
    wf = _weights(rule.fallback, f, budget)
    tot = w.sum(axis=2, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)
    totf = wf.sum(axis=2, keepdims=True)
    wf = np.where(totf > 0, wf / np.where(totf > 0, totf, 1.0), 1.0 / wf.shape[2])
    w = np.where(tot > 0, w, wf)
    regional = (1 - rule.province_share) * gap[:, :, None] * w  # (path, year, region)
    provincial = rule.province_share * gap
    sel = [f["years"].index(y) for y in (years or f["years"])]
    reg_tot = regional[:, sel].sum(axis=1)
    prov_tot = provincial[:, sel].sum(axis=1)
    grand = float(reg_tot.sum(axis=1).mean() + prov_tot.mean())
    rows = []
    for j, r in enumerate(f["regions"]):
        x = reg_tot[:, j]
        rows.append(
            {
                "region": r,
                "name_zh": dims.REGION_BY_CODE[r].name_zh if r in dims.REGION_BY_CODE else r,
                "expected_burden_wan": to_wan(float(x.mean())),
                "p95_burden_wan": to_wan(float(np.quantile(x, 0.95))),
                "prob_pays": float(np.mean(x > 0)),
                "share_of_expected": float(x.mean()) / grand if grand > 0 else 0.0,
            }
        )
    rows.append(
        {
            "region": dims.PROVINCE,
            "name_zh": "省级财政",
            "expected_burden_wan": to_wan(float(prov_tot.mean())),
            "p95_burden_wan": to_wan(float(np.quantile(prov_tot, 0.95))),
            "prob_pays": float(np.mean(prov_tot > 0)),
            "share_of_expected": float(prov_tot.mean()) / grand if grand > 0 else 0.0,
        }
    )
    yrows = [
        {
            "year": f["years"][t],
            "prob_deficit": float(np.mean(gap[:, t] > 0)),
            "expected_gap_wan": to_wan(float(gap[:, t].mean())),
            "p95_gap_wan": to_wan(float(np.quantile(gap[:, t], 0.95))),
        }
        for t in sel
    ]
    return {"gap_by_region": pd.DataFrame(rows), "gap_by_year": pd.DataFrame(yrows)}
