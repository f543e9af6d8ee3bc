"""The fund's own settings: :class:`FundAssumptions`, parsed from ``models/assumptions/fund.toml``.

Each key has a fixed unit and a plausible range (:data:`BOUNDS`, basis per key); a misspelt key,
a missing key, a wrong unit or an implausible value is an :class:`actuary.errors.InputError`
naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actuary.dims import REGION_CODES
from actuary.errors import InputError
from actuary.spec.assumptions import AssumptionFile, assumption_file_from
from actuary.spec.bounds import Bound, check_bound

__all__ = [
    "BOUNDS",
    "DISPERSIONS",
    "FISCAL_RULES",
    "INTEREST_CONVENTIONS",
    "UNITS",
    "FundAssumptions",
]

#: key -> unit the fund assumption file must state.
UNITS: dict[str, str] = {
    "interest.convention": "-",
    "interest.spread": "1/year",
    "reserve.ratio": "fraction of annual expenditure",
    "prevention.share": "fraction of previous-year contribution revenue",
    "other_revenue.share": "fraction of contribution revenue",
    "other_expenditure.share": "fraction of benefit expenditure",
    "construction.volume_growth": "1/year",
    "construction.rate_class": "industry class",
    "calibration.years": "years",
    "contributions.initial_multiplier": "multiplier of the base-rate schedule",
    "fiscal_subsidy.rule": "-",
    "fiscal_subsidy.amount": "yuan/year",
    "pooling.account_region": "region code",
    "current_year.condition_on_outturn": "-",
    "current_year.dispersion": "-",
}
INTEREST_CONVENTIONS = ("mid_year", "opening")
FISCAL_RULES = ("none", "cover_deficit")
#: Spread of the conditioned current year (``current_year.dispersion``).
DISPERSIONS = ("remaining_share", "simulated")

#: Plausible ranges of the fund file's numeric keys (basis per key).
BOUNDS: dict[str, Bound] = {
    "interest.spread": Bound(
        -0.03,
        0.03,
        "placements of the 财政专户 balance earn within ±3 points of the one-year "
        "deposit rate (1.5 … 3.5 % since 2010, data/public/china_deposit_rate_1y.csv)",
        True,
    ),
    "reserve.ratio": Bound(
        0,
        1,
        "reserve as a share of a year's expenditure: national 2021 ≈ 16.6 % (人社部 "
        "bulletin); more than a year's expenditure is no reserve rule (人社部发〔2015〕72号)",
        True,
    ),
    "prevention.share": Bound(
        0,
        0.10,
        "工伤预防费 as a share of last year's contributions; the cap in force (3 %, "
        "人社部规〔2017〕13号 art. 5) is checked per year against actuary.params by the engine",
        True,
    ),
    "other_revenue.share": Bound(
        0, 0.05, "其他收入 ≈ 0.4 % of contributions in the execution 2022-2025; 5 % is a cap", True
    ),
    "other_expenditure.share": Bound(
        0, 0.05, "其他支出 ≈ 0.2 % of benefits in the execution 2022-2025; 5 % is a cap", True
    ),
    "construction.volume_growth": Bound(
        -0.3, 0.3, "real growth of construction project volume, a few % a year", True
    ),
    "construction.rate_class": Bound(1, 8, "industry classes 1 … 8 (人社部发〔2015〕71号)"),
    "calibration.years": Bound(1, 10, "years of grade mix measured (the data hold 16)"),
    "contributions.initial_multiplier": Bound(
        0.25,
        2.0,
        "floating grades 50 … 150 % of the base rate (人社部发〔2015〕71号) times "
        "a phased cut of at most 50 % (人社部发〔2018〕25号)",
    ),
    "fiscal_subsidy.amount": Bound(
        0,
        1e10,
        "Jilin fund revenue 3.1 亿元 (2008) … 8.6 亿元 (2011) "
        "(data/public/jilin_work_injury_fund_csy.csv): 100 亿元 a year is a cap",
    ),
}


@dataclass(frozen=True, slots=True)
class FundAssumptions:
    """Validated fund assumptions (see ``models/assumptions/fund.toml`` for meaning and basis)."""

    interest_convention: str
    interest_spread: float
    reserve_ratio: float
    prevention_share: float
    other_revenue_share: float
    other_expenditure_share: float
    construction_volume_growth: float
    construction_rate_class: int
    calibration_years: int
    initial_multiplier: str | float
    fiscal_subsidy_rule: str
    fiscal_subsidy_amount: float
    pool_region: str | None = None
    file: str = ""
    condition_on_outturn: bool = False
    current_year_dispersion: str = "remaining_share"

    @classmethod
    def parse(
        cls, source: AssumptionFile | Mapping[str, Any], *, file: str | None = None
    ) -> FundAssumptions:
        """Read and check every key of the fund assumption file (or a TOML document's mapping,
        named by ``file``): keys, units, types, choices and plausible ranges (:data:`BOUNDS`)."""
        af = assumption_file_from(source, file=file)
        af.check_keys(UNITS)
        v = {k: af.value(k, unit) for k, unit in UNITS.items()}
        f = af.path
        for key, bound in BOUNDS.items():
            check_bound(v[key], bound, file=f, field=key)

        def num(key: str, lo: float, hi: float) -> float:
            x = v[key]
            if isinstance(x, bool) or not isinstance(x, int | float):
                raise InputError("expected a number", file=f, field=key)
            if not lo <= float(x) <= hi:
                raise InputError(f"must lie in [{lo}, {hi}], got {x}", file=f, field=key)
            return float(x)

        conv = v["interest.convention"]
        if conv not in INTEREST_CONVENTIONS:
            raise InputError(
                f"must be one of {INTEREST_CONVENTIONS}", file=f, field="interest.convention"
            )
        rule = v["fiscal_subsidy.rule"]
        if rule not in FISCAL_RULES:
            raise InputError(f"must be one of {FISCAL_RULES}", file=f, field="fiscal_subsidy.rule")
        rc = v["construction.rate_class"]
        if isinstance(rc, bool) or not isinstance(rc, int) or not 1 <= rc <= 8:
            raise InputError(
                "must be an industry class 1 … 8", file=f, field="construction.rate_class"
            )
        cy = v["calibration.years"]
        if isinstance(cy, bool) or not isinstance(cy, int) or not 1 <= cy <= 10:
            raise InputError("must be an integer 1 … 10", file=f, field="calibration.years")
        im = v["contributions.initial_multiplier"]
        if isinstance(im, str):
            if im != "calibrate":
                raise InputError(
                    "must be a number or 'calibrate'",
                    file=f,
                    field="contributions.initial_multiplier",
                )
            init: str | float = im
        else:
            init = num("contributions.initial_multiplier", 0.0, 3.0)
        pool = v["pooling.account_region"]
        if pool != "none" and pool not in REGION_CODES:
            raise InputError(
                f"must be a sub-unit code ({', '.join(REGION_CODES)}) or 'none'",
                file=f,
                field="pooling.account_region",
            )
        cond = v["current_year.condition_on_outturn"]
        if not isinstance(cond, bool):
            raise InputError(
                "must be true or false", file=f, field="current_year.condition_on_outturn"
            )
        disp = v["current_year.dispersion"]
        if disp not in DISPERSIONS:
            raise InputError(
                f"must be one of {DISPERSIONS}", file=f, field="current_year.dispersion"
            )
        return cls(
            interest_convention=str(conv),
            interest_spread=num("interest.spread", -0.05, 0.05),
            reserve_ratio=num("reserve.ratio", 0.0, 2.0),
            prevention_share=num("prevention.share", 0.0, 1.0),
            other_revenue_share=num("other_revenue.share", 0.0, 1.0),
            other_expenditure_share=num("other_expenditure.share", 0.0, 1.0),
            construction_volume_growth=num("construction.volume_growth", -0.5, 0.5),
            construction_rate_class=int(rc),
            calibration_years=int(cy),
            initial_multiplier=init,
            fiscal_subsidy_rule=str(rule),
            fiscal_subsidy_amount=num("fiscal_subsidy.amount", 0.0, 1e13),
            pool_region=None if pool == "none" else str(pool),
            file=f,
            condition_on_outturn=cond,
            current_year_dispersion=str(disp),
        )
