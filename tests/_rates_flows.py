"""Constructed fund flows for the rate, policy and pooling tests (not a test module).

Builds :class:`actuary.projection.flows.FundFlows` directly, so expected values can be worked by
hand from the roll-forward's equations (ARCHITECTURE.md, ``actuary/projection/flows.py``).
"""

from __future__ import annotations

import numpy as np

from actuary.projection.flows import FundFlows


def hand_flows(n_classes: int = 1) -> FundFlows:
    """Three years (2026–2028), one path, one region, contributions in class 3 only.

    Contributions at multiplier 1: 100, 110, 120; medical benefits 120, 130, 140; opening
    balance 50; interest 2 % on the opening balance; no other items; reserve ratio 0.
    """
    classes = (3,) if n_classes == 1 else tuple(range(1, 9))
    k = np.zeros((1, 3, 1, len(classes)))
    k[0, :, 0, classes.index(3)] = [100.0, 110.0, 120.0]
    ben = np.zeros((1, 3, 1, 4))
    ben[0, :, 0, 0] = [120.0, 130.0, 140.0]
    return FundFlows(
        years=(2026, 2027, 2028),
        regions=("220100",),
        classes=classes,
        paths=np.arange(1),
        contributions=k,
        benefits=ben,
        interest_rate=np.full((1, 3), 0.02),
        opening_balance=50.0,
        prior_contributions=np.array([100.0]),
        initial_multiplier=np.ones(len(classes)),
        prevention_share=0.0,
        other_revenue_share=0.0,
        other_expenditure_share=0.0,
        reserve_ratio=0.0,
        interest_convention="opening",
    )


def random_flows(
    n_paths: int = 2000,
    seed: int = 1,
    *,
    incidence: float = 1.0,
    volatility: float = 0.12,
    n_years: int = 8,
    regions: tuple[str, ...] = ("220100", "220200", "220300"),
    opening_months: float = 12.0,
) -> FundFlows:
    """Stochastic flows loosely shaped like a provincial fund (yuan), for solver tests.

    Contributions at multiplier 1 grow 5 %/year with a path-level wage shock; benefits are
    ``incidence`` × 95 % of contributions at multiplier 1 times lognormal year shocks
    (``volatility`` = 0 gives a deterministic fund); a heavy-tailed major-accident term hits the
    regions separately. Mid-year interest 1.5 %, prevention 2 %, other items small, reserve 30 %.
    """
    rng = np.random.default_rng(seed)
    nr, nc = len(regions), 8
    years = tuple(range(2026, 2026 + n_years))
    size = np.linspace(1.0, 2.0, nr)[None, None, :, None]
    cls = np.linspace(0.5, 1.5, nc)[None, None, None, :]
    growth = 1.05 ** np.arange(n_years)[None, :, None, None]
    wage = np.exp(volatility * 0.3 * rng.standard_normal((n_paths, n_years, 1, 1)).cumsum(axis=1))
    k = 1e7 * size * cls * growth * wage * np.ones((n_paths, n_years, nr, nc))
    shock = np.exp(volatility * rng.standard_normal((n_paths, n_years, nr)) - volatility**2 / 2)
    major = (rng.random((n_paths, n_years, nr)) < 0.03 * (volatility > 0)) * rng.pareto(
        2.5, (n_paths, n_years, nr)
    )
    base_cost = 0.95 * incidence * k.sum(axis=3)
    cost = base_cost * shock + 0.2 * base_cost * major
    ben = np.zeros((n_paths, n_years, nr, 4))
    ben[..., 0] = 0.45 * cost
    ben[..., 1] = 0.40 * cost
    ben[..., 2] = 0.13 * cost
    ben[..., 3] = 0.02 * cost
    opening = opening_months * float(cost[:, 0].sum(axis=1).mean()) / 12.0
    return FundFlows(
        years=years,
        regions=regions,
        classes=tuple(range(1, nc + 1)),
        paths=np.arange(n_paths),
        contributions=k,
        benefits=ben,
        interest_rate=np.full((n_paths, n_years), 0.015),
        opening_balance=opening,
        prior_contributions=k[:, 0].sum(axis=2).mean(axis=0),
        initial_multiplier=np.ones(nc),
        prevention_share=0.02,
        other_revenue_share=0.003,
        other_expenditure_share=0.002,
        reserve_ratio=0.3,
        interest_convention="mid_year",
    )
