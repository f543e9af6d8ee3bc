"""The rate solver's result on a projection's baseline flows, flattened for the review pack
(:func:`actuary.rates.solve_rates` with the run's ``[rate_policy.target]``)."""

from __future__ import annotations

from typing import Any

from actuary.errors import InputError
from actuary.params import ParameterSet
from actuary.projection import Projection
from actuary.rates import solve_rates
from actuary.spec.run import RunSpec

__all__ = ["rate_solution"]


def rate_solution(
    run: RunSpec, proj: Projection, params: ParameterSet
) -> tuple[dict[str, Any] | None, str]:
    """The rate solver's result (:func:`actuary.rates.solve_rates`) on the baseline flows, with
    the target of the run's ``[rate_policy.target]`` (the solver's defaults when absent); or
    ``None`` and the reason when the target cannot be solved on this run (e.g. a horizon longer
    than the projection)."""
    settings = run.rate_policy.target
    try:
        sol = solve_rates(proj.flows["baseline"], settings, parameters=params)
    except InputError as exc:
        return None, f"rates: {exc}"
    d = sol.to_json()
    out: dict[str, Any] = {}
    m = sol.multiplier
    if isinstance(m, float):
        out["multiplier"] = m
    else:
        out.update({f"multiplier.{k}": v for k, v in m.items()})
    for k, v in d.items():
        if isinstance(v, bool | int | float | str) and k != "multiplier":
            out[k] = v
    for k, v in (d.get("rates_pct") or {}).items():
        out[f"rate_pct.{k}"] = v
    out["summary"] = sol.summary()
    return out, ""
