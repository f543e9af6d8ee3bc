"""Contribution-rate solver under 以支定收、收支平衡 (工伤保险条例 art. 8).

The question "which rate schedule?" is answered on the simulated flows of a projection
(:class:`actuary.projection.flows.FundFlows`) without re-simulating anything: contributions are
linear in the rate multiplier, and the balance roll-forward is linear in contributions (interest
included while the balance stays positive), so every fund quantity the targets use is an affine
function of the multipliers on each path.

Instruments
-----------
``uniform``
    One multiplier ``x`` of the base-rate schedule for every class (the province moves its
    whole schedule), on the national grade lattice (:class:`actuary.policy.RateLattice`).
``per_class``
    The multiplier of the named classes (``classes = [...]``) is solved; the other classes keep
    the multiplier in force. Each solved class keeps to its own grades and band (class 1 floats
    up only). The claims model does not split expenditure by class, so one balance target
    fixes one level: the solved classes move together.

Either instrument may carry a cap on the change per year (``max_change_per_year``): the schedule
of level ``X`` is ``x_s = clip(X, m₀ − c·k, m₀ + c·k)`` in the ``k``-th solved year, snapped
toward ``m₀`` on the lattice so the cap is never exceeded.

Targets
-------
``break_even``
    Expected break-even over the horizon: ``E[Bal_{H}] = E[Bal_{s₀−1}]`` (total revenue, interest
    included, equals total expenditure over the horizon years ``s₀ … s₀+H−1``).
``months_band``
    Months of payment capacity ``M_t = Bal_t / (E_t / 12)`` in ``[L, U]`` (``U`` optional) and,
    with ``cover_reserve``, the balance at least the required reserve ``ρ·E_t``, with
    probability ≥ α *in every year* of the horizon (``probability = "each_year"``, default) or
    on all years jointly (``"all_years"``).

Method (linearity of the roll-forward in the rate)
---------------------
1. Affine response: the engine's :func:`actuary.projection.flows.roll_forward` is run once at a
   reference schedule (the top of the band, where balances are highest and the roll-forward is in
   its linear regime) and once per solved year and class group with that year's multiplier
   lowered by 0.01; the differences are the exact per-path sensitivities
   ``∂V_{p,t}/∂x_{g,s}`` of ``V ∈ {Bal, E, ρE}``. The linearity of the roll-forward is checked
   on a third point and reported (``linearity_error``).
2. Per path ``p`` and year ``t`` the constraint ``h_{p,t}(X) = Bal − L·E/12 ≥ 0`` is piecewise
   linear and increasing in the level ``X`` (kinks only at band and cap edges), so the smallest
   level that meets it on that path, ``X*_{p,t}``, is a closed form (linear interpolation
   between kinks; ``−a/b`` without a cap).
3. The level that meets the target with probability α is a quantile across paths:
   ``X_α = max_t Q_α(X*_{·,t})`` (each year) or ``Q_α(max_t X*_{·,t})`` (all years jointly);
   with an upper bound ``U`` the in-band probability ``P_t(X) = #{X*ᴸ ≤ X ≤ X*ᵁ}/N`` is
   evaluated exactly and the smallest level with ``min_t P_t ≥ α`` is taken.
4. On the lattice the smallest allowed level whose (affine) probability meets α is taken; the
   fund is then **re-projected** through ``roll_forward`` at that schedule and the achieved
   probability reported. Should the re-projection miss α (the roll-forward leaves its linear
   regime, e.g. no interest on a deficit), the next lattice level is tried. The next-lower level
   is re-projected too (on the province-only roll-forward, which gives the same province
   series: see ``collapse_error``), to show that it misses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from actuary import dims
from actuary.errors import InputError
from actuary.output.units import to_wan
from actuary.policy import RateLattice
from actuary.projection.series import ProvinceSeries
from actuary.spec.rates import RateSettings

FloatArray = npt.NDArray[np.float64]

__all__ = ["ProvinceFlows", "RateSolution", "province_flows", "solve_rates"]

#: Step of the finite differences that read the per-path sensitivities off the roll-forward. The
#: roll-forward is affine in the multiplier in its linear regime, so any step inside that regime
#: gives the exact slope; a small one keeps every path on the reference's side of the regime.
_DELTA = 0.01


# --- what the solver reads of a roll-forward -----------------------------------------------

#: The province's series of one roll-forward (:class:`actuary.projection.series.ProvinceSeries`).
ProvinceFlows = ProvinceSeries


def province_flows(ds: xr.Dataset) -> ProvinceFlows:
    """The province's series of a ``roll_forward`` dataset (no scenario dimension)."""
    return ProvinceSeries.from_dataset(ds)


