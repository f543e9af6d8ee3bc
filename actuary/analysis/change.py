"""Analysis of change: what moved the budget-year central total expenditure since the
previous run.

Given the previous run's manifest, the previous run file is loaded (its files must still hash
as recorded; otherwise the changed file is named) and the model is re-run with the inputs
switched from previous to current one group at a time, in the order *data* (data folder and
calendar: a new year of actuals moves the valuation date), *assumptions* (assumption files,
scenarios and qualitative adjustments), *policy* (the rate rule) and *method* (path count, seed,
output statistic, and the package's code and parameters: the difference between the recorded
previous result and the previous inputs re-run today). Each step's contribution is the change
of the budget-year central total expenditure of the province; the steps add up exactly to
current − previous.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd
import xarray as xr

from actuary import dims
from actuary.analysis.scenarios import central
from actuary.data import ProvinceData, load_province
from actuary.errors import InputError
from actuary.io import sha256_file
from actuary.manifest import check_inputs, input_root, read_manifest
from actuary.params import ParameterSet
from actuary.projection import FundAssumptions, fit_models, project
from actuary.projection.series import province_series
from actuary.spec.run import RunSpec, load_run

__all__ = ["CHANGE_ITEM", "ModelCache", "analysis_of_change", "central_value"]

#: Item whose budget-year central value the analysis of change explains.
CHANGE_ITEM: Final = "expenditure_total"


def central_value(run: RunSpec, ds: xr.Dataset, item: str = CHANGE_ITEM) -> float:
    """Budget-year central value (the run's statistic across paths) of a province item."""
    i = [int(y) for y in ds[dims.YEAR].values].index(int(run.budget_year))
    return float(central(province_series(ds, item)[:, i], run.outputs.central))


class ModelCache:
    """Fitted baseline models keyed by the data folder's content and the assumption specs.

    The analysis of change re-runs the model with inputs switched one group at a time; steps
    that share data and assumptions share one fit (fitting the claims GLMs is the slow part).
    """

    def __init__(self) -> None:
        self._models: dict[object, Any] = {}
        self._data: dict[str, tuple[object, ProvinceData]] = {}

    @staticmethod
    def _content(folder: Path) -> object:
        files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        return tuple((p.relative_to(folder).as_posix(), sha256_file(p)) for p in files)

    def data(self, folder: Path, loaded: ProvinceData | None = None) -> tuple[object, ProvinceData]:
        """``(content key, loaded province)`` of a data folder (``loaded``: already read)."""
        key = str(Path(folder).resolve())
        if key not in self._data:
            province = load_province(folder) if loaded is None else loaded
            self._data[key] = (self._content(Path(folder)), province)
        return self._data[key]

    @staticmethod
    def spec_key(run: RunSpec) -> object:
        """What the fitted baseline models depend on: the economy and claims assumption values,
        pins and model overrides (the fund file is not fitted: it is read for every step)."""
        out = []
        for fid in sorted(run.assumptions):
            if fid == "fund":
                continue
            af = run.assumption_file(fid, "baseline")
            vals = tuple(sorted((k, repr(a.value)) for k, a in af.values.items()))
            pins = tuple(repr(p) for p in af.pins)
            over = tuple(repr(o) for o in run.model_overrides(fid, "baseline", pins=True))
            out.append((fid, vals, pins, over))
        return (tuple(out), int(run.base_year))

    def put(self, run: RunSpec, models: Any, data: ProvinceData | None = None) -> None:
        """Seed the cache with models already fitted for ``run`` (on ``data``, when given, the
        province already loaded from ``run.data``)."""
        content, _ = self.data(Path(run.data), data)
        self._models[(content, self.spec_key(run))] = models

    def models(self, run: RunSpec, params: ParameterSet) -> Any:
        """Baseline models for ``run``: cached fits, the run's own fund assumptions."""
        content, data = self.data(Path(run.data))
        key = (content, self.spec_key(run))
        if key not in self._models:
            self._models[key] = fit_models(run, data, params, ["baseline"])
            return self._models[key]
        fund = FundAssumptions.parse(run.assumption_file("fund", "baseline"))
        return {"baseline": dataclasses.replace(self._models[key]["baseline"], fund=fund)}

    def project_value(self, run: RunSpec, params: ParameterSet) -> float:
        """Budget-year central value of :data:`CHANGE_ITEM` for ``run`` (baseline)."""
        _, data = self.data(Path(run.data))
        proj = project(
            run,
            scenarios=["baseline"],
            data=data,
            params=params,
            models=self.models(run, params),
            keep_flows=False,
        )
        return central_value(run, proj.data)


def _previous_overrides(argv: Sequence[str]) -> dict[str, int]:
    """``--paths`` / ``--seed`` of a recorded command line."""
    out: dict[str, int] = {}
    for flag in ("--paths", "--seed"):
        for i, a in enumerate(argv):
            if a == flag and i + 1 < len(argv):
                out[flag[2:]] = int(argv[i + 1])
            elif a.startswith(flag + "="):
                out[flag[2:]] = int(a.split("=", 1)[1])
    return out


def analysis_of_change(
    previous_manifest: str | Path,
    run: RunSpec,
    params: ParameterSet,
    current_value: float,
    cache: ModelCache | None = None,
) -> tuple[pd.DataFrame, dict[str, float], str]:
    """Contributions of data, assumptions, policy and method to the change of the budget-year
    central total expenditure since the previous run (see the module docstring).

    Returns the contributions (columns cause, delta; yuan), the two ends (previous, current) and
    the previous run file.
    """
    mpath = Path(previous_manifest)
    doc = read_manifest(mpath)
    base = input_root(doc)
    changed, missing = check_inputs(
        {"inputs": [r for r in doc["inputs"] if r.get("group") != "parameters"]}, base
    )
    if changed or missing:
        bad = (changed + missing)[0]
        raise InputError(
            "an input of the previous run has changed or is gone since its "
            "manifest was written; restore it to analyse the change",
            file=bad,
        )
    run_recs = [r for r in doc["inputs"] if r.get("group") == "run"]
    if not run_recs:
        raise InputError("the previous manifest names no run file", file=mpath, field="inputs")
    prev_path = Path(run_recs[0]["path"])
    prev = load_run(prev_path if prev_path.is_absolute() else base / prev_path)
    over = _previous_overrides([str(a) for a in doc["command"]["argv"]])
    prev = prev.with_paths(over.get("paths"), over.get("seed"))
    cache = cache or ModelCache()
    results = mpath.parent / "results.json" if mpath.is_file() else mpath / "results.json"
    if not results.is_file():
        raise InputError(
            "results.json of the previous report is missing beside its manifest", file=results
        )
    recorded = json.loads(results.read_text(encoding="utf-8"))
    try:
        prev_value = float(recorded["budget_yuan"][CHANGE_ITEM]["draft"])
    except (KeyError, TypeError, ValueError):
        raise InputError(
            "results.json has no budget-year draft of total expenditure",
            file=results,
            field=f"budget_yuan.{CHANGE_ITEM}.draft",
        ) from None

    # previous inputs, today's code
    r0 = prev
    v0 = cache.project_value(r0, params)
    # 1. data: the current data folder and calendar
    r1 = dataclasses.replace(
        r0,
        data=run.data,
        base_year=run.base_year,
        current_year=run.current_year,
        budget_year=run.budget_year,
        years=run.years,
    )
    v1 = cache.project_value(r1, params)
    # 2. assumptions: assumption files, scenarios, qualitative adjustments
    r2 = dataclasses.replace(
        r1,
        assumption_paths=run.assumption_paths,
        assumptions=run.assumptions,
        scenarios=run.scenarios,
        adjustments=run.adjustments,
    )
    v2 = cache.project_value(r2, params)
    # 3. policy: the rate rule
    r3 = dataclasses.replace(r2, rate_policy=run.rate_policy)
    v3 = cache.project_value(r3, params)
    # 4. method: paths, seed, output statistic (the rest of the run) and code changes (v0 - prev)
    method = (v0 - prev_value) + (current_value - v3)
    change = pd.DataFrame(
        {
            "cause": ["data", "assumptions", "method", "policy"],
            "delta": [v1 - v0, v2 - v1, method, v3 - v2],
        }
    )
    ends = {"previous": prev_value, "current": current_value}
    return change, ends, str(prev.path)
