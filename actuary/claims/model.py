"""Claims model: fit on the province's history, simulate fund-paid expenditure per path.

``ClaimsModel(spec).fit(data, parameters) -> ClaimsResults``;
``ClaimsResults.simulate(economy_block, rng) -> xr.Dataset`` (ARCHITECTURE "Claims").

Per projection year *y*, path *p*, region *r* (one vectorised step; the only Python loop is over
years):

1. **Counts.**
   :math:`\\Lambda_{pyrc} = E_{pyrc}\\,e^{\\alpha_c+\\rho_r+\\beta(y-t_0)}\\,Y_{py}\\,G_{pyrc}`
   (:mod:`~actuary.claims.incidence`); by Poisson thinning the outcome counts are independent
   :math:`N_{pyro} \\sim \\text{Poisson}(\\sum_c \\Lambda_{pyrc}\\,s_{co})` with :math:`s_{co}` the
   outcome mix (:mod:`~actuary.claims.outcome`); major-accident victims
   (:mod:`~actuary.claims.major`) are added.
2. **Accident-year cost.** Non-formula items (:mod:`~actuary.claims.severity`): one Gamma draw
   per cell. Formula items (一次性伤残补助金, 一次性工伤医疗补助金, 丧葬补助金,
   一次性工亡补助金) are
   priced with :func:`actuary.benefits.price_benefits` on a profile of historical claimants
   (wage relative to the area wage, age, sex, nursing level, separation, dependants) at the
   simulated year's parameters: every formula is homogeneous of degree one in
   (own wage, area wage) and in the national income, so the profile is priced once per year at
   a reference wage and scaled by each path's area wage :math:`A_{pyr}` (previous-year monthly
   wage) and national income :math:`D_{py}`.
3. **Calendar-year payments.** Accident-year costs are paid with the chain-ladder pattern of
   their budget group (:mod:`~actuary.claims.development`); accident years of the history
   contribute their chain-ladder outstanding.
4. **Streams** (:mod:`~actuary.claims.streams`): the stock of beneficiaries runs off; grade 1–4
   and death claims add entrants after an entry lag; amounts rise by flat yearly increments per
   grade / level / relation, :math:`\\Delta_{pyg} = \\max\\{0, w_g g^W_{p,y-1} + (1-w_g)
   \\pi_{p,y-1}\\} \\bar a_{pg}` (wage growth :math:`g^W`, CPI :math:`\\pi`, the group's average
   amount :math:`\\bar a`), the Jilin practice of flat increments (FACTS.md §4.3) expressed as
   a rule.

With ``volatility = false`` every random draw is replaced by its mean (golden tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from actuary import dims
from actuary.benefits import price_benefits
from actuary.claims.development import DevelopmentPattern, chain_ladder, paid_triangle
from actuary.claims.incidence import IncidenceFit, fit_incidence
from actuary.claims.major import MajorFit, fit_major, simulate_major
from actuary.claims.outcome import OutcomeFit, fit_outcome_mix
from actuary.claims.severity import SeverityFit, fit_severity
from actuary.claims.streams import (
    KIND_ALLOWANCE,
    KIND_LIFE,
    KIND_TOPUP,
    MortalityTable,
    StreamCells,
    retirement_fractions,
    run_off,
)
from actuary.errors import InputError
from actuary.params import ParameterSet, load_parameters
from actuary.spec.assumptions import AssumptionFile
from actuary.spec.claims import ClaimsSpec

__all__ = ["CL_GROUPS", "FORMULA_ITEMS", "STREAM_ITEMS", "ClaimsModel", "ClaimsResults"]

OUTCOMES = dims.OUTCOMES
N_OUT = len(OUTCOMES)
DEATH = OUTCOMES.index("death")
#: Items paid as lump sums / costs through the chain-ladder pattern of their budget group.
FORMULA_ITEMS: tuple[str, ...] = (
    "disability_lump_sum",
    "medical_lump_sum",
    "funeral_grant",
    "death_lump_sum",
)
#: Long-term stream items (paid from the stock and entrant cohorts).
STREAM_ITEMS: tuple[str, ...] = (
    "disability_allowance",
    "nursing_care",
    "survivor_pension",
    "pension_topup",
)
#: Chain-ladder groups: one paid triangle per non-stream benefit item (each budget group split
#: by item, because e.g. 一次性工伤医疗补助金 is paid at separation, years after the
#: 一次性伤残补助金
#: of the same budget group).
CL_GROUPS: dict[str, tuple[str, ...]] = {
    i: (i,) for i in dims.BENEFIT_ITEMS if i not in STREAM_ITEMS
}
NURSING = ("full", "most", "partial")
#: Formula items proportional to the claimant's 本人工资 (条例 art. 64), which differs by region
#: (e.g. 省本级 employers pay ~1.2 × the province's average wage): priced with the province-wide
#: profile times the region's wage relativity (:func:`_wage_relativity`).
OWN_WAGE_ITEMS: tuple[str, ...] = ("disability_lump_sum", "medical_lump_sum")
#: Assumption keys used by the fit itself (an override of these needs a refit).
FIT_KEYS: frozenset[str] = frozenset(
    {
        "incidence.max_recognition_lag",
        "severity.items",
        "severity.nominal_items",
        "severity.min_developed",
        "severity.wage_basis",
        "development.tail",
        "development.history_method",
        "pricing.max_profile_per_outcome",
        "major.threshold",
        "major.max_victims",
    }
)
#: Indexation groups: allowance grades 1–4, nursing levels, survivors' relations.
INDEX_GROUPS: tuple[str, ...] = (
    "allowance_1",
    "allowance_2",
    "allowance_3",
    "allowance_4",
    "nursing_full",
    "nursing_most",
    "nursing_partial",
    "survivor_spouse",
    "survivor_other",
)


def _frame(data: Any, name: str) -> pd.DataFrame:
    obj = data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)
    if obj is None:
        raise InputError("table missing from the province data", field=name)
    df = obj if isinstance(obj.index, pd.RangeIndex) else obj.reset_index()
    return df.copy()


def _meta(data: Any, key: str) -> Any:
    subs = (
        (data.get("metadata"), data.get("meta"))
        if isinstance(data, Mapping)
        else (getattr(data, "metadata", None), getattr(data, "meta", None))
    )
    for holder in (data, *subs):
        if holder is None:
            continue
        val = holder.get(key) if isinstance(holder, Mapping) else getattr(holder, key, None)
        if val is not None:
            return val
    raise InputError("missing from the province metadata", file="metadata.toml", field=key)


def _sex_code(s: pd.Series) -> np.ndarray:
    x = s.astype(str).str.lower().str[0]
    return np.where(x.isin(["f", "女", "2"]), 1, 0)


def _nursing_names(x: pd.Series) -> np.ndarray:
    """Nursing level names from the data codes (0 none, 1 部分 partial, 2 大部分 most, 3 完全
    full; README of the data folder) or from names."""
    codes = {"0": "none", "1": "partial", "2": "most", "3": "full"}
    v = x.fillna(0).astype(str).str.lower().str.replace(".0", "", regex=False)
    out = v.map(lambda t: codes.get(t, t))
    bad = ~out.isin(["none", *NURSING])
    if bad.any():
        raise InputError(
            "nursing must be 0-3 or none/partial/most/full",
            field="nursing",
            rows=[int(i) + 1 for i in np.flatnonzero(bad.to_numpy())],
        )
    return out.to_numpy()


def _is_event(c: pd.DataFrame) -> np.ndarray:
    if "event_id" not in c:
        return np.zeros(len(c), bool)
    ev = c["event_id"]
    return (ev.notna() & (ev.astype(str).str.strip() != "") & (ev.astype(str) != "nan")).to_numpy()


@dataclass
class ClaimsResults:
    """A fitted claims model: parameters, summary and the block simulator."""

    spec: ClaimsSpec
    parameters: ParameterSet
    regions: tuple[str, ...]
    last_year: int
    incidence: IncidenceFit
    outcome: OutcomeFit
    severity: SeverityFit
    patterns: dict[str, DevelopmentPattern]
    major: MajorFit
    major_region_prob: np.ndarray
    outstanding: np.ndarray  # (future year index, region, item) run-off of history AYs
    pending: dict[str, np.ndarray]  # entrants still to come from history AYs
    profile: pd.DataFrame
    stock: StreamCells | None
    stock_table: pd.DataFrame
    survivor_mix: pd.DataFrame
    entrant_mix: pd.DataFrame
    entry_lag: dict[str, np.ndarray]
    base_avg_amount: np.ndarray  # (index group,) average monthly amount of the stock
    last_area_wage: np.ndarray  # (region,) monthly A for the first projection year
    last_wage_growth: float
    last_cpi: float
    last_income: float  # national disposable income of the last history year
    hist_workers: float
    history_counts: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """Fitted parameters as plain values and tables (for the review pack)."""
        return {
            "incidence": {
                "intercept": self.incidence.intercept,
                "trend": self.trend,
                "trend_fitted": self.incidence.trend,
                "trend_se": self.incidence.trend_se,
                "base_year": self.incidence.base_year,
                "sigma_year": self.incidence.sigma_year,
                "alpha_cell": self.incidence.alpha_cell,
                "class_effect": self.incidence.class_effect,
                "region_effect": self.incidence.region_effect,
                "recognition_completion": self.incidence.completion.tolist(),
                "comparison": self.incidence.comparison,
            },
            "outcome_mix": self.outcome.shares(self.spec.outcome_model),
            "outcome_comparison": self.outcome.comparison,
            "severity": self.severity.table,
            "development": {
                g: {
                    "factors": p.factors.tolist(),
                    "tail": p.tail,
                    "pattern": p.incremental.tolist(),
                }
                for g, p in self.patterns.items()
            },
            "major": {
                "rate": self.major.rate,
                "threshold": self.major.threshold,
                "tail_index": self.major.tail_index,
                "n_events": self.major.n_events,
                "mean_size": self.major.mean_size(),
            },
            "streams": {
                "stock_persons": self.stock_table.groupby("benefit_type")["persons"].sum().to_dict()
                if len(self.stock_table)
                else {},
                "entry_lag": {k: v.tolist() for k, v in self.entry_lag.items()},
            },
            "spec": self.spec.as_dict(),
        }

    def with_overrides(self, overrides: Any) -> ClaimsResults:
        """The fitted model with assumption overrides (scenarios, sensitivities) applied.

        Overrides of projection assumptions (trend, inflation, mortality, retirement, streams,
        indexation, major-accident rate, volatility) take effect without refitting; keys that
        change the fit itself (:data:`FIT_KEYS`) raise an :class:`InputError` — put them in
        the scenario's own claims assumption file so the model is refitted.
        """
        if self.spec.assumptions is None:
            raise InputError("this claims model was not built from an assumption file")
        overrides = list(overrides)
        for o in overrides:
            if o.target in FIT_KEYS:
                raise InputError(
                    "this claims assumption changes the fit; set it in the scenario's claims "
                    "assumption file instead of an override",
                    file=o.origin or None,
                    field=o.target,
                )
        f = self.spec.assumptions.with_overrides(overrides)
        spec = ClaimsSpec.parse(f)
        profile = _split_profile(self.extra["profile_base"], spec.female_worker_share)
        stock, table, base, mix = _stock_cells(
            self.extra["beneficiaries"], spec, self.parameters, self.regions, self.last_year
        )
        extra = {k: v for k, v in self.extra.items() if k not in ("multipliers", "stream_tables")}
        return replace(
            self,
            spec=spec,
            profile=profile,
            entrant_mix=profile[profile["code"].between(1, 4)][
                ["sex_code", "age", "group", "weight"]
            ],
            stock=stock,
            stock_table=table,
            base_avg_amount=base,
            survivor_mix=mix,
            extra=extra,
        )

    @property
    def trend(self) -> float:
        """Trend used in projection (fitted unless the model file fixes it)."""
        t = self.spec.incidence_trend
        return self.incidence.trend if t is None else t

    def summary(self) -> str:
        """A short text summary of the fit."""
        inc = self.incidence
        lines = [
            f"Claims model fitted on history to {self.last_year} ({len(self.regions)} regions)",
            f"  incidence: trend {inc.trend:+.4f}/yr (se {inc.trend_se:.4f};"
            f" used {self.trend:+.4f}),"
            f" year-effect sd {inc.sigma_year:.3f}, cell NB alpha {inc.alpha_cell:.4f}",
            "  Poisson vs NB: "
            + ", ".join(f"{m} AIC {r.aic:.1f}" for m, r in inc.comparison.iterrows()),
            "  outcome model: "
            + self.spec.outcome_model
            + " ("
            + ", ".join(f"{m} AIC {r.aic:.1f}" for m, r in self.outcome.comparison.iterrows())
            + ")",
        ]
        for g, p in self.patterns.items():
            pct = np.cumsum(p.incremental)[:4]
            lines.append(
                f"  development {g}: paid by dev 0..3 = "
                + ", ".join(f"{x:.2f}" for x in pct)
                + f", tail {p.tail:.4f}"
            )
        m = self.major
        lines.append(
            f"  major accidents: {m.n_events} events in {m.n_years} yrs, rate {m.rate:.3f}/yr,"
            f" Pareto index {m.tail_index:.2f} (s0={m.threshold})"
        )
        if len(self.stock_table):
            st = self.stock_table.groupby("benefit_type")["persons"].sum()
            lines.append("  stock: " + ", ".join(f"{k} {int(v)}" for k, v in st.items()))
            t = self.stock_table
            amt = (t["amount"] * t["persons"]).groupby(t["benefit_type"]).sum() / st
            if "pension_topup" in amt and "disability_allowance" in amt:
                lines.append(
                    "  stock diagnostic: average top-up / average allowance = "
                    f"{amt['pension_topup'] / amt['disability_allowance']:.3f} "
                    f"(model: topup_share {self.spec.topup_share:.2f} of the allowance for a "
                    f"share {self.spec.topup_prevalence:.2f} of retirees)"
                )
        return "\n".join(lines)

    # ---------------------------------------------------------------------------------
    def _profile_multipliers(self, year: int) -> dict[str, np.ndarray]:
        """Formula benefits per claim of each outcome in ``year`` (cached), per unit A or D."""
        cache = self.extra.setdefault("multipliers", {})
        if year not in cache:
            cache[year] = profile_multipliers(self.profile, self.parameters, year)
        return cache[year]

    # ---------------------------------------------------------------------------------
    def simulate(
        self,
        economy_block: xr.Dataset,
        rng: np.random.Generator | Mapping[str, np.random.Generator],
    ) -> xr.Dataset:
        """Simulate one block of paths (ARCHITECTURE "Claims" contract).

        Parameters
        ----------
        economy_block
            The economy Dataset of the block (``avg_wage``, ``covered_workers``,
            ``wage_growth``, ``cpi_growth``, ``national_disposable_income``; dims path, year,
            region, industry_class).
        rng
            Either a mapping with the block's generators of the streams ``"claims"``,
            ``"major_accidents"`` and ``"mortality"`` (:func:`block_generators`), or one
            generator from which the three are spawned.

        Returns
        -------
        xr.Dataset with ``paid`` (path, year, region, benefit_item), ``expenditure``
        (path, year, region, item), ``claim_count`` (path, year, region, outcome),
        ``beneficiaries`` (path, year, region, benefit_type), and ``major_accident_victims``,
        ``major_accident_cost`` (path, year, region).
        """
        if isinstance(rng, Mapping):
            g_claims, g_major, g_mort = rng["claims"], rng["major_accidents"], rng["mortality"]
        else:
            g_claims, g_major, g_mort = rng.spawn(3)
        return _simulate(self, economy_block, g_claims, g_major, g_mort)


def block_generators(seed: int, block: int) -> dict[str, np.random.Generator]:
    """The three random streams of the claims side for one block (:mod:`actuary.rng`)."""
    from actuary.rng import generator

    return {s: generator(seed, block, s) for s in ("claims", "major_accidents", "mortality")}


class ClaimsModel:
    """Claims model specification; :meth:`fit` estimates it on a province's history."""

    def __init__(self, spec: ClaimsSpec | AssumptionFile) -> None:
        self.spec = spec if isinstance(spec, ClaimsSpec) else ClaimsSpec.parse(spec)

    @classmethod
    def from_assumptions(cls, f: AssumptionFile) -> ClaimsModel:
        """The model of an assumption file (``models/assumptions/claims.toml``)."""
        return cls(ClaimsSpec.parse(f))

    def fit(self, data: Any, parameters: ParameterSet | None = None) -> ClaimsResults:
        """Fit every component on the province data (see the module docstring)."""
        return _fit(self.spec, data, parameters if parameters is not None else load_parameters())


