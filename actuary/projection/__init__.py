"""Fund projection: economy + claims → official budget items by region, year and path.

Public API
----------
- :func:`project` (run spec → :class:`Projection`, whose ``.data`` is the results dataset),
- :class:`FundFlows` and :func:`roll_forward` (the roll-forward as a pure function of the
  simulated flows and the rate multipliers or a rate rule: re-project without re-simulating),
- :func:`simulate_flows`, :func:`fit_models`, :func:`build_flows`, :func:`write_paths`,
- :func:`check_fund` and :class:`InvariantError`.
"""

from actuary.projection.calibration import BaseYear, calibrate
from actuary.projection.checks import InvariantError, check_coverage, check_fund
from actuary.projection.engine import (
    Projection,
    ScenarioModels,
    build_flows,
    concat_flows,
    fit_models,
    project,
    simulate_flows,
    write_paths,
)
from actuary.projection.flows import BENEFIT_GROUPS, ITEM_CODES, FundFlows, roll_forward
from actuary.spec.fund import FundAssumptions

__all__ = [
    "BENEFIT_GROUPS",
    "ITEM_CODES",
    "BaseYear",
    "FundAssumptions",
    "FundFlows",
    "InvariantError",
    "Projection",
    "ScenarioModels",
    "build_flows",
    "calibrate",
    "check_coverage",
    "check_fund",
    "concat_flows",
    "fit_models",
    "project",
    "roll_forward",
    "simulate_flows",
    "write_paths",
]
