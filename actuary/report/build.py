"""Compute every value of the review pack from a run: data checks, fits, projection, budget,
rates, sensitivity and the analysis of change.

:func:`compute_values` drives the engine (:func:`actuary.projection.project`) and returns one
:class:`~actuary.report.values.ReportValues`; both languages of the report are rendered from it.

Sensitivity analysis
--------------------
The key assumptions and their low / high values are a model file (``models/sensitivity.toml``,
read with :func:`actuary.spec.read_assumption_file`, so every entry has a unit, a basis and a
note). Each entry's ``value`` is a table ``{target, low, high, label_zh, label_en}``; ``target``
is ``"<file id>.<key>"`` as in a scenario override. For each entry and each of low / high, the run
gets one more qualitative adjustment (an :class:`~actuary.spec.Override`) and the full model is
re-fitted and re-projected with the same seed and a small number of paths (common random
numbers: differences are due to the assumption, not to sampling). Result: the budget-year mean
closing balance and total expenditure of the province.

Analysis of change
------------------
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
import datetime as dt
import gzip
import json
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from actuary import dims
from actuary.errors import InputError
from actuary.io import sha256_file
from actuary.report.values import ReportValues
from actuary.spec.assumptions import Override, read_assumption_file

#: Item whose budget-year central value the analysis of change explains.
CHANGE_ITEM: Final = "expenditure_total"
#: Paths used by the sensitivity runs unless the caller says otherwise (at most the run's).
SENSITIVITY_PATHS: Final = 200
#: Tolerance of the data reconciliation checks (relative difference).
RECONCILE_TOL: Final = 0.005
_SENS_KEYS: Final = {"target", "low", "high", "label_zh", "label_en"}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def table(data: Any, name: str) -> pd.DataFrame | None:
    """Table ``name`` (file stem) of a loaded province, or ``None`` when it has none."""
    for attr in (name, name.replace("_monthly", ""), name.replace(".csv", "")):
        obj = data.get(attr) if isinstance(data, Mapping) else getattr(data, attr, None)
        if isinstance(obj, pd.DataFrame):
            return obj.reset_index() if not isinstance(obj.index, pd.RangeIndex) else obj
    tables = getattr(data, "tables", None)
    if isinstance(tables, Mapping) and isinstance(tables.get(name), pd.DataFrame):
        return tables[name]  # type: ignore[no-any-return]
    return None


def _f(x: Any) -> float:
    """A pandas scalar as a float."""
    return float(x)


def _central(a: np.ndarray, how: str, axis: int = 0) -> Any:
    return np.median(a, axis=axis) if how == "median" else np.mean(a, axis=axis)


def _province_series(execution: pd.DataFrame) -> pd.DataFrame:
    """Annual province totals by item from monthly execution (internal flows net out)."""
    ex = execution[execution["region"].astype(str) != dims.PROVINCE]
    annual = ex.groupby(["year", "item"])["amount"].sum().unstack("item").fillna(0.0)
    ext_rev = [c for c in dims.REVENUE_CODES if c not in dims.INTERNAL_FLOW_CODES]
    ext_exp = [c for c in dims.EXPENDITURE_CODES if c not in dims.INTERNAL_FLOW_CODES]
    out = annual.reindex(columns=[*ext_rev, *ext_exp], fill_value=0.0)
    out["revenue_total"] = out[ext_rev].sum(axis=1)
    out["expenditure_total"] = out[ext_exp].sum(axis=1)
    months = ex.groupby("year")["month"].nunique()
    return out[months.reindex(out.index).fillna(0).to_numpy() >= 12]


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


def data_section(run: Any, data: Any) -> dict[str, Any]:
    """Data files, sources, checks and the reconciliation with the prior year's actuals."""
    folder = Path(run.data)
    meta_path = folder / "metadata.toml"
    meta: dict[str, Any] = {}
    if meta_path.is_file():
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
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
    srcs = meta.get("sources", [])
    sources = [s if isinstance(s, str) else json.dumps(s, ensure_ascii=False) for s in srcs]
    if meta.get("province"):
        sources.insert(0, str(meta["province"]))

    checks: list[dict[str, Any]] = [
        {
            "check_zh": "读取并校验全部数据文件（类型、取值范围、必填列、代码、年份顺序）",
            "check_en": "load and validate every data file (types, ranges, required columns, "
            "codes, year order)",
            "passed": True,
            "detail": "actuary.data.load_province",
        }
    ]
    recon: list[dict[str, Any]] = []
    y = int(run.base_year)
    execution = table(data, "execution_monthly")
    balance = table(data, "fund_balance")
    hist = pd.DataFrame()
    if execution is not None:
        annual = _province_series(execution)
        hist = annual[["revenue_total", "expenditure_total"]].copy()
        if balance is not None:
            b = balance.set_index("year")
            keep = [c for c in ("balance_close", "months_of_payment") if c in b.columns]
            hist = hist.join(b[keep], how="outer")
            # roll-forward of the published balances with the execution totals
            common = [t for t in annual.index if t in b.index and t - 1 in b.index]
            if common:
                implied = (
                    b.loc[[t - 1 for t in common], "balance_close"].to_numpy()
                    + (
                        annual.loc[common, "revenue_total"]
                        - annual.loc[common, "expenditure_total"]
                    ).to_numpy()
                )
                actual = b.loc[common, "balance_close"].to_numpy()
                rel = np.abs(implied - actual) / np.maximum(np.abs(actual), 1.0)
                worst = int(np.argmax(rel))
                checks.append(
                    {
                        "check_zh": "年末滚存结余 = 上年结余 + 收入合计 − 支出合计"
                        "（执行数据，全省）",
                        "check_en": "closing balance = previous balance + revenue − expenditure "
                        "(execution data, province)",
                        "passed": bool(rel.max() <= RECONCILE_TOL),
                        "detail": f"{len(common)} years; largest gap {rel.max():.3%} "
                        f"in {common[worst]}",
                    }
                )
            if y in annual.index and y in b.index:
                for item in ("revenue_total", "expenditure_total"):
                    if item in b.columns:
                        recon.append(
                            {
                                "item": item,
                                "execution": annual.loc[y, item],
                                "comparison": b.loc[y, item],
                                "source_zh": "fund_balance.csv 年度决算",
                                "source_en": "fund_balance.csv annual accounts",
                            }
                        )
        exposure = table(data, "exposure")
        construction = table(data, "construction")
        if exposure is not None and y in annual.index:
            due = exposure.loc[exposure["year"] == y, "contributions_collected"].sum()
            if construction is not None:
                due += construction.loc[construction["year"] == y, "contributions_collected"].sum()
            recon.append(
                {
                    "item": "contributions",
                    "execution": annual.loc[y, "contributions"],
                    "comparison": due,
                    "source_zh": "exposure.csv + construction.csv 实收保费",
                    "source_en": "exposure.csv + construction.csv collected",
                }
            )
        payments = table(data, "payments")
        if payments is not None and y in annual.index:
            pay = payments[payments["calendar_year"] == y]
            grp = pay.groupby(pay["benefit_item"].map(dims.BENEFIT_ITEM_GROUP))["amount"].sum()
            for item in ("medical_benefits", "disability_benefits", "death_benefits", "appraisal"):
                recon.append(
                    {
                        "item": item,
                        "execution": annual.loc[y, item],
                        "comparison": float(grp.get(item, 0.0)),
                        "source_zh": "payments.csv.gz 按待遇项目汇总",
                        "source_en": "payments.csv.gz summed by benefit item",
                    }
                )
    rec = pd.DataFrame(recon, columns=["item", "execution", "comparison", "source_zh", "source_en"])
    if len(rec):
        rec["difference"] = rec["execution"] - rec["comparison"]
        rel = rec["difference"].abs() / rec["comparison"].abs().clip(lower=1.0)
        bad = rec.loc[rel > RECONCILE_TOL, "item"].tolist()
        checks.append(
            {
                "check_zh": f"{y}年执行数与决算、参保缴费和赔付明细核对（容差{RECONCILE_TOL:.1%}）",
                "check_en": f"{y} execution totals vs annual accounts, collections and claim "
                f"payments (tolerance {RECONCILE_TOL:.1%})",
                "passed": not bad,
                "detail": ", ".join(bad) if bad else f"{len(rec)} items",
            }
        )
    try:
        shown = folder.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = str(folder)
    return {
        "data_folder": shown,
        "as_of": str(meta.get("as_of", "")),
        "synthetic": bool(meta.get("synthetic", False)),
        "data_files": pd.DataFrame(files, columns=["file", "rows", "columns", "sha256"]),
        "data_sources": sources,
        "data_checks": pd.DataFrame(checks, columns=["check_zh", "check_en", "passed", "detail"]),
        "reconciliation": rec,
        "history": hist.sort_index(),
    }


