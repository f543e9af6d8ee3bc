"""Hand-checked roll-forward of the fund (actuary.projection.roll_forward).

The case below is worked by hand (pen and paper for the items, 人社部规〔2017〕13号
art. 5 for the prevention cap); the expected numbers are typed from that worksheet, not from
the code. One path, two years, two sub-units A and B, one industry class, rate multiplier 0.5.

Inputs (yuan)                         year 1            year 2
  contributions at multiplier 1  A    100               110
                                 B     50                55
  benefits (med, dis, death, appr) A  20, 10, 5, 1      22, 11, 5, 1
                                 B    30,  5, 0, 1      33,  6, 0, 1
  interest rate                       2 %               3 %
  base-year contributions A 48, B 24; opening balance 200
  other revenue 2 % of contributions; other expenditure 1 % of benefits;
  prevention 2 % of LAST year's contributions (cap 3 %); reserve 30 % of expenditure;
  interest mid-year: r · (B_open + ½(R − E)).

Year 1
  contributions  A 100·0.5 = 50, B 50·0.5 = 25           → 75
  other revenue  A 1.00, B 0.50                          → 1.5
  prevention     A 0.02·48 = 0.96, B 0.02·24 = 0.48      → 1.44   (≤ 3 % · 72 = 2.16)
  other exp.     A 0.01·35 = 0.35, B 0.01·35 = 0.35      → 0.70
  own revenue    A 51, B 25.5; own expenditure A 35+1+0.96+0.35 = 37.31, B 35+1+0.48+0.35 = 36.83
  net flow       A +13.69 → remittance_to_higher 13.69; B −11.33 → transfer_from_higher 11.33
  province       R⁰ = 76.5, E = 74.14, interest = 0.02·(200 + ½·2.36) = 4.0236
                 closing = 200 + 76.5 + 4.0236 − 74.14 = 206.3836
                 reserve = 0.3·74.14 = 22.242
                 months = 206.3836 / (74.14/12) = 2476.6032 / 74.14 = 33.404413…
Year 2
  contributions  A 55, B 27.5 → 82.5; other revenue A 1.10, B 0.55
  prevention     A 0.02·50 = 1.00, B 0.02·25 = 0.50      (≤ 3 % · 75 = 2.25)
  other exp.     A 0.38, B 0.39
  own revenue    A 56.10, B 28.05 (84.15); own exp. A 38+1+1+0.38 = 40.38, B 39+1+0.5+0.39 = 40.89
  net flow       A +15.72, B −12.84
  province       E = 81.27, interest = 0.03·(206.3836 + ½·2.88) = 6.234708
                 closing = 206.3836 + 84.15 + 6.234708 − 81.27 = 215.498308
                 months = 215.498308 / (81.27/12) = 2585.979696 / 81.27 = 31.81961…
"""

from __future__ import annotations

import numpy as np
import pytest

from actuary.policy import RateState
from actuary.projection import FundFlows, InvariantError, check_fund, roll_forward


def _flows(**kw: object) -> FundFlows:
    k = np.array([[[[100.0], [50.0]], [[110.0], [55.0]]]])  # (path, year, region, class)
    b = np.array([[[[20, 10, 5, 1], [30, 5, 0, 1]], [[22, 11, 5, 1], [33, 6, 0, 1]]]], dtype=float)
    args: dict[str, object] = {
        "years": (2026, 2027),
        "regions": ("A", "B"),
        "classes": (1,),
        "paths": np.array([0]),
        "contributions": k,
        "benefits": b,
        "interest_rate": np.array([[0.02, 0.03]]),
        "opening_balance": 200.0,
        "prior_contributions": np.array([48.0, 24.0]),
        "initial_multiplier": np.array([0.5]),
        "prevention_share": 0.02,
        "other_revenue_share": 0.02,
        "other_expenditure_share": 0.01,
        "reserve_ratio": 0.3,
    }
    args.update(kw)
    return FundFlows(**args)  # type: ignore[arg-type]


def _get(ds, region: str, item: str, year: int) -> float:  # type: ignore[no-untyped-def]
    return float(ds["fund"].sel(path=0, year=year, region=region, item=item))


