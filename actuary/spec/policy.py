"""The rate policy's settings: :class:`RatePolicySpec`, parsed from a ``[rate_policy]`` table.

The schema of every rate rule a model file may name (``rule = "<kind>"``): its keys, their types
and ranges (:data:`RULE_KEYS`, :data:`COMMON_KEYS`), plus the two sub-tables that are not rule
settings, ``[rate_policy.target]`` (:class:`~actuary.spec.rates.RateSettings`) and
``[rate_policy.gap_sharing]`` (:class:`~actuary.spec.gap_sharing.GapSharingRule`). Every error
names the file and ``rate_policy.<key>``. :func:`actuary.policy.rule_from_spec` builds the
:class:`~actuary.policy.RateRule` from the validated spec.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from actuary.errors import InputError
from actuary.spec.bounds import Bound, check_bound
from actuary.spec.gap_sharing import GapSharingRule
from actuary.spec.rates import RateSettings

__all__ = ["COMMON_KEYS", "RULE_KEYS", "RULE_NAMES", "SOLVER_TABLES", "RatePolicySpec"]

_NUM = (int, float)
#: Keys of each rule kind → accepted types (``required`` keys in :data:`_REQUIRED`).
RULE_KEYS: dict[str, dict[str, tuple[type, ...]]] = {
    "keep": {},
    "phased_cut": {"conditions_from": (str, dt.date), "follow_calendar": (bool,), "base": _NUM},
    "threshold_table": {"months": (list,), "multipliers": (list,), "relative": (bool,)},
    "smoothed": {"inner": (Mapping,)},
}
RULE_NAMES: tuple[str, ...] = tuple(RULE_KEYS)
#: Keys that work with every rule: a cap on the yearly change, snapping onto the grade lattice.
COMMON_KEYS: dict[str, tuple[type, ...]] = {
    "max_change_per_year": _NUM,
    "snap": (str,),
    "snap_step": _NUM,
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "threshold_table": ("months", "multipliers"),
    "smoothed": ("inner", "max_change_per_year"),
}
#: Sub-tables of ``[rate_policy]`` that are not rule settings.
SOLVER_TABLES = ("target", "gap_sharing")
_SNAPS = ("uniform", "per_class")

#: Plausible ranges of the rules' numeric settings.
BOUNDS: dict[str, Bound] = {
    "base": Bound(
        0.25, 2.0, "multiplier of the base schedule: grades 50 … 150 % (人社部发〔2015〕71号)"
    ),
    "max_change_per_year": Bound(0, 1, "change of the multiplier a year (a grade step is 0.2-0.3)"),
    "snap_step": Bound(0, 1, "a step of the multiplier lattice (grades 50 … 150 %)"),
    "months": Bound(0, 240, "months of payment capacity (phased-cut thresholds 18, 24 months)"),
    "multipliers": Bound(0.1, 3, "multipliers of the base schedule (grades 50 … 150 %)"),
}


@dataclass(frozen=True)
class RatePolicySpec:
    """A validated ``[rate_policy]`` table: the rule and its settings, target, gap sharing.

    Attributes
    ----------
    rule
        Rule kind (a key of :data:`RULE_KEYS`).
    settings
        The rule's own keys (everything but ``rule``, ``target``, ``gap_sharing``), validated.
    target
        The rate solver's target (``[rate_policy.target]``; the solver's defaults when absent).
    gap_sharing
        The gap-sharing rule (``[rate_policy.gap_sharing]``), ``None`` when absent.
    table
        The table as written (for echoes in outputs).
    file
        The file it came from (named in errors).
    """

    rule: str = "keep"
    settings: Mapping[str, Any] = field(default_factory=dict)
    target: RateSettings = field(default_factory=RateSettings)
    gap_sharing: GapSharingRule | None = None
    table: Mapping[str, Any] = field(default_factory=lambda: {"rule": "keep"})
    file: str | None = None

    @classmethod
    def parse(cls, source: Mapping[str, Any], *, file: str | None = None) -> RatePolicySpec:
        """Validate a ``[rate_policy]`` table (rule, its keys, types and ranges, sub-tables)."""
        if not isinstance(source, Mapping):
            raise InputError("expected a table", file=file, field="rate_policy")
        settings = _check_rule(source, file, "rate_policy")
        target = RateSettings()
        gap: GapSharingRule | None = None
        if "target" in source:
            target = RateSettings.parse(_table(source["target"], file, "target"), file=file)
        if "gap_sharing" in source:
            gap = GapSharingRule.parse(
                _table(source["gap_sharing"], file, "gap_sharing"), file=file
            )
        return cls(
            rule=str(source.get("rule", "keep")),
            settings=settings,
            target=target,
            gap_sharing=gap,
            table=dict(source),
            file=file,
        )

    def to_dict(self) -> dict[str, Any]:
        """The table as written (``rule`` and settings, with the sub-tables)."""
        return dict(self.table)


def _table(node: Any, file: str | None, key: str) -> Mapping[str, Any]:
    if not isinstance(node, Mapping):
        raise InputError("expected a table", file=file, field=f"rate_policy.{key}")
    return node


def _check_rule(spec: Mapping[str, Any], file: str | None, where: str) -> dict[str, Any]:
    """Check one rule table (``where`` = its place, e.g. ``rate_policy.inner``)."""
    kind = spec.get("rule", "keep")
    if not isinstance(kind, str) or kind not in RULE_KEYS:
        raise InputError(
            f"unknown rate rule {kind!r}; known: {sorted(RULE_NAMES)}",
            file=file,
            field=f"{where}.rule",
        )
    allowed = {**RULE_KEYS[kind], **COMMON_KEYS}
    solver = SOLVER_TABLES if where == "rate_policy" else ()
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "rule" or key in solver:
            continue
        name = f"{where}.{key}"
        if key not in allowed:
            raise InputError(
                f"unknown key for rule {kind!r} (misspelt?); known: "
                + ", ".join([*sorted(allowed), "rule", *solver]),
                file=file,
                field=name,
            )
        types = allowed[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise InputError(
                f"expected {' or '.join(t.__name__ for t in types)}, got {value!r}",
                file=file,
                field=name,
            )
        out[key] = value
    for key in _REQUIRED.get(kind, ()):
        if key not in spec:
            raise InputError(f"rule {kind!r} needs '{key}'", file=file, field=f"{where}.{key}")
    _check_values(kind, out, file, where)
    if kind == "smoothed":
        _check_rule(out["inner"], file, f"{where}.inner")
    return out


def _numbers(value: list[Any], file: str | None, name: str) -> list[float]:
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in value):
        raise InputError("must be a list of numbers", file=file, field=name)
    if not all(math.isfinite(float(x)) for x in value):
        raise InputError("must be finite numbers", file=file, field=name)
    return [float(x) for x in value]


def _check_values(kind: str, s: Mapping[str, Any], file: str | None, where: str) -> None:
    for key in ("base", "max_change_per_year", "snap_step"):
        if key in s:
            if not s[key] > 0:
                raise InputError(
                    f"must be a positive number, got {s[key]!r}", file=file, field=f"{where}.{key}"
                )
            check_bound(s[key], BOUNDS[key], file=file, field=f"{where}.{key}")
    if "snap" in s and s["snap"] not in _SNAPS:
        raise InputError(f"must be one of {_SNAPS}", file=file, field=f"{where}.snap")
    if "snap_step" in s and "snap" not in s and kind != "smoothed":
        raise InputError(
            "snap_step needs snap = 'uniform' or 'per_class'", file=file, field=f"{where}.snap_step"
        )
    if kind == "phased_cut" and "conditions_from" in s:
        c = s["conditions_from"]
        if isinstance(c, str):
            try:
                c = dt.date.fromisoformat(c)
            except ValueError:
                raise InputError(
                    f"must be an ISO date (YYYY-MM-DD), got {c!r}",
                    file=file,
                    field=f"{where}.conditions_from",
                ) from None
        from actuary.params import load_parameters

        param = load_parameters()["rates.phased_cut"]
        if c < param.values[0].start:
            raise InputError(
                f"no rates.phased_cut entry in force on {c.isoformat()} (first "
                f"{param.values[0].start.isoformat()})",
                file=file,
                field=f"{where}.conditions_from",
            )
    if kind == "threshold_table":
        months = _numbers(s["months"], file, f"{where}.months")
        mult = _numbers(s["multipliers"], file, f"{where}.multipliers")
        if any(b <= a for a, b in itertools.pairwise(months)):
            raise InputError(
                f"months breakpoints must be strictly increasing, got {months}",
                file=file,
                field=f"{where}.months",
            )
        if len(mult) != len(months) + 1:
            raise InputError(
                f"need {len(months) + 1} multipliers for {len(months)} breakpoints, got "
                f"{len(mult)}",
                file=file,
                field=f"{where}.multipliers",
            )
        if any(m <= 0 for m in mult):
            raise InputError(
                "multipliers must be positive numbers", file=file, field=f"{where}.multipliers"
            )
        for i, m in enumerate(months):
            check_bound(m, BOUNDS["months"], file=file, field=f"{where}.months[{i}]")
        for i, m in enumerate(mult):
            check_bound(m, BOUNDS["multipliers"], file=file, field=f"{where}.multipliers[{i}]")
