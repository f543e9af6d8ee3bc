"""Outturn forecast of budget execution (actuary.outturn, issue 9).

Expected values are closed forms worked from the simulation's own parameters (not from the
package): for a series whose monthly pattern is the same every year, the year-end total is the
cumulative-to-date divided by the cumulative share of the pattern, C_m / (w_1 + … + w_m); with
constant growth g and no data yet, it is last year's total × e^g; at month 12 it is the actual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _monitoring_sim import WEIGHTS, simulate

from actuary.errors import InputError
from actuary.monitoring import expected_outturn, forecast_outturn, make_panel
from actuary.outturn import METHODS

SERIES = [("220100", "contributions"), ("220200", "medical_benefits"), ("CBS", "death_benefits")]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("m", [1, 4, 10])
def test_constant_seasonal_pattern_gives_the_closed_form(method: str, m: int) -> None:
    rng = np.random.default_rng(11)
    ex, _ = simulate(rng, SERIES, range(2015, 2027), through=(2026, m), month_sd=0.0)
    out = forecast_outturn(make_panel(ex), 2026, m, method=method).set_index(["region", "item"])
    share = WEIGHTS[:m].sum() / WEIGHTS.sum()  # cumulative share of the pattern, by hand
    cum = ex[ex["year"] == 2026].groupby(["region", "item"])["amount"].sum()
    for key in SERIES:
        closed = cum[key] / share
        assert out.loc[key, "expected"] == pytest.approx(closed, rel=1e-9)
        if method != "pacing":  # no error variance in the past years → a zero-width interval
            assert out.loc[key, "lower"] == pytest.approx(closed, rel=1e-9)
            assert out.loc[key, "upper"] == pytest.approx(closed, rel=1e-9)


def test_before_first_month_constant_growth_is_last_year_times_growth() -> None:
    rng = np.random.default_rng(12)
    ex, tot = simulate(rng, SERIES, range(2015, 2026), growth=0.06, growth_sd=0.0)
    out = expected_outturn(ex, 2026, 0).set_index(["region", "item"])
    last = tot[tot["year"] == 2025].set_index(["region", "item"])["total"]
    for key in SERIES:
        assert out.loc[key, "expected"] == pytest.approx(last[key] * np.exp(0.06), rel=1e-9)
        assert out.loc[key, "method"] == "trend"


def test_month_twelve_is_the_actual_total() -> None:
    rng = np.random.default_rng(13)
    ex, tot = simulate(rng, SERIES, range(2015, 2027))
    out = expected_outturn(ex, 2026).set_index(["region", "item"])
    actual = tot[tot["year"] == 2026].set_index(["region", "item"])["total"]
    for key in SERIES:
        assert out.loc[key, "expected"] == pytest.approx(actual[key], rel=1e-12)
        assert out.loc[key, "lower"] == out.loc[key, "upper"] == out.loc[key, "expected"]


@pytest.mark.parametrize(("m", "method"), [(5, "additive"), (7, "credibility")])
def test_lumpy_series(m: int, method: str) -> None:
    # interest booked 100 in June and 100 in December every year: the year-end total is 200
    # whatever the month; before June the cumulative is 0 and no log exists (the additive
    # remaining-to-go is used), after June the constant-pattern closed form applies
    rows = [
        (y, k, "SBJ", "interest", 100.0 if k in (6, 12) else 0.0)
        for y in range(2018, 2027)
        for k in range(1, 13)
        if (y, k) <= (2026, m)
    ]
    ex = pd.DataFrame(rows, columns=["year", "month", "region", "item", "amount"])
    out = expected_outturn(ex, 2026).iloc[0]
    assert out["method"] == method
    assert out["expected"] == pytest.approx(200.0)
    assert out["lower"] == pytest.approx(200.0) and out["upper"] == pytest.approx(200.0)


def test_years_before_a_series_existed_are_not_history() -> None:
    # prevention funded from 2018 only: 2015-2017 have rows of zero; from 2018 the pattern is
    # constant, so the closed form C_m / cumulative share must hold (zeros are not "history")
    rng = np.random.default_rng(17)
    ex, _ = simulate(rng, [("220100", "prevention")], range(2015, 2027), through=(2026, 4),
                     month_sd=0.0)
    ex.loc[ex["year"] < 2018, "amount"] = 0.0
    out = expected_outturn(ex, 2026).iloc[0]
    share = WEIGHTS[:4].sum() / WEIGHTS.sum()
    cum = ex.loc[ex["year"] == 2026, "amount"].sum()
    assert out["method"] == "credibility"
    assert out["n_years"] == 8  # 2018-2025
    assert out["expected"] == pytest.approx(cum / share, rel=1e-9)


def test_contract_columns_and_default_month() -> None:
    rng = np.random.default_rng(14)
    ex, _ = simulate(rng, SERIES, range(2015, 2027), through=(2026, 10))
    out = expected_outturn(ex, 2026)
    assert {"region", "item", "expected", "lower", "upper"} <= set(out.columns)
    assert len(out) == len(SERIES)
    assert (out["through_month"] == 10).all()
    assert (out["lower"] <= out["expected"]).all() and (out["expected"] <= out["upper"]).all()
    assert (out["expected"] >= out["cumulative"]).all()
    # the months after through_month are ignored
    early = expected_outturn(ex, 2026, 6).set_index(["region", "item"])
    cut = expected_outturn(ex[(ex["year"] < 2026) | (ex["month"] <= 6)], 2026)
    pd.testing.assert_frame_equal(early, cut.set_index(["region", "item"]))


def test_bad_execution_table_is_an_input_error() -> None:
    rng = np.random.default_rng(15)
    ex, _ = simulate(rng, SERIES, range(2015, 2027), through=(2026, 3))
    dup = pd.concat([ex, ex.iloc[[5]]], ignore_index=True)
    with pytest.raises(InputError, match="duplicate") as e:
        expected_outturn(dup, 2026)
    assert e.value.file == "<execution>"
    assert 6 in (e.value.rows or [])


def test_interval_coverage_is_roughly_nominal_and_early_forecasts_beat_pacing() -> None:
    # 60 series simulated with the model's own noise structure; out-of-sample forecasts of
    # 2022-2025 from four month-ends; 90 % intervals should cover about 90 % of the totals
    rng = np.random.default_rng(16)
    series = [(f"R{i:02d}", "contributions") for i in range(60)]
    ex, tot = simulate(rng, series, range(2013, 2026), month_sd=0.10, growth_sd=0.04)
    panel = make_panel(ex)
    actual = tot.set_index(["region", "item", "year"])["total"]
    cover, ape = [], {"credibility": [], "pacing": []}
    for y in range(2022, 2026):
        for m in (2, 5, 8, 11):
            for method in ape:
                f = forecast_outturn(panel, y, m, method=method, level=0.90)
                a = (
                    actual.xs(y, level="year")
                    .reindex(pd.MultiIndex.from_frame(f[["region", "item"]]))
                    .to_numpy()
                )
                if method == "credibility":
                    cover.extend((f["lower"] <= a) & (a <= f["upper"]))
                if m == 2:
                    ape[method].extend(np.abs(f["expected"] / a - 1))
    coverage = float(np.mean(cover))
    assert 0.85 <= coverage <= 0.95, coverage
    # in February the cumulative is a noisy signal: blending in the trend must help
    assert np.mean(ape["credibility"]) < np.mean(ape["pacing"])
