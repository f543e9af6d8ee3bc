"""Settings of the rate solver: the ``[rate_policy.target]`` table of a run file
(:class:`RateSettings`: target kind, band, probability, horizon, instrument, lattice, cap)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from actuary import dims
from actuary.errors import InputError

__all__ = ["INSTRUMENTS", "PROBABILITY_MODES", "TARGET_KINDS", "RateSettings"]

TARGET_KINDS = ("months_band", "break_even")
INSTRUMENTS = ("uniform", "per_class")
PROBABILITY_MODES = ("each_year", "all_years")

_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "lower_months": (int, float),
    "upper_months": (int, float),
    "alpha": (int, float),
    "horizon": (int,),
    "probability": (str,),
    "cover_reserve": (bool,),
    "instrument": (str,),
    "classes": (list,),
    "lattice_step": (int, float),
    "max_change_per_year": (int, float),
    "start_year": (int,),
}


# --- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateSettings:
    """Target and instrument of the rate solver (``[rate_policy.target]`` of a run file).

    Example::

        [rate_policy.target]
        kind = "months_band"        # or "break_even"
        lower_months = 12           # L: months of payment capacity to keep (judgement)
        upper_months = 30           # U: optional ceiling
        alpha = 0.9                 # probability in every year of the horizon
        horizon = 5                 # years from start_year (default: the budget year)
        probability = "each_year"   # or "all_years" (joint)
        cover_reserve = true        # balance ≥ required reserve ρ·E as well
        instrument = "uniform"      # or "per_class" with classes = [6, 7, 8]
        lattice_step = 0.05         # optional refinement of the grade lattice
        max_change_per_year = 0.2   # optional cap on the change of the multiplier per year
    """

    kind: str = "months_band"
    lower_months: float = 12.0
    upper_months: float | None = None
    alpha: float = 0.9
    horizon: int = 5
    probability: str = "each_year"
    cover_reserve: bool = True
    instrument: str = "uniform"
    classes: tuple[int, ...] | None = None
    lattice_step: float | None = None
    max_change_per_year: float | None = None
    start_year: int | None = None

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], *, file: str | None = None) -> RateSettings:
        """Validate a ``[rate_policy.target]`` table (strict keys and types)."""
        kwargs: dict[str, Any] = {}
        for key, value in spec.items():
            if key not in _SETTING_TYPES:
                raise InputError(
                    f"unknown key; known: {sorted(_SETTING_TYPES)}",
                    file=file,
                    field=f"rate_policy.target.{key}",
                )
            types = _SETTING_TYPES[key]
            if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
                raise InputError(
                    f"expected {' or '.join(t.__name__ for t in types)}, got {value!r}",
                    file=file,
                    field=f"rate_policy.target.{key}",
                )
            kwargs[key] = tuple(value) if isinstance(value, list) else value
        out = cls(**kwargs)
        out.validate(file=file)
        return out

    def with_overrides(
        self,
        *,
        target_months: float | None = None,
        alpha: float | None = None,
        horizon: int | None = None,
    ) -> RateSettings:
        """A copy with the command-line overrides applied (then validated)."""
        changes: dict[str, Any] = {}
        if target_months is not None:
            changes["lower_months"] = float(target_months)
        if alpha is not None:
            changes["alpha"] = float(alpha)
        if horizon is not None:
            changes["horizon"] = int(horizon)
        out = replace(self, **changes)
        out.validate(cli=True)
        return out

    def validate(self, *, file: str | None = None, cli: bool = False) -> None:
        """Raise :class:`InputError` on an impossible setting."""

        def bad(key: str, msg: str) -> InputError:
            flag = {"lower_months": "--target-months", "alpha": "--alpha", "horizon": "--horizon"}
            name = flag.get(key, key) if cli else f"rate_policy.target.{key}"
            return InputError(msg, file=None if cli else file, field=name)

        if self.kind not in TARGET_KINDS:
            raise bad("kind", f"must be one of {TARGET_KINDS}, got {self.kind!r}")
        if not (0.0 < self.alpha < 1.0) or not math.isfinite(self.alpha):
            raise bad("alpha", f"must lie strictly between 0 and 1, got {self.alpha}")
        if self.horizon < 1:
            raise bad("horizon", f"must be at least 1 year, got {self.horizon}")
        if not (math.isfinite(self.lower_months) and self.lower_months >= 0):
            raise bad("lower_months", f"must be a non-negative number, got {self.lower_months}")
        if self.upper_months is not None and not self.upper_months > self.lower_months:
            raise bad("upper_months", "must exceed lower_months")
        if self.probability not in PROBABILITY_MODES:
            raise bad("probability", f"must be one of {PROBABILITY_MODES}")
        if self.instrument not in INSTRUMENTS:
            raise bad("instrument", f"must be one of {INSTRUMENTS}, got {self.instrument!r}")
        if self.classes is not None:
            if self.instrument != "per_class":
                raise bad("classes", "only with instrument = 'per_class'")
            if not self.classes or any(c not in dims.INDUSTRY_CLASSES for c in self.classes):
                raise bad("classes", f"must be a non-empty list of classes {dims.INDUSTRY_CLASSES}")
        if self.lattice_step is not None and not 0 < self.lattice_step <= 1:
            raise bad("lattice_step", "must lie in (0, 1]")
        if self.max_change_per_year is not None and not self.max_change_per_year > 0:
            raise bad("max_change_per_year", "must be positive")

    def to_dict(self) -> dict[str, Any]:
        """Plain settings for JSON outputs."""
        return {
            "kind": self.kind,
            "lower_months": self.lower_months,
            "upper_months": self.upper_months,
            "alpha": self.alpha,
            "horizon": self.horizon,
            "probability": self.probability,
            "cover_reserve": self.cover_reserve,
            "instrument": self.instrument,
            "classes": list(self.classes) if self.classes else None,
            "lattice_step": self.lattice_step,
            "max_change_per_year": self.max_change_per_year,
            "start_year": self.start_year,
        }
