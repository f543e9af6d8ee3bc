"""The province's (``"JL"``) series of a projection dataset: the one way to read them.

A projection dataset (:attr:`actuary.projection.Projection.data`, with a ``scenario``
dimension) or a :func:`actuary.projection.roll_forward` dataset (one scenario, no such
dimension) holds ``fund`` (…, path, year, region, item). Every stage that needs the consolidated
province's paths of an item — the rate solver, the budget draft, the scenario comparison, the
pooling analysis, the review pack — reads them here, as ``(path, year)`` float arrays in yuan
(months for ``months_of_payment``).

The arrays are views of the dataset (no copy): selecting a scenario, the province and an item
keeps the memory layout of ``fund``, so sums and means over them are what they were when each
caller did its own selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xarray as xr

from actuary import dims

FloatArray = npt.NDArray[np.float64]

__all__ = ["ProvinceSeries", "province_items", "province_series"]


def _province_fund(ds: xr.Dataset, scenario: str) -> xr.DataArray:
    """``fund`` of the province; ``scenario`` is selected when the dataset has that dimension."""
    fund = ds["fund"]
    where: dict[str, str] = {dims.REGION: dims.PROVINCE}
    if dims.SCENARIO in fund.dims:
        where[dims.SCENARIO] = scenario
    return fund.sel(where)


def province_series(
    ds: xr.Dataset, item: str, scenario: str = "baseline", *, year: int | None = None
) -> FloatArray:
    """The province's paths of ``item``: ``(path, year)``, or ``(path,)`` for one ``year``.

    ``scenario`` is used when ``ds`` has a scenario dimension (a projection); a
    :func:`~actuary.projection.roll_forward` dataset has one scenario only and ignores it.
    """
    f = _province_fund(ds, scenario).sel({dims.ITEM: item})
    if year is not None:
        return np.asarray(f.sel({dims.YEAR: year}).transpose(dims.PATH).values, dtype=np.float64)
    return np.asarray(f.transpose(dims.PATH, dims.YEAR).values, dtype=np.float64)


def province_items(ds: xr.Dataset, scenario: str = "baseline") -> dict[str, FloatArray]:
    """``{item: (path, year)}`` of the province for every item of the dataset (one selection)."""
    fund = _province_fund(ds, scenario).transpose(dims.PATH, dims.YEAR, dims.ITEM)
    arr = np.asarray(fund.values, dtype=np.float64)
    return {str(c): arr[:, :, k] for k, c in enumerate(fund[dims.ITEM].values)}


def _province_reserve(ds: xr.Dataset, scenario: str) -> FloatArray:
    """``reserve_required`` ``(path, year)`` (a province variable of the dataset)."""
    req = ds["reserve_required"]
    if dims.SCENARIO in req.dims:
        req = req.sel({dims.SCENARIO: scenario})
    if dims.REGION in req.dims:
        req = req.sel({dims.REGION: dims.PROVINCE})
    return np.asarray(req.transpose(dims.PATH, dims.YEAR).values, dtype=np.float64)


@dataclass(frozen=True)
class ProvinceSeries:
    """The province's series the rate solver reads off one roll-forward, ``(path, year)``, yuan."""

    years: tuple[int, ...]
    balance_open: FloatArray
    balance_close: FloatArray
    expenditure: FloatArray
    revenue: FloatArray
    contributions: FloatArray
    reserve_required: FloatArray

    @property
    def months(self) -> FloatArray:
        """Months of payment capacity ``Bal / (E / 12)``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                self.expenditure > 0, self.balance_close / (self.expenditure / 12), np.inf
            )

    @classmethod
    def from_dataset(cls, ds: xr.Dataset, scenario: str = "baseline") -> ProvinceSeries:
        """The series of a projection or ``roll_forward`` dataset (contiguous copies)."""
        items = province_items(ds, scenario)

        def item(code: str) -> FloatArray:
            return np.ascontiguousarray(items[code])

        return cls(
            years=tuple(int(y) for y in ds[dims.YEAR].values),
            balance_open=item("balance_open"),
            balance_close=item("balance_close"),
            expenditure=item("expenditure_total"),
            revenue=item("revenue_total"),
            contributions=item("contributions"),
            reserve_required=_province_reserve(ds, scenario),
        )
