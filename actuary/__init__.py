"""actuary: stochastic budget drafting and rate setting for a provincial work-injury fund.

The package serves the Jilin provincial work-injury insurance fund (工伤保险基金, 省级统收统支,
吉政发〔2020〕20号): dated policy parameters, a benefit calculator, data loaders, stochastic
economic and claims models, a fund projection engine, the annual budget draft, contribution-rate
scenarios under 以支定收、收支平衡, a third-party review pack and budget execution monitoring.
"""

from __future__ import annotations

from actuary._version import __version__
from actuary.benefits import assess, price_benefits
from actuary.params import load_parameters
from actuary.retirement import retirement_date

__all__ = [
    "__version__",
    "assess",
    "compare_scenarios",
    "draft_budget",
    "expected_outturn",
    "load_parameters",
    "load_province",
    "load_run",
    "monitor",
    "price_benefits",
    "project",
    "retirement_date",
    "solve_rates",
    "verify",
    "write_budget",
    "write_report",
]

#: Entry points imported on first use (xarray, dask: keep ``import actuary`` light).
_LAZY = {
    "load_run": "actuary.spec.run",
    "project": "actuary.projection",
    "draft_budget": "actuary.budget",
    "write_budget": "actuary.budget",
    "load_province": "actuary.data",
    "solve_rates": "actuary.rates",
    "compare_scenarios": "actuary.compare:compare",
    "write_report": "actuary.report.writer",
    "verify": "actuary.commands.verify",
    "monitor": "actuary.monitoring",
    "expected_outturn": "actuary.monitoring",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, _, attr = _LAZY[name].partition(":")
        return getattr(importlib.import_module(module), attr or name)
    raise AttributeError(f"module 'actuary' has no attribute {name!r}")
