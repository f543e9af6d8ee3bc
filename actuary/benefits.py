"""Benefit calculator: 《工伤保险条例》 arts 30-41 and 64 for one case or many (vectorised core).

One vectorised core, :func:`price_benefits`, states each rule once and prices any number of
cases at once on numpy arrays (amounts, eligibility ``due``, payer, end dates); the claims model
prices simulated claims with it and the case calculator :func:`assess` calls it with arrays of
length one for every number and eligibility, adding only the presentation (notes, parameter
references). Items, labels, kinds, payers and the parameters of each item come from the
registry :mod:`actuary.benefit_items`.

Rules
-----
Parameters in ``actuary/params/data/``. Sources: 《工伤保险条例》第五章 (国务院令第586号修订);
国家统计局 statistical communiqués (``data/public/national_urban_disposable_income.source.md``);
全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13).

Notation: ``w`` = the worker's average monthly wage of the 12 months before the injury,
``A`` = pooling-area previous-year average monthly wage, ``D(y)`` = national urban per-capita
disposable income of year ``y``.

- 本人工资 (art. 64): ``W = min(max(w, 0.6 A), 3 A)``.
- 一次性伤残补助金 (arts 35-37, fund, one-off): ``months[grade] × W`` with months
  27/25/23/21/18/16/13/11/9/7 for grades 1-10.
- 伤残津贴 (arts 35-36, monthly): ``pct[grade] × W``; grades 1-4 90/85/80/75 % paid by the fund
  until the statutory retirement date (reformed ages, :mod:`actuary.retirement`); grades 5-6
  70/60 % paid by the **employer**, only when it cannot arrange suitable work and the worker
  keeps the labour relation (also shown up to the retirement date).
- 生活护理费 (art. 34, fund, monthly, no end date): ``pct[level] × A`` with 50/40/30 % for
  完全/大部分/部分不能自理.
- 一次性工伤医疗补助金 (fund) and 一次性伤残就业补助金 (employer), grades 5-10 leaving
  employment (arts 36-37): ``months[grade] × base × r`` where the base is ``W`` or ``A``
  as the provincial schedule says and ``r`` the near-retirement reduction (Jilin schedule:
  **assumption**, see ``benefits_jilin.toml``).
- 丧葬补助金 (art. 39(1), fund): ``6 × A``.
- 供养亲属抚恤金 (art. 39(2), fund, monthly): ``min(0.4 W × spouses + 0.3 W × others +
  0.1 W × orphans_or_lone_elders, 1.0 × W)``.
- 一次性工亡补助金 (art. 39(3), fund): ``20 × D(year of death − 1)``; deaths in 2025 use
  ``D(2024) = 54188`` → 1,083,760 yuan.

Monthly items are the amounts at award (the month after the event); later flat indexation
(``jilin.indexation.*``, art. 40) is applied by the projection, not here. Amounts are not
rounded.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from actuary import benefit_items as bi
from actuary.dims import OUTCOMES
from actuary.errors import InputError
from actuary.params import Parameter, ParameterError, ParameterSet, load_parameters
from actuary.retirement import (
    group_code,
    retirement_date,
    to_datetime64,
)

__all__ = [
    "BENEFIT_ITEMS",
    "ITEM_KIND",
    "ITEM_LABELS_ZH",
    "NURSING_LEVELS",
    "RELATIONS",
    "Assessment",
    "BenefitLine",
    "Case",
    "Dependant",
    "ParameterRef",
    "PricedBenefits",
    "assess",
    "load_case",
    "original_ages",
    "outcome_code",
    "price_benefits",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
DateArray = npt.NDArray[np.datetime64]

#: Benefit items of a case (the registry's items priced by the rules), in display order.
BENEFIT_ITEMS: tuple[str, ...] = bi.codes(rule=True)
ITEM_LABELS_ZH: dict[str, str] = {c: bi.ITEM_BY_CODE[c].label_zh for c in BENEFIT_ITEMS}
#: ``one_off`` (yuan) or ``monthly`` (yuan per month) by item, from the registry's kind.
ITEM_KIND: dict[str, str] = {
    c: "monthly" if bi.ITEM_BY_CODE[c].kind == bi.PERIODIC else "one_off" for c in BENEFIT_ITEMS
}
#: Nursing levels (生活自理障碍, art. 22); codes are positions in this tuple.
NURSING_LEVELS: tuple[str, ...] = ("none", "full", "most", "partial")
#: Dependant relations of a death case.
RELATIONS: tuple[str, ...] = ("spouse", "child", "parent", "other")

_DEATH = OUTCOMES.index("death")
_NAT = np.datetime64("NaT", "D")


# --------------------------------------------------------------------------------------
# vectorised parameter look-up
# --------------------------------------------------------------------------------------
def _lookup(
    param: Parameter,
    dates: DateArray,
    pick: Callable[[Any], Any],
    dtype: Any = np.float64,
    index: IntArray | None = None,
) -> npt.NDArray[Any]:
    """Evaluate ``pick(value in force)`` on every date, vectorised.

    The entry in force on each date is found with one ``searchsorted`` over the entries' start
    dates; ``pick`` turns an entry's value into a number or a row (then ``index`` selects the
    element of the row for each case, e.g. the outcome code). Raises before the first date.
    """
    starts = np.array([e.start.isoformat() for e in param.values], dtype="datetime64[D]")
    entry = np.searchsorted(starts, dates, side="right") - 1
    early = entry < 0
    if early.any():
        bad = np.flatnonzero(early.ravel())
        when = str(dates.ravel()[bad[0]])
        raise ParameterError(
            f"no value in force on {when}; the first value starts {param.first_date.isoformat()}",
            file=param.file or None,
            field=param.name,
            rows=[int(i) + 1 for i in bad] if dates.size > 1 else None,
        )
    table = np.array([pick(e.value) for e in param.values], dtype=dtype)
    if index is None:
        return table[entry]
    return table[entry, index]


def _by_grade(table: Mapping[str, Any], default: Any = 0) -> list[Any]:
    """Row indexed by outcome code (0 = medical_only, 1-10 = grades, 11 = death)."""
    return [table.get(o, default) for o in OUTCOMES]


def _rows(mask: npt.NDArray[np.bool_]) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask.ravel())]


def outcome_code(outcome: Any) -> IntArray:
    """Outcome names (``medical_only``, ``grade_1`` … ``grade_10``, ``death``) or codes → codes.

    Codes are positions in :data:`actuary.dims.OUTCOMES`: 0 = medical_only, g = grade g,
    11 = death.
    """
    return _codes(
        outcome,
        OUTCOMES,
        "outcome",
        lambda bad: (
            f"unknown outcome {', '.join(repr(b) for b in bad[:3])}; expected "
            "medical_only, grade_1 … grade_10 or death"
        ),
    )


def _nursing_code(nursing: Any) -> IntArray:
    return _codes(
        nursing,
        NURSING_LEVELS,
        "nursing",
        lambda _bad: f"nursing must be one of {', '.join(NURSING_LEVELS)}",
    )


def _codes(
    values: Any,
    vocabulary: Sequence[str],
    field: str,
    unknown: Callable[[list[str]], str],
) -> IntArray:
    """Names of ``vocabulary`` or their integer positions → positions; ``InputError`` naming
    ``field`` and the offending rows otherwise (``unknown`` words the message for bad names)."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        codes = arr.astype(np.int64)
        bad = (codes < 0) | (codes >= len(vocabulary))
        if bad.any():
            raise InputError(
                f"{field} codes must be 0..{len(vocabulary) - 1}", field=field, rows=_rows(bad)
            )
        return codes
    flat = arr.ravel()
    out = np.full(flat.shape, -1, dtype=np.int64)
    for i, name in enumerate(vocabulary):
        out[flat == name] = i
    if (out < 0).any():
        raise InputError(
            unknown(sorted({str(x) for x in flat[out < 0]})),
            field=field,
            rows=_rows(out < 0) if flat.size > 1 else None,
        )
    return out.reshape(arr.shape)