RollFn = Callable[[FloatArray], ProvinceFlows]


def _engine_roll(flows: Any) -> RollFn:
    """``multipliers (year, class) → ProvinceFlows`` through the engine's ``roll_forward``."""
    from actuary.projection.flows import roll_forward

    def roll(mult: FloatArray) -> ProvinceFlows:
        return province_flows(roll_forward(flows, mult, check=False))

    return roll


def _collapsed_roll(flows: Any, n_years: int) -> RollFn:
    """A fast roll-forward of the province alone over the first ``n_years`` years.

    The province's items are sums over the sub-units of items linear in each sub-unit's flows
    (contributions, other revenue, prevention on last year's contributions, benefits), so the
    engine's ``roll_forward`` on flows summed over the sub-units gives the same province series
    (to float rounding) at a fraction of the cost. Used for the sensitivities only; the solved
    schedule is re-projected on the full flows, and the two are compared (``collapse_error``).
    """
    import dataclasses

    from actuary.projection.flows import roll_forward

    head = flows.head_years(n_years)

    def tot(name: str) -> Any:
        a = getattr(head, name)
        return None if a is None else a.sum(axis=head.axis(name, dims.REGION), keepdims=True)

    small = dataclasses.replace(
        head,
        regions=(getattr(flows, "pool_region", None) or "ALL",),
        contributions=tot("contributions"),
        benefits=tot("benefits"),
        prior_contributions=np.sum(
            np.asarray(flows.prior_contributions, float),
            axis=flows.axis("prior_contributions", dims.REGION),
            keepdims=True,
        ),
        covered_payroll=tot("covered_payroll"),
        covered_workers=tot("covered_workers"),
    )

    def roll(mult: FloatArray) -> ProvinceFlows:
        return province_flows(roll_forward(small, np.asarray(mult)[:n_years], check=False))

    return roll


