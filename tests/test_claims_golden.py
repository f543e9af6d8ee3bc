"""Golden test: the tiny portfolio of ``tests/_claims_tiny.py`` with volatility off.

Every expected number below is worked out by hand in ``models/notes/claims.md`` §8 from the
portfolio's history (2 claims a year per 1,000 workers, medical costs 4,000 / 8,000 per claim
paid 3/4 in the accident year, 一次性伤残补助金 = 11 months × 本人工资 (条例 art. 37) paid the year
after, a nursing-care pensioner with q_x = 0.01) and the hand-built economy (wages +5 % a year).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _claims_tiny import flat_table, tiny_data, tiny_death_data, tiny_economy, tiny_spec

from actuary.claims import ClaimsModel


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    table = flat_table(Path(tmp_path_factory.mktemp("mort")) / "flat.csv")
    res = ClaimsModel(tiny_spec(table)).fit(tiny_data())
    return res, res.simulate(tiny_economy(), np.random.default_rng(0))


def _paid(ds, item: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    return ds["paid"].sel(benefit_item=item).isel(path=0, region=0).values


def test_counts_are_the_historical_frequency(golden) -> None:  # type: ignore[no-untyped-def]
    # 2 claims per 1,000 workers, half medical-only, half grade 8 (§8.1)
    _, ds = golden
    cc = ds["claim_count"].isel(path=0, region=0)
    assert cc.sel(outcome="medical_only").values == pytest.approx([1, 1, 1], rel=1e-9)
    assert cc.sel(outcome="grade_8").values == pytest.approx([1, 1, 1], rel=1e-9)
    assert float(cc.sum()) == pytest.approx(6.0, rel=1e-9)


def test_medical_costs_by_calendar_year(golden) -> None:  # type: ignore[no-untyped-def]
    # §8.2: AY cost 1.2 × A_y with A = 10,000 / 10,000 / 10,500; paid 3/4 then 1/4;
    # 2026 also pays 1/4 of the 2025 accident year's prior 12,000 (Bornhuetter-Ferguson).
    _, ds = golden
    expected = [
        0.75 * 12000 + 0.25 * 12000,
        0.75 * 12600 + 0.25 * 12000,
        0.75 * 13230 + 0.25 * 12600,
    ]
    assert _paid(ds, "medical_costs") == pytest.approx(expected, rel=1e-9)


def test_disability_lump_sum_by_calendar_year(golden) -> None:  # type: ignore[no-untyped-def]
    # §8.3: 11 × W with W = A of the accident year, paid one year later
    _, ds = golden
    expected = [11 * 10000, 11 * 10000, 11 * 10500]
    assert _paid(ds, "disability_lump_sum") == pytest.approx(expected, rel=1e-9)


def test_nursing_care_stream(golden) -> None:  # type: ignore[no-untyped-def]
    # §8.4: q = 0.01, deaths mid-year; flat increment = wage growth of the previous year × the
    # group's average amount (0 in 2026, 250 in 2027, 262.5 in 2028)
    _, ds = golden
    expected = [
        12 * 5000 * (1 - 0.005),
        12 * 5250 * 0.99 * (1 - 0.005),
        12 * 5512.5 * 0.99**2 * (1 - 0.005),
    ]
    assert _paid(ds, "nursing_care") == pytest.approx(expected, rel=1e-9)
    ben = ds["beneficiaries"].sel(benefit_type="nursing_care").isel(path=0, region=0).values
    assert ben == pytest.approx([0.99, 0.99**2, 0.99**3], rel=1e-12)


def test_other_items_are_zero_and_groups_add_up(golden) -> None:  # type: ignore[no-untyped-def]
    _, ds = golden
    for item in (
        "disability_allowance",
        "survivor_pension",
        "death_lump_sum",
        "funeral_grant",
        "pension_topup",
        "appraisal_fee",
        "hospital_meal",
        "medical_lump_sum",
    ):
        assert np.all(_paid(ds, item) == 0.0), item
    ex = ds["expenditure"].isel(path=0, region=0)
    assert ex.sel(item="medical_benefits").values == pytest.approx(
        _paid(ds, "medical_costs"), rel=1e-12
    )
    assert ex.sel(item="disability_benefits").values == pytest.approx(
        _paid(ds, "disability_lump_sum") + _paid(ds, "nursing_care"), rel=1e-12
    )
    assert np.all(ex.sel(item="death_benefits").values == 0.0)


def test_no_new_claims_leaves_only_the_run_off(tmp_path: Path) -> None:
    # with no covered workers in the projection, 2026 still pays the history's outstanding
    # (1/4 of 12,000 medical + the 110,000 lump sum of AY 2025) and the stock; nothing after
    res = ClaimsModel(tiny_spec(flat_table(tmp_path / "flat.csv"))).fit(tiny_data())
    ds = res.simulate(tiny_economy(workers=0.0), np.random.default_rng(0))
    assert _paid(ds, "medical_costs") == pytest.approx([3000.0, 0.0, 0.0], abs=1e-9)
    assert _paid(ds, "disability_lump_sum") == pytest.approx([110000.0, 0.0, 0.0], abs=1e-9)
    nurse = _paid(ds, "nursing_care")
    assert np.all(np.diff(ds["beneficiaries"].sum(["benefit_type"]).values.ravel()) < 0)
    assert nurse[0] == pytest.approx(59700.0, rel=1e-12)


@pytest.fixture(scope="module")
def golden_death(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    table = flat_table(Path(tmp_path_factory.mktemp("mort")) / "flat.csv")
    res = ClaimsModel(tiny_spec(table)).fit(tiny_death_data())
    return res, res.simulate(tiny_economy(), np.random.default_rng(0))


def test_death_lump_sums(golden_death) -> None:  # type: ignore[no-untyped-def]
    # §8.6: one death a year; 丧葬补助金 = 6 × A_y with A = 10,000 / 10,500 / 11,025 (条例 art.
    # 39(1)); 一次性工亡补助金 = 20 × D(y-1)
    # (art. 39(3)) with D = 50,000 (2025, history), 52,000 (2026), 54,000 (2027)
    _, ds = golden_death
    assert ds["claim_count"].sel(outcome="death").values.ravel() == pytest.approx([1, 1, 1])
    assert _paid(ds, "funeral_grant") == pytest.approx([60000, 63000, 66150], rel=1e-9)
    assert _paid(ds, "death_lump_sum") == pytest.approx(
        [20 * 50000, 20 * 52000, 20 * 54000], rel=1e-9
    )


def test_survivor_pensions_of_stock_and_entrants(golden_death) -> None:  # type: ignore[no-untyped-def]
    # §8.6: entrants = spouses of the previous year's deaths (lag 1 from the payments), 0.4 × W
    # = 4,000 (A = 10,000) or 4,200 (A = 10,500), half a year in the entry year; flat increment
    # 0.015 × the group's average (3,000): +45 in 2027, +45.675 in 2028; q = 0.01
    _, ds = golden_death
    stock = [
        12 * 3000 * 0.995,
        12 * 3045 * 0.99 * 0.995,
        12 * 3090.675 * 0.99**2 * 0.995,
    ]
    first = 0.5 * (1 - 0.0025)  # person-years of an entrant in its entry year
    second = 0.995 * 0.995
    third = 0.995 * 0.99 * 0.995
    entrants = [
        12 * 4000 * first,
        12 * (4045 * second + 4000 * first),
        12 * (4090.675 * third + 4045.675 * second + 4200 * first),
    ]
    expected = [a + b for a, b in zip(stock, entrants, strict=True)]
    assert _paid(ds, "survivor_pension") == pytest.approx(expected, rel=1e-9)
    ben = ds["beneficiaries"].sel(benefit_type="survivor_pension").isel(path=0, region=0).values
    stock_n = [0.99, 0.99**2, 0.99**3]
    ent_n = [0.995, 0.995 * 0.99 + 0.995, 0.995 * 0.99**2 + 0.995 * 0.99 + 0.995]
    assert ben == pytest.approx([a + b for a, b in zip(stock_n, ent_n, strict=True)], rel=1e-9)
