"""Stochastic economic and labour-market models: wages, employment, CPI, deposit rate, national
disposable income, regional deviations, coverage expansion (扩面) and collection (征缴).

Entry points: :class:`EconomyModel` (``fit(data)`` / ``fix(params)`` /
``from_assumptions(file)``) → :class:`EconomyResults` (``params``, ``summary()``,
``simulate(years, n_paths, rng, overrides=())``), and :func:`simulate_blocks` (fixed path
blocks, optional process pool, identical results for any number of workers). Wage-model
candidates and their out-of-sample mixture (``model.form = "oos_mixture"``):
:mod:`actuary.economy.candidates`; backtests: :mod:`actuary.economy.backtest`.

Contract (what the projection relies on)
----------------------------------------
`EconomyModel(spec).fit(data) / .fix(params) -> EconomyResults` with `params`, `summary()`,
`simulate(years, n_paths, rng, overrides=()) -> xr.Dataset`: `avg_wage` (path, year, region;
yuan/yr), `wage_growth` (path, year), `employment` (path, year, region), `coverage_rate`,
`covered_workers`, `covered_payroll` (path, year, region, industry_class), `collection_rate` (path,
year, region), `cpi_growth`, `deposit_rate`, `national_disposable_income` (path, year); also
`avg_wage_province`, `employment_province`, `employment_growth`, `disposable_income_growth` (path,
year). `region` holds the pooling sub-units only (no `"JL"`; the provincial wage is
`avg_wage_province`). Years must come after the last history year; the path coordinate starts at
`path_start=`. Overrides are `Override(target, value, year=None, reason)` records (pins:
`wage_growth`, `employment_growth`, `cpi_growth`, `deposit_rate`, `disposable_income_growth`,
`collection_rate`; parameters: names of `EconomyResults.param_table()`) and are echoed as JSON in
`ds.attrs["overrides"]`. `EconomyModel.from_assumptions(AssumptionFile)` builds the model (via
`EconomySpec.parse`) from `models/assumptions/economy.toml` (with its pins);
`simulate_blocks(results, years, n_paths, seed, workers=)` runs fixed blocks with stream
`"economy"`.
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
