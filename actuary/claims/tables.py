"""Path-independent tables of the stream simulation: unit entrant cohorts and the run-off of the
stock and unit cells at the mortality level points (expected decrements, no path draws), cached
on the results keyed by what they depend on."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from actuary import dims
from actuary.claims.codes import INDEX_GROUPS
from actuary.claims.fitted import FittedClaims
from actuary.claims.streams import (
    KIND_ALLOWANCE,
    KIND_LIFE,
    MortalityTable,
    StreamCells,
    retirement_fractions,
    run_off,
)

__all__ = ["RUN_OFF_SPEC_FIELDS", "StreamTables", "run_off_key", "stream_tables", "unit_cells"]


def unit_cells(res: FittedClaims, years: np.ndarray) -> tuple[StreamCells, np.ndarray, np.ndarray]:
    """Unit entrant cohorts: for each kind (allowance, nursing, survivor) and entry year, the
    age/sex mix with weights summing to 1. Returns cells, kind index and entry-year index."""
    spec = res.spec
    rows = []
    mix_a = res.entrant_mix.copy()
    mix_a["age"] = np.floor(mix_a["age"]).astype(int)
    mix_a = mix_a.groupby(["sex_code", "age", "group"])["weight"].sum().reset_index()
    mix_a["weight"] /= mix_a["weight"].sum()
    mix_s = res.survivor_mix.copy()
    mix_s["age"] = np.floor(mix_s["age"]).astype(int)
    for k_i, (kind_name, mix) in enumerate(
        (("allowance", mix_a), ("nursing", mix_a), ("survivor", mix_s))
    ):
        for h, y in enumerate(years):
            d = mix.copy()
            d["kind_i"] = k_i
            d["entry"] = h
            d["birth_year"] = int(y) - d["age"]
            d["kname"] = kind_name
            rows.append(d)
    u = pd.concat(rows, ignore_index=True)
    rg = (
        u["group"].map({"male": 0, "female_staff": 1, "female_worker": 2}).fillna(0).astype(int)
        if "group" in u
        else 0
    )
    is_allow = (u["kname"] == "allowance").to_numpy()
    phi, pre_end = retirement_fractions(
        u["birth_year"].to_numpy(), np.asarray(rg), years, res.parameters
    )
    phi[~is_allow] = 1.0
    pre_end[~is_allow] = 1.0
    load = np.select(
        [u["kname"] == "allowance", u["kname"] == "nursing"],
        [spec.loading["disability_allowance"], spec.loading["nursing_care"]],
        spec.loading["survivor_pension"],
    )
    child = (
        (u["relation"].astype(str) == "child").to_numpy()
        if "relation" in u
        else np.zeros(len(u), bool)
    )
    cells = StreamCells(
        region=np.zeros(len(u), int),
        btype=np.zeros(len(u), int),
        kind=np.where(is_allow, KIND_ALLOWANCE, KIND_LIFE),
        group=np.zeros(len(u), int),
        sex=u["sex_code"].to_numpy(int),
        birth_year=u["birth_year"].to_numpy(int),
        n0=u["weight"].to_numpy(float),
        amount0=np.zeros(len(u)),
        loading=np.asarray(load, float),
        exit_age=np.where(child, float(spec.child_age_limit), np.inf),
        phi=phi,
        pre_end=pre_end,
        start_year=years[u["entry"].to_numpy(int)],
        extra_exit=np.where(
            (u["relation"].astype(str) == "spouse").to_numpy() if "relation" in u else False,
            spec.spouse_remarriage_rate,
            0.0,
        ),
    )
    return cells, u["kind_i"].to_numpy(int), u["entry"].to_numpy(int)


class _OneHot:
    """Sum the columns of a (level, cell) array into groups: ``a @ onehot`` without a dense
    one-hot matrix (a sparse matrix product)."""

    __array_ufunc__ = None  # make ``ndarray @ _OneHot`` call __rmatmul__

    def __init__(self, col: np.ndarray, n: int) -> None:
        from scipy import sparse

        m = col.size
        self.t = sparse.csr_matrix((np.ones(m), (col, np.arange(m))), shape=(n, m))

    def __rmatmul__(self, a: np.ndarray) -> np.ndarray:
        return np.asarray((self.t @ np.asarray(a).T).T)


def _onehot(col: np.ndarray, n: int) -> _OneHot:
    return _OneHot(np.asarray(col, dtype=np.int64), n)


@dataclass(frozen=True)
class StreamTables:
    """Run-off of the stream cells at the K mortality level points (no path draws in it).

    ``stock_base`` (year, level, region × type): monthly amounts in force of the stock at the
    base amounts times person-years; ``stock_per_g`` (year, level, index group, region × type):
    person-years by index group (the flat increments enter through these); ``stock_count``
    (year, level, region × type): persons on 31 December. ``unit_*`` (level, kind, entry year,
    year): person-years and year-end persons per unit entrant.
    """

    K: int
    stock_base: np.ndarray | None
    stock_per_g: np.ndarray | None
    stock_count: np.ndarray | None
    unit_main: np.ndarray
    unit_top: np.ndarray
    unit_nend: np.ndarray
    unit_tend: np.ndarray
    sp_share: float


#: Spec values the stream run-off reads (the key of its cache entry, with the years).
RUN_OFF_SPEC_FIELDS: tuple[str, ...] = (
    "mortality_table_file",
    "mortality_table_male",
    "mortality_table_female",
    "volatility",
    "mortality_level_sd",
    "mortality_level_points",
    "mortality_improvement",
    "mortality_table_year",
    "topup_share",
    "topup_prevalence",
    "entry_year_fraction",
    "loading",
    "child_age_limit",
    "spouse_remarriage_rate",
)


def run_off_key(res: FittedClaims, years: np.ndarray) -> tuple[Hashable, tuple[object, ...]]:
    """Cache key (projection years, regions, the spec values of :data:`RUN_OFF_SPEC_FIELDS`) and
    the fitted objects the run-off is computed from (parameters, stock cells, entrant and
    survivor mixes)."""
    spec_values = tuple(
        tuple(sorted(v.items())) if isinstance(v, dict) else v
        for v in (getattr(res.spec, f) for f in RUN_OFF_SPEC_FIELDS)
    )
    key = ("stream_tables", tuple(int(y) for y in years), res.regions, spec_values)
    deps = (res.parameters, res.stock, res.entrant_mix, res.survivor_mix)
    return key, deps


def stream_tables(res: FittedClaims, years: np.ndarray) -> StreamTables:
    """The path-independent part of the stream simulation, from the results' cache
    (:func:`run_off_key`) or computed."""
    key, deps = run_off_key(res, years)
    return res.cache.get(key, deps, lambda: _compute_stream_tables(res, years))


def _compute_stream_tables(res: FittedClaims, years: np.ndarray) -> StreamTables:
    spec = res.spec
    H = len(years)
    R = len(res.regions)
    table = MortalityTable.from_csv(
        spec.mortality_table_file, spec.mortality_table_male, spec.mortality_table_female
    )
    K = spec.mortality_level_points if spec.volatility and spec.mortality_level_sd > 0 else 1
    if K > 1:
        from scipy.stats import norm

        s = spec.mortality_level_sd
        level = np.exp(s * norm.ppf((np.arange(K) + 0.5) / K))
        level = level / level.mean()
    else:
        level = np.ones(1)
    G = len(INDEX_GROUPS)
    bt = {b: i for i, b in enumerate(dims.BENEFIT_TYPES)}
    # --- stock ----------------------------------------------------------------------------
    st = res.stock
    stock_base = stock_per_g = stock_count = None
    if st is not None and st.size:
        main_col = st.region * 4 + st.btype
        top_col = st.region * 4 + bt["pension_topup"]
        onehot = _onehot(main_col, R * 4)
        top_hot = _onehot(top_col, R * 4)
        g_main = _onehot(st.group * R * 4 + main_col, G * R * 4)
        g_top = _onehot(st.group * R * 4 + top_col, G * R * 4)
        ts = spec.topup_share * spec.topup_prevalence
        gen = run_off(
            st,
            years,
            table,
            level,
            spec.mortality_improvement,
            spec.mortality_table_year,
            1.0,
            0,
            None,
        )
        stock_base = np.zeros((H, K, R * 4))
        stock_per_g = np.zeros((H, K, G, R * 4))
        stock_count = np.zeros((H, K, R * 4))
        for h, yr in enumerate(gen):
            stock_base[h] = (yr.py_main * st.amount0) @ onehot + ts * (
                yr.py_topup * st.amount0
            ) @ top_hot
            stock_per_g[h] = (yr.py_main @ g_main + ts * (yr.py_topup @ g_top)).reshape(K, G, R * 4)
            stock_count[h] = (
                yr.n_main_end @ onehot + (yr.n_topup_end * spec.topup_prevalence) @ top_hot
            )
    # --- unit entrant cohorts ---------------------------------------------------------------
    cells, kind_i, entry = unit_cells(res, years)
    ohk = _onehot(kind_i * H + entry, 3 * H)
    unit_main = np.zeros((K, 3, H, H))  # (level, kind, entry, year): person-years per entrant
    unit_top = np.zeros((K, 3, H, H))
    unit_nend = np.zeros((K, 3, H, H))
    unit_tend = np.zeros((K, 3, H, H))
    gen = run_off(
        cells,
        years,
        table,
        level,
        spec.mortality_improvement,
        spec.mortality_table_year,
        1.0,
        0,
        None,
        entry_fraction=spec.entry_year_fraction,
    )
    for h, yr in enumerate(gen):
        unit_main[:, :, :, h] = (yr.py_main @ ohk).reshape(K, 3, H)
        unit_top[:, :, :, h] = (yr.py_topup @ ohk).reshape(K, 3, H)
        unit_nend[:, :, :, h] = (yr.n_main_end @ ohk).reshape(K, 3, H)
        unit_tend[:, :, :, h] = (yr.n_topup_end @ ohk).reshape(K, 3, H)
    sv_w = res.survivor_mix.assign(sp=res.survivor_mix["relation"].astype(str) == "spouse")
    sp_share = (
        float(sv_w.loc[sv_w["sp"], "weight"].sum() / sv_w["weight"].sum()) if len(sv_w) else 1.0
    )
    return StreamTables(
        K, stock_base, stock_per_g, stock_count, unit_main, unit_top, unit_nend, unit_tend, sp_share
    )
