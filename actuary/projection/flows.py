"""The fund's roll-forward: a pure function of simulated flows and the rate multipliers.

:class:`FundFlows` holds everything the economic and claims simulations produce for one set of
paths, *before* the contribution rate is applied: contributions at multiplier 1 by path, year,
sub-unit and industry class, benefits by item, the interest rate, the opening balance and the fund
assumptions. :func:`roll_forward` turns them into the fund's items at any multipliers (an array)
or under any :class:`actuary.policy.RateRule`, without re-simulating. The rate solver (issue 7)
re-projects with it.

Model equations (year t, path p, sub-unit r, class c; money in yuan)
--------------------------------------------------------------------
- contributions        C[p,t,r]  = Σ_c K[p,t,r,c] · m[p,t,c]
  where K = covered payroll × base rate(c) × grade-mix factor(r,c) × collection rate
  (+ construction projects: project cost × calibrated project rate, in class ``rate_class``)
- other revenue        O[p,t,r]  = s_o · C[p,t,r]
- benefits             B[p,t,r,k] for k = medical, disability, death (claims model); appraisal A
- prevention           V[p,t,r]  = s_v · C[p,t−1,r]     (s_v ≤ cap, 人社部规〔2017〕13号 art. 5;
  C of the base year from the data for the first year)
- other expenditure    X[p,t,r]  = s_x · Σ_k B[p,t,r,k]
- sub-unit net flow    N = C + O − (ΣB + A + V + X); under 统收统支 a sub-unit remits N ≥ 0 to the
  provincial account (``remittance_to_higher``) or receives −N (``transfer_from_higher``); its
  own balance stays 0. The sub-unit holding the provincial account (``pool_region``, 省本级)
  books the mirror items 下级上解收入 ``remittance_from_lower`` = Σ remittances and 补助下级支出
  ``subsidy_to_lower`` = Σ transfers, the interest, the fiscal subsidy and the balance; all four
  internal items net out to 0 in the consolidated ``"JL"``.
- province (``"JL"``)  R⁰ = Σ_r (C + O) + F_fixed;  E = Σ_r (ΣB + A + V + X)
  interest  I = i[p,t] · max(0, Bal_open + ½(R⁰ − E))   (``mid_year``)  or
            I = i[p,t] · max(0, Bal_open)               (``opening``)
  fiscal subsidy F = F_fixed (+ max(0, −(Bal_open + R⁰ + I − E)) under ``cover_deficit``)
  Bal_close = Bal_open + (R⁰ + I + F − F_fixed) − E
  reserve = clip(ρ · E, 0, max(Bal_close, 0))  (储备金 inside the balance, 人社部发〔2015〕72号)
  months of payment = Bal_close / (E / 12)
- after each year the rate rule sees the province state and sets m[p, t+1, c].
- first year conditioned on its expected outturn (``FundFlows.current_year``, built by
  :mod:`actuary.projection.current_year`): O, V, X and I of that year are multiplied by the
  province factors of :class:`CurrentYear` and the planned fiscal subsidy is its outturn.

Contributions, other revenue and prevention are linear in m, and interest is linear in them
while the balance stays positive: the closed forms of the rate solver rely on this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import xarray as xr

from actuary import dims
from actuary.policy import RateRule, RateState

FloatArray = npt.NDArray[np.float64]

#: Benefit items the claims model supplies, in the order of ``FundFlows.benefits``' last axis.
BENEFIT_GROUPS: tuple[str, ...] = (
    "medical_benefits",
    "disability_benefits",
    "death_benefits",
    "appraisal",
)
ITEM_CODES: tuple[str, ...] = tuple(i.code for i in dims.ALL_ITEMS)
_IX = {code: i for i, code in enumerate(ITEM_CODES)}
#: Items of the consolidated province that are plain sums over sub-units.
_CONSOLIDATED = (*dims.OWN_REVENUE_CODES, *dims.OUTGO_CODES)


@dataclass(frozen=True)
class CurrentYear:
    """How the first projected (current) year is conditioned on its expected outturn.

    Built by :func:`actuary.projection.current_year.condition_current_year` from all paths
    before the roll-forward. The simulated contributions and benefits of the first year are
    already replaced in :class:`FundFlows` (``x' = f·((1 − s)·mean(x) + s·x)`` per sub-unit ×
    item, class by class for contributions); the items :func:`roll_forward` derives are scaled
    here, in the first year only:

    - other revenue ``O = a_O · s_o · C``, prevention ``V = a_V · s_v · C(base year)``, other
      expenditure ``X = a_X · s_x · B`` (one factor for the province, every sub-unit);
    - interest ``I = a_I · i · max(0, …)`` (the usual formula, times ``a_I``);
    - the planned fiscal subsidy of the first year is ``fiscal_subsidy`` (the outturn) instead
      of ``FundFlows.fiscal_subsidy_amount``.

    ``records`` lists, per item and region, the free simulated mean, the expected outturn, their
    ratio and the factor applied (yuan), for the Dataset attrs and the budget workbook.
    """

    year: int
    through_month: int
    dispersion: float
    other_revenue_factor: float = 1.0
    prevention_factor: float = 1.0
    other_expenditure_factor: float = 1.0
    interest_factor: float = 1.0
    fiscal_subsidy: float = 0.0
    records: tuple[dict[str, Any], ...] = ()


#: Dimensions of each array field of :class:`FundFlows`, by name (``actuary.dims``).
FLOW_DIMS: Mapping[str, tuple[str, ...]] = {
    "paths": (dims.PATH,),
    "contributions": (dims.PATH, dims.YEAR, dims.REGION, dims.INDUSTRY),
    "benefits": (dims.PATH, dims.YEAR, dims.REGION, dims.ITEM),
    "interest_rate": (dims.PATH, dims.YEAR),
    "prior_contributions": (dims.REGION,),
    "initial_multiplier": (dims.INDUSTRY,),
    "covered_payroll": (dims.PATH, dims.YEAR, dims.REGION),
    "covered_workers": (dims.PATH, dims.YEAR, dims.REGION),
}


@dataclass(frozen=True)
class FundFlows:
    """Simulated flows of a set of paths, before the rate multiplier is applied.

    A labelled structure: each array field has the dimensions :data:`FLOW_DIMS` declares
    (checked on construction), with coordinates ``paths``, ``years``, ``regions``, ``classes``
    (industry classes) and ``items`` (the benefit items of ``benefits``). Read values by code
    with :meth:`sel` (``flows.sel("benefits", region="SBJ", item="death_benefits")``); turn codes
    into positions with :meth:`index` / :meth:`item` and dimension names into axes with
    :meth:`axis`. Money in yuan (rates as fractions).

    Attributes
    ----------
    years, regions, classes
        Coordinates: projection years, pooling sub-units (not ``"JL"``), industry classes.
    paths
        Global path indices of the rows (``start … stop-1`` of a block, or all paths).
    contributions
        ``(path, year, region, class)``: contribution revenue at multiplier 1 (after collection,
        construction projects included in their class).
    benefits
        ``(path, year, region, item)``: the benefit items ``items`` (default
        :data:`BENEFIT_GROUPS`: medical, disability, death benefits and appraisal).
    interest_rate
        ``(path, year)``: rate earned by the provincial balance.
    opening_balance
        Provincial balance at the start of the first year (closing balance of the base year).
    prior_contributions
        ``(region,)``: contribution revenue of the base year (drives the first year's prevention).
    initial_multiplier
        ``(class,)``: multipliers in force in the first projected year.
    prevention_share, other_revenue_share, other_expenditure_share, reserve_ratio
        Fund assumptions (fractions).
    interest_convention
        ``"mid_year"`` or ``"opening"``.
    fiscal_subsidy_rule, fiscal_subsidy_amount
        ``"none"`` or ``"cover_deficit"``; planned subsidy per year (yuan).
    pool_region
        The sub-unit whose books hold the provincial account (``"SBJ"``, 省本级): its rows carry
        the interest, the fiscal subsidy, the mirror items ``remittance_from_lower`` /
        ``subsidy_to_lower`` and the provincial balance. ``None``: the account appears only in
        ``"JL"``.
    covered_payroll, covered_workers
        ``(path, year, region)``: exposure, carried to the output.
    current_year
        :class:`CurrentYear` when the first year is conditioned on its expected outturn (its
        contributions and benefits in the arrays above are then the conditioned ones).
    items
        Coordinate of the ``item`` dimension of ``benefits`` (benefit item codes).
    """

    #: Dimensions of each array field (:data:`FLOW_DIMS`).
    DIMS: ClassVar[Mapping[str, tuple[str, ...]]] = FLOW_DIMS

    years: tuple[int, ...]
    regions: tuple[str, ...]
    classes: tuple[int, ...]
    paths: npt.NDArray[np.int64]
    contributions: FloatArray
    benefits: FloatArray
    interest_rate: FloatArray
    opening_balance: float
    prior_contributions: FloatArray
    initial_multiplier: FloatArray
    prevention_share: float
    other_revenue_share: float
    other_expenditure_share: float
    reserve_ratio: float
    interest_convention: str = "mid_year"
    fiscal_subsidy_rule: str = "none"
    fiscal_subsidy_amount: float = 0.0
    pool_region: str | None = None
    covered_payroll: FloatArray | None = None
    covered_workers: FloatArray | None = None
    current_year: CurrentYear | None = None
    attrs: dict[str, object] = field(default_factory=dict)
    items: tuple[str, ...] = BENEFIT_GROUPS

    def __post_init__(self) -> None:
        for name, names in self.DIMS.items():
            a = getattr(self, name)
            if a is None:
                continue
            want = tuple(self.size(d) for d in names)
            if np.shape(a) != want:
                raise ValueError(
                    f"FundFlows.{name} has shape {np.shape(a)}; expected ({', '.join(names)}) "
                    f"= {want}"
                )

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.contributions.shape[0])

    def coords(self, dim: str) -> Sequence[Any]:
        """The coordinate of dimension ``dim`` (codes of regions, classes, items; years)."""
        if dim == dims.REGION:
            return self.regions
        if dim == dims.ITEM:
            return self.items
        if dim == dims.INDUSTRY:
            return self.classes
        if dim == dims.YEAR:
            return self.years
        if dim == dims.PATH:
            return [int(p) for p in self.paths]
        raise KeyError(f"FundFlows has no dimension {dim!r}")

    def size(self, dim: str) -> int:
        """Length of dimension ``dim``."""
        return len(self.paths) if dim == dims.PATH else len(self.coords(dim))

    def dims(self, name: str) -> tuple[str, ...]:
        """Dimension names of the array field ``name`` (:data:`FLOW_DIMS`)."""
        return self.DIMS[name]

    def axis(self, name: str, dim: str) -> int:
        """Position of dimension ``dim`` among the axes of the array field ``name``."""
        return self.DIMS[name].index(dim)

    def index(self, dim: str, code: Any) -> int:
        """Position of ``code`` along dimension ``dim`` (a region or item code, class, year)."""
        try:
            return self.coords(dim).index(code)
        except ValueError:
            raise KeyError(f"{code!r} is not a {dim} of these flows") from None

    def item(self, code: str) -> int:
        """Position of the benefit item ``code`` along the ``item`` axis of ``benefits``."""
        return self.index(dims.ITEM, code)

    def sel(self, name: str, **codes: Any) -> Any:
        """The array field ``name`` at the given codes, by dimension name.

        ``flows.sel("benefits", region="SBJ", item="death_benefits")`` → ``(path, year)``.
        A single code drops its dimension (a view); a list of codes keeps it in that order.
        """
        a = getattr(self, name)
        if a is None:
            raise KeyError(f"FundFlows.{name} is absent")
        names = self.DIMS[name]
        key: list[Any] = [slice(None)] * len(names)
        lists: dict[str, list[int]] = {}
        for dim, code in codes.items():
            if dim not in names:
                raise KeyError(f"FundFlows.{name} has no dimension {dim!r} (has {names})")
            if isinstance(code, (list, tuple)):
                lists[dim] = [self.index(dim, c) for c in code]
            else:
                key[names.index(dim)] = self.index(dim, code)
        out = np.asarray(a)[tuple(key)]  # single codes: basic indexing, a view
        kept = [d for d, k in zip(names, key, strict=True) if isinstance(k, slice)]
        for dim, ix in lists.items():  # lists of codes: one axis at a time, order kept
            out = np.take(out, ix, axis=kept.index(dim))
        return out

    def head_years(self, n: int) -> FundFlows:
        """The same flows restricted to the first ``n`` years (every field with a year axis)."""
        import dataclasses

        changes: dict[str, Any] = {"years": tuple(self.years[:n])}
        for name, names in self.DIMS.items():
            a = getattr(self, name)
            if a is not None and dims.YEAR in names:
                key: list[Any] = [slice(None)] * len(names)
                key[names.index(dims.YEAR)] = slice(None, n)
                changes[name] = np.asarray(a)[tuple(key)]
        return dataclasses.replace(self, **changes)


def _multiplier_source(
    flows: FundFlows, rate: RateRule | npt.ArrayLike | None
) -> tuple[Callable[[int, RateState | None], FloatArray], RateRule | None]:
    """Return ``get(t, state) -> (path, class)`` multipliers for year index t."""
    p, y, c = flows.n_paths, len(flows.years), len(flows.classes)
    if rate is None or callable(rate):
        rule = rate if callable(rate) else None
        first = np.broadcast_to(flows.initial_multiplier, (p, c)).astype(np.float64).copy()

        def get_rule(t: int, state: RateState | None) -> FloatArray:
            if t == 0 or state is None:
                return first
            if rule is None:  # keep the initial multipliers
                return state.multiplier.copy()
            m = np.asarray(rule(state), dtype=np.float64)
            try:
                out = np.broadcast_to(m, (p, c)).copy()
            except ValueError:
                raise ValueError(
                    f"rate rule {rule!r} returned shape {m.shape}; expected (path, class) = "
                    f"({p}, {c})"
                ) from None
            if not np.all(np.isfinite(out)) or np.any(out < 0):
                raise ValueError(f"rate rule {rule!r} returned negative or non-finite multipliers")
            return out

        return get_rule, rule  # type: ignore[return-value]
    arr = np.asarray(rate, dtype=np.float64)
    if arr.ndim == 0:
        full = np.full((p, y, c), float(arr))
    elif arr.ndim == 1 and arr.shape == (c,):
        full = np.broadcast_to(arr[None, None, :], (p, y, c)).copy()
    elif arr.ndim == 2 and arr.shape == (y, c):
        full = np.broadcast_to(arr[None, :, :], (p, y, c)).copy()
    elif arr.shape == (p, y, c):
        full = arr
    else:
        raise ValueError(
            f"multipliers must be a scalar, (class,), (year, class) or (path, year, class); "
            f"got shape {arr.shape} for {p} paths, {y} years, {c} classes"
        )
    if not np.all(np.isfinite(full)) or np.any(full < 0):
        raise ValueError("multipliers must be finite and non-negative")

    def get_fixed(t: int, state: RateState | None) -> FloatArray:
        return full[:, t, :]

    return get_fixed, None


def roll_forward(
    flows: FundFlows,
    rate: RateRule | npt.ArrayLike | None = None,
    *,
    check: bool = True,
) -> xr.Dataset:
    """Roll the fund forward year by year at the given multipliers or under a rate rule.

    Parameters
    ----------
    flows
        Simulated flows at multiplier 1.
    rate
        ``None`` (keep ``flows.initial_multiplier``), a :class:`actuary.policy.RateRule` called
        after each year with the province's :class:`actuary.policy.RateState` (first year:
        ``flows.initial_multiplier``), or multipliers for every year: a scalar, ``(class,)``,
        ``(year, class)`` or ``(path, year, class)``.
    check
        Check the invariants (:func:`actuary.projection.checks.check_fund`).

    Returns
    -------
    xr.Dataset
        ``fund`` (path, year, region, item; yuan; region = sub-units + ``"JL"``),
        ``multiplier`` (path, year, industry_class), ``contributions_class`` (path, year,
        industry_class; province contributions by class at the multipliers),
        ``reserve_required`` (path, year), ``fiscal_gap`` (path, year: the top-up a
        ``cover_deficit`` rule pays or would pay), ``interest_rate`` (path, year) and, when
        given, ``covered_payroll`` / ``covered_workers`` (path, year, region).
    """
    get_m, _ = _multiplier_source(flows, rate)
    p, ny, nr = flows.n_paths, len(flows.years), len(flows.regions)
    nc = len(flows.classes)
    out = np.zeros((p, ny, nr + 1, len(ITEM_CODES)), dtype=np.float64)
    mult = np.empty((p, ny, nc))
    contrib_class = np.empty((p, ny, nc))
    reserve_req = np.empty((p, ny))
    gap = np.empty((p, ny))
    prev_c = np.broadcast_to(np.asarray(flows.prior_contributions, np.float64), (p, nr))
    balance = np.full(p, float(flows.opening_balance))
    state: RateState | None = None
    jl = nr
    ix = _IX
    q = None if flows.pool_region is None else flows.index(dims.REGION, flows.pool_region)
    # year-major views of the simulated arrays (no copy), axes found by dimension name:
    # K[t] is (path, region, class) and each benefit item's B[code][t] is (path, region)
    K = np.moveaxis(flows.contributions, flows.axis("contributions", dims.YEAR), 0)
    ben = np.moveaxis(flows.benefits, flows.axis("benefits", dims.YEAR), 0)
    ben = np.moveaxis(ben, flows.axis("benefits", dims.ITEM), 0)  # (item, year, path, region)
    B = {code: ben[flows.item(code)] for code in flows.items}
    B_med, B_dis, B_death = B["medical_benefits"], B["disability_benefits"], B["death_benefits"]
    B_app = B["appraisal"]
    rate_by_year = np.moveaxis(flows.interest_rate, flows.axis("interest_rate", dims.YEAR), 0)
    for t, year in enumerate(flows.years):
        m = get_m(t, state)
        mult[:, t] = m
        k = K[t]  # (p, r, c)
        by_class = k * m[:, None, :]
        contrib_class[:, t] = by_class.sum(axis=1)
        c_r = by_class.sum(axis=2)  # (p, r)
        o_r = flows.other_revenue_share * c_r
        ben_r = B_med[t] + B_dis[t] + B_death[t]
        v_r = flows.prevention_share * prev_c
        x_r = flows.other_expenditure_share * ben_r
        cy = flows.current_year if t == 0 else None
        fixed = flows.fiscal_subsidy_amount
        if cy is not None:  # the current year conditioned on its expected outturn
            o_r = cy.other_revenue_factor * o_r
            v_r = cy.prevention_factor * v_r
            x_r = cy.other_expenditure_factor * x_r
            fixed = cy.fiscal_subsidy
        own_rev = c_r + o_r
        own_exp = ben_r + B_app[t] + v_r + x_r
        net = own_rev - own_exp
        rem = np.maximum(net, 0.0)
        tra = np.maximum(-net, 0.0)
        if q is not None:  # the pooled account's own employers do not remit to themselves
            rem[:, q] = 0.0
            tra[:, q] = 0.0

        o = out[:, t]
        o[:, :nr, ix["contributions"]] = c_r
        o[:, :nr, ix["other_revenue"]] = o_r
        o[:, :nr, ix["transfer_from_higher"]] = tra
        for code, b_k in B.items():
            o[:, :nr, ix[code]] = b_k[t]
        o[:, :nr, ix["prevention"]] = v_r
        o[:, :nr, ix["other_expenditure"]] = x_r
        o[:, :nr, ix["remittance_to_higher"]] = rem
        o[:, :nr, ix["revenue_total"]] = own_rev + tra
        o[:, :nr, ix["expenditure_total"]] = own_exp + rem
        # sub-unit balances stay 0 under 统收统支; months of payment are a province figure
        o[:, :nr, ix["months_of_payment"]] = np.nan

        # the provincial account: interest, fiscal subsidy, balance
        rev0 = own_rev.sum(axis=1) + fixed
        exp = own_exp.sum(axis=1)
        r = rate_by_year[t]
        if flows.interest_convention == "mid_year":
            interest = r * np.maximum(0.0, balance + 0.5 * (rev0 - exp))
        else:
            interest = r * np.maximum(0.0, balance)
        if cy is not None:
            interest = cy.interest_factor * interest
        pre = balance + rev0 + interest - exp
        gap[:, t] = np.maximum(0.0, -pre)
        fiscal = np.full(p, fixed)
        if flows.fiscal_subsidy_rule == "cover_deficit":
            fiscal = fiscal + gap[:, t]
        rev = rev0 - fixed + fiscal + interest
        close = balance + rev - exp
        reserve_req[:, t] = flows.reserve_ratio * exp
        reserve = np.clip(reserve_req[:, t], 0.0, np.maximum(close, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            months = np.where(exp > 0, close / (exp / 12.0), np.inf)
        if q is not None:  # the sub-unit that holds the provincial account (省本级)
            rfl, stl = rem.sum(axis=1), tra.sum(axis=1)
            o[:, q, ix["interest"]] = interest
            o[:, q, ix["fiscal_subsidy"]] = fiscal
            o[:, q, ix["remittance_from_lower"]] = rfl
            o[:, q, ix["subsidy_to_lower"]] = stl
            o[:, q, ix["revenue_total"]] = own_rev[:, q] + interest + fiscal + rfl
            o[:, q, ix["expenditure_total"]] = own_exp[:, q] + stl
            o[:, q, ix["balance_open"]] = balance
            o[:, q, ix["balance_close"]] = close
            o[:, q, ix["reserve"]] = reserve

        # consolidated province: sums of own flows; internal flows eliminated
        for code in _CONSOLIDATED:
            o[:, jl, ix[code]] = o[:, :nr, ix[code]].sum(axis=1)
        o[:, jl, ix["interest"]] = interest
        o[:, jl, ix["fiscal_subsidy"]] = fiscal
        o[:, jl, ix["revenue_total"]] = rev
        o[:, jl, ix["expenditure_total"]] = exp
        o[:, jl, ix["balance_open"]] = balance
        o[:, jl, ix["balance_close"]] = close
        o[:, jl, ix["reserve"]] = reserve
        o[:, jl, ix["months_of_payment"]] = months

        state = RateState(
            year=year,
            months_of_payment=months,
            balance_close=close,
            reserve=reserve,
            expenditure_total=exp,
            contributions=o[:, jl, ix["contributions"]].copy(),
            multiplier=m.copy(),
        )
        balance = close
        prev_c = c_r

    regions = (*flows.regions, dims.PROVINCE)
    coords = {
        dims.PATH: flows.paths,
        dims.YEAR: np.asarray(flows.years, dtype=np.int64),
        dims.REGION: np.asarray(regions, dtype=object),
        dims.ITEM: np.asarray(ITEM_CODES, dtype=object),
        dims.INDUSTRY: np.asarray(flows.classes, dtype=np.int64),
    }
    data_vars: dict[str, tuple[tuple[str, ...], np.ndarray]] = {
        "fund": ((dims.PATH, dims.YEAR, dims.REGION, dims.ITEM), out),
        "multiplier": ((dims.PATH, dims.YEAR, dims.INDUSTRY), mult),
        "contributions_class": ((dims.PATH, dims.YEAR, dims.INDUSTRY), contrib_class),
        "reserve_required": ((dims.PATH, dims.YEAR), reserve_req),
        "fiscal_gap": ((dims.PATH, dims.YEAR), gap),
        "interest_rate": ((dims.PATH, dims.YEAR), np.asarray(flows.interest_rate)),
    }
    if flows.covered_payroll is not None:
        data_vars["covered_payroll"] = (
            (dims.PATH, dims.YEAR, dims.REGION),
            _with_total(flows.covered_payroll),
        )
    if flows.covered_workers is not None:
        data_vars["covered_workers"] = (
            (dims.PATH, dims.YEAR, dims.REGION),
            _with_total(flows.covered_workers),
        )
    ds = xr.Dataset(data_vars, coords=coords)
    ds["fund"].attrs.update(units="yuan (months for months_of_payment)")
    ds["multiplier"].attrs.update(units="multiplier of the base-rate schedule")
    ds["contributions_class"].attrs.update(units="yuan")
    ds["reserve_required"].attrs.update(units="yuan")
    ds["fiscal_gap"].attrs.update(units="yuan")
    ds["interest_rate"].attrs.update(units="1/year")
    if check:
        from actuary.projection.checks import check_fund

        check_fund(ds)
    return ds


def _with_total(a: FloatArray) -> FloatArray:
    """Append the province total along the last (region) axis."""
    return np.concatenate([a, a.sum(axis=-1, keepdims=True)], axis=-1)
