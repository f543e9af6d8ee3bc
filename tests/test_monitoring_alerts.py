"""Alerts of execution monitoring: a planted anomaly is caught early (issue 9).

The test plants a 30 % cut in one region's contributions from April 2026 in simulated execution
(monthly noise 5 %, seasonal pattern and growth as in ``_monitoring_sim``) whose budget is the
true uncut total, and checks the cut is flagged in its first months, pointing at the region,
the item and the months — and that the same data without the cut raise no such alert.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _monitoring_sim import simulate

from actuary import dims
from actuary.monitoring import check_budget
from actuary.monitoring.monitor import MonitorSettings, monitor

REGIONS = [r for r in dims.REGION_CODES if r != "SBJ"]
ITEMS = ["contributions", "medical_benefits"]
CUT_REGION, CUT_FROM = "220300", 4
SETTINGS = MonitorSettings(interval_level=0.90, pace_level=0.90, alert_level=0.99)


def _data(cut: bool, through: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(2026)
    series = [(r, i) for r in REGIONS for i in ITEMS]
    ex, tot = simulate(rng, series, range(2015, 2027), through=(2026, through), month_sd=0.05)
    if cut:
        hit = (
            (ex["region"] == CUT_REGION)
            & (ex["item"] == "contributions")
            & (ex["year"] == 2026)
            & (ex["month"] >= CUT_FROM)
        )
        ex.loc[hit, "amount"] *= 0.7
    b = tot[tot["year"] == 2026].rename(columns={"total": "amount"})
    return ex, check_budget(b[["year", "region", "item", "amount"]])


def _run(cut: bool, through: int) -> pd.DataFrame:
    ex, budget = _data(cut, through)
    res = monitor(ex[ex["year"] == 2026], budget, 2026, through, history=ex, settings=SETTINGS)
    return res.alerts


def _hits(alerts: pd.DataFrame) -> pd.DataFrame:
    return alerts[(alerts["region"] == CUT_REGION) & (alerts["item"] == "contributions")]


@pytest.mark.parametrize("through", [4, 5, 6])
def test_planted_cut_is_flagged_from_its_first_month(through: int) -> None:
    alerts = _run(cut=True, through=through)
    hits = _hits(alerts)
    month_hits = hits[hits["kind"] == "month"]
    # the first month of the cut is itself flagged as a monthly anomaly, below expectation
    assert "2026-04" in set(month_hits["month"]), alerts
    assert (hits["deviation"] < 0).all()
    first = month_hits[month_hits["month"] == "2026-04"].iloc[0]
    assert first["deviation_pct"] == pytest.approx(-0.3, abs=0.12)
    assert "2026-04" in first["cause_months"]
    # among the prefectures, the cut region's contributions are the largest alert
    regional = alerts[alerts["region"] != dims.PROVINCE]
    assert (regional.iloc[0]["region"], regional.iloc[0]["item"]) == (CUT_REGION, "contributions")


def test_by_june_the_year_end_shortfall_is_flagged_against_the_budget() -> None:
    hits = _hits(_run(cut=True, through=6))
    out = hits[hits["kind"] == "outturn"]
    assert len(out) == 1
    # 30 % of April-December's share of the year is lost: about 30 % × 76/100 of the budget
    assert out.iloc[0]["deviation_pct"] == pytest.approx(-0.3 * 76 / 100, abs=0.06)
    assert "2026-04" in out.iloc[0]["cause_months"]
    # the province total's shortfall is traced back to the region
    alerts = _run(cut=True, through=6)
    prov = alerts[(alerts["region"] == dims.PROVINCE) & (alerts["item"] == "contributions")
                  & (alerts["kind"] == "outturn")]
    assert len(prov) == 1 and prov.iloc[0]["driver_region"] == CUT_REGION
    assert "四平市" in prov.iloc[0]["cause"]


def test_without_the_cut_there_is_no_alert_for_that_series() -> None:
    alerts = _run(cut=False, through=6)
    assert _hits(alerts).empty
    # and few false alarms over 22 series × 6 months at the 99 % level
    assert (alerts["kind"] == "month").sum() <= 5


def test_alerts_csv_and_workbook_are_written(tmp_path: Path) -> None:
    ex, budget = _data(cut=True, through=6)
    res = monitor(ex[ex["year"] == 2026], budget, 2026, 6, history=ex, settings=SETTINGS)
    out = tmp_path / "out"
    res.write(out, charts=True)
    alerts = pd.read_csv(out / "alerts.csv", dtype={"region": str})
    assert {"region", "item", "month", "deviation"} <= set(alerts.columns)
    assert alerts["deviation"].abs().is_monotonic_decreasing
    assert (out / "monitor.xlsx").stat().st_size > 0
    assert (out / "charts" / "execution_curves.png").stat().st_size > 0
    assert (out / "charts" / "deviation_heatmap.png").stat().st_size > 0
    from openpyxl import load_workbook

    wb = load_workbook(out / "monitor.xlsx", read_only=True)
    assert wb.sheetnames == ["说明", "执行情况", "预警", "地区考核", "月度执行", "图表"]
    head = next(wb["预警"].iter_rows(max_row=1, values_only=True))
    assert "偏离（万元）" in head and "原因提示" in head
