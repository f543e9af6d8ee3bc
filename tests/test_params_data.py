"""Dated policy parameters: loader rules and the values entered from the regulation texts.

Expected values are copied from the sources named beside them (document numbers in each
parameter's ``source``), not from the code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from actuary.errors import InputError
from actuary.params import (
    CONFIDENCE_TAGS,
    ParameterError,
    load_parameters,
    parse_parameter_file,
)

P = load_parameters()


def test_every_value_has_source_unit_and_confidence() -> None:
    assert len(P) >= 20
    for name, param in P.items():
        assert param.unit, name
        assert param.description, name
        for v in param.values:
            assert v.source.strip(), name
            assert v.confidence in CONFIDENCE_TAGS, name


def test_at_before_first_date_raises() -> None:
    # 一次性工亡补助金 multiple: 2010 revision in force 2011-01-01
    # (《工伤保险条例》, 国务院令第586号修订)
    with pytest.raises(ParameterError, match="no value in force on 2010-12-31"):
        P["benefits.death_lump_sum_income_multiple"].at(dt.date(2010, 12, 31))
    assert P["benefits.death_lump_sum_income_multiple"].at(dt.date(2011, 1, 1)) == 20
    # ParameterError is an InputError (the CLI turns it into exit 2)
    assert issubclass(ParameterError, InputError)


def test_unknown_key_in_parameter_file_names_file_and_key(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(
        "[x.y]\ndescription = 'd'\nunit = 'u'\n[[x.y.values]]\nfrom = 2020-01-01\n"
        "value = 1\nsource = 's'\nconfidence = 'confirmed'\nsorce = 'typo'\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as exc:
        parse_parameter_file(f)
    msg = str(exc.value)
    assert str(f) in msg and "sorce" in msg and "x.y.values[1]" in msg
    g = tmp_path / "bad2.toml"
    g.write_text("[x.z]\ndescription = 'd'\nunits = 'u'\nvalues = []\n", encoding="utf-8")
    with pytest.raises(ParameterError) as exc2:
        load_parameters(g)
    assert str(g) in str(exc2.value) and "units" in str(exc2.value)


def test_bad_confidence_tag_rejected(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        "[x.y]\ndescription = 'd'\nunit = 'u'\n[[x.y.values]]\nfrom = 2020-01-01\n"
        "value = 1\nsource = 's'\nconfidence = 'sure'\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match="confidence"):
        parse_parameter_file(f)


def test_national_base_rates_and_grades() -> None:
    # 人社部发〔2015〕71号: 0.2 0.4 0.7 0.9 1.1 1.3 1.6 1.9 % from 2015-10-01
    rates = P["rates.industry_base_rate"].at(dt.date(2015, 10, 1))
    assert [rates[f"class_{c}"] for c in range(1, 9)] == pytest.approx(
        [0.002, 0.004, 0.007, 0.009, 0.011, 0.013, 0.016, 0.019]
    )
    # before: the 2003 three-class structure about 0.5 / 1 / 2 % (人社部发〔2015〕71号)
    old = P["rates.industry_base_rate"].at(dt.date(2015, 9, 30))
    assert old == {"class_1": 0.005, "class_2": 0.01, "class_3": 0.02}
    grades = P["rates.floating_grades"].at(2020)
    assert grades["class_1"] == [1.0, 1.2, 1.5]
    for c in range(2, 9):
        assert grades[f"class_{c}"] == [0.5, 0.8, 1.0, 1.2, 1.5]


def test_phased_cut_thresholds_and_period() -> None:
    cut = P["rates.phased_cut"]
    # 人社部发〔2018〕25号 from 2018-05-01: 18 (incl.)–23 months → −20 %, ≥ 24 → −50 %
    # (extended by 国办发〔2019〕13号 and 人社部发〔2023〕19号)
    assert cut.at(dt.date(2018, 4, 30))["active"] is False
    v = cut.at(dt.date(2018, 5, 1))
    assert (v["active"], v["months_20"], v["months_50"], v["cut_20"], v["cut_50"]) == (
        True,
        18,
        24,
        0.2,
        0.5,
    )
    # 人社部发〔2023〕19号: extended to the end of 2024
    assert cut.at(dt.date(2024, 12, 31))["active"] is True
    assert cut.entry_at(dt.date(2024, 12, 31)).confidence == "secondary"
    # after 2024-12-31: no extension found → an assumption entry that says so
    e = cut.entry_at(dt.date(2025, 1, 1))
    assert e.confidence == "assumption" and "UNCONFIRMED" in e.note
    assert e.value["active"] is False


def test_benefit_formulas() -> None:
    d = dt.date(2024, 5, 1)
    # 工伤保险条例 arts 35-37 (《工伤保险条例》(国务院令第586号修订), #2, #3, #5)
    months = P["benefits.disability_lump_sum_months"].at(d)
    assert [months[f"grade_{g}"] for g in range(1, 11)] == [27, 25, 23, 21, 18, 16, 13, 11, 9, 7]
    pct = P["benefits.disability_allowance_pct"].at(d)
    assert [pct[f"grade_{g}"] for g in range(1, 7)] == [0.90, 0.85, 0.80, 0.75, 0.70, 0.60]
    payer = P["benefits.disability_allowance_payer"].at(d)
    assert [payer[f"grade_{g}"] for g in range(1, 7)] == ["fund"] * 4 + ["employer"] * 2
    assert P["benefits.nursing_care_pct"].at(d) == {"full": 0.5, "most": 0.4, "partial": 0.3}
    assert P["benefits.funeral_grant_months"].at(d) == 6
    assert P["benefits.survivor_pension_pct"].at(d) == {
        "spouse": 0.4,
        "other": 0.3,
        "orphan_or_lone_elder_extra": 0.1,
    }
    assert P["benefits.survivor_pension_cap"].at(d) == 1.0
    assert P["benefits.wage_floor_pct"].at(d) == 0.6
    assert P["benefits.wage_cap_pct"].at(d) == 3.0


def test_national_income_series() -> None:
    # 国家统计局 statistical communiqués, data/public/national_urban_disposable_income.source.md
    # (2019, 2021-2025 secondary sources; 2020 and earlier from memory)
    inc = P["income.national_urban_disposable_income"]
    expected = {
        2019: 42359,
        2020: 43834,
        2021: 47412,
        2022: 49283,
        2023: 51821,
        2024: 54188,
        2025: 56502,
    }
    for year, value in expected.items():
        assert inc.at(year) == value
    assert inc.entry_at(2020).confidence == "assumption"
    assert inc.entry_at(2024).confidence == "secondary"
    assert inc.entry_at(2015).confidence == "assumption"


def test_jilin_indexation_and_meal_subsidy() -> None:
    # 吉人社办字〔2017〕62号, 吉人社发〔2022〕24号, 吉人社发〔2023〕5号
    inc = P["jilin.indexation.disability_allowance_increment"]
    v2017 = inc.at(dt.date(2017, 1, 1))
    assert [v2017[f"grade_{g}"] for g in range(1, 7)] == [159, 152, 145, 138, 131, 124]
    v2023 = inc.at(dt.date(2023, 6, 1))
    assert [v2023[f"grade_{g}"] for g in range(1, 7)] == [182, 174, 166, 158, 150, 134]
    assert v2023["injuries_until"] == dt.date(2022, 12, 31)
    assert [e.start.year for e in inc.values] == [2017, 2022, 2023, 2024]
    floor = P["jilin.indexation.disability_allowance_floor"]
    assert [(e.value["threshold"], e.value["topup"]) for e in floor.values] == [
        (2907, 30),
        (3004, 30),
        (3127, 30),
    ]
    surv = P["jilin.indexation.survivor_pension_increment"].at(2024)
    assert (surv["spouse"], surv["other"], surv["orphan_or_lone_elder_extra"]) == (63, 57, 6)
    nursing = P["jilin.indexation.nursing_care_increment"]
    assert nursing.at(2023)["full"] == 136
    assert nursing.entry_at(2024).confidence == "assumption"  # 'partial' not read
    meal = P["jilin.hospital_meal_subsidy"]
    assert meal.at(2017) == 20 and meal.at(2022) == 26
    with pytest.raises(ParameterError):
        meal.at(2016)


def test_prevention_cap() -> None:
    # 人社部规〔2017〕13号 art. 5: ≤ 3 % of previous-year contribution revenue
    assert P["fund.prevention_cap_pct"].at(dt.date(2018, 1, 1)) == 0.03


def test_retirement_parameters() -> None:
    # 全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13)
    assert P["retirement.original_age"].at(2024) == {
        "male": 60,
        "female_staff": 55,
        "female_worker": 50,
    }
    s = P["retirement.delay_schedule"].at(dt.date(2025, 1, 1))
    assert s["male"] == {
        "first_birth_month": "1965-01",
        "step_birth_months": 4,
        "max_delay_months": 36,
    }
    assert s["female_staff"]["first_birth_month"] == "1970-01"
    assert (s["female_worker"]["step_birth_months"], s["female_worker"]["max_delay_months"]) == (
        2,
        60,
    )


def test_jilin_lump_sums_are_tagged_assumption() -> None:
    for name in (
        "jilin.medical_lump_sum_months",
        "jilin.employment_lump_sum_months",
        "jilin.lump_sum_retirement_reduction",
    ):
        for e in P[name].values:
            assert e.confidence == "assumption"
            assert "Jilin" in e.source and "not found" in e.source


def test_other_policy_numbers() -> None:
    # 工伤保险条例 art. 33: 停工留薪期 ≤ 12 months, extension ≤ 12 more (国务院令第586号修订)
    assert P["benefits.work_stoppage_max_months"].at(2024) == {"normal": 12, "extended": 24}
    # art. 41: up to 50 % of the death lump sum advanced for a missing worker
    assert P["benefits.missing_worker_advance_pct"].at(2024) == 0.5
    # 社会保险法 art. 86: 0.05 % per day late surcharge
    assert P["rates.late_payment_surcharge_per_day"].at(2024) == 0.0005
    # 2015 State Council decision: average rate −0.25 percentage points
    assert P["rates.average_rate_cut_2015"].at(dt.date(2015, 10, 1)) == 0.0025