# --------------------------------------------------------------------------------------
# vectorised core
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PricedBenefits:
    """Benefits of many cases (all arrays have the broadcast shape of the inputs).

    Attributes
    ----------
    amount
        ``item -> array``: yuan for ``one_off`` items, yuan per month for ``monthly`` items
        (:data:`ITEM_KIND`); 0 where the item does not apply.
    due
        ``item -> bool array``: True where the rules grant the item (its eligibility; the
        amount may still be 0, e.g. a lump sum reduced to nothing at retirement).
    fund_pays
        ``item -> bool array``: True where the work-injury fund pays, False where the employer
        does (grade 5-6 伤残津贴, 一次性伤残就业补助金).
    end_date
        ``item -> datetime64[D] array``: last date of a monthly stream where the rules give one
        (伤残津贴: the statutory retirement date); NaT otherwise.
    wage_base
        本人工资 ``W`` after the art. 64 bounds (yuan per month).
    retirement_date
        Statutory retirement date (NaT where no birth date was given).
    """

    amount: dict[str, FloatArray]
    due: dict[str, BoolArray]
    fund_pays: dict[str, BoolArray]
    end_date: dict[str, DateArray]
    wage_base: FloatArray
    retirement_date: DateArray

    def fund_paid(self) -> dict[str, FloatArray]:
        """Amounts paid by the fund (employer-paid amounts set to 0)."""
        return {k: np.where(self.fund_pays[k], v, 0.0) for k, v in self.amount.items()}

    def employer_paid(self) -> dict[str, FloatArray]:
        """Amounts paid by the employer (fund-paid amounts set to 0)."""
        return {k: np.where(self.fund_pays[k], 0.0, v) for k, v in self.amount.items()}


