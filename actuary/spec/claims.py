"""Claims-model settings: :class:`ClaimsSpec`, parsed from ``models/assumptions/claims.toml``.

Every modelling assumption of the claims side comes from this file (value, unit, basis and a
source or note per key, :mod:`actuary.spec.assumptions`); misspelt keys, wrong units, values
outside their plausible range (:data:`BOUNDS`) and a mortality table that is not a CSV table
with the named columns are errors naming the file and the key. Keys of :data:`OPTIONAL` may be
left out (``parameter_uncertainty.enabled``: false).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actuary.errors import InputError
from actuary.spec.assumptions import AssumptionFile, assumption_file_from
from actuary.spec.bounds import Bound, check_bound

__all__ = ["BOUNDS", "KEYS", "OPTIONAL", "ClaimsSpec"]

#: (key, unit) of every assumption the claims model reads.
KEYS: dict[str, str] = {
    "volatility": "flag",
    "incidence.trend": "1/year",
    "incidence.max_recognition_lag": "years",
    "incidence.year_effect": "flag",
    "incidence.cell_overdispersion": "flag",
    "outcome.model": "-",
    "severity.items": "-",
    "severity.nominal_items": "-",
    "severity.excess_inflation": "1/year",
    "severity.trend": "1/year",
    "severity.min_developed": "fraction",
    "severity.wage_basis": "-",
    "development.tail": "-",
    "development.history_method": "-",
    "pricing.max_profile_per_outcome": "claims",
    "mortality.table_file": "path",
    "mortality.table_male": "-",
    "mortality.table_female": "-",
    "mortality.loading.disability_allowance": "multiple of q_x",
    "mortality.loading.pension_topup": "multiple of q_x",
    "mortality.loading.nursing_care": "multiple of q_x",
    "mortality.loading.survivor_pension": "multiple of q_x",
    "mortality.level_sd": "log-sd",
    "mortality.improvement": "1/year",
    "mortality.table_year": "year",
    "mortality.level_points": "levels",
    "retirement.female_worker_share": "fraction",
    "streams.child_age_limit": "years",
    "streams.entry_year_fraction": "fraction of a year",
    "streams.entry_lag_max": "years",
    "streams.topup_prevalence": "fraction",
    "streams.spouse_remarriage_rate": "1/year",
    "streams.topup_share": "fraction of the allowance",
    "indexation.allowance_wage_weight": "fraction",
    "indexation.nursing_wage_weight": "fraction",
    "indexation.survivor_wage_weight": "fraction",
    "major.threshold": "victims",
    "major.max_victims": "victims",
    "major.rate": "events/year",
    "major.tail_index": "-",
    "parameter_uncertainty.enabled": "flag",
}

#: Keys that may be left out of a claims file (their default keeps older files valid).
OPTIONAL: dict[str, Any] = {"parameter_uncertainty.enabled": False}

_LOAD = (
    "multiple of the CL2010-2013 q_x (data/public/china_cl_2010_2013_mortality.csv): impaired "
    "lives die 1 … 3 times as often as insured lives; 0.5 … 10 covers any published loading"
)
_W = "weight of wage growth in a benefit's indexation (工伤保险条例 art. 40), a share in [0, 1]"

#: Plausible ranges of the claims file's numeric keys (basis stated per key).
BOUNDS: dict[str, Bound] = {
    "incidence.trend": Bound(
        -0.2,
        0.2,
        "injury frequency trend: national recognitions per "
        "worker moved a few % a year (data/public/national_work_injury.csv)",
        fraction=True,
    ),
    "incidence.max_recognition_lag": Bound(0, 20, "recognition completes within a few years"),
    "severity.excess_inflation": Bound(
        -0.2,
        0.2,
        "medical cost inflation above wages, a few % a "
        "year (national CPI 0 … 5.4 %, data/public/national_cpi.csv)",
        fraction=True,
    ),
    "severity.trend": Bound(
        -0.2, 0.2, "severity trend per accident year, a few % a year", fraction=True
    ),
    "severity.min_developed": Bound(0, 1, "share of a year's cost developed, a fraction", True),
    "pricing.max_profile_per_outcome": Bound(1, 100_000, "claims priced per outcome (cost)"),
    **{
        f"mortality.loading.{b}": Bound(0.5, 10, _LOAD)
        for b in ("disability_allowance", "pension_topup", "nursing_care", "survivor_pension")
    },
    "mortality.level_sd": Bound(
        0, 1, "log-s.d. of the mortality level: 10 % ≈ the CL table's spread between insured groups"
    ),
    "mortality.improvement": Bound(
        -0.05,
        0.05,
        "annual mortality improvement: 1 … 2 % a year in China since 2000 (CL2000 → CL2010-2013)",
        fraction=True,
    ),
    "mortality.table_year": Bound(1990, 2030, "CL tables of 2000 and 2010-2013"),
    "mortality.level_points": Bound(1, 1000, "quadrature points of the mortality level"),
    "retirement.female_worker_share": Bound(0, 1, "a share of women retiring as workers", True),
    "streams.child_age_limit": Bound(
        16,
        25,
        "orphans' pensions to 18 (or in education, 工伤"
        "保险条例 art. 39 / 因工死亡职工供养亲属范围规定)",
    ),
    "streams.entry_year_fraction": Bound(0, 1, "fraction of a year", fraction=True),
    "streams.entry_lag_max": Bound(0, 20, "years from accident to the first annuity payment"),
    "streams.topup_prevalence": Bound(0, 1, "a share of pensioners with a top-up", True),
    "streams.spouse_remarriage_rate": Bound(
        0, 0.2, "annual remarriage rate of survivors, a few ‰ to % a year", fraction=True
    ),
    "streams.topup_share": Bound(0, 1, "top-up as a share of the allowance", True),
    "indexation.allowance_wage_weight": Bound(0, 1, _W, fraction=True),
    "indexation.nursing_wage_weight": Bound(0, 1, _W, fraction=True),
    "indexation.survivor_wage_weight": Bound(0, 1, _W, fraction=True),
    "major.threshold": Bound(
        3, 100, "较大事故 = 3+ deaths (生产安全事故报告和调查处理条例 art. 3)"
    ),
    "major.max_victims": Bound(10, 10_000, "largest accidents on record: a few hundred victims"),
    "major.rate": Bound(0, 50, "events a year in one province (a few on record)"),
    "major.tail_index": Bound(0.2, 10, "Pareto tail index of victims per event"),
}


def _check_mortality_table(table: Path, male: str, female: str, file: str) -> None:
    """The mortality table must be a CSV file with ``age`` and the two named columns."""
    key = "mortality.table_file"
    if not table.exists():
        raise InputError(f"mortality table not found: {table}", file=file, field=key)
    if not table.is_file():
        raise InputError(f"mortality table {table} is not a file", file=file, field=key)
    if table.suffix.lower() != ".csv":
        raise InputError(f"mortality table {table} is not a .csv table", file=file, field=key)
    try:
        with table.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"mortality table {table} is not a readable CSV table ({exc})", file=file, field=key
        ) from None
    missing = [c for c in ("age", male, female) if c not in header]
    if missing:
        raise InputError(
            f"mortality table {table} lacks column(s) {missing} (needs age, "
            "mortality.table_male, mortality.table_female)",
            file=file,
            field=key,
        )


@dataclass(frozen=True)
class ClaimsSpec:
    """Claims-model assumptions (see ``models/assumptions/claims.toml`` for units and sources)."""

    mortality_table_file: Path
    volatility: bool = True
    incidence_trend: float | None = None  # None: fitted
    max_recognition_lag: int = 5
    year_effect: bool = True
    cell_overdispersion: bool = True
    outcome_model: str = "ordinal"
    severity_items: tuple[str, ...] = ("medical_costs", "hospital_meal", "appraisal_fee")
    nominal_items: tuple[str, ...] = ()  # severity items priced in yuan, not relative to A
    excess_inflation: float = 0.0
    severity_trend: float | None = None  # None: fitted
    min_developed: float = 0.9
    wage_basis: str = "province"
    development_tail: str = "exponential"
    history_method: str = "bornhuetter_ferguson"
    max_profile_per_outcome: int = 400
    mortality_table_male: str = "CL1_nonpension1_male"
    mortality_table_female: str = "CL2_nonpension1_female"
    loading: dict[str, float] = field(
        default_factory=lambda: {
            "disability_allowance": 2.0,
            "pension_topup": 2.0,
            "nursing_care": 3.0,
            "survivor_pension": 1.0,
        }
    )
    mortality_level_sd: float = 0.1
    mortality_improvement: float = 0.0
    mortality_table_year: int = 2012
    mortality_level_points: int = 20
    female_worker_share: float = 1.0
    child_age_limit: int = 18
    entry_year_fraction: float = 0.5
    entry_lag_max: int = 4
    topup_prevalence: float = 0.5
    spouse_remarriage_rate: float = 0.0
    topup_share: float = 0.3
    allowance_wage_weight: float = 0.7
    nursing_wage_weight: float = 1.0
    survivor_wage_weight: float = 0.3
    major_threshold: int = 3
    major_max_victims: int = 300
    major_rate: float | None = None  # None: fitted
    major_tail_index: float | None = None  # None: fitted
    #: each path draws its own claims parameters from the estimates' sampling distribution
    parameter_uncertainty: bool = False
    assumptions: AssumptionFile | None = None

    @classmethod
    def parse(
        cls, source: AssumptionFile | Mapping[str, Any], *, file: str | None = None
    ) -> ClaimsSpec:
        """The spec of an assumption file (or a TOML document's mapping, named by ``file``).

        Unknown keys, wrong units, values outside :data:`BOUNDS` and a mortality table that is
        not a CSV table are errors naming the file and the key.
        """
        f = assumption_file_from(source, file=file)
        f.check_keys(KEYS)
        v = {k: f.value(k, unit) for k, unit in KEYS.items() if k in f}
        for k, default in OPTIONAL.items():
            v.setdefault(k, default)
        missing = [k for k in KEYS if k not in f and k not in OPTIONAL]
        if missing:
            raise InputError("required assumption is missing", file=f.path, field=missing[0])
        for key, bound in BOUNDS.items():
            check_bound(v[key], bound, file=f.path, field=key)

        def num(key: str, lo: float | None = None, hi: float | None = None) -> float:
            x = v[key]
            if isinstance(x, bool) or not isinstance(x, int | float):
                raise InputError("must be a number", file=f.path, field=key)
            if (lo is not None and x < lo) or (hi is not None and x > hi):
                raise InputError(f"must lie in [{lo}, {hi}]", file=f.path, field=key)
            return float(x)

        def flag(key: str) -> bool:
            if not isinstance(v[key], bool):
                raise InputError("must be true or false", file=f.path, field=key)
            return bool(v[key])

        def choice(key: str, options: tuple[str, ...]) -> str:
            if v[key] not in options:
                raise InputError(f"must be one of {options}", file=f.path, field=key)
            return str(v[key])

        def fitted_or_num(key: str) -> float | None:
            return None if v[key] == "fitted" else num(key)

        table = Path(str(v["mortality.table_file"]))
        if not table.is_absolute():
            table = (Path(f.path).parent / table).resolve()
        items = v["severity.items"]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InputError(
                "must be a list of benefit item codes", file=f.path, field="severity.items"
            )
        nominal = v["severity.nominal_items"]
        if not isinstance(nominal, list) or not all(i in items for i in nominal):
            raise InputError(
                "must be a list of items of severity.items",
                file=f.path,
                field="severity.nominal_items",
            )
        out = cls(
            mortality_table_file=table,
            volatility=flag("volatility"),
            incidence_trend=fitted_or_num("incidence.trend"),
            max_recognition_lag=int(num("incidence.max_recognition_lag", 0, 20)),
            year_effect=flag("incidence.year_effect"),
            cell_overdispersion=flag("incidence.cell_overdispersion"),
            outcome_model=choice("outcome.model", ("ordinal", "multinomial")),
            severity_items=tuple(items),
            nominal_items=tuple(nominal),
            excess_inflation=num("severity.excess_inflation", -0.5, 0.5),
            severity_trend=fitted_or_num("severity.trend"),
            min_developed=num("severity.min_developed", 0.0, 1.0),
            wage_basis=choice("severity.wage_basis", ("province", "region")),
            development_tail=str(v["development.tail"]),
            history_method=choice(
                "development.history_method", ("bornhuetter_ferguson", "chain_ladder")
            ),
            max_profile_per_outcome=int(num("pricing.max_profile_per_outcome", 1)),
            mortality_table_male=str(v["mortality.table_male"]),
            mortality_table_female=str(v["mortality.table_female"]),
            loading={
                b: num(f"mortality.loading.{b}", 0.0)
                for b in (
                    "disability_allowance",
                    "pension_topup",
                    "nursing_care",
                    "survivor_pension",
                )
            },
            mortality_level_sd=num("mortality.level_sd", 0.0, 2.0),
            mortality_improvement=num("mortality.improvement", -0.2, 0.2),
            mortality_table_year=int(num("mortality.table_year", 1900, 2100)),
            mortality_level_points=int(num("mortality.level_points", 1, 1000)),
            female_worker_share=num("retirement.female_worker_share", 0.0, 1.0),
            child_age_limit=int(num("streams.child_age_limit", 0, 30)),
            entry_year_fraction=num("streams.entry_year_fraction", 0.0, 1.0),
            entry_lag_max=int(num("streams.entry_lag_max", 0, 20)),
            topup_prevalence=num("streams.topup_prevalence", 0.0, 1.0),
            spouse_remarriage_rate=num("streams.spouse_remarriage_rate", 0.0, 1.0),
            topup_share=num("streams.topup_share", 0.0, 1.0),
            allowance_wage_weight=num("indexation.allowance_wage_weight", 0.0, 1.0),
            nursing_wage_weight=num("indexation.nursing_wage_weight", 0.0, 1.0),
            survivor_wage_weight=num("indexation.survivor_wage_weight", 0.0, 1.0),
            major_threshold=int(num("major.threshold", 1)),
            major_max_victims=int(num("major.max_victims", 1)),
            major_rate=fitted_or_num("major.rate"),
            major_tail_index=fitted_or_num("major.tail_index"),
            parameter_uncertainty=flag("parameter_uncertainty.enabled"),
            assumptions=f,
        )
        _check_mortality_table(table, out.mortality_table_male, out.mortality_table_female, f.path)
        return out

    def as_dict(self) -> dict[str, Any]:
        """Values for ``summary()`` and the assumptions register."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "assumptions"}
        out["mortality_table_file"] = str(self.mortality_table_file)
        return out
