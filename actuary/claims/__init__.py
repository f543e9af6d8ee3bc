"""Claims side of the fund: incidence, outcome mix, severity, payment development, major
accidents and long-term benefit streams.

Entry points
------------
- :class:`ClaimsModel` — ``ClaimsModel(spec).fit(data, parameters) -> ClaimsResults``;
  ``ClaimsModel.from_assumptions(read_assumption_file("models/assumptions/claims.toml"))``.
- :class:`ClaimsResults` — ``params``, ``summary()``,
  ``simulate(economy_block, rng) -> xr.Dataset`` (ARCHITECTURE "Claims" contract).
- :func:`block_generators` — the block's ``claims`` / ``major_accidents`` / ``mortality``
  random streams (:mod:`actuary.rng`).
- :func:`exhaustion_probability` — how often major-accident costs exceed the reserve fund.
"""

from actuary.claims.development import DevelopmentPattern, chain_ladder, paid_triangle
from actuary.claims.major import exhaustion_probability
from actuary.claims.model import ClaimsModel, ClaimsResults, block_generators
from actuary.claims.streams import MortalityTable
from actuary.spec.claims import ClaimsSpec

__all__ = [
    "ClaimsModel",
    "ClaimsResults",
    "ClaimsSpec",
    "DevelopmentPattern",
    "MortalityTable",
    "block_generators",
    "chain_ladder",
    "exhaustion_probability",
    "paid_triangle",
]
