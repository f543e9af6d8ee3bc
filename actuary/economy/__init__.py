"""Stochastic economic and labour-market models: wages, employment, CPI, deposit rate, national
disposable income, regional deviations, coverage expansion (扩面) and collection (征缴).

Entry points: :class:`EconomyModel` (``fit(data)`` / ``fix(params)`` /
``from_assumptions(file)``) → :class:`EconomyResults` (``params``, ``summary()``,
``simulate(years, n_paths, rng, overrides=())``), and :func:`simulate_blocks` (fixed path
blocks, optional process pool, identical results for any number of workers).
"""

from actuary.economy.assumptions import spec_from_assumptions
from actuary.economy.history import EconomyHistory, history_from
from actuary.economy.model import (
    UNITS,
    EconomyBase,
    EconomyModel,
    EconomyParams,
    EconomyResults,
    EconomySpec,
    simulate_blocks,
)

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
    "spec_from_assumptions",
]
