"""``actuary data``: regenerate the synthetic province or check a data folder.

- ``actuary data synth --out DIR [--seed N]`` writes the embedded synthetic province (default seed
  :data:`actuary.data.synthetic.DEFAULT_SEED` reproduces ``data/synthetic/`` byte for byte). The
  files are staged and moved into ``DIR`` only when all are written.
- ``actuary data check DIR`` validates a data folder (``actuary.data.load_province``): exit 0
  and a one-paragraph summary when it is sound (saying whether the ``[files]`` rows and SHA-256
  of ``metadata.toml`` were checked and which files were read as GB18030); exit 2 with the file,
  column, rows and rule, on one line, when it is not. ``synth`` writes that ``[files]`` table.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from actuary.io import staged_output


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare ``synth`` and ``check``."""
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    sub.required = True
    synth = sub.add_parser("synth", help="write the embedded synthetic province")
    synth.add_argument("--out", required=True, help="output folder")
    synth.add_argument(
        "--seed",
        type=int,
        default=None,
        help="random seed (default: the documented seed of data/synthetic/)",
    )
    synth.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply covered workers (1 = the embedded province; e.g. 0.02 for "
        "a small uncalibrated miniature)",
    )
    check = sub.add_parser("check", help="validate a province data folder")
    check.add_argument("folder", help="data folder with metadata.toml and the CSV files")


def run(args: argparse.Namespace) -> int:
    """Run ``synth`` or ``check``; bad input raises ``InputError`` (exit 2 via the CLI)."""
    if args.data_command == "synth":
        from actuary.data.synthetic import DEFAULT_SEED, write_synthetic

        seed = DEFAULT_SEED if args.seed is None else args.seed
        with staged_output(args.out) as tmp:
            written = write_synthetic(tmp, seed=seed, scale=args.scale)
        print(f"wrote {len(written)} files of the SYNTHETIC province (seed {seed}) to {args.out}")
        return 0
    from actuary.data.loader import check_province

    data = check_province(args.folder)
    n = {t: len(data.table(t)) for t in ("regions", "claims", "payments", "beneficiaries")}
    n_exec = len(data.table("execution_monthly"))
    print(
        f"{args.folder}: sound. {data.label}; history {data.first_year}-{data.last_full_year}, "
        f"current year {data.current_year}; {n['regions']} regions, {n['claims']:,} claims, "
        f"{n['payments']:,} payments, {n['beneficiaries']:,} beneficiaries, "
        f"{n_exec:,} execution rows."
        + _provenance(data.metadata)
    )
    return 0


def _provenance(meta: Mapping[str, Any]) -> str:
    """The encodings other than UTF-8 and whether metadata.toml's [files] table was checked."""
    files = meta.get("files", {})
    text = (f" Rows and SHA-256 of {len(files)} files match metadata.toml [files]." if files
            else " metadata.toml has no [files] table: truncation at a row boundary is not "
            "detectable.")
    other = sorted(n for n, e in meta.get("encodings", {}).items() if e != "utf-8")
    if other:
        text += f" Read as GB18030 (not UTF-8): {', '.join(other)}."
    return text
