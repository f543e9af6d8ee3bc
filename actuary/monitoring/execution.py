r"""Execution against the budget: rates, seasonal pacing bands, monthly anomalies and alerts.

For one series (item × region) with budget :math:`B`, past years :math:`h` and the current year
:math:`y` executed through month :math:`m` (notation of :mod:`actuary.outturn.forecast`):

Execution rate and pacing
    rate :math:`= C_{y,m}/B`; expected rate at this point :math:`\bar S_m` (mean historical
    cumulative share); pace ratio :math:`= C_{y,m} / (B \bar S_m)`. The pacing band is
    :math:`B \exp(\overline{\log S_m} \pm t_{n-1}\, \mathrm{sd}(\log S_{h,m}) \sqrt{1+1/n})`
    — where execution would be if the budget is met and the seasonal pattern is a past one.

Monthly anomaly
    Each month's amount against last year's total × the mean monthly share, grown at the
    growth to date implied by the cumulative through the previous month:

    .. math::
        e_{h,k} = \log x_{h,k} - \log Y_{h-1} - \overline{\log w_k} - g_{h,k-1}, \qquad
        g_{h,k-1} = \log C_{h,k-1} - \log Y_{h-1} - \overline{\log S_{k-1}}\ (k \ge 2),

    with :math:`w_{h,k} = x_{h,k}/Y_h`, means over the past years, and :math:`g_{h,0}` the
    mean log growth of the totals;
    standardised with the mean :math:`\bar e_k` of each calendar month and the pooled standard
    deviation :math:`\sigma` of :math:`e_{h,k} - \bar e_k` over the past years of the series.
    A month is flagged when :math:`|e - \bar e_k| > t_{N-12}\,\sigma\sqrt{1 + 1/n}` at the alert
    level (two-sided). Series with a zero or negative past month (lumpy postings) and the
    internal flows between levels (settlement timing) get no monthly check. A cut of 30 % in
    one region's contributions gives
    :math:`e \approx \log 0.7 = -0.36`, flagged in its first month when :math:`\sigma` is below
    about 0.13, and again in the next months (the growth to date only slowly absorbs the cut).

Alerts (``alerts.csv``), ranked by the size of the deviation in yuan
    ``month``: a month outside its interval (above); ``pace``: the cumulative at the monitored
    month outside the pacing band; ``outturn``: the budget outside the year-end forecast
    interval (over- or under-execution expected). Each alert names the months that point to its
    cause: the months of the year whose anomaly has the sign of the deviation and
    :math:`|z| \ge 1`; a province (``JL``) alert also names the region whose own deviation of
    the same kind and sign is largest (``driver_region``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy import stats

from actuary import dims
from actuary.output.units import to_wan
from actuary.outturn import Panel, forecast_outturn

__all__ = [
    "ALERT_COLUMNS",
    "alerts",
    "execution_table",
    "monthly_anomalies",
    "pacing_curves",
]

ALERT_COLUMNS: Final = (
    "rank", "region", "item", "month", "kind", "value", "reference", "lower", "upper",
    "deviation", "deviation_pct", "z", "cause_months", "driver_region", "region_name",
    "item_name", "cause",
)

_KIND_ZH: Final = {"month": "当月执行异常", "pace": "累计执行偏离进度区间",
                   "outturn": "预计全年执行偏离预算"}


def region_name(code: str) -> str:
    """Chinese name of a region code (the code itself when unknown)."""
    if code == dims.PROVINCE:
        return "全省"
    r = dims.REGION_BY_CODE.get(code)
    return r.name_zh if r else code


def item_name(code: str) -> str:
    """Chinese label of an item code."""
    it = dims.ITEM_BY_CODE.get(code)
    return it.name_zh if it else code


def _tq(level: float, df: int | np.ndarray) -> np.ndarray:
    return np.asarray(stats.t.ppf(0.5 + level / 2.0, np.maximum(df, 1)))


@dataclass(frozen=True)
class _Hist:
    hpos: np.ndarray  # positions of complete past years
    n: int


def _hist(panel: Panel, year: int) -> _Hist:
    hy = panel.complete_years(year)
    return _Hist(hpos=hy - int(panel.years[0]), n=len(hy))


def pacing_curves(
    panel: Panel, year: int, month: int, budget: pd.Series, *, level: float
) -> pd.DataFrame:
    """Cumulative execution of ``year`` against the budget's seasonal pacing band.

    Returns one row per series and month 1 … 12: ``region, item, month, cumulative`` (NaN after
    ``month``), ``share`` (mean historical cumulative share), ``pace`` (``budget × share``),
    ``pace_lower``, ``pace_upper``, ``budget``.
    """
    h = _hist(panel, year)
    hist = panel.x[:, h.hpos, :]  # (S, n, 12)
    tot = hist.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.cumsum(hist, axis=2) / tot
        ls = np.log(np.where(share > 0, share, np.nan))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s_bar = np.nanmean(share, axis=1) if h.n else np.full((len(panel.keys), 12), np.nan)
    # years with no execution of a series (before the item existed) give NaN shares and drop out
    n_s = np.sum(np.isfinite(ls), axis=1)  # (S, 12) past years with a share
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = np.nanmean(ls, axis=1)
        sd = np.nanstd(ls, axis=1, ddof=1)
        half = np.where(
            n_s >= 2, _tq(level, n_s - 1) * sd * np.sqrt(1 + 1 / np.maximum(n_s, 1)), np.nan
        )
    ypos = panel.year_pos(year)
    cur = np.cumsum(np.nan_to_num(panel.x[:, ypos, :], nan=0.0), axis=1)
    cur[:, month:] = np.nan
    keys = pd.MultiIndex.from_tuples(panel.keys, names=["region", "item"])
    b = budget.reindex(keys).to_numpy(dtype=float)[:, None]
    frame = pd.DataFrame(
        {
            "region": np.repeat([k[0] for k in panel.keys], 12),
            "item": np.repeat([k[1] for k in panel.keys], 12),
            "month": np.tile(np.arange(1, 13), len(panel.keys)),
            "cumulative": cur.ravel(),
            "share": s_bar.ravel(),
            "pace": (b * s_bar).ravel(),
            "pace_lower": (b * np.exp(mu - half)).ravel(),
            "pace_upper": (b * np.exp(mu + half)).ravel(),
            "budget": np.repeat(b[:, 0], 12),
        }
    )
    return frame


def monthly_anomalies(panel: Panel, year: int, month: int, *, level: float) -> pd.DataFrame:
    """Monthly anomaly scores of ``year``'s months 1 … ``month`` (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``region, item, month, actual, expected, lower, upper, e, z, checked, flag`` (yuan;
        ``z`` the standardised anomaly; NaN where a log does not exist or history is too short;
        ``checked`` false for series with a zero or negative past month and for the internal
        flows between levels, which are never flagged).
    """
    x = panel.x
    h = _hist(panel, year)
    with np.errstate(divide="ignore", invalid="ignore"):
        lx = np.log(np.where(x > 0, x, np.nan))
        cum = np.cumsum(x, axis=2)
        lc = np.log(np.where(cum > 0, cum, np.nan))
    S, ny, _ = x.shape
    ly = lc[:, :, 11]  # log totals (NaN for the partial year)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lw = np.nanmean(lx[:, h.hpos, :] - ly[:, h.hpos, None], axis=1)  # (S, 12)
        ls = np.nanmean(lc[:, h.hpos, :] - ly[:, h.hpos, None], axis=1)  # (S, 12)
        d = ly[:, 1:] - ly[:, :-1]  # growth of totals, (S, ny-1)
        hist_d = np.full((S, ny), np.nan)
        hist_d[:, 1:] = d
        g_bar = np.nanmean(hist_d[:, h.hpos], axis=1)  # (S,)
    # growth to date g_{j,k-1}: pacing-implied growth of the cumulative through k-1
    g = np.full((S, ny, 12), np.nan)
    g[:, 1:, 1:] = lc[:, 1:, :-1] - ly[:, :-1, None] - ls[:, None, :-1]
    g[:, 1:, 0] = g_bar[:, None]
    base_log = np.full((S, ny, 12), np.nan)
    base_log[:, 1:, :] = ly[:, :-1, None] + lw[:, None, :] + g[:, 1:, :]
    e = lx - base_log
    hist_e = e[:, h.hpos, :]  # (S, n, 12)
    n_obs = np.sum(np.isfinite(hist_e), axis=1)  # per (S, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        e_bar = np.nanmean(hist_e, axis=1)  # (S, 12)
        dev = hist_e - e_bar[:, None, :]
        ss = np.nansum(dev**2, axis=(1, 2))
        dof = np.sum(n_obs, axis=1) - np.sum(n_obs > 0, axis=1)
        sigma = np.sqrt(np.where(dof > 0, ss / np.maximum(dof, 1), np.nan))  # (S,)
    n_years = np.where(n_obs > 0, n_obs, np.nan)
    tq = _tq(level, dof)[:, None]
    half = tq * sigma[:, None] * np.sqrt(1 + 1 / n_years)
    ypos = panel.year_pos(year)
    ey = e[:, ypos, :month]
    z = (ey - e_bar[:, :month]) / sigma[:, None]
    base = np.exp(base_log[:, ypos, :month] + e_bar[:, :month])
    rows = pd.DataFrame(
        {
            "region": np.repeat([k[0] for k in panel.keys], month),
            "item": np.repeat([k[1] for k in panel.keys], month),
            "month": np.tile(np.arange(1, month + 1), S),
            "actual": np.nan_to_num(x[:, ypos, :month], nan=0.0).ravel(),
            "expected": base.ravel(),
            "lower": (base * np.exp(-half[:, :month])).ravel(),
            "upper": (base * np.exp(half[:, :month])).ravel(),
            "e": ey.ravel(),
            "z": z.ravel(),
        }
    )
    # the log model needs positive months: series with a zero or negative month in a past year
    # with any execution (lumpy postings) and the internal flows between levels (settlement
    # timing) get no monthly check
    hx = x[:, h.hpos, :]
    active = np.any(hx != 0, axis=2, keepdims=True)  # past years with any execution
    with np.errstate(invalid="ignore"):
        lumpy = ~np.all((hx > 0) | ~active, axis=(1, 2))
    internal = np.array([k[1] in dims.INTERNAL_FLOW_CODES for k in panel.keys])
    checked = np.repeat(~(lumpy | internal), month)
    rows["checked"] = checked
    rows["flag"] = checked & (
        (rows["actual"] < rows["lower"]) | (rows["actual"] > rows["upper"])
    )
    return rows


def execution_table(
    panel: Panel,
    year: int,
    month: int,
    budget: pd.Series,
    *,
    interval_level: float,
    pace_level: float,
    alert_level: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per item × region execution at the end of ``month``, and the pacing curves.

    Bands and intervals shown are at ``pace_level`` / ``interval_level``; the ``alert_*``
    columns are the same band and interval at ``alert_level``, which the alerts use.

    Returns
    -------
    (table, curves)
        ``table``: ``region, item, budget, cumulative, rate, expected_rate, pace_ratio,
        pace_lower, pace_upper, forecast, forecast_lower, forecast_upper, forecast_rate,
        forecast_deviation, method, alert_pace_lower, alert_pace_upper, alert_forecast_lower,
        alert_forecast_upper``; ``curves``: :func:`pacing_curves`.
    """
    curves = pacing_curves(panel, year, month, budget, level=pace_level)
    at = curves[curves["month"] == month].set_index(["region", "item"])
    wide = pacing_curves(panel, year, month, budget, level=alert_level)
    wide = wide[wide["month"] == month].set_index(["region", "item"])
    fc = forecast_outturn(panel, year, month, level=interval_level).set_index(["region", "item"])
    fw = forecast_outturn(panel, year, month, level=alert_level).set_index(["region", "item"])
    t = pd.DataFrame(index=fc.index)
    t["budget"] = budget.reindex(fc.index)
    t["cumulative"] = fc["cumulative"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t["rate"] = t["cumulative"] / t["budget"]
        t["expected_rate"] = at["share"]
        t["pace_ratio"] = t["cumulative"] / at["pace"]
        t["pace_lower"] = at["pace_lower"]
        t["pace_upper"] = at["pace_upper"]
        t["forecast"] = fc["expected"]
        t["forecast_lower"] = fc["lower"]
        t["forecast_upper"] = fc["upper"]
        t["forecast_rate"] = fc["expected"] / t["budget"]
    t["forecast_deviation"] = t["forecast"] - t["budget"]
    t["method"] = fc["method"]
    t["alert_pace_lower"] = wide["pace_lower"]
    t["alert_pace_upper"] = wide["pace_upper"]
    t["alert_forecast_lower"] = fw["lower"]
    t["alert_forecast_upper"] = fw["upper"]
    t = t.replace([np.inf, -np.inf], np.nan)
    return t.reset_index(), curves


def _records(df: pd.DataFrame) -> list[Any]:
    """Rows as attribute-access records (typed ``Any`` for the arithmetic below)."""
    return list(df.itertuples(index=False))


def _ranges(months: list[int], year: int) -> str:
    """``[4, 5, 6, 9]`` → ``"2026-04…2026-06, 2026-09"``."""
    out: list[str] = []
    i = 0
    while i < len(months):
        j = i
        while j + 1 < len(months) and months[j + 1] == months[j] + 1:
            j += 1
        a, b = months[i], months[j]
        out.append(f"{year}-{a:02d}" if a == b else f"{year}-{a:02d}…{year}-{b:02d}")
        i = j + 1
    return ", ".join(out)


def alerts(
    table: pd.DataFrame,
    monthly: pd.DataFrame,
    year: int,
    month: int,
) -> pd.DataFrame:
    """Alerts of the three kinds, ranked by the absolute deviation in yuan.

    Parameters
    ----------
    table
        :func:`execution_table` (first value).
    monthly
        :func:`monthly_anomalies`.
    year, month
        The monitored month.
    """
    recs: list[dict[str, object]] = []
    z_by_series = {
        k: g.sort_values("month") for k, g in monthly.groupby(["region", "item"], sort=False)
    }

    def cause_months(region: str, item: str, sign: float) -> list[int]:
        g = z_by_series.get((region, item))
        if g is None:
            return []
        sel = g[(np.sign(g["z"]) == sign) & (g["z"].abs() >= 1.0)]
        return [int(m) for m in sel["month"]]

    for r in _records(monthly[monthly["flag"]]):
        dev = float(r.actual - r.expected)
        recs.append({
            "region": r.region, "item": r.item, "month": f"{year}-{int(r.month):02d}",
            "kind": "month", "value": r.actual, "reference": r.expected, "lower": r.lower,
            "upper": r.upper, "deviation": dev,
            "deviation_pct": dev / r.expected if r.expected else np.nan,
            "z": r.z, "months": [int(r.month)],
        })
    for r in _records(table):
        if not np.isfinite(r.budget) or r.budget == 0:
            continue
        pace = r.budget * r.expected_rate
        lo, hi = r.alert_pace_lower, r.alert_pace_upper
        if np.isfinite(lo) and not lo <= r.cumulative <= hi:
            dev = float(r.cumulative - pace)
            half = (hi - lo) / 2
            recs.append({
                "region": r.region, "item": r.item, "month": f"{year}-{month:02d}",
                "kind": "pace", "value": r.cumulative, "reference": pace,
                "lower": lo, "upper": hi, "deviation": dev,
                "deviation_pct": dev / pace if pace else np.nan,
                "z": dev / half if half > 0 else np.nan,
                "months": cause_months(r.region, r.item, np.sign(dev)),
            })
        lo, hi = r.alert_forecast_lower, r.alert_forecast_upper
        if month < 12 and np.isfinite(lo) and not lo <= r.budget <= hi:
            dev = float(r.forecast - r.budget)
            half = (hi - lo) / 2
            recs.append({
                "region": r.region, "item": r.item, "month": f"{year}-{month:02d}",
                "kind": "outturn", "value": r.forecast, "reference": r.budget,
                "lower": lo, "upper": hi, "deviation": dev,
                "deviation_pct": dev / r.budget,
                "z": dev / half if half > 0 else np.nan,
                "months": cause_months(r.region, r.item, np.sign(dev)),
            })
    if not recs:
        return pd.DataFrame(columns=list(ALERT_COLUMNS))
    out = pd.DataFrame(recs)
    out["cause_months"] = [_ranges(ms, year) for ms in out.pop("months")]
    out["driver_region"] = [_driver(table, r) for r in out.itertuples(index=False)]
    out["region_name"] = out["region"].map(region_name)
    out["item_name"] = out["item"].map(item_name)
    out["cause"] = [_cause_text(r) for r in out.itertuples(index=False)]
    out = out.reindex(out["deviation"].abs().sort_values(ascending=False).index)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.loc[:, list(ALERT_COLUMNS)].reset_index(drop=True)


def _driver(table: pd.DataFrame, r: Any) -> str:
    """For a province (``JL``) alert of kind pace/outturn: the region whose own deviation of the
    same kind, item and sign is largest (where the province's deviation comes from)."""
    if r.region != dims.PROVINCE or r.kind == "month":
        return ""
    sub = table[(table["item"] == r.item) & (table["region"] != dims.PROVINCE)]
    if r.kind == "outturn":
        dev = sub["forecast"] - sub["budget"]
    else:
        dev = sub["cumulative"] - sub["budget"] * sub["expected_rate"]
    dev = dev[np.sign(dev) == np.sign(r.deviation)].dropna()
    if dev.empty:
        return ""
    return str(sub.loc[dev.abs().idxmax(), "region"])


def _cause_text(r: Any) -> str:
    kind = str(r.kind)
    dev = float(r.deviation)
    pct = float(r.deviation_pct)
    where = f"{r.region_name} {r.item_name}"
    direction = "高于" if dev > 0 else "低于"
    ref = {"month": "预期", "pace": "预算进度", "outturn": "预算"}[kind]
    pct_txt = f"{pct:+.1%}" if np.isfinite(pct) else ""
    months = str(r.cause_months)
    text = (
        f"{where}：{_KIND_ZH[kind]}，{direction}{ref} {to_wan(abs(dev)):,.1f} 万元（{pct_txt}）"
    )
    if months:
        text += f"；异常月份 {months}"
    if r.driver_region:
        text += f"；主要来自 {region_name(str(r.driver_region))}"
    return text
