"""Assemble the review pack's values from a run: :func:`compute_values` loads the province
once, fits and projects, calls the analysis engine (:mod:`actuary.analysis`: reconciliation,
backtest, rate solution, scenario figures, sensitivity, analysis of change) and lays the results
out as one :class:`~actuary.report.values.ReportValues`, from which both languages of the report
are rendered.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary import dims
from actuary.analysis.backtest import backtest_table
from actuary.analysis.change import CHANGE_ITEM, ModelCache, analysis_of_change
from actuary.analysis.rate_solution import rate_solution
from actuary.analysis.reconciliation import reconcile
from actuary.analysis.scenarios import scenario_table
from actuary.analysis.sensitivity import SENSITIVITY_PATHS, sensitivity_runs
from actuary.budget import draft_budget
from actuary.data import ProvinceData, load_province
from actuary.errors import InputError
from actuary.io import sha256_file
from actuary.params import load_parameters
from actuary.projection import Projection, fit_models, project
from actuary.projection.series import province_items
from actuary.report.values import ReportValues
from actuary.spec.run import RunSpec
from actuary.spec.sensitivity import read_sensitivity

__all__ = ["compute_values", "read_sensitivity"]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _f(x: Any) -> float:
    """A pandas scalar as a float."""
    return float(x)


def _count_rows(path: Path) -> tuple[int, int]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            header = fh.readline()
            n = sum(1 for _ in fh)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", file=path) from None
    return n, len(header.strip().split(",")) if header else 0


# --------------------------------------------------------------------------------------------
# data section
# --------------------------------------------------------------------------------------------


def data_section(run: RunSpec, data: ProvinceData) -> dict[str, Any]:
    """Data files, sources, checks and the reconciliation with the prior year's actuals."""
    folder = Path(run.data)
    files = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rows, cols = _count_rows(p) if p.name.endswith((".csv", ".csv.gz")) else (0, 0)
        files.append(
            {
                "file": p.relative_to(folder).as_posix(),
                "rows": rows,
                "columns": cols,
                "sha256": sha256_file(p),
            }
        )
    srcs = data.meta("sources", [])
    sources = [s if isinstance(s, str) else json.dumps(s, ensure_ascii=False) for s in srcs]
    if data.meta("province"):
        sources.insert(0, str(data.meta("province")))

    checks: list[dict[str, Any]] = [
        {
            "check_zh": "读取并校验全部数据文件（类型、取值范围、必填列、代码、年份顺序）",
            "check_en": "load and validate every data file (types, ranges, required columns, "
            "codes, year order)",
            "passed": True,
            "detail": "actuary.data.load_province",
        }
    ]
    more, rec, hist = reconcile(data, int(run.base_year))
    checks += more
    try:
        shown = folder.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = str(folder)
    return {
        "data_folder": shown,
        "as_of": str(data.meta("as_of", "")),
        "synthetic": bool(data.meta("synthetic", False)),
        "data_files": pd.DataFrame(files, columns=["file", "rows", "columns", "sha256"]),
        "data_sources": sources,
        "data_checks": pd.DataFrame(checks, columns=["check_zh", "check_en", "passed", "detail"]),
        "reconciliation": rec,
        "history": hist,
    }


# --------------------------------------------------------------------------------------------
# assumptions register
# --------------------------------------------------------------------------------------------


