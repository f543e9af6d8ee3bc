"""Seeded generator of the embedded SYNTHETIC province (``data/synthetic/``).

The synthetic province has Jilin's shape and orders of magnitude but is not Jilin's data. Every
setting is in ``actuary/data/synthetic.toml`` with unit, basis (sourced / standard / judgement)
and source; the calibration targets are the public series in ``data/public/`` (tests in
``tests/test_data_calibration.py``). ``actuary data synth --out DIR`` (or
:func:`write_synthetic`) regenerates the folder byte for byte from :data:`DEFAULT_SEED`.

Model (per year :math:`y`, sub-unit :math:`r`, industry class :math:`c`)
-----------------------------------------------------------------------
- Province average wage :math:`\\bar w_y`: the public full-caliber series 2020-2024 (and the
  2025 value implied by the 2026 计发基数), and before 2020
  :math:`\\bar w_y = \\kappa\\, w^{np}_y` with :math:`w^{np}` the public non-private series and
  :math:`\\kappa = \\bar w_{2020} / \\sqrt{w^{np}_{2019} w^{np}_{2021}}` (full / non-private ratio).
- Sub-unit wage :math:`w_{y,r} = \\bar w_y\\, \\rho_r e^{\\varepsilon_{y,r}} / k_y` with the
  2021-2022 city relativities :math:`\\rho_r`; :math:`k_y` makes the worker-weighted mean equal
  :math:`\\bar w_y`.
- Covered workers :math:`N_y` through the CSY anchors (2008, 2011) and national participant
  growth with a falling Jilin share; spread over sub-units in proportion to the 2020 census
  population (省本级 a fixed share) and over classes by a sub-unit tilt of the class shares.
- Payroll :math:`N_{y,r,c}\\, w_{y,r}\\, \\gamma_c\\, \\beta` (class relativity, declared
  base ratio);
  contributions due :math:`\\sum_g P_{y,r,c,g}\\, b_c\\, m_g\\, (1-\\text{cut}_y)` with the national
  base rates :math:`b_c` (3 old classes before 2015-10), floating grades :math:`m_g`, and the
  phased cut (−20 % / −50 % when the previous year-end balance covers 18-23 / ≥ 24 months).
- Recognised injuries :math:`\\sim \\text{Poisson}(N_{y,r,c}\\,\\lambda_y\\,\\phi_c)`
  (≈ 0.4 % a year), outcomes by class, benefits by the 工伤保险条例 formulas (本人工资 bounded to
  60-300 % of the pooling-area average wage; lump sums 27 … 7 months; 伤残津贴 90 … 75 %; nursing
  50/40/30 %; funeral 6 months; 一次性工亡补助金 20 × previous-year national urban disposable
  income), medical costs log-normal with development over up to five payment years, annuities
  simulated year by year with Gompertz mortality (disability loading), retirement and dependants'
  exits. Major accidents (many victims at once, Pareto sizes) are added on top.
- Monthly execution = annual totals by sub-unit and item split over months with seasonal
  Dirichlet weights in whole cents, so payments by budget group and contributions reconcile
  exactly with the annual figures; from 2021 (统收统支) sub-units remit their net flow to 省本级.

The only Python loops run over years (and over the eight classes or three outcome groups);
claims and persons are handled as arrays.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary import dims

DEFAULT_SEED = 20251231
"""Seed of the embedded ``data/synthetic/`` folder."""

SYNTHETIC_FILES = (
    "metadata.toml",
    "README.md",
    "regions.csv",
    "economy.csv",
    "economy_region.csv",
    "exposure.csv",
    "construction.csv",
    "claims.csv.gz",
    "payments.csv.gz",
    "beneficiaries.csv",
    "execution_monthly.csv",
    "fund_balance.csv",
    "budget.csv",
)

_FIRST_LEGACY = 1995
_GRADES = tuple(f"grade_{g}" for g in range(1, 11))
_OUT_IDX = {o: i for i, o in enumerate(dims.OUTCOMES)}  # medical_only 0, grade_g g, death 11
_ITEM_IDX = {b: i for i, b in enumerate(dims.BENEFIT_ITEMS)}
_GROUPS = ("medical_benefits", "disability_benefits", "death_benefits", "appraisal")
_GROUP_OF_ITEM = np.array([_GROUPS.index(dims.BENEFIT_ITEM_GROUP[b]) for b in dims.BENEFIT_ITEMS])
_CENSUS_2020 = {  # data/public/jilin_population.csv (7th census, secondary)
    "220100": 9066906, "220200": 3623713, "220300": 1814733, "220400": 996903,
    "220500": 1302778, "220600": 951866, "220700": 2252994, "220800": 1551378,
    "222400": 1941700, "220581": 509336, "CBS": 61146,
}


def load_settings() -> dict[str, dict[str, Any]]:
    """Generator settings from ``synthetic.toml`` as ``{section: {key: value}}``."""
    text = (resources.files("actuary.data") / "synthetic.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    return {sec: {k: v["value"] for k, v in body.items()} for sec, body in doc.items()}


def _yearmap(d: dict[str, Any]) -> dict[int, float]:
    return {int(k): float(v) for k, v in d.items()}


def _interp_years(anchors: dict[int, float], years: np.ndarray) -> np.ndarray:
    ks = sorted(anchors)
    return np.interp(years, ks, [anchors[k] for k in ks])


@dataclass
class _World:
    """Arrays shared by the generator steps (index 0 of the year axis is 1994)."""

    years: np.ndarray  # 1994 .. 2026
    hist: np.ndarray  # 2010 .. 2025
    wp: np.ndarray  # province average wage, yuan/yr, by ``years``
    w: np.ndarray  # (years, R) sub-unit average wage
    workers: np.ndarray  # (years, R, C) covered workers (int)
    emp_region: np.ndarray  # (years, R) urban employed persons
    class_theta: np.ndarray  # (R, C)
    income: dict[int, float]

    def yi(self, y: int | np.ndarray) -> Any:
        return np.asarray(y) - self.years[0]


def _economy(s: dict[str, dict[str, Any]], rng: np.random.Generator,
             scale: float = 1.0) -> _World:
    cal, wg, cv = s["calendar"], s["wage"], s["coverage"]
    first, last, cur = cal["first_year"], cal["last_full_year"], cal["current_year"]
    years = np.arange(_FIRST_LEGACY - 1, cur + 1)  # one year before the oldest accidents
    hist = np.arange(first, last + 1)
    fc = _yearmap(wg["full_caliber"])
    fc[last] = float(wg["full_caliber_2025"])
    npw = _yearmap(wg["non_private"])
    kappa = fc[2020] / np.sqrt(npw[2019] * npw[2021])
    wp = np.zeros(len(years))
    for i, y in enumerate(years):
        if y in fc:
            wp[i] = fc[y]
        elif y in npw and y < 2020:
            wp[i] = kappa * npw[y]
    i09 = 2009 - years[0]
    for i in range(i09 - 1, -1, -1):
        wp[i] = wp[i + 1] / (1.0 + wg["legacy_growth"])
    wp[-1] = wp[-2] * (1.0 + s["fund"]["current_year_growth"])

    regions = dims.REGION_CODES
    n_r = len(regions)
    # covered workers (participants) of the province
    anc = _yearmap(cv["participants_anchor"])
    nat = _yearmap(cv["national_participants"])
    p = np.zeros(len(years))
    for i, y in enumerate(years):
        if y <= 2008:
            p[i] = anc[2008] * (1 + s["claims"]["legacy_participant_growth"]) ** (y - 2008)
        elif y <= 2011:
            p[i] = anc[2008] * (anc[2011] / anc[2008]) ** ((y - 2008) / 3)
        else:
            n_y = nat[y] if y in nat else nat[2022] * (1 + cv["growth_after_2022"]) ** (y - 2022)
            p[i] = anc[2011] * n_y / nat[2011] * (1 + cv["jilin_share_drift"]) ** (y - 2011)
    p *= scale
    pop = np.array([_CENSUS_2020.get(r, 0.0) for r in regions], dtype=float)
    base_share = (1 - cv["provincial_level_share"]) * pop / pop.sum()
    base_share[regions.index("SBJ")] = cv["provincial_level_share"]
    noise = np.exp(cv["sub_unit_noise_sd"] * rng.standard_normal((len(years), n_r)))
    noise[years < first] = 1.0
    share = base_share * noise
    share /= share.sum(axis=1, keepdims=True)
    cls = np.array(cv["class_shares"], dtype=float)
    theta = rng.dirichlet(cv["class_tilt_concentration"] * cls, size=n_r)
    workers = np.rint(p[:, None, None] * share[:, :, None] * theta[None, :, :]).astype(np.int64)

    rel = np.array([wg["sub_unit_relativity"][r] for r in regions], dtype=float)
    eps = np.cumsum(wg["sub_unit_noise_sd"] * rng.standard_normal((len(years), n_r)), axis=0)
    eps -= eps[years == 2021]  # anchored at the city table's years
    raw = rel[None, :] * np.exp(eps)
    wt = workers.sum(axis=2)
    k = (wt * raw).sum(axis=1) / wt.sum(axis=1)
    w = wp[:, None] * raw / k[:, None]

    cov = _interp_years(_yearmap(cv["coverage_of_urban_employment"]), years)
    emp_region = wt / cov[:, None]
    income = _yearmap(s["severity"]["national_urban_income"])
    return _World(years, hist, wp, w, workers, emp_region, theta, income)


def _pool_wage(world: _World, s: dict[str, dict[str, Any]], year: np.ndarray,
               region: np.ndarray) -> np.ndarray:
    """Pooling-area previous-year average monthly wage (sub-unit before 统收统支, then province)."""
    prev = world.yi(np.asarray(year) - 1)
    prov = np.asarray(year) >= s["calendar"]["pooling_province_from"]
    return np.where(prov, world.wp[prev], world.w[prev, region]) / 12.0


@dataclass
class _Claims:
    acc: np.ndarray  # datetime64[D]
    rec: np.ndarray
    grading: np.ndarray  # NaT when not graded
    region: np.ndarray
    cls: np.ndarray  # 0..7
    outcome: np.ndarray  # index into dims.OUTCOMES
    male: np.ndarray
    birth: np.ndarray
    wage: np.ndarray  # monthly wage, yuan
    nursing: np.ndarray  # 0 none, 1..3 level
    leaves: np.ndarray
    n_dep: np.ndarray
    event: np.ndarray  # object array of event ids ('' if none)


def _dates(year: np.ndarray, month: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    start_d = start.astype("datetime64[D]")
    days = ((start + 1).astype("datetime64[D]") - start_d).astype(np.int64)
    return start_d + np.floor(rng.random(len(year)) * days).astype(np.int64)


def _year_of(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[Y]").astype(np.int64) + 1970


def _month_of(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[M]").astype(np.int64) % 12 + 1


def _draw_people(rng: np.random.Generator, s: dict[str, dict[str, Any]], world: _World,
                 ayear: np.ndarray, region: np.ndarray, cls: np.ndarray, outcome: np.ndarray,
                 acc: np.ndarray, event: np.ndarray) -> _Claims:
    c = s["claims"]
    n = len(ayear)
    lag = np.rint(c["recognition_lag"]["median_days"]
                  * np.exp(c["recognition_lag"]["sd_log"] * rng.standard_normal(n)))
    lag = np.where(event != "", np.minimum(lag, 40), lag).astype(np.int64)
    rec = acc + np.maximum(lag, 5)
    graded = (outcome >= 1) & (outcome <= 10)
    glag = np.rint(c["grading_lag"]["median_days"]
                   * np.exp(c["grading_lag"]["sd_log"] * rng.standard_normal(n))).astype(np.int64)
    grading = np.where(graded, rec + glag, np.datetime64("NaT"))
    male = rng.random(n) < np.array(c["male_share"])[cls]
    a = c["age_at_accident"]
    age = np.clip(a["mean"] + a["sd"] * rng.standard_normal(n), a["low"], a["high"])
    birth = acc - np.rint(age * 365.25).astype(np.int64)
    yi = world.yi(ayear)
    mean_w = world.w[yi, region] / 12.0 * np.array(s["wage"]["class_relativity"])[cls]
    sd = s["wage"]["personal_wage_sd"]
    wage = np.round(mean_w * np.exp(sd * rng.standard_normal(n) - sd * sd / 2), 2)
    nursing = np.zeros(n, dtype=np.int64)
    g14 = (outcome >= 1) & (outcome <= 4)
    pn = np.array(c["nursing_probability"])[np.clip(outcome - 1, 0, 3)]
    has_n = g14 & (rng.random(n) < pn)
    levels = np.array(c["nursing_level_probabilities"])[np.clip(outcome - 1, 0, 3)]
    u = rng.random(n)
    lvl = 1 + (u[:, None] > np.cumsum(levels, axis=1)[:, :2]).sum(axis=1)
    nursing[has_n] = lvl[has_n]
    leaves = (outcome >= 5) & (outcome <= 10) & (rng.random(n) < c["leaves_employment_probability"])
    dep_p = np.array(c["dependants_probabilities"])
    n_dep = np.where(outcome == 11, rng.choice(len(dep_p), size=n, p=dep_p), 0)
    return _Claims(acc, rec, grading, region, cls, outcome, male, birth, wage, nursing, leaves,
                   n_dep, event)


def _draw_claims(rng: np.random.Generator, s: dict[str, dict[str, Any]],
                 world: _World) -> _Claims:
    c = s["claims"]
    cal = s["calendar"]
    years = world.years[(world.years >= _FIRST_LEGACY) & (world.years <= cal["last_full_year"])]
    freq = np.exp(np.interp(years, [cal["first_year"], cal["last_full_year"]],
                            np.log([c["frequency"][str(cal["first_year"])],
                                    c["frequency"][str(cal["last_full_year"])]])))
    freq[years < cal["first_year"]] *= c["legacy_frequency_scale"]
    cf = np.array(c["class_frequency"])
    cf = cf / (np.array(s["coverage"]["class_shares"]) * cf).sum()
    lam = world.workers[world.yi(years)] * freq[:, None, None] * cf[None, None, :]
    counts = rng.poisson(lam)
    yy, rr, cc = np.meshgrid(years, np.arange(len(dims.REGION_CODES)),
                             np.arange(len(dims.INDUSTRY_CLASSES)), indexing="ij")
    flat = counts.ravel()
    ayear = np.repeat(yy.ravel(), flat)
    region = np.repeat(rr.ravel(), flat)
    cls = np.repeat(cc.ravel(), flat)
    n = len(ayear)
    mw = np.array(c["accident_month_weights"])
    month = rng.choice(12, size=n, p=mw / mw.sum()) + 1
    acc = _dates(ayear, month, rng)
    # outcomes by class: death and grades 1-6 scaled by class severity, medical only absorbs
    base = np.array([c["outcome_probabilities"][o] for o in dims.OUTCOMES])
    outcome = np.zeros(n, dtype=np.int64)
    u = rng.random(n)
    for k, sev in enumerate(c["class_severity"]):
        pk = base.copy()
        pk[1:7] *= sev
        pk[11] *= sev
        pk[0] = 1.0 - pk[1:].sum()
        sel = cls == k
        outcome[sel] = np.searchsorted(np.cumsum(pk), u[sel], side="right")
    outcome = np.minimum(outcome, 11)
    event = np.full(n, "", dtype=object)
    main = _draw_people(rng, s, world, ayear, region, cls, outcome, acc, event)
    major = _major_accidents(rng, s, world)
    return _concat(main, major)


def _major_accidents(rng: np.random.Generator, s: dict[str, dict[str, Any]],
                     world: _World) -> _Claims:
    """Major accidents: Poisson events with Pareto (Lomax) sizes, plus the fixed stress events.

    Victims of one event share the date, sub-unit and class; each victim's outcome is drawn from
    the event mix (the death share of a fixed event replaces the mix's).
    """
    m = s["major_accidents"]
    hist = world.hist
    n_ev = rng.poisson(m["rate"], size=len(hist))
    while n_ev.sum() < m["min_events"]:
        n_ev[rng.integers(len(hist))] += 1
    ev_year = np.repeat(hist, n_ev)
    ne = len(ev_year)
    pop = world.workers[world.yi(ev_year)].sum(axis=2).astype(float)
    pop /= pop.sum(axis=1, keepdims=True)
    ev_region = (rng.random(ne)[:, None] > np.cumsum(pop, axis=1)).sum(axis=1)
    ev_region = np.minimum(ev_region, len(dims.REGION_CODES) - 1)
    ev_cls = rng.choice(np.array(m["classes"]) - 1, size=ne)
    v = m["victims"]
    size = np.minimum(v["min"] + np.floor(v["scale"] * (rng.pareto(v["pareto_alpha"], ne))),
                      v["max"]).astype(np.int64)
    mw = np.array(s["claims"]["accident_month_weights"])
    ev_month = rng.choice(12, size=ne, p=mw / mw.sum()) + 1
    mix = m["outcome_mix"]
    death = np.full(ne, float(mix["death"]))
    fixed = m.get("fixed_events", [])
    if fixed:
        ev_year = np.r_[ev_year, [f["year"] for f in fixed]]
        ev_month = np.r_[ev_month, [f["month"] for f in fixed]]
        ev_region = np.r_[ev_region, [dims.REGION_CODES.index(f["region"]) for f in fixed]]
        ev_cls = np.r_[ev_cls, [f["industry_class"] - 1 for f in fixed]]
        size = np.r_[size, [f["victims"] for f in fixed]].astype(np.int64)
        death = np.r_[death, [f["death_share"] for f in fixed]]
        order = np.argsort(ev_year * 12 + ev_month, kind="stable")
        ev_year, ev_month, ev_region, ev_cls, size, death = (
            a[order] for a in (ev_year, ev_month, ev_region, ev_cls, size, death))
        ne = len(ev_year)
    ev_date = _dates(ev_year, ev_month, rng)
    seq = np.zeros(ne, dtype=np.int64)
    for y in np.unique(ev_year):
        sel = ev_year == y
        seq[sel] = np.arange(1, sel.sum() + 1)
    ev_id = np.char.add(np.char.add("E", ev_year.astype(str)),
                        np.char.add("-", np.char.zfill(seq.astype(str), 2))).astype(object)
    idx = np.repeat(np.arange(ne), size)
    n = len(idx)
    d = death[idx]
    rest = 1.0 - mix["death"]
    g16 = d + (1 - d) * mix["grade_1_6"] / rest
    g710 = g16 + (1 - d) * mix["grade_7_10"] / rest
    u = rng.random(n)
    outcome = np.where(u < d, 11,
               np.where(u < g16, rng.integers(1, 7, n),
               np.where(u < g710, rng.integers(7, 11, n), 0)))
    return _draw_people(rng, s, world, ev_year[idx], ev_region[idx], ev_cls[idx],
                        outcome.astype(np.int64), ev_date[idx], ev_id[idx])


def _concat(a: _Claims, b: _Claims) -> _Claims:
    return _Claims(**{f: np.concatenate([getattr(a, f), getattr(b, f)])
                      for f in a.__dataclass_fields__})


def _take(a: _Claims, sel: np.ndarray) -> _Claims:
    return _Claims(**{f: getattr(a, f)[sel] for f in a.__dataclass_fields__})


class _Pay:
    """Accumulates payment rows (claim index, calendar year, item index, amount in cents)."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, claim: np.ndarray, year: np.ndarray, item: str, amount: np.ndarray) -> None:
        cents = np.rint(np.asarray(amount, dtype=float) * 100).astype(np.int64)
        keep = cents > 0
        n = int(keep.sum())
        if n:
            self.parts.append((np.asarray(claim)[keep], np.broadcast_to(year, cents.shape)[keep],
                               np.full(n, _ITEM_IDX[item]), cents[keep]))

    def frame(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cl, yr, it, am = (np.concatenate([p[i] for p in self.parts]) for i in range(4))
        key = (cl.astype(np.int64) * 10000 + yr) * 100 + it
        uk, inv = np.unique(key, return_inverse=True)
        tot = np.bincount(inv, weights=am.astype(float)).round().astype(np.int64)
        return uk // 1000000, (uk // 100) % 10000, uk % 100, tot


def _hazard(s: dict[str, dict[str, Any]], age: np.ndarray, male: np.ndarray) -> np.ndarray:
    g = s["severity"]["mortality_gompertz"]
    a = np.where(male, g["a_male"], g["a_female"])
    return a * np.exp(g["b"] * np.clip(age, 0, 110))


def _payments(rng: np.random.Generator, s: dict[str, dict[str, Any]], world: _World,
              cl: _Claims) -> tuple[_Pay, pd.DataFrame]:
    sv = s["severity"]
    cal = s["calendar"]
    last = cal["last_full_year"]
    as_of = np.datetime64(f"{last}-12-31")
    n = len(cl.acc)
    ids = np.arange(n)
    pay = _Pay()
    ayear, ryear = _year_of(cl.acc), _year_of(cl.rec)
    a_acc = _pool_wage(world, s, ayear, cl.region)
    lo, hi = sv["wage_floor_cap"]
    wpers = np.clip(cl.wage, lo * a_acc, hi * a_acc)
    out = cl.outcome
    graded = (out >= 1) & (out <= 10)
    death = out == 11
    # --- medical costs, developed over payment years from recognition
    mean = np.array([sv["medical_mean_2020"][o] for o in dims.OUTCOMES])[out]
    wp2020 = world.wp[world.yi(2020)]
    level = (world.wp[world.yi(ryear)] / wp2020) ** sv["medical_wage_elasticity"]
    sd = sv["medical_sd_log"]
    total = mean * level * np.exp(sd * rng.standard_normal(n) - sd * sd / 2)
    conc = sv["development_concentration"]
    for pattern_key, sel in (("development_medical_only", out == 0),
                             ("development_graded", graded),
                             ("development_death", death)):
        pat = np.array(sv[pattern_key])
        g = rng.gamma(np.broadcast_to(conc * pat, (int(sel.sum()), len(pat))))
        g /= g.sum(axis=1, keepdims=True)
        if pattern_key == "development_medical_only":
            one = rng.random(len(g)) < sv["settled_in_one_year"]
            g[one] = 0.0
            g[one, 0] = 1.0
        for k in range(len(pat)):
            pay.add(ids[sel], ryear[sel] + k, "medical_costs", total[sel] * g[:, k])
    # --- hospital meal allowance at recognition year
    hp = sv["hospital_probability"]
    p_h = np.where(out == 0, hp["medical_only"], np.where(death, hp["death"], hp["graded"]))
    hd = sv["hospital_days"]
    scale = np.where(out == 0, hd["scale_medical_only"], hd["scale_graded"])
    days = np.ceil(rng.gamma(hd["shape"], scale)) * (rng.random(n) < p_h)
    meal = _yearmap(sv["hospital_meal_per_day"])
    rate = np.zeros(n)
    for y0 in sorted(meal):
        rate = np.where(ryear >= y0, meal[y0], rate)
    pay.add(ids, ryear, "hospital_meal", days * rate)
    # --- graded: appraisal, lump sums
    gd = cl.grading
    known = graded & (gd <= as_of)
    gyear = np.where(known, _year_of(np.where(known, gd, as_of)), 0)
    gidx = np.clip(out - 1, 0, 9)
    af = sv["appraisal_fee"]
    pay.add(ids[known], gyear[known], "appraisal_fee", np.full(int(known.sum()), af["base"]))
    review = known & (rng.random(n) < af["review_probability"])
    pay.add(ids[review], gyear[review] + 1, "appraisal_fee", np.full(int(review.sum()),
                                                                      af["review"]))
    months = np.array(sv["disability_lump_sum_months"])[gidx]
    pay.add(ids[known], gyear[known], "disability_lump_sum", (months * wpers)[known])
    mls = known & cl.leaves
    mmonths = np.array([0, 0, 0, 0, *sv["medical_lump_sum_months"]])[gidx]
    delay = rng.geometric(1 - sv["medical_lump_sum_delay"], n) - 1
    # near-retirement reduction at separation (grading date + delay years)
    red = sv["lump_sum_retirement_reduction"]
    ret = sv["retirement_age"]
    retire = cl.birth.astype("datetime64[M]") + 12 * np.where(cl.male, ret["male"],
                                                                ret["female"])
    sep = np.where(known, gd, as_of) + np.rint(365.25 * delay).astype(np.int64)
    left = np.floor((retire.astype("datetime64[D]") - sep).astype(np.int64) / 365.25)
    factor = np.where(left >= red["full_years"], 1.0,
                      np.where(left >= 1, 1.0 - red["step"] * (red["full_years"] - left),
                               np.where(left >= 0, red["under_one_year"], 0.0)))
    factor = np.clip(factor, 0.0, 1.0)
    pay.add(ids[mls], (gyear + delay)[mls], "medical_lump_sum",
            (mmonths * wpers * factor)[mls])
    # --- death lump sums at recognition
    a_death = _pool_wage(world, s, ayear, cl.region)
    pay.add(ids[death], ryear[death], "funeral_grant", (sv["funeral_months"] * a_death)[death])
    inc = np.array([world.income.get(int(y) - 1, np.nan) for y in ayear])
    lump = np.where(ayear >= 2011, sv["death_lump_sum_income_multiple"] * inc,
                    sv["death_lump_sum_months_before_2011"] * a_death)
    pay.add(ids[death], ryear[death], "death_lump_sum", np.where(death, lump, 0.0)[death])
    stock = _annuities(rng, s, world, cl, pay, wpers, known, gyear)
    return pay, stock


def _wage_growth(world: _World, t: int) -> float:
    """Growth of the province average wage in year ``t - 1`` (known when ``t`` starts)."""
    i = int(world.yi(t - 1))
    if i < 1:
        return float(world.wp[1] / world.wp[0] - 1.0)
    return float(world.wp[i] / world.wp[i - 1] - 1.0)


def _annuities(rng: np.random.Generator, s: dict[str, dict[str, Any]], world: _World,
               cl: _Claims, pay: _Pay, wpers: np.ndarray, known: np.ndarray,
               gyear: np.ndarray) -> pd.DataFrame:
    """Year loop over 伤残津贴 / 养老金补差 / 生活护理费 (grades 1-4) and 供养亲属抚恤金."""
    sv = s["severity"]
    cal = s["calendar"]
    first, last = cal["first_year"], cal["last_full_year"]
    idx = sv["annuity_indexation"]
    ret = sv["retirement_age"]
    # ---------------- workers, grades 1-4
    w_sel = np.flatnonzero(known & (cl.outcome <= 4) & (cl.outcome >= 1))
    g = cl.outcome[w_sel]
    male = cl.male[w_sel]
    by = _year_of(cl.birth[w_sel])
    bm = _month_of(cl.birth[w_sel])
    gy = gyear[w_sel]
    gm = _month_of(cl.grading[w_sel])
    allow = np.array(sv["disability_allowance_pct"])[g - 1] * wpers[w_sel]
    retire_year = by + np.where(male, ret["male"], ret["female"])
    repl = rng.uniform(sv["pension_replacement"]["low"], sv["pension_replacement"]["high"],
                       len(w_sel))
    topup = np.where(retire_year < gy, np.maximum(0.0, allow * (1 - repl)), 0.0)
    alive = np.ones(len(w_sel), dtype=bool)
    load = np.array(sv["disability_mortality_loading"])[g - 1]
    nurse_pct = np.array([0.0, *sv["nursing_pct"]])[cl.nursing[w_sel]]
    region = cl.region[w_sel]
    # ---------------- dependants of deaths
    d_sel = np.flatnonzero((cl.outcome == 11) & (cl.rec <= np.datetime64(f"{last}-12-31")))
    nd = cl.n_dep[d_sel]
    d_claim = np.repeat(d_sel, nd)
    order = np.concatenate([np.arange(k) for k in nd]) if len(nd) else np.zeros(0, np.int64)
    m = len(d_claim)
    w_age = (cl.acc[d_claim] - cl.birth[d_claim]).astype(np.int64) / 365.25
    first_is_spouse = rng.random(len(d_sel)) < 0.75
    spouse = (order == 0) & np.repeat(first_is_spouse, nd)
    is_child = ~spouse & (rng.random(m) < 0.6)
    rel = np.where(spouse, "spouse", np.where(is_child, "child", "parent"))
    dep_age = np.where(spouse, w_age + rng.normal(-1, 3, m),
                       np.where(is_child, rng.uniform(0, 17, m), w_age + rng.uniform(24, 32, m)))
    dep_age = np.clip(dep_age, 0, 95)
    d_male = np.where(spouse, ~cl.male[d_claim], rng.random(m) < 0.5)
    sp = sv["survivor_pct"]
    pct = np.where(spouse, sp["spouse"], sp["other"])
    no_spouse = np.repeat(~first_is_spouse, nd)
    pct = pct + np.where(no_spouse & (nd[np.searchsorted(d_sel, d_claim)] == 1),
                         sp["alone_extra"], 0.0)
    dep_w = wpers[d_claim]
    monthly = pct * dep_w
    tot = np.bincount(np.searchsorted(d_sel, d_claim), weights=monthly, minlength=len(d_sel))
    capf = np.minimum(1.0, wpers[d_sel] / np.maximum(tot, 1e-9))
    monthly = monthly * np.repeat(capf, nd)
    d_year = _year_of(cl.acc[d_claim])
    d_month = _month_of(cl.acc[d_claim])
    d_rec = _year_of(cl.rec[d_claim])
    dep_birth = cl.acc[d_claim] - np.rint(dep_age * 365.25).astype(np.int64)
    d_by = _year_of(dep_birth)
    d_bm = _month_of(dep_birth)
    d_active = np.ones(m, dtype=bool)
    start = int(min(gy.min() if len(gy) else first, d_year.min() if m else first))
    for t in range(start, last + 1):
        growth = _wage_growth(world, t)
        # -- workers
        on = alive & (gy <= t)
        idxed = on & (gy < t)
        allow[idxed] *= 1 + idx["allowance"] * growth
        topup[idxed] *= 1 + idx["allowance"] * growth
        m0 = np.where(gy == t, gm, 1)
        age = t - by
        hz = _hazard(s, age, male) * load
        dies = on & (rng.random(len(w_sel)) < 1 - np.exp(-hz))
        dmonth = rng.integers(1, 13, len(w_sel))
        m1 = np.where(dies, dmonth, 12)
        retiring = on & (retire_year == t)
        new_top = np.maximum(0.0, allow * (1 - repl))
        topup = np.where(retiring, new_top, topup)
        before = np.where(retire_year > t, 12, np.where(retire_year == t, bm - 1, 0))
        a_months = np.clip(np.minimum(m1, before) - m0 + 1, 0, 12) * on
        t_months = np.clip(m1 - np.maximum(m0, before + 1) + 1, 0, 12) * on
        n_months = np.clip(m1 - m0 + 1, 0, 12) * on
        if t >= first:
            tt = np.full(len(w_sel), t)
            pay.add(w_sel, tt, "disability_allowance", allow * a_months)
            pay.add(w_sel, tt, "pension_topup", topup * t_months)
            a_pool = _pool_wage(world, s, tt, region)
            pay.add(w_sel, tt, "nursing_care", nurse_pct * a_pool * n_months)
        alive &= ~dies
        # -- dependants
        d_on = d_active & (d_year <= t)
        d_idx = d_on & (d_year < t)
        monthly[d_idx] *= 1 + idx["survivor"] * growth
        dm0 = np.where(d_year == t, d_month + 1, 1)
        dage = t - d_by
        child_end = (rel == "child") & (dage >= sv["dependant_exit"]["child_age"])
        ends_child = d_on & child_end
        dhz = _hazard(s, dage, d_male) + np.where(rel == "spouse",
                                                   sv["dependant_exit"]["spouse_remarry"], 0.0)
        ends_other = d_on & ~child_end & (rng.random(m) < 1 - np.exp(-dhz))
        dm1 = np.where(ends_child, d_bm, np.where(ends_other, rng.integers(1, 13, m), 12))
        dmonths = np.clip(dm1 - dm0 + 1, 0, 12) * d_on
        if t >= first:
            pay.add(d_claim, np.maximum(t, d_rec), "survivor_pension", monthly * dmonths)
        d_active &= ~(ends_child | ends_other)
    # ---------------- stock at the end of the last history year
    rows = []
    cid = np.arange(len(cl.acc))
    on = alive & (gy <= last)
    working = on & (retire_year > last)
    retired = on & (retire_year <= last) & (topup > 0)
    nursed = on & (nurse_pct > 0)
    last_a = _pool_wage(world, s, np.full(len(w_sel), last), region)
    for btype, sel, amount, code in (
        ("disability_allowance", working, allow, "DA"),
        ("pension_topup", retired, topup, "PT"),
        ("nursing_care", nursed, nurse_pct * last_a, "NC"),
    ):
        rows.append(pd.DataFrame({
            "claim": cid[w_sel][sel], "code": code, "benefit_type": btype,
            "grade": g[sel], "male": male[sel], "birth_date": cl.birth[w_sel][sel],
            "monthly_amount": np.round(amount[sel], 2), "nursing": cl.nursing[w_sel][sel],
            "relation": "self",
        }))
    d_on = d_active & (d_year <= last)
    rows.append(pd.DataFrame({
        "claim": d_claim[d_on], "code": np.char.add("S", (order[d_on] + 1).astype(str)),
        "benefit_type": "survivor_pension", "grade": 0, "male": d_male[d_on],
        "birth_date": dep_birth[d_on], "monthly_amount": np.round(monthly[d_on], 2),
        "nursing": 0, "relation": rel[d_on],
    }))
    return pd.concat(rows, ignore_index=True)


def _split_months(rng: np.random.Generator, cents: np.ndarray, weights: np.ndarray,
                  conc: float, n_months: int = 12) -> np.ndarray:
    """Split annual totals (whole cents, shape (k,)) into months with Dirichlet noise."""
    w = rng.gamma(np.broadcast_to(conc * weights / weights.sum(), (len(cents), 12)))
    w /= w.sum(axis=1, keepdims=True)
    w = w[:, :n_months]
    if n_months == 12:
        part = np.floor(cents[:, None] * w).astype(np.int64)
        part[:, -1] += cents - part.sum(axis=1)
        return part
    return np.rint(cents[:, None] * w).astype(np.int64)


def generate(seed: int = DEFAULT_SEED, scale: float = 1.0) -> dict[str, pd.DataFrame | str]:
    """Generate the synthetic province: ``{file name: DataFrame or text}``.

    ``scale`` multiplies the covered workers (hence claims, money and file sizes); 1 is the
    embedded province. A small scale (e.g. 0.02) gives a sound but uncalibrated miniature for
    fast tests of code that only needs the shape of the data.
    """
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    s = load_settings()
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(0, 8))
    r_econ, r_claims, r_pay, r_fund, r_exec = (np.random.Generator(np.random.PCG64(c))
                                               for c in ss.spawn(5))
    cal, rt, fd = s["calendar"], s["rates"], s["fund"]
    first, last, cur = cal["first_year"], cal["last_full_year"], cal["current_year"]
    world = _economy(s, r_econ, scale)
    regions = dims.REGION_CODES
    n_r, n_c = len(regions), len(dims.INDUSTRY_CLASSES)
    hist = world.hist
    hi = world.yi(hist)

    # ---------------- claims and payments
    cl = _draw_claims(r_claims, s, world)
    as_of = np.datetime64(f"{last}-12-31")
    cl = _take(cl, cl.rec <= as_of)
    pay, stock = _payments(r_pay, s, world, cl)
    p_claim, p_year, p_item, p_cents = pay.frame()
    inwin = (p_year >= first) & (p_year <= last)
    p_claim, p_year, p_item, p_cents = (a[inwin] for a in (p_claim, p_year, p_item, p_cents))
    has_pay = np.zeros(len(cl.acc), dtype=bool)
    has_pay[p_claim] = True
    keep = (_year_of(cl.acc) >= first) | has_pay
    # claim ids in order of accident date, region
    order = np.lexsort((cl.region, cl.acc))
    order = order[keep[order]]
    ay = _year_of(cl.acc[order])
    seq = np.zeros(len(order), dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(ay)) + 1]
    for a0, a1 in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        seq[a0:a1] = np.arange(1, a1 - a0 + 1)
    cid_of = np.full(len(cl.acc), "", dtype=object)
    cid_of[order] = np.char.add(np.char.add("GS", ay.astype(str)),
                                np.char.zfill(seq.astype(str), 6)).astype(object)
    claims = _take(cl, order)
    grading = np.where(claims.grading <= as_of, claims.grading, np.datetime64("NaT"))
    claims_df = pd.DataFrame({
        "claim_id": cid_of[order],
        "accident_date": np.datetime_as_string(claims.acc, unit="D"),
        "recognition_date": np.datetime_as_string(claims.rec, unit="D"),
        "region": np.array(regions, dtype=object)[claims.region],
        "industry_class": claims.cls + 1,
        "outcome": np.array(dims.OUTCOMES, dtype=object)[claims.outcome],
        "sex": np.where(claims.male, "M", "F"),
        "birth_date": np.datetime_as_string(claims.birth, unit="D"),
        "monthly_wage": claims.wage,
        "nursing": claims.nursing,
        "leaves_employment": np.where(claims.leaves, "true", "false"),
        "n_dependants": claims.n_dep,
        "event_id": claims.event,
        "grading_date": np.where(np.isnat(grading), "",
                                 np.datetime_as_string(grading, unit="D")),
    })
    # map claim index -> position in ``order`` for sorting payments by claim id
    pos = np.empty(len(cl.acc), dtype=np.int64)
    pos[order] = np.arange(len(order))
    pord = np.lexsort((p_item, p_year, pos[p_claim]))
    payments_df = pd.DataFrame({
        "claim_id": cid_of[p_claim[pord]],
        "calendar_year": p_year[pord],
        "benefit_item": np.array(dims.BENEFIT_ITEMS, dtype=object)[p_item[pord]],
        "amount": p_cents[pord] / 100.0,
    })

    # ---------------- stock
    st = stock.copy()
    st["claim_id"] = cid_of[st["claim"].to_numpy()]
    st = st[st["claim_id"] != ""]
    st["person_id"] = st["claim_id"] + "-" + st["code"].astype(str)
    st["region"] = np.array(regions, dtype=object)[cl.region[st["claim"].to_numpy()]]
    st["accident_year"] = _year_of(cl.acc[st["claim"].to_numpy()])
    st["sex"] = np.where(st["male"].to_numpy(), "M", "F")
    st["birth_date"] = np.datetime_as_string(st["birth_date"].to_numpy(dtype="datetime64[D]"),
                                             unit="D")
    st["grade"] = np.where(st["grade"].to_numpy() == 0, "",
                           st["grade"].to_numpy().astype(np.int64).astype(str)).astype(object)
    benef_df = st.sort_values("person_id")[[
        "person_id", "claim_id", "region", "benefit_type", "grade", "sex", "birth_date",
        "monthly_amount", "nursing", "relation", "accident_year"]].reset_index(drop=True)

    # ---------------- annual benefit expenditure by (year, region, group), cents
    reg_of_pay = cl.region[p_claim]
    grp = _GROUP_OF_ITEM[p_item]
    ben = np.zeros((len(hist), n_r, len(_GROUPS)), dtype=np.int64)
    np.add.at(ben, (p_year - first, reg_of_pay, grp), p_cents)

    # ---------------- exposure and revenue (year loop: rate cut depends on the balance)
    workers = world.workers[hi]
    cls_rel = np.array(s["wage"]["class_relativity"])
    pay_noise = np.exp(0.02 * r_fund.standard_normal(workers.shape))
    payroll = (workers * world.w[hi][:, :, None] * cls_rel * s["wage"]["contribution_base_ratio"]
               * pay_noise)
    payroll = np.round(payroll, 2)
    fs = np.array(s["coverage"]["firm_size"], dtype=float)
    employers = np.maximum(1, np.rint(workers / fs * np.exp(0.05 * r_fund.standard_normal(
        workers.shape)))).astype(np.int64)
    gshare = np.zeros((len(hist), n_r, n_c, 5))
    gshare[..., 2] = 1.0
    c1 = np.array(rt["grade_payroll_shares_class1"])
    cx = np.array(rt["grade_payroll_shares"])
    conc = rt["grade_concentration"]
    for i, y in enumerate(hist):
        if y >= 2016:
            d1 = r_fund.dirichlet(conc * c1[2:], size=n_r)
            gshare[i, :, 0, :] = 0.0
            gshare[i, :, 0, 2:] = d1
            for c in range(1, n_c):
                gshare[i, :, c, :] = r_fund.dirichlet(conc * cx, size=n_r)
    pay_g = np.round(payroll[..., None] * gshare, 2)
    pay_g[..., 2] = np.round(payroll - (pay_g.sum(axis=-1) - pay_g[..., 2]), 2)
    emp_g = np.rint(employers[..., None] * gshare).astype(np.int64)
    emp_g[..., 2] = employers - (emp_g.sum(axis=-1) - emp_g[..., 2])
    mult = np.array(rt["grade_multipliers"])
    old, new = np.array(rt["old_base_rate"]), np.array(rt["new_base_rate"])
    frac_new = {2015: (13 - rt["new_rates_from_month"]) / 12}
    base_rate = np.array([new if y > 2015 else (frac_new[2015] * new + (1 - frac_new[2015]) * old)
                          if y == 2015 else old for y in hist])
    cut_years = _yearmap(rt["phased_cut_years"])
    rule = rt["phased_cut_rule"]
    cr = rt["collection_rate"]
    coll = np.clip(cr["mean"] + cr["sd"] * r_fund.standard_normal((len(hist), n_r)),
                   cr["low"], cr["high"])
    cons_cost = np.zeros((len(hist), n_r))
    pop = world.workers[hi].sum(axis=2).astype(float)
    for i, y in enumerate(hist):
        if y >= rt["construction_from"]:
            cons_cost[i] = (rt["construction_cost_2015"] * scale
                            * (1 + rt["construction_growth"]) ** (y - rt["construction_from"])
                            * pop[i] / pop[i].sum()
                            * np.exp(0.15 * r_fund.standard_normal(n_r)))
    cons_cost = np.round(cons_cost, 2)
    cons_coll = np.round(cons_cost * rt["construction_rate"] * coll, 2)
    dep = _yearmap(fd["deposit_rate"])
    due = np.zeros_like(payroll)
    collected = np.zeros_like(payroll)
    cut = np.zeros(len(hist))
    rev = {k: np.zeros((len(hist), n_r)) for k in ("contributions", "interest", "other_revenue")}
    exp_other = {k: np.zeros((len(hist), n_r)) for k in ("prevention", "other_expenditure")}
    bal_open = np.zeros(len(hist))
    bal_close = np.zeros(len(hist))
    rev_tot = np.zeros(len(hist))
    exp_tot = np.zeros(len(hist))
    balance = float(fd["opening_balance_2010"])
    for i, y in enumerate(hist):
        if i > 0 and y in cut_years:
            months = bal_close[i - 1] / (exp_tot[i - 1] / 12)
            c_full = (rule["cut_50"] if months >= rule["months_50"]
                      else rule["cut_20"] if months >= rule["months_20"] else 0.0)
            cut[i] = c_full * cut_years[y]
        relief = rt["covid_relief_2020"] if y == 2020 else 1.0
        eff = base_rate[i][None, :, None] * mult[None, None, :] * (1 - cut[i]) * relief
        due[i] = np.round((pay_g[i] * eff).sum(axis=-1), 2)
        collected[i] = np.round(due[i] * coll[i][:, None], 2)
        contrib = collected[i].sum(axis=1) + cons_coll[i]
        rev["contributions"][i] = contrib
        rev["other_revenue"][i] = np.round(contrib * fd["other_revenue_share"], 2)
        benefits = ben[i].sum(axis=1) / 100.0
        exp_other["other_expenditure"][i] = np.round(benefits * fd["other_expenditure_share"], 2)
        if y >= fd["prevention_from"]:
            exp_other["prevention"][i] = np.round(rev["contributions"][i - 1]
                                                  * fd["prevention_share"], 2)
        flow = (rev["contributions"][i].sum() + rev["other_revenue"][i].sum() - benefits.sum()
                - exp_other["prevention"][i].sum() - exp_other["other_expenditure"][i].sum())
        interest = dep[int(y)] * fd["interest_yield_ratio"] * (balance + flow / 2)
        if y >= cal["pooling_province_from"]:
            alloc = np.zeros(n_r)
            alloc[regions.index("SBJ")] = 1.0
        else:
            alloc = contrib / contrib.sum()
        rev["interest"][i] = np.round(max(interest, 0.0) * alloc, 2)
        bal_open[i] = balance
        rev_tot[i] = sum(v[i].sum() for v in rev.values())
        exp_tot[i] = benefits.sum() + sum(v[i].sum() for v in exp_other.values())
        balance = balance + rev_tot[i] - exp_tot[i]
        bal_close[i] = balance

    # ---------------- frames: regions, economy, exposure, construction, fund
    regions_df = pd.DataFrame({
        "region": regions,
        "name_zh": [r.name_zh for r in dims.REGIONS],
        "name_en": [r.name_en for r in dims.REGIONS],
        "division_code": [r.code if r.official_code else "" for r in dims.REGIONS],
        "official_code": ["true" if r.official_code else "false" for r in dims.REGIONS],
        "population_2020": [str(_CENSUS_2020[r]) if r in _CENSUS_2020 else "" for r in regions],
    })
    cpi = _yearmap(s["economy"]["cpi_growth"])
    economy_df = pd.DataFrame({
        "year": hist,
        "avg_wage": np.rint(world.wp[hi]).astype(np.int64),
        "employment": np.rint(world.emp_region[hi].sum(axis=1)).astype(np.int64),
        "cpi_growth": [f"{cpi[int(y)]:.3f}" for y in hist],
        "deposit_rate": [f"{dep[int(y)]:.4f}" for y in hist],
        "national_disposable_income": [int(world.income[int(y)]) for y in hist],
    })
    yy, rr = np.meshgrid(hist, np.arange(n_r), indexing="ij")
    economy_region_df = pd.DataFrame({
        "year": yy.ravel(),
        "region": np.array(regions, dtype=object)[rr.ravel()],
        "avg_wage": np.rint(world.w[hi]).astype(np.int64).ravel(),
        "employment": np.rint(world.emp_region[hi]).astype(np.int64).ravel(),
    })
    y3, r3, c3 = np.meshgrid(hist, np.arange(n_r), np.arange(n_c), indexing="ij")
    gl = ("g050", "g080", "g100", "g120", "g150")
    exposure_df = pd.DataFrame({
        "year": y3.ravel(),
        "region": np.array(regions, dtype=object)[r3.ravel()],
        "industry_class": c3.ravel() + 1,
        "employers": employers.ravel(),
        "covered_workers": workers.ravel(),
        "covered_payroll": payroll.ravel(),
        "contributions_due": due.ravel(),
        "contributions_collected": collected.ravel(),
        **{f"payroll_{g}": pay_g[..., k].ravel() for k, g in enumerate(gl)},
        **{f"employers_{g}": emp_g[..., k].ravel() for k, g in enumerate(gl)},
        "base_rate": np.char.mod("%.5f", np.broadcast_to(base_rate[:, None, :],
                                                          workers.shape).ravel()),
        "rate_cut": np.char.mod("%.4f", np.broadcast_to(cut[:, None, None], workers.shape).ravel()),
    })
    construction_df = pd.DataFrame({
        "year": yy.ravel(),
        "region": np.array(regions, dtype=object)[rr.ravel()],
        "project_cost": cons_cost.ravel(),
        "contributions_collected": cons_coll.ravel(),
    })
    reserve = np.round(np.minimum(fd["reserve_ratio"] * exp_tot, bal_close), 2)
    fund_df = pd.DataFrame({
        "year": hist,
        "balance_open": np.round(bal_open, 2),
        "revenue_total": np.round(rev_tot, 2),
        "expenditure_total": np.round(exp_tot, 2),
        "balance_close": np.round(bal_close, 2),
        "reserve": reserve,
        "months_of_payment": np.round(bal_close / (exp_tot / 12), 2),
    })

    # ---------------- monthly execution
    execution_df, annual = _execution(r_exec, s, world, hist, ben, rev, exp_other)
    budget_df = _budget(r_exec, s, world, annual)
    out: dict[str, pd.DataFrame | str] = {
        "regions.csv": regions_df,
        "economy.csv": economy_df,
        "economy_region.csv": economy_region_df,
        "exposure.csv": exposure_df,
        "construction.csv": construction_df,
        "claims.csv.gz": claims_df,
        "payments.csv.gz": payments_df,
        "beneficiaries.csv": benef_df,
        "execution_monthly.csv": execution_df,
        "fund_balance.csv": fund_df,
        "budget.csv": budget_df,
    }
    out["metadata.toml"] = _metadata(seed, s, scale)
    out["README.md"] = _readme(seed, out)
    del cur
    return out


