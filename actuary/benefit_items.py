"""Benefit items of the work-injury fund, each declared once.

One record per benefit item: code, Chinese and English labels, kind (lump sum, periodic,
medical, fee), payer (fund or employer), budget group (财社〔2017〕144号 art. 30
§7.2), how the claims model projects it (statutory formula on a claimant profile, severity
model of the paid history, long-term stream), whether :func:`actuary.benefits.price_benefits`
prices it from the rules of 《工伤保险条例》, its wage base (本人工资, the area wage, the
national income, or the provincial schedule's ``base`` key) and the policy parameters its amount
uses (:mod:`actuary.params`). ``actuary.dims``, ``actuary.benefits``, ``actuary.claims`` and the
report read the item lists and labels from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "AREA_WAGE",
    "EMPLOYER",
    "FEE",
    "FORMULA",
    "FUND",
    "ITEMS",
    "ITEM_BY_CODE",
    "LUMP_SUM",
    "MEDICAL",
    "NATIONAL_INCOME",
    "OWN_WAGE",
    "PERIODIC",
    "SCHEDULE",
    "SEVERITY",
    "STREAM",
    "BenefitItem",
    "codes",
]

# kind
LUMP_SUM: Final = "lump_sum"
PERIODIC: Final = "periodic"  # monthly amounts
MEDICAL: Final = "medical"  # costs of treatment
FEE: Final = "fee"  # service fees paid per case
# payer (of the item as a rule; the grade 5-6 伤残津贴 payer comes from the parameter
# ``benefits.disability_allowance_payer``)
FUND: Final = "fund"
EMPLOYER: Final = "employer"
# how the claims model projects the item
FORMULA: Final = "formula"  # statutory formula priced on a claimant profile, chain-ladder paid
SEVERITY: Final = "severity"  # severity model of the paid history, chain-ladder paid
STREAM: Final = "stream"  # long-term stream (stock and entrant cohorts)
# wage base of the amount
OWN_WAGE: Final = "own_wage"  # 本人工资 within the art. 64 bounds
AREA_WAGE: Final = "area_wage"  # 统筹地区上年度职工月平均工资
NATIONAL_INCOME: Final = "national_income"  # 上一年度全国城镇居民人均可支配收入
SCHEDULE: Final = "schedule"  # the provincial schedule's ``base`` key (its first parameter)

_WAGE = ("benefits.wage_floor_pct", "benefits.wage_cap_pct")


@dataclass(frozen=True, slots=True)
class BenefitItem:
    """One benefit item (see the module docstring for the vocabulary of each field)."""

    code: str
    label_zh: str
    label_en: str
    kind: str
    payer: str
    budget_group: str | None  # None: not paid by the fund (not in its budget)
    projection: str | None  # None: the claims model does not project it (employer-paid)
    rule: bool  # priced by actuary.benefits.price_benefits from the regulation's rules
    wage_base: str | None
    parameters: tuple[str, ...] = ()


#: Every benefit item, in the order of the fund's item lists (``dims.BENEFIT_ITEMS``) and of a
#: case's lines (``benefits.BENEFIT_ITEMS``).
# fmt: off
ITEMS: Final[tuple[BenefitItem, ...]] = (
    BenefitItem(
        "medical_costs", "工伤医疗费", "Medical costs", MEDICAL, FUND, "medical_benefits",
        SEVERITY, False, None,
    ),
    BenefitItem(
        "hospital_meal", "住院伙食补助费", "Hospital meal allowance", MEDICAL, FUND,
        "medical_benefits", SEVERITY, False, None,
    ),
    BenefitItem(
        "disability_lump_sum", "一次性伤残补助金", "Lump-sum disability benefit", LUMP_SUM, FUND,
        "disability_benefits", FORMULA, True, OWN_WAGE,
        ("benefits.disability_lump_sum_months", *_WAGE),
    ),
    BenefitItem(
        "disability_allowance", "伤残津贴", "Disability allowance", PERIODIC, FUND,
        "disability_benefits", STREAM, True, OWN_WAGE,
        ("benefits.disability_allowance_pct", "benefits.disability_allowance_payer", *_WAGE),
    ),
    BenefitItem(
        "nursing_care", "生活护理费", "Nursing care allowance", PERIODIC, FUND,
        "disability_benefits", STREAM, True, AREA_WAGE, ("benefits.nursing_care_pct",),
    ),
    BenefitItem(
        "medical_lump_sum", "一次性工伤医疗补助金", "Lump-sum medical benefit", LUMP_SUM, FUND,
        "disability_benefits", FORMULA, True, SCHEDULE,
        ("jilin.medical_lump_sum_months", "jilin.lump_sum_retirement_reduction", *_WAGE),
    ),
    BenefitItem(
        "employment_lump_sum", "一次性伤残就业补助金", "Lump-sum employment benefit", LUMP_SUM,
        EMPLOYER, None, None, True, SCHEDULE,
        ("jilin.employment_lump_sum_months", "jilin.lump_sum_retirement_reduction", *_WAGE),
    ),
    BenefitItem(
        "pension_topup", "养老金补差", "Pension top-up", PERIODIC, FUND, "disability_benefits",
        STREAM, False, None,
    ),
    BenefitItem(
        "funeral_grant", "丧葬补助金", "Funeral grant", LUMP_SUM, FUND, "death_benefits",
        FORMULA, True, AREA_WAGE, ("benefits.funeral_grant_months",),
    ),
    BenefitItem(
        "survivor_pension", "供养亲属抚恤金", "Survivor pension", PERIODIC, FUND,
        "death_benefits", STREAM, True, OWN_WAGE,
        ("benefits.survivor_pension_pct", "benefits.survivor_pension_cap", *_WAGE),
    ),
    BenefitItem(
        "death_lump_sum", "一次性工亡补助金", "Lump-sum death benefit", LUMP_SUM, FUND,
        "death_benefits", FORMULA, True, NATIONAL_INCOME,
        ("benefits.death_lump_sum_income_multiple",),
    ),
    BenefitItem(
        "appraisal_fee", "劳动能力鉴定费", "Work-capacity appraisal fee", FEE, FUND, "appraisal",
        SEVERITY, False, None,
    ),
)
# fmt: on
ITEM_BY_CODE: Final[dict[str, BenefitItem]] = {i.code: i for i in ITEMS}


def codes(
    *,
    kind: str | None = None,
    payer: str | None = None,
    projection: str | None = None,
    rule: bool | None = None,
    wage_base: str | None = None,
    in_budget: bool | None = None,
) -> tuple[str, ...]:
    """Codes of the items matching every given field, in :data:`ITEMS` order."""
    return tuple(
        i.code
        for i in ITEMS
        if (kind is None or i.kind == kind)
        and (payer is None or i.payer == payer)
        and (projection is None or i.projection == projection)
        and (rule is None or i.rule == rule)
        and (wage_base is None or i.wage_base == wage_base)
        and (in_budget is None or (i.budget_group is not None) == in_budget)
    )