# --- the solution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateSolution:
    """The solved schedule, its re-projected outcome and the tables behind it."""

    settings: RateSettings
    lattice: RateLattice
    years: tuple[int, ...]
    start_year: int
    horizon_years: tuple[int, ...]
    classes: tuple[int, ...]
    solved_classes: tuple[int, ...]
    current_multiplier: FloatArray
    level_continuous: float
    level: float
    schedule: FloatArray  # (year, class) multipliers at the lattice solution
    schedule_continuous: FloatArray
    feasible: bool
    achieved_probability: float
    probability_by_year: FloatArray
    mc_standard_error: float
    next_lower_level: float | None
    next_lower_probability: float | None
    continuous_probability: float
    expected_surplus: float  # break-even: E[Bal_H − Bal_{s0−1}] at the lattice solution
    expected_surplus_continuous: float
    linearity_error: float
    collapse_error: float
    reprojection_steps: int
    base_rates: FloatArray  # (class,) national base rates in force in the start year
    n_paths: int
    reprojected: ProvinceFlows
    candidates: pd.DataFrame
    thresholds: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def multiplier(self) -> float | dict[str, float]:
        """The solved multiplier (uniform) or ``{class_k: multiplier}`` (per class)."""
        first = self.schedule[self.years.index(self.start_year)]
        if self.settings.instrument == "uniform" and np.allclose(first, first[0]):
            return float(first[0])
        return {f"class_{c}": float(v) for c, v in zip(self.classes, first, strict=True)}

    def schedule_frame(self) -> pd.DataFrame:
        """Multiplier and rate per year and class (rates as % of payroll)."""
        rows = []
        for i, y in enumerate(self.years):
            for j, c in enumerate(self.classes):
                m = float(self.schedule[i, j])
                rows.append(
                    {
                        "year": y,
                        "industry_class": c,
                        "class_zh": dims.INDUSTRY_LABELS_ZH.get(c, str(c)),
                        "multiplier": m,
                        "multiplier_continuous": float(self.schedule_continuous[i, j]),
                        "base_rate_pct": 100 * float(self.base_rates[j]),
                        "rate_pct": 100 * float(self.base_rates[j]) * m,
                        "solved": y >= self.start_year and c in self.solved_classes,
                    }
                )
        return pd.DataFrame(rows)

    def by_year_frame(self) -> pd.DataFrame:
        """Re-projected outcome per year at the solved schedule (quantiles across paths)."""
        f = self.reprojected
        rows = []
        months = f.months
        for i, y in enumerate(f.years):
            row: dict[str, Any] = {"year": y, "in_horizon": y in self.horizon_years}
            if y in self.horizon_years:
                row["probability_target_met"] = float(
                    self.probability_by_year[self.horizon_years.index(y)]
                )
            for name, arr, scale in (
                ("balance_wan", f.balance_close[:, i], to_wan),
                ("months", months[:, i], float),
                ("contributions_wan", f.contributions[:, i], to_wan),
                ("expenditure_wan", f.expenditure[:, i], to_wan),
            ):
                q = np.quantile(arr, [0.05, 0.5, 0.95])
                row[f"{name}_mean"] = scale(float(np.mean(arr)))
                for lab, v in zip(("p5", "p50", "p95"), q, strict=True):
                    row[f"{name}_{lab}"] = scale(float(v))
            row["prob_deficit"] = float(np.mean(f.balance_close[:, i] < 0))
            rows.append(row)
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """The ``rates.json`` document."""
        s = self.settings
        return {
            "multiplier": self.multiplier,
            "multiplier_continuous": self.level_continuous,
            "level": self.level,
            "alpha": s.alpha,
            "target_kind": s.kind,
            "target_months": s.lower_months,
            "upper_months": s.upper_months,
            "horizon": s.horizon,
            "horizon_years": list(self.horizon_years),
            "start_year": self.start_year,
            "probability_mode": s.probability,
            "cover_reserve": s.cover_reserve,
            "instrument": s.instrument,
            "solved_classes": list(self.solved_classes),
            "feasible": self.feasible,
            "achieved_probability": self.achieved_probability,
            "achieved_probability_by_year": dict(
                zip(
                    (str(y) for y in self.horizon_years),
                    (float(p) for p in self.probability_by_year),
                    strict=True,
                )
            ),
            "mc_standard_error": self.mc_standard_error,
            "next_lower_level": self.next_lower_level,
            "next_lower_probability": self.next_lower_probability,
            "continuous_probability": self.continuous_probability,
            "expected_surplus_yuan": self.expected_surplus,
            "expected_surplus_continuous_yuan": self.expected_surplus_continuous,
            "linearity_error": self.linearity_error,
            "collapse_error": self.collapse_error,
            "reprojection_steps": self.reprojection_steps,
            "current_multiplier": {
                f"class_{c}": float(v)
                for c, v in zip(self.classes, self.current_multiplier, strict=True)
            },
            "schedule": {
                str(y): {f"class_{c}": float(v) for c, v in zip(self.classes, row, strict=True)}
                for y, row in zip(self.years, self.schedule, strict=True)
            },
            "rates_pct": {
                f"class_{c}": round(100 * float(b) * float(m), 6)
                for c, b, m in zip(
                    self.classes,
                    self.base_rates,
                    self.schedule[self.years.index(self.start_year)],
                    strict=True,
                )
            },
            "lattice": self.lattice.to_dict(),
            "n_paths": self.n_paths,
            "settings": s.to_dict(),
            "notes": self.notes,
        }

    def summary(self) -> str:
        """A few lines for the console and the report."""
        s = self.settings
        if s.kind == "break_even":
            what = f"expected break-even over {s.horizon} years ({self.horizon_years[0]}–"
            what += f"{self.horizon_years[-1]})"
        else:
            band = (
                f"≥ {s.lower_months:g}"
                if s.upper_months is None
                else (f"in [{s.lower_months:g}, {s.upper_months:g}]")
            )
            what = (
                f"months of payment {band} with probability ≥ {s.alpha:g} "
                f"({'every year' if s.probability == 'each_year' else 'all years jointly'}) "
                f"over {self.horizon_years[0]}–{self.horizon_years[-1]}"
            )
        m = self.multiplier
        ms = f"{m:g}" if isinstance(m, float) else ", ".join(f"{k}={v:g}" for k, v in m.items())
        prob = (
            "re-projected probability that the horizon closes at or above its opening balance: "
            if s.kind == "break_even"
            else "re-projected probability: "
        )
        lines = [
            f"target: {what}",
            f"solved multiplier (lattice): {ms}  (continuous {self.level_continuous:.4f})",
            f"{prob}{self.achieved_probability:.4f} "
            f"(± {self.mc_standard_error:.4f} MC s.e., {self.n_paths} paths)"
            + ("" if self.feasible else "  — TARGET NOT REACHABLE inside the band"),
        ]
        if self.next_lower_level is not None and self.next_lower_probability is not None:
            lines.append(
                f"next-lower level {self.next_lower_level:g}: probability "
                f"{self.next_lower_probability:.4f}"
            )
        if s.kind == "break_even":
            lines.append(
                "expected horizon surplus at the solution: "
                f"{to_wan(self.expected_surplus):,.1f} 万元"
            )
        lines += self.notes
        return "\n".join(lines)


