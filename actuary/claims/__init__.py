"""Claims side of the fund: incidence, outcome mix, severity, payment development, major
accidents and long-term benefit streams.

Entry points
------------
- :class:`ClaimsModel` — ``ClaimsModel(spec).fit(data, parameters) -> ClaimsResults``;
  ``ClaimsModel.from_assumptions(read_assumption_file("models/assumptions/claims.toml"))``.
- :class:`ClaimsResults` — ``params``, ``summary()``,
  ``simulate(economy_block, rng) -> xr.Dataset`` (ARCHITECTURE "Claims" contract).
- :func:`block_generators` — the block's ``claims`` / ``major_accidents`` / ``mortality`` /
  ``claims_parameters`` random streams (:mod:`actuary.rng`).
- :func:`exhaustion_probability` — how often major-accident costs exceed the reserve fund.

Contract (what the projection relies on)
----------------------------------------
`ClaimsModel(spec).fit(data, parameters) -> ClaimsResults` with `params`, `summary()`,
`simulate(economy_block: xr.Dataset, rng) -> xr.Dataset`: `paid` (path, year, region, benefit_item;
fund-paid yuan), `expenditure` (path, year, region, item) for `medical_benefits`,
`disability_benefits`, `death_benefits`, `appraisal`; `claim_count` (path, year, region, outcome);
`beneficiaries` (path, year, region, benefit_type). Also returned: `major_accident_victims` and
`major_accident_cost` (path, year, region; the victims' lump-sum and medical cost by accident year,
for `actuary.claims.exhaustion_probability` against the reserve). `rng` is either a mapping
`{"claims", "major_accidents", "mortality"} → Generator` (plus `"claims_parameters"`, needed only
with `parameter_uncertainty.enabled`; the block's streams,
`actuary.claims.block_generators(seed, block)`) or one Generator from which they are spawned. The
result's attrs `claims_volatility`, `claims_parameter_uncertainty` (0/1) state the settings.
The economy block must start the year after the data's last full year.
`ClaimsModel.from_assumptions(AssumptionFile)` (via `ClaimsSpec.parse`) reads
`models/assumptions/claims.toml`; `ClaimsResults.with_overrides(overrides)` applies projection
assumptions without refitting (fit-level keys, `actuary.claims.model.FIT_KEYS`, are refused).
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
