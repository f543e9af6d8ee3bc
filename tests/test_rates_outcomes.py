"""Distribution of the rates employers pay and of the balance under a rule (issue 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _rates_flows import random_flows

from actuary.errors import InputError
from actuary.policy import PhasedCut
from actuary.projection.flows import roll_forward
from actuary.rates import grade_payroll_shares, rule_outcomes


def test_grade_payroll_shares_by_hand() -> None:
    ex = pd.DataFrame(
        {
            "year": [2025, 2025, 2025],
            "region": ["220100", "220200", "220100"],
            "industry_class": [8, 8, 1],
            "payroll_g050": [10.0, 0.0, 0.0],
            "payroll_g080": [0.0, 0.0, 0.0],
            "payroll_g100": [20.0, 50.0, 30.0],
            "payroll_g120": [0.0, 0.0, 0.0],
            "payroll_g150": [10.0, 10.0, 10.0],
        }
    )
    sh = grade_payroll_shares(ex, 2025)
    # class 8: 10 at 50 %, 70 at 100 %, 20 at 150 % of 100 in all
    assert sh[8] == pytest.approx({0.5: 0.1, 1.0: 0.7, 1.5: 0.2})
    assert sh[1] == pytest.approx({1.0: 0.75, 1.5: 0.25})
    with pytest.raises(InputError, match="year"):
        grade_payroll_shares(ex, 2024)
    with pytest.raises(InputError, match="payroll_g080"):
        grade_payroll_shares(ex.drop(columns="payroll_g080"), 2025)


def test_employer_rates_under_phased_cut() -> None:
    flows = random_flows(500, seed=7, n_years=3, opening_months=21.0)
    shares = {8: {0.5: 0.1, 1.0: 0.7, 1.5: 0.2}}
    out = rule_outcomes(flows, PhasedCut(), grade_shares=shares)
    # 2027 multiplier from 2026 months by 人社部发〔2018〕25号: ≥ 24 → 0.5, 18–23 → 0.8, else 1
    ds = roll_forward(flows, PhasedCut())
    m26 = ds["fund"].sel(region="JL", item="months_of_payment").values[:, 0]
    m = np.where(m26 >= 24, 0.5, np.where(m26 >= 18, 0.8, 1.0))
    emp = out["employer_rates"]
    e = emp[(emp.year == 2027) & (emp.industry_class == 8)].set_index("rate_pct")["payroll_share"]
    # class 8 base 1.9 % (人社部发〔2015〕71号) × multiplier × grade, weighted by paths × payroll
    expected: dict[float, float] = {}
    for mult in (0.5, 0.8, 1.0):
        for g, s in shares[8].items():
            r = round(1.9 * mult * g, 9)
            expected[r] = expected.get(r, 0.0) + float(np.mean(m == mult)) * s
    expected = {k: v for k, v in expected.items() if v > 0}
    assert e.to_dict() == pytest.approx(expected)
    assert e.sum() == pytest.approx(1.0)
    bal = out["balance"].set_index("year")
    assert bal.loc[2027, "mean_multiplier"] == pytest.approx(m.mean())
