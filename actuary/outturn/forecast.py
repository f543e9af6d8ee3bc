r"""Year-end outturn forecasts of budget execution from the cumulative-to-date, with intervals.

Notation for one series (item × region): :math:`x_{h,k}` is the amount executed in month
:math:`k` of year :math:`h`, :math:`C_{h,m} = \sum_{k \le m} x_{h,k}` the cumulative to the end
of month :math:`m`, :math:`Y_h = C_{h,12}` the year's total and :math:`S_{h,m} = C_{h,m}/Y_h`
the cumulative seasonal share. A month with no row counts as zero execution. A series'
history starts with its first past year of any execution: earlier years (an item not yet
funded, transfers before provincial pooling) are not zero-valued history.

Two estimates of this year's log growth :math:`\log(Y_y/Y_{y-1})` at month-end :math:`m`
    - *seasonal pacing*: :math:`c_{y,m} = \log C_{y,m} - \log \bar S_m - \log Y_{y-1}`, with
      :math:`\bar S_m` the mean cumulative share of the past years (the cumulative-to-date ÷
      the historical cumulative share, i.e. simple pacing);
    - *trend*: :math:`\bar d`, the mean of the past log growths
      :math:`d_h = \log(Y_h/Y_{h-1})`.

    Their error variances are learnt from the past years :math:`h` (whose previous year is
    known): :math:`v_p = \overline{r_h^2}` with :math:`r_h = d_h - c_{h,m}` computed with
    :math:`\bar S_m` left-one-out (an honest out-of-sample error of pacing), and
    :math:`v_t = \mathrm{var}(d_h)(1 + 1/n)`.

Seasonal credibility model (the model, ``method="credibility"``, the default)
    The weighted least-squares combination of the two estimates (statsmodels ``WLS`` with
    weights :math:`1/v_p, 1/v_t` and fixed scale), i.e. the credibility blend

    .. math::
        \mu = z\, c_{y,m} + (1 - z)\, \bar d, \qquad z = \frac{v_t}{v_t + v_p}, \qquad
        s^2 = \frac{v_p v_t}{v_p + v_t} + 2 z (1 - z)\, \max(0, c_{pt}),

    with :math:`c_{pt}` the covariance of the past pacing and trend errors (a year whose total
    beats the trend tends also to back-load its months),

    :math:`\log \hat Y_y = \log Y_{y-1} + \mu`, interval :math:`\mu \pm t_{n-1} s` (Student *t*
    with :math:`n` the number of year pairs), point forecast the log-normal mean
    :math:`Y_{y-1} \exp(\mu + s^2/2)`. Early in the year the pacing estimate is noisy
    (:math:`v_p` large) and the trend carries weight; by the autumn :math:`z \to 1` and the
    forecast is pacing. This is the Bornhuetter–Ferguson / Benktander idea of claims
    reserving applied to a budget year: the "development" of the year's total over its months.
    For a series whose monthly pattern is the same every year (:math:`S_{h,m} = S_m`)
    :math:`v_p = 0` and :math:`\hat Y_y = C_{y,m}/S_m`, the closed form (tested).

Seasonal regression (an alternative, ``method="regression"``)
    The statsmodels OLS regression :math:`d_h = \alpha_m + \beta_m c_{h,m} + \varepsilon_h`
    (free weight :math:`\beta_m` and intercept), forecast with the OLS prediction interval;
    with fewer than four year pairs, :math:`\beta = 1, \alpha = 0` (``ratio``). In the backtest
    (``models/notes/monitoring.md``) it loses to the credibility model: with about ten past
    years the two estimated coefficients are too noisy.

Fallbacks of both, recorded in the ``method`` column: ``trend`` (intercept-only OLS of
:math:`d_h`) before the first month; ``additive`` (mean remaining-to-go
:math:`Y_h - C_{h,m}`, Student *t* interval) for series with zero or negative amounts where
logs do not exist (e.g. interest or transfers booked in a few months only);
``insufficient`` (no interval) with fewer than two past years; ``actual`` at month 12.

Simple pacing (the baseline, ``method="pacing"``)
    :math:`\hat Y_y = C_{y,m} / \bar S_m` with :math:`\bar S_m` the mean historical cumulative
    share; interval from the spread of :math:`\log S_{h,m}` (Student *t*).

For items that cannot be negative the forecast and its lower bound are never below the
cumulative already executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from actuary.outturn.actuals import SIGNED_ITEMS, check_actuals

__all__ = [
    "METHODS",
    "Panel",
    "backtest",
    "expected_outturn",
    "forecast_outturn",
    "make_panel",
]

#: Forecasting methods: the seasonal regression model and the simple pacing baseline.
METHODS: Final = ("credibility", "regression", "pacing")
#: Minimum number of year pairs for the two-parameter regression.
_MIN_PAIRS_REGRESSION: Final = 4
_TINY: Final = 1e-12


@dataclass(frozen=True)
class Panel:
    """Monthly amounts of many series as one array.

    Attributes
    ----------
    keys
        ``(region, item)`` of each series, in order.
    years
        Consecutive calendar years covered, ascending.
    x
        Amounts, shape ``(series, year, 12)``, yuan; months after the last month of the data
        (``last``) are NaN, months with no row inside the span are 0.
    first, last
        ``(year, month)`` of the first and last month present in the data.
    """

    keys: tuple[tuple[str, str], ...]
    years: np.ndarray
    x: np.ndarray
    first: tuple[int, int]
    last: tuple[int, int]

    def year_pos(self, year: int) -> int:
        """Index of ``year`` along the year axis."""
        return int(year - int(self.years[0]))

    def complete_years(self, before: int) -> np.ndarray:
        """Years before ``before`` whose twelve months all lie inside the data span."""
        fy, fm = self.first
        ly, lm = self.last
        ok = [
            int(y)
            for y in self.years
            if y < before and (y > fy or fm == 1) and (y < ly or lm == 12)
        ]
        return np.asarray(ok, dtype=int)


def make_panel(execution: pd.DataFrame, *, until: tuple[int, int] | None = None) -> Panel:
    """Build a :class:`Panel` from a checked long table (``year, month, region, item, amount``).

    Rows after ``until`` (year, month) are dropped; months after it are NaN.
    """
    df = execution
    if until is not None:
        uy, um = until
        df = df[(df["year"] < uy) | ((df["year"] == uy) & (df["month"] <= um))]
    if df.empty:
        raise ValueError("no execution data up to the requested month")
    keys_df = df[["region", "item"]].drop_duplicates().sort_values(["region", "item"])
    keys = tuple((str(r), str(i)) for r, i in keys_df.itertuples(index=False))
    ym = df["year"].to_numpy() * 12 + df["month"].to_numpy() - 1
    first = (int(ym.min()) // 12, int(ym.min()) % 12 + 1)
    last_ym = int(ym.max()) if until is None else until[0] * 12 + until[1] - 1
    last = (last_ym // 12, last_ym % 12 + 1)
    years = np.arange(first[0], last[0] + 1)
    key_pos = {k: n for n, k in enumerate(keys)}
    s = np.fromiter(
        (key_pos[(r, i)] for r, i in zip(df["region"], df["item"], strict=True)),
        dtype=int,
        count=len(df),
    )
    x = np.zeros((len(keys), len(years), 12))
    np.add.at(
        x,
        (s, df["year"].to_numpy() - first[0], df["month"].to_numpy() - 1),
        df["amount"].to_numpy(dtype=float),
    )
    # months outside the data span are unknown
    month_index = years[:, None] * 12 + np.arange(12)[None, :]
    outside = (month_index < first[0] * 12 + first[1] - 1) | (month_index > last_ym)
    x[:, outside] = np.nan
    return Panel(keys=keys, years=years, x=x, first=first, last=last)


@dataclass(frozen=True, slots=True)
class _Forecast:
    expected: float
    lower: float
    upper: float
    method: str
    n_years: int


def _t(level: float, df: int) -> float:
    return float(stats.t.ppf(0.5 + level / 2.0, df))


def _ols_interval(
    y: np.ndarray, x: np.ndarray | None, x_new: float, level: float
) -> tuple[float, float, float, float]:
    """OLS of ``y`` on a constant (and ``x``) with statsmodels; returns mean, lo, hi, se_obs."""
    exog = np.ones((len(y), 1)) if x is None else sm.add_constant(x, has_constant="add")
    res = sm.OLS(y, exog).fit()
    new = np.array([[1.0]]) if x is None else np.array([[1.0, x_new]])
    frame = res.get_prediction(new).summary_frame(alpha=1.0 - level)
    mean = float(frame["mean"].iloc[0])
    se_obs = float(np.sqrt(max(res.scale, 0.0) + float(frame["mean_se"].iloc[0]) ** 2))
    return mean, float(frame["obs_ci_lower"].iloc[0]), float(frame["obs_ci_upper"].iloc[0]), se_obs


def _credibility(c_new: float, r: np.ndarray, d: np.ndarray) -> tuple[float, float]:
    """Weighted least squares (statsmodels WLS, fixed scale) of the two estimates of this
    year's log growth — pacing-implied ``c_new`` and trend ``mean(d)`` — with weights the
    inverse variances of their past errors; returns the estimate and its standard error.

    Past errors: pacing ``r`` (computed with left-one-out shares), trend
    ``t_h = d_h − mean_{-h}(d)`` (left-one-out mean). Variances ``v_p = mean(r²)``,
    ``v_t = var(d)(1 + 1/n)``. The WLS standard error assumes the two errors independent;
    a positive covariance ``c = Σ r_h t_h / (n − 1)`` adds ``2 z (1 − z) c`` to the variance
    (``z`` the weight of pacing). The weights themselves stay the independent ones: a GLS with
    the estimated covariance over-fits with ten past years (tried; see the technical note).
    """
    n = len(d)
    v_p = float(np.mean(r**2))
    v_t = float(d.var(ddof=1)) * (1.0 + 1.0 / n)
    g_bar = float(d.mean())
    if v_p <= _TINY:
        return c_new, float(np.sqrt(max(v_p, 0.0)))
    if v_t <= _TINY:
        return g_bar, float(np.sqrt(max(v_t, 0.0)))
    res = sm.WLS(
        np.array([c_new, g_bar]), np.ones((2, 1)), weights=np.array([1.0 / v_p, 1.0 / v_t])
    ).fit(cov_type="fixed scale")
    z = v_t / (v_t + v_p)
    t_err = d - (d.sum() - d) / (n - 1)
    cov = max(float(np.sum(r * t_err)) / (n - 1), 0.0)
    return float(res.params[0]), float(np.sqrt(float(res.bse[0]) ** 2 + 2 * z * (1 - z) * cov))


def _forecast_one(
    hist: np.ndarray,
    hist_years: np.ndarray,
    cur: np.ndarray,
    year: int,
    m: int,
    level: float,
    signed: bool,
    model: str = "credibility",
) -> _Forecast:
    """Forecast of one series by the seasonal model (see the module docstring).

    ``hist`` holds the past years from the first year with any execution of the series.

    ``hist`` is ``(n, 12)`` complete past years (``hist_years``), ``cur`` the months
    ``1 … m`` of ``year``; ``model`` is ``"credibility"`` or ``"regression"``.
    """
    n = len(hist_years)
    c_now = float(np.sum(cur[:m])) if m > 0 else 0.0
    if m >= 12:
        return _Forecast(c_now, c_now, c_now, "actual", n)
    tot = hist.sum(axis=1)
    cum = hist[:, :m].sum(axis=1) if m > 0 else np.zeros(n)
    prev = np.flatnonzero(hist_years == year - 1)
    pair = np.flatnonzero(np.isin(hist_years - 1, hist_years))  # h with h-1 known
    pair_prev = np.searchsorted(hist_years, hist_years[pair] - 1)
    n_pairs = len(pair)
    positive = bool(n > 0 and np.all(tot > 0) and (m == 0 or (np.all(cum > 0) and c_now > 0)))
    fc: _Forecast
    if positive and prev.size and n_pairs >= 2:
        p = int(prev[0])
        base = float(np.log(tot[p]))
        d = np.log(tot[pair]) - np.log(tot[pair_prev])
        if m == 0:
            mu, lo, hi, se = _ols_interval(d, None, 0.0, level)
            method = "trend"
        else:
            # pacing-implied growth: log(C_{h,m} / S̄_m) − log Y_{h−1}, with the mean log share
            # left-one-out for the past years (an honest out-of-sample error) and over all past
            # years for the forecast
            ls = np.log(cum) - np.log(tot)
            sh = np.exp(ls)
            ls_loo = np.log((sh.sum() - sh) / (n - 1))
            c = np.log(cum[pair]) - ls_loo[pair] - np.log(tot[pair_prev])
            c_new = float(np.log(c_now) - np.log(sh.mean()) - base)
            r = d - c  # errors of the pacing-implied growth in past years
            if model == "regression" and n_pairs >= _MIN_PAIRS_REGRESSION and np.var(c) > _TINY:
                mu, lo, hi, se = _ols_interval(d, c, c_new, level)
                method = "regression"
            elif model == "regression":
                se = float(np.sqrt(np.mean(r**2)))
                half = _t(level, n_pairs) * se
                mu, lo, hi = c_new, c_new - half, c_new + half
                method = "ratio"
            else:
                mu, se = _credibility(c_new, r, d)
                half = _t(level, n_pairs - 1) * se
                lo, hi = mu - half, mu + half
                method = "credibility"
        fc = _Forecast(
            float(np.exp(base + mu + 0.5 * se**2)),
            float(np.exp(base + lo)),
            float(np.exp(base + hi)),
            method,
            n,
        )
    elif n >= 2:
        rest = tot - cum
        mean = float(rest.mean())
        sd = float(rest.std(ddof=1))
        half = _t(level, n - 1) * sd * np.sqrt(1.0 + 1.0 / n)
        fc = _Forecast(c_now + mean, c_now + mean - half, c_now + mean + half, "additive", n)
    else:
        rest_prev = float(tot[-1] - cum[-1]) if n else 0.0
        fc = _Forecast(c_now + rest_prev, np.nan, np.nan, "insufficient", n)
    if not signed:
        fc = _Forecast(
            max(fc.expected, c_now),
            max(fc.lower, c_now) if np.isfinite(fc.lower) else fc.lower,
            max(fc.upper, c_now) if np.isfinite(fc.upper) else fc.upper,
            fc.method,
            fc.n_years,
        )
    return fc


def _pacing_one(hist: np.ndarray, cur: np.ndarray, m: int, level: float) -> _Forecast:
    """Simple pacing: cumulative ÷ mean historical cumulative share."""
    n = hist.shape[0]
    c_now = float(np.sum(cur[:m])) if m > 0 else 0.0
    if m >= 12:
        return _Forecast(c_now, c_now, c_now, "actual", n)
    if m == 0 or n < 2:
        return _Forecast(np.nan, np.nan, np.nan, "pacing", n)
    tot = hist.sum(axis=1)
    cum = hist[:, :m].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = cum / tot
    if not np.all(np.isfinite(share)) or np.any(share <= 0) or c_now <= 0:
        return _Forecast(np.nan, np.nan, np.nan, "pacing", n)
    s_bar = float(share.mean())
    ls = np.log(share)
    half = _t(level, n - 1) * float(ls.std(ddof=1)) * np.sqrt(1.0 + 1.0 / n)
    mid = float(ls.mean())
    return _Forecast(
        c_now / s_bar,
        c_now * float(np.exp(-mid - half)),
        c_now * float(np.exp(-mid + half)),
        "pacing",
        n,
    )


def forecast_outturn(
    panel: Panel,
    year: int,
    month: int,
    *,
    level: float = 0.90,
    method: str = "credibility",
    history_years: int | None = None,
) -> pd.DataFrame:
    """Year-end forecast of every series of ``panel`` from the end of ``month`` of ``year``.

    Only past years (complete, before ``year``) are used to fit; months of ``year`` after
    ``month`` are ignored.

    Parameters
    ----------
    panel
        Monthly data (:func:`make_panel`).
    year, month
        Forecast origin: the end of ``month`` (0 = before January) of ``year``.
    level
        Two-sided coverage of the interval.
    method
        ``"regression"`` (the model) or ``"pacing"`` (the baseline).
    history_years
        Use only the last ``history_years`` complete years (default: all).

    Returns
    -------
    pandas.DataFrame
        ``region, item, cumulative, expected, lower, upper, method, n_years`` (yuan).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if not 0 <= month <= 12:
        raise ValueError("month must be 0 … 12")
    hy = panel.complete_years(year)
    if history_years is not None:
        hy = hy[-history_years:]
    hpos = hy - int(panel.years[0])
    ypos = panel.year_pos(year)
    if ypos >= len(panel.years):
        cur_all = np.zeros((len(panel.keys), 12))
    else:
        cur_all = np.nan_to_num(panel.x[:, ypos, :], nan=0.0)
    rows = []
    for s, (region, item) in enumerate(panel.keys):
        hist = panel.x[s, hpos, :]
        # the series' history starts with its first year of any execution: years before an item
        # existed (e.g. prevention before it was funded, transfers before provincial pooling)
        # are not zero-valued history
        active = np.flatnonzero(np.any(hist != 0, axis=1))
        start = int(active[0]) if active.size else len(hy)
        hist, hys = hist[start:], hy[start:]
        cur = cur_all[s]
        if method == "pacing":
            fc = _pacing_one(hist, cur, month, level)
        else:
            fc = _forecast_one(hist, hys, cur, year, month, level, item in SIGNED_ITEMS, method)
        rows.append(
            (
                region,
                item,
                float(cur[:month].sum()),
                fc.expected,
                fc.lower,
                fc.upper,
                fc.method,
                fc.n_years,
            )
        )
    return pd.DataFrame(
        rows,
        columns=["region", "item", "cumulative", "expected", "lower", "upper", "method", "n_years"],
    )


