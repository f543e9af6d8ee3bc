"""Claims assumptions: :class:`ClaimsSpec` read from ``models/assumptions/claims.toml``.

Every modelling assumption of the claims side comes from this file (value, unit, basis and a
source or note per key, :mod:`actuary.spec.assumptions`); misspelt keys are errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actuary.errors import InputError
from actuary.spec.assumptions import AssumptionFile

__all__ = ["KEYS", "ClaimsSpec"]

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
}


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
    assumptions: AssumptionFile | None = None

    @classmethod
    def from_assumptions(cls, f: AssumptionFile) -> ClaimsSpec:
        """Build the spec from an assumption file; unknown keys and wrong units are errors."""
        f.check_keys(KEYS)
        v = {k: f.value(k, unit) for k, unit in KEYS.items() if k in f}
        missing = [k for k in KEYS if k not in f]
        if missing:
            raise InputError("required assumption is missing", file=f.path, field=missing[0])

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
        return cls(
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
            assumptions=f,
        )

    def as_dict(self) -> dict[str, Any]:
        """Values for ``summary()`` and the assumptions register."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "assumptions"}
        out["mortality_table_file"] = str(self.mortality_table_file)
        return out