# --- core maths --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    """Solved classes grouped by (lattice values, multiplier in force)."""

    members: tuple[tuple[int, ...], ...]  # column indices of the classes in each group
    lattices: tuple[FloatArray, ...]
    current: FloatArray  # (group,)


def _groups(
    lattice: RateLattice,
    classes: tuple[int, ...],
    solved_idx: list[int],
    current: FloatArray,
    by_current: bool,
) -> _Groups:
    """Group the solved classes by lattice (and, under a cap on the yearly change, by the
    multiplier in force, which the cap is measured from)."""
    keys: dict[tuple[tuple[float, ...], float], list[int]] = {}
    for j in solved_idx:
        vals = lattice.values[lattice.classes.index(classes[j])]
        cur = round(float(current[j]), 12) if by_current else 0.0
        keys.setdefault((vals, cur), []).append(j)
    members = tuple(tuple(v) for v in keys.values())
    lattices = tuple(np.asarray(k[0]) for k in keys)
    in_force = np.array([float(np.mean(current[list(m)])) for m in members])
    return _Groups(members, lattices, in_force)


def _level_schedule(
    levels: FloatArray, groups: _Groups, n_years: int, cap: float | None, snap: bool
) -> FloatArray:
    """Multipliers ``x[level, group, solved-year]`` of a level ``X`` (clip, cap, snap)."""
    levels = np.asarray(levels, dtype=np.float64)
    out = np.empty((len(levels), len(groups.members), n_years))
    k = np.arange(1, n_years + 1)
    for g, lat in enumerate(groups.lattices):
        x = np.clip(levels, lat[0], lat[-1])[:, None] * np.ones(n_years)
        if snap:
            x = lat[np.clip(np.searchsorted(lat, x - 1e-9, side="left"), 0, len(lat) - 1)]
        if cap is not None:
            cur = groups.current[g]
            capped = np.clip(x, cur - cap * k, cur + cap * k)
            if snap:
                i_dn = np.searchsorted(lat, capped + 1e-9, side="right") - 1
                i_up = np.searchsorted(lat, capped - 1e-9, side="left")
                down = lat[np.clip(i_dn, 0, len(lat) - 1)]
                up = lat[np.clip(i_up, 0, len(lat) - 1)]
                capped = np.where(
                    capped > cur + 1e-12, down, np.where(capped < cur - 1e-12, up, capped)
                )
            x = capped
        out[:, g, :] = x
    return out


def _full_schedule(x: FloatArray, groups: _Groups, base: FloatArray, s0: int) -> FloatArray:
    """Put ``x[group, solved-year]`` into a full ``(year, class)`` schedule (later years keep the
    last solved value)."""
    sched = base.copy()
    n_solved = x.shape[1]
    for g, cols in enumerate(groups.members):
        for i, t in enumerate(range(s0, sched.shape[0])):
            sched[t, list(cols)] = x[g, min(i, n_solved - 1)]
    return sched