def expected_outturn(
    execution: pd.DataFrame,
    year: int,
    through_month: int | None = None,
    *,
    level: float = 0.90,
) -> pd.DataFrame:
    """Expected year-end outturn of ``year`` per item × region, with an interval.

    This is the "current-year expected outturn" column of the budget draft (issue 6).

    Parameters
    ----------
    execution
        Monthly execution ``year, month, region, item, amount`` (yuan): the history (complete
        past years) and the months of ``year`` executed so far.
    year
        The current (partial) year.
    through_month
        Last month of ``year`` to use (default: the last month of ``year`` present).
    level
        Two-sided coverage of ``lower`` … ``upper`` (default 90 %).

    Returns
    -------
    pandas.DataFrame
        ``region, item, expected, lower, upper`` (yuan; ``expected`` is the forecast mean) and,
        for the record, ``cumulative`` (executed to date), ``through_month``, ``method``
        (see the module docstring) and ``n_years`` (past years used).

    Raises
    ------
    InputError
        Bad execution table (missing column, unknown item, duplicate key, negative amount, …).
    """
    df = check_actuals(execution, file="<execution>")
    if through_month is None:
        months = df.loc[df["year"] == year, "month"]
        through_month = int(months.max()) if len(months) else 0
    if not 0 <= through_month <= 12:
        raise ValueError("through_month must be 0 … 12")
    hist = df[df["year"] < year]
    if hist.empty:
        raise ValueError(f"no execution history before {year}")
    until = (year, through_month) if through_month > 0 else (year - 1, 12)
    panel = make_panel(df, until=until)
    out = forecast_outturn(panel, year, through_month, level=level)
    out["through_month"] = through_month
    return out[
        [
            "region",
            "item",
            "expected",
            "lower",
            "upper",
            "cumulative",
            "through_month",
            "method",
            "n_years",
        ]
    ]


