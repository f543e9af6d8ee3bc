r"""Rolling-origin out-of-sample backtest of the economy model.

For every origin year :math:`T` from ``first_origin`` to the year before the last history year,
the model is fitted to the history up to :math:`T` only and simulated for
:math:`T+1, …, T+H` (``H = 3`` by default, cut at the last history year). Each forecast is
compared with what happened:

- **point error** of the path median, against the naive baseline *random walk with drift*:
  :math:`\hat x_{T+h} = x_T + h\,\overline{\Delta x}_{\le T}` (on the log scale for levels —
  wages, employment, disposable income, covered payroll — and on the plain scale for rates);
- **interval coverage**: whether the outcome falls inside the central 80 % and 95 % intervals of
  the simulated paths. A well calibrated model covers about 80 % and 95 % of the outcomes; with a
  short history the number of forecasts per horizon is small (≈ 6–8), so read the coverage with
  its binomial noise in mind (one miss in 8 is 12.5 points).

Errors are reported in the scale of comparison: log points (≈ relative error) for levels,
fraction points for rates.

:func:`backtest_series` and :func:`backtest_candidates` take one level series that may miss
years (2020 of the public Jilin wage series): origins and scored outcomes are the observed
years, the random walk with drift uses the drift per year over the observed span.
:func:`backtest_candidates` scores every wage candidate of :mod:`actuary.economy.candidates`
and their out-of-sample mixture, whose weights at each origin come from that origin's history
only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from actuary.economy.candidates import (
    CANDIDATES,
    FITTERS,
    MIN_TRAIN,
    CandidateFit,
    fit_mixture,
    log_series,
)
from actuary.economy.history import EconomyHistory
from actuary.economy.model import EconomyModel, EconomySpec
from actuary.economy.processes import GrowthSystem

#: Backtested quantities: name -> (log scale?, function of a simulation Dataset, function of
#: the history at year t).
_LEVEL = True
_RATE = False


def _prov_payroll(ds: xr.Dataset) -> xr.DataArray:
    return ds.covered_payroll.sum(("region", "industry_class"))


def _prov_coverage(ds: xr.Dataset) -> xr.DataArray:
    return ds.covered_workers.sum(("region", "industry_class")) / ds.employment.sum("region")


def _prov_collection(ds: xr.Dataset) -> xr.DataArray:
    due = ds.covered_payroll  # weight by payroll (the contributions due scale with it)
    return (ds.collection_rate * due.sum("industry_class")).sum("region") / due.sum(
        ("region", "industry_class")
    )


SIM_TARGETS: dict[str, tuple[bool, Callable[[xr.Dataset], xr.DataArray]]] = {
    "avg_wage_province": (_LEVEL, lambda ds: ds.avg_wage_province),
    "employment_province": (_LEVEL, lambda ds: ds.employment_province),
    "national_disposable_income": (_LEVEL, lambda ds: ds.national_disposable_income),
    "cpi_growth": (_RATE, lambda ds: ds.cpi_growth),
    "deposit_rate": (_RATE, lambda ds: ds.deposit_rate),
    "covered_payroll": (_LEVEL, _prov_payroll),
    "coverage_rate": (_RATE, _prov_coverage),
    "collection_rate": (_RATE, _prov_collection),
}


def observed(h: EconomyHistory) -> pd.DataFrame:
    """The backtested quantities as observed in the history (years × quantity)."""
    e = h.economy
    x = h.exposure.groupby(level="year").sum(numeric_only=True)
    emp = h.region["employment"].groupby(level="year").sum()
    return pd.DataFrame(
        {
            "avg_wage_province": e["avg_wage"],
            "employment_province": e["employment"],
            "national_disposable_income": e["national_disposable_income"],
            "cpi_growth": e["cpi_growth"],
            "deposit_rate": e["deposit_rate"],
            "covered_payroll": x["covered_payroll"],
            "coverage_rate": x["covered_workers"] / emp,
            "collection_rate": x["contributions_collected"] / x["contributions_due"],
        }
    )


@dataclass(frozen=True)
class BacktestResult:
    """Per-forecast records and the summary table."""

    records: pd.DataFrame  # one row per (quantity, origin, horizon)

    def table(self) -> pd.DataFrame:
        """RMSE of the model and of the random walk with drift, their ratio, interval coverage."""
        g = self.records.groupby(["quantity", "horizon"])
        out = pd.DataFrame(
            {
                "n": g.size(),
                "rmse_model": g["err_model"].apply(lambda e: float(np.sqrt(np.mean(e**2)))),
                "rmse_rw_drift": g["err_rw"].apply(lambda e: float(np.sqrt(np.mean(e**2)))),
                "cover_80": g["in80"].mean(),
                "cover_95": g["in95"].mean(),
            }
        )
        out["ratio"] = out["rmse_model"] / out["rmse_rw_drift"]
        return out[["n", "rmse_model", "rmse_rw_drift", "ratio", "cover_80", "cover_95"]]


def _record(
    q: str, log: bool, origin: int, h: int, actual: float, draws: np.ndarray, hist: pd.Series
) -> dict[str, object]:
    tr = np.log if log else (lambda v: v)
    a = float(tr(actual))
    d = np.asarray(tr(draws), dtype=np.float64)
    hist = hist.dropna()
    past = np.asarray(tr(hist.to_numpy(np.float64)))
    yrs = np.asarray(hist.index, dtype=np.float64)
    if len(past) < 2:
        drift = 0.0
    elif np.all(np.diff(yrs) == 1):
        drift = float(np.mean(np.diff(past)))
    else:  # a missing year: the drift per year over the observed span
        drift = float((past[-1] - past[0]) / (yrs[-1] - yrs[0]))
    rw = float(past[-1] + h * drift)
    med = float(np.median(d))
    q10, q90, q025, q975 = np.quantile(d, [0.1, 0.9, 0.025, 0.975])
    return {
        "quantity": q,
        "origin": origin,
        "horizon": h,
        "actual": a,
        "forecast": med,
        "rw_forecast": rw,
        "err_model": med - a,
        "err_rw": rw - a,
        "in80": bool(q10 <= a <= q90),
        "in95": bool(q025 <= a <= q975),
    }


def backtest_model(
    history: EconomyHistory,
    spec: EconomySpec | None = None,
    *,
    first_origin: int | None = None,
    horizons: int = 3,
    n_paths: int = 1000,
    seed: int = 0,
) -> BacktestResult:
    """Rolling-origin backtest of the whole :class:`EconomyModel` on a province history."""
    spec = spec or EconomySpec()
    years = history.years
    first = first_origin if first_origin is not None else years[0] + 7
    obs = observed(history)
    rows: list[dict[str, object]] = []
    for origin in range(first, years[-1]):
        h = history.until(origin)
        res = EconomyModel(spec).fit(h)
        last = min(origin + horizons, years[-1])
        ds = res.simulate(
            range(origin + 1, last + 1), n_paths, np.random.default_rng([seed, origin])
        )
        for q, (log, fn) in SIM_TARGETS.items():
            sim = fn(ds)
            for yr in range(origin + 1, last + 1):
                rows.append(
                    _record(
                        q,
                        log,
                        origin,
                        yr - origin,
                        float(obs[q].to_numpy()[list(obs.index).index(yr)]),
                        sim.sel(year=yr).values,
                        obs[q].loc[:origin],
                    )
                )
    return BacktestResult(pd.DataFrame(rows))


def backtest_series(
    levels: pd.Series,
    *,
    first_origin: int,
    horizons: int = 3,
    n_paths: int = 2000,
    seed: int = 0,
    max_ar_order: int = 1,
    parameter_uncertainty: bool = True,
    bias_correct: bool = False,
    name: str = "level",
) -> BacktestResult:
    r"""Rolling-origin backtest of the univariate log-growth process on one level series.

    The growth system is fitted in its ``"ar"`` form to :math:`\Delta\log x_t` (AR order 0/1 by
    BIC) up to each origin, simulated, and the forecast of :math:`\log x_{T+h}` compared with
    the outcome and with the random walk with drift. Used on the public Jilin wage series
    (``data/public``), which is longer than the synthetic history. A missing year (2020 of
    that series) is filled log-linearly for the fits and is neither an origin nor an outcome.
    """
    s = levels.dropna().astype(float)
    s.index = s.index.astype(int)
    yrs = [int(y) for y in s.index]
    # a missing year (e.g. 2020) is filled log-linearly for the fit only; it is never an origin
    # or a scored outcome
    filled = np.exp(log_series(s.reindex(range(yrs[0], yrs[-1] + 1))).interpolate())
    rows: list[dict[str, object]] = []
    for origin in range(first_origin, yrs[-1]):
        if origin not in s.index:
            continue
        hist = s.loc[:origin]
        fh = filled.loc[:origin]
        growth = (fh / fh.shift(1) - 1).iloc[1:].to_frame("wage_growth")
        res = GrowthSystem(form="ar", max_ar_order=max_ar_order, bias_correct=bias_correct).fit(
            growth
        )
        last = min(origin + horizons, yrs[-1])
        n_h = last - origin
        y = res.simulate(
            list(range(origin + 1, last + 1)),
            n_paths,
            np.random.default_rng([seed, origin]),
            uncertainty=parameter_uncertainty,
        )
        lvl = float(hist.iloc[-1]) * np.exp(np.cumsum(y[:, :, 0], axis=1))
        for j in range(n_h):
            yr = origin + 1 + j
            if yr not in s.index:
                continue
            rows.append(_record(name, True, origin, j + 1, float(s.loc[yr]), lvl[:, j], hist))
    return BacktestResult(pd.DataFrame(rows))


def backtest_candidates(
    levels: pd.Series,
    *,
    first_origin: int,
    horizons: int = 3,
    n_paths: int = 2000,
    seed: int = 0,
    parameter_uncertainty: bool = True,
    names: Sequence[str] = CANDIDATES,
    mixture: bool = True,
    min_train: int = MIN_TRAIN,
    name: str = "level",
) -> BacktestResult:
    r"""Rolling-origin backtest of each wage candidate and of their out-of-sample mixture.

    ``levels`` may miss years (absent or NaN): origins and scored outcomes are the observed
    years. At each origin every candidate (:mod:`actuary.economy.candidates`) is fitted to the
    history up to the origin and simulated; the mixture's weights come from a rolling-origin
    scoring *inside* that history only (no look-ahead). Records are labelled
    ``"<name>:<model>"`` (``"<name>:oos_mixture"`` for the mixture).
    """
    s = levels.dropna().astype(float)
    s.index = s.index.astype(int)
    x = log_series(s)
    rows: list[dict[str, object]] = []
    for origin in [int(y) for y in s.index if first_origin <= y < s.index[-1]]:
        hist = s.loc[:origin]
        xh = x.loc[:origin]
        targets = [y for y in range(origin + 1, origin + horizons + 1) if y in s.index]
        if not targets:
            continue
        n_h = max(targets) - origin
        fits: dict[str, CandidateFit] = {n: FITTERS[n](xh) for n in names}
        sims: dict[str, np.ndarray] = {}
        for j, (n, f) in enumerate(fits.items()):
            sims[n] = f.simulate(
                n_h,
                n_paths,
                np.random.default_rng([seed, origin, j]),
                uncertainty=parameter_uncertainty,
            )
        if mixture:
            mix = fit_mixture(xh, names, horizons=horizons, min_train=min_train)
            sims["oos_mixture"] = mix.simulate(
                n_h,
                n_paths,
                np.random.default_rng([seed, origin, 99]),
                uncertainty=parameter_uncertainty,
            )
        for n, d in sims.items():
            lvl = float(hist.iloc[-1]) * np.exp(d)
            for yr in targets:
                rows.append(
                    _record(
                        f"{name}:{n}",
                        True,
                        origin,
                        yr - origin,
                        float(s.loc[yr]),
                        lvl[:, yr - origin - 1],
                        hist,
                    )
                )
    return BacktestResult(pd.DataFrame(rows))


def format_table(tab: pd.DataFrame, digits: int = 3) -> str:
    """Markdown table of :meth:`BacktestResult.table` (for notes and benchmarks/README.md)."""
    cols: Sequence[str] = ["quantity", "horizon", *tab.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in tab.iterrows():
        q, h = idx if isinstance(idx, tuple) else (idx, "")
        vals = [str(q), str(h), str(int(row["n"]))] + [
            f"{row[c]:.{digits + 1 if c.startswith('rmse') else digits}f}"
            for c in tab.columns
            if c != "n"
        ]
        lines.append("| " + " | ".join(vals) + " |")
    return "\n".join(lines)
