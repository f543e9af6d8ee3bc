"""Model files: assumption books, scenarios and runs (TOML), strictly validated into typed specs.

The bottom layer of the package's settings: every settings dataclass and its parser, each with one
constructor ``X.parse(source, *, file=None)`` (source = an :class:`AssumptionFile` or a mapping).
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