def assumption_tables(run: RunSpec, params: Any) -> dict[str, pd.DataFrame]:
    """The assumptions register, the qualitative adjustments and the policy parameters."""
    recs = []
    for fid in run.assumptions:
        for r in run.assumption_file(fid).to_records():
            recs.append({"file_id": fid, **r})
    assumptions = pd.DataFrame(
        recs,
        columns=[
            "file_id",
            "key",
            "value",
            "unit",
            "basis",
            "source",
            "note",
            "file",
            "overridden_by",
            "reason",
        ],
    )
    adj = [
        {
            "origin": o.origin or "run",
            "target": o.target,
            "value": o.value,
            "year": o.year,
            "reason": o.reason,
        }
        for o in run.adjustments
    ]
    for s in run.scenarios:
        adj += [
            {
                "origin": s.name,
                "target": o.target,
                "value": o.value,
                "year": o.year,
                "reason": o.reason,
            }
            for o in s.overrides
        ]
    adjustments = pd.DataFrame(adj, columns=["origin", "target", "value", "year", "reason"])
    when = dt.date(int(run.budget_year), 1, 1)
    prow = []
    for name in sorted(params):
        p = params[name]
        try:
            e = p.entry_at(when)
        except InputError:
            continue
        prow.append(
            {
                "name": name,
                "description": p.description,
                "unit": p.unit,
                "value": e.value,
                "start": e.start.isoformat(),
                "source": e.source + (f"; {e.note}" if e.note else ""),
                "confidence": e.confidence,
            }
        )
    parameters = pd.DataFrame(
        prow, columns=["name", "description", "unit", "value", "start", "source", "confidence"]
    )
    # every dated value tagged "assumption" that is in force at some time from the base year to
    # the last projection year (not only on the budget year's first day)
    lo, hi = dt.date(int(run.base_year), 1, 1), dt.date(int(run.years[-1]), 12, 31)
    urow = []
    for name in sorted(params):
        p = params[name]
        for k, e in enumerate(p.values):
            end = p.values[k + 1].start if k + 1 < len(p.values) else None
            if e.confidence != "assumption" or e.start > hi or (end is not None and end <= lo):
                continue
            span = f"{e.start.isoformat()} – {end.isoformat() if end else ''}"
            urow.append(
                {
                    "name": name,
                    "description": p.description,
                    "unit": p.unit,
                    "value": e.value,
                    "span": span,
                    "source": e.source + (f"; {e.note}" if e.note else ""),
                }
            )
    unconfirmed = pd.DataFrame(
        urow, columns=["name", "description", "unit", "value", "span", "source"]
    )
    return {
        "assumptions": assumptions,
        "adjustments": adjustments,
        "parameters": parameters,
        "unconfirmed": unconfirmed,
    }


# --------------------------------------------------------------------------------------------
# projection, budget, scenarios
# --------------------------------------------------------------------------------------------


