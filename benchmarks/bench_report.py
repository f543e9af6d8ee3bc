"""Benchmark of the third-party review pack (issue 8): ``actuary report`` on the embedded run.

Times, in one process, the parts of building the report for a run file (default
``models/jilin.toml``, the embedded run at its own path count):

- the reference: one plain projection of the run (``actuary.projection.project``, all
  scenarios, fits included) — the job the report sits on;
- the whole report: values (fits, projection, budget, rates, backtest, sensitivity), the
  document, ``report.html`` + ``report.pdf`` in Chinese, ``results.json`` and ``manifest.json``;
- rendering alone: the HTML and PDF of an already computed document, in each language.

Prints wall times, the ratio report / projection and the process's peak resident memory
(``resource.getrusage``: ru_maxrss, the high-water mark of the whole run).

Run: ``.venv/bin/python benchmarks/bench_report.py [RUN.toml] [--paths N]``
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from actuary.data import load_province
    from actuary.projection import project
    from actuary.report.document import render_html, render_pdf
    from actuary.report.sections import build_document
    from actuary.report.writer import default_sensitivity, report_values, write_report
    from actuary.spec.run import load_run

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    paths = None
    if "--paths" in sys.argv:
        paths = int(sys.argv[sys.argv.index("--paths") + 1])
        args = [a for a in args if a != str(paths)]
    run_file = Path(args[0]) if args else ROOT / "models" / "jilin.toml"
    run = load_run(run_file).with_paths(paths)
    sens = default_sensitivity(run)
    print(f"run {run_file.name}: {run.n_paths} paths, years {run.years[0]}-{run.years[-1]}, "
          f"scenarios {', '.join(run.scenario_names)}; sensitivity: {sens}")

    t0 = time.perf_counter()
    project(run, data=load_province(run.data), keep_flows=False)
    t_proj = time.perf_counter() - t0
    print(f"reference: projection (fit + simulate)   {t_proj:8.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_report(run, Path(tmp) / "report", lang="zh", sensitivity=sens,
                     argv=["report", str(run_file), "--out", "OUT"])
        t_report = time.perf_counter() - t0
        sizes = {p.name: p.stat().st_size for p in (Path(tmp) / "report").iterdir()}
    print(f"actuary report (zh, end to end)           {t_report:8.1f} s   "
          f"ratio to the projection {t_report / t_proj:.1f} x")
    print("  files: " + ", ".join(f"{k} {v / 1024:,.0f} KiB" for k, v in sorted(sizes.items())))

    values = report_values(run, sensitivity=None)
    doc = build_document(values)
    for lang in ("zh", "en"):
        t0 = time.perf_counter()
        render_html(doc, lang)
        t_html = time.perf_counter() - t0
        t0 = time.perf_counter()
        render_pdf(doc, lang)
        t_pdf = time.perf_counter() - t0
        print(f"render {lang}: html {t_html:5.1f} s (charts drawn here)  pdf {t_pdf:5.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory (whole run)          {peak:8.0f} MiB")


if __name__ == "__main__":
    main()
