"""Plausible ranges of model-file values, and the check that refuses a value outside its range.

Each spec module states a table ``{key: Bound(lo, hi, basis)}`` next to its parser: the range a
value of that key can take in a sound model of the Jilin fund, with a one-line basis (the public
series in ``data/public/`` where there is one). A value outside its range is refused with an
:class:`~actuary.errors.InputError` naming the file and the key; a *fraction* (a share, a rate, a
growth rate) given above 1 whose hundredth lies in range is refused with the hint that it looks
like a percent (``wage_growth.mean = 5.0`` → "did you mean 0.05 (5 %)?").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike

from actuary.errors import InputError

__all__ = ["Bound", "check_bound"]


@dataclass(frozen=True, slots=True)
class Bound:
    """Closed plausible range ``[lo, hi]`` of a value, its basis, whether it is a fraction, and
    its unit (shown in messages; the data loader's column bounds use the same type)."""

    lo: float
    hi: float
    basis: str
    fraction: bool = False
    unit: str = ""


def _fmt(x: float) -> str:
    return f"{x:g}"


def check_bound(
    value: object,
    bound: Bound,
    *,
    file: str | PathLike[str] | None,
    field: str,
) -> None:
    """Raise :class:`InputError` when ``value`` (a number, or a table of numbers) is implausible.

    Non-numeric values (``"fitted"``, strings, booleans, lists) are left to the parser's own type
    checks; a table (by region or class) has every numeric entry checked.
    """
    if isinstance(value, Mapping):
        for k, v in value.items():
            check_bound(v, bound, file=file, field=f"{field}.{k}")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{field} = {value} is not a finite number", file=file, field=field)
    if bound.lo <= x <= bound.hi:
        return
    if bound.fraction and abs(x) > 1:
        raise InputError(
            f"{field} = {value} looks like a percent: did you mean {_fmt(x / 100)} "
            f"({_fmt(x)} %)? (plausible range [{_fmt(bound.lo)}, {_fmt(bound.hi)}], "
            f"basis: {bound.basis})",
            file=file,
            field=field,
        )
    raise InputError(
        f"{field} = {value} lies outside its plausible range [{_fmt(bound.lo)}, "
        f"{_fmt(bound.hi)}] (basis: {bound.basis})",
        file=file,
        field=field,
    )
