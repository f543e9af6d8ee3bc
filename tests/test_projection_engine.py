"""The projection engine on the embedded small run with the real economy and claims models.

Checks: the balance identity on every path, year and region (recomputed here with numpy from
the items, independently of the engine's own check); consolidation under 统收统支; the
prevention cap; reproducibility (same seed → identical, other seed → different); identical
results in one process, in two worker processes and on a local two-worker Dask cluster;
re-projection from the kept flows.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from _projection_fitted import small

from actuary import dims
from actuary.projection import project


@pytest.fixture(scope="module")
def proj():  # type: ignore[no-untyped-def]
    run, data, models = small()
    return project(run, data=data, models=models)


def _item(ds: xr.Dataset, code: str) -> np.ndarray:
    return np.asarray(ds["fund"].sel(item=code).values)


def test_identity_on_every_path_year_region(proj) -> None:  # type: ignore[no-untyped-def]
    ds = proj.data
    rev = sum(_item(ds, c) for c in dims.REVENUE_CODES)
    exp = sum(_item(ds, c) for c in dims.EXPENDITURE_CODES)
    np.testing.assert_allclose(_item(ds, "revenue_total"), rev, rtol=1e-12, atol=1e-4)
    np.testing.assert_allclose(_item(ds, "expenditure_total"), exp, rtol=1e-12, atol=1e-4)
    lhs = _item(ds, "balance_close")
    rhs = _item(ds, "balance_open") + _item(ds, "revenue_total") - _item(ds, "expenditure_total")
    # to rounding: 1e-4 yuan on balances of ~4e9 yuan
    assert np.max(np.abs(lhs - rhs)) < 1e-4
    assert ds.sizes["path"] == 200 and ds.sizes["region"] == len(dims.REGION_CODES) + 1
    # continuity: next year's opening = this year's closing (province)
    jl = ds["fund"].sel(region="JL")
    np.testing.assert_array_equal(
        jl.sel(item="balance_open").isel(year=slice(1, None)).values,
        jl.sel(item="balance_close").isel(year=slice(None, -1)).values,
    )


def test_flows_non_negative_and_consolidated(proj) -> None:  # type: ignore[no-untyped-def]
    ds = proj.data
    for c in (*dims.REVENUE_CODES, *dims.EXPENDITURE_CODES):
        assert np.all(_item(ds, c) >= 0), c
    f = ds["fund"]
    subs = f.sel(region=list(dims.REGION_CODES))
    for c in ("contributions", "medical_benefits", "disability_benefits", "death_benefits"):
        np.testing.assert_allclose(
            subs.sel(item=c).sum("region").values, f.sel(region="JL", item=c).values, rtol=1e-12
        )
    for c in dims.INTERNAL_FLOW_CODES:
        assert np.all(f.sel(region="JL", item=c).values == 0.0)
    # sub-units other than the account holder keep no balance; SBJ books the pooled balance
    others = [r for r in dims.REGION_CODES if r != "SBJ"]
    assert np.all(f.sel(region=others, item="balance_close").values == 0.0)
    np.testing.assert_array_equal(
        f.sel(region="SBJ", item="balance_close").values,
        f.sel(region="JL", item="balance_close").values,
    )
    rem = subs.sel(item="remittance_to_higher").sum("region")
    tra = subs.sel(item="transfer_from_higher").sum("region")
    np.testing.assert_allclose(
        rem.values, f.sel(region="SBJ", item="remittance_from_lower"), rtol=1e-12
    )
    np.testing.assert_allclose(tra.values, f.sel(region="SBJ", item="subsidy_to_lower"), rtol=1e-12)


def test_prevention_within_cap(proj) -> None:  # type: ignore[no-untyped-def]
    f = proj.data["fund"].sel(scenario="baseline", region="JL")
    prev = f.sel(item="prevention").values[:, 1:]
    last_c = f.sel(item="contributions").values[:, :-1]
    # 3 % of last year's contribution revenue (人社部规〔2017〕13号 art. 5); the run uses 1.5 %
    assert np.all(prev <= 0.03 * last_c)
    np.testing.assert_allclose(prev, 0.015 * last_c, rtol=1e-12)


def test_months_of_payment_definition(proj) -> None:  # type: ignore[no-untyped-def]
    f = proj.data["fund"].sel(region="JL")
    mop = f.sel(item="months_of_payment").values
    np.testing.assert_allclose(
        mop, f.sel(item="balance_close").values / (f.sel(item="expenditure_total").values / 12)
    )


def test_scenario_overlay_changes_only_the_reserve(proj) -> None:  # type: ignore[no-untyped-def]
    f = proj.data["fund"]
    a, b = f.sel(scenario="baseline"), f.sel(scenario="reserve_high")
    np.testing.assert_array_equal(a.sel(item="balance_close"), b.sel(item="balance_close"))
    ra = a.sel(region="JL", item="reserve").values
    rb = b.sel(region="JL", item="reserve").values
    assert np.all(rb >= ra) and np.any(rb > ra)


def test_reproject_at_kept_multipliers_is_identical(proj) -> None:  # type: ignore[no-untyped-def]
    again = proj.reproject(proj.data["multiplier"].sel(scenario="baseline").values)
    np.testing.assert_array_equal(
        again["fund"].values, proj.data["fund"].sel(scenario="baseline").values
    )
    cut = proj.reproject(0.5 * proj.data["multiplier"].sel(scenario="baseline").values)
    c0 = proj.data["fund"].sel(scenario="baseline", region="JL", item="contributions").values
    np.testing.assert_allclose(
        cut["fund"].sel(region="JL", item="contributions").values, 0.5 * c0, rtol=1e-12
    )


def test_same_seed_same_result_other_seed_differs() -> None:
    run, data, models = small()
    a = project(run, data=data, models=models, scenarios=["baseline"], n_paths=30)
    b = project(run, data=data, models=models, scenarios=["baseline"], n_paths=30)
    c = project(run, data=data, models=models, scenarios=["baseline"], n_paths=30, seed=1)
    xr.testing.assert_identical(a.data, b.data)
    assert not np.array_equal(a.data["fund"].values, c.data["fund"].values)


def test_workers_and_dask_identical_to_one_process() -> None:
    distributed = pytest.importorskip("distributed")
    run, data, models = small()
    # 70 paths in blocks of 25 = three blocks, so the pool and the cluster really split the work
    kw = {
        "data": data,
        "models": models,
        "scenarios": ["baseline"],
        "n_paths": 70,
        "block_size": 25,
    }
    one = project(run, **kw)
    # the current year is conditioned on its executed months over all paths (second pass)
    assert (
        "conditioned on execution through month 10" in one.data.attrs["current_year_conditioning"]
    )
    two = project(run, workers=2, **kw)
    xr.testing.assert_identical(one.data, two.data)
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        dk = project(run, scheduler=cluster.scheduler_address, **kw)
    xr.testing.assert_identical(one.data, dk.data)
