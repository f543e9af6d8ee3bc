"""Codes the claims modules share: the benefit items' roles in the claims model (read from the
registry :mod:`actuary.benefit_items`), outcomes, nursing levels and indexation groups."""

from __future__ import annotations

import datetime as dt

from actuary import benefit_items as bi
from actuary import dims
from actuary.params import ParameterSet

__all__ = [
    "CL_GROUPS",
    "DEATH",
    "FORMULA_ITEMS",
    "INDEX_GROUPS",
    "NURSING",
    "N_OUT",
    "OUTCOMES",
    "STREAM_ITEMS",
    "own_wage_items",
]

OUTCOMES = dims.OUTCOMES
N_OUT = len(OUTCOMES)
DEATH = OUTCOMES.index("death")
#: Items priced by the statutory formula on the claimant profile, paid through the chain-ladder
#: pattern of their own triangle.
FORMULA_ITEMS: tuple[str, ...] = bi.codes(projection=bi.FORMULA)
#: Long-term stream items (paid from the stock and entrant cohorts): the registry's stream items
#: in the column order of the beneficiary types (``dims.BENEFIT_TYPES``), which the stream
#: arrays share.
STREAM_ITEMS: tuple[str, ...] = tuple(
    b for b in dims.BENEFIT_TYPES if b in bi.codes(projection=bi.STREAM)
)
#: Chain-ladder groups: one paid triangle per non-stream benefit item (each budget group split
#: by item, because e.g. 一次性工伤医疗补助金 is paid at separation, years after the
#: 一次性伤残补助金 of the same budget group).
CL_GROUPS: dict[str, tuple[str, ...]] = {
    i: (i,) for i in dims.BENEFIT_ITEMS if i not in STREAM_ITEMS
}
NURSING = ("full", "most", "partial")
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


def own_wage_items(parameters: ParameterSet, year: int) -> tuple[str, ...]:
    """Formula items proportional to the claimant's 本人工资 (条例 art. 64) in ``year``.

    Items whose registry wage base is 本人工资, and those of a provincial schedule whose
    ``base`` key in force on 1 July of ``year`` (or its first date) says ``own_wage``.
    本人工资 differs by region (e.g. 省本级 employers pay ~1.2 × the province's average wage),
    so these are priced with the province-wide profile times the region's wage relativity
    (:func:`actuary.claims.profiles.wage_relativity`).
    """
    out = []
    for code in FORMULA_ITEMS:
        item = bi.ITEM_BY_CODE[code]
        if item.wage_base == bi.OWN_WAGE:
            out.append(code)
        elif item.wage_base == bi.SCHEDULE:
            param = parameters[item.parameters[0]]
            at = max(dt.date(year, 7, 1), param.first_date)
            if param.at(at).get("base") == "own_wage":
                out.append(code)
    return tuple(out)
