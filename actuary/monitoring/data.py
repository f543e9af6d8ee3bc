"""Inputs of a monitoring run: the run file's data folder and monitoring assumptions.

The data folder (ARCHITECTURE.md, "Data folder") gives the history of monthly execution
(``execution_monthly.csv``), the approved budgets (``budget.csv``), exposure (``exposure.csv``)
and claims (``claims.csv.gz``) for the prefecture assessment, and the region list
(``regions.csv``). When :func:`actuary.data.load_province` is available it loads and checks the
folder; otherwise the files are read here, the monitoring files with the checks of
:mod:`actuary.monitoring.actuals`.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from actuary import dims
from actuary.errors import InputError
from actuary.monitoring.actuals import check_actuals, check_budget
from actuary.spec.assumptions import AssumptionFile

__all__ = ["MonitoringInputs", "load_monitoring_inputs", "monitoring_assumptions_path"]


@dataclass(frozen=True)
class MonitoringInputs:
    """What a monitoring run reads from the run file and its data folder."""

    run_file: Path
    folder: Path
    regions: tuple[str, ...]
    execution: pd.DataFrame
    budget: pd.DataFrame
    budget_file: Path
    exposure: pd.DataFrame | None
    claims: pd.DataFrame | None
    run_assumptions: dict[str, AssumptionFile]
    synthetic: bool = False


def _read_run(path: Path) -> tuple[Path, dict[str, AssumptionFile]]:
    """Data folder and assumption files of a run file (``load_run`` when available)."""
    try:
        load_run = importlib.import_module("actuary.spec.run").load_run
    except (ImportError, AttributeError):  # pragma: no cover - before issue 6 landed
        load_run = None
    if load_run is not None:
        spec = load_run(path)
        return Path(spec.data), dict(spec.assumptions)
    # minimal strict reader: only what monitoring needs  # pragma: no cover
    if not path.is_file():
        raise InputError("run file not found", file=path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", file=path) from exc
    data = doc.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("folder"), str):
        raise InputError("missing [data] folder", file=path, field="data.folder")
    bad = set(data) - {"folder"}
    if bad:
        raise InputError(f"unknown key(s) {sorted(bad)}", file=path, field="data")
    folder = (path.parent / data["folder"]).resolve()
    if not folder.is_dir():
        raise InputError(f"data folder not found: {folder}", file=path, field="data.folder")
    return folder, {}


def _read_csv(path: Path, **kw: Any) -> pd.DataFrame:
    if not path.is_file():
        raise InputError("file not found", file=path)
    try:
        return pd.read_csv(path, **kw)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"not a readable CSV file ({exc})", file=path) from exc


def _frame(obj: Any, *names: str) -> pd.DataFrame | None:
    for n in names:
        v = getattr(obj, n, None)
        if v is None and isinstance(obj, dict):
            v = obj.get(n)
        if isinstance(v, pd.DataFrame):
            return v
    return None


def load_monitoring_inputs(run_file: str | Path) -> MonitoringInputs:
    """Read the run file and the monitoring inputs of its data folder.

    Raises
    ------
    InputError
        Bad run file, missing or bad data file (naming the file, field and rows).
    """
    path = Path(run_file)
    folder, assumptions = _read_run(path)
    province: Any = None
    try:
        load_province = importlib.import_module("actuary.data").load_province
    except AttributeError:
        load_province = None
    if load_province is not None:
        province = load_province(folder)
    regions_df = _frame(province, "regions")
    if regions_df is None:
        rp = folder / "regions.csv"
        regions_df = _read_csv(rp, dtype={"region": str}) if rp.is_file() else None
    if regions_df is not None and "region" in regions_df:
        regions = tuple(str(r) for r in regions_df["region"])
    elif regions_df is not None and regions_df.index.name == "region":
        regions = tuple(str(r) for r in regions_df.index)
    else:
        regions = dims.REGION_CODES
    known = (*regions, dims.PROVINCE)
    ex_file = folder / "execution_monthly.csv"
    ex = _frame(province, "execution_monthly", "execution")
    if ex is None:
        ex = _read_csv(ex_file, dtype={"region": str, "item": str})
    execution = check_actuals(ex.reset_index() if "year" not in ex.columns else ex,
                              file=ex_file, regions=known)
    bfile = folder / "budget.csv"
    b = _frame(province, "budget")
    if b is None:
        b = _read_csv(bfile, dtype={"region": str, "item": str})
    budget = check_budget(b.reset_index() if "year" not in b.columns else b, file=bfile,
                          regions=known)
    exposure = _frame(province, "exposure")
    if exposure is None and (folder / "exposure.csv").is_file():
        exposure = _read_csv(folder / "exposure.csv", dtype={"region": str})
    if exposure is not None and "year" not in exposure.columns:
        exposure = exposure.reset_index()
    claims = _frame(province, "claims")
    cfile = folder / "claims.csv.gz"
    if claims is None and cfile.is_file():
        claims = _read_csv(cfile, dtype={"region": str})
    if claims is not None and "region" not in claims.columns:
        claims = claims.reset_index()
    for name, df, cols in (
        ("exposure.csv", exposure, ("year", "region", "covered_workers")),
        ("claims.csv.gz", claims, ("region", "accident_date", "recognition_date", "outcome")),
    ):
        if df is not None:
            miss = [c for c in cols if c not in df.columns]
            if miss:
                raise InputError(f"missing column(s) {miss}", file=folder / name, field=miss[0])
    if exposure is not None:
        exposure = exposure.assign(region=exposure["region"].astype(str))
    if claims is not None:
        claims = claims.assign(region=claims["region"].astype(str))
    synthetic = bool(getattr(province, "synthetic", False))
    meta = folder / "metadata.toml"
    if province is None and meta.is_file():
        try:
            synthetic = bool(tomllib.loads(meta.read_text(encoding="utf-8")).get("synthetic"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML ({exc})", file=meta) from exc
    return MonitoringInputs(
        synthetic=synthetic,
        run_file=path,
        folder=folder,
        regions=regions,
        execution=execution,
        budget=budget,
        budget_file=bfile,
        exposure=exposure,
        claims=claims,
        run_assumptions=assumptions,
    )


def monitoring_assumptions_path(run_file: str | Path, inputs: MonitoringInputs) -> Path:
    """The monitoring assumption file: the run's ``monitoring`` file id if its loader allows
    one, else ``assumptions/monitoring.toml`` beside the run file."""
    af = inputs.run_assumptions.get("monitoring")
    if af is not None:
        return Path(af.path)
    p = Path(run_file).resolve().parent / "assumptions" / "monitoring.toml"
    if not p.is_file():
        raise InputError(
            f"no monitoring assumption file: expected {p} (or pass --assumptions)",
            file=run_file,
            field="assumptions.monitoring",
        )
    return p
