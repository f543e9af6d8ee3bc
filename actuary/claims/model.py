"""Claims model: fit on the province's history, simulate fund-paid expenditure per path.

``ClaimsModel(spec).fit(data, parameters) -> ClaimsResults``;
``ClaimsResults.simulate(economy_block, rng) -> xr.Dataset`` (ARCHITECTURE "Claims").
The fit is :mod:`actuary.claims.fit`, the results :mod:`actuary.claims.results`, the block
simulation :mod:`actuary.claims.simulate` (stream tables :mod:`actuary.claims.tables`, stock
:mod:`actuary.claims.stock`, claimant profile :mod:`actuary.claims.profiles`).

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
   amount :math:`\\bar a`), the Jilin practice of flat increments (吉人社办字〔2017〕62号,
   吉人社发〔2022〕24号, 吉人社发〔2023〕5号) expressed as a rule.

With ``volatility = false`` every random draw is replaced by its mean (golden tests). With
``parameter_uncertainty.enabled = true`` each path first draws its own incidence, outcome-mix,
severity and major-accident parameters (:mod:`~actuary.claims.uncertainty`).
"""

from __future__ import annotations

import numpy as np

from actuary.claims.codes import CL_GROUPS, FORMULA_ITEMS, STREAM_ITEMS
from actuary.claims.fit import fit_claims
from actuary.claims.results import FIT_KEYS, ClaimsResults
from actuary.data import ProvinceData
from actuary.params import ParameterSet, load_parameters
from actuary.spec.assumptions import AssumptionFile
from actuary.spec.claims import ClaimsSpec

__all__ = [
    "CL_GROUPS",
    "FIT_KEYS",
    "FORMULA_ITEMS",
    "STREAM_ITEMS",
    "ClaimsModel",
    "ClaimsResults",
    "block_generators",
]


def block_generators(seed: int, block: int) -> dict[str, np.random.Generator]:
    """The random streams of the claims side for one block (:mod:`actuary.rng`): ``claims``,
    ``major_accidents``, ``mortality`` and ``claims_parameters`` (drawn from only with
    parameter uncertainty on, :mod:`actuary.claims.uncertainty`)."""
    from actuary.rng import generator

    return {
        s: generator(seed, block, s)
        for s in ("claims", "major_accidents", "mortality", "claims_parameters")
    }


class ClaimsModel:
    """Claims model specification; :meth:`fit` estimates it on a province's history."""

    def __init__(self, spec: ClaimsSpec | AssumptionFile) -> None:
        self.spec = spec if isinstance(spec, ClaimsSpec) else ClaimsSpec.parse(spec)

    @classmethod
    def from_assumptions(cls, f: AssumptionFile) -> ClaimsModel:
        """The model of an assumption file (``models/assumptions/claims.toml``)."""
        return cls(ClaimsSpec.parse(f))

    def fit(self, data: ProvinceData, parameters: ParameterSet | None = None) -> ClaimsResults:
        """Fit every component on the province data (see the module docstring)."""
        return fit_claims(
            self.spec, data, parameters if parameters is not None else load_parameters()
        )
