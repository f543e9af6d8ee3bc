"""Money units of every output: yuan inside the package, 万元 (or 亿元) where shown.

The package computes in yuan; tables, workbooks, charts and summaries show 万元 (10,000 yuan)
or, for large totals, 亿元 (100 million yuan). Every conversion goes through :func:`to_wan` /
:func:`to_yi` (or :func:`from_wan` for figures entered in 万元) so the factor is written once.

>>> to_wan(123_456_789.0)
12345.6789
>>> to_yi(123_456_789.0)
1.23456789
>>> from_wan(41_850.0)
418500000.0
"""

from __future__ import annotations

from typing import Final, Literal, TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "UNIT_LABEL",
    "WAN",
    "YI",
    "YUAN_PER",
    "from_wan",
    "to_unit",
    "to_wan",
    "to_yi",
    "unit_label",
]

#: Yuan per 万元 and per 亿元.
WAN: Final = 1e4
YI: Final = 1e8

Unit = Literal["yuan", "wan", "yi"]

#: Yuan per unit of each money unit.
YUAN_PER: Final[dict[str, float]] = {"yuan": 1.0, "wan": WAN, "yi": YI}

#: Label of each unit (Chinese, English).
UNIT_LABEL: Final[dict[str, tuple[str, str]]] = {
    "yuan": ("元", "yuan"),
    "wan": ("万元", "10,000 yuan"),
    "yi": ("亿元", "100 million yuan"),
}

#: What the converters take and give back: a number, an array, a Series or a frame.
T = TypeVar("T", float, np.ndarray, pd.Series, pd.DataFrame)


def to_unit(yuan: T, unit: Unit) -> T:
    """``yuan`` (a number, array, Series or frame) in ``unit``: divided by its yuan per unit."""
    if unit == "yuan":
        return yuan
    return yuan / YUAN_PER[unit]


def to_wan(yuan: T) -> T:
    """Yuan → 万元 (÷ 10,000)."""
    return yuan / WAN


def to_yi(yuan: T) -> T:
    """Yuan → 亿元 (÷ 100,000,000)."""
    return yuan / YI


def from_wan(wan: T) -> T:
    """万元 → yuan (× 10,000), for amounts entered in 万元."""
    return wan * WAN


def unit_label(unit: Unit = "wan", lang: Literal["zh", "en"] = "zh") -> str:
    """Label of a money unit: ``"wan"`` → ``"万元"`` (``lang="en"``: ``"10,000 yuan"``)."""
    zh, en = UNIT_LABEL[unit]
    return zh if lang == "zh" else en
