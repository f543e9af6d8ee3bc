"""No output cell is ever a formula: text from inputs through every writer (OWASP CSV injection).

OWASP's "CSV Injection" page lists the characters that make a spreadsheet read a cell as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) and the mitigation: prefix such text
with an apostrophe so that it is shown as text. The payload ``=cmd|' /C calc'!A0`` is the DDE
example of that page. Each writer of the package is run on inputs that carry such text — a run
file's ``[[adjustment]]`` reason (``actuary budget``), a rate scenario's id (``actuary compare``),
alert text (the monitoring writer), a rates table (``actuary rates``) — and the files are read
back: no xlsx cell has data type ``"f"`` (formula), the text cells start with ``'``, and negative
numbers stay numbers. Also: the budget, compare and monitoring workbooks come from the one writer
(:mod:`actuary.output.workbook`), and the helpers of :mod:`actuary.output` on hand-worked cases.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _monitoring_sim import simulate
from _projection_fitted import ROOT, SMALL, patch_fit, small
from _rates_flows import random_flows
from openpyxl import load_workbook

import actuary.projection
import actuary.projection.engine as engine
from actuary import dims
from actuary.cli import main
from actuary.compare import compare
from actuary.monitoring import check_budget
from actuary.monitoring.execution import ALERT_COLUMNS
from actuary.monitoring.monitor import MonitorSettings, monitor
from actuary.output import workbook as xl
from actuary.output.text import safe_cell, safe_frame, write_csv
from actuary.output.units import WAN, YI, from_wan, to_unit, to_wan, to_yi, unit_label
from actuary.spec.fund import FundAssumptions
from actuary.spec.run import load_run

DDE = "=cmd|' /C calc'!A0"  # OWASP CSV Injection, the DDE example
SCENARIO_ID = "=1+2"


def _cells(path: Path) -> Iterator[Any]:
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _no_formula(path: Path) -> list[Any]:
    cells = list(_cells(path))
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    return cells


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


# --- the writers, each run once on formula text ------------------------------------------------


@pytest.fixture(scope="module")
def saved() -> Iterator[list[Path]]:
    """Every workbook saved through :func:`actuary.output.workbook.save` while the module runs."""
    mp = pytest.MonkeyPatch()
    seen: list[Path] = []
    real = xl.save

    def spy(wb: Any, path: Any, **kw: Any) -> Path:
        seen.append(Path(path))
        return real(wb, path, **kw)

    mp.setattr(xl, "save", spy)
    yield seen
    mp.undo()


@pytest.fixture(scope="module")
def budget_out(tmp_path_factory: pytest.TempPathFactory, saved: list[Path]) -> Path:
    """``actuary budget`` on a copy of the small run with a formula as an adjustment's reason."""
    tmp = tmp_path_factory.mktemp("budget_escape")
    models = (ROOT / "models").as_posix()
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace('"../data/synthetic"', f'"{(ROOT / "data" / "synthetic").as_posix()}"')
    text = text.replace('"assumptions/', f'"{models}/assumptions/')
    text = text.replace('"scenarios/', f'"{models}/scenarios/')
    text += (
        '\n[[adjustment]]\ntarget = "fund.prevention.share"\nvalue = 0.01\n'
        f"reason = {json.dumps(DDE)}\n"
    )
    run_file = tmp / "run.toml"
    run_file.write_text(text, encoding="utf-8")
    _, _, models_fitted = small()

    def fitted(r: Any, data: Any, params: Any = None, scenarios: Any = None) -> Any:
        names = list(r.scenario_names if scenarios is None else scenarios)
        return {
            n: dataclasses.replace(
                models_fitted[n], fund=FundAssumptions.parse(r.assumption_file("fund", n))
            )
            for n in names
        }

    mp = pytest.MonkeyPatch()
    mp.setattr(engine, "fit_models", fitted)
    out = tmp / "out"
    try:
        assert main(["budget", str(run_file), "--out", str(out), "--quiet"]) == 0
    finally:
        mp.undo()
    return out


def _fake_project(run: Any, *, scenarios: list[str], **_: Any) -> SimpleNamespace:
    flows = {s: random_flows(300, seed=5, n_years=5, opening_months=20.0) for s in scenarios}
    return SimpleNamespace(flows=flows)