def backtest(
    panel: Panel,
    years: list[int] | np.ndarray,
    *,
    months: range | list[int] = range(1, 12),
    level: float = 0.90,
    history_years: int | None = None,
) -> pd.DataFrame:
    """Out-of-sample forecasts of past years from each month-end, model and pacing baseline.

    For each target year ``y`` only the years before ``y`` are used to fit, and only months
    ``1 … m`` of ``y``; the result is compared with the actual total :math:`Y_y`.

    Returns
    -------
    pandas.DataFrame
        ``region, item, year, month, method, expected, lower, upper, model_method, actual,
        error`` (``expected / actual − 1``) and ``covered`` (actual inside the interval).
    """
    frames = []
    for y in years:
        ypos = panel.year_pos(int(y))
        actual = panel.x[:, ypos, :].sum(axis=1)
        for m in months:
            for method in METHODS:
                f = forecast_outturn(
                    panel, int(y), int(m), level=level, method=method, history_years=history_years
                )
                f = f.rename(columns={"method": "model_method"})
                f["year"] = int(y)
                f["month"] = int(m)
                f["method"] = method
                f["actual"] = actual
                frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["error"] = out["expected"] / out["actual"] - 1.0
    out["covered"] = (out["actual"] >= out["lower"] - 1e-6) & (out["actual"] <= out["upper"] + 1e-6)
    return out