def test_hand_checked_case() -> None:
    ds = roll_forward(_flows())
    g = _get
    assert g(ds, "A", "contributions", 2026) == pytest.approx(50.0)
    assert g(ds, "A", "prevention", 2026) == pytest.approx(0.96)
    assert g(ds, "B", "prevention", 2026) == pytest.approx(0.48)
    assert g(ds, "A", "remittance_to_higher", 2026) == pytest.approx(13.69)
    assert g(ds, "A", "transfer_from_higher", 2026) == 0.0
    assert g(ds, "B", "transfer_from_higher", 2026) == pytest.approx(11.33)
    assert g(ds, "B", "remittance_to_higher", 2026) == 0.0
    assert g(ds, "JL", "interest", 2026) == pytest.approx(4.0236)
    assert g(ds, "JL", "balance_close", 2026) == pytest.approx(206.3836)
    assert g(ds, "JL", "reserve", 2026) == pytest.approx(22.242)
    assert g(ds, "JL", "months_of_payment", 2026) == pytest.approx(33.404413, abs=1e-6)
    assert g(ds, "JL", "balance_open", 2027) == pytest.approx(206.3836)
    assert g(ds, "A", "prevention", 2027) == pytest.approx(1.00)
    assert g(ds, "B", "prevention", 2027) == pytest.approx(0.50)
    assert g(ds, "A", "remittance_to_higher", 2027) == pytest.approx(15.72)
    assert g(ds, "B", "transfer_from_higher", 2027) == pytest.approx(12.84)
    assert g(ds, "JL", "interest", 2027) == pytest.approx(6.234708)
    assert g(ds, "JL", "balance_close", 2027) == pytest.approx(215.498308)
    assert g(ds, "JL", "months_of_payment", 2027) == pytest.approx(31.81961, abs=1e-5)
    # prevention never above the 3 % cap of last year's contributions (人社部规〔2017〕13号)
    assert g(ds, "JL", "prevention", 2027) <= 0.03 * g(ds, "JL", "contributions", 2026)
    # internal flows net out in the consolidated province
    for item in (
        "remittance_to_higher",
        "transfer_from_higher",
        "subsidy_to_lower",
        "remittance_from_lower",
    ):
        assert g(ds, "JL", item, 2026) == 0.0
    # sub-unit balances stay zero under 统收统支
    assert g(ds, "A", "balance_close", 2027) == 0.0


def test_opening_interest_convention() -> None:
    # interest = r · B_open = 0.02 · 200 = 4 in year 1 (hand)
    ds = roll_forward(_flows(interest_convention="opening"))
    assert _get(ds, "JL", "interest", 2026) == pytest.approx(4.0)
    # closing = 200 + 76.5 + 4 − 74.14 = 206.36
    assert _get(ds, "JL", "balance_close", 2026) == pytest.approx(206.36)


def test_no_interest_on_a_deficit_and_cover_deficit() -> None:
    # opening −100: mid-year base −100 + ½·2.36 < 0 → no interest; closing −100 + 76.5 − 74.14
    ds = roll_forward(_flows(opening_balance=-100.0))
    assert _get(ds, "JL", "interest", 2026) == 0.0
    assert _get(ds, "JL", "balance_close", 2026) == pytest.approx(-97.64)
    assert _get(ds, "JL", "reserve", 2026) == 0.0
    ds2 = roll_forward(_flows(opening_balance=-100.0, fiscal_subsidy_rule="cover_deficit"))
    assert _get(ds2, "JL", "fiscal_subsidy", 2026) == pytest.approx(97.64)
    assert _get(ds2, "JL", "balance_close", 2026) == pytest.approx(0.0, abs=1e-9)


def test_multiplier_array_and_rule_agree() -> None:
    a = roll_forward(_flows(), np.array([0.5]))
    b = roll_forward(_flows())
    np.testing.assert_array_equal(a["fund"].values, b["fund"].values)

    def double(state: RateState) -> np.ndarray:
        return state.multiplier * 2.0

    c = roll_forward(_flows(), double)
    d = roll_forward(_flows(), np.array([[0.5], [1.0]]))
    np.testing.assert_array_equal(c["fund"].values, d["fund"].values)
    # year 2 contributions at multiplier 1: 110 + 55 (hand)
    assert _get(c, "JL", "contributions", 2027) == pytest.approx(165.0)


def test_linear_in_the_multiplier_while_positive() -> None:
    # balance stays positive → closing balance is affine in a uniform multiplier
    f = _flows()
    b0, b1, b2 = (
        roll_forward(f, m)["fund"].sel(region="JL", item="balance_close").values
        for m in (0.0, 1.0, 2.0)
    )
    np.testing.assert_allclose(b2 - b1, b1 - b0, rtol=1e-12)


