"""``actuary simulate RUN.toml --out DIR``: the stochastic fund projection → ``DIR/paths.nc``.

Options: ``--paths N`` and ``--seed S`` override the run file; ``--workers N`` runs path blocks
in N processes and ``--scheduler ADDRESS`` on a dask.distributed cluster (results identical to
one process); ``--scenario NAME`` (repeatable) limits the scenarios; ``--quiet`` hides the
progress bar. The output folder is written all at once (nothing half-written on failure); bad
data or model files exit with code 2 and a one-line cause.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_run_arguments", "configure", "project_from_args", "run"]


def add_run_arguments(
    parser: argparse.ArgumentParser, *, scheduler: bool = True, execution: bool = True
) -> None:
    """Arguments shared by the commands that project a run (simulate, budget, rates, compare,
    report): ``RUN.toml --out DIR [--paths N] [--seed S]`` and, with ``execution``,
    ``[--workers N] [--scheduler ADDRESS] [--quiet]``.

    ``scheduler=False`` leaves out ``--scheduler`` for commands that run in local processes only;
    ``execution=False`` leaves out all three for commands that run in one process.
    """
    parser.add_argument("run_file", metavar="RUN.toml", help="run file, e.g. models/jilin.toml")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--paths",
        type=int,
        default=None,
        metavar="N",
        help="number of simulated paths (default: the run file's)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="S", help="random seed (default: the run file's)"
    )
    if not execution:
        return
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="processes over blocks of 1,000 paths (default 1)",
    )
    if scheduler:
        parser.add_argument(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="dask.distributed scheduler address, e.g. tcp://127.0.0.1:8786",
        )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary simulate``."""
    add_run_arguments(parser)
    parser.add_argument(
        "--scenario",
        action="append",
        default=None,
        metavar="NAME",
        help="project only this scenario (repeatable; default: all)",
    )


def project_from_args(
    args: argparse.Namespace, scenarios: list[str] | None, *, keep_flows: bool = False
) -> tuple[Any, Any]:
    """Load the run and the data, then project; returns ``(projection, data)``.

    ``keep_flows=False`` (the default) drops the per-scenario ``FundFlows`` (only needed to
    re-project at other rates), which halves what worker processes send back.
    """
    from actuary.data import load_province
    from actuary.errors import InputError
    from actuary.projection import project
    from actuary.spec.run import load_run

    if args.workers < 1:
        raise InputError("must be at least 1", field="--workers")
    run = load_run(args.run_file).with_paths(args.paths, args.seed)
    if scenarios:
        for s in scenarios:
            if s not in run.scenario_names:
                raise InputError(
                    f"unknown scenario; known: {', '.join(run.scenario_names)}",
                    file=args.run_file,
                    field=s,
                )
    data = load_province(run.data)
    proj = project(
        run,
        data=data,
        scenarios=scenarios,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=not args.quiet,
        keep_flows=keep_flows,
    )
    return proj, data


def run(args: argparse.Namespace) -> int:
    """Project and write ``paths.nc``."""
    from actuary.io import staged_output
    from actuary.manifest import write_manifest
    from actuary.projection import write_paths

    proj, _ = project_from_args(args, args.scenario)
    with staged_output(args.out) as tmp:
        write_paths(proj.data, tmp / "paths.nc")
        (tmp / "projection_summary.txt").write_text(proj.summary() + "\n", encoding="utf-8")
        write_manifest(tmp, argv=getattr(args, "argv", []), run=proj.run)
    print(proj.summary())
    print(f"wrote {args.out}/paths.nc", file=sys.stderr)
    return 0
