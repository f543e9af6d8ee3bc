"""Rate-policy rules (issue 7): the phased cut, threshold tables, smoothing, the grade lattice.

Expected values come from the policy texts, not from the code:
- phased cut: 人社部发〔2018〕25号 / 国办发〔2019〕13号: 累计结余可支付月数
  18(含)–23 个月 → cut 20 % of the rate; ≥ 24 个月 → cut 50 %; below 18 no cut;
- grades: 人社部发〔2015〕71号: class 1 at 100/120/150 %, classes 2–8 at
  50/80/100/120/150 % of the class base rate.
"""

from __future__ import annotations

import numpy as np
import pytest

from actuary.errors import InputError
from actuary.policy import (
    KeepRate,
    PhasedCut,
    RateLattice,
    RateState,
    Smoothed,
    ThresholdTable,
    rule_from_spec,
)


def _state(months: list[float], multiplier: float = 1.0, year: int = 2026) -> RateState:
    n = len(months)
    m = np.asarray(months, dtype=float)
    return RateState(
        year=year,
        months_of_payment=m,
        balance_close=m * 100.0,
        reserve=np.zeros(n),
        expenditure_total=np.full(n, 1200.0),
        contributions=np.full(n, 1000.0),
        multiplier=np.full((n, 8), multiplier),
    )


def test_phased_cut_thresholds_exact() -> None:
    rule = PhasedCut()
    months = [0.0, 6.0, 17.99, 18.0, 18.01, 23.0, 23.99, 24.0, 24.01, 60.0]
    # 25号: < 18 no cut; 18 (incl.) … 23 → −20 %; ≥ 24 → −50 % (of the base schedule, 1.0).
    expected = [1.0, 1.0, 1.0, 0.8, 0.8, 0.8, 0.8, 0.5, 0.5, 0.5]
    out = rule(_state(months))
    assert out.shape == (len(months), 8)
    np.testing.assert_allclose(out, np.repeat(np.array(expected)[:, None], 8, axis=1), atol=0)


def test_phased_cut_reads_parameters_and_does_not_compound() -> None:
    rule = PhasedCut()
    assert (rule.months_20, rule.months_50, rule.cut_20, rule.cut_50) == (18, 24, 0.2, 0.5)
    # A fund already on the 50 % cut that still covers 30 months stays at 0.5, not 0.25.
    out = rule(_state([30.0], multiplier=0.5))
    assert out[0, 0] == 0.5
    # and returns to the base schedule once the balance falls below 18 months.
    assert rule(_state([10.0], multiplier=0.5))[0, 0] == 1.0


def test_phased_cut_follow_calendar_lapses_after_2024() -> None:
    # rates.phased_cut: confirmed period ends 2024-12-31; no extension found (assumption: lapsed).
    rule = PhasedCut(follow_calendar=True)
    assert rule(_state([30.0], year=2023))[0, 0] == 0.5  # 2024 in the 〔2023〕19号 period
    assert rule(_state([30.0], year=2026))[0, 0] == 1.0  # 2027: lapsed


def test_threshold_table_intervals() -> None:
    rule = ThresholdTable(months=[6, 12, 24], multipliers=[1.5, 1.2, 1.0, 0.8])
    out = rule(_state([5.99, 6.0, 11.99, 12.0, 23.99, 24.0]))[:, 0]
    np.testing.assert_array_equal(out, [1.5, 1.2, 1.2, 1.0, 1.0, 0.8])
    rel = ThresholdTable(months=[12], multipliers=[1.1, 1.0], relative=True)
    np.testing.assert_allclose(rel(_state([3.0, 20.0], multiplier=0.8))[:, 0], [0.88, 0.8])


@pytest.mark.parametrize(
    ("months", "mults", "field"),
    [
        ([12, 6], [1, 1, 1], "months"),
        ([6, 12], [1, 1], "multipliers"),
        ([6], [1, -1], "multipliers"),
    ],
)
def test_threshold_table_bad_input(months: list[float], mults: list[float], field: str) -> None:
    with pytest.raises(InputError, match=field):
        ThresholdTable(months=months, multipliers=mults)


