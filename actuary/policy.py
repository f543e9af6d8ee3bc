"""Contribution-rate policy rules that act inside the projection's year loop.

After the engine closes year ``t`` it calls ``rule(state)`` and uses the returned multipliers for
year ``t + 1``. A multiplier scales the base-rate schedule (``1.0`` = the schedule in force,
``0.5`` = the national phased cut of 50 %); it is given per path and industry class, so a rule
may move all classes together or each class on its own.

Rules shipped here (model files name them in ``[rate_policy] rule = "<kind>"``):

``keep``
    :class:`KeepRate`, the multipliers stay as they are.
``phased_cut``
    :class:`PhasedCut`, the national 阶段性降低工伤保险费率 rule (人社部发〔2018〕25号,
    国办发〔2019〕13号, 人社部发〔2023〕19号): months of payment capacity ``M`` of the closed
    year (accumulated balance ÷ average monthly expenditure) sets next year's multiplier of the
    base schedule,
    ``m = base × (1 − cut_50)`` if ``M ≥ months_50``, ``base × (1 − cut_20)`` if
    ``months_20 ≤ M < months_50`` and ``base`` otherwise. Thresholds (18, 24 months) and cuts
    (20 %, 50 %) are read from ``actuary.params`` (``rates.phased_cut``).
``threshold_table``
    :class:`ThresholdTable`, a rule a scenario file defines: ascending month breakpoints and one
    multiplier per interval (absolute, or relative to the multiplier in force).
``smoothed``
    :class:`Smoothed`, any rule with the change of the multiplier capped per year,
    ``|m_{t+1} − m_t| ≤ max_change``. Any rule table may also carry ``max_change_per_year``.

All rules can be snapped to the national grade lattice (:class:`RateLattice`): the floating
grades of 人社部发〔2015〕71号 (50/80/100/120/150 % of the class base rate; class 1 floats up
only) read from ``rates.floating_grades``, optionally refined by a finer step inside each
class's band.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from actuary.errors import InputError
from actuary.spec.policy import RatePolicySpec

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RateState:
    """What a rule sees at the end of year ``year`` (province level, one row per path).

    Attributes
    ----------
    year
        The year just closed.
    months_of_payment
        Closing balance ÷ average monthly expenditure of the year, shape ``(path,)``.
    balance_close
        Closing balance (yuan), shape ``(path,)``.
    reserve
        Reserve fund inside the balance (yuan), shape ``(path,)``.
    expenditure_total
        Total expenditure of the year (yuan), shape ``(path,)``.
    contributions
        Contribution revenue of the year (yuan), shape ``(path,)``.
    multiplier
        Multipliers in force during the year, shape ``(path, industry_class)``.
    """

    year: int
    months_of_payment: FloatArray
    balance_close: FloatArray
    reserve: FloatArray
    expenditure_total: FloatArray
    contributions: FloatArray
    multiplier: FloatArray


class RateRule(Protocol):
    """A policy rule: the multipliers for next year from this year's state."""

    def __call__(self, state: RateState) -> FloatArray:
        """Return the multipliers for ``state.year + 1``, shape ``(path, industry_class)``."""
        ...


@dataclass(frozen=True, slots=True)
class KeepRate:
    """Keep the multipliers unchanged (the default: no rule)."""

    def __call__(self, state: RateState) -> FloatArray:
        """Return this year's multipliers unchanged."""
        return state.multiplier.copy()


# --- the national grade lattice ---------------------------------------------------------------

_SNAP_MODES = ("up", "down", "nearest")


