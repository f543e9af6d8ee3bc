"""The one reader of the province series (actuary.projection.series) on a dataset built by hand.

Expected values are the numbers written into the hand-made dataset (and months of payment by
its definition, balance ÷ (expenditure ÷ 12)), not outputs of the code.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from actuary import dims
from actuary.projection.series import ProvinceSeries, province_items, province_series

ITEMS = ["balance_open", "balance_close", "expenditure_total", "revenue_total", "contributions"]


def _dataset(with_scenario: bool) -> xr.Dataset:
    # fund[path, year, region, item] = 1000·path + 100·year_index + 10·region_index + item_index
    p, y, r, i = np.meshgrid(np.arange(2), np.arange(3), np.arange(2), np.arange(5), indexing="ij")
    fund = 1000.0 * p + 100.0 * y + 10.0 * r + i
    coords = {
        dims.PATH: [0, 1],
        dims.YEAR: [2026, 2027, 2028],
        dims.REGION: ["220100", dims.PROVINCE],
        dims.ITEM: ITEMS,
    }
    da = xr.DataArray(fund, dims=list(coords), coords=coords)
    req = xr.DataArray(
        np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        dims=[dims.PATH, dims.YEAR],
        coords={dims.PATH: [0, 1], dims.YEAR: [2026, 2027, 2028]},
    )
    if with_scenario:
        da = xr.concat([da, da + 0.5], dim=xr.DataArray(["baseline", "low"], dims=dims.SCENARIO))
        req = xr.concat([req, req * 2], dim=xr.DataArray(["baseline", "low"], dims=dims.SCENARIO))
    return xr.Dataset({"fund": da, "reserve_required": req})


def test_series_of_a_roll_forward_dataset() -> None:
    ds = _dataset(with_scenario=False)
    # JL is region index 1, balance_close item index 1: 1000·p + 100·y + 11
    want = np.array([[11.0, 111.0, 211.0], [1011.0, 1111.0, 1211.0]])
    np.testing.assert_array_equal(province_series(ds, "balance_close"), want)
    np.testing.assert_array_equal(province_series(ds, "balance_close", year=2027), want[:, 1])
    assert set(province_items(ds)) == set(ITEMS)


def test_series_of_a_projection_selects_the_scenario() -> None:
    ds = _dataset(with_scenario=True)
    # "low" adds 0.5; expenditure_total is item index 2: 1000·p + 100·y + 12 (+ 0.5)
    got = province_series(ds, "expenditure_total", "low")
    np.testing.assert_array_equal(got, [[12.5, 112.5, 212.5], [1012.5, 1112.5, 1212.5]])
    s = ProvinceSeries.from_dataset(ds, "low")
    np.testing.assert_array_equal(s.reserve_required, [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]])
    assert s.years == (2026, 2027, 2028)
    # months = balance_close / (expenditure / 12) = 11.5 / (12.5 / 12) on path 0, 2026
    assert s.months[0, 0] == pytest.approx(11.5 * 12 / 12.5)
    with pytest.raises(AttributeError):
        s.years = ()  # type: ignore[misc]
