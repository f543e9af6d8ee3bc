"""Calibration of the embedded SYNTHETIC province to the public series in ``data/public/``.

Every expected value is read from the public CSV files (sources in their ``.source.md``
sidecars), never from the generator's settings; tolerances are stated per test and repeated in
``data/synthetic/README.md``. Regulation formulas are worked from 工伤保险条例 (2010 revision) as
quoted in the comments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.data import ProvinceData, load_province

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT / "data" / "public"


@pytest.fixture(scope="module")
def prov() -> ProvinceData:
    return load_province(ROOT / "data" / "synthetic")


def _public(name: str) -> pd.DataFrame:
    return pd.read_csv(PUBLIC / name, dtype={"division_code": str})


def _csy(region: str, year: int) -> pd.Series:
    t = _public("jilin_work_injury_fund_csy.csv")
    return t[(t["region"] == region) & (t["year"] == year)].iloc[0]


def test_province_wage_equals_public_full_caliber_2020_2024(prov: ProvinceData) -> None:
    # tolerance: 1 yuan (the series is copied, rounding only)
    pub = _public("jilin_avg_wage_full_caliber_2019_2024.csv").set_index("statistical_year")
    eco = prov.economy.set_index("year")
    for y in range(2020, 2025):
        assert abs(eco.loc[y, "avg_wage"] - pub.loc[y, "annual_avg_wage_yuan"]) <= 1.0, y


def test_province_wage_before_2020_follows_non_private_growth(prov: ProvinceData) -> None:
    # avg_wage / public non-private wage is one constant (to 0.1 %) over 2010-2019, and that
    # constant is the full/non-private ratio seen in 2021-2022 (0.923, 0.916) within 2 points
    npw = _public("jilin_avg_wage_nonprivate_1995_2022.csv").set_index("statistical_year")
    eco = prov.economy.set_index("year")
    ratio = np.array(
        [eco.loc[y, "avg_wage"] / npw.loc[y, "annual_avg_wage_yuan"] for y in range(2010, 2020)]
    )
    assert ratio.max() / ratio.min() - 1 < 1e-3
    fc = _public("jilin_avg_wage_full_caliber_2019_2024.csv").set_index("statistical_year")
    seen = [
        fc.loc[y, "annual_avg_wage_yuan"] / npw.loc[y, "annual_avg_wage_yuan"] for y in (2021, 2022)
    ]
    assert abs(ratio.mean() - np.mean(seen)) < 0.02


def test_sub_unit_wage_relativities_match_the_2021_2022_city_table(prov: ProvinceData) -> None:
    # tolerance: 5 % on each city's ratio to the province (the synthetic series adds a small
    # random walk and re-weights to the full-caliber province mean)
    city = _public("jilin_prefecture_wage_nonprivate_2021_2022.csv")
    eco = prov.economy.set_index("year")["avg_wage"]
    er = prov.economy_region.set_index(["year", "region"])["avg_wage"]
    for y in (2021, 2022):
        c = city[city["year"] == y].set_index("division_code")["annual_avg_wage_yuan"]
        prov_np = c.loc["220000"]
        for code in c.index.drop("220000"):
            want = c.loc[code] / prov_np
            got = er.loc[(y, code)] / eco.loc[y]
            assert abs(got / want - 1) < 0.05, (y, code, got, want)


def test_covered_workers_2011_match_the_yearbook(prov: ProvinceData) -> None:
    # CSY 2012 table 23-39: Jilin participants 331.6 万 at end-2011; tolerance 1 %
    want = _csy("Jilin", 2011)["participants_10k_persons"] * 1e4
    got = prov.exposure.groupby("year")["covered_workers"].sum().loc[2011]
    assert abs(got / want - 1) < 0.01


def test_covered_workers_by_sub_unit_follow_the_census(prov: ProvinceData) -> None:
    # territorial sub-units' share of the territorial covered workers = census share ± 8 %
    pop = _public("jilin_population.csv")
    pop = pop[(pop["date"] == "2020-11-01") & (pop["unit_zh"] != "吉林省")]
    code = pop["division_code"].fillna("CBS")
    share = pd.Series(pop["population"].to_numpy(), index=code) / pop["population"].sum()
    w = prov.exposure.groupby(["year", "region"])["covered_workers"].sum()
    for y in (2010, 2018, 2025):
        wy = w.loc[y].drop("SBJ")
        got = wy / wy.sum()
        for r in share.index:
            assert abs(got.loc[r] / share.loc[r] - 1) < 0.08, (y, r)


def test_fund_revenue_expenditure_balance_2011_match_the_yearbook(prov: ProvinceData) -> None:
    # CSY 2012 table 23-39, Jilin 2011: revenue 8.6, expenditure 4.6, balance 9.3 亿元.
    # Tolerances: revenue and expenditure 15 %, balance (incl. reserve) 25 %.
    row = _csy("Jilin", 2011)
    fb = prov.fund_balance.set_index("year").loc[2011]
    assert abs(fb["revenue_total"] / (row["fund_revenue_100m_yuan"] * 1e8) - 1) < 0.15
    assert abs(fb["expenditure_total"] / (row["fund_expenditure_100m_yuan"] * 1e8) - 1) < 0.15
    bal = row["accumulated_balance_incl_reserve_100m_yuan"] * 1e8
    assert abs(fb["balance_close"] / bal - 1) < 0.25


def test_persons_paid_in_2011_match_yearbook_beneficiaries(prov: ProvinceData) -> None:
    # CSY 2012: 3.3 万 beneficiaries in 2011 (persons receiving any benefit); claims with a
    # payment in 2011 within 30 %
    want = _csy("Jilin", 2011)["beneficiaries_10k_persons"] * 1e4
    pay = prov.payments
    got = pay.loc[pay["calendar_year"] == 2011, "claim_id"].nunique()
    assert abs(got / want - 1) < 0.30


def test_revenue_and_expenditure_per_worker_2021_near_national(prov: ProvinceData) -> None:
    # national 2021 (bulletin): revenue 952, expenditure 990 亿元 over 28287 万 participants.
    # Jilin's wage is 0.78 of the national non-private wage (data/public/national_avg_wage.csv),
    # so per-worker money should lie between 0.6 and 1.1 of the national figure.
    nat = _public("national_work_injury.csv")
    n21 = nat[nat["year"] == 2021].set_index("item")["value"]
    workers = prov.exposure.groupby("year")["covered_workers"].sum().loc[2021]
    fb = prov.fund_balance.set_index("year").loc[2021]
    for col, item in (("revenue_total", "fund_revenue"), ("expenditure_total", "fund_expenditure")):
        national = n21[item] * 1e8 / (n21["participants_year_end"] * 1e4)
        ratio = fb[col] / workers / national
        assert 0.6 < ratio < 1.1, (col, ratio)


def test_urban_employment_is_at_least_urban_unit_employment(prov: ProvinceData) -> None:
    # 城镇单位就业人员 279.32 万 (2018), 307.06 万 (2017) ⊂ urban employed persons
    emp = _public("jilin_employment_2017_2018.csv")
    emp = emp[emp["item"] == "urban_unit_employment_year_end"].set_index("year")["value"]
    eco = prov.economy.set_index("year")["employment"]
    for y in (2017, 2018):
        assert eco.loc[y] >= emp.loc[y] * 1e4


def test_recognised_injury_frequency_and_outcome_mix(prov: ProvinceData) -> None:
    # national order: recognised injuries ≈ 0.4 % of participants a year (人社部 statistical
    # bulletins, data/public/national_work_injury.source.md, from
    # memory: 110-130 万 over ~29 000 万) → accept 0.3 %-0.5 %; most injuries medical only,
    # grades 7-10 common, deaths rare (≤ 2 %)
    cl = prov.claims
    ay = cl["accident_date"].dt.year
    workers = prov.exposure.groupby("year")["covered_workers"].sum()
    yrs = range(2012, 2024)
    freq = ay[ay.isin(yrs)].count() / workers.loc[list(yrs)].sum()
    assert 0.003 < freq < 0.005
    mix = cl.loc[ay >= 2010, "outcome"].value_counts(normalize=True)
    assert 0.45 < mix["medical_only"] < 0.70
    assert 0.25 < sum(mix[f"grade_{g}"] for g in range(7, 11)) < 0.45
    assert 0.005 < mix["death"] < 0.02
    assert sum(mix[f"grade_{g}"] for g in range(1, 5)) < 0.03
    per_year = ay[ay.isin(yrs)].value_counts()
    assert per_year.min() > 10_000  # tens of thousands a year


def test_major_accidents_many_victims_at_once(prov: ProvinceData) -> None:
    cl = prov.claims
    ev = cl.dropna(subset=["event_id"])
    sizes = ev.groupby("event_id").size()
    assert len(sizes) >= 3
    assert sizes.min() >= 10
    # all victims of an event share the date, region and class
    assert (
        (ev.groupby("event_id")[["accident_date", "region", "industry_class"]].nunique() == 1)
        .all()
        .all()
    )
    years = ev.groupby("event_id")["accident_date"].first().dt.year
    assert years.max() - years.min() >= 5  # spread across the history


def test_death_lump_sum_is_20_times_previous_year_disposable_income(prov: ProvinceData) -> None:
    # 工伤保险条例 art. 39(3) (2010 revision, in force 2011-01-01): 一次性工亡补助金 =
    # 20 × previous year's national urban per-capita disposable income (data/public series)
    inc = _public("national_urban_disposable_income.csv").set_index("year")["value_yuan"]
    cl = prov.claims.set_index("claim_id")
    pay = prov.payments[prov.payments["benefit_item"] == "death_lump_sum"]
    ay = cl.loc[pay["claim_id"], "accident_date"].dt.year.to_numpy()
    sel = ay >= 2011
    want = 20 * inc.reindex(ay[sel] - 1).to_numpy()
    assert sel.sum() > 100
    np.testing.assert_allclose(pay["amount"].to_numpy()[sel], want, atol=0.01)
    # e.g. a death in 2025: 20 × 54 188 = 1 083 760 yuan (《工伤保险条例》(国务院令第586号修订))
    assert 1_083_760.0 in set(pay["amount"].to_numpy()[ay == 2025])


def test_disability_lump_sum_and_funeral_grant_follow_the_regulation(prov: ProvinceData) -> None:
    # art. 35-37: 27/25/23/21/18/16/13/11/9/7 months of 本人工资; art. 64: 本人工资 bounded to
    # 60 %-300 % of the pooling-area average monthly wage A; art. 39(1): funeral 6 × A.
    # Since 统收统支 (accidents from 2021) A = province's previous-year average wage / 12.
    months = dict(zip(range(1, 11), (27, 25, 23, 21, 18, 16, 13, 11, 9, 7), strict=True))
    wage = prov.economy.set_index("year")["avg_wage"]
    cl = prov.claims.set_index("claim_id")
    pay = prov.payments
    lump = pay[pay["benefit_item"] == "disability_lump_sum"].set_index("claim_id")["amount"]
    c = cl.loc[lump.index]
    ay = c["accident_date"].dt.year
    sel = (ay >= 2021).to_numpy()
    a = wage.reindex(ay - 1).to_numpy() / 12
    w = np.clip(c["monthly_wage"].to_numpy(), 0.6 * a, 3 * a)
    g = c["outcome"].str.replace("grade_", "").astype(int).map(months).to_numpy()
    np.testing.assert_allclose(lump.to_numpy()[sel], (g * w)[sel], atol=0.011)
    fun = pay[pay["benefit_item"] == "funeral_grant"].set_index("claim_id")["amount"]
    ay_d = cl.loc[fun.index, "accident_date"].dt.year
    sel_d = (ay_d >= 2021).to_numpy()
    want = 6 * wage.reindex(ay_d - 1).to_numpy() / 12
    np.testing.assert_allclose(fun.to_numpy()[sel_d], want[sel_d], atol=0.011)


def test_contribution_rates_stay_within_the_national_grade_band(prov: ProvinceData) -> None:
    # 人社部发〔2015〕71号: base rates 0.2/0.4/0.7/0.9/1.1/1.3/1.6/1.9 % by class, grades
    # 50-150 % of base. In 2016-2017 (no phased cut yet) the effective rate due/payroll of each
    # class lies in [0.5, 1.5] × base.
    base = dict(
        zip(range(1, 9), (0.002, 0.004, 0.007, 0.009, 0.011, 0.013, 0.016, 0.019), strict=True)
    )
    ex = prov.exposure[prov.exposure["year"].isin([2016, 2017])]
    eff = ex.groupby("industry_class")[["contributions_due", "covered_payroll"]].sum()
    rate = eff["contributions_due"] / eff["covered_payroll"]
    for c, r in rate.items():
        assert 0.5 * base[c] <= r <= 1.5 * base[c], (c, r)


def test_reserve_is_tagged_as_an_assumption() -> None:
    readme = (ROOT / "data" / "synthetic" / "README.md").read_text(encoding="utf-8")
    assert "reserve" in readme and "assumption" in readme


def test_one_off_payments_agree_with_actuary_benefits(prov: ProvinceData) -> None:
    # Independent computation: the benefit engine (actuary.benefits.price_benefits, issue of
    # the benefits engineer, reading actuary.params) prices the same claims. Accidents from
    # 2021 (统收统支: A = province's previous-year average monthly wage). Workers whose
    # retirement date is unaffected by the 2025 reform or far away, so the near-retirement
    # reduction of the grade 5-10 medical lump sum uses the same retirement age.
    from actuary.benefits import price_benefits

    cl = prov.claims.set_index("claim_id")
    pay = prov.payments
    wage = prov.economy.set_index("year")["avg_wage"]
    by = cl["birth_date"].dt.year
    old_rules = ((cl["sex"] == "M") & (by < 1965)) | ((cl["sex"] == "F") & (by < 1975))
    eligible = (cl["accident_date"].dt.year >= 2021) & (old_rules | (by > 1990))
    for item in ("disability_lump_sum", "funeral_grant", "death_lump_sum", "medical_lump_sum"):
        paid = pay[pay["benefit_item"] == item].set_index("claim_id")
        paid = paid[eligible.reindex(paid.index).to_numpy()]
        c = cl.loc[paid.index]
        a = wage.reindex(c["accident_date"].dt.year - 1).to_numpy() / 12
        delay_days = (365.25 * (paid["calendar_year"] - c["grading_date"].dt.year)).round()
        sep = (c["grading_date"] + pd.to_timedelta(delay_days, unit="D")).fillna(c["accident_date"])
        r = price_benefits(
            c["outcome"].to_numpy(),
            c["monthly_wage"].to_numpy(),
            a,
            c["accident_date"].to_numpy().astype("datetime64[D]"),
            birth_date=c["birth_date"].to_numpy().astype("datetime64[D]"),
            retirement_group=np.where(c["sex"] == "M", "male", "female_worker"),
            leaves_employment=c["leaves_employment"].to_numpy(),
            separation_date=sep.to_numpy().astype("datetime64[D]"),
        )
        want = r.fund_paid()[item]
        ok = np.abs(paid["amount"].to_numpy() - want) < 0.02
        assert len(ok) > 50, item
        assert ok.mean() > 0.99, (item, ok.mean())
