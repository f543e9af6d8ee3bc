"""Run-off of the beneficiary stock against an independent annuity computation.

The stock below (12 men born 1970, one per birth month, drawing a grade-1 伤残津贴 of 4,000 a
month, and one child dependant born 2015-03-15 with a 1,000 survivors' pension) is run off by
the claims model with no new claims, no indexation (wages and prices flat) and volatility off.
The expected cash flows are recomputed here with plain loops over ages from the same CL1
table: survival :math:`l_{x+1} = l_x (1 - q_x L (1-\\iota)^{y - 2012})`, deaths mid-year, the
allowance paid until the statutory retirement date of each birth month — computed here from the
published schedule (全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》, 2024-09-13: men born
from 1965-01 retire one month later per four birth months, at most 36 months), not with
``actuary.retirement`` — and the top-up (prevalence × share of the allowance) after it; the
child's pension stops at 18 (half of that year).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _claims_tiny import REGION, tiny_data, tiny_economy, tiny_spec

from actuary.claims import ClaimsModel
from actuary.claims.streams import MortalityTable

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "data" / "public" / "china_cl_2010_2013_mortality.csv"
YEARS = tuple(range(2026, 2046))
LOAD, IMPR, PREV, SHARE = 2.0, 0.01, 0.6, 0.15


def _stock() -> pd.DataFrame:
    rows = [
        {
            "person_id": f"A{m}",
            "claim_id": f"OLD{m}",
            "region": REGION,
            "benefit_type": "disability_allowance",
            "grade": 1,
            "sex": "M",
            "birth_date": f"1970-{m:02d}-15",
            "monthly_amount": 4000.0,
            "nursing": 0,
            "relation": "self",
            "accident_year": 2005,
        }
        for m in range(1, 13)
    ]
    rows.append(
        {
            "person_id": "S1",
            "claim_id": "OLD99",
            "region": REGION,
            "benefit_type": "survivor_pension",
            "grade": 0,
            "sex": "F",
            "birth_date": "2015-03-15",
            "monthly_amount": 1000.0,
            "nursing": 0,
            "relation": "child",
            "accident_year": 2020,
        }
    )
    return pd.DataFrame(rows)


def _retirement(birth: dt.date) -> dt.date:
    """Men: 60 years + delay; delay = min(36, floor((b - 1965-01) / 4) + 1) months.

    Source: 全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13).
    """
    b = birth.year * 12 + birth.month - 1
    first = 1965 * 12
    delay = min(36, (b - first) // 4 + 1) if b >= first else 0
    m = b + 60 * 12 + delay
    return dt.date(m // 12, m % 12 + 1, birth.day)


def _frac_before(ret: dt.date, y: int) -> float:
    start, end = dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
    return min(1.0, max(0.0, (ret - start).days / (end - start).days))


@pytest.fixture(scope="module")
def run_off():  # type: ignore[no-untyped-def]
    data = tiny_data(beneficiaries=_stock())
    spec = tiny_spec(
        TABLE,
        mortality_table_male="CL1_nonpension1_male",
        mortality_table_female="CL2_nonpension1_female",
        loading={
            "disability_allowance": LOAD,
            "pension_topup": LOAD,
            "nursing_care": LOAD,
            "survivor_pension": 1.0,
        },
        mortality_improvement=IMPR,
        topup_prevalence=PREV,
        topup_share=SHARE,
    )
    res = ClaimsModel(spec).fit(data)
    eco = tiny_economy(years=YEARS, growth=0.0, workers=0.0)
    return res.simulate(eco, np.random.default_rng(0))


def _table() -> pd.DataFrame:
    return pd.read_csv(TABLE).set_index("age")


def test_allowance_and_topup_match_an_independent_annuity(run_off) -> None:  # type: ignore[no-untyped-def]
    q = _table()["CL1_nonpension1_male"]
    allow = np.zeros(len(YEARS))
    topup = np.zeros(len(YEARS))
    n_allow_end = np.zeros(len(YEARS))
    for m in range(1, 13):  # one person per birth month
        birth = dt.date(1970, m, 15)
        ret = _retirement(birth)
        alive = 1.0
        for t, y in enumerate(YEARS):  # plain loop over ages
            qx = min(1.0, q[y - 1970] * LOAD * (1 - IMPR) ** (y - 2012))
            py = alive * (1 - qx / 2)
            f = _frac_before(ret, y)
            allow[t] += 12 * 4000 * py * f
            topup[t] += 12 * 4000 * SHARE * PREV * py * (1 - f)
            alive *= 1 - qx
            n_allow_end[t] += alive * (ret >= dt.date(y + 1, 1, 1))
    ds = run_off.isel(path=0, region=0)
    assert ds["paid"].sel(benefit_item="disability_allowance").values == pytest.approx(
        allow, rel=1e-9
    )
    assert ds["paid"].sel(benefit_item="pension_topup").values == pytest.approx(topup, rel=1e-9)
    assert ds["beneficiaries"].sel(benefit_type="disability_allowance").values == pytest.approx(
        n_allow_end, rel=1e-9, abs=1e-12
    )
    # the run-off declines: fewer allowance recipients every year, none after 2033
    assert np.all(np.diff(n_allow_end) <= 0)
    assert n_allow_end[YEARS.index(2033)] == 0.0


def test_child_survivor_pension_stops_at_18(run_off) -> None:  # type: ignore[no-untyped-def]
    q = _table()["CL2_nonpension1_female"]
    alive, pay = 1.0, []
    for y in YEARS:
        age = y - 2015
        qx = min(1.0, q[age] * (1 - IMPR) ** (y - 2012))
        frac = 1.0 if age < 18 else (0.5 if age == 18 else 0.0)
        pay.append(12 * 1000 * alive * (1 - qx / 2) * frac)
        alive *= 1 - qx
    got = run_off.isel(path=0, region=0)["paid"].sel(benefit_item="survivor_pension").values
    assert got == pytest.approx(pay, rel=1e-9, abs=1e-9)
    assert got[YEARS.index(2034)] == 0.0 and got[YEARS.index(2033)] > 0.0


def test_mortality_table_reader_values() -> None:
    # 《中国人身保险业经验生命表（2010-2013）》 sample values: age 60, CL1 = 0.009161,
    # CL2 = 0.004414
    t = MortalityTable.from_csv(TABLE, "CL1_nonpension1_male", "CL2_nonpension1_female")
    assert t.qx(np.array([0, 1]), np.array([60, 60])).tolist() == [0.009161, 0.004414]
    assert t.q[:, -1].tolist() == [1.0, 1.0]
