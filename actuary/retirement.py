"""Statutory retirement date, with the gradual delay in force from 2025-01-01 (vectorised).

Rules (parameters ``retirement.original_age`` and ``retirement.delay_schedule``;
全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》, 2024-09-13):

- original statutory ages: men 60, women cadres/technical staff 55 (``female_staff``), women
  workers 50 (``female_worker``);
- 《国务院关于渐进式延迟法定退休年龄的办法》 art. 1: from 2025-01-01 the age rises by one month for
  every 4 birth months (men, women-55) or every 2 birth months (women-50), up to 63 / 58 / 55.
  For a birth month ``b`` on or after the group's first affected month ``f``::

      delay(b) = min(max_delay, floor((b - f) / step) + 1)      [months]
      age(b)   = original_age * 12 + delay(b)                   [months]

  and ``delay = 0`` for earlier births. A man born 1965-01 retires at 60y1m (2025-02); one born
  1976-09 or later at 63.

The retirement date is the day the worker attains that age: the birth date moved forward by
``age(b)`` months (the day clipped to the length of the target month).

All functions take numpy arrays (any shape, broadcast together) and loop only over the few
dated entries of the parameters, never over people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from actuary.errors import InputError
from actuary.params import ParameterSet, load_parameters

__all__ = [
    "GROUPS",
    "add_months",
    "group_code",
    "retirement_age_months",
    "retirement_date",
    "to_datetime64",
]

#: Retirement groups; integer codes are the positions in this tuple.
GROUPS: tuple[str, ...] = ("male", "female_staff", "female_worker")

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]


def to_datetime64(dates: Any) -> DateArray:
    """Convert dates (``datetime.date``, ISO strings, ``datetime64``; any shape) to days."""
    if isinstance(dates, dt.date) and not isinstance(dates, dt.datetime):
        return np.asarray(np.datetime64(dates.isoformat(), "D"))
    arr = np.asarray(dates)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]")
    if arr.dtype == object:
        flat = [
            np.datetime64(d.isoformat() if isinstance(d, dt.date) else d, "D") for d in arr.ravel()
        ]
        return np.asarray(flat, dtype="datetime64[D]").reshape(arr.shape)
    return arr.astype("datetime64[D]")


def add_months(dates: Any, months: Any) -> DateArray:
    """Move dates forward by whole months, clipping the day to the target month's length.

    >>> str(add_months(np.datetime64("2024-01-31"), 1))
    '2024-02-29'
    """
    d = to_datetime64(dates)
    m = np.asarray(months, dtype=np.int64)
    month_start = d.astype("datetime64[M]")
    day = (d - month_start.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month_start + m.astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    out: DateArray = target.astype("datetime64[D]") + np.minimum(day, length - 1).astype(
        "timedelta64[D]"
    )
    return out


def group_code(group: Any) -> IntArray:
    """Map group names (``male``, ``female_staff``, ``female_worker``) or integer codes to codes."""
    arr = np.asarray(group)
    if arr.dtype.kind in "iu":
        codes = arr.astype(np.int64)
        if codes.size and (codes.min() < 0 or codes.max() >= len(GROUPS)):
            raise InputError(f"group codes must be 0..{len(GROUPS) - 1}", field="group")
        return codes
    lookup = {g: i for i, g in enumerate(GROUPS)}
    flat = arr.ravel()
    out = np.empty(flat.shape, dtype=np.int64)
    for name, code in lookup.items():
        out[flat == name] = code
    known = np.isin(flat, list(lookup))
    if not known.all():
        bad = sorted({str(x) for x in flat[~known]})[:5]
        raise InputError(
            f"unknown retirement group(s) {bad}; expected one of {GROUPS}", field="group"
        )
    return out.reshape(arr.shape)


def _month_index(ym: str) -> int:
    year, month = (int(x) for x in ym.split("-"))
    return year * 12 + month - 1


def retirement_age_months(
    birth_date: Any, group: Any, parameters: ParameterSet | None = None
) -> IntArray:
    """Statutory retirement age in months (original age plus the reform delay), vectorised.

    Parameters
    ----------
    birth_date
        Dates of birth (array-like of dates / ``datetime64``).
    group
        ``male`` | ``female_staff`` | ``female_worker`` (or codes 0, 1, 2), broadcast with
        ``birth_date``.
    parameters
        Parameter set (default: the package's).

    Returns
    -------
    numpy.ndarray of int
        Age in months at which the worker reaches the statutory retirement age.
    """
    p = parameters if parameters is not None else load_parameters()
    birth = to_datetime64(birth_date)
    codes = group_code(group)
    birth, codes = np.broadcast_arrays(birth, codes)
    original = p["retirement.original_age"]
    schedule = p["retirement.delay_schedule"]
    # original ages: one table (all entries share the groups); use the latest entry
    orig_ages = original.values[-1].value
    age = np.zeros(birth.shape, dtype=np.int64)
    for i, g in enumerate(GROUPS):
        age[codes == i] = int(orig_ages[g]) * 12
    # the delay applies to those reaching the original age on/after the schedule's start
    birth_month = birth.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    reach_original = add_months(birth, age)
    delay = np.zeros(birth.shape, dtype=np.int64)
    entries = schedule.values
    for k, entry in enumerate(entries):
        start = np.datetime64(entry.start.isoformat(), "D")
        in_force = reach_original >= start
        if k + 1 < len(entries):
            in_force &= reach_original < np.datetime64(entries[k + 1].start.isoformat(), "D")
        for i, g in enumerate(GROUPS):
            rule = entry.value[g]
            first = _month_index(str(rule["first_birth_month"])) - 1970 * 12
            step = int(rule["step_birth_months"])
            cap = int(rule["max_delay_months"])
            sel = in_force & (codes == i) & (birth_month >= first)
            d = np.minimum(cap, (birth_month - first) // step + 1)
            delay[sel] = d[sel]
    out: IntArray = age + delay
    return out


def retirement_date(
    birth_date: Any, group: Any, parameters: ParameterSet | None = None
) -> DateArray:
    """Statutory retirement date (the day the reformed retirement age is attained), vectorised.

    ``retirement_date = birth_date + retirement_age_months(birth_date, group)`` months.

    Examples
    --------
    A man born 1970-05-15: delay = floor((1970-05 − 1965-01) / 4) + 1 = floor(64 / 4) + 1 = 17
    months, so he retires at 61 years 5 months, on 2031-10-15.

    >>> str(retirement_date(np.datetime64("1970-05-15"), "male"))
    '2031-10-15'
    """
    birth = to_datetime64(birth_date)
    return add_months(birth, retirement_age_months(birth, group, parameters))


def retirement_groups(sex: Sequence[str], original_age: Sequence[int]) -> IntArray:
    """Group codes from sex and original retirement age (women 50 → worker, 55 → staff)."""
    s = np.asarray(sex)
    a = np.asarray(original_age, dtype=np.int64)
    out = np.full(s.shape, -1, dtype=np.int64)
    out[(s == "male") & (a == 60)] = 0
    out[(s == "female") & (a == 55)] = 1
    out[(s == "female") & (a == 50)] = 2
    if (out < 0).any():
        raise InputError(
            "original_retirement_age must be 60 for men and 50 or 55 for women",
            field="original_retirement_age",
        )
    return out