def test_smoothing_caps_change() -> None:
    rule = Smoothed(PhasedCut(), max_change=0.2)
    out = rule(_state([30.0, 20.0, 5.0], multiplier=1.0))[:, 0]
    np.testing.assert_allclose(out, [0.8, 0.8, 1.0])  # 0.5 target capped at 1.0 − 0.2
    out = rule(_state([5.0], multiplier=0.5))[:, 0]
    np.testing.assert_allclose(out, [0.7])  # back up toward 1.0 by at most 0.2


def test_smoothing_with_lattice_never_exceeds_cap() -> None:
    lat = RateLattice.from_params(kind="uniform")
    rule = Smoothed(PhasedCut(), max_change=0.25, lattice=lat)
    # 1.0 → 0.5 wanted; 0.75 is not a grade, so the rule stops at 0.8 (snapped toward 1.0).
    assert rule(_state([30.0]))[0, 0] == 0.8


def test_lattice_from_grades() -> None:
    uni = RateLattice.from_params(kind="uniform")
    np.testing.assert_array_equal(uni.grid(), [0.5, 0.8, 1.0, 1.2, 1.5])
    per = RateLattice.from_params(kind="per_class")
    assert per.values[0] == (1.0, 1.2, 1.5)  # class 1 floats up only
    assert per.values[7] == (0.5, 0.8, 1.0, 1.2, 1.5)
    m = np.array([[0.81, 0.81, 0.5, 2.0, 0.3, 1.0, 1.2, 1.21]])
    np.testing.assert_allclose(per.snap(m, "up"), [[1.0, 1.0, 0.5, 1.5, 0.5, 1.0, 1.2, 1.5]])
    np.testing.assert_allclose(per.snap(m, "down")[0, 1], 0.8)
    np.testing.assert_allclose(uni.next_lower(np.full((1, 8), 1.0)), np.full((1, 8), 0.8))
    fine = RateLattice.from_params(kind="uniform", step=0.05)
    assert len(fine.grid()) == 21 and fine.grid()[1] == pytest.approx(0.55)


def test_rule_from_spec_registry() -> None:
    assert isinstance(rule_from_spec({"rule": "keep"}), KeepRate)
    r = rule_from_spec({"rule": "phased_cut", "max_change_per_year": 0.3})
    assert isinstance(r, Smoothed)
    np.testing.assert_allclose(r(_state([30.0]))[0, 0], 0.7)
    r2 = rule_from_spec(
        {"rule": "smoothed", "max_change_per_year": 0.2, "inner": {"rule": "phased_cut"}}
    )
    np.testing.assert_allclose(r2(_state([30.0]))[0, 0], 0.8)
    r3 = rule_from_spec(
        {"rule": "threshold_table", "months": [6], "multipliers": [1.3, 1.0], "snap": "uniform"}
    )
    assert r3(_state([1.0]))[0, 0] == 1.2  # 1.3 → nearest grade 1.2


@pytest.mark.parametrize(
    "spec",
    [
        {"rule": "phased_kut"},
        {"rule": "phased_cut", "treshold": 3},
        {"rule": "threshold_table", "months": [6]},
        {"rule": "phased_cut", "max_change_per_year": -1},
        {"rule": "smoothed", "max_change_per_year": 0.2},
    ],
)
def test_rule_from_spec_bad_input(spec: dict[str, object]) -> None:
    with pytest.raises(InputError, match=r"models/x\.toml.*rate_policy"):
        rule_from_spec(spec, file="models/x.toml")


def test_smoothed_on_a_refined_lattice_reaches_the_cut_in_steps() -> None:
    # From 0.8 (the rate in force) to the 50 % cut with at most 0.2 a year on 5 % steps:
    # 0.8 → 0.6 → 0.5 (人社部发〔2018〕25号 cut; cap and step are scenario settings).
    rule = rule_from_spec(
        {"rule": "phased_cut", "max_change_per_year": 0.2, "snap": "uniform", "snap_step": 0.05}
    )
    first = rule(_state([30.0], multiplier=0.8))
    assert first[0, 0] == pytest.approx(0.6)
    assert rule(_state([30.0], multiplier=0.6))[0, 0] == pytest.approx(0.5)
    with pytest.raises(InputError, match="snap_step"):
        rule_from_spec({"rule": "phased_cut", "snap_step": 0.05})