# --------------------------------------------------------------------------------------------
# assumptions register
# --------------------------------------------------------------------------------------------


def assumption_tables(run: Any, params: Any) -> dict[str, pd.DataFrame]:
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


def province_paths(ds: Any, scenario: str = "baseline") -> dict[str, np.ndarray]:
    """``{item: (n_paths, n_years)}`` for the province from a projection dataset."""
    fund = ds["fund"].sel({dims.SCENARIO: scenario, dims.REGION: dims.PROVINCE})
    fund = fund.transpose(dims.PATH, dims.YEAR, dims.ITEM)
    items = [str(i) for i in fund[dims.ITEM].values]
    arr = np.asarray(fund.values, dtype=float)
    return {c: arr[:, :, k] for k, c in enumerate(items)}


def budget_tables(proj: Any, data: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
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
    from actuary.budget import draft_budget

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


def _below_reserve(ds: Any, scenario: str, year: int) -> float:
    """Probability that the province's closing balance is below the required reserve."""
    if "reserve_required" not in ds:
        return float("nan")
    bal = ds["fund"].sel(
        {
            dims.SCENARIO: scenario,
            dims.YEAR: year,
            dims.REGION: dims.PROVINCE,
            dims.ITEM: "balance_close",
        }
    )
    req = ds["reserve_required"].sel({dims.SCENARIO: scenario, dims.YEAR: year})
    if dims.REGION in req.dims:
        req = req.sel({dims.REGION: dims.PROVINCE})
    return float((bal < req).mean())


def scenario_table(run: Any, ds: Any) -> pd.DataFrame:
    """Budget-year key figures of each scenario for the province."""
    out = {}
    yb = int(run.budget_year)
    for s in [str(x) for x in ds[dims.SCENARIO].values]:
        p = province_paths(ds, s)
        i = [int(y) for y in ds[dims.YEAR].values].index(yb)
        mop = p["months_of_payment"][:, i] if "months_of_payment" in p else np.full(1, np.nan)
        out[s] = {
            "revenue": float(_central(p["revenue_total"][:, i], run.outputs.central)),
            "expenditure": float(_central(p["expenditure_total"][:, i], run.outputs.central)),
            "balance": float(_central(p["balance_close"][:, i], run.outputs.central)),
            "prob_deficit": float((p["balance_close"][:, i] < 0).mean()),
            "prob_below_reserve": _below_reserve(ds, s, yb),
            "months_p05": float(np.quantile(mop, 0.05)),
            "months_p50": float(np.quantile(mop, 0.5)),
            "months_p95": float(np.quantile(mop, 0.95)),
        }
    return pd.DataFrame.from_dict(out, orient="index")


# --------------------------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------------------------


def read_sensitivity(path: str | Path, run: Any) -> list[dict[str, Any]]:
    """The sensitivity entries of ``path`` (see the module docstring), checked against ``run``."""
    af = read_assumption_file(path)
    out = []
    for key, a in af.values.items():
        v = a.value
        if not isinstance(v, Mapping):
            raise InputError(
                "value must be a table {target, low, high, label_zh, label_en}",
                file=af.path,
                field=key,
            )
        missing = _SENS_KEYS - set(v)
        extra = set(v) - _SENS_KEYS
        if missing or extra:
            raise InputError(
                f"value needs exactly {sorted(_SENS_KEYS)}",
                file=af.path,
                field=f"{key}.{sorted(missing or extra)[0]}",
            )
        target = str(v["target"])
        fid = target.split(".", 1)[0]
        if "." not in target or fid not in run.assumptions:
            raise InputError(
                f"target must be '<file id>.<key>' with a file id of the run "
                f"({', '.join(sorted(run.assumptions))})",
                file=af.path,
                field=f"{key}.target",
            )
        out.append(
            {
                "key": key,
                "target": target,
                "low": v["low"],
                "high": v["high"],
                "label_zh": str(v["label_zh"]),
                "label_en": str(v["label_en"]),
                "unit": a.unit,
                "basis": a.basis,
                "note": a.note,
                "file": af.path,
            }
        )
    return out


def sensitivity_runs(
    run: Any,
    entries: Sequence[Mapping[str, Any]],
    data: Any,
    params: Any,
    n_paths: int,
    base_models: Any = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """One-at-a-time re-projections with common random numbers.

    Each (entry, low/high) becomes a scenario of the baseline carrying one override, and all of
    them are fitted (fits shared where the assumption files agree) and projected in one engine
    call with ``n_paths`` paths: the engine draws the same random streams for every scenario, so
    the differences come from the assumption alone.
    """
    from actuary.projection import fit_models, project
    from actuary.spec.run import ScenarioSpec

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
        p = province_paths(ds, name)
        return {k: float(np.mean(p[k][:, i])) for k in ("balance_close", "expenditure_total")}

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


# --------------------------------------------------------------------------------------------
# analysis of change
# --------------------------------------------------------------------------------------------


def _central_value(run: Any, ds: Any, item: str = CHANGE_ITEM) -> float:
    p = province_paths(ds)
    i = [int(y) for y in ds[dims.YEAR].values].index(int(run.budget_year))
    return float(_central(p[item][:, i], run.outputs.central))


class ModelCache:
    """Fitted baseline models keyed by the data folder's content and the assumption specs.

    The analysis of change re-runs the model with inputs switched one group at a time; steps
    that share data and assumptions share one fit (fitting the claims GLMs is the slow part).
    """

    def __init__(self) -> None:
        self._models: dict[object, Any] = {}
        self._data: dict[str, tuple[object, Any]] = {}

    def data(self, folder: Path) -> tuple[object, Any]:
        """``(content key, loaded province)`` of a data folder."""
        from actuary.data import load_province

        key = str(Path(folder).resolve())
        if key not in self._data:
            files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
            content = tuple((p.relative_to(folder).as_posix(), sha256_file(p)) for p in files)
            self._data[key] = (content, load_province(folder))
        return self._data[key]

    @staticmethod
    def spec_key(run: Any) -> object:
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

    def put(self, run: Any, models: Any) -> None:
        """Seed the cache with models already fitted for ``run``."""
        content, _ = self.data(Path(run.data))
        self._models[(content, self.spec_key(run))] = models

    def models(self, run: Any, params: Any) -> Any:
        """Baseline models for ``run``: cached fits, the run's own fund assumptions."""
        from actuary.projection import FundAssumptions, fit_models

        content, data = self.data(Path(run.data))
        key = (content, self.spec_key(run))
        if key not in self._models:
            self._models[key] = fit_models(run, data, params, ["baseline"])
            return self._models[key]
        fund = FundAssumptions.from_file(run.assumption_file("fund", "baseline"))
        return {"baseline": dataclasses.replace(self._models[key]["baseline"], fund=fund)}

    def project_value(self, run: Any, params: Any) -> float:
        """Budget-year central value of :data:`CHANGE_ITEM` for ``run`` (baseline)."""
        from actuary.projection import project

        _, data = self.data(Path(run.data))
        proj = project(
            run,
            scenarios=["baseline"],
            data=data,
            params=params,
            models=self.models(run, params),
            keep_flows=False,
        )
        return _central_value(run, proj.data)


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
    run: Any,
    params: Any,
    current_value: float,
    cache: ModelCache | None = None,
) -> tuple[pd.DataFrame, dict[str, float], str]:
    """Contributions of data, assumptions, policy and method to the change of the budget-year
    central total expenditure since the previous run (see the module docstring)."""
    from actuary.manifest import check_inputs, input_root, read_manifest
    from actuary.spec.run import load_run

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


# --------------------------------------------------------------------------------------------
# fits and backtest
# --------------------------------------------------------------------------------------------


def fit_summaries(models: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``summary()`` texts of the baseline economy and claims models."""
    m = models["baseline"]
    out = []
    for name, obj in (("economy", m.economy), ("claims", m.claims)):
        if hasattr(obj, "summary"):
            out.append((f"{name}: {type(obj).__name__}", str(obj.summary())))
    return out


def backtest_table(
    run: Any, data: Any, economy: Any, n_paths: int
) -> tuple[pd.DataFrame | None, str]:
    """Rolling-origin backtest of the economy model (:mod:`actuary.economy.backtest`).

    Columns: quantity, horizon, n, rmse_model, rmse_rw_drift, ratio, cover_80, cover_95.
    """
    try:
        from actuary.economy.backtest import backtest_model
        from actuary.economy.history import history_from
    except ImportError:
        return None, "backtest: actuary.economy.backtest is not available in this version"
    spec = getattr(economy, "spec", None)
    res = backtest_model(history_from(data), spec, n_paths=n_paths, seed=int(run.seed))
    frame = res.table().reset_index()
    return frame, ""


# --------------------------------------------------------------------------------------------
# rates
# --------------------------------------------------------------------------------------------


def rate_solution(run: Any, proj: Any, params: Any) -> tuple[dict[str, Any] | None, str]:
    """The rate solver's result (:func:`actuary.rates.solve_rates`) on the baseline flows, with
    the target of the run's ``[rate_policy.target]`` (the solver's defaults when absent); or
    ``None`` and the reason when the target cannot be solved on this run (e.g. a horizon longer
    than the projection)."""
    from actuary.rates import RateSettings, solve_rates

    target = dict(run.rate_policy).get("target", {})
    settings = RateSettings.from_spec(
        target if isinstance(target, Mapping) else {}, file=str(run.path)
    )
    try:
        sol = solve_rates(proj.flows["baseline"], settings, parameters=params)
    except InputError as exc:
        return None, f"rates: {exc}"
    d = sol.to_json()
    out: dict[str, Any] = {}
    m = sol.multiplier
    if isinstance(m, float):
        out["multiplier"] = m
    else:
        out.update({f"multiplier.{k}": v for k, v in m.items()})
    for k, v in d.items():
        if isinstance(v, bool | int | float | str) and k != "multiplier":
            out[k] = v
    for k, v in (d.get("rates_pct") or {}).items():
        out[f"rate_pct.{k}"] = v
    out["summary"] = sol.summary()
    return out, ""


# --------------------------------------------------------------------------------------------
# everything
# --------------------------------------------------------------------------------------------


def compute_values(
    run: Any,
    *,
    sensitivity: str | Path | None = None,
    sensitivity_paths: int | None = None,
    previous: str | Path | None = None,
    command: str = "",
    inputs: pd.DataFrame | None = None,
    versions: Mapping[str, Any] | None = None,
) -> ReportValues:
    """Every value of the review pack for ``run`` (an :class:`actuary.spec.run.RunSpec`)."""
    from actuary.data import load_province
    from actuary.params import load_parameters
    from actuary.projection import fit_models, project

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
        cache.put(run, {"baseline": models["baseline"]})
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
        rate_policy=dict(run.rate_policy),
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
        paths=province_paths(ds),
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
