"""A tiny claims portfolio for the claims tests (not a test module).

One region (长春 220100), one industry class (1), accident years 2020-2025, 1,000 covered
workers a year and exactly two claims per accident year: one medical-only claim (medical costs
3,000 in the accident year + 1,000 the next) and one grade-8 claim (6,000 + 2,000 medical, and
the 一次性伤残补助金 11 × 10,000 = 110,000 paid the year after the accident). The province's
average wage is 120,000 yuan a year throughout the history (A = 10,000 a month). The stock holds
one woman born 1960-06-15 drawing 5,000 a month of 生活护理费 (完全不能自理). The cash flows
this portfolio must produce are worked out by hand in ``models/notes/claims.md`` §8.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from actuary import dims
from actuary.data import ProvinceData
from actuary.spec.claims import ClaimsSpec

REGION = "220100"
YEARS = list(range(2020, 2026))


METADATA = {"last_full_year": 2025}


def tiny_data(**tables: pd.DataFrame) -> ProvinceData:
    """The province data of the tiny portfolio; ``tables`` replace frames of
    :func:`tiny_frames`."""
    return ProvinceData.from_frames(metadata=METADATA, **{**tiny_frames(), **tables})


def tiny_frames() -> dict[str, pd.DataFrame]:
    """The frames of the tiny portfolio (change them, then build :func:`tiny_data`)."""
    claims, payments = [], []
    for ay in YEARS:
        for k, outcome in enumerate(("medical_only", "grade_8")):
            cid = f"C{ay}{k}"
            claims.append(
                {
                    "claim_id": cid,
                    "accident_date": f"{ay}-03-01",
                    "recognition_date": f"{ay}-04-01",
                    "region": REGION,
                    "industry_class": 1,
                    "outcome": outcome,
                    "sex": "M",
                    "birth_date": "1980-01-01",
                    "monthly_wage": 10000.0,
                    "nursing": 0,
                    "leaves_employment": "false",
                    "n_dependants": 0,
                    "event_id": "",
                }
            )
            med = (3000.0, 1000.0) if outcome == "medical_only" else (6000.0, 2000.0)
            payments.append((cid, ay, "medical_costs", med[0]))
            if ay + 1 <= 2025:
                payments.append((cid, ay + 1, "medical_costs", med[1]))
                if outcome == "grade_8":
                    payments.append((cid, ay + 1, "disability_lump_sum", 110000.0))
    exposure = pd.DataFrame(
        {"year": YEARS, "region": REGION, "industry_class": 1, "covered_workers": 1000.0}
    )
    economy = pd.DataFrame(
        {
            "year": list(range(2019, 2026)),
            "avg_wage": 120000.0,
            "employment": 1.0e6,
            "cpi_growth": 0.0,
            "deposit_rate": 0.015,
            "national_disposable_income": 50000.0,
        }
    )
    benef = pd.DataFrame(
        [
            {
                "person_id": "N1",
                "claim_id": "OLD1",
                "region": REGION,
                "benefit_type": "nursing_care",
                "grade": 1,
                "sex": "F",
                "birth_date": "1960-06-15",
                "monthly_amount": 5000.0,
                "nursing": 3,
                "relation": "self",
                "accident_year": 2000,
            }
        ]
    )
    return {
        "claims": pd.DataFrame(claims),
        "payments": pd.DataFrame(
            payments, columns=["claim_id", "calendar_year", "benefit_item", "amount"]
        ),
        "exposure": exposure,
        "economy": economy,
        "economy_region": economy.assign(region=REGION),
        "beneficiaries": benef,
    }


def flat_table(path: Path, q: float = 0.01) -> Path:
    """A mortality table with q_x = ``q`` at every age (and 1 at the last age)."""
    ages = np.arange(106)
    qq = np.full(106, q)
    pd.DataFrame({"age": ages, "M": qq, "F": qq}).to_csv(path, index=False)
    return path


def tiny_spec(table: Path, **kw: Any) -> ClaimsSpec:
    """Assumptions of the golden test: volatility off, loadings 1, no improvement, no tail."""
    base: dict[str, Any] = {
        "mortality_table_file": table,
        "mortality_table_male": "M",
        "mortality_table_female": "F",
        "volatility": False,
        "outcome_model": "multinomial",
        "development_tail": "none",
        "loading": {
            "disability_allowance": 1.0,
            "pension_topup": 1.0,
            "nursing_care": 1.0,
            "survivor_pension": 1.0,
        },
        "mortality_level_sd": 0.0,
        "mortality_improvement": 0.0,
        "mortality_level_points": 20,
        "entry_lag_max": 2,
    }
    base.update(kw)
    return ClaimsSpec(**base)


def tiny_economy(
    years: tuple[int, ...] = (2026, 2027, 2028),
    growth: float = 0.05,
    workers: float = 1000.0,
    n_paths: int = 1,
) -> xr.Dataset:
    """An economy block by hand: wages 126,000 in 2026 then ``growth`` a year, CPI 0, national
    income 52,000 + 2,000 a year, ``workers`` in class 1 (none in the others)."""
    P, H, C = n_paths, len(years), len(dims.INDUSTRY_CLASSES)
    wages = 120000.0 * (1.0 + growth) ** np.arange(1, H + 1)
    w = np.broadcast_to(wages[None, :, None], (P, H, 1)).copy()
    cw = np.zeros((P, H, 1, C))
    cw[..., 0] = workers
    ndi = 52000.0 + 2000.0 * np.arange(H)
    return xr.Dataset(
        {
            "avg_wage": (("path", "year", "region"), w),
            "avg_wage_province": (("path", "year"), w[..., 0]),
            "employment": (("path", "year", "region"), np.ones((P, H, 1))),
            "covered_workers": (("path", "year", "region", "industry_class"), cw),
            "wage_growth": (("path", "year"), np.full((P, H), growth)),
            "cpi_growth": (("path", "year"), np.zeros((P, H))),
            "national_disposable_income": (
                ("path", "year"),
                np.broadcast_to(ndi[None, :], (P, H)).copy(),
            ),
        },
        coords={
            "path": np.arange(P),
            "year": list(years),
            "region": [REGION],
            "industry_class": list(dims.INDUSTRY_CLASSES),
        },
    )


def tiny_death_data() -> ProvinceData:
    """Second tiny portfolio: one death a year per 1,000 workers, one dependant (a spouse).

    Each death is paid 丧葬补助金 6 × A and 一次性工亡补助金 20 × D(previous year) in the accident
    year; the spouse's pension (40 % of 本人工资 = 4,000 a month) starts the next year. The stock
    holds one widow born 1975 (accident year 2022) drawing 3,000 a month. Worked by hand in
    ``models/notes/claims.md`` §8.6.
    """
    data = tiny_frames()
    claims, payments = [], []
    for ay in YEARS:
        cid = f"D{ay}"
        claims.append(
            {
                "claim_id": cid,
                "accident_date": f"{ay}-03-01",
                "recognition_date": f"{ay}-04-01",
                "region": REGION,
                "industry_class": 1,
                "outcome": "death",
                "sex": "M",
                "birth_date": "1980-01-01",
                "monthly_wage": 10000.0,
                "nursing": 0,
                "leaves_employment": "false",
                "n_dependants": 1,
                "event_id": "",
            }
        )
        payments.append((cid, ay, "funeral_grant", 60000.0))
        payments.append((cid, ay, "death_lump_sum", 1000000.0))
        for cy in range(ay + 1, 2026):
            payments.append((cid, cy, "survivor_pension", 48000.0))
    data["claims"] = pd.DataFrame(claims)
    data["payments"] = pd.DataFrame(
        payments, columns=["claim_id", "calendar_year", "benefit_item", "amount"]
    )
    data["beneficiaries"] = pd.DataFrame(
        [
            {
                "person_id": "S1",
                "claim_id": "OLD2",
                "region": REGION,
                "benefit_type": "survivor_pension",
                "grade": 0,
                "sex": "F",
                "birth_date": "1975-05-01",
                "monthly_amount": 3000.0,
                "nursing": 0,
                "relation": "spouse",
                "accident_year": 2022,
            }
        ]
    )
    return tiny_data(**data)
