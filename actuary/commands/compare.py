"""``actuary compare RUN.toml SCENARIO… --out DIR``: scenarios side by side.

Each ``SCENARIO`` is an assumption overlay (``[scenario]`` + ``[[override]]``) or a rate scenario
(``[scenario]`` + ``[rate_policy]``); see :mod:`actuary.compare`. The run's baseline is always
the first column. Writes ``compare.xlsx`` (sheets 对比汇总, 分年指标, 行业缴费负担, 地区净流量,
缺口分担, 统筹效益), one ``compare_<table>.csv`` per sheet, fan charts of the balance and of the
months of payment per scenario, bars of the employer burden by class and of the gap-sharing
burden, and ``compare_summary.txt`` — all at once (nothing half-written on failure).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from actuary.commands.rates import add_simulation_arguments

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary compare``."""
    add_simulation_arguments(parser)
    parser.add_argument(
        "scenarios",
        nargs="+",
        metavar="SCENARIO",
        help="scenario files (assumption overlays or rate scenarios)",
    )


def run(args: argparse.Namespace) -> int:
    """Compare and write the outputs."""
    from actuary.compare import compare
    from actuary.data import load_province
    from actuary.errors import InputError
    from actuary.io import staged_output
    from actuary.manifest import write_manifest
    from actuary.spec.run import load_run

    if args.workers < 1:
        raise InputError("must be at least 1", field="--workers")
    run_spec = load_run(args.run_file).with_paths(args.paths, args.seed)
    data = load_province(run_spec.data)
    cmp = compare(
        run_spec, args.scenarios, workers=args.workers, progress=not args.quiet, data=data
    )
    files = [Path(s) for s in args.scenarios if Path(s).is_file()]
    with staged_output(args.out) as tmp:  # the tables, charts and manifest land together
        cmp.write(tmp)
        write_manifest(
            tmp,
            argv=getattr(args, "argv", []),
            run=run_spec,
            inputs={"compared scenarios": files},
        )
    print(cmp.summary())
    print(f"wrote {args.out}/compare.xlsx", file=sys.stderr)
    return 0