@pytest.fixture(scope="module")
def compare_out(tmp_path_factory: pytest.TempPathFactory, saved: list[Path]) -> Path:
    """``compare`` (engine replaced by constructed flows) with a formula as a scenario id."""
    tmp = tmp_path_factory.mktemp("compare_escape")
    scen = tmp / "evil.toml"
    scen.write_text(
        f'[scenario]\nid = "{SCENARIO_ID}"\ndescription = "@SUM(A1:A9)"\n\n'
        '[rate_policy]\nrule = "keep"\n',
        encoding="utf-8",
    )
    mp = pytest.MonkeyPatch()
    mp.setattr(actuary.projection, "project", _fake_project)
    try:
        cmp = compare(load_run(SMALL), [scen])
        cmp.write(tmp / "cmp")
    finally:
        mp.undo()
    return tmp / "cmp"


@pytest.fixture(scope="module")
def monitor_out(tmp_path_factory: pytest.TempPathFactory, saved: list[Path]) -> Path:
    """The monitoring writer with formula text in the alerts and in the input names."""
    rng = np.random.default_rng(7)
    series = [(r, "contributions") for r in ("220100", "220200")]
    ex, tot = simulate(rng, series, range(2015, 2027), through=(2026, 6), month_sd=0.05)
    b = tot[tot["year"] == 2026].rename(columns={"total": "amount"})
    budget = check_budget(b[["year", "region", "item", "amount"]])
    res = monitor(
        ex[ex["year"] == 2026],
        budget,
        2026,
        6,
        history=ex,
        settings=MonitorSettings(),
        inputs={"actuals": DDE},
    )
    row: dict[str, Any] = dict.fromkeys(ALERT_COLUMNS, np.nan)
    row.update(rank=1, region="220100", item="contributions", kind="pace", month="2026-06")
    row.update(deviation=-12_345.0, cause="-2+3+cmd|' /C calc'!A0")
    al = pd.DataFrame([row], columns=list(ALERT_COLUMNS))
    res = dataclasses.replace(res, alerts=al)
    out = tmp_path_factory.mktemp("monitor_escape") / "out"
    res.write(out, charts=False)
    return out


# --- budget -----------------------------------------------------------------------------------


def test_budget_adjustment_reason_is_text_not_formula(budget_out: Path) -> None:
    cells = _no_formula(budget_out / "budget_2027.xlsx")
    hits = [c for c in cells if isinstance(c.value, str) and "cmd|" in c.value]
    assert hits and all(c.value == "'" + DDE and c.data_type == "s" for c in hits)
    # negative numbers stay numbers (the shortfall of a sub-unit, a fall in %): none became text
    assert any(isinstance(c.value, float) and c.value < 0 for c in cells)
    prefixed_numbers = [
        c.value
        for c in cells
        if isinstance(c.value, str) and re.fullmatch(r"'[-+][\d.eE+-]+", c.value)
    ]
    assert not prefixed_numbers
    acsv = _csv_cells(budget_out / "budget_2027_assumptions.csv")
    assert "'" + DDE in acsv and DDE not in acsv
    frame = pd.read_csv(budget_out / "budget_2027.csv")
    assert frame["draft"].dtype == float and (frame[["draft", "change_pct"]] < 0).any().any()


# --- compare ----------------------------------------------------------------------------------


def test_compare_scenario_id_is_text_in_workbook_and_csv(compare_out: Path) -> None:
    cells = _no_formula(compare_out / "compare.xlsx")
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + SCENARIO_ID in texts and "'@SUM(A1:A9)" in texts
    assert SCENARIO_ID not in texts
    for name in ("compare_summary.csv", "compare_by_year.csv", "compare_side_by_side.csv"):
        cells_csv = _csv_cells(compare_out / name)
        assert "'" + SCENARIO_ID in cells_csv and SCENARIO_ID not in cells_csv, name
    by_year = pd.read_csv(compare_out / "compare_by_year.csv")
    assert by_year["balance_p5_wan"].dtype == float


# --- monitoring -------------------------------------------------------------------------------


