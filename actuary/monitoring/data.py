"""Inputs of a monitoring run: the run file's data folder and monitoring assumptions.

The data folder (ARCHITECTURE.md, "Data folder") gives the history of monthly execution
(``execution_monthly.csv``), the approved budgets (``budget.csv``), exposure (``exposure.csv``)
and claims (``claims.csv.gz``) for the prefecture assessment, and the region list
(``regions.csv``), from the folder loaded and checked by :func:`actuary.data.load_province`;
the monitoring tables are checked again with :mod:`actuary.outturn.actuals`.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from actuary import dims
from actuary.data import ProvinceData, load_province
from actuary.errors import InputError
from actuary.outturn import check_actuals, check_budget
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


def load_monitoring_inputs(
    run_file: str | Path, data: ProvinceData | None = None
) -> MonitoringInputs:
    """Read the run file and the monitoring inputs of its data folder.

    ``data`` is the run's data folder already loaded (default: ``load_province`` of the run
    file's ``[data] folder``).

    Raises
    ------
    InputError
        Bad run file, missing or bad data file (naming the file, field and rows).
    """
    path = Path(run_file)
    folder, assumptions = _read_run(path)
    if data is None:
        data = load_province(folder)
    regions_df = data.table("regions")
    regions = tuple(str(r) for r in regions_df["region"])
    known = (*regions, dims.PROVINCE)
    execution = check_actuals(
        data.table("execution_monthly"), file=folder / "execution_monthly.csv", regions=known
    )
    bfile = folder / "budget.csv"
    budget = check_budget(data.table("budget"), file=bfile, regions=known)
    exposure = data.table("exposure") if data.has("exposure") else None
    claims = data.table("claims") if data.has("claims") else None
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
    return MonitoringInputs(
        synthetic=data.synthetic,
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
