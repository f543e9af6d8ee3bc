"""Contribution-rate policy rules that act inside the projection's year loop.

After the engine closes year ``t`` it calls ``rule(state)`` and uses the returned multipliers for
year ``t + 1``. A multiplier scales the base-rate schedule (``1.0`` = the schedule in force,
``0.5`` = the national phased cut of 50 %); it is given per path and industry class, so a rule
may move all classes together or each class on its own.

This module holds the protocol and the trivial rule; the national phased-cut rule, the
smoothing rule and scenario-defined rules are added by the rate-scenario work (issue 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RateState:
    """What a rule sees at the end of year ``year`` (province level, one row per path).

    Attributes
    ----------
    year
        The year just closed.
    months_of_payment
        Closing balance ÷ average monthly expenditure of the year, shape ``(path,)``.
    balance_close
        Closing balance (yuan), shape ``(path,)``.
    reserve
        Reserve fund inside the balance (yuan), shape ``(path,)``.
    expenditure_total
        Total expenditure of the year (yuan), shape ``(path,)``.
    contributions
        Contribution revenue of the year (yuan), shape ``(path,)``.
    multiplier
        Multipliers in force during the year, shape ``(path, industry_class)``.
    """

    year: int
    months_of_payment: FloatArray
    balance_close: FloatArray
    reserve: FloatArray
    expenditure_total: FloatArray
    contributions: FloatArray
    multiplier: FloatArray


class RateRule(Protocol):
    """A policy rule: the multipliers for next year from this year's state."""

    def __call__(self, state: RateState) -> FloatArray:
        """Return the multipliers for ``state.year + 1``, shape ``(path, industry_class)``."""
        ...


@dataclass(frozen=True, slots=True)
class KeepRate:
    """Keep the multipliers unchanged (the default: no rule)."""

    def __call__(self, state: RateState) -> FloatArray:
        """Return this year's multipliers unchanged."""
        return state.multiplier.copy()


#: Rule kinds a model file may name (``[rate_policy] rule = "<kind>"``) → factory taking the
#: remaining keys of the table. The rate-scenario work registers more kinds here.
RULES: dict[str, type] = {"keep": KeepRate}


def rule_from_spec(spec: dict[str, object], *, file: str | None = None) -> RateRule:
    """Build a rate rule from a model-file table such as ``{"rule": "phased_cut", ...}``."""
    from actuary.errors import InputError

    kind = spec.get("rule", "keep")
    if not isinstance(kind, str) or kind not in RULES:
        raise InputError(
            f"unknown rate rule {kind!r}; known: {sorted(RULES)}",
            file=file,
            field="rate_policy.rule",
        )
    kwargs = {k: v for k, v in spec.items() if k != "rule"}
    try:
        rule: RateRule = RULES[kind](**kwargs)
    except TypeError as exc:
        raise InputError(
            f"bad settings for rule {kind!r}: {exc}", file=file, field="rate_policy"
        ) from None
    return rule
