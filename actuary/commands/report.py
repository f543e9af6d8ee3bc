"""``actuary report RUN.toml --out DIR [--lang zh|en]``: the third-party review pack.

Writes ``DIR/report.html`` (one self-contained file, charts embedded), ``DIR/report.pdf``,
``DIR/results.json`` (headline figures, read by the next year's analysis of change) and
``DIR/manifest.json`` (``actuary verify`` re-runs it). Chinese by default.

Options: ``--paths N`` / ``--seed S`` override the run file; ``--previous M`` (a previous
report's ``manifest.json`` or folder) adds the analysis of change; ``--sensitivity FILE``
(default: ``sensitivity.toml`` beside the run file) lists the key assumptions and their low /
high values; ``--sensitivity-paths N`` (default 200) sets the paths of each sensitivity run;
``--no-sensitivity`` skips it.
"""

from __future__ import annotations

import argparse

from actuary.commands.simulate import add_run_arguments


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary report``."""
    add_run_arguments(parser, execution=False)
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="report language (default zh)"
    )
    parser.add_argument(
        "--previous",
        default=None,
        metavar="MANIFEST",
        help="manifest.json of a previous report: adds the analysis of change",
    )
    parser.add_argument(
        "--sensitivity",
        default=None,
        metavar="FILE",
        help="sensitivity settings (default: sensitivity.toml beside the run)",
    )
    parser.add_argument(
        "--sensitivity-paths",
        type=int,
        default=None,
        metavar="N",
        help="paths of each sensitivity run (default 200, at most the run's)",
    )
    parser.add_argument(
        "--no-sensitivity", action="store_true", help="skip the sensitivity analysis"
    )


def run(args: argparse.Namespace) -> int:
    """Write the review pack."""
    from pathlib import Path

    from actuary.errors import InputError
    from actuary.manifest import read_manifest
    from actuary.report.writer import default_sensitivity, write_report
    from actuary.spec.run import load_run
    from actuary.spec.sensitivity import read_sensitivity

    run_spec = load_run(args.run_file).with_paths(args.paths, args.seed)
    if args.sensitivity_paths is not None and args.sensitivity_paths <= 0:
        raise InputError("must be positive", field="--sensitivity-paths")
    sens = None
    if not args.no_sensitivity:
        sens = Path(args.sensitivity) if args.sensitivity else default_sensitivity(run_spec)
        if sens is not None and not sens.is_file():
            raise InputError("file not found", file=sens, field="--sensitivity")
    # check the small inputs before the expensive part
    if sens is not None:
        read_sensitivity(sens, run_spec)
    if args.previous is not None:
        read_manifest(args.previous)
    out = write_report(
        run_spec,
        args.out,
        lang=args.lang,
        previous=args.previous,
        sensitivity=sens,
        sensitivity_paths=args.sensitivity_paths,
        argv=getattr(args, "argv", []),
    )
    print(f"report written to {out}/report.html, report.pdf (manifest.json)")
    return 0
