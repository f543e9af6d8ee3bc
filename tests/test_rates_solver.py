"""Rate solver (issue 7): closed forms by hand, re-projection, Monte Carlo, monotonicity.

Expected values are worked by hand from the roll-forward's equations (ARCHITECTURE.md
"Projection"; ``actuary/projection/flows.py`` docstring), never taken from the solver's output.
"""

from __future__ import annotations

import numpy as np
import pytest
from _rates_flows import hand_flows, random_flows
from hypothesis import given, settings
from hypothesis import strategies as st

from actuary.errors import InputError
from actuary.projection.flows import roll_forward
from actuary.rates import RateSettings, province_flows, solve_rates

# --- hand-worked closed forms -----------------------------------------------------------------
# hand_flows(): one path, K = 100, 110, 120 (contributions at multiplier 1), benefits 120, 130,
# 140, opening balance 50, interest 2 % on the opening balance ("opening" convention), rate
# multiplier 1 in 2026, solved x from 2027:
#   B2026 = 50·1.02 + 100 − 120                 = 31
#   B2027 = 31·1.02 + 110x − 130                = 110x − 98.38
#   B2028 = B2027·1.02 + 120x − 140             = 232.2x − 240.3476
# (a) break-even over 2027–2028: B2028 = B2026 = 31  →  x = 271.3476 / 232.2
# (b) months ≥ 3 in 2027 and 2028 (E = 130, 140): 110x − 98.38 ≥ 32.5 → x ≥ 130.88/110;
#     232.2x − 240.3476 ≥ 35 → x ≥ 275.3476/232.2 (smaller), so x = 130.88/110.
X_BREAK_EVEN = 271.3476 / 232.2
X_MONTHS_3 = 130.88 / 110


def test_break_even_closed_form_by_hand() -> None:
    sol = solve_rates(hand_flows(), RateSettings(kind="break_even", horizon=2), start_year=2027)
    assert sol.level_continuous == pytest.approx(X_BREAK_EVEN, rel=1e-12)
    # lattice (grades 0.5/0.8/1.0/1.2/1.5): smallest grade at or above 1.1686 is 1.2
    assert sol.multiplier == 1.2
    assert sol.next_lower_level == 1.0
    # re-projection at 1.2: B2028 = 232.2·1.2 − 240.3476 = 38.2924 ≥ 31
    assert sol.reprojected.balance_close[0, 2] == pytest.approx(232.2 * 1.2 - 240.3476)


def test_break_even_reprojects_to_target_deterministic() -> None:
    """Volatility off: the continuous break-even rate re-projects to B_H = B_{s0-1} exactly."""
    flows = random_flows(n_paths=1, volatility=0.0, seed=3)
    sol = solve_rates(
        flows, RateSettings(kind="break_even", horizon=5, lattice_step=0.01), start_year=2027
    )
    ds = roll_forward(flows, sol.schedule_continuous)
    f = province_flows(ds)
    opening = f.balance_open[0, 1]  # start of 2027
    closing = f.balance_close[0, 5]  # end of 2031
    assert closing == pytest.approx(opening, rel=1e-9)
    # the lattice solution meets it (surplus ≥ 0) and the next-lower step does not
    assert sol.expected_surplus >= 0
    lower = sol.schedule.copy()
    lower[1:] = sol.next_lower_level
    g = province_flows(roll_forward(flows, lower))
    assert g.balance_close[0, 5] < g.balance_open[0, 1]


def test_months_target_closed_form_by_hand() -> None:
    s = RateSettings(kind="months_band", lower_months=3, horizon=2, cover_reserve=False, alpha=0.5)
    sol = solve_rates(hand_flows(), s, start_year=2027)
    assert sol.level_continuous == pytest.approx(X_MONTHS_3, rel=1e-12)
    f = province_flows(roll_forward(hand_flows(), sol.schedule_continuous))
    assert f.months[0, 1] == pytest.approx(3.0, rel=1e-9)  # binding year 2027
    assert f.months[0, 2] > 3.0


