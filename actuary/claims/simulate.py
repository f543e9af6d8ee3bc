"""Simulation of one block of paths from fitted claims results: counts, accident-year costs,
calendar-year payments through the development patterns, and the long-term streams with their
flat increments (the steps of :mod:`actuary.claims.model`'s docstring)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import xarray as xr

from actuary import dims
from actuary.claims.codes import DEATH, FORMULA_ITEMS, INDEX_GROUPS, NURSING, OUTCOMES, STREAM_ITEMS
from actuary.claims.fitted import FittedClaims
from actuary.claims.major import simulate_major
from actuary.claims.tables import stream_tables
from actuary.claims.uncertainty import ParameterDraws, draw_parameters
from actuary.errors import InputError

__all__ = ["simulate_block"]


def simulate_block(
    res: FittedClaims,
    eco: xr.Dataset,
    g_claims: np.random.Generator,
    g_major: np.random.Generator,
    g_mort: np.random.Generator,
    g_par: np.random.Generator | None = None,
) -> xr.Dataset:
    """One block of paths (module docstring); ``g_par`` is the block's ``claims_parameters``
    stream, drawn from only when ``parameter_uncertainty`` is on
    (:mod:`actuary.claims.uncertainty`)."""
    spec = res.spec
    vol = spec.volatility
    years = np.asarray(eco[dims.YEAR].values, int)
    if years[0] != res.last_year + 1 or np.any(np.diff(years) != 1):
        raise InputError(
            f"economy years must run consecutively from {res.last_year + 1}", field="year"
        )
    regions = list(res.regions)
    eco = eco.sel({dims.REGION: regions})
    P = eco.sizes[dims.PATH]
    H = years.size
    R = len(regions)
    classes = list(dims.INDUSTRY_CLASSES)
    # --- economy: area wage A (previous year, monthly), national income D (previous year) ---
    if spec.wage_basis == "province":
        if "avg_wage_province" in eco:
            w = np.repeat(eco["avg_wage_province"].values[:, :, None], R, axis=2)
        else:
            emp = eco["employment"].values
            w = (eco["avg_wage"].values * emp).sum(-1, keepdims=True) / emp.sum(-1, keepdims=True)
            w = np.repeat(w, R, axis=2)
    else:
        w = eco["avg_wage"].transpose(dims.PATH, dims.YEAR, dims.REGION).values
    A = np.empty((P, H, R))
    A[:, 0, :] = res.last_area_wage[None, :]
    A[:, 1:, :] = w[:, :-1, :] / 12.0
    inc_ = eco["national_disposable_income"].values
    Dp = np.empty((P, H))
    Dp[:, 0] = res.last_income
    Dp[:, 1:] = inc_[:, :-1]
    wg = np.empty((P, H))
    wg[:, 0] = res.last_wage_growth
    wg[:, 1:] = eco["wage_growth"].values[:, :-1]
    cpi = np.empty((P, H))
    cpi[:, 0] = res.last_cpi
    cpi[:, 1:] = eco["cpi_growth"].values[:, :-1]
    workers = (
        eco["covered_workers"]
        .transpose(dims.PATH, dims.YEAR, dims.REGION, dims.INDUSTRY)
        .sel({dims.INDUSTRY: classes})
        .values
    )
    # --- 0. per-path parameters (parameter uncertainty) ----------------------------------
    draws: ParameterDraws | None = None
    if spec.parameter_uncertainty:
        if g_par is None:
            raise ValueError(
                "claims parameter uncertainty needs the block's 'claims_parameters' stream "
                "(actuary.claims.block_generators)"
            )
        draws = draw_parameters(res, regions, classes, P, g_par)
    # --- 1. counts ---------------------------------------------------------------------
    inc = res.incidence
    lr = inc.log_rate(regions, classes)  # (R, C)
    t = years - inc.base_year
    if draws is None:
        lam = workers * np.exp(lr[None, None] + res.trend * t[None, :, None, None])
    else:
        lam = workers * np.exp(
            draws.log_rate[:, None] + draws.trend[:, None, None, None] * t[None, :, None, None]
        )
    if vol and spec.year_effect and inc.sigma_year > 0:
        s2 = np.log1p(inc.sigma_year**2)
        ye = np.exp(g_claims.normal(-0.5 * s2, np.sqrt(s2), (P, H)))
        lam = lam * ye[:, :, None, None]
    if vol and spec.cell_overdispersion and inc.alpha_cell > 0:
        a = inc.alpha_cell
        lam = lam * g_claims.gamma(1.0 / a, a, lam.shape)
    shares = res.outcome.shares(spec.outcome_model).reindex(index=classes).to_numpy()  # (C, O)
    if draws is None:
        mu = np.einsum("pyrc,co->pyro", lam, shares)
    else:
        mu = np.einsum("pyrc,pco->pyro", lam, draws.shares)
    N = g_claims.poisson(mu).astype(float) if vol else mu
    # --- major accidents -----------------------------------------------------------------
    tot_w = workers.sum(axis=(2, 3))
    ratio = tot_w / res.hist_workers if res.hist_workers > 0 else np.ones_like(tot_w)
    maj = res.major
    if spec.major_tail_index is not None:
        maj = replace(maj, tail_index=spec.major_tail_index)
    nu = maj.rate if spec.major_rate is None else spec.major_rate
    if draws is not None:
        nu_p, a_p = draws.major_rate, draws.major_tail_index
        if vol:
            M = simulate_major(
                maj, ratio, res.major_region_prob, g_major, rate=nu_p, tail_index=a_p
            )
        else:
            M = (
                (nu_p[:, None] * ratio * maj.mean_sizes(a_p)[:, None])[:, :, None, None]
                * res.major_region_prob[None, None, :, None]
                * maj.outcome_mix[None, None, None, :]
            )
    elif vol:
        M = simulate_major(maj, ratio, res.major_region_prob, g_major, rate=nu)
    else:
        M = (
            (nu * ratio * maj.mean_size())[:, :, None, None]
            * res.major_region_prob[None, None, :, None]
            * maj.outcome_mix[None, None, None, :]
        )
    NT = N + M
    # --- 2. accident-year costs ----------------------------------------------------------
    cl_items = res.cl_items
    item_group = res.item_group
    U = np.zeros((P, H, R, len(cl_items)))  # ultimate cost by accident year
    Umaj = np.zeros((P, H, R))
    sev = res.severity
    NT_int = NT.astype(np.int64) if vol else NT
    for j, item in enumerate(cl_items):  # a dozen items
        if item in sev.items:
            k = sev.items.index(item)
            tau = sev.trend[k] if spec.severity_trend is None else spec.severity_trend
            nominal = sev.is_nominal(item)
            # a fee-schedule item is in yuan: no wage index and no medical excess inflation
            infl = 1.0 if nominal else (1.0 + spec.excess_inflation) ** (years - res.last_year)
            growth = np.exp(tau * (years - sev.ref_year)) * infl
            unit = np.ones_like(A) if nominal else A
            mean_k = sev.mean[k][None, :]  # (1 or path, outcome)
            g_py = growth[None, :]  # (1 or path, year)
            if draws is not None:
                # per-path coefficients: mean of a positive claim and trend
                mean_k = draws.severity_mean[:, k, :]
                tau_p = draws.severity_trend[:, k]
                g_py = np.exp(tau_p[:, None] * (years - sev.ref_year)[None, :]) * infl
            scale = (
                (mean_k / sev.shape[k])[:, None, None, :] * unit[..., None] * g_py[:, :, None, None]
            )
            if vol:
                npos = g_claims.binomial(NT_int, sev.p_positive[k][None, None, None, :])
                cost = g_claims.gamma(npos * sev.shape[k] + (npos == 0), 1.0) * (npos > 0) * scale
            else:
                cost = NT * sev.p_positive[k] * sev.shape[k] * scale
            U[..., j] = cost.sum(-1)
            per_claim_mean = sev.p_positive[k][None, :] * mean_k
            Umaj += (M * per_claim_mean[:, None, None, :]).sum(-1) * unit * g_py[:, :, None]
    mult_by_year = [res.profile_multipliers(int(y)) for y in years]
    rel = np.asarray(res.wage_relativity, float)
    for j, item in enumerate(cl_items):
        if item not in FORMULA_ITEMS:
            continue
        rel_i = rel if item in res.own_wage_items else np.ones(R)
        for h in range(H):  # years
            m = mult_by_year[h]
            if f"{item}_D" in m:  # per unit national income D
                per = m[f"{item}_D"][None, None, :] * Dp[:, h, None, None]
            else:
                per = m[item][None, None, :] * (A[:, h, :] * rel_i[None, :])[..., None]
            U[:, h, :, j] = (NT[:, h] * per).sum(-1)
            Umaj[:, h] += (M[:, h] * per).sum(-1)
    # --- 3. calendar-year payments -------------------------------------------------------
    n_items = len(dims.BENEFIT_ITEMS)
    paid = np.zeros((P, H, R, n_items))
    bi = {b: i for i, b in enumerate(dims.BENEFIT_ITEMS)}
    for j, item in enumerate(cl_items):
        pat = res.patterns[item_group[item]].incremental
        for h in range(H):  # calendar years
            acc = np.zeros((P, R))
            for d in range(min(h, pat.size - 1) + 1):
                acc += U[:, h - d, :, j] * pat[d]
            if h < res.outstanding.shape[0]:
                acc += res.outstanding[h, :, j][None, :]
            paid[:, h, :, bi[item]] = acc
    # --- 4. streams ------------------------------------------------------------------------
    stream_paid, benef = _streams(res, years, NT, A, wg, cpi, g_mort)
    for k, item in enumerate(STREAM_ITEMS):
        paid[..., bi[item]] += stream_paid[..., k]
    # --- assemble ------------------------------------------------------------------------
    groups = [
        i.code for i in dims.EXPENDITURE_ITEMS if i.code in set(dims.BENEFIT_ITEM_GROUP.values())
    ]
    gmat = np.array(
        [[dims.BENEFIT_ITEM_GROUP[b] == g for g in groups] for b in dims.BENEFIT_ITEMS], float
    )
    expend = paid @ gmat
    coords = {
        dims.PATH: eco[dims.PATH].values,
        dims.YEAR: years,
        dims.REGION: regions,
    }
    pyr = (dims.PATH, dims.YEAR, dims.REGION)
    ds = xr.Dataset(
        {
            "paid": (
                (*pyr, "benefit_item"),
                paid,
                {"units": "yuan", "description": "fund-paid benefits by calendar year"},
            ),
            "expenditure": ((*pyr, dims.ITEM), expend, {"units": "yuan"}),
            "claim_count": (
                (*pyr, "outcome"),
                NT,
                {
                    "units": "claims",
                    "description": "recognised injuries by accident year "
                    "(incl. major-accident victims)",
                },
            ),
            "beneficiaries": (
                (*pyr, "benefit_type"),
                benef,
                {"units": "persons", "description": "long-term beneficiaries on 31 December"},
            ),
            "major_accident_victims": (pyr, M.sum(-1), {"units": "persons"}),
            "major_accident_cost": (
                pyr,
                Umaj,
                {
                    "units": "yuan",
                    "description": "ultimate lump-sum and medical cost of major-accident "
                    "victims by accident year (streams excluded)",
                },
            ),
        },
        coords={
            **coords,
            "benefit_item": list(dims.BENEFIT_ITEMS),
            dims.ITEM: groups,
            "outcome": list(OUTCOMES),
            "benefit_type": list(dims.BENEFIT_TYPES),
        },
    )
    ds.attrs["claims_volatility"] = int(vol)
    ds.attrs["claims_parameter_uncertainty"] = int(spec.parameter_uncertainty)
    return ds


def _increments(res: FittedClaims, wg: np.ndarray, cpi: np.ndarray) -> np.ndarray:
    """Cumulative flat increments (path, year, index group), yuan/month, applied each January."""
    spec = res.spec
    wts = np.array(
        [spec.allowance_wage_weight] * 4
        + [spec.nursing_wage_weight] * 3
        + [spec.survivor_wage_weight] * 2
    )
    P, H = wg.shape
    cum = np.zeros((P, H, len(INDEX_GROUPS)))
    prev = np.zeros((P, len(INDEX_GROUPS)))
    for h in range(H):  # years
        rate = np.maximum(0.0, wts[None, :] * wg[:, h, None] + (1 - wts[None, :]) * cpi[:, h, None])
        prev = prev + rate * (res.base_avg_amount[None, :] + prev)
        cum[:, h] = prev
    return cum


def _streams(
    res: FittedClaims,
    years: np.ndarray,
    NT: np.ndarray,
    A: np.ndarray,
    wg: np.ndarray,
    cpi: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Stream payments (path, year, region, STREAM_ITEMS) and year-end beneficiaries."""
    spec = res.spec
    P, H, R, _ = NT.shape
    pre = stream_tables(res, years)
    # mortality level: K equiprobable quantile levels of the lognormal, one drawn per path;
    # the run-off is computed once per level (expected decrements, cached on the results
    # object: it does not depend on the path draws) and picked per path
    K = pre.K
    kp = np.zeros(P, dtype=np.int64)
    if K > 1:
        kp = np.asarray(rng.integers(0, K, size=P), dtype=np.int64)
    cum = _increments(res, wg, cpi)  # (P, H, G)
    out = np.zeros((P, H, R, 4))
    benef = np.zeros((P, H, R, 4))
    bt = {b: i for i, b in enumerate(dims.BENEFIT_TYPES)}
    item_k = {b: STREAM_ITEMS.index(b) for b in dims.BENEFIT_TYPES}
    # --- stock ----------------------------------------------------------------------------
    if pre.stock_base is not None:
        assert pre.stock_per_g is not None and pre.stock_count is not None
        for h in range(H):
            pay = pre.stock_base[h][kp] + np.einsum(
                "pg,pgx->px", cum[:, h, :], pre.stock_per_g[h][kp]
            )
            out[:, h] += 12.0 * pay.reshape(P, R, 4)
            benef[:, h] += pre.stock_count[h][kp].reshape(P, R, 4)
    # --- entrants ---------------------------------------------------------------------------
    mult = [res.profile_multipliers(int(y)) for y in years]
    Dl = spec.entry_lag_max
    lag_a = res.entry_lag["disability_allowance"]
    lag_s = res.entry_lag["survivor_pension"]

    def convolve(x: np.ndarray, lag: np.ndarray) -> np.ndarray:
        """x (P, H, R) by accident year -> entrants by entry year."""
        y = np.zeros_like(x)
        for h in range(H):
            for d in range(min(h, Dl) + 1):
                y[:, h] += x[:, h - d] * lag[d]
        return y

    pend = res.pending
    # 伤残津贴 and 供养亲属抚恤金 are shares of the claimant's 本人工资: the region's wage
    # relativity applies (生活护理费 is a share of the area wage A alone)
    rel = np.asarray(res.wage_relativity, float)
    A_own = A * rel[None, None, :]
    # entrant persons E and total monthly amounts Am by (kind-group): 4 allowance grades,
    # 3 nursing levels, 1 survivor group
    E = np.zeros((P, H, R, 8))
    Am = np.zeros((P, H, R, 8))
    for g in range(4):
        o = g + 1
        sh = np.array([m["allowance_share"][o] for m in mult])
        am = np.array([m["allowance_amount"][o] for m in mult])
        x = NT[..., o]
        E[..., g] = convolve(x * sh[None, :, None], lag_a)
        Am[..., g] = convolve(x * am[None, :, None] * A_own, lag_a)
        hk = min(H, Dl + 1)
        E[:, :hk, :, g] += pend["count"][:hk, :, o][None] * sh[0]
        Am[:, :hk, :, g] += pend["count_A"][:hk, :, o][None] * am[0] * rel
    for lv, name in enumerate(NURSING):
        sh = np.array([[m[f"nursing_{name}_share"][o] for o in range(1, 11)] for m in mult])
        am = np.array([[m[f"nursing_{name}_amount"][o] for o in range(1, 11)] for m in mult])
        x = NT[..., 1:11]
        E[..., 4 + lv] = convolve((x * sh[None, :, None, :]).sum(-1), lag_a)
        Am[..., 4 + lv] = convolve((x * am[None, :, None, :]).sum(-1) * A, lag_a)
        hk = min(H, Dl + 1)
        E[:, :hk, :, 4 + lv] += (pend["count"][:hk, :, 1:11] * sh[0][None, None, :]).sum(-1)[None]
        Am[:, :hk, :, 4 + lv] += (pend["count_A"][:hk, :, 1:11] * am[0][None, None, :]).sum(-1)[
            None
        ]
    spd = np.array([m["survivors_per_death"][DEATH] for m in mult])
    sam = np.array([m["survivor_amount"][DEATH] for m in mult])
    E[..., 7] = convolve(NT[..., DEATH] * spd[None, :, None], lag_s)
    Am[..., 7] = convolve(NT[..., DEATH] * sam[None, :, None] * A_own, lag_s)
    hk = min(H, Dl + 1)
    E[:, :hk, :, 7] += pend["count"][:hk, :, DEATH][None] * spd[0]
    Am[:, :hk, :, 7] += pend["count_A"][:hk, :, DEATH][None] * sam[0] * rel
    # unit cohorts (run-off per entrant, picked per path)
    unit_main, unit_top = pre.unit_main[kp], pre.unit_top[kp]
    unit_nend, unit_tend = pre.unit_nend[kp], pre.unit_tend[kp]
    sp_share = pre.sp_share
    gidx = [0, 1, 2, 3, 4, 5, 6]
    kind_of = [0, 0, 0, 0, 1, 1, 1, 2]
    item_of = ["disability_allowance"] * 4 + ["nursing_care"] * 3 + ["survivor_pension"]
    for q in range(8):
        k = kind_of[q]
        if q < 7:
            cg = cum[:, :, gidx[q]]
        else:
            cg = sp_share * cum[:, :, 7] + (1 - sp_share) * cum[:, :, 8]
        for h in range(H):  # calendar year
            # amounts in force in year h of entrants of entry years e <= h
            inc_since = cg[:, h, None] - cg[:, : h + 1]  # (P, e)
            amt = Am[:, : h + 1, :, q] + E[:, : h + 1, :, q] * inc_since[:, :, None]  # (P, e, R)
            pm = unit_main[:, k, : h + 1, h][:, :, None]
            out[:, h, :, item_k[item_of[q]]] += 12.0 * (amt * pm).sum(1)
            benef[:, h, :, bt[item_of[q]]] += (
                E[:, : h + 1, :, q] * unit_nend[:, k, : h + 1, h][:, :, None]
            ).sum(1)
            if k == 0:
                pt = unit_top[:, k, : h + 1, h][:, :, None]
                out[:, h, :, item_k["pension_topup"]] += (
                    12.0 * (amt * pt).sum(1) * spec.topup_share * spec.topup_prevalence
                )
                benef[:, h, :, bt["pension_topup"]] += (
                    E[:, : h + 1, :, q] * unit_tend[:, k, : h + 1, h][:, :, None]
                ).sum(1) * spec.topup_prevalence
    return out, benef
