"""Benefit calculator: hand-computed cases from the text of 《工伤保险条例》 (2010 revision).

Notation as in the regulation: W = 本人工资 (art. 64: the worker's wage bounded to 60-300 % of the
pooling-area average monthly wage A), D(y) = national urban per-capita disposable income of
year y (国家统计局 statistical communiqués, data/public/national_urban_disposable_income.source.md).
Every expected value is worked by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actuary.benefits import BENEFIT_ITEMS, assess, price_benefits
from actuary.errors import InputError

A = 7200.0


def case(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_date": dt.date(2024, 5, 1),
        "outcome": "grade_3",
        "monthly_wage": 6500,
        "area_avg_monthly_wage": A,
        "birth_date": dt.date(1980, 3, 15),
        "sex": "male",
    }
    base.update(kw)
    return base


def test_grade_3_wage_within_bounds() -> None:
    a = assess(case())
    # 4320 = 0.6 × 7200 ≤ 6500 ≤ 21600 = 3 × 7200 → W = 6500
    assert a.wage_base == 6500
    lump = a.line("disability_lump_sum")
    assert lump.amount == pytest.approx(149_500)  # art. 35: 23 × 6500
    assert (lump.payer, lump.kind) == ("fund", "one_off")
    allow = a.line("disability_allowance")
    assert allow.amount == pytest.approx(5_200)  # art. 35: 80 % × 6500
    assert (allow.payer, allow.kind) == ("fund", "monthly")
    # born 1980-03 (man): delay min(36, (1980-03 − 1965-01)//4 + 1 = 46) = 36 → 63 → 2043-03-15
    assert allow.end_date == dt.date(2043, 3, 15)
    for item in (
        "nursing_care",
        "medical_lump_sum",
        "employment_lump_sum",
        "funeral_grant",
        "survivor_pension",
        "death_lump_sum",
    ):
        assert not a.line(item).applies and a.line(item).amount == 0
    assert [ln.item for ln in a.lines] == list(BENEFIT_ITEMS)


def test_wage_capped_at_300_percent() -> None:
    a = assess(case(outcome="grade_1", monthly_wage=30_000))
    assert a.wage_base == pytest.approx(21_600)  # 3 × 7200
    assert a.line("disability_lump_sum").amount == pytest.approx(583_200)  # 27 × 21600
    assert a.line("disability_allowance").amount == pytest.approx(19_440)  # 90 % × 21600


def test_wage_floored_at_60_percent() -> None:
    a = assess(case(outcome="grade_10", monthly_wage=3_000))
    assert a.wage_base == pytest.approx(4_320)  # 0.6 × 7200
    assert a.line("disability_lump_sum").amount == pytest.approx(30_240)  # 7 × 4320
    assert not a.line("disability_allowance").applies  # grades 7-10 have no allowance


def test_grade_4_allowance_and_woman_worker_retirement() -> None:
    a = assess(case(outcome="grade_4", sex="female", birth_date=dt.date(1980, 3, 15)))
    assert a.line("disability_allowance").amount == pytest.approx(4_875)  # 75 % × 6500
    assert a.line("disability_lump_sum").amount == pytest.approx(136_500)  # 21 × 6500
    # woman worker (original 50) born 1980-03: delay (1980-03 − 1975-01)//2 + 1 = 62//2+1 = 32
    # → 52 y 8 m → 2032-11-15
    assert a.line("disability_allowance").end_date == dt.date(2032, 11, 15)
    # the same woman as staff (original 55): delay min(36, (1980-03 − 1970-01)//4 + 1 = 31) = 31
    # → 57 y 7 m → 2037-10-15
    b = assess(case(outcome="grade_4", sex="female", original_retirement_age=55))
    assert b.line("disability_allowance").end_date == dt.date(2037, 10, 15)


def test_man_born_1970_05_allowance_end() -> None:
    a = assess(case(outcome="grade_2", birth_date=dt.date(1970, 5, 15)))
    # delay (1970-05 − 1965-01)//4 + 1 = 64//4 + 1 = 17 → 61 y 5 m → 2031-10-15
    assert a.line("disability_allowance").end_date == dt.date(2031, 10, 15)
    assert a.line("disability_allowance").amount == pytest.approx(5_525)  # 85 % × 6500


@pytest.mark.parametrize(
    ("level", "expected"),
    [("full", 3_600), ("most", 2_880), ("partial", 2_160)],  # 50 / 40 / 30 % × 7200 (art. 34)
)
def test_nursing_care(level: str, expected: float) -> None:
    ln = assess(case(outcome="grade_2", nursing=level)).line("nursing_care")
    assert ln.amount == pytest.approx(expected)
    assert (ln.payer, ln.kind, ln.end_date) == ("fund", "monthly", None)


def test_grade_5_employer_allowance() -> None:
    a = assess(case(outcome="grade_5"))
    assert a.line("disability_lump_sum").amount == pytest.approx(117_000)  # 18 × 6500
    ln = a.line("disability_allowance")
    assert ln.amount == pytest.approx(4_550)  # art. 36: 70 % × 6500, employer
    assert ln.payer == "employer"
    b = assess(case(outcome="grade_6", suitable_work=True))
    assert not b.line("disability_allowance").applies  # suitable work → no allowance
    assert b.line("disability_lump_sum").amount == pytest.approx(104_000)  # 16 × 6500


def test_grade_7_leaving_employment_lump_sums_full() -> None:
    # placeholder schedule of benefits_jilin.toml (ASSUMPTION): grade 7 medical 6, employment 25
    # months of W; retirement 2043-03-15 is > 5 years after 2024-05-01 → no reduction
    a = assess(case(outcome="grade_7", leaves_employment=True))
    med, emp = a.line("medical_lump_sum"), a.line("employment_lump_sum")
    assert med.amount == pytest.approx(39_000)  # 6 × 6500
    assert emp.amount == pytest.approx(162_500)  # 25 × 6500
    assert (med.payer, emp.payer) == ("fund", "employer")
    assert med.assumption and emp.assumption
    assert a.line("disability_lump_sum").amount == pytest.approx(84_500)  # 13 × 6500


def test_lump_sums_reduced_near_retirement() -> None:
    # man born 1965-03-15: delay 1 → retires 2025-04-15, < 1 year after 2024-05-01 → 10 %
    a = assess(case(outcome="grade_7", birth_date=dt.date(1965, 3, 15), leaves_employment=True))
    assert a.line("medical_lump_sum").amount == pytest.approx(3_900)  # 6 × 6500 × 0.1
    assert a.line("employment_lump_sum").amount == pytest.approx(16_250)  # 25 × 6500 × 0.1
    # man born 1968-01-10: delay (1968-01 − 1965-01)//4 + 1 = 10 → retires 2028-11-10;
    # separation 2025-06-01 → 41 whole months = 3 whole years → 1 − 0.2 × (5 − 3) = 0.6
    b = assess(
        case(
            outcome="grade_8",
            birth_date=dt.date(1968, 1, 10),
            leaves_employment=True,
            separation_date=dt.date(2025, 6, 1),
        )
    )
    assert b.line("medical_lump_sum").amount == pytest.approx(15_600)  # 4 × 6500 × 0.6
    assert b.line("employment_lump_sum").amount == pytest.approx(58_500)  # 15 × 6500 × 0.6


def test_grade_5_leaving_stops_allowance() -> None:
    a = assess(case(outcome="grade_5", leaves_employment=True))
    assert not a.line("disability_allowance").applies
    assert a.line("medical_lump_sum").amount == pytest.approx(65_000)  # 10 × 6500 (assumption)
    assert a.line("employment_lump_sum").amount == pytest.approx(325_000)  # 50 × 6500


def death(year: int, **kw: Any) -> dict[str, Any]:
    kw.setdefault("monthly_wage", 5_200)
    return case(outcome="death", event_date=dt.date(year, 3, 10), **kw)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2020, 847_180),  # 20 × D(2019) = 20 × 42359
        (2021, 876_680),  # 20 × D(2020) = 20 × 43834 (D(2020) an assumption)
        (2022, 948_240),  # 20 × 47412
        (2023, 985_660),  # 20 × 49283
        (2024, 1_036_420),  # 20 × 51821
        (2025, 1_083_760),  # 20 × 54188
        (2026, 1_130_040),  # 20 × 56502
    ],
)
def test_death_lump_sum_by_year(year: int, expected: float) -> None:
    a = assess(death(year))
    assert a.line("death_lump_sum").amount == pytest.approx(expected)
    assert a.line("funeral_grant").amount == pytest.approx(43_200)  # art. 39(1): 6 × 7200


def test_death_in_2027_needs_unpublished_income() -> None:
    with pytest.raises(InputError, match="2026"):
        assess(death(2027))


def test_survivor_pension_cap_not_reached() -> None:
    a = assess(death(2025, dependants=[{"relation": "spouse"}, {"relation": "child"}]))
    # art. 39(2): 40 % × 5200 + 30 % × 5200 = 2080 + 1560 = 3640 < 5200
    ln = a.line("survivor_pension")
    assert ln.amount == pytest.approx(3_640)
    assert (ln.payer, ln.kind) == ("fund", "monthly")


def test_survivor_pension_cap_reached() -> None:
    deps = [
        {"relation": "spouse", "orphan_or_lone_elder": True},
        {"relation": "child", "orphan_or_lone_elder": True},
        {"relation": "parent"},
    ]
    a = assess(death(2025, dependants=deps))
    # (40 + 10) + (30 + 10) + 30 = 120 % × 5200 = 6240 > 5200 → capped at the wage, 5200
    assert a.line("survivor_pension").amount == pytest.approx(5_200)


def test_survivor_pension_uses_floored_wage() -> None:
    a = assess(death(2024, monthly_wage=3_000, dependants=[{"relation": "spouse"}]))
    # W = max(3000, 0.6 × 7200 = 4320) = 4320; 40 % × 4320 = 1728
    assert a.line("survivor_pension").amount == pytest.approx(1_728)


def test_death_without_dependants() -> None:
    a = assess(death(2025))
    assert not a.line("survivor_pension").applies
    assert a.line("funeral_grant").applies and a.line("death_lump_sum").applies


def test_medical_only_has_no_items() -> None:
    a = assess(case(outcome="medical_only"))
    assert not any(ln.applies for ln in a.lines)


def test_vectorised_core_hand_values() -> None:
    n = 4
    r = price_benefits(
        ["grade_1", "grade_10", "death", "medical_only"],
        [30_000, 3_000, 5_200, 6_500],
        A,
        np.array(["2024-05-01", "2024-05-01", "2025-03-10", "2024-05-01"], dtype="datetime64[D]"),
        birth_date=np.array(["1980-03-15"] * n, dtype="datetime64[D]"),
        retirement_group="male",
        n_spouse=[0, 0, 1, 0],
        n_other=[0, 0, 1, 0],
    )
    # 27 × 21600; 7 × 4320; —; —
    assert r.amount["disability_lump_sum"].tolist() == pytest.approx([583_200, 30_240, 0, 0])
    # 90 % × 21600 for grade 1 only
    assert r.amount["disability_allowance"].tolist() == pytest.approx([19_440, 0, 0, 0])
    # 20 × 54188 for the 2025 death
    assert r.amount["death_lump_sum"].tolist() == pytest.approx([0, 0, 1_083_760, 0])
    # (40 % + 30 %) × 5200
    assert r.amount["survivor_pension"].tolist() == pytest.approx([0, 0, 3_640, 0])
    fund = r.fund_paid()
    assert fund["funeral_grant"].tolist() == pytest.approx([0, 0, 43_200, 0])
    assert str(r.end_date["disability_allowance"][0]) == "2043-03-15"


def test_vectorised_core_matches_assess_on_many_cases() -> None:
    rng = np.random.default_rng(7)
    n = 200
    outcomes = rng.integers(0, 12, n)
    wages = rng.uniform(2_000, 30_000, n).round(0)
    births = np.datetime64("1960-01-01") + rng.integers(0, 12_000, n).astype("timedelta64[D]")
    events = np.datetime64("2021-01-01") + rng.integers(0, 1_800, n).astype("timedelta64[D]")
    groups = rng.integers(0, 3, n)
    leaves = (outcomes >= 5) & (outcomes <= 10) & (rng.random(n) < 0.5)
    nursing = np.where((outcomes >= 1) & (outcomes <= 10), rng.integers(0, 4, n), 0)
    n_sp = np.where(outcomes == 11, rng.integers(0, 2, n), 0)
    n_ot = np.where(outcomes == 11, rng.integers(0, 4, n), 0)
    r = price_benefits(
        outcomes,
        wages,
        A,
        events,
        birth_date=births,
        retirement_group=groups,
        leaves_employment=leaves,
        nursing=nursing,
        n_spouse=n_sp,
        n_other=n_ot,
    )
    from actuary.dims import OUTCOMES
    from actuary.retirement import GROUPS

    for i in range(0, n, 7):
        g = GROUPS[groups[i]]
        c = case(
            outcome=OUTCOMES[outcomes[i]],
            monthly_wage=float(wages[i]),
            event_date=dt.date.fromisoformat(str(events[i])),
            birth_date=dt.date.fromisoformat(str(births[i])),
            sex="male" if g == "male" else "female",
            original_retirement_age={"male": 60, "female_staff": 55, "female_worker": 50}[g],
            nursing=("none", "full", "most", "partial")[nursing[i]],
            leaves_employment=bool(leaves[i]),
            dependants=[{"relation": "spouse"}] * int(n_sp[i])
            + [{"relation": "child"}] * int(n_ot[i]),
        )
        if OUTCOMES[outcomes[i]] in ("death", "medical_only"):
            for k in ("birth_date", "sex", "original_retirement_age"):
                c.pop(k)
            c["nursing"] = "none"
        a = assess(c)
        for item in BENEFIT_ITEMS:
            assert a.line(item).amount == pytest.approx(float(r.amount[item][i])), (i, item)


def test_no_allowance_when_injured_after_retirement_date() -> None:
    # man born 1964-06-01 reached 60 on 2024-06-01 (before the reform); injury 2024-07-01
    a = assess(
        case(outcome="grade_2", birth_date=dt.date(1964, 6, 1), event_date=dt.date(2024, 7, 1))
    )
    assert not a.line("disability_allowance").applies
    assert a.line("disability_allowance").amount == 0
    assert a.line("disability_lump_sum").amount == pytest.approx(162_500)  # 25 × 6500


@settings(max_examples=60, deadline=None)
@given(
    wage=st.floats(0, 100_000),
    area=st.floats(1_000, 20_000),
    n_spouse=st.integers(0, 1),
    n_other=st.integers(0, 6),
    n_extra=st.integers(0, 7),
)
def test_bounds_hold_for_any_wage(
    wage: float, area: float, n_spouse: int, n_other: int, n_extra: int
) -> None:
    r = price_benefits(
        ["death"],
        [wage],
        [area],
        np.array(["2024-06-01"], dtype="datetime64[D]"),
        n_spouse=n_spouse,
        n_other=n_other,
        n_orphan_or_lone_elder=min(n_extra, n_spouse + n_other),
    )
    w = float(r.wage_base[0])
    # art. 64: 0.6 A ≤ W ≤ 3 A, and W = wage inside the bounds
    assert 0.6 * area - 1e-9 <= w <= 3 * area + 1e-9
    if 0.6 * area <= wage <= 3 * area:
        assert w == pytest.approx(wage)
    # art. 39(2): the pensions never exceed the deceased's wage
    assert float(r.amount["survivor_pension"][0]) <= w + 1e-9
