"""Fund projection: economy + claims → official budget items by region, year and path.

Public API
----------
- :func:`project` (run spec → :class:`Projection`, whose ``.data`` is the results dataset),
- :class:`FundFlows` and :func:`roll_forward` (the roll-forward as a pure function of the
  simulated flows and the rate multipliers or a rate rule: re-project without re-simulating),
- :func:`simulate_flows`, :func:`fit_models`, :func:`build_flows`, :func:`write_paths`,
- :func:`check_fund` and :class:`InvariantError`.

Contract (what budget, rates, compare and the report rely on)
-------------------------------------------------------------
`load_run(path) -> RunSpec`; `project(run, *, n_paths=None, seed=None, scenarios=None, workers=1,
scheduler=None, progress=False, keep_flows=True, data=None, models=None) -> Projection` whose
`.data` is an `xr.Dataset` with `fund` (scenario, path, year, region, item; yuan; months for
`months_of_payment`) over every item code of `actuary.dims` as an `item` coordinate (region = the
sub-units plus `"JL"`, the consolidated province), `multiplier` (scenario, path, year,
industry_class), `contributions_class` (scenario, path, year, industry_class), `reserve_required`,
`fiscal_gap`, `interest_rate` (scenario, path, year), `covered_payroll`, `covered_workers`
(scenario, path, year, region). `paths.nc` is this dataset (h5netcdf). `balance_close =
balance_open + revenue_total − expenditure_total` holds on every path, year and region (checked by
the engine, with the totals, continuity, consolidation and non-negativity). Under 统收统支 each
sub-unit remits its net own flow N (`remittance_to_higher` = max(N, 0)) or receives it
(`transfer_from_higher` = max(−N, 0)) and keeps no balance; the sub-unit holding the provincial
account (`pooling.account_region`, `"SBJ"` 省本级, as in the data export) books the mirror items
`remittance_from_lower` / `subsidy_to_lower`, the interest, the fiscal subsidy and the provincial
balance; all four internal items are zero in `"JL"`. Months of payment are a province figure (NaN
for sub-units). The year loop calls the run's `actuary.policy.RateRule` after each year to set next
year's multipliers (path × class); a rule must act path by path. When
`current_year.condition_on_outturn` is true and the data folder has executed months of the first
(current) year, the engine conditions that year before the roll-forward so that the mean over paths
of each sub-unit × item equals `actuary.outturn.expected_outturn` (the mean current-year closing
balance then equals the budget's expected closing balance; `FundFlows.current_year`,
`ds.attrs["current_year_factors"]`). `ds.attrs["claims_parameter_uncertainty"]` states per scenario
whether each path drew its own claims parameters (`"baseline: off"`, `actuary.claims.uncertainty`).

**Re-projecting without re-simulating** (`actuary.projection.flows`): `Projection.flows[scenario]`
is a `FundFlows` — `contributions` (path, year, region, class) at multiplier 1, `benefits` (path,
year, region, 4: medical, disability, death, appraisal), `interest_rate` (path, year),
`opening_balance`, `prior_contributions` (region), `initial_multiplier` (class) and the fund
assumptions (shares, reserve ratio, interest convention, fiscal rule, `pool_region`).
`roll_forward(flows, rate=None | RateRule | multipliers)` (multipliers: scalar, (class,), (year,
class) or (path, year, class)) returns the same variables as `.data` without the scenario
dimension; `Projection.reproject(rate, scenario)` is a shortcut. Contributions, other revenue and
prevention (3 % cap of last year's contributions) are linear in the multipliers; interest is linear
in them while the balance is positive (no interest on a deficit).
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