def profile_multipliers(
    profile: pd.DataFrame, parameters: ParameterSet, year: int
) -> dict[str, np.ndarray]:
    """Formula benefits per claim of each outcome, per unit area wage / national income.

    Prices the claimant profile with :func:`actuary.benefits.price_benefits` at a reference
    area wage ``A_ref`` and income ``D_ref``; returns per-claim means divided by them.
    """
    pr = profile
    a_ref = 10000.0
    d_ref = 100000.0
    when = np.datetime64(f"{year}-07-01", "D")
    age_days = (pr["age"].to_numpy() * 365.25).astype("int64").astype("timedelta64[D]")
    birth = when - age_days
    pb = price_benefits(
        pr["outcome"].to_numpy(),
        pr["ratio"].to_numpy() * a_ref,
        a_ref,
        when,
        birth_date=birth,
        retirement_group=pr["group"].to_numpy(),
        nursing=pr["nursing"].to_numpy(),
        leaves_employment=pr["leaves"].to_numpy(),
        n_spouse=pr["n_spouse"].to_numpy(),
        n_other=pr["n_other"].to_numpy(),
        national_income_prev_year=d_ref,
        parameters=parameters,
    )
    fund = pb.fund_paid()
    w = pr["weight"].to_numpy()
    code = pr["code"].to_numpy()
    wsum = np.bincount(code, weights=w, minlength=N_OUT)
    wsum = np.where(wsum > 0, wsum, 1.0)

    def mean(x: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=w * x, minlength=N_OUT) / wsum

    out: dict[str, np.ndarray] = {}
    for item in ("disability_lump_sum", "medical_lump_sum", "funeral_grant"):
        out[item] = mean(fund[item]) / a_ref
    out["death_lump_sum_D"] = mean(fund["death_lump_sum"]) / d_ref
    allow = fund["disability_allowance"]
    out["allowance_share"] = mean((allow > 0).astype(float))  # entrants per claim
    out["allowance_amount"] = mean(allow) / a_ref  # monthly, per claim
    for lv, name in enumerate(NURSING, start=1):
        sel = (pr["nursing_code"].to_numpy() == lv).astype(float)
        out[f"nursing_{name}_share"] = mean(sel)
        out[f"nursing_{name}_amount"] = mean(fund["nursing_care"] * sel) / a_ref
    out["survivors_per_death"] = mean(pr["n_dep"].to_numpy(float))
    out["survivor_amount"] = mean(fund["survivor_pension"]) / a_ref  # per death, monthly
    return out


