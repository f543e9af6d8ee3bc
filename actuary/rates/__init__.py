"""Contribution rates under 以支定收、收支平衡 (工伤保险条例 art. 8).

- :class:`RateSettings` (``[rate_policy.target]``) lives in :mod:`actuary.spec.rates`,
- :mod:`actuary.rates.solver`: :func:`solve_rates` → :class:`RateSolution` (affine response of
  the roll-forward, per-path closed form, quantile across paths, lattice, re-projection),
- :mod:`actuary.rates.outcomes`: :func:`rule_outcomes` (rates employers pay and the balance
  under a rule), :func:`grade_payroll_shares`.
"""

from actuary.rates.outcomes import grade_payroll_shares, rule_outcomes
from actuary.rates.solver import ProvinceFlows, RateSolution, province_flows, solve_rates
from actuary.spec.rates import INSTRUMENTS, PROBABILITY_MODES, TARGET_KINDS, RateSettings

__all__ = [
    "INSTRUMENTS",
    "PROBABILITY_MODES",
    "TARGET_KINDS",
    "ProvinceFlows",
    "RateSettings",
    "RateSolution",
    "grade_payroll_shares",
    "province_flows",
    "rule_outcomes",
    "solve_rates",
]