def price_benefits(
    outcome: Any,
    monthly_wage: Any,
    area_avg_monthly_wage: Any,
    event_date: Any,
    *,
    birth_date: Any = None,
    retirement_group: Any = None,
    nursing: Any = "none",
    leaves_employment: Any = False,
    suitable_work: Any = False,
    n_spouse: Any = 0,
    n_other: Any = 0,
    n_orphan_or_lone_elder: Any = 0,
    separation_date: Any = None,
    national_income_prev_year: Any = None,
    parameters: ParameterSet | None = None,
) -> PricedBenefits:
    """Price the benefits of many cases at once (vectorised; no Python loop over cases).

    Parameters
    ----------
    outcome
        Outcome names or codes of :data:`actuary.dims.OUTCOMES` (0 medical_only, 1-10 grades,
        11 death).
    monthly_wage
        Worker's average monthly wage over the 12 months before the injury (yuan, ≥ 0).
    area_avg_monthly_wage
        Pooling-area previous-year average monthly wage ``A`` (yuan, > 0).
    event_date
        Date of the accident or death (``datetime64[D]`` / dates); policy parameters are those
        in force on this date; the death lump sum uses the income of the year before.
    birth_date, retirement_group
        Needed for grades 1-10 (allowance end date, near-retirement reduction of the grade 5-10
        lump sums). Groups: ``male``, ``female_staff`` (original age 55), ``female_worker``
        (original age 50), or codes 0-2.
    nursing
        ``none``/``full``/``most``/``partial`` (or codes 0-3): 生活护理费 level (grades 1-10).
    leaves_employment
        Grade 5-10 worker ends the labour relation (lump sums of arts 36-37 due; the grade 5-6
        employer allowance stops).
    suitable_work
        Grade 5-6: the employer arranges suitable work, so no 伤残津贴 is due.
    n_spouse, n_other, n_orphan_or_lone_elder
        Death cases: number of spouses (0/1), of other dependants, and of dependants (of either
        kind) who are 孤儿 or 孤寡老人 (each gets +10 %).
    separation_date
        Date the labour relation ends (for the near-retirement reduction); default the event date.
    national_income_prev_year
        ``D(year − 1)`` per case (yuan/year). Default: the published series
        ``income.national_urban_disposable_income``; projections beyond the last published year
        must pass their own values (an error is raised otherwise).
    parameters
        Parameter set (default: the package's).

    Returns
    -------
    PricedBenefits

    Raises
    ------
    InputError
        Unknown outcome or nursing level, negative wage, non-positive area wage, missing birth
        dates where needed, dates before the parameters begin.

    Examples
    --------
    >>> import numpy as np
    >>> r = price_benefits(["grade_3", "death"], [6500, 6500], [7200, 7200],
    ...                    np.array(["2024-05-01", "2025-03-01"], dtype="datetime64[D]"),
    ...                    birth_date=np.array(["1980-03-15"] * 2, dtype="datetime64[D]"),
    ...                    retirement_group=["male", "male"], n_spouse=[0, 1])
    >>> r.amount["disability_lump_sum"].tolist(), r.amount["death_lump_sum"].tolist()
    ([149500.0, 0.0], [0.0, 1083760.0])
    """
    p = parameters if parameters is not None else load_parameters()
    code = outcome_code(outcome)
    wage = np.asarray(monthly_wage, dtype=np.float64)
    area = np.asarray(area_avg_monthly_wage, dtype=np.float64)
    when = to_datetime64(event_date)
    code, wage, area, when = np.broadcast_arrays(code, wage, area, when)
    shape = code.shape

    bad = ~(wage >= 0)
    if bad.any():
        raise InputError(
            "must be a number ≥ 0 (yuan per month)",
            field="monthly_wage",
            rows=_rows(bad) if wage.size > 1 else None,
        )
    bad = ~(area > 0)
    if bad.any():
        raise InputError(
            "must be a number > 0 (yuan per month)",
            field="area_avg_monthly_wage",
            rows=_rows(bad) if area.size > 1 else None,
        )
    nurse = np.broadcast_to(_nursing_code(nursing), shape)
    leaves = np.broadcast_to(np.asarray(leaves_employment, dtype=bool), shape)
    work = np.broadcast_to(np.asarray(suitable_work, dtype=bool), shape)
    n_sp = np.broadcast_to(np.asarray(n_spouse, dtype=np.float64), shape)
    n_ot = np.broadcast_to(np.asarray(n_other, dtype=np.float64), shape)
    n_ex = np.broadcast_to(np.asarray(n_orphan_or_lone_elder, dtype=np.float64), shape)

    is_grade = (code >= 1) & (code <= 10)
    is_death = code == _DEATH
    grade14 = (code >= 1) & (code <= 4)
    grade56 = (code == 5) | (code == 6)
    grade510 = (code >= 5) & (code <= 10)

    # 本人工资 (art. 64)
    lo = _lookup(p["benefits.wage_floor_pct"], when, lambda v: v)
    hi = _lookup(p["benefits.wage_cap_pct"], when, lambda v: v)
    w = np.minimum(np.maximum(wage, lo * area), hi * area)

    amount = {k: np.zeros(shape) for k in BENEFIT_ITEMS}
    due = {k: np.zeros(shape, dtype=bool) for k in BENEFIT_ITEMS}
    fund = {k: np.full(shape, bi.ITEM_BY_CODE[k].payer == bi.FUND) for k in BENEFIT_ITEMS}
    end: dict[str, DateArray] = {k: np.full(shape, _NAT) for k in BENEFIT_ITEMS}

    # retirement date where needed (grades 1-10)
    ret = np.full(shape, _NAT)
    if is_grade.any():
        if birth_date is None or retirement_group is None:
            raise InputError(
                "birth date and retirement group are needed for disability grades",
                field="birth_date",
            )
        birth = np.broadcast_to(to_datetime64(birth_date), shape)
        grp = np.broadcast_to(group_code(retirement_group), shape)
        bad = is_grade & ~(birth < when)
        if bad.any():
            raise InputError(
                "must be a date before the event date",
                field="birth_date",
                rows=_rows(bad) if birth.size > 1 else None,
            )
        ret = np.where(is_grade, retirement_date(birth, grp, p), _NAT)

    if is_grade.any():
        # 一次性伤残补助金 (arts 35-37)
        m = _lookup(p["benefits.disability_lump_sum_months"], when, _by_grade, index=code)
        due["disability_lump_sum"] = is_grade
        amount["disability_lump_sum"] = np.where(is_grade, m * w, 0.0)

        # 伤残津贴 (arts 35-36)
        pct = _lookup(p["benefits.disability_allowance_pct"], when, _by_grade, index=code)
        payer = _lookup(
            p["benefits.disability_allowance_payer"],
            when,
            lambda v: [x == "fund" for x in _by_grade(v, "fund")],
            dtype=bool,
            index=code,
        )
        a = pct * w
        allow = grade14 | (grade56 & ~leaves & ~work)
        allow &= when < ret  # not due when injured on or after the retirement date
        due["disability_allowance"] = allow
        amount["disability_allowance"] = np.where(allow, a, 0.0)
        fund["disability_allowance"] = payer
        end["disability_allowance"] = np.where(allow, ret, _NAT)

        # 生活护理费 (art. 34)
        n = _lookup(
            p["benefits.nursing_care_pct"],
            when,
            lambda v: [0.0, *(v[k] for k in NURSING_LEVELS[1:])],
            index=nurse,
        )
        due["nursing_care"] = is_grade & (nurse > 0)
        amount["nursing_care"] = np.where(due["nursing_care"], n * area, 0.0)

        # 一次性工伤医疗补助金 / 一次性伤残就业补助金 (arts 36-37, provincial schedule)
        if (grade510 & leaves).any():
            sep = (
                when
                if separation_date is None
                else np.broadcast_to(to_datetime64(separation_date), shape)
            )
            factor = _retirement_reduction(p, when, sep, ret)
            for item in bi.codes(rule=True, wage_base=bi.SCHEDULE):
                name = bi.ITEM_BY_CODE[item].parameters[0]  # the provincial schedule
                m = _lookup(p[name], when, _by_grade, index=code)
                own = _lookup(p[name], when, lambda v: v.get("base") == "own_wage", dtype=bool)
                base = np.where(own, w, area)
                due[item] = grade510 & leaves
                amount[item] = np.where(due[item], m * base * factor, 0.0)

    if is_death.any():
        # 丧葬补助金 (art. 39(1))
        fm = _lookup(p["benefits.funeral_grant_months"], when, lambda v: v)
        due["funeral_grant"] = is_death
        amount["funeral_grant"] = np.where(is_death, fm * area, 0.0)
        # 供养亲属抚恤金 (art. 39(2))
        sp = p["benefits.survivor_pension_pct"]
        spouse = _lookup(sp, when, lambda v: v["spouse"])
        other = _lookup(sp, when, lambda v: v["other"])
        extra = _lookup(sp, when, lambda v: v["orphan_or_lone_elder_extra"])
        cap = _lookup(p["benefits.survivor_pension_cap"], when, lambda v: v)
        raw = (spouse * n_sp + other * n_ot + extra * n_ex) * w
        due["survivor_pension"] = is_death & (n_sp + n_ot > 0)
        amount["survivor_pension"] = np.where(is_death, np.minimum(raw, cap * w), 0.0)
        # 一次性工亡补助金 (art. 39(3))
        mult = _lookup(p["benefits.death_lump_sum_income_multiple"], when, lambda v: v)
        if national_income_prev_year is None:
            d = _previous_year_income(p, when, is_death)
        else:
            d = np.broadcast_to(np.asarray(national_income_prev_year, dtype=np.float64), shape)
        due["death_lump_sum"] = is_death
        amount["death_lump_sum"] = np.where(is_death, mult * d, 0.0)

    return PricedBenefits(
        amount=amount, due=due, fund_pays=fund, end_date=end, wage_base=w, retirement_date=ret
    )


