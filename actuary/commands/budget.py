"""``actuary budget RUN.toml --out DIR``: the annual budget draft.

Projects the run (same options as ``actuary simulate``: ``--paths``, ``--seed``, ``--workers``,
``--scheduler``) and writes, all at once, ``DIR/budget_<year>.xlsx`` (province and one sheet per
pooling sub-unit, official items in Chinese and English, 万元; an assumptions and 定性调整 sheet),
``DIR/budget_<year>.csv``, ``DIR/budget_<year>_assumptions.csv``,
``DIR/budget_<year>_summary.txt`` and the simulation behind them, ``DIR/paths.nc``.
``--scenario NAME`` drafts under one of the run file's scenarios instead of the baseline.
Bad data or model files exit with code 2 and a one-line cause; nothing is half-written.
"""

from __future__ import annotations

import argparse
import sys

from actuary.commands.simulate import add_run_arguments, project_from_args

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary budget``."""
    add_run_arguments(parser)
    parser.add_argument(
        "--scenario",
        default="baseline",
        metavar="NAME",
        help="draft the budget under this scenario of the run file (default: baseline)",
    )


def run(args: argparse.Namespace) -> int:
    """Draft the budget and write the workbook, CSV, summary and ``paths.nc``."""
    from actuary.budget import draft_budget, write_budget
    from actuary.io import staged_output
    from actuary.manifest import write_manifest
    from actuary.projection import write_paths

    proj, data = project_from_args(args, [args.scenario])
    draft = draft_budget(proj, data, scenario=args.scenario)
    with staged_output(args.out) as tmp:
        write_budget(draft, tmp)
        write_paths(proj.data, tmp / "paths.nc")
        write_manifest(tmp, argv=getattr(args, "argv", []), run=proj.run)
    print(draft.summary, end="")
    print(f"wrote {args.out}/budget_{draft.year}.xlsx", file=sys.stderr)
    return 0
