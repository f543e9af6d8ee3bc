"""Monitoring settings: :class:`MonitorSettings`, from ``models/assumptions/monitoring.toml``.

Interval and alert levels (probabilities) and the assumed enrolment plan; strict keys, units and
plausible ranges (:data:`BOUNDS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from actuary.errors import InputError
from actuary.spec.assumptions import AssumptionFile, assumption_file_from
from actuary.spec.bounds import Bound, check_bound

__all__ = ["BOUNDS", "MonitorSettings"]

_LEVEL = Bound(0.5, 0.999, "a two-sided interval or alert probability (90 %, 99 % usual)", True)
#: Plausible ranges of the monitoring file's numeric keys.
BOUNDS: dict[str, Bound] = {
    "interval_level": _LEVEL,
    "pace_level": _LEVEL,
    "alert_level": _LEVEL,
    "enrolment.plan_growth": Bound(
        -0.2,
        0.3,
        "planned growth of enrolment a year: Jilin participants grew 234.9 → 331.6 万 "
        "2008-2011, ≈ 12 % a year (data/public/jilin_work_injury_fund_csy.csv)",
        True,
    ),
}

_SETTING_KEYS: Final = ("interval_level", "pace_level", "alert_level", "enrolment.plan_growth")


@dataclass(frozen=True)
class MonitorSettings:
    """Levels and the enrolment plan, from the monitoring assumption file."""

    interval_level: float = 0.90
    pace_level: float = 0.90
    alert_level: float = 0.99
    plan_growth: float | Mapping[str, float] | None = None
    source: str = ""
    assumptions: tuple[dict[str, Any], ...] = ()

    @classmethod
    def parse(
        cls, source: AssumptionFile | Mapping[str, Any], *, file: str | None = None
    ) -> MonitorSettings:
        """Read and check ``models/assumptions/monitoring.toml`` (strict keys, plausible ranges);
        ``source`` is the parsed file or a TOML document's mapping (named by ``file``)."""
        af = assumption_file_from(source, file=file)
        af.check_keys(_SETTING_KEYS)
        for key, bound in BOUNDS.items():
            if key in af:
                check_bound(af.get(key).value, bound, file=af.path, field=key)
        levels = {}
        for key in ("interval_level", "pace_level", "alert_level"):
            v = af.value(key, unit="probability")
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0.5 <= v < 1:
                raise InputError("must be a probability in [0.5, 1)", file=af.path, field=key)
            levels[key] = float(v)
        pg = af.value("enrolment.plan_growth", unit="1/year")
        if isinstance(pg, Mapping):
            try:
                plan: float | dict[str, float] = {str(k): float(v) for k, v in pg.items()}
            except (TypeError, ValueError):
                raise InputError(
                    "plan growth values must be numbers",
                    file=af.path,
                    field="enrolment.plan_growth",
                ) from None
        elif isinstance(pg, int | float) and not isinstance(pg, bool):
            plan = float(pg)
        else:
            raise InputError(
                "must be a number or a table by region", file=af.path, field="enrolment.plan_growth"
            )
        return cls(plan_growth=plan, source=af.path, assumptions=tuple(af.to_records()), **levels)
