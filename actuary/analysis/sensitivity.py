"""One-at-a-time sensitivity of the budget year to the key assumptions.

The key assumptions and their low / high values are the sensitivity file
(:mod:`actuary.spec.sensitivity`). For each entry and each of low / high, the run gets
one more qualitative adjustment (an :class:`~actuary.spec.Override`) and the full model is
re-fitted and re-projected with the same seed and a small number of paths (common random
numbers: differences are due to the assumption, not to sampling). Result: the budget-year mean
closing balance and total expenditure of the province.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from actuary import dims
from actuary.data import ProvinceData
from actuary.params import ParameterSet
from actuary.projection import fit_models, project
from actuary.projection.series import province_series
from actuary.spec.assumptions import Override
from actuary.spec.run import RunSpec, ScenarioSpec

__all__ = ["SENSITIVITY_PATHS", "sensitivity_runs"]

#: Paths used by the sensitivity runs unless the caller says otherwise (at most the run's).
SENSITIVITY_PATHS: Final = 200


def sensitivity_runs(
    run: RunSpec,
    entries: Sequence[Mapping[str, Any]],
    data: ProvinceData,
    params: ParameterSet,
    n_paths: int,
    base_models: Any = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """One-at-a-time re-projections with common random numbers.

    Each (entry, low/high) becomes a scenario of the baseline carrying one override, and all of
    them are fitted (fits shared where the assumption files agree) and projected in one engine
    call with ``n_paths`` paths: the engine draws the same random streams for every scenario, so
    the differences come from the assumption alone.
    """
    small = run.with_paths(n_paths)
    baseline = small.scenario("baseline")
    variants = []
    for k, e in enumerate(entries):
        for side in ("low", "high"):
            o = Override(
                target=e["target"],
                value=e[side],
                reason=f"sensitivity: {side} value",
                origin=f"sensitivity.{e['key']}",
            )
            variants.append(
                ScenarioSpec(
                    name=f"sensitivity_{k}_{side}",
                    description=f"{e['target']} = {e[side]}",
                    overrides=(*baseline.overrides, o),
                    file=baseline.file,
                )
            )
    multi = dataclasses.replace(small, scenarios=(baseline, *variants))
    names = list(multi.scenario_names)
    models = fit_models(multi, data, params, names)
    proj = project(
        multi, scenarios=names, data=data, params=params, models=models, keep_flows=False
    )
    ds = proj.data
    i = [int(y) for y in ds[dims.YEAR].values].index(int(run.budget_year))

    def means(name: str) -> dict[str, float]:
        return {
            k: float(np.mean(province_series(ds, k, name)[:, i]))
            for k in ("balance_close", "expenditure_total")
        }

    base_vals = means("baseline")
    econ_table: pd.Series | None = None
    if hasattr(models["baseline"].economy, "param_table"):
        econ_table = models["baseline"].economy.param_table()
    rows = []
    for k, e in enumerate(entries):
        fid, key = e["target"].split(".", 1)
        base_value: Any = "fitted"
        af = run.assumption_file(fid)
        if key in af:
            base_value = af.values[key].value
        if (
            base_value == "fitted"
            and econ_table is not None
            and fid == "economy"
            and (key in econ_table.index)
        ):
            base_value = float(econ_table[key])
        lo, hi = means(f"sensitivity_{k}_low"), means(f"sensitivity_{k}_high")
        rows.append(
            {
                "label_zh": e["label_zh"],
                "label_en": e["label_en"],
                "target": e["target"],
                "unit": e["unit"],
                "base_value": base_value,
                "low_value": e["low"],
                "high_value": e["high"],
                "balance_low": lo["balance_close"],
                "balance_high": hi["balance_close"],
                "expenditure_low": lo["expenditure_total"],
                "expenditure_high": hi["expenditure_total"],
            }
        )
    return pd.DataFrame(rows), base_vals