@dataclass(frozen=True)
class RateLattice:
    """Allowed multipliers of the base-rate schedule, per industry class (ascending).

    The national lattice is the floating grades of 人社部发〔2015〕71号 (``rates.floating_grades``):
    classes 2–8 at 50/80/100/120/150 % of the class base rate, class 1 at 100/120/150 %. Two
    kinds are built from it:

    ``uniform``
        Every class takes the same multiplier (the province moves its whole schedule, as the
        phased cuts did): the allowed values are the union of all classes' grades, so the band is
        [0.5, 1.5] for every class and the −20 % / −50 % cuts sit on the lattice (0.8, 0.5).
    ``per_class``
        Each class keeps to its own grades; the class band is [min grade, max grade] (class 1
        cannot go below its national base rate).

    ``step`` (a run-file setting, basis judgement) adds every multiple of ``step`` inside each
    class's band to the grade values, for a finer search.

    Attributes
    ----------
    classes
        Industry-class codes (1–8) in the order of the last axis of multiplier arrays.
    values
        For each class, the allowed multipliers, ascending.
    kind
        ``"uniform"`` or ``"per_class"`` (for reports).
    step
        The refinement step, or ``None`` for the grades only.
    """

    classes: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]
    kind: str = "uniform"
    step: float | None = None

    @classmethod
    def from_params(
        cls,
        date: dt.date | int | None = None,
        *,
        kind: str = "uniform",
        step: float | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> RateLattice:
        """Build the lattice from ``rates.floating_grades`` in force on ``date`` (default latest).

        Raises
        ------
        InputError
            On an unknown ``kind`` or a non-positive ``step``.
        """
        if kind not in ("uniform", "per_class"):
            raise InputError(
                f"lattice kind must be 'uniform' or 'per_class', got {kind!r}", field="lattice"
            )
        if step is not None and not (isinstance(step, int | float) and 0 < step <= 1):
            raise InputError(f"lattice step must be in (0, 1], got {step!r}", field="step")
        if parameters is None:
            from actuary.params import load_parameters

            parameters = load_parameters()
        param = parameters["rates.floating_grades"]
        grades: Mapping[str, Sequence[float]] = (
            param.values[-1].value if date is None else param.at(date)
        )
        classes = tuple(sorted(int(k.split("_")[1]) for k in grades))
        per_class = [sorted(float(g) for g in grades[f"class_{c}"]) for c in classes]
        if kind == "uniform":
            union = sorted({g for gs in per_class for g in gs})
            per_class = [union for _ in classes]
        values: list[tuple[float, ...]] = []
        for gs in per_class:
            vals = set(gs)
            if step is not None:
                lo, hi = gs[0], gs[-1]
                n = int(np.floor((hi - lo) / step + 1e-9))
                vals |= {round(lo + i * step, 10) for i in range(n + 1)}
            values.append(tuple(sorted(vals)))
        return cls(classes=classes, values=tuple(values), kind=kind, step=step)

    @property
    def lower(self) -> FloatArray:
        """Lower end of each class's band, shape ``(industry_class,)``."""
        return np.array([v[0] for v in self.values])

    @property
    def upper(self) -> FloatArray:
        """Upper end of each class's band, shape ``(industry_class,)``."""
        return np.array([v[-1] for v in self.values])

    def snap(self, multiplier: npt.ArrayLike, how: str = "up") -> FloatArray:
        """Move multipliers onto the lattice (last axis = industry class), clipped to the band.

        ``how = "up"`` takes the smallest allowed value ≥ m (the prudent choice when a rate
        must meet a target), ``"down"`` the largest ≤ m, ``"nearest"`` the closest (ties up).
        A tolerance of 1e-9 keeps values already on the lattice where they are.
        """
        if how not in _SNAP_MODES:
            raise ValueError(f"how must be one of {_SNAP_MODES}")
        m = np.asarray(multiplier, dtype=np.float64)
        if m.shape[-1] != len(self.classes):
            m = np.broadcast_to(m[..., None], (*m.shape, len(self.classes)))
        out = np.empty_like(m)
        for j, vals in enumerate(self.values):
            v = np.asarray(vals)
            x = m[..., j]
            up = v[np.clip(np.searchsorted(v, x - 1e-9, side="left"), 0, len(v) - 1)]
            down = v[np.clip(np.searchsorted(v, x + 1e-9, side="right") - 1, 0, len(v) - 1)]
            if how == "up":
                out[..., j] = up
            elif how == "down":
                out[..., j] = down
            else:
                out[..., j] = np.where(np.abs(up - x) <= np.abs(x - down), up, down)
        return out

    def next_lower(self, multiplier: npt.ArrayLike) -> FloatArray:
        """The lattice value just below each (on-lattice) multiplier; the band floor stays."""
        m = self.snap(multiplier, "nearest")
        return self.snap(m - 1e-6, "down")

    def next_higher(self, multiplier: npt.ArrayLike) -> FloatArray:
        """The lattice value just above each (on-lattice) multiplier; the band ceiling stays."""
        m = self.snap(multiplier, "nearest")
        return self.snap(m + 1e-6, "up")

    def grid(self) -> FloatArray:
        """All values of a uniform lattice (every class has the same values)."""
        return np.asarray(self.values[0], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Plain description for JSON outputs."""
        return {
            "kind": self.kind,
            "step": self.step,
            "values": {
                f"class_{c}": list(v) for c, v in zip(self.classes, self.values, strict=True)
            },
        }


# --- rules -------------------------------------------------------------------------------------


def _as_matrix(value: FloatArray, like: FloatArray) -> FloatArray:
    """Broadcast a per-path value to the ``(path, industry_class)`` shape of ``like``."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64)[:, None], like.shape).copy()


class PhasedCut:
    """The national phased-cut rule (阶段性降低工伤保险费率).

    With ``M`` the months of payment capacity at the end of year ``t`` (累计结余可支付月数),
    the multiplier of the base schedule for year ``t + 1`` is::

        m = base × (1 − cut_50)   if M ≥ months_50            (≥ 24 months → −50 %)
        m = base × (1 − cut_20)   if months_20 ≤ M < months_50 (18–23 months → −20 %)
        m = base                  otherwise

    The cut is taken from the base schedule each year (it does not compound) and lapses when the
    balance falls below ``months_20``. ``M`` is continuous here: 23.99 months is in the −20 %
    band and 24.00 months in the −50 % band.

    Parameters
    ----------
    conditions_from
        ISO date of the ``rates.phased_cut`` entry whose thresholds and cuts apply; default the
        latest entry with ``active = true`` (人社部发〔2023〕19号, on the conditions of
        国办发〔2019〕13号).
        The confirmed period ended 2024-12-31; using the rule in a projection is the scenario
        "the phased cut is re-activated on its last national conditions".
    follow_calendar
        If true, apply the cut only in years whose mid-year date (1 July of ``t + 1``) falls in a
        period where ``rates.phased_cut`` says ``active = true`` (so no cut after 2024 on the
        current parameters).
    base
        The multiplier the cut applies to (1.0 = the base schedule).
    """

    def __init__(
        self,
        conditions_from: str | dt.date | None = None,
        follow_calendar: bool = False,
        base: float = 1.0,
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        if parameters is None:
            from actuary.params import load_parameters

            parameters = load_parameters()
        self._param = parameters["rates.phased_cut"]
        if conditions_from is None:
            active = [v for v in self._param.values if v.value.get("active", False)]
            if not active:
                raise InputError("rates.phased_cut has no active entry", field="rates.phased_cut")
            entry = active[-1]
        else:
            when = (
                dt.date.fromisoformat(conditions_from)
                if isinstance(conditions_from, str)
                else conditions_from
            )
            entry = self._param.entry_at(when)
        v = entry.value
        self.months_20 = float(v["months_20"])
        self.months_50 = float(v["months_50"])
        self.cut_20 = float(v["cut_20"])
        self.cut_50 = float(v["cut_50"])
        self.conditions_from = entry.start
        self.source = entry.source
        self.follow_calendar = bool(follow_calendar)
        if not (isinstance(base, int | float) and base > 0):
            raise InputError(f"base must be a positive number, got {base!r}", field="base")
        self.base = float(base)
        if not self.months_20 <= self.months_50:
            raise InputError("months_20 must not exceed months_50", field="rates.phased_cut")

    def cut(self, months_of_payment: npt.ArrayLike) -> FloatArray:
        """The fractional cut for each path's months of payment capacity."""
        m = np.asarray(months_of_payment, dtype=np.float64)
        return np.where(
            m >= self.months_50, self.cut_50, np.where(m >= self.months_20, self.cut_20, 0.0)
        )

    def __call__(self, state: RateState) -> FloatArray:
        """Multipliers for ``state.year + 1``, shape ``(path, industry_class)``."""
        if self.follow_calendar:
            entry = self._param.entry_at(dt.date(state.year + 1, 7, 1))
            if not entry.value.get("active", False):
                return np.full_like(state.multiplier, self.base)
        return _as_matrix(self.base * (1.0 - self.cut(state.months_of_payment)), state.multiplier)

    def __repr__(self) -> str:
        return (
            f"PhasedCut(months_20={self.months_20:g}, months_50={self.months_50:g}, "
            f"cut_20={self.cut_20:g}, cut_50={self.cut_50:g}, base={self.base:g}, "
            f"conditions_from={self.conditions_from.isoformat()}, "
            f"follow_calendar={self.follow_calendar})"
        )


class ThresholdTable:
    """A rule a scenario file defines: months of payment capacity → multiplier.

    ``months = [b_1 < … < b_n]`` cut the months axis into ``n + 1`` intervals
    ``(−∞, b_1), [b_1, b_2), …, [b_n, ∞)``; ``multipliers`` gives one value per interval. With
    ``relative = false`` the value is next year's multiplier of the base schedule; with
    ``relative = true`` it multiplies the multiplier in force (e.g. ``1.1`` = raise by 10 %).

    Example (a model or scenario file)::

        [rate_policy]
        rule = "threshold_table"
        months = [6, 12, 18, 24]
        multipliers = [1.2, 1.0, 1.0, 0.8, 0.5]
    """

    def __init__(
        self,
        months: Sequence[float],
        multipliers: Sequence[float],
        relative: bool = False,
    ) -> None:
        b = np.asarray(months, dtype=np.float64)
        v = np.asarray(multipliers, dtype=np.float64)
        if b.ndim != 1 or v.ndim != 1:
            raise InputError("months and multipliers must be lists of numbers", field="months")
        if np.any(np.diff(b) <= 0):
            raise InputError(
                f"months breakpoints must be strictly increasing, got {list(b)}", field="months"
            )
        if len(v) != len(b) + 1:
            raise InputError(
                f"need {len(b) + 1} multipliers for {len(b)} breakpoints, got {len(v)}",
                field="multipliers",
            )
        if np.any(~np.isfinite(v)) or np.any(v <= 0):
            raise InputError("multipliers must be positive numbers", field="multipliers")
        self.months = b
        self.multipliers = v
        self.relative = bool(relative)

    def __call__(self, state: RateState) -> FloatArray:
        """Multipliers for ``state.year + 1``, shape ``(path, industry_class)``."""
        idx = np.searchsorted(self.months, state.months_of_payment, side="right")
        value = _as_matrix(self.multipliers[idx], state.multiplier)
        return state.multiplier * value if self.relative else value

    def __repr__(self) -> str:
        return (
            f"ThresholdTable(months={self.months.tolist()}, "
            f"multipliers={self.multipliers.tolist()}, relative={self.relative})"
        )


@dataclass
class Snapped:
    """Any rule with its output moved onto a :class:`RateLattice` (nearest value)."""

    inner: RateRule
    lattice: RateLattice

    def __call__(self, state: RateState) -> FloatArray:
        """The inner rule's multipliers, snapped to the nearest lattice value."""
        return self.lattice.snap(self.inner(state), "nearest")


@dataclass
class Smoothed:
    """Any rule with the change of the multiplier capped per year (a smoothing rule).

    ``m_{t+1} = clip(inner(state), m_t − max_change, m_t + max_change)``. With a lattice the
    capped value is snapped toward the multiplier in force, so the cap is never exceeded.
    """

    inner: RateRule
    max_change: float
    lattice: RateLattice | None = field(default=None)

    def __post_init__(self) -> None:
        if not (isinstance(self.max_change, int | float) and self.max_change > 0):
            raise InputError(
                f"max_change_per_year must be a positive number, got {self.max_change!r}",
                field="max_change_per_year",
            )

    def __call__(self, state: RateState) -> FloatArray:
        """The inner rule's multipliers with the yearly change capped."""
        now = state.multiplier
        target = np.asarray(self.inner(state), dtype=np.float64)
        out = np.clip(target, now - self.max_change, now + self.max_change)
        if self.lattice is not None:
            rising = out > now
            out = np.where(rising, self.lattice.snap(out, "down"), self.lattice.snap(out, "up"))
        return out


def _smoothed_factory(
    inner: Mapping[str, object],
    max_change_per_year: float,
    snap: str | None = None,
    snap_step: float | None = None,
    *,
    file: str | None = None,
) -> RateRule:
    inner_rule = rule_from_spec(dict(inner), file=file)
    lattice = RateLattice.from_params(kind=snap, step=snap_step) if snap else None
    return Smoothed(inner_rule, max_change_per_year, lattice)


#: Rule kinds a model file may name (``[rate_policy] rule = "<kind>"``) → factory taking the
#: remaining keys of the table.
RULES: dict[str, Callable[..., RateRule]] = {
    "keep": KeepRate,
    "phased_cut": PhasedCut,
    "threshold_table": ThresholdTable,
    "smoothed": _smoothed_factory,
}

_COMMON_KEYS = ("max_change_per_year", "snap", "snap_step")


def rule_from_spec(
    spec: RatePolicySpec | Mapping[str, object], *, file: str | None = None
) -> RateRule:
    """Build the rate rule of a validated :class:`~actuary.spec.policy.RatePolicySpec`.

    A mapping (a ``[rate_policy]`` table such as ``{"rule": "phased_cut", ...}``) is first
    validated with :meth:`RatePolicySpec.parse`. Keys other than ``rule`` go to the rule's
    factory. Keys that work with every rule: ``snap = "uniform" | "per_class"`` moves the output
    onto the national grade lattice (``snap_step = 0.05`` refines it,
    :meth:`RateLattice.from_params`), and ``max_change_per_year = c`` wraps the rule in
    :class:`Smoothed`. A ``smoothed`` rule names its inner rule as a table: ``rule =
    "smoothed"``, ``max_change_per_year = 0.2``, ``inner = {rule = "phased_cut"}``. The
    sub-tables ``target`` and ``gap_sharing`` are the spec's, not the rule's.

    Raises
    ------
    InputError
        Unknown rule kind or bad settings, naming ``file`` and the field.
    """
    if not isinstance(spec, RatePolicySpec):
        spec = RatePolicySpec.parse(spec, file=file)
    file = file if file is not None else spec.file
    kind = spec.rule
    kwargs = dict(spec.settings)
    try:
        if kind == "smoothed":
            if not isinstance(kwargs.get("inner"), Mapping):
                raise InputError(
                    "a smoothed rule needs an 'inner' rule table", file=file, field="rate_policy"
                )
            return RULES[kind](**kwargs, file=file)
        common = {k: kwargs.pop(k) for k in _COMMON_KEYS if k in kwargs}
        rule: RateRule = RULES[kind](**kwargs)
        snap = common.get("snap")
        step = common.get("snap_step")
        lattice: RateLattice | None = None
        if step is not None and snap is None:
            raise InputError("snap_step needs snap = 'uniform' or 'per_class'", field="snap_step")
        if snap is not None:
            if not isinstance(snap, str):
                raise InputError("snap must be 'uniform' or 'per_class'", field="snap")
            lattice = RateLattice.from_params(kind=snap, step=step)  # type: ignore[arg-type]
            rule = Snapped(rule, lattice)
        if "max_change_per_year" in common:
            cap = common["max_change_per_year"]
            rule = Smoothed(rule, cap, lattice)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError(
            exc.rule, file=file, field=f"rate_policy.{exc.field}" if exc.field else "rate_policy"
        ) from None
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"bad settings for rule {kind!r}: {exc}", file=file, field="rate_policy"
        ) from None
    return rule
