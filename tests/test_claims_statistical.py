"""Statistical checks: simulated counts and costs agree with the fitted model's means (and
variances) within a few standard errors; the major-accident process matches its closed-form
mean; reproducibility of the random streams."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from _claims_tiny import flat_table, tiny_data, tiny_economy, tiny_spec

from actuary.claims import ClaimsModel, block_generators, exhaustion_probability
from actuary.claims.fitted import DerivedCache
from actuary.claims.major import MajorFit, simulate_major
from actuary.claims.tables import run_off_key

N_PATHS = 4000


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    table = flat_table(Path(tmp_path_factory.mktemp("mort")) / "flat.csv")
    return ClaimsModel(tiny_spec(table, volatility=True)).fit(tiny_data())


def test_counts_and_costs_match_the_fitted_means(fitted) -> None:  # type: ignore[no-untyped-def]
    # 100,000 workers: Poisson mean 100 per outcome and year (2 per 1,000, half each)
    eco = tiny_economy(workers=100_000.0, n_paths=N_PATHS)
    ds = fitted.simulate(eco, np.random.default_rng(11))
    off = dataclasses.replace(fitted, spec=dataclasses.replace(fitted.spec, volatility=False))
    mean = off.simulate(tiny_economy(workers=100_000.0), np.random.default_rng(0))
    n = ds["claim_count"].sel(outcome="grade_8").isel(region=0).values  # (path, year)
    mu = mean["claim_count"].sel(outcome="grade_8").isel(path=0, region=0).values
    assert mu == pytest.approx([100.0, 100.0, 100.0], rel=1e-9)
    se = np.sqrt(mu / N_PATHS)  # Poisson: variance = mean
    assert np.all(np.abs(n.mean(axis=0) - mu) < 4 * se)
    assert n.var(axis=0, ddof=1) == pytest.approx(mu, rel=0.1)
    # medical costs of the accident year 2026, paid 3/4 in 2026: compound Poisson-Gamma,
    # E = lambda mu_X, Var = lambda E[X^2] = lambda mu_X^2 (1 + 1/k) with the fitted shape k
    k = fitted.severity.shape[fitted.severity.items.index("medical_costs")]
    paid = ds["paid"].sel(benefit_item="medical_costs", year=2026).isel(region=0).values
    exp_paid = float(
        mean["paid"].sel(benefit_item="medical_costs", year=2026).isel(path=0, region=0)
    )
    out = 0.25 * 12000.0  # outstanding of AY 2025, deterministic
    var = 0.75**2 * 100 * (4000.0**2 + 8000.0**2) * (1 + 1 / k)
    assert abs(paid.mean() - exp_paid) < 4 * np.sqrt(var / N_PATHS)
    assert (paid - out).var(ddof=1) == pytest.approx(var, rel=0.1)


def test_year_effect_adds_the_fitted_variance(fitted) -> None:  # type: ignore[no-untyped-def]
    # Var N = lambda + sigma^2 lambda^2 for the lognormal (mean 1) year effect
    inc = dataclasses.replace(fitted.incidence, sigma_year=0.2)
    res = dataclasses.replace(fitted, incidence=inc)
    ds = res.simulate(tiny_economy(workers=100_000.0, n_paths=N_PATHS), np.random.default_rng(5))
    tot = ds["claim_count"].sum("outcome").isel(region=0, year=0).values
    lam = 200.0
    assert abs(tot.mean() - lam) < 4 * np.sqrt((lam + 0.04 * lam**2) / N_PATHS)
    assert tot.var(ddof=1) == pytest.approx(lam + 0.04 * lam**2, rel=0.1)


def test_major_accident_victims_match_the_compound_mean() -> None:
    fit = MajorFit(
        rate=0.4,
        threshold=10,
        tail_index=1.5,
        max_victims=200,
        outcome_mix=np.eye(12)[11],
        n_events=0,
        n_years=1,
        sizes=np.array([]),
    )
    # E[S] for S = min(floor(10 U^(-1/1.5)), 200) by direct summation, independent of the code
    s = np.arange(1, 201)
    es = float(np.where(s <= 10, 1.0, (s / 10.0) ** -1.5).sum())
    rng = np.random.default_rng(3)
    v = simulate_major(fit, np.ones((20000, 5)), np.array([0.5, 0.5]), rng)
    tot = v.sum(axis=(2, 3))
    assert tot.mean() == pytest.approx(0.4 * es, rel=0.05)
    assert es == pytest.approx(fit.mean_size(), rel=1e-12)
    assert v[..., :11].sum() == 0  # all victims die in this mix
    assert v[:, :, 0].sum() / v.sum() == pytest.approx(0.5, abs=0.03)


def test_exhaustion_probability_by_hand() -> None:
    cost = np.array([[0.0, 5.0, 0.0], [12.0, 0.0, 0.0], [4.0, 4.0, 4.0], [0.0, 0.0, 0.0]])
    p = exhaustion_probability(cost, 10.0)
    assert p == {"annual": 1 / 12, "horizon": 1 / 4, "cumulative": 2 / 4}


def test_streams_make_results_reproducible(fitted) -> None:  # type: ignore[no-untyped-def]
    eco = tiny_economy(workers=100_000.0, n_paths=50)
    a = fitted.simulate(eco, block_generators(7, 0))
    b = fitted.simulate(eco, block_generators(7, 0))
    c = fitted.simulate(eco, block_generators(7, 1))
    assert a.equals(b)
    assert not a["claim_count"].equals(c["claim_count"])


def test_major_accident_assumptions_reach_the_simulation(fitted) -> None:  # type: ignore[no-untyped-def]
    # the tiny history has no event; fixing rate 0.5/yr and Pareto index 1.2 (model file keys
    # major.rate, major.tail_index) gives 0.5 × E[S] victims a year, E[S] summed by hand
    spec = dataclasses.replace(fitted.spec, major_rate=0.5, major_tail_index=1.2)
    res = dataclasses.replace(fitted, spec=spec)
    ds = res.simulate(tiny_economy(workers=1000.0, n_paths=N_PATHS), np.random.default_rng(9))
    s = np.arange(1, spec.major_max_victims + 1)
    s0 = spec.major_threshold
    es = float(np.where(s <= s0, 1.0, (s / s0) ** -1.2).sum())
    v = ds["major_accident_victims"].values
    assert v.mean() == pytest.approx(0.5 * es, rel=0.1)
    assert float(ds["major_accident_cost"].sum()) > 0.0


def test_cached_stream_run_off_matches_a_fresh_one(fitted) -> None:  # type: ignore[no-untyped-def]
    # the run-off of the stream cells at the mortality level points does not depend on the
    # path draws and is kept in the results' DerivedCache keyed by what it depends on: a cache
    # hit must give the same numbers as a fresh computation, and a changed spec must not reuse it
    eco = tiny_economy(workers=100_000.0, n_paths=50)
    fresh = dataclasses.replace(fitted, cache=DerivedCache())
    a = fresh.simulate(eco, block_generators(3, 0))
    key, _ = run_off_key(fresh, eco["year"].values)
    assert key in fresh.cache
    b = fresh.simulate(eco, block_generators(3, 0))  # served from the cache
    for v in a.data_vars:
        assert np.array_equal(a[v].values, b[v].values), v
    # more mortality improvement: fewer deaths, so more long-term benefits paid; the copy
    # shares the cache object, whose key holds the spec values, so it computes a new entry
    spec = dataclasses.replace(fresh.spec, mortality_improvement=0.05)
    n = len(fresh.cache)
    c = dataclasses.replace(fresh, spec=spec).simulate(eco, block_generators(3, 0))
    assert len(fresh.cache) == n + 1
    items = ["disability_allowance", "nursing_care", "survivor_pension"]
    pa = a["paid"].sel(benefit_item=items).sum().item()
    pc = c["paid"].sel(benefit_item=items).sum().item()
    assert fresh.spec.mortality_improvement < 0.05 and pc > pa
    # the results are not changed by the simulation (frozen; the cache is a separate object)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fresh.spec = spec  # type: ignore[misc]
