"""The benefit-item registry (actuary.benefit_items) against the item contract of ARCHITECTURE.md
("Data folder": each benefit_item code and its budget item, 财社〔2017〕144号 art. 30) and against
the rules of 《工伤保险条例》 (who pays what: arts 35-39)."""

from __future__ import annotations

import numpy as np

from actuary import benefit_items as bi
from actuary import benefits, dims
from actuary.claims.codes import CL_GROUPS, FORMULA_ITEMS, STREAM_ITEMS, own_wage_items
from actuary.params import load_parameters

# ARCHITECTURE.md, "benefit_item codes (fund-paid unless noted) and their budget item"
CONTRACT = {
    "medical_costs": "medical_benefits",
    "hospital_meal": "medical_benefits",
    "disability_lump_sum": "disability_benefits",
    "disability_allowance": "disability_benefits",
    "nursing_care": "disability_benefits",
    "medical_lump_sum": "disability_benefits",
    "pension_topup": "disability_benefits",
    "funeral_grant": "death_benefits",
    "survivor_pension": "death_benefits",
    "death_lump_sum": "death_benefits",
    "appraisal_fee": "appraisal",
}


def test_budget_groups_follow_the_contract() -> None:
    assert dims.BENEFIT_ITEM_GROUP == CONTRACT
    assert list(dims.BENEFIT_ITEMS) == list(CONTRACT)  # the order of every item axis


def test_case_items_and_streams() -> None:
    # the eight items a claim generates (ARCHITECTURE "Benefit pricing"), in display order
    assert benefits.BENEFIT_ITEMS == (
        "disability_lump_sum",
        "disability_allowance",
        "nursing_care",
        "medical_lump_sum",
        "employment_lump_sum",
        "funeral_grant",
        "survivor_pension",
        "death_lump_sum",
    )
    # long-term benefit types of the stock = the stream items
    assert STREAM_ITEMS == dims.BENEFIT_TYPES
    assert set(FORMULA_ITEMS) == {
        "disability_lump_sum",
        "medical_lump_sum",
        "funeral_grant",
        "death_lump_sum",
    }
    assert set(CL_GROUPS) == set(CONTRACT) - set(STREAM_ITEMS)
    # 一次性伤残就业补助金 is paid by the employer (art. 36-37), so not in the fund's budget
    e = bi.ITEM_BY_CODE["employment_lump_sum"]
    assert e.payer == bi.EMPLOYER and e.budget_group is None


def test_every_named_parameter_exists_and_labels_are_complete() -> None:
    params = load_parameters()
    for item in bi.ITEMS:
        for name in item.parameters:
            assert name in params, (item.code, name)
        assert item.label_zh and item.label_en
    assert dims.BENEFIT_ITEM_LABELS_ZH["death_lump_sum"] == "一次性工亡补助金"  # art. 39(3)


def test_payers_of_the_core_follow_the_registry() -> None:
    # grade 7 leaving employment (arts 37): 一次性工伤医疗补助金 from the fund, 一次性伤残就业补助金
    # from the employer; a death (art. 39): all three items from the fund
    r = benefits.price_benefits(
        ["grade_7", "death"],
        [6000.0, 6000.0],
        [7000.0, 7000.0],
        np.array(["2024-05-01", "2024-05-01"], dtype="datetime64[D]"),
        birth_date=np.array(["1980-01-01", "1980-01-01"], dtype="datetime64[D]"),
        retirement_group=["male", "male"],
        leaves_employment=[True, False],
        n_spouse=[0, 1],
    )
    assert r.fund_pays["medical_lump_sum"].all() and not r.fund_pays["employment_lump_sum"].any()
    assert r.due["employment_lump_sum"].tolist() == [True, False]
    assert r.due["survivor_pension"].tolist() == [False, True]
    assert r.due["disability_allowance"].tolist() == [False, False]  # grade 7: no allowance


def test_own_wage_items_read_the_schedule_base() -> None:
    # benefits_jilin.toml: base = "own_wage" for 一次性工伤医疗补助金; 一次性伤残补助金 is
    # months x 本人工资 (arts 35-37); 丧葬补助金 is 6 x the area wage (art. 39(1))
    items = own_wage_items(load_parameters(), 2025)
    assert items == ("disability_lump_sum", "medical_lump_sum")