def _execution(rng: np.random.Generator, s: dict[str, dict[str, Any]], world: _World,
               hist: np.ndarray, ben: np.ndarray, rev: dict[str, np.ndarray],
               exp_other: dict[str, np.ndarray]) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """Monthly execution by item x region; returns the frame and annual totals (cents)."""
    cal, fd = s["calendar"], s["fund"]
    e0, last, cur = cal["execution_first_year"], cal["last_full_year"], cal["current_year"]
    regions = dims.REGION_CODES
    n_r = len(regions)
    items = dims.REVENUE_CODES + dims.EXPENDITURE_CODES
    n_i = len(items)
    it = {c: k for k, c in enumerate(items)}
    wc = np.array(fd["monthly_weights_contributions"])
    wb = np.array(fd["monthly_weights_benefits"])
    conc = fd["monthly_concentration"]
    years = list(range(e0, cur + 1))
    cube = np.zeros((len(years), 12, n_r, n_i), dtype=np.int64)
    annual: dict[int, np.ndarray] = {}
    sbj = regions.index("SBJ")
    for j, y in enumerate(years):
        ann = np.zeros((n_r, n_i), dtype=np.int64)
        if y <= last:
            i = y - hist[0]
            ann[:, it["contributions"]] = np.rint(rev["contributions"][i] * 100)
            ann[:, it["interest"]] = np.rint(rev["interest"][i] * 100)
            ann[:, it["other_revenue"]] = np.rint(rev["other_revenue"][i] * 100)
            for g, code in enumerate(_GROUPS):
                ann[:, it[code]] = ben[i, :, g]
            ann[:, it["prevention"]] = np.rint(exp_other["prevention"][i] * 100)
            ann[:, it["other_expenditure"]] = np.rint(exp_other["other_expenditure"][i] * 100)
            n_months = 12
        else:
            prev = annual[y - 1].astype(float)
            f = (1 + fd["current_year_growth"]) * np.exp(
                fd["current_year_noise_sd"] * rng.standard_normal((n_r, n_i)))
            ann = np.rint(prev * f).astype(np.int64)
            n_months = cal["current_last_month"]
        for code in items:
            if code in dims.INTERNAL_FLOW_CODES:
                continue
            k = it[code]
            if code == "interest":
                q = np.zeros((n_r, 12), dtype=np.int64)
                per = ann[:, k] // 4
                for qm in (2, 5, 8, 11):
                    q[:, qm] = per
                q[:, 11] += ann[:, k] - 4 * per
                cube[j, :n_months, :, k] = q[:, :n_months].T
                continue
            w = wc if code in ("contributions", "other_revenue") else wb
            cube[j, :n_months, :, k] = _split_months(rng, ann[:, k], w, conc, n_months).T
        if y >= cal["pooling_province_from"]:
            rev_k = [it[c] for c in dims.REVENUE_CODES if c not in dims.INTERNAL_FLOW_CODES]
            exp_k = [it[c] for c in dims.EXPENDITURE_CODES if c not in dims.INTERNAL_FLOW_CODES]
            net = cube[j][:, :, rev_k].sum(axis=2) - cube[j][:, :, exp_k].sum(axis=2)
            net[:, sbj] = 0
            up = np.maximum(net, 0)
            down = np.maximum(-net, 0)
            cube[j, :, :, it["remittance_to_higher"]] = up
            cube[j, :, :, it["transfer_from_higher"]] = down
            cube[j, :, sbj, it["remittance_from_lower"]] = up.sum(axis=1)
            cube[j, :, sbj, it["subsidy_to_lower"]] = down.sum(axis=1)
        annual[y] = cube[j].sum(axis=0)
    n_months_tot = [(y, m) for y in years for m in range(1, 13)
                    if y < cur or m <= cal["current_last_month"]]
    yv = np.array([a for a, _ in n_months_tot])
    mv = np.array([b for _, b in n_months_tot])
    vals = cube[yv - e0, mv - 1]  # (T, R, I)
    t_i, r_i, i_i = np.meshgrid(np.arange(len(yv)), np.arange(n_r), np.arange(n_i),
                                indexing="ij")
    df = pd.DataFrame({
        "year": yv[t_i.ravel()],
        "month": mv[t_i.ravel()],
        "region": np.array(regions, dtype=object)[r_i.ravel()],
        "item": np.array(items, dtype=object)[i_i.ravel()],
        "amount": vals.ravel() / 100.0,
    })
    return df, annual


