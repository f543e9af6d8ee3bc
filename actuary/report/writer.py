"""Write the review pack of a run: ``report.html``, ``report.pdf``, ``results.json`` and the
manifest, all through :func:`actuary.io.staged_output` (nothing half-written on failure)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from actuary.io import sha256_file, staged_output
from actuary.manifest import command_template, library_versions, run_inputs, write_manifest
from actuary.report.build import compute_values
from actuary.report.document import Lang, render_html, render_pdf
from actuary.report.sections import build_document
from actuary.report.values import ReportValues

#: Files of a review-pack folder (besides manifest.json).
OUTPUTS = ("report.html", "report.pdf", "results.json")


def default_sensitivity(run: Any) -> Path | None:
    """``sensitivity.toml`` beside the run file, if there is one."""
    p = Path(run.path).parent / "sensitivity.toml"
    return p if p.is_file() else None


def previous_files(previous: Path) -> list[Path]:
    """The previous report's manifest and the ``results.json`` beside it (inputs of the
    analysis of change)."""
    m = previous / "manifest.json" if previous.is_dir() else previous
    res = m.parent / "results.json"
    return [m, res] if res.is_file() else [m]


def input_table(run: Any, extra: dict[str, list[Path]]) -> pd.DataFrame:
    """Every input file of the report with its SHA-256 (for the appendix)."""
    groups = run_inputs(run)
    for g, files in extra.items():
        groups.setdefault(g, []).extend(files)
    rows = []
    base = Path.cwd()
    for g, files in groups.items():
        for f in files:
            try:
                shown = f.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                shown = str(f)
            rows.append({"group": g, "path": shown, "sha256": sha256_file(f)})
    return pd.DataFrame(rows, columns=["group", "path", "sha256"])


def report_values(
    run: Any,
    *,
    previous: str | Path | None = None,
    sensitivity: str | Path | None = None,
    sensitivity_paths: int | None = None,
    argv: Sequence[str] = (),
) -> ReportValues:
    """Compute the values of the report (the expensive part)."""
    extra: dict[str, list[Path]] = {}
    if sensitivity is not None:
        extra["sensitivity"] = [Path(sensitivity)]
    if previous is not None:
        prev = Path(previous)
        extra["previous"] = previous_files(prev)
    versions = {
        # the git commit and the working-tree state are recorded in manifest.json only: they
        # identify the code but must not make two reports with identical numbers differ
        "package": {"version": _version()},
        "python": _python(),
        "libraries": library_versions(),
    }
    return compute_values(
        run,
        sensitivity=sensitivity,
        sensitivity_paths=sensitivity_paths,
        previous=previous,
        command="actuary " + " ".join(command_template(argv)) if argv else "",
        inputs=input_table(run, extra),
        versions=versions,
    )


def write_report(
    run: Any,
    out_dir: str | Path,
    *,
    lang: Lang = "zh",
    previous: str | Path | None = None,
    sensitivity: str | Path | None = None,
    sensitivity_paths: int | None = None,
    argv: Sequence[str] = (),
) -> Path:
    """Compute the values, render the report in ``lang`` and write the folder ``out_dir``."""
    values = report_values(
        run,
        previous=previous,
        sensitivity=sensitivity,
        sensitivity_paths=sensitivity_paths,
        argv=argv,
    )
    return write_values(
        values, out_dir, run=run, lang=lang, previous=previous, sensitivity=sensitivity, argv=argv
    )


def write_values(
    values: ReportValues,
    out_dir: str | Path,
    *,
    run: Any,
    lang: Lang = "zh",
    previous: str | Path | None = None,
    sensitivity: str | Path | None = None,
    argv: Sequence[str] = (),
) -> Path:
    """Render computed values in ``lang`` and write the review-pack folder ``out_dir``."""
    doc = build_document(values)
    extra: dict[str, list[Path]] = {}
    if sensitivity is not None:
        extra["sensitivity"] = [Path(sensitivity)]
    if previous is not None:
        p = Path(previous)
        extra["previous"] = previous_files(p)
    with staged_output(out_dir) as stage:
        (stage / "report.html").write_text(render_html(doc, lang), encoding="utf-8")
        (stage / "report.pdf").write_bytes(render_pdf(doc, lang))
        (stage / "results.json").write_text(
            json.dumps(values.key_figures(), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        write_manifest(stage, argv=list(argv) or ["report", str(run.path)], run=run, inputs=extra)
    return Path(out_dir)


def _version() -> str:
    from actuary._version import __version__

    return __version__


def _python() -> str:
    import sys

    return sys.version.split()[0]
