"""Command-line interface: ``actuary <verb> ...``.

Each verb lives in its own module under :mod:`actuary.commands` with two functions,
``configure(parser)`` (declare arguments) and ``run(args) -> int`` (do the work). Only the
module of the verb being run is imported, so ``actuary benefits`` starts fast.

Bad input raises :class:`actuary.errors.InputError`; it is printed as one line on stderr and
the exit code is 2, with no traceback.

Paths are resolved here, once: a verb's ``--out`` becomes an absolute path (relative folders
work for every verb) and the output folder's lock (:func:`actuary.io.output_lock`) is taken
before the verb computes, so a second run into the same folder is refused at once (exit 2).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from actuary._version import __version__
from actuary.errors import InputError

#: verb -> (module under actuary.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "benefits": ("benefits", "assess the benefits of one case (工伤保险待遇计算)"),
    "data": ("data", "regenerate the synthetic province or check a data folder"),
    "simulate": ("simulate", "run the stochastic fund projection and write paths.nc"),
    "budget": ("budget", "draft the annual fund budget (Excel, CSV, summary)"),
    "rates": ("rates", "solve contribution rates under 以支定收、收支平衡"),
    "compare": ("compare", "compare rate/assumption scenarios side by side"),
    "report": ("report", "write the third-party review pack (HTML, PDF, manifest)"),
    "verify": ("verify", "re-run a manifest and compare every output"),
    "monitor": ("monitor", "monitor budget execution from monthly actuals"),
}


def _build_parser(verb: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actuary",
        description="Work-injury fund budget, rates and review pack (Jilin provincial pool).",
    )
    parser.add_argument("--version", action="version", version=f"actuary {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="VERB")
    sub.required = True
    for name, (module, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if name == verb:
            mod = importlib.import_module(f"actuary.commands.{module}")
            mod.configure(sp)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``actuary`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    verb = args_list[0] if args_list and args_list[0] in COMMANDS else None
    parser = _build_parser(verb)
    args = parser.parse_args(args_list)
    args.argv = args_list  # recorded in output manifests (actuary.manifest)
    module = importlib.import_module(f"actuary.commands.{COMMANDS[args.command][0]}")
    try:
        with _resolve_out(args):
            code: int = module.run(args)
    except InputError as exc:
        print(f"actuary {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        print("actuary: interrupted", file=sys.stderr)
        return 130
    return code


def _resolve_out(args: argparse.Namespace) -> contextlib.AbstractContextManager[object]:
    """Make ``args.out`` absolute (same type) and return its lock; a null context without one."""
    out = getattr(args, "out", None)
    if out is None:
        return contextlib.nullcontext()
    from actuary.io import output_lock

    args.out = type(out)(os.path.abspath(os.path.expanduser(os.fspath(out))))
    return output_lock(args.out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