def test_months_target_deterministic_with_all_items() -> None:
    """Volatility off, every item on (prevention, mid-year interest, reserve): the continuous
    solution puts the binding year exactly on L months (to rounding)."""
    flows = random_flows(n_paths=1, volatility=0.0, seed=4, opening_months=4.0)
    s = RateSettings(kind="months_band", lower_months=9, horizon=4, cover_reserve=True)
    sol = solve_rates(flows, s, start_year=2027)
    f = province_flows(roll_forward(flows, sol.schedule_continuous))
    months = f.months[0, 1:5]
    assert months.min() == pytest.approx(9.0, rel=1e-9)
    assert np.all(months >= 9.0 - 1e-9)


def test_stochastic_probability_meets_alpha_and_next_lower_misses() -> None:
    s = RateSettings(kind="months_band", lower_months=6, alpha=0.9, horizon=5, lattice_step=0.01)
    flows = random_flows(n_paths=2000, seed=11)
    sol = solve_rates(flows, s, start_year=2027)
    assert sol.feasible
    assert sol.achieved_probability >= 0.9
    assert sol.next_lower_probability is not None and sol.next_lower_probability < 0.9
    # out of sample (fresh paths, same model): within Monte Carlo error of α
    fresh = random_flows(n_paths=2000, seed=12)
    f = province_flows(roll_forward(fresh, sol.schedule))
    ok = (f.balance_close[:, 1:6] >= 6 * f.expenditure[:, 1:6] / 12) & (
        f.balance_close[:, 1:6] >= f.reserve_required[:, 1:6]
    )
    p_fresh = ok.mean(axis=0).min()
    se = np.sqrt(0.9 * 0.1 / 2000)
    assert p_fresh >= 0.9 - 4 * se


def test_joint_probability_is_more_demanding() -> None:
    flows = random_flows(n_paths=1000, seed=5)
    each = solve_rates(flows, RateSettings(lower_months=6, lattice_step=0.01), start_year=2027)
    joint = solve_rates(
        flows,
        RateSettings(lower_months=6, lattice_step=0.01, probability="all_years"),
        start_year=2027,
    )
    assert joint.level_continuous >= each.level_continuous
    assert joint.achieved_probability >= 0.9


def test_band_with_upper_bound() -> None:
    flows = random_flows(n_paths=1500, seed=6, volatility=0.05)
    s = RateSettings(lower_months=6, upper_months=24, alpha=0.8, lattice_step=0.01, horizon=3)
    sol = solve_rates(flows, s, start_year=2027)
    assert sol.feasible and sol.achieved_probability >= 0.8
    months = sol.reprojected.months[:, 1:4]
    inside = ((months >= 6 - 1e-9) & (months <= 24 + 1e-9)).mean(axis=0)
    np.testing.assert_allclose(inside, sol.probability_by_year, atol=1e-12)


def test_cap_on_change_per_year() -> None:
    flows = random_flows(n_paths=800, seed=8, incidence=1.3)
    s = RateSettings(
        lower_months=3,
        alpha=0.9,
        horizon=4,
        max_change_per_year=0.1,
        lattice_step=0.05,
        cover_reserve=False,
    )
    sol = solve_rates(flows, s, start_year=2027)
    steps = np.abs(np.diff(sol.schedule[:, 0]))
    assert np.all(steps <= 0.1 + 1e-9)
    assert sol.achieved_probability >= 0.9 or not sol.feasible


def test_per_class_instrument_keeps_other_classes() -> None:
    flows = random_flows(n_paths=800, seed=9)
    s = RateSettings(lower_months=6, instrument="per_class", classes=(6, 7, 8), lattice_step=0.05)
    sol = solve_rates(flows, s, start_year=2027)
    sched = sol.schedule
    np.testing.assert_array_equal(sched[:, :5], 1.0)  # classes 1–5 keep the rate in force
    assert np.all(sched[1:, 5:] == sched[1, 5])
    assert sol.achieved_probability >= 0.9 or not sol.feasible


