"""Canonical dimension names, code lists and labels used everywhere in the package.

One module defines the vocabulary so that data files, xarray outputs, workbooks and reports
agree: dimension names (``path``, ``scenario``, ``year``, ``region``, ``industry_class``,
``item``), the pooling sub-units of Jilin's provincial work-injury fund, the eight national
industry risk classes and the official budget items with Chinese and English labels.

Sources
-------
- Pooling sub-units: addressees of 吉政发〔2020〕20号 (市州, 长白山管委会, …) and the 7th-census
  list (吉政发〔2020〕20号; 吉林省统计局). Division codes are the national administrative
  division codes
  (GB/T 2260) where one exists; 长白山管委会 and 省本级 have none, so they carry the internal
  codes ``CBS`` and ``SBJ`` (flagged ``official_code=False``).
- Budget items: 《社会保险基金财务制度》财社〔2017〕144号.
- Industry classes: 人社部发〔2015〕71号, classes 一 … 八.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from actuary import benefit_items as _benefit_items

# --- dimension names ---------------------------------------------------------------------
PATH: Final = "path"
SCENARIO: Final = "scenario"
YEAR: Final = "year"
REGION: Final = "region"
INDUSTRY: Final = "industry_class"
ITEM: Final = "item"
MONTH: Final = "month"

#: Canonical order of dimensions in every projection output.
DIM_ORDER: Final = (SCENARIO, PATH, YEAR, REGION, INDUSTRY, ITEM)

#: Code of the province as a whole (the sum over pooling sub-units) in outputs.
PROVINCE: Final = "JL"


@dataclass(frozen=True, slots=True)
class Region:
    """A pooling sub-unit of the provincial fund."""

    code: str
    name_zh: str
    name_en: str
    official_code: bool


REGIONS: Final[tuple[Region, ...]] = (
    Region("220100", "长春市", "Changchun", True),
    Region("220200", "吉林市", "Jilin City", True),
    Region("220300", "四平市", "Siping", True),
    Region("220400", "辽源市", "Liaoyuan", True),
    Region("220500", "通化市", "Tonghua", True),
    Region("220600", "白山市", "Baishan", True),
    Region("220700", "松原市", "Songyuan", True),
    Region("220800", "白城市", "Baicheng", True),
    Region("222400", "延边朝鲜族自治州", "Yanbian", True),
    Region("220581", "梅河口市", "Meihekou", True),
    Region("CBS", "长白山管委会", "Changbaishan Admin. Committee", False),
    Region("SBJ", "省本级", "Provincial level (省本级)", False),
)
REGION_CODES: Final[tuple[str, ...]] = tuple(r.code for r in REGIONS)
REGION_BY_CODE: Final[dict[str, Region]] = {r.code: r for r in REGIONS}

#: National industry risk classes 1 (lowest risk) … 8 (highest), 人社部发〔2015〕71号.
INDUSTRY_CLASSES: Final[tuple[int, ...]] = (1, 2, 3, 4, 5, 6, 7, 8)
INDUSTRY_LABELS_ZH: Final[dict[int, str]] = {
    1: "一类",
    2: "二类",
    3: "三类",
    4: "四类",
    5: "五类",
    6: "六类",
    7: "七类",
    8: "八类",
}

#: Claim outcomes: medical only, disability grades 1-10, death.
OUTCOMES: Final[tuple[str, ...]] = (
    "medical_only",
    *(f"grade_{g}" for g in range(1, 11)),
    "death",
)


@dataclass(frozen=True, slots=True)
class Item:
    """An official budget item of the work-injury fund."""

    code: str
    name_zh: str
    name_en: str
    side: str  # "revenue" | "expenditure" | "balance"


REVENUE_ITEMS: Final[tuple[Item, ...]] = (
    Item("contributions", "工伤保险费收入", "Contribution revenue", "revenue"),
    Item("fiscal_subsidy", "财政补贴收入", "Fiscal subsidy", "revenue"),
    Item("interest", "利息收入", "Interest income", "revenue"),
    Item("transfer_from_higher", "上级补助收入", "Transfer from higher level", "revenue"),
    Item("remittance_from_lower", "下级上解收入", "Remittance from lower level", "revenue"),
    Item("other_revenue", "其他收入", "Other revenue", "revenue"),
)
EXPENDITURE_ITEMS: Final[tuple[Item, ...]] = (
    Item("medical_benefits", "工伤医疗待遇支出", "Medical benefits", "expenditure"),
    Item("disability_benefits", "伤残待遇支出", "Disability benefits", "expenditure"),
    Item("death_benefits", "工亡待遇支出", "Death benefits", "expenditure"),
    Item("appraisal", "劳动能力鉴定支出", "Work-capacity appraisal", "expenditure"),
    Item("prevention", "工伤预防费用支出", "Injury prevention", "expenditure"),
    Item("subsidy_to_lower", "补助下级支出", "Subsidy to lower level", "expenditure"),
    Item("remittance_to_higher", "上解上级支出", "Remittance to higher level", "expenditure"),
    Item("other_expenditure", "其他支出", "Other expenditure", "expenditure"),
)
TOTAL_ITEMS: Final[tuple[Item, ...]] = (
    Item("revenue_total", "收入合计", "Total revenue", "revenue"),
    Item("expenditure_total", "支出合计", "Total expenditure", "expenditure"),
    Item("balance_open", "年初滚存结余", "Opening balance", "balance"),
    Item("balance_close", "年末滚存结余", "Closing balance", "balance"),
    Item("reserve", "其中：储备金", "of which: reserve fund", "balance"),
    Item("months_of_payment", "累计结余可支付月数", "Months of payment capacity", "balance"),
)
ALL_ITEMS: Final[tuple[Item, ...]] = REVENUE_ITEMS + EXPENDITURE_ITEMS + TOTAL_ITEMS
ITEM_BY_CODE: Final[dict[str, Item]] = {i.code: i for i in ALL_ITEMS}
REVENUE_CODES: Final[tuple[str, ...]] = tuple(i.code for i in REVENUE_ITEMS)
EXPENDITURE_CODES: Final[tuple[str, ...]] = tuple(i.code for i in EXPENDITURE_ITEMS)
#: Expenditure the fund pays out: every expenditure item except the flows between levels.
OUTGO_CODES: Final[tuple[str, ...]] = tuple(
    c for c in EXPENDITURE_CODES if c not in ("subsidy_to_lower", "remittance_to_higher")
)
#: Revenue a sub-unit raises itself (consolidated as plain sums over sub-units).
OWN_REVENUE_CODES: Final[tuple[str, ...]] = ("contributions", "other_revenue")
#: Items that flow between levels of government; they net out in the consolidated provincial
#: budget under 统收统支 (财社〔2017〕144号).
INTERNAL_FLOW_CODES: Final[tuple[str, ...]] = (
    "transfer_from_higher",
    "remittance_from_lower",
    "subsidy_to_lower",
    "remittance_to_higher",
)

#: Benefit items of claim-level payments (fund-paid) and the budget item each belongs to
#: (财社〔2017〕144号 art. 30), from the registry :mod:`actuary.benefit_items`.
BENEFIT_ITEM_GROUP: Final[dict[str, str]] = {
    i.code: i.budget_group for i in _benefit_items.ITEMS if i.budget_group is not None
}
BENEFIT_ITEMS: Final[tuple[str, ...]] = tuple(BENEFIT_ITEM_GROUP)
#: Labels of the benefit items (Chinese, English).
BENEFIT_ITEM_LABELS_ZH: Final[dict[str, str]] = {i.code: i.label_zh for i in _benefit_items.ITEMS}
BENEFIT_ITEM_LABELS_EN: Final[dict[str, str]] = {i.code: i.label_en for i in _benefit_items.ITEMS}

#: Long-term benefit types of the beneficiary stock (the stream items of the registry, in the
#: column order of the data and of the claims outputs).
BENEFIT_TYPES: Final[tuple[str, ...]] = (
    "disability_allowance",
    "nursing_care",
    "survivor_pension",
    "pension_topup",
)