def test_monitoring_text_is_text_and_negative_numbers_stay_numbers(monitor_out: Path) -> None:
    cells = _no_formula(monitor_out / "monitor.xlsx")
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + DDE in texts  # the input name in 说明
    assert "'-2+3+cmd|' /C calc'!A0" in texts  # the alert's cause
    dev = [c for c in cells if c.value == pytest.approx(-12_345.0 / WAN)]
    assert dev and all(c.data_type == "n" for c in dev)
    alerts = _csv_cells(monitor_out / "alerts.csv")
    assert "'-2+3+cmd|' /C calc'!A0" in alerts
    assert pd.read_csv(monitor_out / "alerts.csv")["deviation"].iloc[0] == -12_345.0


# --- rates ------------------------------------------------------------------------------------


def test_rates_tables_escape_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``actuary rates`` on the small run (fitted once per session), a text column planted in
    the schedule table: the CSV holds it as text, the numbers unchanged."""
    from actuary.rates import RateSolution

    patch_fit(monkeypatch)
    real = RateSolution.schedule_frame

    def planted(self: RateSolution) -> pd.DataFrame:
        return real(self).assign(note="+SUM(1,2)", delta=-0.25)

    monkeypatch.setattr(RateSolution, "schedule_frame", planted)
    out = tmp_path / "rates"
    assert (
        main(["rates", str(SMALL), "--out", str(out), "--paths", "50", "--horizon", "3", "--quiet"])
        == 0
    )
    cells = _csv_cells(out / "rates_schedule.csv")
    assert "'+SUM(1,2)" in cells and "+SUM(1,2)" not in cells
    assert pd.read_csv(out / "rates_schedule.csv")["delta"].eq(-0.25).all()


# --- one writer -------------------------------------------------------------------------------


def test_the_three_workbooks_come_from_the_one_writer(
    saved: list[Path], budget_out: Path, compare_out: Path, monitor_out: Path
) -> None:
    names = {p.name for p in saved}
    assert {"budget_2027.xlsx", "compare.xlsx", "monitor.xlsx"} <= names
    heads = [
        load_workbook(budget_out / "budget_2027.xlsx")["全省 JL"].cell(3, 1),
        load_workbook(compare_out / "compare.xlsx")["对比汇总"].cell(1, 1),
        load_workbook(monitor_out / "monitor.xlsx")["预警"].cell(1, 1),
    ]
    for c in heads:
        assert c.font.b is True
        assert c.fill.fgColor.rgb == "00" + xl.HEADER_FILL.fgColor.rgb[-6:]
        assert c.alignment.wrap_text is True
    wb = load_workbook(budget_out / "budget_2027.xlsx")
    assert "吉林省" not in str(wb["全省 JL"]["A1"].value)  # the title names the data's province
    assert "SYNTHETIC Jilin-like province" in str(wb["全省 JL"]["A1"].value)


def test_no_writer_bypasses_the_output_layer() -> None:
    """Every CSV and xlsx writer of the package goes through actuary.output (grep the source).

    ``actuary/data/synthetic.py`` writes the synthetic data folder itself (numbers and codes,
    byte-identical regeneration), not an output from inputs."""
    pkg = ROOT / "actuary"
    bad = []
    for p in pkg.rglob("*.py"):
        rel = p.relative_to(pkg).as_posix()
        if rel.startswith("output/") or rel == "data/synthetic.py":
            continue
        src = p.read_text(encoding="utf-8")
        for pat in (r"\.to_csv\(", r"\.to_excel\(", r"^\s*(from|import) openpyxl", r"ExcelWriter"):
            if re.search(pat, src, flags=re.M):
                bad.append(f"{rel}: {pat}")
    assert not bad, bad


def test_no_province_hard_coded_in_titles() -> None:
    pkg = ROOT / "actuary"
    hits = [
        p.relative_to(pkg).as_posix()
        for p in pkg.rglob("*.py")
        if re.search(r"吉林省工伤保险基金", p.read_text(encoding="utf-8"))
    ]
    assert not hits, hits


# --- helpers, on hand-worked cases -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1+2", "'+1+2"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\t5", "'\t5"),
        (DDE, "'" + DDE),
        ("长春市", "长春市"),
        ("a=1", "a=1"),
        ("", ""),
        ("-0.02", "-0.02"),  # a plain number written as text: no program runs it
        ("+3", "+3"),
        ("-inf", "'-inf"),
        (-3.5, -3.5),
        (-7, -7),
        (0, 0),
        (None, None),
        (True, True),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


def test_safe_frame_and_write_csv(tmp_path: Path) -> None:
    df = pd.DataFrame({"=id": ["=1+2", "ok"], "x": [-1.5, 2.0], "n": [-3, 4]})
    out = safe_frame(df)
    assert list(out.columns) == ["'=id", "x", "n"]
    assert out["'=id"].tolist() == ["'=1+2", "ok"]
    assert out["x"].dtype == float and out["n"].dtype == df["n"].dtype
    write_csv(df, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "'=id,x,n\n'=1+2,-1.5,-3\nok,2.0,4\n"
    assert df.columns[0] == "=id"  # the input frame is not changed


def test_sheet_name_rules() -> None:
    # Excel: at most 31 characters, none of [ ] : * ? / \, unique (case-insensitive)
    assert xl.sheet_name("a/b:c*d?e[f]g\\h") == "a_b_c_d_e_f_g_h"
    long = "x" * 40
    assert xl.sheet_name(long) == "x" * 31
    assert xl.sheet_name(long, ["x" * 31]) == "x" * 29 + "~2"
    assert xl.sheet_name("Sheet", ["sheet", "Sheet~2"]) == "Sheet~3"
    assert xl.sheet_name("'quoted'") == "quoted"
    assert xl.sheet_name("") == "Sheet"


def test_title_names_the_province() -> None:
    assert xl.title_text("某省", "工伤保险基金2027年预算草案") == "某省工伤保险基金2027年预算草案"
    assert xl.title_text("某省", "X", synthetic=True) == "某省X（合成数据 SYNTHETIC）"
    # a name ending in Latin text gets a space before the Chinese title
    assert xl.title_text("SYNTHETIC province", "X", synthetic=True) == "SYNTHETIC province X"


def test_workbook_cells_are_never_formulas(tmp_path: Path) -> None:
    wb = xl.new_workbook()
    ws = xl.add_sheet(wb, "t")
    xl.write_frame(
        ws,
        pd.DataFrame({"a": ["=A1", "x", None], "b": [-2.5, np.nan, np.int64(3)]}),
        formats={"b": xl.MONEY_FORMAT},
    )
    path = xl.save(wb, tmp_path / "t.xlsx")
    got = [[(c.value, c.data_type) for c in row] for row in load_workbook(path)["t"].iter_rows()]
    assert got == [
        [("a", "s"), ("b", "s")],
        [("'=A1", "s"), (-2.5, "n")],
        [("x", "s"), (None, "n")],
        [(None, "n"), (3, "n")],
    ]
    assert load_workbook(path)["t"]["B2"].number_format == xl.MONEY_FORMAT


def test_money_units_by_hand() -> None:
    # 123,456,789 yuan = 12,345.6789 万元 = 1.23456789 亿元 (1 万 = 10^4, 1 亿 = 10^8)
    assert to_wan(123_456_789.0) == pytest.approx(12_345.6789, rel=1e-15)
    assert to_yi(123_456_789.0) == pytest.approx(1.23456789, rel=1e-15)
    assert from_wan(12_345.6789) == pytest.approx(123_456_789.0, rel=1e-15)
    assert (WAN, YI) == (10_000.0, 100_000_000.0)
    assert to_unit(5.0, "yuan") == 5.0 and to_unit(5e4, "wan") == 5.0
    np.testing.assert_allclose(to_wan(np.array([-1e4, 2.5e4])), [-1.0, 2.5])
    assert unit_label("wan") == "万元" and unit_label("yi") == "亿元"
    assert unit_label("wan", "en") == "10,000 yuan"


def test_dims_region_codes_unchanged() -> None:
    # the budget sheet names of the sub-units are still code + Chinese name, ≤ 31 characters
    from actuary.budget.workbook import _sheet_name

    assert _sheet_name(dims.PROVINCE) == "全省 JL"
    for code in dims.REGION_CODES:
        name = _sheet_name(code)
        assert name.startswith(code + " ") and len(name) <= 31
