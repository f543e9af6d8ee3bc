"""Read ``models/assumptions/economy.toml`` into an :class:`~actuary.economy.model.EconomySpec`.

Keys (every value with ``unit``, ``basis`` and ``source`` / ``note``; an unknown key or a wrong
unit is an :class:`~actuary.errors.InputError` naming the file and the key):

==============================  =============  ===============================================
key                             unit           value
==============================  =============  ===============================================
``model.form``                  ``-``          ``"auto"`` / ``"ar"`` / ``"var1"``
``model.max_ar_order``          ``lags``       0 or 1
``model.ar_bias_correction``    ``-``          true / false (Kendall small-sample AR correction)
``model.parameter_uncertainty`` ``-``          true / false
``model.volatility_scale``      ``factor``     ≥ 0 (1 = as fitted, 0 = deterministic)
``model.history_first_year``    ``year``       first history year used (optional)
``coverage.target``             ``fraction``   ``"fitted"``, a fraction, or a table by region
                                               code or by industry class ``"1"`` … ``"8"``
``coverage.speed``              ``1/year``     ``"fitted"`` or a fraction in (0, 1)
``collection.long_run_mean``    ``fraction``   ``"fitted"``, a fraction or a table by region
``deposit_rate.floor``          ``fraction``   lower bound of the deposit rate
``adjustment.<name>``           any            ``{target, value, year?}`` + ``reason``: a
                                               judgement override (定性调整)
==============================  =============  ===============================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actuary.economy.model import EconomySpec, _normalise_target
from actuary.errors import InputError
from actuary.spec.assumptions import AssumptionFile, Override

KEYS: dict[str, str] = {
    "model.form": "-",
    "model.max_ar_order": "lags",
    "model.ar_bias_correction": "-",
    "model.parameter_uncertainty": "-",
    "model.volatility_scale": "factor",
    "model.history_first_year": "year",
    "coverage.target": "fraction",
    "coverage.speed": "1/year",
    "collection.long_run_mean": "fraction",
    "deposit_rate.floor": "fraction",
}
ADJUSTMENT_PREFIX = "adjustment."


def _fitted_or(af: AssumptionFile, key: str) -> Any:
    if key not in af:
        return None
    v = af.value(key, KEYS[key])
    if isinstance(v, str):
        if v != "fitted":
            raise InputError(f"expected a number, a table or \"fitted\", got {v!r}",
                             file=af.path, field=key)
        return None
    if isinstance(v, Mapping):
        try:
            return {str(k): float(x) for k, x in v.items()}
        except (TypeError, ValueError):
            raise InputError("table values must be numbers", file=af.path, field=key) from None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError("expected a number", file=af.path, field=key)
    return float(v)


def spec_from_assumptions(af: AssumptionFile) -> EconomySpec:
    """The economy spec of an assumption file (strict keys, units checked)."""
    af.check_keys(KEYS, prefixes=(ADJUSTMENT_PREFIX,))
    for key in af:
        if key in KEYS:
            af.value(key, KEYS[key])  # unit check of every present key
    form = af.value("model.form", "-") if "model.form" in af else "auto"
    if form not in ("auto", "ar", "var1"):
        raise InputError("must be auto, ar or var1", file=af.path, field="model.form")
    max_p = int(af.value("model.max_ar_order", "lags")) if "model.max_ar_order" in af else 1
    if max_p not in (0, 1):
        raise InputError("must be 0 or 1", file=af.path, field="model.max_ar_order")
    bias = af.value("model.ar_bias_correction", "-") if "model.ar_bias_correction" in af else False
    if not isinstance(bias, bool):
        raise InputError("must be true or false", file=af.path, field="model.ar_bias_correction")
    unc = af.value("model.parameter_uncertainty", "-") if (
        "model.parameter_uncertainty" in af) else True
    if not isinstance(unc, bool):
        raise InputError("must be true or false", file=af.path,
                         field="model.parameter_uncertainty")
    vol = float(af.value("model.volatility_scale", "factor")) if (
        "model.volatility_scale" in af) else 1.0
    if vol < 0:
        raise InputError("must be ≥ 0", file=af.path, field="model.volatility_scale")
    first = af.value("model.history_first_year", "year") if (
        "model.history_first_year" in af) else None
    speed = _fitted_or(af, "coverage.speed")
    if speed is not None and not (isinstance(speed, float) and 0 < speed < 1):
        raise InputError("must be \"fitted\" or a number in (0, 1)", file=af.path,
                         field="coverage.speed")
    floor = float(af.value("deposit_rate.floor", "fraction")) if "deposit_rate.floor" in af else 0.0
    adjustments: list[Override] = []
    for key in af:
        if not key.startswith(ADJUSTMENT_PREFIX):
            continue
        a = af.get(key)
        v = a.value
        if not isinstance(v, Mapping) or "target" not in v or "value" not in v or (
            set(v) - {"target", "value", "year"}
        ):
            raise InputError("an adjustment value is a table {target, value, year?}",
                             file=af.path, field=key)
        if not a.reason:
            raise InputError("an adjustment needs a 'reason'", file=af.path, field=key)
        adjustments.append(Override(_normalise_target(str(v["target"])), v["value"], a.reason,
                                    None if v.get("year") is None else int(v["year"]),
                                    origin=f"{af.path}:{key}"))
    # scenario pins applied to the file (AssumptionFile.with_overrides keeps them in .pins)
    for o in af.pins:
        adjustments.append(Override(_normalise_target(o.target), o.value, o.reason, o.year,
                                    o.origin or af.path))
    return EconomySpec(
        form=str(form),
        max_ar_order=max_p,
        ar_bias_correction=bias,
        parameter_uncertainty=unc,
        volatility_scale=vol,
        coverage_target=_fitted_or(af, "coverage.target"),
        coverage_speed=speed,
        collection_long_run=_fitted_or(af, "collection.long_run_mean"),
        deposit_rate_floor=floor,
        history_first_year=None if first is None else int(first),
        adjustments=tuple(adjustments),
        source_file=af.path,
    )