def _previous_year_income(p: ParameterSet, when: DateArray, mask: BoolArray) -> FloatArray:
    """``D(year − 1)`` from the published series, for the cases in ``mask``."""
    param = p["income.national_urban_disposable_income"]
    years = when.astype("datetime64[Y]").astype(np.int64) + 1970
    prev = years - 1
    first, last = param.values[0].start.year, param.values[-1].start.year
    series = {v.start.year: float(v.value) for v in param.values}
    bad = mask & ((prev < first) | (prev > last))
    if bad.any():
        y = int(prev[bad].ravel()[0])
        raise ParameterError(
            f"national urban disposable income for {y} is not in the series ({first}-{last}); "
            "a death in that year needs it (pass national_income_prev_year for projections)",
            file=param.file or None,
            field=param.name,
            rows=_rows(bad) if bad.size > 1 else None,
        )
    table = np.array([series.get(y, np.nan) for y in range(first, last + 1)])
    idx = np.clip(prev - first, 0, last - first)
    return np.where(mask, table[idx], 0.0)


def _retirement_reduction(
    p: ParameterSet, when: DateArray, sep: DateArray, ret: DateArray
) -> FloatArray:
    """Near-retirement factor of the grade 5-10 lump sums (whole years left at separation)."""
    rule = p["jilin.lump_sum_retirement_reduction"]
    full = _lookup(rule, when, lambda v: v["full_years"])
    step = _lookup(rule, when, lambda v: v["step"])
    under = _lookup(rule, when, lambda v: v["under_one_year"])
    valid = ~np.isnat(ret)
    sep_m = sep.astype("datetime64[M]").astype(np.int64)
    ret_m = np.where(valid, ret, sep).astype("datetime64[M]").astype(np.int64)
    sep_day = (sep - sep.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    r = np.where(valid, ret, sep)
    ret_day = (r - r.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    months_left = ret_m - sep_m - (ret_day < sep_day)
    years_left = np.floor_divide(months_left, 12)
    factor = np.where(
        years_left >= full, 1.0, np.where(years_left >= 1, 1.0 - step * (full - years_left), under)
    )
    factor = np.where(sep >= r, 0.0, factor)
    out: FloatArray = np.where(valid, factor, 1.0)
    return out


# --------------------------------------------------------------------------------------
# case files and the scalar calculator
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dependant:
    """A dependant of a deceased worker (供养亲属)."""

    relation: str
    orphan_or_lone_elder: bool = False


@dataclass(frozen=True)
class Case:
    """One benefit case (the TOML case file's keys)."""

    event_date: dt.date
    outcome: str
    monthly_wage: float
    area_avg_monthly_wage: float
    birth_date: dt.date | None = None
    sex: str | None = None
    original_retirement_age: int | None = None
    nursing: str = "none"
    leaves_employment: bool = False
    suitable_work: bool = False
    separation_date: dt.date | None = None
    dependants: tuple[Dependant, ...] = ()
    file: str | None = None

    @property
    def retirement_group(self) -> str | None:
        """``male`` | ``female_staff`` | ``female_worker`` from sex and original age."""
        if self.sex is None:
            return None
        if self.sex == "male":
            return "male"
        staff = original_ages()["female_staff"]
        return "female_staff" if self.original_retirement_age == staff else "female_worker"


def original_ages(parameters: ParameterSet | None = None) -> dict[str, int]:
    """Original statutory retirement ages by group (``retirement.original_age``, latest value):
    ``male``, ``female_staff``, ``female_worker``."""
    p = parameters if parameters is not None else load_parameters()
    return {str(k): int(v) for k, v in p["retirement.original_age"].values[-1].value.items()}


_REQUIRED = ("event_date", "outcome", "monthly_wage", "area_avg_monthly_wage")
_OPTIONAL = (
    "birth_date",
    "sex",
    "original_retirement_age",
    "nursing",
    "leaves_employment",
    "suitable_work",
    "separation_date",
    "dependants",
)
_DEPENDANT_KEYS = ("relation", "orphan_or_lone_elder")


def _date(value: Any, name: str, file: str | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"must be a date YYYY-MM-DD, got {value!r}", file=file, field=name)


def _number(value: Any, name: str, file: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"must be a number, got {value!r}", file=file, field=name)
    return float(value)


def _bool(value: Any, name: str, file: str | None) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"must be true or false, got {value!r}", file=file, field=name)
    return value


def case_from_mapping(data: Mapping[str, Any], file: str | None = None) -> Case:
    """Validate a case given as a mapping (strict keys) and return a :class:`Case`."""
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        allowed = ", ".join((*_REQUIRED, *_OPTIONAL))
        raise InputError(f"unknown key; allowed keys: {allowed}", file=file, field=unknown[0])
    for key in _REQUIRED:
        if key not in data:
            raise InputError("missing required key", file=file, field=key)
    outcome = data["outcome"]
    if outcome not in OUTCOMES:
        raise InputError(
            f"unknown outcome {outcome!r}; expected medical_only, grade_1 … grade_10 or death",
            file=file,
            field="outcome",
        )
    event = _date(data["event_date"], "event_date", file)
    wage = _number(data["monthly_wage"], "monthly_wage", file)
    if wage < 0:
        raise InputError(
            f"must be ≥ 0 yuan per month, got {wage:g}", file=file, field="monthly_wage"
        )
    area = _number(data["area_avg_monthly_wage"], "area_avg_monthly_wage", file)
    if area <= 0:
        raise InputError(
            f"must be > 0 yuan per month, got {area:g}", file=file, field="area_avg_monthly_wage"
        )
    birth = _date(data["birth_date"], "birth_date", file) if "birth_date" in data else None
    if birth is not None and birth >= event:
        raise InputError("must be before event_date", file=file, field="birth_date")
    sex = data.get("sex")
    if sex is not None and sex not in ("male", "female"):
        raise InputError(f"must be 'male' or 'female', got {sex!r}", file=file, field="sex")
    orig = data.get("original_retirement_age")
    ages = original_ages()
    if orig is not None:
        if sex is None:
            raise InputError("needs 'sex'", file=file, field="original_retirement_age")
        if (
            isinstance(orig, bool)
            or not isinstance(orig, int)
            or orig
            not in (
                (ages["male"],) if sex == "male" else (ages["female_worker"], ages["female_staff"])
            )
        ):
            raise InputError(
                f"must be {ages['male']} for men and {ages['female_worker']} (workers) or "
                f"{ages['female_staff']} (staff) for women, got {orig!r}",
                file=file,
                field="original_retirement_age",
            )
    elif sex is not None:
        orig = ages["male"] if sex == "male" else ages["female_worker"]
    nursing = data.get("nursing", "none")
    if nursing not in NURSING_LEVELS:
        raise InputError(
            f"must be one of {', '.join(NURSING_LEVELS)}, got {nursing!r}",
            file=file,
            field="nursing",
        )
    is_grade = outcome.startswith("grade_")
    grade = int(outcome.split("_")[1]) if is_grade else 0
    if nursing != "none" and not is_grade:
        raise InputError("nursing applies to disability grades only", file=file, field="nursing")
    leaves = _bool(data.get("leaves_employment", False), "leaves_employment", file)
    if leaves and not 5 <= grade <= 10:
        raise InputError(
            "applies to grades 5-10 only (grades 1-4 keep the labour relation)",
            file=file,
            field="leaves_employment",
        )
    work = _bool(data.get("suitable_work", False), "suitable_work", file)
    sep = (
        _date(data["separation_date"], "separation_date", file)
        if "separation_date" in data
        else None
    )
    if sep is not None and sep < event:
        raise InputError("must not be before event_date", file=file, field="separation_date")
    if is_grade and (birth is None or sex is None):
        raise InputError(
            "needed for disability grades (retirement date)",
            file=file,
            field="birth_date" if birth is None else "sex",
        )
    raw_deps = data.get("dependants", [])
    if not isinstance(raw_deps, list):
        raise InputError("must be an array of tables [[dependants]]", file=file, field="dependants")
    if raw_deps and outcome != "death":
        raise InputError("dependants apply to death cases only", file=file, field="dependants")
    deps: list[Dependant] = []
    for i, d in enumerate(raw_deps, start=1):
        where = f"dependants[{i}]"
        if not isinstance(d, Mapping):
            raise InputError("must be a table", file=file, field=where)
        bad = sorted(set(d) - set(_DEPENDANT_KEYS))
        if bad:
            raise InputError(
                f"unknown key; allowed keys: {', '.join(_DEPENDANT_KEYS)}",
                file=file,
                field=f"{where}.{bad[0]}",
            )
        if "relation" not in d:
            raise InputError("missing required key", file=file, field=f"{where}.relation")
        if d["relation"] not in RELATIONS:
            raise InputError(
                f"must be one of {', '.join(RELATIONS)}, got {d['relation']!r}",
                file=file,
                field=f"{where}.relation",
            )
        flag = _bool(d.get("orphan_or_lone_elder", False), f"{where}.orphan_or_lone_elder", file)
        deps.append(Dependant(relation=str(d["relation"]), orphan_or_lone_elder=flag))
    if sum(d.relation == "spouse" for d in deps) > 1:
        raise InputError("at most one spouse", file=file, field="dependants")
    return Case(
        event_date=event,
        outcome=str(outcome),
        monthly_wage=wage,
        area_avg_monthly_wage=area,
        birth_date=birth,
        sex=sex,
        original_retirement_age=orig,
        nursing=str(nursing),
        leaves_employment=leaves,
        suitable_work=work,
        separation_date=sep,
        dependants=tuple(deps),
        file=file,
    )


def load_case(path: str | Path) -> Case:
    """Read and validate a TOML case file (strict keys)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", file=p) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=p) from None
    return case_from_mapping(data, file=str(p))


@dataclass(frozen=True)
class ParameterRef:
    """A parameter used for an item, with the value in force and its source."""

    name: str
    value: Any
    unit: str
    start: dt.date
    source: str
    confidence: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "name": self.name,
            "value": _jsonable(self.value),
            "unit": self.unit,
            "from": self.start.isoformat(),
            "source": self.source,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class BenefitLine:
    """One benefit item of an assessed case."""

    item: str
    label_zh: str
    payer: str
    kind: str
    amount: float
    applies: bool
    end_date: dt.date | None = None
    note: str = ""
    parameters: tuple[ParameterRef, ...] = ()

    @property
    def assumption(self) -> bool:
        """True if any parameter behind the amount is tagged ``assumption``."""
        return self.applies and any(r.confidence == "assumption" for r in self.parameters)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (keys ``item``, ``payer``, ``kind``, ``amount`` …)."""
        return {
            "item": self.item,
            "label_zh": self.label_zh,
            "payer": self.payer,
            "kind": self.kind,
            "amount": round(self.amount, 2),
            "applies": self.applies,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "note": self.note,
            "uses_assumption": self.assumption,
            "parameters": [r.to_dict() for r in self.parameters],
        }


@dataclass(frozen=True)
class Assessment:
    """The benefits of one case."""

    case: Case
    wage_base: float
    retirement_date: dt.date | None
    lines: tuple[BenefitLine, ...] = field(default_factory=tuple)

    def line(self, item: str) -> BenefitLine:
        """The line of one item code."""
        for ln in self.lines:
            if ln.item == item:
                return ln
        raise KeyError(item)

    def to_json(self) -> list[dict[str, Any]]:
        """List of item objects (every item, ``applies`` false where it does not)."""
        return [ln.to_dict() for ln in self.lines]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _ref(p: ParameterSet, name: str, when: dt.date) -> ParameterRef:
    param = p[name]
    e = param.entry_at(when)
    return ParameterRef(name, e.value, param.unit, e.start, e.source, e.confidence)


#: Items whose amount or end date depends on the statutory retirement date (their references
#: name the retirement parameters too).
_RETIREMENT_ITEMS = ("disability_allowance", *bi.codes(rule=True, wage_base=bi.SCHEDULE))


def _as_date(x: np.datetime64) -> dt.date | None:
    if np.isnat(x):
        return None
    return dt.date.fromisoformat(str(x.astype("datetime64[D]")))


def assess(
    case: Case | Mapping[str, Any] | str | Path, parameters: ParameterSet | None = None
) -> Assessment:
    """Assess the benefits of one case with the vectorised core :func:`price_benefits`.

    Parameters
    ----------
    case
        A :class:`Case`, a mapping with the case-file keys, or the path of a TOML case file.
    parameters
        Parameter set (default: the package's).

    Returns
    -------
    Assessment
        Every item of :data:`BENEFIT_ITEMS` (``applies`` false and amount 0 where it does not
        apply), with payer, kind, amount, end date and the parameters used with their sources.
    """
    p = parameters if parameters is not None else load_parameters()
    if isinstance(case, str | Path):
        c = load_case(case)
    elif isinstance(case, Case):
        c = case
    else:
        c = case_from_mapping(case)
    group = c.retirement_group
    n_spouse = sum(d.relation == "spouse" for d in c.dependants)
    n_other = len(c.dependants) - n_spouse
    n_extra = sum(d.orphan_or_lone_elder for d in c.dependants)
    when = np.datetime64(c.event_date.isoformat(), "D")
    try:
        r = price_benefits(
            [c.outcome],
            [c.monthly_wage],
            [c.area_avg_monthly_wage],
            np.array([when]),
            birth_date=None
            if c.birth_date is None
            else np.array([c.birth_date.isoformat()], dtype="datetime64[D]"),
            retirement_group=None if group is None else [group],
            nursing=[c.nursing],
            leaves_employment=[c.leaves_employment],
            suitable_work=[c.suitable_work],
            n_spouse=[n_spouse],
            n_other=[n_other],
            n_orphan_or_lone_elder=[n_extra],
            separation_date=None
            if c.separation_date is None
            else np.array([c.separation_date.isoformat()], dtype="datetime64[D]"),
            parameters=p,
        )
    except ParameterError as exc:
        raise InputError(
            f"{exc.rule} (policy parameter '{exc.field}')", file=c.file, field="event_date"
        ) from None
    ret = _as_date(r.retirement_date[0])
    lines = []
    for item in BENEFIT_ITEMS:
        amount = float(r.amount[item][0])
        applies = bool(r.due[item][0])
        spec = bi.ITEM_BY_CODE[item]
        refs = [_ref(p, n, c.event_date) for n in spec.parameters] if applies else []
        if applies and spec.wage_base == bi.NATIONAL_INCOME:
            refs.append(
                _ref(
                    p,
                    "income.national_urban_disposable_income",
                    dt.date(c.event_date.year - 1, 1, 1),
                )
            )
        if applies and item in _RETIREMENT_ITEMS and ret:
            refs.append(_ref(p, "retirement.original_age", ret))
            sched = p["retirement.delay_schedule"]
            if ret >= sched.first_date:
                refs.append(_ref(p, "retirement.delay_schedule", ret))
        lines.append(
            BenefitLine(
                item=item,
                label_zh=spec.label_zh,
                payer="fund" if bool(r.fund_pays[item][0]) else "employer",
                kind=ITEM_KIND[item],
                amount=amount if applies else 0.0,
                applies=applies,
                end_date=_as_date(r.end_date[item][0]) if applies else None,
                note=_note(c, item, applies, bool(r.fund_pays[item][0]), ret),
                parameters=tuple(refs),
            )
        )
    return Assessment(
        case=c, wage_base=float(r.wage_base[0]), retirement_date=ret, lines=tuple(lines)
    )


def _grade(c: Case) -> int:
    return int(c.outcome.split("_")[1]) if c.outcome.startswith("grade_") else 0


def _note(c: Case, item: str, applies: bool, fund: bool, ret: dt.date | None) -> str:
    """The explanation shown with a line (presentation only: eligibility and amounts come from
    :func:`price_benefits`)."""
    g = _grade(c)
    if item == "disability_allowance" and applies:
        if fund:
            return (
                f"fund-paid until the statutory retirement date {ret}; "
                "then only the pension top-up (art. 35(3))"
            )
        return (
            "employer-paid, only while the employer cannot arrange suitable work (art. 36(2)); "
            "shown to the retirement date"
        )
    if item == "disability_allowance" and ret is not None and c.event_date >= ret:
        return "not due: the event is on or after the statutory retirement date"
    if item == "disability_allowance" and g in (5, 6):
        return (
            "not due: worker leaves employment"
            if c.leaves_employment
            else "not due: employer arranges suitable work"
        )
    if item in ("medical_lump_sum", "employment_lump_sum") and applies:
        return (
            "Jilin schedule not found: ASSUMPTION (placeholder schedule, see benefits_jilin.toml)"
        )
    if item in ("medical_lump_sum", "employment_lump_sum") and 5 <= g <= 10:
        return "due only when the labour relation ends (leaves_employment = true)"
    if item == "nursing_care" and applies:
        return "monthly while the nursing need lasts; no fixed end date"
    if item == "survivor_pension" and applies:
        return (
            "per dependant until they cease to qualify "
            "(人社部 dependant rules; no end date derived)"
        )
    if item == "survivor_pension" and c.outcome == "death":
        return "no dependants listed"
    return "" if applies else "not applicable to this outcome"
