"""Chain ladder: cross-check against the ``chainladder`` package and hand-made triangles."""

from __future__ import annotations

import chainladder as cl
import numpy as np
import pandas as pd
import pytest

from actuary.claims.development import chain_ladder, paid_triangle

# chainladder's sample loader trips pandas deprecation warnings (its code, not ours)
pytestmark = pytest.mark.filterwarnings(
    "ignore:Parsing integer or float values:Warning",
    "ignore::FutureWarning",
    "ignore::DeprecationWarning",
)


@pytest.mark.parametrize("sample", ["raa", "genins", "ukmotor"])
def test_volume_weighted_factors_match_chainladder(sample: str) -> None:
    # reference: chainladder.Development(average="volume") on the package's sample triangles
    tri = cl.load_sample(sample)
    ref = cl.Development(average="volume").fit(tri).ldf_.values.ravel()
    mine = chain_ladder(tri.values[0, 0])
    assert mine.factors == pytest.approx(ref, rel=1e-12)
    # percent paid = 1 / CDF, as chainladder's cdf_
    ref_cdf = cl.Development(average="volume").fit(tri).cdf_.values.ravel()
    assert mine.cdf[:-1] == pytest.approx(ref_cdf, rel=1e-12)
    assert mine.incremental.sum() == pytest.approx(1.0, abs=1e-12)


def test_exponential_tail_matches_chainladder_tailcurve() -> None:
    # reference: chainladder.TailCurve(curve="exponential", extrap_periods=100) on RAA;
    # fitted on all age-to-age factors as chainladder does by default
    raa = cl.load_sample("raa")
    dev = cl.Development(average="volume").fit_transform(raa)
    ref = float(
        cl.TailCurve(curve="exponential", extrap_periods=100).fit(dev).tail_.values.ravel()[0]
    )
    mine = chain_ladder(
        raa.values[0, 0], tail="exponential", tail_from=9, tail_tolerance=0.0, max_tail_years=100
    )
    assert mine.tail == pytest.approx(ref, rel=1e-9)


def test_ultimates_match_chainladder() -> None:
    raa = cl.load_sample("raa")
    ref = cl.Chainladder().fit(cl.Development(average="volume").fit_transform(raa))
    ult_ref = ref.ultimate_.values.ravel()
    c = raa.values[0, 0]
    n = c.shape[0]
    latest = np.array([c[i, n - 1 - i] for i in range(n)])
    age = np.array([n - 1 - i for i in range(n)])
    assert chain_ladder(c).ultimate(latest, age) == pytest.approx(ult_ref, rel=1e-12)


def test_hand_triangle_and_lump_sums_paid_after_the_accident_year() -> None:
    # AY 2023: 100 then 50; AY 2024: 120 then 60; AY 2025: 90. f0 = 110/220 + 1 = 1.5 by hand
    pay = pd.DataFrame(
        {
            "claim_id": ["a", "a", "b", "b", "c", "d", "d"],
            "calendar_year": [2023, 2024, 2024, 2025, 2025, 2024, 2025],
            "benefit_item": ["x", "x", "x", "x", "x", "y", "y"],
            "amount": [100.0, 50.0, 120.0, 60.0, 90.0, 0.0, 70.0],
        }
    )
    ay = pd.Series({"a": 2023, "b": 2024, "c": 2025, "d": 2024})
    tri = paid_triangle(pay, ay, ["x"], last_calendar_year=2025)
    assert tri.loc[2023].tolist() == [100.0, 150.0, 150.0]
    assert tri.loc[2024].tolist()[:2] == [120.0, 180.0] and np.isnan(tri.loc[2024, 2])
    p = chain_ladder(tri)
    assert p.factors.tolist() == pytest.approx([1.5, 1.0])
    assert p.incremental.tolist() == pytest.approx([2 / 3, 1 / 3, 0.0])
    # an item paid only from the second development year: fraction paid at age 0 is 0
    tri_y = paid_triangle(pay, ay, ["y"], last_calendar_year=2025)
    py = chain_ladder(tri_y)
    assert py.incremental[0] == 0.0 and py.incremental[1] == pytest.approx(1.0)


def test_empty_triangle_pays_everything_at_once() -> None:
    p = chain_ladder(pd.DataFrame())
    assert p.incremental.tolist() == [1.0]
