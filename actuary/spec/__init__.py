"""Model files: assumption books, scenarios and runs (TOML), strictly validated."""

from actuary.spec.assumptions import (
    BASES,
    Assumption,
    AssumptionFile,
    Override,
    read_assumption_file,
)
from actuary.spec.run import OutputSpec, RunSpec, ScenarioSpec, load_run, load_scenario

__all__ = [
    "BASES",
    "Assumption",
    "AssumptionFile",
    "OutputSpec",
    "Override",
    "RunSpec",
    "ScenarioSpec",
    "load_run",
    "load_scenario",
    "read_assumption_file",
]
