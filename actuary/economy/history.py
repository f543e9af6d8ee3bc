"""History of the economy model: the series the processes are fitted to, from a data folder.

Reads the ``economy``, ``economy_region`` and ``exposure`` tables of a
:class:`actuary.data.ProvinceData` (ARCHITECTURE "Data folder") and derives:

- the growth frame: provincial average-wage and employment log growth, CPI growth, the deposit
  rate and national disposable-income log growth;
- regional deviations: the change of each region's log wage relativity to the
  employment-weighted regional mean, and of its log employment share;
- regional coverage rates: covered workers (all classes) ÷ regional employment;
- regional collection rates: contributions collected ÷ due (all classes);
- the base-year state (:class:`EconomyBase`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from actuary.economy.processes import FloatArray
from actuary.errors import InputError

if TYPE_CHECKING:
    from actuary.data import ProvinceData

#: Collection rates are kept inside (0, 1) before the logit transform.
_RATE_EPS = 1e-4


def _columns(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with any index turned into columns (the fits take plain columns)."""
    return df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df.copy()


def _need(df: pd.DataFrame, cols: list[str], file: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError("missing column", file=file, field=missing[0])


@dataclass(frozen=True)
class EconomyBase:
    """Observed state in the base (last history) year."""

    base_year: int
    regions: tuple[str, ...]
    classes: tuple[int, ...]
    avg_wage_province: float
    employment_province: float
    disposable_income: float
    avg_wage_region: FloatArray  # (R,)
    employment_region: FloatArray  # (R,)
    class_share: FloatArray  # (R, K), rows sum to 1
    coverage: FloatArray  # (R, K)
    wage_relativity: FloatArray  # (R, K)
    collection_rate: FloatArray  # (R,)



@dataclass(frozen=True)
class EconomyHistory:
    """Annual history tables, keyed by year (and region, industry class)."""

    economy: pd.DataFrame  # index year
    region: pd.DataFrame  # index (year, region)
    exposure: pd.DataFrame  # index (year, region, industry_class)
    folder: str = ""

    @classmethod
    def from_frames(
        cls,
        economy: pd.DataFrame,
        economy_region: pd.DataFrame,
        exposure: pd.DataFrame,
        last_year: int | None = None,
        folder: str = "",
    ) -> EconomyHistory:
        """Build from plain frames (columns as in the data-folder contract)."""
        f_e, f_r, f_x = (
            (f"{folder}/economy.csv", f"{folder}/economy_region.csv", f"{folder}/exposure.csv")
            if folder
            else ("economy.csv", "economy_region.csv", "exposure.csv")
        )
        eco = economy.reset_index() if "year" not in economy.columns else economy.copy()
        reg = (
            economy_region.reset_index()
            if "year" not in economy_region.columns
            else (economy_region.copy())
        )
        exp = exposure.reset_index() if "year" not in exposure.columns else exposure.copy()
        _need(
            eco,
            [
                "year",
                "avg_wage",
                "employment",
                "cpi_growth",
                "deposit_rate",
                "national_disposable_income",
            ],
            f_e,
        )
        _need(reg, ["year", "region", "avg_wage", "employment"], f_r)
        _need(
            exp,
            [
                "year",
                "region",
                "industry_class",
                "covered_workers",
                "covered_payroll",
                "contributions_due",
                "contributions_collected",
            ],
            f_x,
        )
        reg["region"] = reg["region"].astype(str)
        exp["region"] = exp["region"].astype(str)
        exp["industry_class"] = exp["industry_class"].astype(int)
        if last_year is not None:
            eco = eco[eco["year"] <= last_year]
            reg = reg[reg["year"] <= last_year]
            exp = exp[exp["year"] <= last_year]
        for df, f, cols in (
            (eco, f_e, ["avg_wage", "employment", "national_disposable_income"]),
            (reg, f_r, ["avg_wage", "employment"]),
        ):
            for c in cols:
                bad = df.index[~(df[c] > 0)]
                if len(bad):
                    raise InputError(
                        "must be positive", file=f, field=c, rows=[int(i) + 1 for i in bad]
                    )
        eco = eco.set_index("year").sort_index()
        reg = reg.set_index(["year", "region"]).sort_index()
        exp = exp.set_index(["year", "region", "industry_class"]).sort_index()
        years = eco.index.to_numpy()
        if len(years) < 6:
            raise InputError(
                "at least 6 history years are needed to fit the economy model",
                file=f_e,
                field="year",
            )
        if not np.array_equal(years, np.arange(years[0], years[-1] + 1)):
            raise InputError("years must be consecutive", file=f_e, field="year")
        return cls(eco, reg, exp, folder)

    # -- helpers ------------------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        """History years."""
        return [int(y) for y in self.economy.index]

    @property
    def base_year(self) -> int:
        """Last history year (the simulation starts from its observed values)."""
        return self.years[-1]

    def since(self, first_year: int) -> EconomyHistory:
        """History from ``first_year`` on (at least 6 years must remain)."""
        if len([y for y in self.years if y >= first_year]) < 6:
            raise InputError(
                "at least 6 history years are needed to fit the economy model",
                field="model.history_first_year",
            )
        return replace(
            self,
            economy=self.economy.loc[first_year:],
            region=self.region.loc[first_year:],
            exposure=self.exposure.loc[first_year:],
        )

    def until(self, last_year: int) -> EconomyHistory:
        """History up to and including ``last_year`` (for rolling-origin backtests)."""
        return replace(
            self,
            economy=self.economy.loc[:last_year],
            region=self.region.loc[:last_year],
            exposure=self.exposure.loc[:last_year],
        )

    def _regional(self, col: str) -> pd.DataFrame:
        return self.region[col].unstack("region").reindex(self.years)

    # -- derived series -----------------------------------------------------------------------
    def growth_frame(self) -> pd.DataFrame:
        """Growth series (published scale, fractions), first history year dropped."""
        e = self.economy
        out = pd.DataFrame(
            {
                "wage_growth": e["avg_wage"].pct_change(),
                "employment_growth": e["employment"].pct_change(),
                "cpi_growth": e["cpi_growth"],
                "deposit_rate": e["deposit_rate"],
                "disposable_income_growth": e["national_disposable_income"].pct_change(),
            }
        )
        return out.iloc[1:]

    def employment_shares(self) -> pd.DataFrame:
        """Regional employment shares (years × regions)."""
        emp = self._regional("employment")
        return emp.div(emp.sum(axis=1), axis=0)

    def regional_wage_deviation(self) -> pd.DataFrame:
        """Change of log(regional wage / employment-weighted regional mean), years × regions."""
        w = self._regional("avg_wage")
        wt = (w * self.employment_shares()).sum(axis=1)
        z: pd.DataFrame = w.div(wt, axis=0).apply(np.log)
        return z.diff().iloc[1:]

    def regional_employment_deviation(self) -> pd.DataFrame:
        """Change of the log regional employment share, years × regions."""
        z: pd.DataFrame = self.employment_shares().apply(np.log)
        return z.diff().iloc[1:]

    def _exposure_sum(self, col: str) -> pd.DataFrame:
        return self.exposure[col].groupby(level=["year", "region"]).sum().unstack("region")

    def regional_coverage(self) -> pd.DataFrame:
        """Covered workers (all classes) ÷ regional employment, years × regions."""
        cov = self._exposure_sum("covered_workers")
        emp = self._regional("employment")
        rate = (cov / emp).reindex(index=self.years, columns=emp.columns)
        if rate.isna().any().any():
            raise InputError(
                "exposure has no rows for some year/region of economy_region",
                file=self._file("exposure.csv"),
                field="covered_workers",
            )
        stacked = rate.stack()
        over = stacked[stacked.to_numpy() > 1.0]
        if len(over):
            raise InputError(
                "covered workers exceed regional employment (coverage > 1)",
                file=self._file("exposure.csv"),
                field="covered_workers",
                rows=[f"{y}/{r}" for y, r in over.index],
            )
        return rate

    def collection_rates(self) -> pd.DataFrame:
        """Contributions collected ÷ due (all classes), years × regions, kept inside (0, 1)."""
        due = self._exposure_sum("contributions_due")
        col = self._exposure_sum("contributions_collected")
        rate = (col / due).reindex(self.years)
        return rate.clip(_RATE_EPS, 1 - _RATE_EPS)

    def _file(self, name: str) -> str:
        return f"{self.folder}/{name}" if self.folder else name

    def base(self) -> EconomyBase:
        """Observed state in the last history year."""
        y = self.base_year
        reg = self.region.loc[y]
        regions = tuple(str(r) for r in reg.index)
        x = self.exposure.loc[y]
        classes = tuple(sorted(int(c) for c in x.index.get_level_values("industry_class").unique()))
        covered = (
            x["covered_workers"]
            .unstack("industry_class")
            .reindex(index=list(regions), columns=list(classes))
            .fillna(0.0)
            .to_numpy(np.float64)
        )
        payroll = (
            x["covered_payroll"]
            .unstack("industry_class")
            .reindex(index=list(regions), columns=list(classes))
            .fillna(0.0)
            .to_numpy(np.float64)
        )
        emp = reg["employment"].to_numpy(np.float64)
        wage = reg["avg_wage"].to_numpy(np.float64)
        tot = covered.sum(axis=1, keepdims=True)
        share = np.where(tot > 0, covered / np.where(tot > 0, tot, 1.0), 1.0 / len(classes))
        cov_region = tot[:, 0] / emp
        coverage = np.repeat(cov_region[:, None], len(classes), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa = np.where(covered > 0, payroll / covered / wage[:, None], 1.0)
        col = self.collection_rates().loc[y].reindex(list(regions)).to_numpy(np.float64)
        return EconomyBase(
            base_year=y,
            regions=regions,
            classes=classes,
            avg_wage_province=float(self.economy["avg_wage"].to_numpy(np.float64)[-1]),
            employment_province=float(self.economy["employment"].to_numpy(np.float64)[-1]),
            disposable_income=float(
                self.economy["national_disposable_income"].to_numpy(np.float64)[-1]
            ),
            avg_wage_region=wage,
            employment_region=emp,
            class_share=share,
            coverage=coverage,
            wage_relativity=kappa,
            collection_rate=col,
        )


def history_from(data: ProvinceData) -> EconomyHistory:
    """The economy history of a :class:`actuary.data.ProvinceData`."""
    last = data.meta("last_full_year")
    return EconomyHistory.from_frames(
        _columns(data.table("economy")),
        _columns(data.table("economy_region")),
        _columns(data.table("exposure")),
        last_year=None if last is None else int(last),
        folder=str(data.folder),
    )
