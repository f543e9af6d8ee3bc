"""Model files: assumption books, scenarios and runs (TOML), strictly validated into typed specs.

The bottom layer of the package's settings: every settings dataclass and its parser, each with one
constructor ``X.parse(source, *, file=None)`` (source = an :class:`AssumptionFile` or a mapping).

Model files (`models/`)
-----------------------
`models/jilin.toml` is the embedded default run (base year, budget year, horizon, paths, seed, data
folder, assumption files, scenarios, rate policy, outputs; paths relative to the file). The
assumption book is split by owner: `models/assumptions/economy.toml` (read by `actuary.economy`),
`models/assumptions/claims.toml` (`actuary.claims`), `models/assumptions/fund.toml`
(`actuary.projection`: opening balance rules, reserve, interest, prevention, other items),
`models/assumptions/monitoring.toml` (`actuary.monitoring`: interval and alert levels, the assumed
enrolment plan; found as `assumptions/monitoring.toml` beside the run file, or given with `actuary
monitor --assumptions`; `load_run` knows only the three ids above). All are read with
`actuary.spec.read_assumption_file`, each module checking its own keys. Scenarios
(`models/scenarios/*.toml`) are overlays: lists of `[[override]] target = "<file id>.<key>"`, never
copies. Technical notes: `models/notes/`. `[rate_policy]` names the rate rule
(`actuary.policy.rule_from_spec`) and may carry two sub-tables: `[rate_policy.target]` (the rate
solver's target and instrument, `actuary.spec.rates.RateSettings`) and `[rate_policy.gap_sharing]`
(`actuary.spec.gap_sharing.GapSharingRule`), both validated when the run is loaded. Rate scenarios
for `actuary compare` live in `models/rate_scenarios/` (`[scenario]` + `[rate_policy]`, optionally
`assumptions = "overlay.toml"`); they re-roll the simulated flows, while assumption overlays
(`models/scenarios/`) re-simulate.
"""

from actuary.spec.assumptions import (
    BASES,
    Assumption,
    AssumptionFile,
    Override,
    assumption_file_from,
    read_assumption_file,
)
from actuary.spec.bounds import Bound, check_bound
from actuary.spec.claims import ClaimsSpec
from actuary.spec.economy import EconomySpec
from actuary.spec.fund import FundAssumptions
from actuary.spec.gap_sharing import GapSharingRule
from actuary.spec.monitoring import MonitorSettings
from actuary.spec.policy import RatePolicySpec
from actuary.spec.rates import RateSettings
from actuary.spec.run import (
    MAX_PROJECTION_YEARS,
    OutputSpec,
    RunSpec,
    ScenarioSpec,
    load_run,
    load_scenario,
)
from actuary.spec.sensitivity import read_sensitivity

__all__ = [
    "BASES",
    "MAX_PROJECTION_YEARS",
    "Assumption",
    "AssumptionFile",
    "Bound",
    "ClaimsSpec",
    "EconomySpec",
    "FundAssumptions",
    "GapSharingRule",
    "MonitorSettings",
    "OutputSpec",
    "Override",
    "RatePolicySpec",
    "RateSettings",
    "RunSpec",
    "ScenarioSpec",
    "assumption_file_from",
    "check_bound",
    "load_run",
    "load_scenario",
    "read_assumption_file",
    "read_sensitivity",
]