# ======================================================================================
# fitting
# ======================================================================================
def _area_wage_history(data: Any, basis: str, regions: tuple[str, ...]) -> pd.DataFrame:
    """Monthly previous-year area wage A by (year, region): avg_wage(year − 1) / 12."""
    if basis == "region":
        er = _frame(data, "economy_region")
        er["region"] = er["region"].astype(str)
        w = er.pivot_table(index="year", columns="region", values="avg_wage")
    else:
        ec = _frame(data, "economy")
        s = ec.set_index("year")["avg_wage"]
        w = pd.DataFrame(dict.fromkeys(regions, s))
    w = w.reindex(columns=list(regions))
    prev = w.shift(1, axis=0)
    prev.index = w.index
    a = prev / 12.0
    a.loc[a.index.max() + 1] = w.loc[w.index.max()] / 12.0
    return a.bfill()


def _fit(spec: ClaimsSpec, data: Any, params: ParameterSet) -> ClaimsResults:
    T = int(_meta(data, "last_full_year"))
    claims = _frame(data, "claims")
    payments = _frame(data, "payments")
    exposure = _frame(data, "exposure")
    benef = _frame(data, "beneficiaries")
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
    prof["sex_code"] = _sex_code(prof["sex"])
    wage_rel = _wage_relativity(prof, regions)
    prof = prof.sort_values("claim_id")
    prof["rank"] = prof.groupby("outcome").cumcount()
    prof["n_in"] = prof.groupby("outcome")["claim_id"].transform("size")
    step = np.maximum(1, np.ceil(prof["n_in"] / spec.max_profile_per_outcome)).astype(int)
    prof = prof[(prof["rank"] % step) == 0]
    prof["nursing"] = _nursing_names(prof["nursing"]) if "nursing" in prof else "none"
    prof["nursing_code"] = prof["nursing"].map({"none": 0, "full": 1, "most": 2, "partial": 3})
    prof["leaves"] = prof["leaves_employment"].astype(str).str.lower().isin(["true", "1", "yes"])
    prof["n_dep"] = prof["n_dependants"].fillna(0).astype(int)
    prof["n_spouse"] = np.minimum(prof["n_dep"], 1)
    prof["n_other"] = prof["n_dep"] - prof["n_spouse"]
    prof["code"] = prof["outcome"].map({o: i for i, o in enumerate(OUTCOMES)}).astype(int)
    profile_base = _complete_profile(prof.drop(columns=["rank", "n_in"]))
    profile = _split_profile(profile_base, spec.female_worker_share)
    # --- outstanding of history accident years ----------------------------------------
    ec_hist = _frame(data, "economy").set_index("year").sort_index()
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
    stock, stock_table, base_avg, survivor_mix = _stock_cells(benef, spec, params, regions, T)
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
    ec = _frame(data, "economy").set_index("year").sort_index()
    a_next = area.loc[T + 1].reindex(list(regions)).to_numpy(float)
    wg = float(ec["avg_wage"].loc[T] / ec["avg_wage"].loc[T - 1] - 1.0)
    cpi = float(ec["cpi_growth"].loc[T])
    income = float(ec["national_disposable_income"].loc[T])
    res = ClaimsResults(
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
        pending={},
        profile=profile,
        stock=stock,
        stock_table=stock_table,
        survivor_mix=survivor_mix,
        entrant_mix=profile[profile["code"].between(1, 4)][["sex_code", "age", "group", "weight"]],
        entry_lag=entry_lag,
        base_avg_amount=base_avg,
        last_area_wage=a_next,
        last_wage_growth=wg,
        last_cpi=cpi,
        last_income=income,
        hist_workers=hist_workers,
        history_counts=cnt,
        extra={
            "cl_items": cl_items,
            "item_group": item_group,
            "area_history": area,
            "profile_base": profile_base,
            "beneficiaries": benef,
            "wage_relativity": wage_rel,
        },
    )
    res.pending = _pending_entrants(res, cnt)
    return res


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
                elif item == "death_lump_sum" and mult:
                    per = np.broadcast_to(mult["death_lump_sum_D"] * d_prev, (len(regions), N_OUT))
                elif item in mult:
                    rel = wage_rel if item in OWN_WAGE_ITEMS else np.ones_like(a_r)
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
        _nursing_names(claims["nursing"])
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


