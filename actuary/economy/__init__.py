"""Stochastic economic and labour-market models: wages, employment, CPI, deposit rate, national
disposable income, regional deviations, coverage expansion (扩面) and collection (征缴).

Entry points: :class:`EconomyModel` (``fit(data)`` / ``fix(params)`` /
``from_assumptions(file)``) → :class:`EconomyResults` (``params``, ``summary()``,
``simulate(years, n_paths, rng, overrides=())``), and :func:`simulate_blocks` (fixed path
blocks, optional process pool, identical results for any number of workers).
"""

from actuary.economy.history import EconomyBase, EconomyHistory, history_from
from actuary.economy.model import (
    UNITS,
    EconomyModel,
    EconomyParams,
    EconomyResults,
    simulate_blocks,
)
from actuary.spec.economy import EconomySpec

__all__ = [
    "UNITS",
    "EconomyBase",
    "EconomyHistory",
    "EconomyModel",
    "EconomyParams",
    "EconomyResults",
    "EconomySpec",
    "history_from",
    "simulate_blocks",
]
