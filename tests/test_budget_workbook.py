"""The budget draft written by ``actuary budget`` on the embedded small run.

The workbook is read back with openpyxl: the expected sheets and labels, totals that add up in
every column, the province = Σ sub-units for own items, and every number of the draft column
equal to the mean over paths of the ``paths.nc`` written by the same command (the draft column's
stated statistic), recomputed here with numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from _projection_fitted import ROOT, SMALL, patch_fit
from openpyxl import load_workbook

from actuary import dims
from actuary.budget import ROWS
from actuary.cli import main

COLS = {"prior_actual": 3, "outturn": 4, "draft": 5, "change_pct": 6, "p05": 7, "p50": 8, "p95": 9}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    patch_fit(mp)
    d = tmp_path_factory.mktemp("budget") / "out"
    try:
        assert main(["budget", str(SMALL), "--out", str(d), "--quiet"]) == 0
    finally:
        mp.undo()
    return d


def _sheet_values(ws) -> dict[str, dict[str, float | None]]:  # type: ignore[no-untyped-def]
    rows: dict[str, dict[str, float | None]] = {}
    codes = {r[0] for r in ROWS}
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[1] in codes and row[1] not in rows:
            rows[row[1]] = {k: row[i - 1] for k, i in COLS.items()}
    return rows


def test_files_written(out: Path) -> None:
    names = {p.name for p in out.iterdir()}
    assert names >= {
        "budget_2027.csv",
        "budget_2027.xlsx",
        "budget_2027_assumptions.csv",
        "budget_2027_summary.txt",
        "paths.nc",
    }


def test_sheets_and_labels(out: Path) -> None:
    wb = load_workbook(out / "budget_2027.xlsx")
    regions = [s for s in wb.sheetnames if s.split(" ")[0] in dims.REGION_CODES]
    assert wb.sheetnames[0] == "全省 JL"
    assert len(regions) == len(dims.REGION_CODES)
    assert "假设与定性调整 Assumptions" in wb.sheetnames and "摘要 Summary" in wb.sheetnames
    ws = wb["全省 JL"]
    assert "合成数据" in ws["A1"].value  # the synthetic province is labelled as such
    assert "万元" in ws["A2"].value
    assert ws.cell(3, 5).value == "2027年预算草案（均值）"
    assert ws.cell(3, 3).value.startswith("2025") and ws.cell(3, 4).value.startswith("2026")
    labels = [c.value for c in ws["A"] if c.value]
    for zh in (
        "工伤保险费收入",
        "利息收入",
        "工伤医疗待遇支出",
        "伤残待遇支出",
        "工亡待遇支出",
        "劳动能力鉴定支出",
        "工伤预防费用支出",
        "收入合计",
        "支出合计",
        "年末滚存结余",
        "储备金",
        "累计结余可支付月数",
    ):
        assert any(zh in str(v) for v in labels), zh
    assert any("Contribution revenue" in str(v) for v in labels)
    a = wb["假设与定性调整 Assumptions"]
    keys = [r[2] for r in a.iter_rows(min_row=3, values_only=True)]
    assert "fund.reserve.ratio" in keys and "fund.prevention.share" in keys
    assert any(str(k).startswith("economy.") for k in keys)


def test_totals_add_up(out: Path) -> None:
    wb = load_workbook(out / "budget_2027.xlsx")
    for name in wb.sheetnames[:13]:
        v = _sheet_values(wb[name])
        for col in ("prior_actual", "outturn", "draft"):

            def g(code: str, col: str = col, v: dict = v) -> float:  # type: ignore[type-arg]
                x = v[code][col]
                return 0.0 if x is None else float(x)

            rev = sum(g(c) for c in dims.REVENUE_CODES)
            exp = sum(g(c) for c in dims.EXPENDITURE_CODES)
            ben = g("medical_benefits") + g("disability_benefits") + g("death_benefits")
            assert g("revenue_total") == pytest.approx(rev, rel=1e-9, abs=1e-6), (name, col)
            assert g("expenditure_total") == pytest.approx(exp, rel=1e-9, abs=1e-6), (name, col)
            assert g("benefits_total") == pytest.approx(ben, rel=1e-9, abs=1e-6), (name, col)
            assert g("surplus") == pytest.approx(rev - exp, rel=1e-9, abs=1e-6), (name, col)
            assert g("balance_close") == pytest.approx(
                g("balance_open") + rev - exp, rel=1e-9, abs=1e-6
            ), (name, col)
    # province = Σ sub-units for the sub-units' own items (draft column)
    prov = _sheet_values(wb["全省 JL"])
    subs = [_sheet_values(wb[n]) for n in wb.sheetnames[1:13]]
    for code in ("contributions", "medical_benefits", "disability_benefits", "prevention"):
        total = sum(float(s[code]["draft"] or 0.0) for s in subs)
        assert prov[code]["draft"] == pytest.approx(total, rel=1e-9)


def test_draft_column_is_the_mean_of_the_paths(out: Path) -> None:
    wb = load_workbook(out / "budget_2027.xlsx")
    with xr.open_dataset(out / "paths.nc", engine="h5netcdf") as ds:
        f = ds["fund"].sel(scenario="baseline", year=2027).load()
    arr = f.transpose("path", "region", "item").values
    regions = [str(r) for r in f["region"].values]
    items = [str(i) for i in f["item"].values]
    for name in wb.sheetnames[:13]:
        code = "JL" if name == "全省 JL" else name.split(" ")[0]
        v = _sheet_values(wb[name])
        r = regions.index(code)
        for item in items:
            if item == "months_of_payment":
                continue
            mean_wan = arr[:, r, items.index(item)].mean() / 1e4  # yuan → 万元
            assert v[item]["draft"] == pytest.approx(mean_wan, rel=1e-12, abs=1e-9), (code, item)
            p95 = np.quantile(arr[:, r, items.index(item)], 0.95) / 1e4
            assert v[item]["p95"] == pytest.approx(p95, rel=1e-12, abs=1e-9), (code, item)
    jl = regions.index("JL")
    bal = arr[:, jl, items.index("balance_close")].mean()
    exp = arr[:, jl, items.index("expenditure_total")].mean()
    v = _sheet_values(wb["全省 JL"])
    # months of payment of the draft = draft closing balance ÷ (draft expenditure ÷ 12)
    assert v["months_of_payment"]["draft"] == pytest.approx(bal / (exp / 12), rel=1e-12)


def test_csv_matches_workbook(out: Path) -> None:
    csv = pd.read_csv(out / "budget_2027.csv", dtype={"region": str})
    wb = load_workbook(out / "budget_2027.xlsx")
    v = _sheet_values(wb["全省 JL"])
    row = csv[(csv.region == "JL") & (csv.item == "contributions")].iloc[0]
    assert row["draft"] == pytest.approx(v["contributions"]["draft"], rel=1e-9)
    assert set(csv.region) == {"JL", *dims.REGION_CODES}
    assert row["label_zh"] == "工伤保险费收入"


def test_summary_probabilities(out: Path) -> None:
    text = (out / "budget_2027_summary.txt").read_text(encoding="utf-8")
    with xr.open_dataset(out / "paths.nc", engine="h5netcdf") as ds:
        bal = (
            ds["fund"].sel(scenario="baseline", year=2027, region="JL", item="balance_close").values
        )
        req = ds["reserve_required"].sel(scenario="baseline", year=2027).values
    assert f"below zero: {(bal < 0).mean():.1%}" in text
    assert f"below the required reserve: {(bal < req).mean():.1%}" in text
    assert "months of payment" in text and "SYNTHETIC" in text


def _expected_closing_2026_wan() -> float:
    """The 2026 expected closing balance in 万元, computed here without the engine.

    Independent route: the raw CSVs of the data folder read with pandas, the monitoring's
    ``expected_outturn`` per region × item on the months of 2026 executed so far (an item a
    sub-unit recorded neither in 2025 nor so far in 2026 counts as 0, the budget's documented
    rule), and the 2025 closing balance of ``fund_balance.csv``:
    close 2026 = close 2025 + Σ own revenue − Σ own expenditure (internal flows cancel in the
    province, 统收统支).
    """
    from actuary.monitoring import expected_outturn

    folder = ROOT / "data" / "synthetic"
    ex = pd.read_csv(folder / "execution_monthly.csv", dtype={"region": str})
    fb = pd.read_csv(folder / "fund_balance.csv")
    eo = expected_outturn(ex, 2026)
    assert int(eo["through_month"].iloc[0]) == 10  # actuals through October 2026
    seen = ex[ex["year"].isin([2025, 2026])].groupby(["region", "item"])["amount"].sum()
    revenue = {"contributions", "fiscal_subsidy", "interest", "other_revenue"}
    expenditure = {
        "medical_benefits",
        "disability_benefits",
        "death_benefits",
        "appraisal",
        "prevention",
        "other_expenditure",
    }
    total = 0.0
    for region, item, expected in eo[["region", "item", "expected"]].itertuples(index=False):
        if seen.get((str(region), item), 0.0) == 0.0:
            continue
        total += expected if item in revenue else -expected if item in expenditure else 0.0
    close_2025 = float(fb.loc[fb["year"] == 2025, "balance_close"].iloc[0])
    return (close_2025 + total) / 1e4


def test_opening_balance_ties_to_the_expected_outturn(out: Path) -> None:
    # the current year is conditioned on its executed months (models/assumptions/fund.toml
    # current_year.condition_on_outturn = true): the draft's opening balance (the mean over paths
    # of the simulated 2026 closing balance) equals the 2026 expected closing balance, to the
    # 0.01 万元 the workbook shows
    want = round(_expected_closing_2026_wan(), 2)
    v = _sheet_values(load_workbook(out / "budget_2027.xlsx")["全省 JL"])
    assert round(float(v["balance_open"]["draft"]), 2) == want
    assert round(float(v["balance_close"]["outturn"]), 2) == want
    with xr.open_dataset(out / "paths.nc", engine="h5netcdf") as ds:
        bal = ds["fund"].sel(scenario="baseline", region="JL", item="balance_close")
        assert round(float(bal.sel(year=2026).mean()) / 1e4, 2) == want
        assert "conditioned on execution through month 10" in ds.attrs["current_year_conditioning"]
    text = (out / "budget_2027_summary.txt").read_text(encoding="utf-8")
    assert "conditioned on actuals through month 10" in text and "差额" not in text
    assert f"{want:,.2f}" in text
    # the factors are shown in the assumptions sheet (定性调整), one row per item
    a = load_workbook(out / "budget_2027.xlsx")["假设与定性调整 Assumptions"]
    rows = [r for r in a.iter_rows(min_row=3, values_only=True) if "conditioning" in str(r[0])]
    keys = {str(r[2]).split(" ")[0] for r in rows}
    assert {"current_year.contributions", "current_year.medical_benefits"} <= keys
    assert {"current_year.interest", "current_year.prevention"} <= keys
