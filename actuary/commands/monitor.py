"""``actuary monitor RUN.toml --actuals FILE --through YYYY-MM --out DIR``: budget execution.

Reads the run file for the data folder (history of monthly execution, the approved budget,
exposure and claims for the prefecture assessment) and the monitoring assumptions, checks the
actuals, and writes ``alerts.csv``, ``execution.csv``, ``assessment.csv``, ``monthly.csv``,
``curves.csv``, ``monitor.xlsx``, ``charts/*.png`` and ``summary.json`` into ``DIR`` — all or
nothing. Bad input: one line naming file, field and rows on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from actuary.errors import InputError
from actuary.monitoring.actuals import read_budget
from actuary.monitoring.data import load_monitoring_inputs, monitoring_assumptions_path
from actuary.monitoring.monitor import monitor
from actuary.outturn import read_actuals
from actuary.spec.assumptions import read_assumption_file
from actuary.spec.monitoring import MonitorSettings


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary monitor``."""
    parser.add_argument("run", type=Path, help="run file (models/jilin.toml)")
    parser.add_argument(
        "--actuals",
        type=Path,
        required=True,
        help="monthly actuals CSV (year, month, region, item, amount; yuan)",
    )
    parser.add_argument(
        "--through",
        required=True,
        metavar="YYYY-MM",
        help="last month executed (the monitored month-end)",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--budget",
        type=Path,
        default=None,
        help="budget CSV (year, region, item, amount; yuan) or a budget draft "
        "CSV of 'actuary budget' (budget_<year>.csv, 万元); default: the data "
        "folder's budget.csv",
    )
    parser.add_argument(
        "--assumptions",
        type=Path,
        default=None,
        help="monitoring assumption file (default: the run's 'monitoring' "
        "assumption file, else assumptions/monitoring.toml beside the run file)",
    )
    parser.add_argument("--no-charts", action="store_true", help="skip the PNG charts")


def parse_through(text: str) -> tuple[int, int]:
    """``"2026-10"`` → ``(2026, 10)``; an :class:`InputError` on anything else."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"expected YYYY-MM with month 01 … 12, got {text!r}", field="--through")
    return int(m.group(1)), int(m.group(2))


def run(args: argparse.Namespace) -> int:
    """Run the monitoring and write the outputs."""
    year, month = parse_through(args.through)
    inputs = load_monitoring_inputs(args.run)
    regions = inputs.regions
    actuals = read_actuals(args.actuals, through=(year, month), regions=regions)
    if not ((actuals["year"] == year) & (actuals["month"] == month)).any():
        raise InputError(
            f"no rows for the monitored month {year}-{month:02d}", file=args.actuals, field="month"
        )
    budget = (
        read_budget(args.budget, regions=regions, year=year)
        if args.budget is not None
        else inputs.budget
    )
    budget_name = str(args.budget) if args.budget is not None else str(inputs.budget_file)
    if not (budget["year"] == year).any():
        raise InputError(f"no budget rows for {year}", file=budget_name, field="year")
    apath = args.assumptions or monitoring_assumptions_path(args.run, inputs)
    settings = MonitorSettings.parse(read_assumption_file(apath))
    result = monitor(
        actuals,
        budget,
        year,
        month,
        history=inputs.execution,
        exposure=inputs.exposure,
        claims=inputs.claims,
        settings=settings,
        inputs={
            "run": str(args.run),
            "actuals": str(args.actuals),
            "budget": budget_name,
            "data": str(inputs.folder),
            "synthetic": "true" if inputs.synthetic else "false",
        },
    )
    result.write(args.out, charts=not args.no_charts)
    print(result.summary())
    print(f"written to {args.out}")
    return 0