def _budget(rng: np.random.Generator, s: dict[str, dict[str, Any]], world: _World,
            annual: dict[int, np.ndarray]) -> pd.DataFrame:
    """Approved budgets: prior-year actual x (1 + wage growth) x noise, rounded to 万元."""
    cal, fd = s["calendar"], s["fund"]
    regions = dims.REGION_CODES
    items = dims.REVENUE_CODES + dims.EXPENDITURE_CODES
    frames = []
    for y in range(cal["budget_first_year"], cal["current_year"] + 1):
        base = annual[y - 1].astype(float) / 100.0
        g = _wage_growth(world, y) if y <= cal["last_full_year"] else fd["current_year_growth"]
        amt = base * (1 + g) * np.exp(fd["budget_noise_sd"] * rng.standard_normal(base.shape))
        amt = np.round(amt / 10000.0) * 10000.0
        rr, ii = np.meshgrid(np.arange(len(regions)), np.arange(len(items)), indexing="ij")
        frames.append(pd.DataFrame({
            "year": y, "region": np.array(regions, dtype=object)[rr.ravel()],
            "item": np.array(items, dtype=object)[ii.ravel()], "amount": amt.ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def _metadata(seed: int, s: dict[str, dict[str, Any]], scale: float = 1.0) -> str:
    cal = s["calendar"]
    return (
        "# Data folder metadata (ARCHITECTURE.md \"Data folder\" contract)\n"
        'province = "SYNTHETIC Jilin-like province (合成数据, not real data)"\n'
        "synthetic = true\n"
        f"seed = {seed}\n"
        + (f"scale = {scale!r}  # miniature: NOT calibrated\n" if scale != 1.0 else "")
        + 'generator = "actuary.data.synthetic (settings: actuary/data/synthetic.toml)"\n'
        f"as_of = {cal['last_full_year']}-12-31\n"
        f"first_year = {cal['first_year']}\n"
        f"last_full_year = {cal['last_full_year']}\n"
        f"current_year = {cal['current_year']}\n"
        f"current_last_month = {cal['current_last_month']}\n"
        f"execution_first_year = {cal['execution_first_year']}\n"
        f"budget_year = {cal['current_year'] + 1}\n"
        'currency = "yuan"\n'
        "sources = [\n"
        '  "data/public/ (public series with sources, calibration targets)",\n'
        '  "actuary/data/synthetic.toml (generator settings with basis and source)",\n'
        "]\n"
    )


def _readme(seed: int, files: dict[str, pd.DataFrame | str]) -> str:
    from actuary.data.calibration import calibration_table

    table = calibration_table(files)
    sizes = "\n".join(
        f"| `{name}` | {len(df):,} |" for name, df in files.items() if isinstance(df, pd.DataFrame)
    )
    return _README_TEMPLATE.format(seed=seed, table=table, sizes=sizes)


_README_TEMPLATE = """# SYNTHETIC province (合成数据) — not real data

Every file in this folder is **synthetic**: generated by `actuary.data.synthetic` with seed
`{seed}` from the settings in `actuary/data/synthetic.toml`. It has the shape of a Jilin
work-injury system export and Jilin's orders of magnitude, calibrated to the public series in
`data/public/`, but no row is a real person, claim or account. Do not quote any figure from here
as a Jilin statistic.

Regenerate byte for byte:

    actuary data synth --out data/synthetic          # default seed {seed}
    actuary data check data/synthetic                # exit 0 when the folder is sound

## Calendar
Annual history 2010-2025 (2025 = last full year); monthly execution 2015-01 … 2026-10;
long-term beneficiary stock as of 2025-12-31; approved budgets 2016-2026 (2026 = current year);
budget year 2027. Claims recognised after 2025-12-31 are not in the export (they are the IBNR).

## Files and rows
| file | rows |
|---|---|
{sizes}

Columns are those of the ARCHITECTURE.md "Data folder" contract plus: `claims.grading_date`
(blank when not graded by 2025-12-31), `exposure.base_rate` and `exposure.rate_cut` (the rate
rule used to generate the year), `fund_balance.balance_open / revenue_total / expenditure_total /
months_of_payment`. Codes: `nursing` 0 none, 1/2/3 = 部分 / 大部分 / 完全不能自理 (30/40/50 % of the
pooling-area average monthly wage); `sex` M/F; `leaves_employment` true/false.
`beneficiaries.person_id` is `<claim_id>-<DA|PT|NC|S1..S4>`: one row per person and benefit type
(a worker drawing both 伤残津贴 and 生活护理费 has two rows; S1… are the dependants).

Claims with an accident before 2010 appear only when they still had a payment in 2010-2025
(long-term beneficiaries and late payments): the export window starts in 2010. Fit claim
frequencies on accident years 2010 and later.

## Reconciliations that hold exactly (to the cent)
- `payments` summed by calendar year, claim region and budget group
  (`actuary.dims.BENEFIT_ITEM_GROUP`) = `execution_monthly` of the four benefit items summed over
  the months of the year (2015-2025);
- `exposure.contributions_collected` + `construction.contributions_collected` by year and region =
  `execution_monthly` contributions (2015-2025);
- `fund_balance`: balance_close = balance_open + revenue_total − expenditure_total, and
  balance_open = previous balance_close; revenue and expenditure totals = execution totals without
  the internal flows (which net out across sub-units from 2021, 统收统支).

## Calibration to public figures (how closely)
{table}

Tests: `tests/test_data_calibration.py` checks each line against the CSV files in `data/public/`
with the tolerance stated there.

Also tested: one-off payments (一次性伤残补助金, 丧葬补助金, 一次性工亡补助金,
一次性工伤医疗补助金) agree with `actuary.benefits.price_benefits` on the same claims
(≥ 99 % to the cent, accidents from 2021); effective contribution rates 2016-2017 lie within
50-150 % of the national base rates.

## What is assumed (not public)
Industry-class mix, frequencies and outcome mix, medical-cost levels and development, the
grade 5-10 medical lump-sum schedule (a stand-in, Jilin's not found), the provincial reserve
ratio (**assumption**: 16.6 % of the year's expenditure, the national 2021 ratio), the
continuation of the phased rate cut through 2025 (**assumption**: its extension beyond 2024 was
not found), the 2020 contribution relief, the deposit rate path (from memory), national CPI
other than 2022 and 2024 (from memory), the construction-project rate, annuity indexation as a
share of wage growth (Jilin actually uses flat increments), mortality (Gompertz with a
disability loading), the major accidents (Poisson events with Pareto sizes plus one fixed 2013
stress event of 120 victims on the scale of the largest recent accident in the province),
seasonality and the budget errors. Each is in
`actuary/data/synthetic.toml` with `basis = "judgement"`.
"""


def _to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes: header row, ``\\n`` line ends, floats with two decimals (money).

    A plain join is about twice as fast as ``DataFrame.to_csv`` and gives the same bytes; frames
    with missing floats or text needing CSV quoting fall back to pandas.
    """
    cols: list[list[str]] = []
    for name in df.columns:
        v = df[name]
        if v.dtype.kind == "f":
            if v.isna().any():
                break
            cols.append([f"{x:.2f}" for x in v.tolist()])
        else:
            txt = [str(x) for x in v.tolist()]
            if any(("," in t) or ('"' in t) or ("\n" in t) for t in txt):
                break
            cols.append(txt)
    else:
        body = "\n".join(map(",".join, zip(*cols, strict=True)))
        return (",".join(df.columns) + "\n" + body + ("\n" if len(df) else "")).encode("utf-8")
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.2f")
    return buf.getvalue().encode("utf-8")


def files_table(files: dict[str, tuple[int, bytes]]) -> str:
    """The ``[files."<name>"]`` tables of ``metadata.toml``: data rows and SHA-256 per file.

    ``files`` maps a data file's name to ``(data rows, the file's bytes as written)`` (for a
    ``.gz`` file the compressed bytes). A province's exporter should write the same table: the
    loader then refuses a file truncated or changed since the export, naming it.
    """
    out = ["", "# Row count (data rows, header excluded) and SHA-256 of each data file as "
           "exported;", "# actuary.data.load_province refuses a file that no longer matches "
           "(truncated or changed).", "# A province's exporter should write this table too."]
    for name, (rows, data) in files.items():
        out += ["", f'[files."{name}"]', f"rows = {rows}",
                f'sha256 = "{hashlib.sha256(data).hexdigest()}"']
    return "\n".join(out) + "\n"


def _file_bytes(name: str, df: pd.DataFrame) -> bytes:
    """The bytes a data file is written with (gzip with mtime 0 and no name for ``.gz``)."""
    data = _to_csv_bytes(df)
    if not name.endswith(".gz"):
        return data
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return buf.getvalue()


def write_synthetic(out_dir: str | Path, seed: int = DEFAULT_SEED,
                    scale: float = 1.0) -> list[Path]:
    """Write the synthetic province into ``out_dir`` (files only; no staging).

    ``metadata.toml`` ends with the ``[files]`` table (:func:`files_table`) of the data files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parts = generate(seed, scale)
    blobs = {name: (len(obj), _file_bytes(name, obj)) for name, obj in parts.items()
             if isinstance(obj, pd.DataFrame)}
    written = []
    for name, obj in parts.items():
        path = out / name
        if isinstance(obj, str):
            text = obj + files_table(blobs) if name == "metadata.toml" else obj
            path.write_bytes(text.encode("utf-8"))
        else:
            path.write_bytes(blobs[name][1])
        written.append(path)
    return written