def _complete_profile(prof: pd.DataFrame) -> pd.DataFrame:
    """Add a representative claimant for outcomes absent from the history's profile (a small
    portfolio without deaths still prices a major accident's deaths): the profile's median wage
    ratio and age, a man, no nursing, no separation, no dependants."""
    have = set(prof["code"].astype(int)) if len(prof) else set()
    missing = [o for o in range(1, N_OUT) if o not in have]
    if not missing:
        return prof
    ratio = float(prof["ratio"].median()) if len(prof) else 1.0
    age = float(prof["age"].median()) if len(prof) else 40.0
    rows = pd.DataFrame(
        {
            "outcome": [OUTCOMES[o] for o in missing],
            "code": missing,
            "ratio": ratio,
            "age": age,
            "sex_code": 0,
            "nursing": "none",
            "nursing_code": 0,
            "leaves": False,
            "n_dep": 0,
            "n_spouse": 0,
            "n_other": 0,
        }
    )
    return pd.concat([prof, rows], ignore_index=True)


def _wage_relativity(prof: pd.DataFrame, regions: tuple[str, ...]) -> np.ndarray:
    r"""Relativity of the claimants' 本人工资 by region, (region,).

    :math:`k_r = \overline{W/A}_r \,/\, \overline{W/A}` with
    :math:`W/A = \min\{\max(w/A, 0.6), 3\}` (条例 art. 64) averaged over the history's graded
    and death claims of region *r* and of the province. The formula items proportional to
    本人工资 (:data:`OWN_WAGE_ITEMS`, 伤残津贴, 供养亲属抚恤金) are priced on the province-wide
    claimant profile times :math:`k_r`, so a region whose employers pay more than the pooling
    area's average wage (省本级) gets its own level while the province total is unchanged
    (the count-weighted mean of :math:`k_r` is 1). A region without claims gets 1.
    """
    x = np.clip(prof["ratio"].to_numpy(float), 0.6, 3.0)
    ok = np.isfinite(x)
    if not ok.any():
        return np.ones(len(regions))
    d = pd.DataFrame({"r": prof["region"].astype(str).to_numpy()[ok], "x": x[ok]})
    by_r = d.groupby("r")["x"].mean().reindex(list(regions))
    return (by_r / d["x"].mean()).fillna(1.0).to_numpy(float)


