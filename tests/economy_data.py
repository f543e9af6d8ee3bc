"""Small hand-built province history for the economy tests (not the embedded data).

Series are generated from a known process with a fixed seed so the tests do not depend on the
data engineer's files; shapes follow the ARCHITECTURE data-folder contract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from actuary.data import ProvinceData
from actuary.dims import INDUSTRY_CLASSES, REGION_CODES


def province_frames(
    seed: int = 3, first: int = 2010, last: int = 2025, n_regions: int = 12
) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    years = np.arange(first, last + 1)
    n = len(years)
    g = np.empty(n)
    g[0] = 0.10
    for t in range(1, n):
        g[t] = 0.07 + 0.5 * (g[t - 1] - 0.07) + 0.015 * rng.standard_normal()
    wage = 35000 * np.exp(np.cumsum(g))
    emp = 8.0e6 * np.exp(np.cumsum(0.005 + 0.01 * rng.standard_normal(n)))
    cpi = 0.02 + 0.008 * rng.standard_normal(n)
    dep = np.clip(0.03 - 0.0013 * np.arange(n) + 0.002 * rng.standard_normal(n), 0.005, None)
    inc = 19000 * np.exp(np.cumsum(0.07 + 0.01 * rng.standard_normal(n)))
    economy = pd.DataFrame(
        {
            "year": years,
            "avg_wage": wage,
            "employment": emp,
            "cpi_growth": cpi,
            "deposit_rate": dep,
            "national_disposable_income": inc,
        }
    )
    regions = list(REGION_CODES[:n_regions])
    share = rng.dirichlet(np.full(len(regions), 5.0))
    rel = np.exp(0.1 * rng.standard_normal(len(regions)))
    rows = []
    xrows = []
    cov0 = rng.uniform(0.3, 0.5, len(regions))
    for t, y in enumerate(years):
        s = share * np.exp(0.02 * rng.standard_normal(len(regions)))
        s /= s.sum()
        r = rel * np.exp(0.02 * rng.standard_normal(len(regions)))
        r /= (s * r).sum()
        for i, reg in enumerate(regions):
            e_r = emp[t] * s[i]
            w_r = wage[t] * r[i]
            rows.append({"year": y, "region": reg, "avg_wage": w_r, "employment": e_r})
            cov = 0.85 - (0.85 - cov0[i]) * 0.85**t + 0.005 * rng.standard_normal()
            mix = np.linspace(1.0, 0.3, len(INDUSTRY_CLASSES))
            mix /= mix.sum()
            for j, k in enumerate(INDUSTRY_CLASSES):
                cw = cov * e_r * mix[j]
                pay = cw * w_r * (0.8 + 0.05 * k)
                due = pay * 0.004 * k
                col = due * (0.95 + 0.02 * np.tanh(rng.standard_normal()))
                xrows.append(
                    {
                        "year": y,
                        "region": reg,
                        "industry_class": k,
                        "covered_workers": cw,
                        "covered_payroll": pay,
                        "contributions_due": due,
                        "contributions_collected": col,
                    }
                )
    return {
        "economy": economy,
        "economy_region": pd.DataFrame(rows),
        "exposure": pd.DataFrame(xrows),
    }


def as_data(frames: dict[str, pd.DataFrame]) -> ProvinceData:
    """The frames of :func:`province_frames` as the ``ProvinceData`` the models take."""
    return ProvinceData.from_frames(**frames)


def fixed_params(
    *,
    mean: tuple[float, ...] = (0.06, 0.005, 0.02, 0.015, 0.05),
    ar1: tuple[float, ...] = (0.5, 0.0, 0.3, 0.9, 0.2),
    sigma: tuple[float, ...] = (0.02, 0.01, 0.008, 0.002, 0.01),
    corr: float = 0.3,
    initial: tuple[float, ...] = (0.04, -0.01, 0.01, 0.012, 0.045),
    coverage_target: float = 0.9,
    coverage_speed: float = 0.2,
    coverage_sigma: float = 0.3,
    coverage_rho: float = 0.4,
    n_regions: int = 3,
    n_classes: int = 8,
    seed: int = 0,
):  # type: ignore[no-untyped-def]
    """Prescribed EconomyParams for tests (internal scale: log growth for flagged series).

    ``mean`` and ``initial`` are given on the internal scale (log growth for wage, employment and
    disposable income; plain fraction for CPI and deposit rate).
    """
    from actuary.economy.model import EconomyBase, EconomyParams
    from actuary.economy.processes import (
        GROWTH_SERIES,
        CoverageParams,
        CoverageProcess,
        GrowthSystem,
        GrowthSystemParams,
        PanelAR,
        PanelARParams,
    )

    rng = np.random.default_rng(seed)
    k = len(GROWTH_SERIES)
    sd = np.asarray(sigma)
    cm = np.full((k, k), corr)
    np.fill_diagonal(cm, 1.0)
    gp = GrowthSystemParams(
        tuple(GROWTH_SERIES),
        np.asarray(mean, dtype=float),
        np.diag(ar1).astype(float),
        cm * np.outer(sd, sd),
        "ar",
    )
    growth = GrowthSystem().fix(gp, np.asarray(initial, dtype=float))
    regions = tuple(REGION_CODES[:n_regions])
    classes = tuple(INDUSTRY_CLASSES[:n_classes])
    share = rng.dirichlet(np.ones(n_classes), size=n_regions)
    cov0 = rng.uniform(0.4, 0.7, n_regions)
    base = EconomyBase(
        base_year=2025,
        regions=regions,
        classes=classes,
        avg_wage_province=90000.0,
        employment_province=7.0e6,
        disposable_income=56502.0,
        avg_wage_region=rng.uniform(70000, 110000, n_regions),
        employment_region=rng.uniform(2e5, 1e6, n_regions),
        class_share=share,
        coverage=np.repeat(cov0[:, None], n_classes, axis=1),
        wage_relativity=rng.uniform(0.7, 1.4, (n_regions, n_classes)),
        collection_rate=rng.uniform(0.9, 0.99, n_regions),
    )
    zero = np.zeros(n_regions)
    rw = PanelAR("regional_wage").fix(PanelARParams(0.3, 0.02), zero, regions)
    re = PanelAR("regional_employment").fix(PanelARParams(0.2, 0.01), zero, regions)
    col_mean = np.log(base.collection_rate / (1 - base.collection_rate)) + 0.1
    col = PanelAR("collection").fix(
        PanelARParams(0.5, 0.1),
        np.log(base.collection_rate / (1 - base.collection_rate)) - col_mean,
        regions,
    )
    cov = CoverageProcess().fix(
        CoverageParams(
            np.full(n_regions * n_classes, coverage_target),
            coverage_speed,
            coverage_sigma,
            coverage_rho,
        ),
        base.coverage.ravel(),
    )
    return EconomyParams(growth, rw, re, cov, col, col_mean, base)
