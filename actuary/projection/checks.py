"""Invariants the projection checks on every path, year and region before returning.

- balance identity: ``balance_close = balance_open + revenue_total − expenditure_total``;
- totals: ``revenue_total`` = Σ revenue items, ``expenditure_total`` = Σ expenditure items;
- continuity: the province's opening balance of year t+1 is its closing balance of year t;
- consolidation: the province's own items are the sums over sub-units, its internal flows are
  zero, and the sub-units' net remittances add up to the province's own surplus;
- non-negativity of every revenue and expenditure item;
- coverage ≤ 1 (:func:`check_coverage`, on the economy's output).

"To rounding" means within ``RTOL`` of the size of the amounts involved (float64 sums).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from actuary import dims

#: Relative tolerance of the identities (float64 rounding of sums of ~20 terms).
RTOL = 1e-9


class InvariantError(RuntimeError):
    """A projection broke one of its own invariants (a bug or an inconsistent model input)."""


def _close(a: np.ndarray, b: np.ndarray, scale: np.ndarray, what: str) -> None:
    bad = np.abs(a - b) > RTOL * np.maximum(scale, 1.0)
    if np.any(bad):
        idx = np.argwhere(bad)[0]
        raise InvariantError(
            f"{what} fails at index {tuple(int(i) for i in idx)}: "
            f"{float(a[tuple(idx)])!r} vs {float(b[tuple(idx)])!r}"
        )


def check_fund(ds: xr.Dataset) -> None:
    """Check the invariants of a projection's ``fund`` variable; raise :class:`InvariantError`."""
    f = ds["fund"]
    items = list(f[dims.ITEM].values)

    def get(code: str) -> np.ndarray:
        return np.asarray(f.isel({dims.ITEM: items.index(code)}).values)

    rev = np.stack([get(c) for c in dims.REVENUE_CODES])
    exp = np.stack([get(c) for c in dims.EXPENDITURE_CODES])
    rev_t, exp_t = get("revenue_total"), get("expenditure_total")
    b_open, b_close = get("balance_open"), get("balance_close")
    scale_r = np.abs(rev).sum(axis=0)
    scale_e = np.abs(exp).sum(axis=0)
    _close(rev.sum(axis=0), rev_t, scale_r, "revenue_total = Σ revenue items")
    _close(exp.sum(axis=0), exp_t, scale_e, "expenditure_total = Σ expenditure items")
    scale = np.abs(b_open) + scale_r + scale_e
    _close(b_close, b_open + rev_t - exp_t, scale, "balance identity")
    for name, arr in (("revenue", rev), ("expenditure", exp)):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise InvariantError(f"a {name} item is negative or not finite")

    regions = list(f[dims.REGION].values)
    if dims.PROVINCE in regions:
        jl = regions.index(dims.PROVINCE)
        subs = [i for i in range(len(regions)) if i != jl]
        # continuity of the provincial balance
        if b_open.shape[1] > 1:
            _close(
                b_open[:, 1:, jl],
                b_close[:, :-1, jl],
                np.abs(b_close[:, :-1, jl]),
                "opening balance = previous closing balance",
            )
        for code in dims.INTERNAL_FLOW_CODES:
            if np.any(get(code)[:, :, jl] != 0.0):
                raise InvariantError(f"internal flow {code} does not net out in the province")
        consolidated = [*dims.OWN_REVENUE_CODES, *dims.OUTGO_CODES]
        rem = get("remittance_to_higher")[:, :, subs].sum(axis=2)
        tra = get("transfer_from_higher")[:, :, subs].sum(axis=2)
        mirror = (get("remittance_from_lower") - get("subsidy_to_lower"))[:, :, subs].sum(axis=2)
        pooled = bool(np.any(get("balance_close")[:, :, subs] != 0.0)) or bool(
            np.any(mirror != 0.0)
        )
        if pooled:  # a sub-unit (省本级) holds the provincial account
            consolidated += ["interest", "fiscal_subsidy", "balance_open", "balance_close"]
            _close(
                rem - tra,
                mirror,
                scale[:, :, jl],
                "Σ remittances − Σ transfers = the account's mirror items",
            )
        else:
            own = (
                rev_t[:, :, jl]
                - get("interest")[:, :, jl]
                - get("fiscal_subsidy")[:, :, jl]
                - exp_t[:, :, jl]
            )
            _close(
                rem - tra, own, scale[:, :, jl], "Σ sub-unit net remittances = province own surplus"
            )
        for code in consolidated:
            a = get(code)
            _close(
                a[:, :, subs].sum(axis=2),
                a[:, :, jl],
                np.abs(a[:, :, jl]) + scale[:, :, jl],
                f"province {code} = Σ sub-units",
            )


def check_coverage(economy: xr.Dataset, where: str = "economy simulation") -> None:
    """Coverage rate in [0, 1] and covered workers ≤ employment, where the economy gives them."""
    if "coverage_rate" in economy:
        c = np.asarray(economy["coverage_rate"].values)
        if np.any(c < 0) or np.any(c > 1 + 1e-12) or np.any(~np.isfinite(c)):
            raise InvariantError(f"{where}: coverage_rate outside [0, 1]")
    for v in ("covered_payroll", "covered_workers"):
        if v in economy:
            a = np.asarray(economy[v].values)
            if np.any(a < 0) or np.any(~np.isfinite(a)):
                raise InvariantError(f"{where}: {v} negative or not finite")
    if "covered_workers" in economy and "employment" in economy:
        cw = economy["covered_workers"]
        if dims.INDUSTRY in cw.dims:
            cw = cw.sum(dims.INDUSTRY)
        emp = economy["employment"]
        if np.any((cw - emp).values > 1e-9 * np.abs(emp.values)):
            raise InvariantError(f"{where}: covered workers exceed employment")
