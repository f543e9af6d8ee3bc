"""Fitting the claims model on a province's history: incidence, outcome mix, development
patterns, severity, the claimant profile, the outstanding of history accident years, entry lags,
the beneficiary stock and major accidents, after the input checks the model relies on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from actuary import dims
from actuary.claims.codes import CL_GROUPS, N_OUT, OUTCOMES, own_wage_items
from actuary.claims.development import DevelopmentPattern, chain_ladder, paid_triangle
from actuary.claims.incidence import fit_incidence
from actuary.claims.major import fit_major
from actuary.claims.outcome import fit_outcome_mix
from actuary.claims.profiles import (
    complete_profile,
    nursing_names,
    profile_multipliers,
    sex_code,
    split_profile,
    wage_relativity,
)
from actuary.claims.results import ClaimsResults, entrant_mix
from actuary.claims.severity import SeverityFit, fit_severity
from actuary.claims.stock import pending_entrants, stock_cells
from actuary.data import ProvinceData
from actuary.errors import InputError
from actuary.params import ParameterSet
from actuary.spec.claims import ClaimsSpec

__all__ = ["CLAIM_COLUMNS", "fit_claims"]


def _area_wage_history(data: ProvinceData, basis: str, regions: tuple[str, ...]) -> pd.DataFrame:
    """Monthly previous-year area wage A by (year, region): avg_wage(year − 1) / 12."""
    if basis == "region":
        er = data.table("economy_region").copy()
        er["region"] = er["region"].astype(str)
        w = er.pivot_table(index="year", columns="region", values="avg_wage")
    else:
        ec = data.table("economy")
        s = ec.set_index("year")["avg_wage"]
        w = pd.DataFrame(dict.fromkeys(regions, s))
    w = w.reindex(columns=list(regions))
    prev = w.shift(1, axis=0)
    prev.index = w.index
    a = prev / 12.0
    a.loc[a.index.max() + 1] = w.loc[w.index.max()] / 12.0
    return a.bfill()


def fit_claims(spec: ClaimsSpec, data: ProvinceData, params: ParameterSet) -> ClaimsResults:
    """Fit every component on the province data (see :mod:`actuary.claims.model`)."""
    last = data.meta("last_full_year")
    if last is None:
        raise InputError(
            "missing from the province metadata", file="metadata.toml", field="last_full_year"
        )
    T = int(last)
    claims = data.table("claims").copy()
    payments = data.table("payments").copy()
    exposure = data.table("exposure").copy()
    benef = data.table("beneficiaries").copy()
    _validate(claims, payments, benef)
    claims["region"] = claims["region"].astype(str)
    exposure["region"] = exposure["region"].astype(str)
    regions = tuple(r for r in dims.REGION_CODES if r in set(exposure["region"])) or tuple(
        sorted(exposure["region"].unique())
    )
    claims["ay"] = pd.to_datetime(claims["accident_date"]).dt.year
    claims = claims[pd.to_datetime(claims["recognition_date"]).dt.year <= T]
    payments = payments[payments["calendar_year"] <= T]
    # the export window starts with the first year of exposure / payments: accident years
    # before it appear only through later payments (README of the data folder), so every
    # fit below uses accident years from that year on; the older ones enter as the stock
    # and as the outstanding of the chain ladder.
    first_year = int(max(exposure["year"].min(), payments["calendar_year"].min()))
    claims = claims[claims["ay"] >= first_year].copy()
    # events below the major-accident threshold stay in the ordinary process
    ev = _is_event(claims)
    if ev.any():
        size = claims[ev].groupby("event_id")["claim_id"].transform("size")
        small = np.zeros(len(claims), bool)
        small[np.flatnonzero(ev)[(size < spec.major_threshold).to_numpy()]] = True
        claims.loc[small, "event_id"] = ""

    inc = fit_incidence(claims, exposure, T, spec.max_recognition_lag)
    outc = fit_outcome_mix(claims, ordinal=True)
    area = _area_wage_history(data, spec.wage_basis, regions)

    # --- development patterns per budget group ---------------------------------------
    ay = claims.set_index("claim_id")["ay"]
    patterns: dict[str, DevelopmentPattern] = {}
    for g, items in CL_GROUPS.items():
        tri = paid_triangle(payments, ay, items, last_calendar_year=T)
        patterns[g] = chain_ladder(tri, tail=spec.development_tail)
    item_group = {i: g for g, its in CL_GROUPS.items() for i in its}
    cl_items = tuple(item_group)
    # --- severity of non-formula items ------------------------------------------------
    sev_items = spec.severity_items
    mature_ay = {}
    for item in sev_items:
        pct = np.cumsum(patterns[item_group[item]].incremental)
        ages = np.arange(pct.size)
        ok = ages[pct[: ages.size] >= spec.min_developed]
        mature_ay[item] = (T - int(ok.min())) if ok.size else T - pct.size
    per = claims[~_is_event(claims)][["claim_id", "ay", "region", "outcome"]].copy()
    pc = payments[payments["benefit_item"].isin(sev_items)]
    tot = pc.pivot_table(index="claim_id", columns="benefit_item", values="amount", aggfunc="sum")
    per = per.join(tot, on="claim_id").fillna(dict.fromkeys(sev_items, 0.0))
    a_ay = area.stack()
    a_ay.index.names = ["ay", "region"]
    per["A"] = a_ay.reindex(pd.MultiIndex.from_arrays([per["ay"], per["region"]])).to_numpy()
    for item in sev_items:
        if item not in per:
            per[item] = 0.0
        pct = np.cumsum(patterns[item_group[item]].incremental)
        age = np.clip(T - per["ay"].to_numpy(), 0, pct.size - 1)
        base = 1.0 if item in spec.nominal_items else per["A"]
        per[item] = per[item] / pct[age] / base
    mature = per[per["ay"] <= min(mature_ay.values())]
    sev = fit_severity(mature, sev_items, ref_year=T, nominal=spec.nominal_items)
    # --- claimant profile for formula pricing -----------------------------------------
    prof = claims[claims["outcome"].astype(str) != "medical_only"].copy()
    prof["A"] = a_ay.reindex(pd.MultiIndex.from_arrays([prof["ay"], prof["region"]])).to_numpy()
    prof["ratio"] = prof["monthly_wage"].astype(float) / prof["A"]
    acc = pd.to_datetime(prof["accident_date"])
    prof["age"] = (acc - pd.to_datetime(prof["birth_date"])).dt.days / 365.25
    prof["sex_code"] = sex_code(prof["sex"])
    wage_rel = wage_relativity(prof, regions, params)
    own_items = own_wage_items(params, T)
    prof = prof.sort_values("claim_id")
    prof["rank"] = prof.groupby("outcome").cumcount()
    prof["n_in"] = prof.groupby("outcome")["claim_id"].transform("size")
    step = np.maximum(1, np.ceil(prof["n_in"] / spec.max_profile_per_outcome)).astype(int)
    prof = prof[(prof["rank"] % step) == 0]
    prof["nursing"] = nursing_names(prof["nursing"]) if "nursing" in prof else "none"
    prof["nursing_code"] = prof["nursing"].map({"none": 0, "full": 1, "most": 2, "partial": 3})
    prof["leaves"] = prof["leaves_employment"].astype(str).str.lower().isin(["true", "1", "yes"])
    prof["n_dep"] = prof["n_dependants"].fillna(0).astype(int)
    prof["n_spouse"] = np.minimum(prof["n_dep"], 1)
    prof["n_other"] = prof["n_dep"] - prof["n_spouse"]
    prof["code"] = prof["outcome"].map({o: i for i, o in enumerate(OUTCOMES)}).astype(int)
    profile_base = complete_profile(prof.drop(columns=["rank", "n_in"]))
    profile = split_profile(profile_base, spec.female_worker_share)
    # --- outstanding of history accident years ----------------------------------------
    ec_hist = data.table("economy").set_index("year").sort_index()
    cnt_all = claims.groupby(["ay", "region", "outcome"]).size().rename("n").reset_index()
    cnt_all["ult"] = (
        cnt_all["n"]
        / inc.completion[np.clip(T - cnt_all["ay"].to_numpy(), 0, inc.completion.size - 1)]
    )
    outstanding = _outstanding(
        spec,
        T,
        regions,
        claims,
        payments,
        patterns,
        item_group,
        sev,
        profile,
        params,
        area,
        ec_hist["national_disposable_income"],
        cnt_all,
        wage_rel,
        own_items,
    )
    # --- entry lags of the streams from the payments -----------------------------------
    D = spec.entry_lag_max
    entry_lag: dict[str, np.ndarray] = {}
    for item in ("disability_allowance", "survivor_pension"):
        first = (
            payments[payments["benefit_item"] == item].groupby("claim_id")["calendar_year"].min()
        )
        lag = (first - ay.reindex(first.index)).dropna()
        old = ay.reindex(first.index) <= T - D
        lag = lag[old.reindex(lag.index).fillna(False).to_numpy()]
        h = np.bincount(np.clip(lag.astype(int).to_numpy(), 0, D), minlength=D + 1).astype(float)
        entry_lag[item] = h / h.sum() if h.sum() > 0 else np.eye(D + 1)[min(1, D)]
    # --- history counts (ultimate) for pending entrants --------------------------------
    ords = claims.assign(lagc=np.clip(T - claims["ay"], 0, spec.max_recognition_lag))
    cnt = ords.groupby(["ay", "region", "outcome"]).size().rename("n").reset_index()
    cnt["ult"] = cnt["n"] / inc.completion[np.clip(T - cnt["ay"], 0, inc.completion.size - 1)]
    # --- stock of beneficiaries --------------------------------------------------------
    stock, stock_table, base_avg, survivor_mix = stock_cells(benef, spec, params, regions, T)
    # --- major accidents ---------------------------------------------------------------
    maj = fit_major(claims, first_year, T, spec.major_threshold, spec.major_max_victims)
    shares = outc.shares(spec.outcome_model)
    lr = inc.log_rate(list(regions), list(dims.INDUSTRY_CLASSES))
    ex_last = (
        exposure[exposure["year"] == T]
        .pivot_table(
            index="region", columns="industry_class", values="covered_workers", aggfunc="sum"
        )
        .reindex(index=list(regions), columns=list(dims.INDUSTRY_CLASSES), fill_value=0.0)
    )
    exp_deaths = (ex_last.to_numpy() * np.exp(lr) * shares["death"].to_numpy()[None, :]).sum(axis=1)
    region_prob = (
        exp_deaths / exp_deaths.sum()
        if exp_deaths.sum() > 0
        else np.full(len(regions), 1 / len(regions))
    )
    hist_workers = float(
        exposure[exposure["year"].between(first_year, T)]
        .groupby("year")["covered_workers"]
        .sum()
        .mean()
    )
    # --- last history values for the first projection year -----------------------------
    ec = data.table("economy").set_index("year").sort_index()
    a_next = area.loc[T + 1].reindex(list(regions)).to_numpy(float)
    wg = float(ec["avg_wage"].loc[T] / ec["avg_wage"].loc[T - 1] - 1.0)
    cpi = float(ec["cpi_growth"].loc[T])
    income = float(ec["national_disposable_income"].loc[T])
    return ClaimsResults(
        spec=spec,
        parameters=params,
        regions=regions,
        last_year=T,
        incidence=inc,
        outcome=outc,
        severity=sev,
        patterns=patterns,
        major=maj,
        major_region_prob=region_prob,
        outstanding=outstanding,
        pending=pending_entrants(cnt, T, spec.entry_lag_max, regions, entry_lag, area),
        profile=profile,
        stock=stock,
        stock_table=stock_table,
        survivor_mix=survivor_mix,
        entrant_mix=entrant_mix(profile),
        entry_lag=entry_lag,
        base_avg_amount=base_avg,
        last_area_wage=a_next,
        last_wage_growth=wg,
        last_cpi=cpi,
        last_income=income,
        hist_workers=hist_workers,
        history_counts=cnt,
        cl_items=cl_items,
        item_group=item_group,
        area_history=area,
        profile_base=profile_base,
        beneficiaries=benef,
        wage_relativity=wage_rel,
        own_wage_items=own_items,
    )


def _outstanding(
    spec: ClaimsSpec,
    T: int,
    regions: tuple[str, ...],
    claims: pd.DataFrame,
    payments: pd.DataFrame,
    patterns: dict[str, DevelopmentPattern],
    item_group: dict[str, str],
    sev: SeverityFit,
    profile: pd.DataFrame,
    params: ParameterSet,
    area: pd.DataFrame,
    income: pd.Series,
    cnt: pd.DataFrame,
    wage_rel: np.ndarray,
    own_items: tuple[str, ...],
) -> np.ndarray:
    """Future payments (year after ``T`` …, region, chain-ladder item) of history accident years.

    Bornhuetter–Ferguson (default): :math:`R_{a} = \\hat U_a (1 - \\pi_{T-a})` with the a-priori
    ultimate :math:`\\hat U_a = \\sum_o \\hat N_{a,o}\\, c_{o}(a)` (ultimate claim counts
    times the model's expected cost per claim at the accident year's wage and income) and
    :math:`\\pi` the chain-ladder fraction paid; paid over the later ages by the incremental
    pattern. ``development.history_method = "chain_ladder"`` uses
    :math:`\\hat U_a = C_a / \\pi_{T-a}` instead (undefined where nothing is paid yet).
    """
    cl_items = tuple(item_group)
    L = max(p.incremental.size for p in patterns.values())
    out = np.zeros((L, len(regions), len(cl_items)))
    reg_idx = {r: i for i, r in enumerate(regions)}
    pm = payments.merge(claims[["claim_id", "ay", "region"]], on="claim_id", how="inner")
    pm = pm[pm["benefit_item"].isin(cl_items)]
    latest = pm.groupby(["ay", "region", "benefit_item"])["amount"].sum()
    ays = sorted(int(a) for a in cnt["ay"].unique())
    for a_y in ays:  # accident years of the history (a dozen)
        sub = cnt[cnt["ay"] == a_y]
        n = np.zeros((len(regions), N_OUT))
        for r, o, u in sub[["region", "outcome", "ult"]].itertuples(index=False):
            if r in reg_idx:
                n[reg_idx[r], OUTCOMES.index(str(o))] += u
        # parameters of the accident year (the earliest in force for older years)
        first = params["benefits.disability_lump_sum_months"].first_date.year
        mult = profile_multipliers(profile, params, max(a_y, first)) if len(profile) else {}
        a_r = area.loc[a_y].reindex(list(regions)).to_numpy(float)
        d_prev = float(income.get(a_y - 1, income.iloc[0]))
        for j, item in enumerate(cl_items):
            pat = patterns[item_group[item]]
            age = T - a_y
            if age >= pat.incremental.size - 1:
                continue
            pct = float(np.cumsum(pat.incremental)[age])
            if spec.history_method == "chain_ladder":
                paid = np.array([float(latest.get((a_y, r, item), 0.0)) for r in regions])
                ult = paid / pct if pct > 0 else np.zeros(len(regions))
                fut = pat.incremental[age + 1 :][:, None] * ult[None, :]
            else:
                if item in sev.items:
                    unit = np.ones_like(a_r) if sev.is_nominal(item) else a_r
                    per = sev.expected(a_y)[sev.items.index(item)][None, :] * unit[:, None]
                elif f"{item}_D" in mult:  # per unit national income D
                    per = np.broadcast_to(mult[f"{item}_D"] * d_prev, (len(regions), N_OUT))
                elif item in mult:
                    rel = wage_rel if item in own_items else np.ones_like(a_r)
                    per = mult[item][None, :] * (a_r * rel)[:, None]
                else:
                    per = np.zeros((len(regions), N_OUT))
                prior = (n * per).sum(axis=1)
                fut = pat.incremental[age + 1 :][:, None] * prior[None, :]
            out[: fut.shape[0], :, j] += fut
    return out


CLAIM_COLUMNS = (
    "claim_id",
    "accident_date",
    "recognition_date",
    "region",
    "industry_class",
    "outcome",
    "sex",
    "birth_date",
    "monthly_wage",
    "nursing",
    "leaves_employment",
    "n_dependants",
)


def _validate(claims: pd.DataFrame, payments: pd.DataFrame, benef: pd.DataFrame) -> None:
    """The checks the claims model relies on (the data loader checks more)."""

    def fail_if(mask: Any, rule: str, file: str, field: str) -> None:
        bad = np.asarray(mask)
        if bad.any():
            rows = [int(i) + 1 for i in np.flatnonzero(bad)]
            raise InputError(rule, file=file, field=field, rows=rows)

    def require(frame: pd.DataFrame, columns: Iterable[str], file: str) -> None:
        for col in columns:
            if col not in frame.columns:
                raise InputError("missing column", file=file, field=col)

    claims_file, payments_file, benef_file = "claims.csv.gz", "payments.csv.gz", "beneficiaries.csv"
    require(claims, CLAIM_COLUMNS, claims_file)
    fail_if(
        ~claims["outcome"].astype(str).isin(OUTCOMES),
        "unknown outcome (medical_only, grade_1 … grade_10, death)",
        claims_file,
        "outcome",
    )
    wage = pd.to_numeric(claims["monthly_wage"], errors="coerce")
    fail_if(~(wage >= 0), "must be a number ≥ 0 (yuan per month)", claims_file, "monthly_wage")
    cls = pd.to_numeric(claims["industry_class"], errors="coerce")
    fail_if(
        ~cls.isin(dims.INDUSTRY_CLASSES),
        "industry class must be 1-8",
        claims_file,
        "industry_class",
    )
    for col in ("accident_date", "recognition_date", "birth_date"):
        d = pd.to_datetime(claims[col], errors="coerce")
        fail_if(d.isna(), "not a date (YYYY-MM-DD)", claims_file, col)
    try:
        nursing_names(claims["nursing"])
    except InputError as exc:
        raise InputError(exc.rule, file=claims_file, field="nursing", rows=exc.rows) from None
    require(payments, ("claim_id", "calendar_year", "benefit_item", "amount"), payments_file)
    fail_if(
        ~payments["benefit_item"].astype(str).isin(dims.BENEFIT_ITEMS),
        "unknown benefit item",
        payments_file,
        "benefit_item",
    )
    if len(benef):
        require(
            benef,
            ("region", "benefit_type", "grade", "sex", "birth_date", "monthly_amount"),
            benef_file,
        )
        fail_if(
            ~benef["benefit_type"].astype(str).isin(dims.BENEFIT_TYPES),
            "unknown benefit type",
            benef_file,
            "benefit_type",
        )
        amt = pd.to_numeric(benef["monthly_amount"], errors="coerce")
        fail_if(~(amt >= 0), "must be a number ≥ 0 (yuan per month)", benef_file, "monthly_amount")


def _is_event(c: pd.DataFrame) -> np.ndarray:
    if "event_id" not in c:
        return np.zeros(len(c), bool)
    ev = c["event_id"]
    return (ev.notna() & (ev.astype(str).str.strip() != "") & (ev.astype(str) != "nan")).to_numpy()
