"""Long-term benefit streams: cohort cells, mortality, retirement, dependants' age limits.

A *cell* is a group of beneficiaries who share region, benefit type, indexation group (grade,
nursing level or relation), sex and birth year: the starting stock (``beneficiaries.csv``)
grouped this way, or the entrants of one entry year with a fixed age/sex mix. Cells move
through calendar years together; the only Python loop is over years.

Per calendar year *y*, for a cell aged :math:`x = y - b` (birth year *b*) on path *p*:

.. math::

    q_{p,c,y} = \\min\\{1,\\; q^{\\text{table}}_{s,x} \\, L_c \\, M_p \\, (1-\\iota)^{y - y_0}\\},
    \\qquad
    D_{p,c,y} = n_{p,c,y}\\, q_{p,c,y},

with :math:`L_c` the disability (or survivor) mortality loading of the cell's benefit type (an
explicit assumption), :math:`M_p` the mortality level of path *p* (lognormal, mean 1: the
uncertainty of the level, common to all cells of a path), :math:`\\iota` the yearly mortality
improvement from the table year :math:`y_0`. Deaths are *expected* decrements
(:math:`D = nq`: expected decrements). The claims model evaluates the run-off once for each of a few
equiprobable quantile points of :math:`M` and picks one per path, so the cost does not grow with
the number of paths. :func:`run_off` can also draw :math:`D \\sim \\text{Binomial}(n, q)` in
cells that start with fewer than ``small_cell`` persons (all such cells at once); the model does
not use that option. Deaths fall in mid-year: the year's person-years are :math:`n - D/2`.

- Disability allowance (伤残津贴, grades 1–4) is paid until the statutory retirement date
  (:func:`actuary.retirement.retirement_date`, 2025 reform included): the fraction of year *y*
  before retirement, :math:`\\phi_{c,y}`, is averaged over the twelve birth months of the
  cell's birth year. After retirement the fund pays the top-up (养老金工伤补差, 条例 art. 35):
  a share ``topup_prevalence`` of retirees receives ``topup_share`` of the allowance.
- Survivors' pensions of children stop at the dependants' age limit (mid-year of the year the
  age is reached).
- Nursing care and the other pensions run for life.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.errors import InputError
from actuary.params import ParameterSet
from actuary.retirement import retirement_date

__all__ = [
    "KIND_ALLOWANCE",
    "KIND_LIFE",
    "KIND_TOPUP",
    "MortalityTable",
    "StreamCells",
    "retirement_fractions",
    "run_off",
]

#: Kinds of stream cell: allowance-then-top-up persons, top-up only (already retired), life
#: annuities (nursing care, survivors' pensions).
KIND_ALLOWANCE = 0
KIND_TOPUP = 1
KIND_LIFE = 2


@dataclass(frozen=True)
class MortalityTable:
    """One-year death probabilities :math:`q_x` by sex (0 = male, 1 = female), ages 0…ω."""

    q: np.ndarray  # shape (2, n_ages)
    source: str

    @classmethod
    def from_csv(cls, path: str | Path, male: str, female: str) -> MortalityTable:
        """Read a table with an ``age`` column and one column per table (e.g. CL1, CL2)."""
        p = Path(path)
        if not p.is_file():
            raise InputError("mortality table not found", file=p)
        df = pd.read_csv(p)
        for col in ("age", male, female):
            if col not in df.columns:
                raise InputError("column missing from the mortality table", file=p, field=col)
        df = df.sort_values("age")
        ages = df["age"].to_numpy()
        if not np.array_equal(ages, np.arange(ages.size)):
            raise InputError("ages must run 0, 1, … without gaps", file=p, field="age")
        q = np.vstack([df[male].to_numpy(float), df[female].to_numpy(float)])
        if ((q < 0) | (q > 1)).any():
            raise InputError("q_x must lie in [0, 1]", file=p, field=f"{male}/{female}")
        q[:, -1] = 1.0
        return cls(q=q, source=str(p))

    def qx(self, sex: np.ndarray, age: np.ndarray) -> np.ndarray:
        """:math:`q_x` for arrays of sex codes and integer ages (ages past ω get 1)."""
        a = np.clip(np.asarray(age, int), 0, self.q.shape[1] - 1)
        return self.q[np.asarray(sex, int), a]


def retirement_fractions(
    birth_year: np.ndarray,
    group: np.ndarray,
    years: np.ndarray,
    parameters: ParameterSet,
) -> tuple[np.ndarray, np.ndarray]:
    """Fractions of each calendar year before retirement, averaged over the birth months.

    Returns ``(phi, alive_end)``, both of shape (cell, year): ``phi`` the fraction of the year
    before the statutory retirement date, ``pre_end`` the share of the cell not yet retired on
    31 December.
    """
    by = np.asarray(birth_year, int)
    months = np.arange(1, 13)
    births = np.array(
        [f"{b:04d}-{m:02d}-15" for b in np.unique(by) for m in months], dtype="datetime64[D]"
    ).reshape(-1, 12)
    uniq = np.unique(by)
    idx = np.searchsorted(uniq, by)
    grp = np.asarray(group, int)
    ret = retirement_date(births[idx], grp[:, None], parameters)  # (cell, 12)
    yrs = np.asarray(years, int)
    start = np.array([f"{y:04d}-01-01" for y in yrs], dtype="datetime64[D]")
    end = np.array([f"{y + 1:04d}-01-01" for y in yrs], dtype="datetime64[D]")
    length = (end - start).astype(float)
    frac = (ret[:, :, None] - start[None, None, :]).astype(float) / length[None, None, :]
    phi = np.clip(frac, 0.0, 1.0).mean(axis=1)
    pre_end = (ret[:, :, None] >= end[None, None, :]).mean(axis=1)
    return phi, pre_end


@dataclass
class StreamCells:
    """Cohort cells of long-term beneficiaries (one entry per cell, arrays of equal length).

    Attributes
    ----------
    region
        Region index (into the model's region list).
    btype
        Benefit type index into ``actuary.dims.BENEFIT_TYPES``.
    kind
        ``KIND_ALLOWANCE`` (allowance, then top-up after retirement), ``KIND_TOPUP``,
        ``KIND_LIFE``.
    group
        Indexation group index (benefit type × grade / nursing level / relation).
    sex, birth_year
        Sex code (0 male, 1 female) and birth year.
    n0, amount0
        Persons at the start and their average monthly amount (yuan/month).
    loading
        Mortality loading :math:`L_c`.
    exit_age
        Age at which payment stops (dependants' age limit); ``inf`` when none.
    phi, pre_end
        Retirement fractions (cell, year) from :func:`retirement_fractions` (1 for cells that
        never retire, 0 for top-up cells).
    start_year
        Calendar year the cell enters the stream (entrant cohorts); earlier than the first
        projection year for the stock.
    extra_exit
        Yearly probability of leaving the stream for another reason than death (a spouse's
        remarriage), combined as :math:`1 - (1-q)(1-x)`.
    """

    region: np.ndarray
    btype: np.ndarray
    kind: np.ndarray
    group: np.ndarray
    sex: np.ndarray
    birth_year: np.ndarray
    n0: np.ndarray
    amount0: np.ndarray
    loading: np.ndarray
    exit_age: np.ndarray
    phi: np.ndarray
    pre_end: np.ndarray
    start_year: np.ndarray
    extra_exit: np.ndarray

    @property
    def size(self) -> int:
        """Number of cells."""
        return int(self.n0.size)


@dataclass
class RunOffYear:
    """Per-cell results of one calendar year (arrays of shape (path, cell))."""

    py_main: np.ndarray  # person-years paid the main benefit (allowance / life / top-up stock)
    py_topup: np.ndarray  # person-years of allowance cells paid the top-up after retirement
    n_main_end: np.ndarray  # persons drawing the main benefit on 31 December
    n_topup_end: np.ndarray  # persons of allowance cells drawing the top-up on 31 December
    n_start: np.ndarray  # persons alive (in the stream) on 1 January


def run_off(
    cells: StreamCells,
    years: np.ndarray,
    table: MortalityTable,
    mortality_level: np.ndarray,
    improvement: float,
    table_year: int,
    topup_prevalence: float,
    small_cell: int,
    rng: np.random.Generator | None,
    entry_fraction: float = 0.5,
) -> Iterator[RunOffYear]:
    """Yield a :class:`RunOffYear` for each calendar year (see the module docstring).

    ``mortality_level`` has one value per path; ``rng`` draws the binomial deaths of small
    cells (pass ``None`` to use expected decrements everywhere). A cell entering in year
    ``start_year`` is exposed (paid, and subject to mortality) for ``entry_fraction`` of that
    year.
    """
    n_paths = mortality_level.size
    n = np.broadcast_to(cells.n0, (n_paths, cells.size)).astype(float).copy()
    small = (cells.n0 < small_cell) if rng is not None else np.zeros(cells.size, bool)
    if small.any():
        n[:, small] = np.round(n[:, small])
    allow = cells.kind == KIND_ALLOWANCE
    topk = cells.kind == KIND_TOPUP
    for t, y in enumerate(np.asarray(years, int)):
        age = y - cells.birth_year
        q = table.qx(cells.sex, age) * cells.loading * (1.0 - improvement) ** (y - table_year)
        expo = np.where(
            y < cells.start_year, 0.0, np.where(y == cells.start_year, entry_fraction, 1.0)
        )
        q = np.minimum(1.0, q[None, :] * mortality_level[:, None])
        q = (1.0 - (1.0 - q) * (1.0 - cells.extra_exit[None, :])) * expo[None, :]
        deaths = n * q
        if small.any() and rng is not None:
            deaths[:, small] = rng.binomial(n[:, small].astype(np.int64), q[:, small])
        # dependants' age limit: paid half of the year the limit is reached, nothing after
        pay_frac = np.where(age < cells.exit_age, 1.0, np.where(age == cells.exit_age, 0.5, 0.0))
        pay_frac = pay_frac * expo
        in_stream_end = (age < cells.exit_age) & (y >= cells.start_year)
        py = (n - 0.5 * deaths) * pay_frac[None, :]
        n_end = (n - deaths) * in_stream_end[None, :]
        phi = np.where(allow, cells.phi[:, t], np.where(topk, 0.0, 1.0))
        pre = np.where(allow, cells.pre_end[:, t], np.where(topk, 0.0, 1.0))
        py_main = py * np.where(topk, 1.0, phi)[None, :]
        py_topup = py * np.where(allow, (1.0 - phi) * topup_prevalence, 0.0)[None, :]
        n_main = n_end * np.where(topk, 1.0, pre)[None, :]
        n_topup = n_end * np.where(allow, (1.0 - pre) * topup_prevalence, 0.0)[None, :]
        yield RunOffYear(py_main, py_topup, n_main, n_topup, n)
        # persons not yet entered stay at their weight for their entry year
        n = np.where((y < cells.start_year)[None, :], n, n_end)