def budget_tables(
    proj: Projection, data: ProvinceData
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """The budget draft as :func:`actuary.budget.draft_budget` makes it (the same numbers as the
    workbook): the province table, the pooling units' flows and the risk figures.

    Returns
    -------
    budget
        Index item code; columns prior_actual, expected_outturn, draft, change (fraction),
        p05, p50, p95 (yuan; months for ``months_of_payment``).
    regions
        Index region code; revenue_total, expenditure_total, net_flow (to the pool, yuan).
    risk
        prob_deficit, prob_below_reserve, months_p50 of the budget year.
    """
    d = draft_budget(proj, data)
    t = d.tables[dims.PROVINCE]
    qcols = list(d.quantile_columns)
    budget = pd.DataFrame(
        {
            "prior_actual": t["prior_actual"],
            "expected_outturn": t["outturn"],
            "draft": t["draft"],
            "change": t["change_pct"] / 100.0,
        }
    )
    for q, name in zip((0.05, 0.5, 0.95), ("p05", "p50", "p95"), strict=True):
        col = f"p{round(q * 100):02d}"
        budget[name] = t[col] if col in qcols else np.nan
    regions = pd.DataFrame(
        {
            "revenue_total": [d.tables[r].loc["revenue_total", "draft"] for r in d.net_flows.index],
            "expenditure_total": [
                d.tables[r].loc["expenditure_total", "draft"] for r in d.net_flows.index
            ],
            "net_flow": d.net_flows["net_to_pool"].to_numpy(),
        },
        index=[str(r) for r in d.net_flows.index],
    )
    p = d.probabilities
    risk = {
        "prob_deficit": float(p["p_balance_below_zero"]),
        "prob_below_reserve": float(p["p_balance_below_reserve"]),
        "months_p50": float(p.get("months_p50", np.nan)),
    }
    return budget, regions, risk


# --------------------------------------------------------------------------------------------
# fits
# --------------------------------------------------------------------------------------------


def fit_summaries(models: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``summary()`` texts of the baseline economy and claims models."""
    m = models["baseline"]
    out = []
    for name, obj in (("economy", m.economy), ("claims", m.claims)):
        if hasattr(obj, "summary"):
            out.append((f"{name}: {type(obj).__name__}", str(obj.summary())))
    return out


def compute_values(
    run: RunSpec,
    *,
    sensitivity: str | Path | None = None,
    sensitivity_paths: int | None = None,
    previous: str | Path | None = None,
    command: str = "",
    inputs: pd.DataFrame | None = None,
    versions: Mapping[str, Any] | None = None,
) -> ReportValues:
    """Every value of the review pack for ``run``.

    The province is loaded once and passed to the projection and to every analysis (the
    sensitivity runs and the analysis of change re-use it and the fitted baseline models).
    """
    params = load_parameters()
    data = load_province(run.data)
    models = fit_models(run, data, params)
    proj = project(run, data=data, params=params, models=models, keep_flows=True)
    ds = proj.data
    notes: list[str] = []
    n_sens = min(int(sensitivity_paths or SENSITIVITY_PATHS), int(run.n_paths))

    dsec = data_section(run, data)
    tabs = assumption_tables(run, params)
    budget, budget_regions, risk = budget_tables(proj, data)
    bt, note = backtest_table(run, data, models["baseline"].economy, n_sens)
    if note:
        notes.append(note)
    rates, note = rate_solution(run, proj, params)
    if note:
        notes.append(note)

    sens = pd.DataFrame()
    sens_base: dict[str, float] = {}
    if sensitivity is not None:
        entries = read_sensitivity(sensitivity, run)
        base_models = {"baseline": models["baseline"]}
        sens, sens_base = sensitivity_runs(run, entries, data, params, n_sens, base_models)

    change = None
    ends: dict[str, float] = {}
    prev_name = ""
    if previous is not None:
        current_value = _f(budget.loc[CHANGE_ITEM, "draft"])
        cache = ModelCache()
        cache.put(run, {"baseline": models["baseline"]}, data)
        change, ends, prev_name = analysis_of_change(previous, run, params, current_value, cache)

    return ReportValues(
        run_name=run.name,
        description=run.description,
        run_file=Path(run.path).name,
        synthetic=dsec["synthetic"],
        as_of=dsec["as_of"],
        base_year=int(run.base_year),
        current_year=int(run.current_year),
        budget_year=int(run.budget_year),
        years=tuple(int(y) for y in ds[dims.YEAR].values),
        n_paths=int(run.n_paths),
        seed=int(run.seed),
        central=run.outputs.central,
        quantiles=tuple(run.outputs.quantiles),
        scenario_names=tuple(run.scenario_names),
        scenario_descriptions={s.name: s.description for s in run.scenarios},
        rate_policy=run.rate_policy.to_dict(),
        data_folder=dsec["data_folder"],
        data_files=dsec["data_files"],
        data_sources=dsec["data_sources"],
        data_checks=dsec["data_checks"],
        reconciliation=dsec["reconciliation"],
        history=dsec["history"],
        assumptions=tabs["assumptions"],
        adjustments=tabs["adjustments"],
        parameters=tabs["parameters"],
        unconfirmed_parameters=tabs["unconfirmed"],
        fit_texts=fit_summaries(models),
        backtest=bt,
        paths=province_items(ds),
        budget=budget,
        budget_regions=budget_regions,
        risk=risk,
        scenarios=scenario_table(run, ds),
        rates=rates,
        sensitivity=sens,
        sensitivity_base=sens_base,
        sensitivity_paths=n_sens,
        change=change,
        change_ends=ends,
        change_previous=prev_name,
        inputs=inputs if inputs is not None else pd.DataFrame(columns=["group", "path", "sha256"]),
        versions=dict(versions or {}),
        command=command,
        notes=notes,
    )
