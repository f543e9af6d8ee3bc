"""The one set of computed values behind a review pack (both languages are rendered from it).

:class:`ReportValues` is a plain container: :func:`actuary.report.build.compute_values` fills
it from a run (data, fits, projection, budget, rates, sensitivity, analysis of change) and
:func:`actuary.report.sections.build_document` turns it into a bilingual document. Money is in
yuan here; the document shows 万元.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class ReportValues:
    """Every number and table the report shows, computed once.

    Tables are pandas frames with documented columns (see :mod:`actuary.report.build`); path
    arrays are ``(n_paths, n_years)`` in yuan for the province (``"JL"``), baseline scenario.
    """

    run_name: str
    description: str
    run_file: str
    synthetic: bool
    as_of: str
    base_year: int
    current_year: int
    budget_year: int
    years: tuple[int, ...]
    n_paths: int
    seed: int
    central: str
    quantiles: tuple[float, ...]
    scenario_names: tuple[str, ...]
    scenario_descriptions: dict[str, str]
    rate_policy: dict[str, Any]
    # --- data
    data_folder: str
    data_files: pd.DataFrame  # file, rows, columns, sha256
    data_sources: list[str]
    data_checks: pd.DataFrame  # check_zh, check_en, passed (bool), detail
    reconciliation: pd.DataFrame  # item, execution, model_base, difference (yuan)
    history: pd.DataFrame  # index year: revenue_total, expenditure_total, balance_close (yuan)
    # --- assumptions
    assumptions: (
        pd.DataFrame
    )  # file_id, key, value, unit, basis, source, note, overridden_by, reason
    adjustments: pd.DataFrame  # target, value, year, reason, origin
    parameters: pd.DataFrame  # name, description, unit, value, start, source, confidence
    # --- fits, backtest
    fit_texts: list[tuple[str, str]]
    backtest: pd.DataFrame | None
    # --- projection (baseline, province)
    paths: dict[str, np.ndarray]
    # --- budget draft: index item code; prior_actual, expected_outturn, draft, change,
    #     p05, p50, p95
    budget: pd.DataFrame
    budget_regions: pd.DataFrame  # index region: revenue_total, expenditure_total, net_flow
    risk: dict[str, float]  # prob_deficit, prob_below_reserve, months_p50 (budget year)
    # --- rates and scenarios
    scenarios: pd.DataFrame  # index scenario: revenue, expenditure, balance, prob_deficit, months_*
    rates: dict[str, Any] | None
    # --- sensitivity: label_zh, label_en, target, unit, base_value, low_value, high_value,
    #     balance_low, balance_high, expenditure_low, expenditure_high
    sensitivity: pd.DataFrame
    sensitivity_base: dict[str, float]
    sensitivity_paths: int
    # --- analysis of change: cause, delta; plus the two end points
    change: pd.DataFrame | None = None
    change_ends: dict[str, float] = field(default_factory=dict)
    change_previous: str = ""
    # --- reproducibility
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame)  # group, path, sha256
    versions: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    notes: list[str] = field(default_factory=list)  # parts that could not be computed, and why
    # dated parameter values tagged "assumption" in force from the base year to the horizon:
    # name, description, unit, value, span, source
    unconfirmed_parameters: pd.DataFrame = field(default_factory=pd.DataFrame)

    def key_figures(self) -> dict[str, Any]:
        """The headline figures as plain numbers (written to ``results.json``)."""
        b = self.budget
        out: dict[str, Any] = {
            "run": self.run_name,
            "budget_year": self.budget_year,
            "n_paths": self.n_paths,
            "seed": self.seed,
            "central": self.central,
            "budget_yuan": {
                str(item): {c: _num(b.loc[item, c]) for c in b.columns} for item in b.index
            },
            "risk": {k: _num(v) for k, v in self.risk.items()},
        }
        return out


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v
