"""``actuary verify DIR/manifest.json``: re-run a recorded command and compare every output.

Prints one line per changed or missing input (named), one line per output (``identical`` /
``different`` / ``missing``) and a verdict. Exit 0 only when every input is unchanged and
every output is identical; 1 otherwise; 2 on an unreadable manifest.
"""

from __future__ import annotations

import argparse

from actuary.manifest import verify


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary verify``."""
    parser.add_argument("manifest", help="manifest.json of an output folder (or the folder)")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        default=None,
        help="write the re-run's outputs to DIR and keep them (default: a temporary folder)",
    )


def run(args: argparse.Namespace) -> int:
    """Verify the manifest; exit 0 only when everything is identical."""
    result = verify(args.manifest, keep=args.keep)
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1