@dataclass(frozen=True)
class _Affine:
    """``V(x) = V_ref + Σ_{g,s} gain[..., g, s] · (x_{g,s} − x_ref)`` for V in the fields."""

    ref_x: float
    bal: FloatArray  # (path, year) at the reference
    exp: FloatArray
    res: FloatArray
    bal_open0: FloatArray  # (path,) balance at the start of the horizon (fixed)
    g_bal: FloatArray  # (path, year, group, solved-year)
    g_exp: FloatArray
    g_res: FloatArray

    def evaluate(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Values at schedules ``x[level, group, solved-year]`` → arrays ``(level, path, year)``."""
        d = x - self.ref_x
        return (
            self.bal[None] + np.einsum("ptgs,lgs->lpt", self.g_bal, d),
            self.exp[None] + np.einsum("ptgs,lgs->lpt", self.g_exp, d),
            self.res[None] + np.einsum("ptgs,lgs->lpt", self.g_res, d),
        )


def _constraints(
    bal: FloatArray, exp: FloatArray, res: FloatArray, s: RateSettings, open0: FloatArray
) -> tuple[FloatArray, FloatArray | None]:
    """Lower (≥ 0 when met, increasing in the level) and upper (≥ 0 when met) margins."""
    if s.kind == "break_even":
        return bal[..., -1:] - open0[..., None], None
    lower = bal - s.lower_months * exp / 12.0
    if s.cover_reserve:
        lower = np.minimum(lower, bal - res)
    upper = None if s.upper_months is None else s.upper_months * exp / 12.0 - bal
    return lower, upper


def _probability(
    lower: FloatArray, upper: FloatArray | None, s: RateSettings, scale: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(P overall, P by year)`` from margins ``(..., path, year)`` in yuan.

    A margin counts as met down to ``−1e-9 × scale`` (float rounding of yuan sums; ``scale`` =
    the year's expenditure), so a schedule that meets the target exactly is not lost to rounding.
    """
    tol = 1e-9 * np.abs(scale)
    ok = lower >= -tol
    if upper is not None:
        ok &= upper >= -tol
    by_year = ok.mean(axis=-2)
    if s.probability == "all_years":
        overall = ok.all(axis=-1).mean(axis=-1)
    else:
        overall = by_year.min(axis=-1)
    return overall, by_year


def _first_crossing(knots: FloatArray, vals: FloatArray, increasing: bool) -> FloatArray:
    """Level where a piecewise-linear function given at ``knots`` (axis 0 of ``vals``) crosses 0.

    ``increasing``: the smallest level with value ≥ 0 (−inf if met at the first knot, +inf if
    never); otherwise the largest level with value ≥ 0 (+inf if met at the last knot, −inf if
    never).
    """
    if not increasing:
        neg = _first_crossing(-knots[::-1], vals[::-1], True)
        return -neg
    ok = vals >= 0
    any_ok = ok.any(axis=0)
    idx = np.argmax(ok, axis=0)
    i1 = np.clip(idx, 1, len(knots) - 1)
    v0 = np.take_along_axis(vals, (i1 - 1)[None], axis=0)[0]
    v1 = np.take_along_axis(vals, i1[None], axis=0)[0]
    k0, k1 = knots[i1 - 1], knots[i1]
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(v1 != v0, k0 + (0.0 - v0) * (k1 - k0) / (v1 - v0), k1)
    x = np.where(idx == 0, -np.inf, x)
    return np.where(any_ok, x, np.inf)


def solve_rates(
    flows: Any,
    settings: RateSettings,
    *,
    start_year: int | None = None,
    roll: RollFn | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> RateSolution:
    """Solve the rate schedule that meets ``settings`` on the simulated ``flows``.

    Parameters
    ----------
    flows
        :class:`actuary.projection.flows.FundFlows` of a projection (any number of paths).
    settings
        Target and instrument (:class:`RateSettings`).
    start_year
        First year the solved schedule applies (default ``settings.start_year``, else the
        second projection year — the budget year of the embedded run). Earlier years keep the
        multipliers in force (``flows.initial_multiplier``).
    roll
        Roll-forward ``(year, class) multipliers → ProvinceFlows``; default the engine's
        :func:`actuary.projection.flows.roll_forward` on ``flows``.
    parameters
        Policy parameters (default :func:`actuary.params.load_parameters`).

    Returns
    -------
    RateSolution
        With ``achieved_probability`` measured on the re-projection at the solved schedule.

    Raises
    ------
    InputError
        The horizon does not fit in the projection years, or the start year is not projected.
    """
    if parameters is None:
        from actuary.params import load_parameters

        parameters = load_parameters()
    s = settings
    years = tuple(int(y) for y in flows.years)
    classes = tuple(int(c) for c in flows.classes)
    start = start_year or s.start_year or (years[1] if len(years) > 1 else years[0])
    if start not in years:
        raise InputError(
            f"start year {start} is not a projection year {years[0]}–{years[-1]}",
            field="rate_policy.target.start_year",
        )
    s0 = years.index(start)
    if s0 + s.horizon > len(years):
        raise InputError(
            f"horizon {s.horizon} from {start} runs past the last projection year {years[-1]}",
            field="horizon",
        )
    hz = list(range(s0, s0 + s.horizon))
    if roll is None:
        roll = _engine_roll(flows)
        fast = _collapsed_roll(flows, s0 + s.horizon)
    else:
        fast = roll
    n_paths = int(flows.n_paths)
    current = np.broadcast_to(np.asarray(flows.initial_multiplier, float), (len(classes),)).copy()

    lattice = RateLattice.from_params(
        kind="uniform" if s.instrument == "uniform" else "per_class",
        step=s.lattice_step,
        parameters=parameters,
    )
    solved = tuple(s.classes) if s.instrument == "per_class" and s.classes else classes
    solved_idx = [classes.index(c) for c in solved]
    groups = _groups(lattice, classes, solved_idx, current, s.max_change_per_year is not None)
    n_g = len(groups.members)
    base_sched = np.broadcast_to(current, (len(years), len(classes))).copy()

    # 1. affine response at the top of the band
    ref = float(max(lat[-1] for lat in groups.lattices))
    n_s = len(hz)

    def sched_of(x: FloatArray) -> FloatArray:
        return _full_schedule(x, groups, base_sched, s0)

    x_ref = np.full((n_g, n_s), ref)
    f_ref = fast(sched_of(x_ref))
    shape = (n_paths, len(f_ref.years), n_g, n_s)
    g_bal, g_exp, g_res = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for g in range(n_g):
        for i in range(n_s):
            x = x_ref.copy()
            x[g, i] -= _DELTA
            f = fast(sched_of(x))
            g_bal[:, :, g, i] = (f_ref.balance_close - f.balance_close) / _DELTA
            g_exp[:, :, g, i] = (f_ref.expenditure - f.expenditure) / _DELTA
            g_res[:, :, g, i] = (f_ref.reserve_required - f.reserve_required) / _DELTA
    aff = _Affine(  # restricted to the horizon years (the only ones the targets read)
        ref_x=ref,
        bal=f_ref.balance_close[:, hz],
        exp=f_ref.expenditure[:, hz],
        res=f_ref.reserve_required[:, hz],
        bal_open0=f_ref.balance_open[:, s0],
        g_bal=g_bal[:, hz],
        g_exp=g_exp[:, hz],
        g_res=g_res[:, hz],
    )
    # expected values: the affine map commutes with the mean over paths
    aff_mean = _Affine(
        ref_x=ref,
        bal=aff.bal.mean(axis=0, keepdims=True),
        exp=aff.exp.mean(axis=0, keepdims=True),
        res=aff.res.mean(axis=0, keepdims=True),
        bal_open0=aff.bal_open0.mean(keepdims=True),
        g_bal=aff.g_bal.mean(axis=0, keepdims=True),
        g_exp=aff.g_exp.mean(axis=0, keepdims=True),
        g_res=aff.g_res.mean(axis=0, keepdims=True),
    )
    # linearity check at the middle of the band
    mid = 0.5 * (ref + float(min(lat[0] for lat in groups.lattices)))
    x_mid = np.full((1, n_g, n_s), mid)
    f_mid = fast(sched_of(x_mid[0]))
    b_mid = aff.evaluate(x_mid)[0][0]
    scale = np.maximum(np.abs(f_mid.expenditure[:, hz]), 1.0)
    lin_err = float(np.max(np.abs(b_mid - f_mid.balance_close[:, hz]) / scale))

    def margins(x: FloatArray) -> tuple[FloatArray, FloatArray | None, FloatArray]:
        if s.kind == "break_even":
            bal, exp, _ = aff_mean.evaluate(x)
            lo = bal[..., -1:] - aff_mean.bal_open0[None, :, None]
            return lo, None, exp
        bal, exp, res = aff.evaluate(x)
        return (*_constraints(bal, exp, res, s, aff.bal_open0[None]), exp)

    # 2–3. continuous solution: closed form per path between kinks, then a quantile
    lo_dom = float(min(lat[0] for lat in groups.lattices))
    hi_dom = float(max(lat[-1] for lat in groups.lattices))
    kinks = {lo_dom, hi_dom}
    for g, lat in enumerate(groups.lattices):
        kinks |= {float(lat[0]), float(lat[-1])}
        if s.max_change_per_year is not None:
            for k in range(1, n_s + 1):
                kinks |= {
                    groups.current[g] - s.max_change_per_year * k,
                    groups.current[g] + s.max_change_per_year * k,
                }
    knots = np.array(sorted(k for k in kinks if lo_dom - 1e-12 <= k <= hi_dom + 1e-12))
    xk = _level_schedule(knots, groups, n_s, s.max_change_per_year, snap=False)
    lower_k, upper_k, _ = margins(xk)  # (knot, path, year)
    x_lo = _first_crossing(knots, lower_k, True)  # (path, year)
    if s.kind == "break_even":
        level_c = float(x_lo[0, 0])
    elif upper_k is None:
        if s.probability == "each_year":
            level_c = float(np.max(_quantile_up(x_lo, s.alpha)))
        else:
            level_c = float(_quantile_up(x_lo.max(axis=1), s.alpha))
    else:
        x_hi = _first_crossing(knots, upper_k, False)
        level_c = _band_level(x_lo, x_hi, s)
    feasible_c = level_c < math.inf
    level_c = min(max(level_c, lo_dom), hi_dom) if feasible_c else hi_dom

    # 4. lattice: smallest allowed level whose affine probability meets the target
    grid = np.array(sorted({float(v) for lat in groups.lattices for v in lat}))
    xg = _level_schedule(grid, groups, n_s, s.max_change_per_year, snap=True)
    lo_g, up_g, exp_g = margins(xg)
    if s.kind == "break_even":
        p_aff = (lo_g[:, 0, 0] >= -1e-9 * np.abs(aff.bal_open0).mean()).astype(float)
        meets_aff = p_aff >= 1.0
    else:
        p_aff, _ = _probability(lo_g, up_g, s, exp_g)
        meets_aff = p_aff >= s.alpha
    order = np.flatnonzero(meets_aff)
    pick = int(order[0]) if len(order) else len(grid) - 1

    def reproject(i: int, full: bool = True) -> tuple[ProvinceFlows, float, FloatArray, float]:
        sched = sched_of(xg[i])
        f = (roll if full else fast)(sched)
        return (f, *_measure(f, s, hz, s0))

    steps = 0
    f_sol, p_sol, p_by, surplus = reproject(pick)
    while not _meets(p_sol, surplus, s) and pick < len(grid) - 1:
        pick += 1
        steps += 1
        f_sol, p_sol, p_by, surplus = reproject(pick)
    feasible = _meets(p_sol, surplus, s)
    nl_level: float | None = None
    nl_prob: float | None = None
    if pick > 0:
        _, nl_prob, _, _ = reproject(pick - 1, full=False)
        nl_level = float(grid[pick - 1])

    x_c = _level_schedule(np.array([level_c]), groups, n_s, s.max_change_per_year, snap=False)
    f_c = fast(sched_of(x_c[0]))
    f_chk = fast(sched_of(xg[pick]))
    collapse_err = float(
        np.max(
            np.abs(f_chk.balance_close[:, hz] - f_sol.balance_close[:, hz])
            / np.maximum(np.abs(f_sol.expenditure[:, hz]), 1.0)
        )
    )
    p_c, _, surplus_c = _measure(f_c, s, hz, s0)

    notes: list[str] = []
    if not feasible:
        notes.append(
            "The target cannot be met inside the band of the lattice: the top level is reported "
            "with the probability it achieves."
        )
    if steps:
        notes.append(
            f"The re-projection missed the target at the affine solution; moved up {steps} "
            "lattice step(s) (the roll-forward left its linear regime on some paths)."
        )
    if lin_err > 1e-6:
        notes.append(
            f"Roll-forward not exactly affine in the multiplier on some paths (max error "
            f"{lin_err:.2e} of a year's expenditure: no interest on a deficit / fiscal top-up)."
        )

    base_param = parameters["rates.industry_base_rate"].at(dt.date(start, 1, 1))
    base_rates = np.array([float(base_param[f"class_{c}"]) for c in classes])
    cand = pd.DataFrame(
        {"level": grid, "probability_affine": p_aff if s.kind != "break_even" else np.nan}
    )
    if s.kind == "break_even":
        cand["expected_surplus_affine_yuan"] = lo_g[:, 0, 0]
    thr_rows = []
    for i, t in enumerate(hz):
        col = x_lo[:, i] if s.kind != "break_even" else np.full(1, level_c)
        finite = col[np.isfinite(col)]
        thr_rows.append(
            {
                "year": years[t],
                "share_met_inside_band": float(np.mean(col < np.inf)),
                "share_met_at_lowest_level": float(np.mean(col == -np.inf)),
                **{
                    f"level_p{int(q * 100)}": float(np.quantile(np.clip(col, lo_dom, hi_dom), q))
                    for q in (0.05, 0.5, 0.9, 0.95)
                },
                "n_finite": int(finite.size),
            }
        )
    n_sol = p_by.shape[0]
    se = math.sqrt(max(p_sol * (1 - p_sol), 0.0) / n_paths)
    return RateSolution(
        settings=s,
        lattice=lattice,
        years=years,
        start_year=start,
        horizon_years=tuple(years[t] for t in hz),
        classes=classes,
        solved_classes=solved,
        current_multiplier=current,
        level_continuous=float(level_c),
        level=float(grid[pick]),
        schedule=sched_of(xg[pick]),
        schedule_continuous=sched_of(x_c[0]),
        feasible=bool(feasible),
        achieved_probability=float(p_sol),
        probability_by_year=p_by if n_sol == n_s else np.full(n_s, p_sol),
        mc_standard_error=se,
        next_lower_level=nl_level,
        next_lower_probability=None if nl_prob is None else float(nl_prob),
        continuous_probability=float(p_c),
        expected_surplus=float(surplus),
        expected_surplus_continuous=float(surplus_c),
        linearity_error=lin_err,
        collapse_error=collapse_err,
        reprojection_steps=steps,
        base_rates=base_rates,
        n_paths=n_paths,
        reprojected=f_sol,
        candidates=cand,
        thresholds=pd.DataFrame(thr_rows),
        notes=notes,
    )


def _quantile_up(a: FloatArray, alpha: float) -> FloatArray:
    """Smallest value ``v`` with ``#{a ≤ v} ≥ α·n`` along axis 0 (the ``inverted_cdf`` quantile),
    exact with ±inf entries (paths that meet a target at any level / at no level)."""
    srt = np.sort(a, axis=0)
    k = max(math.ceil(alpha * srt.shape[0] - 1e-12) - 1, 0)
    return np.asarray(srt[k])


def _band_level(x_lo: FloatArray, x_hi: FloatArray, s: RateSettings) -> float:
    """Smallest level with in-band probability ≥ α (exact on the per-path intervals)."""
    n = x_lo.shape[0]
    lo = np.where(x_lo <= x_hi, x_lo, np.inf)
    cands = np.unique(lo[np.isfinite(lo)])
    cands = np.concatenate([[-np.inf], cands]) if np.any(lo == -np.inf) else cands
    if cands.size == 0:
        return math.inf
    if s.probability == "all_years":
        jlo, jhi = lo.max(axis=1), x_hi.min(axis=1)
        jlo = np.where(jlo <= jhi, jlo, np.inf)
        p = (
            np.searchsorted(np.sort(jlo), cands, side="right")
            - np.searchsorted(np.sort(jhi[np.isfinite(jlo)]), cands, side="left")
        ) / n
    else:
        p = np.full(cands.shape, np.inf)
        for t in range(lo.shape[1]):
            ok = np.isfinite(lo[:, t])
            pt = (
                np.searchsorted(np.sort(lo[:, t]), cands, side="right")
                - np.searchsorted(np.sort(x_hi[ok, t]), cands, side="left")
            ) / n
            p = np.minimum(p, pt)
    hit = np.flatnonzero(p >= s.alpha)
    return float(cands[hit[0]]) if hit.size else math.inf


def _measure(
    f: ProvinceFlows, s: RateSettings, hz: list[int], s0: int
) -> tuple[float, FloatArray, float]:
    """Probability (overall, by year) and expected horizon surplus on an actual roll-forward."""
    bal, exp, res = f.balance_close[:, hz], f.expenditure[:, hz], f.reserve_required[:, hz]
    open0 = f.balance_open[:, s0]
    surplus = float(np.mean(bal[:, -1] - open0))
    if s.kind == "break_even":
        ok = bal[:, -1] >= open0 - 1e-9 * np.abs(exp[:, -1])
        return float(ok.mean()), np.array([ok.mean()]), surplus
    lo, up = _constraints(bal, exp, res, s, open0)
    p, by = _probability(lo, up, s, exp)
    return float(p), np.asarray(by, float), surplus


def _meets(p: float, surplus: float, s: RateSettings) -> bool:
    if s.kind == "break_even":
        return surplus >= -1e-6 * max(1.0, abs(surplus))
    return p >= s.alpha