def _relativity(res: ClaimsResults) -> np.ndarray:
    """The fitted regional 本人工资 relativity (ones for a model fitted without it)."""
    rel = res.extra.get("wage_relativity")
    return np.ones(len(res.regions)) if rel is None else np.asarray(rel, float)


def _split_profile(prof: pd.DataFrame, female_worker_share: float) -> pd.DataFrame:
    """Claimant profile with retirement groups: women split between workers (original age 50,
    weight ``female_worker_share``) and staff (55)."""
    male = prof[prof["sex_code"] == 0].assign(group="male", weight=1.0)
    fem = prof[prof["sex_code"] == 1]
    fem_w = fem.assign(group="female_worker", weight=female_worker_share)
    fem_s = fem.assign(group="female_staff", weight=1.0 - female_worker_share)
    out = pd.concat([male, fem_w, fem_s], ignore_index=True)
    return out[out["weight"] > 0].reset_index(drop=True)


def _stock_cells(
    benef: pd.DataFrame, spec: ClaimsSpec, params: ParameterSet, regions: tuple[str, ...], T: int
) -> tuple[StreamCells | None, pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Group the beneficiary stock into cohort cells."""
    b = benef.copy()
    empty_mix = pd.DataFrame(
        {"sex_code": [1], "age": [45.0], "relation": ["spouse"], "weight": [1.0]}
    )
    if b.empty:
        return (
            None,
            pd.DataFrame(columns=["benefit_type", "persons"]),
            np.zeros(len(INDEX_GROUPS)),
            empty_mix,
        )
    b["region"] = b["region"].astype(str)
    b = b[b["region"].isin(regions)]
    b["sex_code"] = _sex_code(b["sex"])
    b["birth_year"] = pd.to_datetime(b["birth_date"]).dt.year
    bt = b["benefit_type"].astype(str)
    grade = pd.to_numeric(b["grade"], errors="coerce").fillna(0).astype(int)
    nurse = (
        pd.Series(_nursing_names(b["nursing"]), index=b.index)
        if "nursing" in b
        else pd.Series("none", index=b.index)
    )
    rel = b["relation"].astype(str).str.lower() if "relation" in b else pd.Series("", index=b.index)
    grp = np.full(len(b), "", dtype=object)
    grp[(bt == "disability_allowance").to_numpy() | (bt == "pension_topup").to_numpy()] = (
        "allowance_" + grade.clip(1, 4).astype(str)
    ).to_numpy()[(bt == "disability_allowance").to_numpy() | (bt == "pension_topup").to_numpy()]
    is_n = (bt == "nursing_care").to_numpy()
    grp[is_n] = ("nursing_" + nurse.where(nurse.isin(NURSING), "partial")).to_numpy()[is_n]
    is_s = (bt == "survivor_pension").to_numpy()
    grp[is_s] = np.where(rel.to_numpy()[is_s] == "spouse", "survivor_spouse", "survivor_other")
    b["igroup"] = grp
    b = b[(b["igroup"] != "") & ~((bt == "disability_allowance") & (grade > 4))]
    b["child"] = b["relation"].astype(str).str.lower().eq("child") if "relation" in b else False
    # retirement group of allowance persons: women split between worker (50) and staff (55)
    fem = b["sex_code"] == 1
    rows = [
        b[~fem].assign(rgroup=0, w=1.0),
        b[fem].assign(rgroup=2, w=spec.female_worker_share),
        b[fem].assign(rgroup=1, w=1.0 - spec.female_worker_share),
    ]
    bb = pd.concat(rows, ignore_index=True)
    bb = bb[bb["w"] > 0]
    bb["amt_w"] = bb["monthly_amount"].astype(float) * bb["w"]
    keys = ["region", "benefit_type", "igroup", "sex_code", "birth_year", "rgroup", "child"]
    g = bb.groupby(keys, sort=True).agg(persons=("w", "sum"), amount=("amt_w", "sum")).reset_index()
    g["amount"] = g["amount"] / g["persons"]
    years = np.arange(T + 1, T + 61)
    btype_idx = {t: i for i, t in enumerate(dims.BENEFIT_TYPES)}
    kind = np.where(
        g["benefit_type"] == "disability_allowance",
        KIND_ALLOWANCE,
        np.where(g["benefit_type"] == "pension_topup", KIND_TOPUP, KIND_LIFE),
    )
    phi, pre_end = retirement_fractions(
        g["birth_year"].to_numpy(), g["rgroup"].to_numpy(), years, params
    )
    phi[kind != KIND_ALLOWANCE] = 1.0
    pre_end[kind != KIND_ALLOWANCE] = 1.0
    loading = g["benefit_type"].map(spec.loading).to_numpy(float)
    cells = StreamCells(
        region=g["region"].map({r: i for i, r in enumerate(regions)}).to_numpy(int),
        btype=g["benefit_type"].map(btype_idx).to_numpy(int),
        kind=kind.astype(int),
        group=g["igroup"].map({x: i for i, x in enumerate(INDEX_GROUPS)}).to_numpy(int),
        sex=g["sex_code"].to_numpy(int),
        birth_year=g["birth_year"].to_numpy(int),
        n0=g["persons"].to_numpy(float),
        amount0=g["amount"].to_numpy(float),
        loading=loading,
        exit_age=np.where(g["child"].to_numpy(bool), float(spec.child_age_limit), np.inf),
        phi=phi,
        pre_end=pre_end,
        start_year=np.full(len(g), -1, int),
        extra_exit=np.where(g["igroup"] == "survivor_spouse", spec.spouse_remarriage_rate, 0.0),
    )
    tab = g.rename(columns={"igroup": "index_group"})
    base = np.zeros(len(INDEX_GROUPS))
    for i, x in enumerate(INDEX_GROUPS):
        sel = g["igroup"] == x
        if sel.any():
            base[i] = float((g["amount"][sel] * g["persons"][sel]).sum() / g["persons"][sel].sum())
    s = b[b["benefit_type"] == "survivor_pension"].copy()
    if "accident_year" in s and len(s):
        recent = s[s["accident_year"] >= T - 4]
        s = recent if len(recent) else s
        s["age"] = (s["accident_year"] + 1 - s["birth_year"]).clip(lower=0).astype(float)
        mix = (
            s.assign(relation=s["relation"].astype(str).str.lower(), weight=1.0)
            .groupby(["sex_code", "age", "relation"])["weight"]
            .sum()
            .reset_index()
        )
        mix["weight"] /= mix["weight"].sum()
    else:
        mix = empty_mix
    return cells, tab, base, mix


def _pending_entrants(res: ClaimsResults, cnt: pd.DataFrame) -> dict[str, np.ndarray]:
    """Expected stream entrants (counts, by projection year offset × region × outcome) still to
    come from history accident years: ultimate count × entry-lag mass after the last year."""
    T = res.last_year
    D = res.spec.entry_lag_max
    out = np.zeros((D + 1, len(res.regions), N_OUT))
    amt_a = np.zeros((D + 1, len(res.regions), N_OUT))
    area = res.extra["area_history"]
    ridx = {r: i for i, r in enumerate(res.regions)}
    for o in [*range(1, 5), DEATH]:
        lagd = res.entry_lag["survivor_pension" if o == DEATH else "disability_allowance"]
        sub = cnt[cnt["outcome"] == OUTCOMES[o]]
        for a_y, r, ult in sub[["ay", "region", "ult"]].itertuples(index=False):
            # loop over (accident year, region) aggregates of the history
            if r not in ridx:
                continue
            for k in range(1, D + 1):
                d = T + k - int(a_y)
                if 0 <= d <= D:
                    out[k - 1, ridx[r], o] += ult * lagd[d]
                    amt_a[k - 1, ridx[r], o] += ult * lagd[d] * float(area.loc[int(a_y), r])
    return {"count": out, "count_A": amt_a}


# ======================================================================================
# simulation
# ======================================================================================
def _simulate(
    res: ClaimsResults,
    eco: xr.Dataset,
    g_claims: np.random.Generator,
    g_major: np.random.Generator,
    g_mort: np.random.Generator,
) -> xr.Dataset:
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
    # --- 1. counts ---------------------------------------------------------------------
    inc = res.incidence
    lr = inc.log_rate(regions, classes)  # (R, C)
    t = years - inc.base_year
    lam = workers * np.exp(lr[None, None] + res.trend * t[None, :, None, None])
    if vol and spec.year_effect and inc.sigma_year > 0:
        s2 = np.log1p(inc.sigma_year**2)
        ye = np.exp(g_claims.normal(-0.5 * s2, np.sqrt(s2), (P, H)))
        lam = lam * ye[:, :, None, None]
    if vol and spec.cell_overdispersion and inc.alpha_cell > 0:
        a = inc.alpha_cell
        lam = lam * g_claims.gamma(1.0 / a, a, lam.shape)
    shares = res.outcome.shares(spec.outcome_model).reindex(index=classes).to_numpy()  # (C, O)
    mu = np.einsum("pyrc,co->pyro", lam, shares)
    N = g_claims.poisson(mu).astype(float) if vol else mu
    # --- major accidents -----------------------------------------------------------------
    tot_w = workers.sum(axis=(2, 3))
    ratio = tot_w / res.hist_workers if res.hist_workers > 0 else np.ones_like(tot_w)
    maj = res.major
    if spec.major_tail_index is not None:
        maj = replace(maj, tail_index=spec.major_tail_index)
    nu = maj.rate if spec.major_rate is None else spec.major_rate
    if vol:
        M = simulate_major(maj, ratio, res.major_region_prob, g_major, rate=nu)
    else:
        M = (
            (nu * ratio * maj.mean_size())[:, :, None, None]
            * res.major_region_prob[None, None, :, None]
            * maj.outcome_mix[None, None, None, :]
        )
    NT = N + M
    # --- 2. accident-year costs ----------------------------------------------------------
    cl_items: tuple[str, ...] = res.extra["cl_items"]
    item_group: dict[str, str] = res.extra["item_group"]
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
            growth = np.exp(tau * (years - sev.ref_year)) * (
                1.0 if nominal else (1.0 + spec.excess_inflation) ** (years - res.last_year)
            )
            unit = np.ones_like(A) if nominal else A
            scale = (
                (sev.mean[k] / sev.shape[k])[None, None, None, :]
                * unit[..., None]
                * growth[None, :, None, None]
            )
            if vol:
                npos = g_claims.binomial(NT_int, sev.p_positive[k][None, None, None, :])
                cost = g_claims.gamma(npos * sev.shape[k] + (npos == 0), 1.0) * (npos > 0) * scale
            else:
                cost = NT * sev.p_positive[k] * sev.shape[k] * scale
            U[..., j] = cost.sum(-1)
            per_claim_mean = sev.p_positive[k] * sev.mean[k]
            Umaj += (M * per_claim_mean[None, None, None, :]).sum(-1) * unit * growth[None, :, None]
    mult_by_year = [res._profile_multipliers(int(y)) for y in years]
    rel = _relativity(res)
    for j, item in enumerate(cl_items):
        if item not in FORMULA_ITEMS:
            continue
        rel_i = rel if item in OWN_WAGE_ITEMS else np.ones(R)
        for h in range(H):  # years
            m = mult_by_year[h]
            if item == "death_lump_sum":
                per = m["death_lump_sum_D"][None, None, :] * Dp[:, h, None, None]
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
    return ds


def _increments(res: ClaimsResults, wg: np.ndarray, cpi: np.ndarray) -> np.ndarray:
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


def _unit_cells(
    res: ClaimsResults, years: np.ndarray
) -> tuple[StreamCells, np.ndarray, np.ndarray]:
    """Unit entrant cohorts: for each kind (allowance, nursing, survivor) and entry year, the
    age/sex mix with weights summing to 1. Returns cells, kind index and entry-year index."""
    spec = res.spec
    rows = []
    mix_a = res.entrant_mix.copy()
    mix_a["age"] = np.floor(mix_a["age"]).astype(int)
    mix_a = mix_a.groupby(["sex_code", "age", "group"])["weight"].sum().reset_index()
    mix_a["weight"] /= mix_a["weight"].sum()
    mix_s = res.survivor_mix.copy()
    mix_s["age"] = np.floor(mix_s["age"]).astype(int)
    for k_i, (kind_name, mix) in enumerate(
        (("allowance", mix_a), ("nursing", mix_a), ("survivor", mix_s))
    ):
        for h, y in enumerate(years):
            d = mix.copy()
            d["kind_i"] = k_i
            d["entry"] = h
            d["birth_year"] = int(y) - d["age"]
            d["kname"] = kind_name
            rows.append(d)
    u = pd.concat(rows, ignore_index=True)
    rg = (
        u["group"].map({"male": 0, "female_staff": 1, "female_worker": 2}).fillna(0).astype(int)
        if "group" in u
        else 0
    )
    is_allow = (u["kname"] == "allowance").to_numpy()
    phi, pre_end = retirement_fractions(
        u["birth_year"].to_numpy(), np.asarray(rg), years, res.parameters
    )
    phi[~is_allow] = 1.0
    pre_end[~is_allow] = 1.0
    load = np.select(
        [u["kname"] == "allowance", u["kname"] == "nursing"],
        [spec.loading["disability_allowance"], spec.loading["nursing_care"]],
        spec.loading["survivor_pension"],
    )
    child = (
        (u["relation"].astype(str) == "child").to_numpy()
        if "relation" in u
        else np.zeros(len(u), bool)
    )
    cells = StreamCells(
        region=np.zeros(len(u), int),
        btype=np.zeros(len(u), int),
        kind=np.where(is_allow, KIND_ALLOWANCE, KIND_LIFE),
        group=np.zeros(len(u), int),
        sex=u["sex_code"].to_numpy(int),
        birth_year=u["birth_year"].to_numpy(int),
        n0=u["weight"].to_numpy(float),
        amount0=np.zeros(len(u)),
        loading=np.asarray(load, float),
        exit_age=np.where(child, float(spec.child_age_limit), np.inf),
        phi=phi,
        pre_end=pre_end,
        start_year=years[u["entry"].to_numpy(int)],
        extra_exit=np.where(
            (u["relation"].astype(str) == "spouse").to_numpy() if "relation" in u else False,
            spec.spouse_remarriage_rate,
            0.0,
        ),
    )
    return cells, u["kind_i"].to_numpy(int), u["entry"].to_numpy(int)


class _OneHot:
    """Sum the columns of a (level, cell) array into groups: ``a @ onehot`` without a dense
    one-hot matrix (a sparse matrix product)."""

    __array_ufunc__ = None  # make ``ndarray @ _OneHot`` call __rmatmul__

    def __init__(self, col: np.ndarray, n: int) -> None:
        from scipy import sparse

        m = col.size
        self.t = sparse.csr_matrix((np.ones(m), (col, np.arange(m))), shape=(n, m))

    def __rmatmul__(self, a: np.ndarray) -> np.ndarray:
        return np.asarray((self.t @ np.asarray(a).T).T)


def _onehot(col: np.ndarray, n: int) -> _OneHot:
    return _OneHot(np.asarray(col, dtype=np.int64), n)


@dataclass(frozen=True)
class _StreamTables:
    """Run-off of the stream cells at the K mortality level points (no path draws in it).

    ``stock_base`` (year, level, region × type): monthly amounts in force of the stock at the
    base amounts times person-years; ``stock_per_g`` (year, level, index group, region × type):
    person-years by index group (the flat increments enter through these); ``stock_count``
    (year, level, region × type): persons on 31 December. ``unit_*`` (level, kind, entry year,
    year): person-years and year-end persons per unit entrant.
    """

    K: int
    stock_base: np.ndarray | None
    stock_per_g: np.ndarray | None
    stock_count: np.ndarray | None
    unit_main: np.ndarray
    unit_top: np.ndarray
    unit_nend: np.ndarray
    unit_tend: np.ndarray
    sp_share: float


def _stream_tables(res: ClaimsResults, years: np.ndarray) -> _StreamTables:
    """The path-independent part of :func:`_streams`, cached on ``res`` per projection years.

    The cache entry keeps the objects it was computed from (spec, parameters, stock, entrant
    and survivor mixes) and is recomputed when any of them is not the same object any more.
    """
    deps = (res.spec, res.parameters, res.stock, res.entrant_mix, res.survivor_mix, res.regions)
    cache = res.extra.setdefault("stream_tables", {})
    key = tuple(int(y) for y in years)
    hit = cache.get(key)
    if (
        hit is not None
        and len(hit[0]) == len(deps)
        and all(a is b for a, b in zip(hit[0], deps, strict=True))
    ):
        return hit[1]  # type: ignore[no-any-return]
    spec = res.spec
    H = len(key)
    R = len(res.regions)
    table = MortalityTable.from_csv(
        spec.mortality_table_file, spec.mortality_table_male, spec.mortality_table_female
    )
    K = spec.mortality_level_points if spec.volatility and spec.mortality_level_sd > 0 else 1
    if K > 1:
        from scipy.stats import norm

        s = spec.mortality_level_sd
        level = np.exp(s * norm.ppf((np.arange(K) + 0.5) / K))
        level = level / level.mean()
    else:
        level = np.ones(1)
    G = len(INDEX_GROUPS)
    bt = {b: i for i, b in enumerate(dims.BENEFIT_TYPES)}
    # --- stock ----------------------------------------------------------------------------
    st = res.stock
    stock_base = stock_per_g = stock_count = None
    if st is not None and st.size:
        main_col = st.region * 4 + st.btype
        top_col = st.region * 4 + bt["pension_topup"]
        onehot = _onehot(main_col, R * 4)
        top_hot = _onehot(top_col, R * 4)
        g_main = _onehot(st.group * R * 4 + main_col, G * R * 4)
        g_top = _onehot(st.group * R * 4 + top_col, G * R * 4)
        ts = spec.topup_share * spec.topup_prevalence
        gen = run_off(
            st,
            years,
            table,
            level,
            spec.mortality_improvement,
            spec.mortality_table_year,
            1.0,
            0,
            None,
        )
        stock_base = np.zeros((H, K, R * 4))
        stock_per_g = np.zeros((H, K, G, R * 4))
        stock_count = np.zeros((H, K, R * 4))
        for h, yr in enumerate(gen):
            stock_base[h] = (yr.py_main * st.amount0) @ onehot + ts * (
                yr.py_topup * st.amount0
            ) @ top_hot
            stock_per_g[h] = (yr.py_main @ g_main + ts * (yr.py_topup @ g_top)).reshape(K, G, R * 4)
            stock_count[h] = (
                yr.n_main_end @ onehot + (yr.n_topup_end * spec.topup_prevalence) @ top_hot
            )
    # --- unit entrant cohorts ---------------------------------------------------------------
    cells, kind_i, entry = _unit_cells(res, years)
    ohk = _onehot(kind_i * H + entry, 3 * H)
    unit_main = np.zeros((K, 3, H, H))  # (level, kind, entry, year): person-years per entrant
    unit_top = np.zeros((K, 3, H, H))
    unit_nend = np.zeros((K, 3, H, H))
    unit_tend = np.zeros((K, 3, H, H))
    gen = run_off(
        cells,
        years,
        table,
        level,
        spec.mortality_improvement,
        spec.mortality_table_year,
        1.0,
        0,
        None,
        entry_fraction=spec.entry_year_fraction,
    )
    for h, yr in enumerate(gen):
        unit_main[:, :, :, h] = (yr.py_main @ ohk).reshape(K, 3, H)
        unit_top[:, :, :, h] = (yr.py_topup @ ohk).reshape(K, 3, H)
        unit_nend[:, :, :, h] = (yr.n_main_end @ ohk).reshape(K, 3, H)
        unit_tend[:, :, :, h] = (yr.n_topup_end @ ohk).reshape(K, 3, H)
    sv_w = res.survivor_mix.assign(sp=res.survivor_mix["relation"].astype(str) == "spouse")
    sp_share = (
        float(sv_w.loc[sv_w["sp"], "weight"].sum() / sv_w["weight"].sum()) if len(sv_w) else 1.0
    )
    out = _StreamTables(
        K, stock_base, stock_per_g, stock_count, unit_main, unit_top, unit_nend, unit_tend, sp_share
    )
    cache[key] = (deps, out)
    return out


def _streams(
    res: ClaimsResults,
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
    pre = _stream_tables(res, years)
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
    mult = [res._profile_multipliers(int(y)) for y in years]
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
    A_own = A * _relativity(res)[None, None, :]
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
        Am[:, :hk, :, g] += pend["count_A"][:hk, :, o][None] * am[0] * _relativity(res)
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
    Am[:, :hk, :, 7] += pend["count_A"][:hk, :, DEATH][None] * sam[0] * _relativity(res)
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
