"""Pooling benefit and gap sharing (issue 7), on constructed flows worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from _rates_flows import random_flows

from actuary.errors import InputError
from actuary.pooling import GapSharingRule, gap_sharing, pooling_benefit
from actuary.projection.flows import FundFlows, roll_forward
from actuary.spec.policy import RatePolicySpec


def _two_regions(rate: float = 0.0, opening: float = 0.0) -> FundFlows:
    """One path, two regions, two years; own net flows A: −10, −10; B: +15, −5 (yuan).

    A: contributions 10, 10; benefits 20, 20.  B: contributions 20, 10; benefits 5, 15.
    """
    k = np.zeros((1, 2, 2, 1))
    k[0, :, 0, 0] = [10.0, 10.0]
    k[0, :, 1, 0] = [20.0, 10.0]
    ben = np.zeros((1, 2, 2, 4))
    ben[0, :, 0, 0] = [20.0, 20.0]
    ben[0, :, 1, 0] = [5.0, 15.0]
    return FundFlows(
        years=(2026, 2027),
        regions=("220100", "220200"),
        classes=(3,),
        paths=np.arange(1),
        contributions=k,
        benefits=ben,
        interest_rate=np.full((1, 2), rate),
        opening_balance=opening,
        prior_contributions=np.array([10.0, 20.0]),
        initial_multiplier=np.ones(1),
        prevention_share=0.0,
        other_revenue_share=0.0,
        other_expenditure_share=0.0,
        reserve_ratio=0.0,
    )


def test_needed_reserve_by_hand() -> None:
    # No interest. A standalone: cumulative −10, −20 → needs 20. B: +15, +10 → needs 0.
    # Pool: net +5, −15 → cumulative +5, −10 → needs 10. Saving 20 + 0 − 10 = 10 yuan.
    ds = roll_forward(_two_regions(), check=False)
    res = pooling_benefit(ds, deficit_probabilities=(0.05,))
    row = res.reserve_needed.iloc[0]
    assert row["standalone_220100_wan"] * 1e4 == pytest.approx(20.0)
    assert row["standalone_220200_wan"] * 1e4 == pytest.approx(0.0)
    assert row["pooled_wan"] * 1e4 == pytest.approx(10.0)
    assert row["pooling_saving_wan"] * 1e4 == pytest.approx(10.0)


def test_needed_reserve_matches_engine_with_interest() -> None:
    """At the closed-form reserve the engine's pooled balance (mid-year interest) touches 0."""
    flows = _two_regions(rate=0.03)
    need = pooling_benefit(roll_forward(flows, check=False)).reserve_needed["pooled_wan"].iloc[0]
    f2 = FundFlows(**{**flows.__dict__, "opening_balance": need * 1e4})
    bal = roll_forward(f2, check=False)["fund"].sel(region="JL", item="balance_close").values[0]
    assert bal.min() == pytest.approx(0.0, abs=1e-9)
    assert bal.min() >= -1e-9


def test_pooling_saves_reserve_on_random_flows() -> None:
    ds = roll_forward(random_flows(1500, seed=3, opening_months=2.0), check=False)
    res = pooling_benefit(ds)
    assert (res.reserve_needed["pooling_saving_wan"] >= 0).all()
    s = res.summary
    assert s["prob_deficit_pooled"] <= s["prob_any_region_deficit_standalone"]
    # needs fall as the tolerated probability of deficit rises
    assert np.all(np.diff(res.reserve_needed["pooled_wan"].to_numpy()) <= 1e-9)


def test_gap_sharing_by_hand() -> None:
    # Pool from 0: balances +5, −10 → a gap of 10 in 2027. Province pays 50 % = 5.
    ds = roll_forward(_two_regions(), check=False)
    # (a) budget = projected contributions (one path) → no shortfall → fallback expenditure
    #     2027: A spends 20, B 15 → A 5·20/35, B 5·15/35.
    out = gap_sharing(ds, GapSharingRule(province_share=0.5))["gap_by_region"].set_index("region")
    assert out.loc["220100", "expected_burden_wan"] * 1e4 == pytest.approx(5 * 20 / 35)
    assert out.loc["220200", "expected_burden_wan"] * 1e4 == pytest.approx(5 * 15 / 35)
    assert out.loc["JL", "expected_burden_wan"] * 1e4 == pytest.approx(5.0)
    # (b) budget A 10, 14; B 20, 12 → 2027 shortfalls A 4, B 2 → A 5·4/6, B 5·2/6.
    budget = np.array([[10.0, 20.0], [14.0, 12.0]])
    out = gap_sharing(ds, GapSharingRule(province_share=0.5), collection_budget=budget)
    tab = out["gap_by_region"].set_index("region")
    assert tab.loc["220100", "expected_burden_wan"] * 1e4 == pytest.approx(5 * 4 / 6)
    assert tab.loc["220200", "expected_burden_wan"] * 1e4 == pytest.approx(5 * 2 / 6)
    yrs = out["gap_by_year"].set_index("year")
    assert yrs.loc[2027, "expected_gap_wan"] * 1e4 == pytest.approx(10.0)
    assert yrs.loc[2026, "prob_deficit"] == 0.0


def test_gap_sharing_adds_up_on_random_flows() -> None:
    ds = roll_forward(random_flows(800, seed=4, opening_months=1.0, incidence=1.1), check=False)
    res = gap_sharing(ds, GapSharingRule(province_share=0.3, basis="net_draw"))
    tab = res["gap_by_region"]
    total = tab["expected_burden_wan"].sum()
    assert total == pytest.approx(res["gap_by_year"]["expected_gap_wan"].sum(), rel=1e-9)
    prov = tab.set_index("region").loc["JL", "expected_burden_wan"]
    assert prov == pytest.approx(0.3 * total, rel=1e-9)
    assert (tab["p95_burden_wan"] >= 0).all()


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"province_share": 1.5}, "province_share"),
        ({"basis": "population"}, "basis"),
        ({"floor": "half"}, "floor"),
        ({"provinse_share": 0.5}, "provinse_share"),
    ],
)
def test_gap_sharing_bad_spec_named_in_run_file(table: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=rf"models/x\.toml.*gap_sharing\.{field}"):
        RatePolicySpec.parse({"rule": "keep", "gap_sharing": table}, file="models/x.toml")
