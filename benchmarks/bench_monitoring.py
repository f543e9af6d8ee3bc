"""Backtest and timing of the execution-monitoring outturn forecast (issue 9).

Run as a script::

    .venv/bin/python benchmarks/bench_monitoring.py [DATA_FOLDER]

For every past year 2019 … last full year and every month-end 1 … 11, forecast the year-end
total of every item × region series from the months executed so far, fitting only on earlier
years, with the seasonal regression model and with simple pacing; report the error against the
actual total (median and mean absolute percentage error, by month) and the coverage of the 90 %
intervals. Also times one monitoring run (the full ``monitor`` at 2026-10) and reports peak
memory, with the time numpy takes to draw the same number of normal variates as there are
monthly observations × 1,000 as the reference.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.monitoring import check_actuals, check_budget, make_panel
from actuary.monitoring.monitor import MonitorSettings, monitor
from actuary.outturn import backtest

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0]) if args else ROOT / "data" / "synthetic"
    ex = check_actuals(pd.read_csv(folder / "execution_monthly.csv", dtype={"region": str}),
                       file=folder / "execution_monthly.csv")
    bud = check_budget(pd.read_csv(folder / "budget.csv", dtype={"region": str}),
                       file=folder / "budget.csv")
    last_full = int(ex.loc[ex["month"] == 12, "year"].max())
    years = list(range(2019, last_full + 1))
    panel = make_panel(ex[ex["year"] <= last_full])

    tracemalloc.start()
    t0 = time.perf_counter()
    bt = backtest(panel, years, level=0.90)
    t_bt = time.perf_counter() - t0
    _, peak_bt = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # series where both methods apply: positive monthly history (the log model's domain)
    rm = bt[bt["method"] == "credibility"]
    good = rm.groupby(["region", "item"])["model_method"].agg(
        lambda s: bool((s == "credibility").all()))
    keys = pd.MultiIndex.from_frame(bt[["region", "item"]])
    reg = bt[keys.isin(good[good].index) & np.isfinite(bt["error"]) & bt["expected"].notna()]
    if "--save" in sys.argv:
        bt.to_pickle("/tmp/monitoring_backtest.pkl")
    print(f"backtest: {len(years)} years × 11 month-ends × {len(panel.keys)} series × 3 methods"
          f" = {len(bt):,} forecasts in {t_bt:.1f} s; peak traced memory {peak_bt / 2**20:.0f} MiB")
    print(f"series in the log-model domain: {reg.groupby(['region', 'item']).ngroups} "
          "(the others are reported separately below)")
    reg = reg.assign(ape=reg["error"].abs())
    tab = reg.pivot_table(index="month", columns="method", values="ape",
                          aggfunc=["median", "mean"])
    cov = reg.pivot_table(index="month", columns="method", values="covered", aggfunc="mean")
    out = pd.concat({"MdAPE %": tab["median"] * 100, "MAPE %": tab["mean"] * 100,
                     "coverage 90 %": cov * 100}, axis=1)
    print(out.round(2).to_string())
    allm = reg.groupby("method").agg(mdape=("ape", "median"), mape=("ape", "mean"),
                                     coverage=("covered", "mean"))
    print((allm * 100).round(2).to_string())
    wins = reg.pivot_table(index=["region", "item", "year", "month"], columns="method",
                           values="ape")
    print(f"credibility more accurate than pacing in "
          f"{np.mean(wins['credibility'] < wins['pacing']):.1%} of forecasts")
    other = bt[~keys.isin(good[good].index) & (bt["method"] == "credibility")
               & (bt["actual"] != 0)]
    fin = other[np.isfinite(other["lower"])]
    print(f"series outside the log domain ({other.groupby(['region', 'item']).ngroups}; "
          f"methods {other['model_method'].value_counts().to_dict()}): with an interval "
          f"({len(fin)} forecasts) coverage {fin['covered'].mean():.1%}, mean absolute error "
          f"{(fin['expected'] - fin['actual']).abs().sum() / fin['actual'].abs().sum():.1%} "
          "of the actual totals")
    print(fin.groupby("item").apply(lambda g: pd.Series({
        "forecasts": len(g), "coverage": g["covered"].mean(),
        "abs_error_share": (g["expected"] - g["actual"]).abs().sum() / g["actual"].abs().sum(),
    }), include_groups=False).round(3).to_string())
    by_item = reg.pivot_table(index="item", columns="method", values="ape", aggfunc="mean")
    print((by_item * 100).round(2).to_string())

    # one full monitoring run at the data's last month
    cur = int(ex["year"].max())
    m = int(ex.loc[ex["year"] == cur, "month"].max())
    tracemalloc.start()
    t0 = time.perf_counter()
    res = monitor(ex[ex["year"] == cur], bud, cur, m, history=ex,
                  settings=MonitorSettings(plan_growth=0.02))
    t_mon = time.perf_counter() - t0
    _, peak_mon = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_draw = int(np.isfinite(panel.x).sum()) * 1000
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    rng.standard_normal(n_draw)
    t_ref = time.perf_counter() - t0
    print(f"monitor {cur}-{m:02d}: {len(res.execution)} series, {len(res.alerts)} alerts in "
          f"{t_mon:.2f} s, peak {peak_mon / 2**20:.0f} MiB; reference: numpy draws "
          f"{n_draw:,} normals in {t_ref:.2f} s (ratio {t_mon / t_ref:.1f})")


def sarima_comparison(panel_ex: pd.DataFrame, years: list[int], months: list[int]) -> None:
    """Airline SARIMA(0,1,1)(0,1,1)_12 on log monthly contributions, for comparison only."""
    import warnings

    import statsmodels.api as sm

    from actuary.outturn import forecast_outturn

    ex = panel_ex[panel_ex["item"] == "contributions"]
    panel = make_panel(ex)
    rng = np.random.default_rng(1)
    rows = []
    t0 = time.perf_counter()
    for (region, _item), g in ex.groupby(["region", "item"]):
        s = g.sort_values(["year", "month"])
        for y in years:
            actual = float(s.loc[s["year"] == y, "amount"].sum())
            for m in months:
                past = s[(s["year"] < y) | ((s["year"] == y) & (s["month"] <= m))]
                if (past["amount"] <= 0).any():
                    continue
                endog = np.log(past["amount"].to_numpy())
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = sm.tsa.SARIMAX(endog, order=(0, 1, 1),
                                         seasonal_order=(0, 1, 1, 12)).fit(disp=False)
                    sim = res.simulate(12 - m, repetitions=400, anchor="end", rng=rng)
                tot = past.loc[past["year"] == y, "amount"].sum() + np.exp(
                    np.asarray(sim)).reshape(12 - m, -1).sum(axis=0)
                lo, hi = np.quantile(tot, [0.05, 0.95])
                rows.append((region, y, m, "sarima", tot.mean() / actual - 1,
                             lo <= actual <= hi))
                for method in ("credibility", "pacing"):
                    f = forecast_outturn(panel, y, m, method=method).set_index("region")
                    r = f.loc[region]
                    rows.append((region, y, m, method, r["expected"] / actual - 1,
                                 r["lower"] <= actual <= r["upper"]))
    t = time.perf_counter() - t0
    df = pd.DataFrame(rows, columns=["region", "year", "month", "method", "error", "covered"])
    df["ape"] = df["error"].abs()
    n = (df["method"] == "sarima").sum()
    print(f"SARIMA comparison (contributions, {n} forecasts each, {t:.0f} s incl. fits):")
    tab = df.pivot_table(index="month", columns="method", values="ape", aggfunc="mean") * 100
    cov = df.pivot_table(index="month", columns="method", values="covered", aggfunc="mean")
    print(pd.concat({"MAPE %": tab, "coverage 90 %": cov * 100}, axis=1).round(2).to_string())


def detection(ex: pd.DataFrame, bud: pd.DataFrame, cur: int, start: int = 4) -> None:
    """Months until a 30 % cut in one region's contributions from ``start`` is flagged.

    Counted only as new alerts: an alert of the region's contributions, below expectation,
    of a kind (month / pace / outturn) that the same data without the cut do not raise at the
    same month-end.
    """
    regions = sorted(set(ex["region"]) - {"JL"})
    months = range(start, 11)
    base = {m: monitor(ex[ex["year"] == cur], bud, cur, m, history=ex,
                       settings=MonitorSettings()).alerts for m in months}
    delays = []
    t0 = time.perf_counter()
    for r in regions:
        hit = (ex["region"] == r) & (ex["item"] == "contributions") & (ex["year"] == cur) & (
            ex["month"] >= start)
        cut = ex.copy()
        cut.loc[hit, "amount"] *= 0.7
        found, kinds = None, ""
        for m in months:
            a = monitor(cut[cut["year"] == cur], bud, cur, m, history=cut,
                        settings=MonitorSettings()).alerts
            sel = (a["region"] == r) & (a["item"] == "contributions") & (a["deviation"] < 0)
            b = base[m]
            before = set(b.loc[(b["region"] == r) & (b["item"] == "contributions")
                               & (b["deviation"] < 0), "kind"])
            new_kinds = set(a.loc[sel, "kind"]) - before
            if new_kinds:
                found, kinds = m, ",".join(sorted(new_kinds))
                break
        delays.append((r, None if found is None else found - start + 1, kinds))
    t = time.perf_counter() - t0
    d = pd.DataFrame(delays, columns=["region", "months_to_flag", "new_alert_kinds"])
    print(f"planted 30 % cut from {cur}-{start:02d} (month 1 = {cur}-{start:02d} itself), "
          f"one region at a time, months {start}…10 monitored ({t:.0f} s):")
    print(d.to_string(index=False))


if __name__ == "__main__":
    if "--extra-only" not in sys.argv:
        main()
    if "--extra" in sys.argv or "--extra-only" in sys.argv:
        _folder = ROOT / "data" / "synthetic"
        _ex = check_actuals(pd.read_csv(_folder / "execution_monthly.csv",
                                        dtype={"region": str}))
        _bud = check_budget(pd.read_csv(_folder / "budget.csv", dtype={"region": str}))
        detection(_ex, _bud, int(_ex["year"].max()))
        sarima_comparison(_ex[_ex["year"] <= 2025], [2022, 2023, 2024, 2025], [3, 6, 9])
