"""``actuary verify DIR/manifest.json [--root DIR] [--keep DIR]``: check a pack, then re-run it.

Checks, in order (:func:`actuary.manifest.verify`): the manifest's content hash; the recorded
command against a whitelist per verb and every recorded path (refused: unknown verbs or
options, ``--out`` other than ``{out}``, absolute paths, ``..``, links out of their folder); the
pack's own files against their recorded SHA-256 (changed, missing, extra); the inputs under
the input root (``--root``, default the recorded input root when it exists here, else the
current folder); then re-runs the command into a temporary folder (``--keep DIR`` to keep it)
and compares every output. Prints one line per finding and a verdict. Exit 0 only when
everything matches; 1 on any finding (or a refusal: nothing is re-run); 2 on an unreadable
manifest or a bad option.

The re-run is **in-process**: :func:`rerun_in_process` calls :func:`actuary.cli.main` of the
package already running verify, with the sanitised arguments, in the recorded working folder
mapped onto the input root. No interpreter is started, so nothing is imported from the pack,
the recorded working folder or the input root (those are also taken off ``sys.path`` while it
runs); a subprocess ``python -I -m actuary`` would run whichever ``actuary`` is installed in
site-packages (``-I`` ignores ``PYTHONPATH``), not necessarily the code doing the check.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import traceback
from pathlib import Path

from actuary.manifest import VerifyResult
from actuary.manifest import verify as _verify

__all__ = ["configure", "rerun_in_process", "run", "verify"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary verify``."""
    parser.add_argument("manifest", help="manifest.json of an output folder (or the folder)")
    parser.add_argument(
        "--root",
        metavar="DIR",
        default=None,
        help="folder the recorded input paths are relative to (default: the recorded input "
        "root when it exists here, else the current folder)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        default=None,
        help="write the re-run's outputs to DIR and keep them (default: a temporary folder)",
    )


def _trusted_path(entry: str, untrusted: list[Path], package_parent: Path) -> bool:
    if entry in ("", "."):
        return False
    p = Path(entry).resolve()
    if p == package_parent:
        return True
    # the running interpreter's own installation (stdlib, the venv's site-packages) is trusted
    # even when it lies inside a recorded folder (a .venv in the checkout that wrote the pack)
    for prefix in {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}:
        if p == prefix or prefix in p.parents:
            return True
    return not any(p == u or u in p.parents for u in untrusted)


def rerun_in_process(argv: list[str], cwd: Path, untrusted: list[Path]) -> tuple[int, str]:
    """Run ``actuary <argv>`` in this process, in the folder ``cwd``; returns (exit code,
    captured stderr).

    ``cwd`` is the recorded working folder mapped onto the input root, so that outputs which
    show paths relative to it (the review pack's command and input table) come out the same;
    every path argument names a checked file whatever the folder. While it runs, ``sys.path``
    loses the current-folder entry and every entry inside the ``untrusted`` folders (the pack,
    the input root, the recorded working folder), except the folder this package is imported
    from; matplotlib is imported before changing folder (it reads ``matplotlibrc`` from the
    current folder when imported).
    """
    import matplotlib  # noqa: F401  (before the chdir: it reads matplotlibrc from the cwd)

    import actuary
    from actuary.cli import main

    package_parent = Path(actuary.__file__).resolve().parent.parent
    folders = [u.resolve() for u in untrusted]
    saved = list(sys.path)
    sys.path[:] = [e for e in saved if _trusted_path(e, folders, package_parent)]
    os.environ.setdefault("MPLBACKEND", "Agg")
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:  # a failing re-run is a finding, not a crash of verify
        code = 1
        err.write("".join(traceback.format_exception_only(type(exc), exc)))
    finally:
        os.chdir(here)
        sys.path[:] = saved
    text = err.getvalue().strip().splitlines()
    return code, (text[-1] if text else "")


def verify(
    manifest: str | Path, *, keep: str | Path | None = None, root: str | Path | None = None
) -> VerifyResult:
    """:func:`actuary.manifest.verify` with the in-process re-run (``actuary.verify``)."""
    return _verify(manifest, rerun=rerun_in_process, keep=keep, root=root)


def run(args: argparse.Namespace) -> int:
    """Verify the manifest; exit 0 only when everything matches."""
    result = verify(args.manifest, keep=args.keep, root=args.root)
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1
