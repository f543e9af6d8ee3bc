"""Review pack end to end on the small run (a copy of the data folder and model files).

One report is computed (50 paths, no sensitivity) and written in Chinese; the tests read its PDF
text and pixels, check that English and Chinese renderings of the same values carry the same
numbers, and run ``actuary verify`` unchanged (exit 0) and after one input byte changed in the
data copy (the file named, exit 1).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest

from actuary.cli import main
from actuary.report.document import all_text, numbers_in, render_html
from actuary.report.sections import build_document
from actuary.report.writer import report_values, write_values
from actuary.spec.run import load_run

ROOT = Path(__file__).resolve().parents[1]
PATHS = "50"


def copy_tree(dest: Path) -> Path:
    """Copy models/ (small run and its files), data/synthetic and data/public into ``dest``."""
    shutil.copytree(ROOT / "data" / "synthetic", dest / "data" / "synthetic")
    shutil.copytree(ROOT / "data" / "public", dest / "data" / "public")  # mortality table
    (dest / "models").mkdir()
    shutil.copy(ROOT / "models" / "jilin_small.toml", dest / "models")
    for sub in ("assumptions", "scenarios"):
        shutil.copytree(ROOT / "models" / sub, dest / "models" / sub)
    return dest / "models" / "jilin_small.toml"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("pack")
    run_file = copy_tree(base)
    out = base / "out"
    argv = ["report", str(run_file), "--out", str(out), "--paths", PATHS, "--no-sensitivity"]
    run = load_run(run_file).with_paths(int(PATHS))
    values = report_values(run, argv=argv)
    write_values(values, out, run=run, lang="zh", argv=argv)
    return {"base": base, "run_file": run_file, "out": out, "values": values, "run": run}


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_pack_files(pack: dict[str, Any]) -> None:
    out = pack["out"]
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "report.html",
        "report.pdf",
        "results.json",
    ]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 5  # charts embedded
    assert 'src="http' not in html
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert doc["seed"] == pack["run"].seed
    assert doc["n_paths"] == int(PATHS)
    groups = {r["group"] for r in doc["inputs"]}
    assert {"run", "assumptions", "data", "parameters"} <= groups
    assert sorted(o["path"] for o in doc["outputs"]) == [
        "report.html",
        "report.pdf",
        "results.json",
    ]


def test_pdf_has_chinese_item_names_and_budget_figures(pack: dict[str, Any]) -> None:
    text = _pdf_text(pack["out"] / "report.pdf")
    for name in (
        "工伤保险费收入",
        "工伤医疗待遇支出",
        "伤残待遇支出",
        "工亡待遇支出",
        "支出合计",
        "年末滚存结余",
    ):
        assert name in text
    res = json.loads((pack["out"] / "results.json").read_text(encoding="utf-8"))
    for item in ("revenue_total", "expenditure_total", "balance_close", "contributions"):
        yuan = res["budget_yuan"][item]["draft"]
        # 万元 with one decimal and thousands separators, formatted here independently
        assert f"{yuan / 1e4:,.1f}" in text, item


def test_pdf_page_renders_not_blank(pack: dict[str, Any]) -> None:
    pdf = pdfium.PdfDocument(pack["out"] / "report.pdf")
    assert len(pdf) >= 12  # cover + one page or more per section
    for i in (1, len(pdf) // 2):
        px = np.asarray(pdf[i].render(scale=1.0).to_pil().convert("L"), dtype=float)
        assert px.std() > 5, i
        assert (px < 128).mean() > 0.003, i


def test_english_and_chinese_carry_the_same_numbers(pack: dict[str, Any]) -> None:
    doc = build_document(pack["values"])
    zh, en = all_text(doc, "zh"), all_text(doc, "en")
    assert Counter(numbers_in(zh)) == Counter(numbers_in(en))
    html_en = render_html(doc, "en")
    assert "Contribution revenue" in html_en
    assert "工伤保险费收入" in (pack["out"] / "report.html").read_text(encoding="utf-8")


def test_verify_unchanged_then_changed_input(
    pack: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = pack["out"] / "manifest.json"
    assert main(["verify", str(manifest)]) == 0
    out = capsys.readouterr().out
    assert "identical: report.pdf" in out
    assert "all outputs identical" in out

    # change one byte of one input: the last digit of the first amount in economy.csv
    target = pack["base"] / "data" / "synthetic" / "economy.csv"
    original = target.read_bytes()
    raw = bytearray(original)
    line_end = raw.index(b"\n", raw.index(b"\n") + 1)  # end of the first data row
    pos = max(i for i in range(line_end) if chr(raw[i]).isdigit())
    raw[pos] = ord("1") if raw[pos] != ord("1") else ord("2")
    target.write_bytes(bytes(raw))
    # a deliberate edit updates the file's SHA-256 in metadata.toml [files] (else the loader
    # refuses the file as "changed since export")
    meta = target.parent / "metadata.toml"
    meta_original = meta.read_bytes()
    meta.write_bytes(
        meta_original.replace(
            hashlib.sha256(original).hexdigest().encode(),
            hashlib.sha256(bytes(raw)).hexdigest().encode(),
        )
    )
    try:
        assert main(["verify", str(manifest)]) == 1
        out = capsys.readouterr().out
        changed = [ln for ln in out.splitlines() if ln.startswith("changed input:")]
        assert len(changed) == 2
        assert "economy.csv" in changed[0] + changed[1]
        assert "metadata.toml" in changed[0] + changed[1]
        assert "different: report.pdf" in out
    finally:
        target.write_bytes(original)  # the pack is the previous run of the next test
        meta.write_bytes(meta_original)


def test_analysis_of_change_attributes_an_assumption_change(
    pack: dict[str, Any], tmp_path: Path
) -> None:
    """Previous run = the pack; current run = the same data and model files except a higher
    prevention share. All the change must be in 'assumptions', and it must equal the closed
    form Δshare × mean contributions of the year before the budget year (prevention spending of
    year t is share × contributions of year t-1, 人社部规〔2017〕13号; actuary.projection)."""
    from actuary.spec.assumptions import read_assumption_file

    run_file = copy_tree(tmp_path)
    fund = tmp_path / "models" / "assumptions" / "fund.toml"
    old_share = float(read_assumption_file(fund).value("prevention.share"))
    new_share = old_share + 0.005
    text = fund.read_text(encoding="utf-8")
    head, rest = text.split("[prevention.share]", 1)
    first, tail = rest.split("\n", 1)
    assert tail.startswith("value = ")
    tail = f"value = {new_share!r}\n" + tail.split("\n", 1)[1]
    fund.write_text(head + "[prevention.share]" + first + "\n" + tail, encoding="utf-8")

    run = load_run(run_file).with_paths(int(PATHS))
    argv = [
        "report",
        str(run_file),
        "--out",
        "x",
        "--paths",
        PATHS,
        "--no-sensitivity",
        "--previous",
        str(pack["out"] / "manifest.json"),
    ]
    values = report_values(run, previous=pack["out"] / "manifest.json", argv=argv)
    assert values.change is not None
    delta = values.change.set_index("cause")["delta"]
    prev = json.loads((pack["out"] / "results.json").read_text(encoding="utf-8"))
    prev_exp = prev["budget_yuan"]["expenditure_total"]["draft"]
    cur_exp = float(values.budget.loc["expenditure_total", "draft"])
    assert delta.sum() == pytest.approx(cur_exp - prev_exp, rel=1e-9, abs=1.0)
    assert delta["data"] == pytest.approx(0.0, abs=1.0)
    assert delta["policy"] == pytest.approx(0.0, abs=1.0)
    assert delta["method"] == pytest.approx(0.0, abs=1.0)
    years = list(pack["values"].years)
    contrib_prev_year = pack["values"].paths["contributions"][:, years.index(run.current_year)]
    expected = (new_share - old_share) * float(np.mean(contrib_prev_year))
    assert delta["assumptions"] == pytest.approx(expected, rel=1e-6)
    assert expected > 0


def test_every_unconfirmed_assumption_is_listed_under_risks(pack: dict[str, Any]) -> None:
    """Every policy value tagged 'assumption' in force from the base year to the horizon and
    every model assumption with basis 'judgement' appears in section 11 (risks)."""
    import datetime as dt

    from actuary.params import load_parameters

    html = (pack["out"] / "report.html").read_text(encoding="utf-8")
    risks = html[html.index('<section id="risks">') : html.index('<section id="appendix">')]
    run = pack["run"]
    lo, hi = dt.date(run.base_year, 1, 1), dt.date(run.years[-1], 12, 31)
    params = load_parameters()
    expected = set()
    for name in params:
        vals = params[name].values
        for k, e in enumerate(vals):
            end = vals[k + 1].start if k + 1 < len(vals) else dt.date.max
            if e.confidence == "assumption" and e.start <= hi and end > lo:
                expected.add(name)
    assert expected, "the parameter files tag some values as assumptions"
    missing = sorted(n for n in expected if f"<td>{n}</td>" not in risks)
    assert missing == []
    judgement = [
        (fid, a.key)
        for fid, af in run.assumptions.items()
        for a in af.values.values()
        if a.basis == "judgement"
    ]
    assert judgement
    for fid, key in judgement:
        assert f"<td>{fid}</td><td>{key}</td>" in risks, (fid, key)