def test_check_detects_a_broken_identity() -> None:
    ds = roll_forward(_flows())
    ds["fund"].loc[{"path": 0, "year": 2027, "region": "JL", "item": "balance_close"}] += 1.0
    with pytest.raises(InvariantError, match="balance identity"):
        check_fund(ds)


def test_check_detects_a_negative_flow() -> None:
    ds = roll_forward(_flows())
    ds["fund"].loc[{"path": 0, "year": 2026, "region": "A", "item": "appraisal"}] = -1.0
    with pytest.raises(InvariantError):
        check_fund(ds)


def test_pool_region_books_the_provincial_account() -> None:
    # Same case with sub-unit B holding the provincial account (as 省本级 does). By hand, year 1:
    # A remits its surplus 13.69; B does not remit to itself and books
    #   remittance_from_lower 13.69, subsidy_to_lower 0, interest 4.0236,
    #   revenue 25.5 + 4.0236 + 13.69 = 43.2136, expenditure 36.83,
    #   closing 200 + 43.2136 − 36.83 = 206.3836 (= the province's closing balance).
    ds = roll_forward(_flows(pool_region="B"))
    g = _get
    assert g(ds, "B", "transfer_from_higher", 2026) == 0.0
    assert g(ds, "B", "remittance_from_lower", 2026) == pytest.approx(13.69)
    assert g(ds, "B", "subsidy_to_lower", 2026) == 0.0
    assert g(ds, "B", "interest", 2026) == pytest.approx(4.0236)
    assert g(ds, "B", "revenue_total", 2026) == pytest.approx(43.2136)
    assert g(ds, "B", "expenditure_total", 2026) == pytest.approx(36.83)
    assert g(ds, "B", "balance_close", 2026) == pytest.approx(206.3836)
    assert g(ds, "JL", "balance_close", 2026) == pytest.approx(206.3836)
    assert g(ds, "JL", "remittance_from_lower", 2026) == 0.0


def test_a_rule_returning_bad_multipliers_is_refused() -> None:
    def negative(state: RateState) -> np.ndarray:
        return -state.multiplier

    with pytest.raises(ValueError, match="negative"):
        roll_forward(_flows(), negative)


# --- FundFlows as a labelled structure: codes → values (the worksheet's input table above) --


def test_sel_reads_the_worksheet_inputs_by_code() -> None:
    f = _flows()
    # benefits of B in year 2 (worksheet: 33, 6, 0, 1) and A's death benefits (5, 5)
    assert f.sel("benefits", region="B", year=2027).tolist() == [[33.0, 6.0, 0.0, 1.0]]
    assert f.sel("benefits", region="A", item="death_benefits").tolist() == [[5.0, 5.0]]
    # a list of codes keeps the dimension in the order asked for
    got = f.sel("benefits", year=2026, region="A", item=["appraisal", "medical_benefits"])
    assert got.tolist() == [[1.0, 20.0]]
    assert f.sel("contributions", year=2027, industry_class=1).tolist() == [[110.0, 55.0]]
    assert f.item("disability_benefits") == 1 and f.index("region", "B") == 1
    assert f.dims("benefits") == ("path", "year", "region", "item")
    assert f.axis("covered_payroll", "region") == 2


def test_items_order_is_a_label_not_a_position() -> None:
    """The same benefits stored in another item order roll forward to the same fund."""
    f = _flows()
    order = ["appraisal", "death_benefits", "medical_benefits", "disability_benefits"]
    g = _flows(benefits=f.sel("benefits", item=order), items=tuple(order))
    a, b = roll_forward(f, None), roll_forward(g, None)
    np.testing.assert_array_equal(a["fund"].values, b["fund"].values)
    # worksheet: year-1 closing balance 206.3836
    assert _get(b, "JL", "balance_close", 2026) == pytest.approx(206.3836, abs=1e-9)


def test_head_years_and_unknown_codes() -> None:
    f = _flows().head_years(1)
    assert f.years == (2026,) and f.contributions.shape == (1, 1, 2, 1)
    assert f.sel("interest_rate", year=2026).tolist() == [0.02]
    with pytest.raises(KeyError):
        f.sel("benefits", region="C")
    with pytest.raises(KeyError):
        f.sel("interest_rate", region="A")


def test_shapes_are_checked_against_the_declared_dims() -> None:
    with pytest.raises(ValueError, match="benefits"):
        _flows(benefits=np.zeros((1, 2, 2, 3)))
    with pytest.raises(ValueError, match="prior_contributions"):
        _flows(prior_contributions=np.array([48.0]))