def test_infeasible_reports_top_of_band() -> None:
    flows = random_flows(n_paths=300, seed=10, incidence=3.0)
    sol = solve_rates(flows, RateSettings(lower_months=12), start_year=2027)
    assert not sol.feasible
    assert sol.multiplier == 1.5
    assert sol.achieved_probability < 0.9


@settings(max_examples=8, deadline=None)
@given(st.floats(1.0, 1.4), st.floats(0.0, 0.3))
def test_higher_incidence_never_lowers_rate(base: float, extra: float) -> None:
    s = RateSettings(lower_months=4, alpha=0.8, horizon=3, lattice_step=0.01)
    lo = solve_rates(random_flows(300, seed=2, incidence=base * 0.7), s, start_year=2027)
    hi = solve_rates(random_flows(300, seed=2, incidence=(base + extra) * 0.7), s, start_year=2027)
    assert hi.level_continuous >= lo.level_continuous - 1e-9
    assert hi.level >= lo.level


_FLOWS = random_flows(400, seed=21)


@settings(max_examples=8, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.0, 0.04))
def test_higher_alpha_never_lowers_rate(alpha: float, extra: float) -> None:
    mk = lambda a: RateSettings(lower_months=6, alpha=a, horizon=4, lattice_step=0.01)  # noqa: E731
    lo = solve_rates(_FLOWS, mk(alpha), start_year=2027)
    hi = solve_rates(_FLOWS, mk(min(alpha + extra, 0.99)), start_year=2027)
    assert hi.level_continuous >= lo.level_continuous - 1e-12
    assert hi.level >= lo.level


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"alpha": 1.0}, "alpha"),
        ({"alpha": 0.0}, "alpha"),
        ({"horizon": 0}, "horizon"),
        ({"kind": "breakeven"}, "kind"),
        ({"upper_months": 3.0, "lower_months": 6.0}, "upper_months"),
        ({"instrument": "uniform", "classes": [8]}, "classes"),
        ({"probability": "some_years"}, "probability"),
        ({"alpah": 0.9}, "alpah"),
        ({"horizon": 2.5}, "horizon"),
    ],
)
def test_settings_bad_input(kw: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=field):
        RateSettings.parse(kw, file="models/x.toml")


def test_horizon_past_projection_is_an_input_error() -> None:
    with pytest.raises(InputError, match="horizon"):
        solve_rates(hand_flows(), RateSettings(horizon=5), start_year=2027)


def test_collapsed_sensitivities_match_full_roll_forward() -> None:
    """The sensitivities read off the province-only roll-forward give the same solution as the
    full roll-forward by sub-unit (the province items are sums of linear sub-unit items)."""
    from actuary.rates.solver import _engine_roll

    flows = random_flows(n_paths=400, seed=13)
    s = RateSettings(lower_months=6, alpha=0.85, horizon=4, lattice_step=0.01)
    fast = solve_rates(flows, s, start_year=2027)
    full = solve_rates(flows, s, start_year=2027, roll=_engine_roll(flows))
    assert fast.collapse_error < 1e-9
    assert fast.level_continuous == pytest.approx(full.level_continuous, rel=1e-9)
    assert fast.level == full.level
    assert fast.achieved_probability == full.achieved_probability


def test_run_file_target_validated_with_the_rule() -> None:
    """A misspelt or impossible [rate_policy.target] is caught when the run file is loaded
    (load_run validates [rate_policy] as a RatePolicySpec), naming file and key."""
    from actuary.spec.policy import RatePolicySpec

    with pytest.raises(InputError, match=r"models/x\.toml.*rate_policy\.target\.alpha"):
        RatePolicySpec.parse({"rule": "keep", "target": {"alpha": 2.0}}, file="models/x.toml")
    with pytest.raises(InputError, match=r"rate_policy\.target\.lower_monts"):
        RatePolicySpec.parse({"rule": "keep", "target": {"lower_monts": 6}}, file="models/x.toml")
    spec = RatePolicySpec.parse({"rule": "phased_cut", "target": {"alpha": 0.95, "horizon": 3}})
    assert spec.target == RateSettings(alpha=0.95, horizon=3)
