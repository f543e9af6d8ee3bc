"""Economy-model settings: :class:`EconomySpec`, parsed from ``models/assumptions/economy.toml``.

Keys (every value with ``unit``, ``basis`` and ``source`` / ``note``; an unknown key, a wrong
unit or an implausible value is an :class:`~actuary.errors.InputError` naming the file and key):

==============================  =============  ===============================================
key                             unit           value
==============================  =============  ===============================================
``model.form``                  ``-``          ``"auto"`` / ``"ar"`` / ``"var1"`` /
                                               ``"oos_mixture"`` (wage from the candidate
                                               mixture, :mod:`actuary.economy.candidates`)
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

Overrides of the economy (scenario ``[[override]]``, run ``[[adjustment]]``, ``adjustment.*``)
name either a key above, a path pin (:data:`PIN_TARGETS` with a ``year``) or a fitted parameter
(``wage_growth.mean``, ``regional_wage.sigma`` …); each goes through :data:`BOUNDS` /
:data:`OVERRIDE_BOUNDS` (:func:`check_override`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actuary.errors import InputError
from actuary.spec.assumptions import AssumptionFile, Override, assumption_file_from
from actuary.spec.bounds import Bound, check_bound

__all__ = [
    "ADJUSTMENT_PREFIX",
    "BOUNDS",
    "KEYS",
    "MIXTURE_FORM",
    "OVERRIDE_BOUNDS",
    "PIN_TARGETS",
    "EconomySpec",
    "check_override",
    "normalise_target",
]

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
#: The ``model.form`` value that takes the provincial wage from the out-of-sample mixture.
MIXTURE_FORM = "oos_mixture"
FORMS: tuple[str, ...] = ("auto", "ar", "var1", MIXTURE_FORM)

_WAGE = (
    "Jilin non-private average wage grew +5.1 % (2022) … +23.7 % (2007) a year 1995–2022 "
    "(data/public/jilin_avg_wage_nonprivate_1995_2022.csv); a fall of up to 10 % allowed for stress"
)
_EMP = (
    "Jilin urban-unit employment fell 9 % in 2018 (data/public/jilin_employment_2017_2018.csv); "
    "±15 % a year covers any recorded provincial change"
)
_CPI = "national CPI inflation 0 … 5.4 % a year 2010–2024 (data/public/national_cpi.csv)"
_DEP = (
    "PBoC one-year deposit rate 1.5 … 3.5 % since 2010 (data/public/china_deposit_rate_1y.csv); "
    "−1 % … 10 % leaves room for negative or 1990s-level rates"
)
_INC = (
    "urban disposable income grew 5 … 10 % a year 2015–2024 "
    "(data/public/jilin_urban_disposable_income.csv); a fall of up to 10 % allowed for stress"
)
_COL = "collection rates are shares collected of contributions due (≤ 1); below 0.5 no fund runs"
_COV = "coverage = covered workers ÷ urban employment, a share in [0, 1]"

#: Plausible ranges of the economy file's numeric keys.
BOUNDS: dict[str, Bound] = {
    "model.max_ar_order": Bound(0, 1, "AR order 0 or 1 (the fits support no more on 16 years)"),
    "model.volatility_scale": Bound(0, 3, "1 = as fitted; 0 deterministic; >3 is no stress test"),
    "model.history_first_year": Bound(1990, 2100, "the public series start in 1995"),
    "coverage.target": Bound(0, 1, _COV, fraction=True),
    "coverage.speed": Bound(0, 1, "share of the remaining coverage gap closed a year", True),
    "collection.long_run_mean": Bound(0.5, 1, _COL, fraction=True),
    "deposit_rate.floor": Bound(-0.01, 0.10, _DEP, fraction=True),
}

#: The growth series of the economy model (pins and ``<series>.mean`` overrides).
_SERIES: dict[str, Bound] = {
    "wage_growth": Bound(-0.10, 0.30, _WAGE, fraction=True),
    "employment_growth": Bound(-0.15, 0.10, _EMP, fraction=True),
    "cpi_growth": Bound(-0.05, 0.10, _CPI, fraction=True),
    "deposit_rate": Bound(-0.01, 0.10, _DEP, fraction=True),
    "disposable_income_growth": Bound(-0.10, 0.25, _INC, fraction=True),
}
#: Targets a pin (an override with a ``year``) may name.
PIN_TARGETS: tuple[str, ...] = (*_SERIES, "collection_rate")

_AR = Bound(-1, 1, "an AR(1) coefficient of a stationary process lies in [−1, 1]")
_SIGMA = Bound(0, 0.5, "innovation s.d. of a growth rate: fitted 0.5 … 5 % a year; 50 % is a cap")
_PANEL_SIGMA = Bound(0, 2, "innovation s.d. of a regional log deviation or collection logit")

#: Plausible ranges of overrides that name a pin or a fitted parameter (not a key of the file).
OVERRIDE_BOUNDS: dict[str, Bound] = {
    **_SERIES,
    "collection_rate": Bound(0.5, 1, _COL, fraction=True),
    **{f"{s}.mean": b for s, b in _SERIES.items()},
    **{f"{s}.ar1": _AR for s in _SERIES},
    **{f"{s}.sigma": _SIGMA for s in _SERIES},
    **{f"{p}.ar1": _AR for p in ("regional_wage", "regional_employment", "collection")},
    **{f"{p}.sigma": _PANEL_SIGMA for p in ("regional_wage", "regional_employment", "collection")},
    "coverage.sigma": Bound(0, 1, "s.d. of the coverage uptake, a share"),
    "coverage.rho": Bound(0, 1, "AR coefficient of the coverage shocks"),
    "coverage.speed": BOUNDS["coverage.speed"],
    "coverage.target": BOUNDS["coverage.target"],
    "collection.long_run_mean": BOUNDS["collection.long_run_mean"],
}


def normalise_target(target: str) -> str:
    """An economy override target without its ``economy.`` / ``assumptions.economy.`` prefix."""
    for pre in ("assumptions.economy.", "economy."):
        if target.startswith(pre):
            return target[len(pre) :]
    return target


def check_override(
    target: str, value: Any, year: int | None, *, file: str | None, field: str
) -> None:
    """Bounds of one economy override (``target`` without ``economy.``); ``field`` is named."""
    t = normalise_target(target)
    if year is not None:
        if t not in PIN_TARGETS:
            raise InputError(
                f"a pin (an override with a year) must target one of {list(PIN_TARGETS)}, "
                f"got {t!r}",
                file=file,
                field=field,
            )
        check_bound(value, OVERRIDE_BOUNDS[t], file=file, field=f"{field} ({t} {year})")
        return
    bound = BOUNDS.get(t) or OVERRIDE_BOUNDS.get(t)
    if bound is not None:
        check_bound(value, bound, file=file, field=f"{field} ({t})")


def _fitted_or(af: AssumptionFile, key: str) -> Any:
    if key not in af:
        return None
    v = af.value(key, KEYS[key])
    if isinstance(v, str):
        if v != "fitted":
            raise InputError(
                f'expected a number, a table or "fitted", got {v!r}', file=af.path, field=key
            )
        return None
    if isinstance(v, Mapping):
        try:
            return {str(k): float(x) for k, x in v.items()}
        except (TypeError, ValueError):
            raise InputError("table values must be numbers", file=af.path, field=key) from None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError("expected a number", file=af.path, field=key)
    return float(v)


@dataclass(frozen=True)
class EconomySpec:
    r"""Specification of the economy model (from ``models/assumptions/economy.toml``).

    Parameters
    ----------
    form
        Growth-system form: ``"auto"`` (BIC + residual check), ``"ar"`` or ``"var1"``; or
        ``"oos_mixture"``: the growth system in its ``"auto"`` form for every series but the
        provincial wage, whose paths come from the out-of-sample weighted mixture of random walk
        with drift, local linear trend and AR (:mod:`actuary.economy.candidates`).
    max_ar_order
        Largest AR order per series in the ``"ar"`` form.
    ar_bias_correction
        Correct the small-sample (Kendall 1954) downward bias of fitted AR(1) coefficients in
        the ``"ar"`` form: :math:`\tilde\phi = (T\hat\phi + 1)/(T - 3)`, mean kept.
    parameter_uncertainty
        Draw parameters per path from their estimated distribution.
    volatility_scale
        Multiplies every process-noise standard deviation (0 = deterministic paths).
    coverage_target
        Planned coverage target: ``None`` (fitted saturation level), a fraction, or a mapping
        keyed by region code or by industry class (``"1"`` … ``"8"``).
    coverage_speed
        Uptake speed (share of the remaining gap closed per year); ``None`` = fitted.
    collection_long_run
        Long-run collection rate: ``None`` (each region's historical logit mean), a fraction or a
        mapping by region code.
    deposit_rate_floor
        Lower bound applied to the published deposit rate.
    history_first_year
        First history year used in the fits (``None``: all).
    adjustments
        Judgement overrides from the assumption file (parameter replacements and path pins).
    """

    form: str = "auto"
    max_ar_order: int = 1
    ar_bias_correction: bool = False
    parameter_uncertainty: bool = True
    volatility_scale: float = 1.0
    coverage_target: float | Mapping[str, float] | None = None
    coverage_speed: float | None = None
    collection_long_run: float | Mapping[str, float] | None = None
    deposit_rate_floor: float = 0.0
    history_first_year: int | None = None
    adjustments: tuple[Override, ...] = ()
    source_file: str = ""

    @classmethod
    def parse(
        cls, source: AssumptionFile | Mapping[str, Any], *, file: str | None = None
    ) -> EconomySpec:
        """The economy spec of an assumption file (strict keys, units and plausible ranges).

        ``source`` is an :class:`AssumptionFile` or the mapping of a TOML document in its format
        (then ``file`` names it in errors).
        """
        af = assumption_file_from(source, file=file)
        af.check_keys(KEYS, prefixes=(ADJUSTMENT_PREFIX,))
        for key in af:
            if key in KEYS:
                v = af.value(key, KEYS[key])  # unit check of every present key
                if key in BOUNDS:
                    check_bound(v, BOUNDS[key], file=af.path, field=key)
        form = af.value("model.form", "-") if "model.form" in af else "auto"
        if form not in FORMS:
            raise InputError(f"must be one of {', '.join(FORMS)}", file=af.path, field="model.form")
        max_p = int(af.value("model.max_ar_order", "lags")) if "model.max_ar_order" in af else 1
        if max_p not in (0, 1):
            raise InputError("must be 0 or 1", file=af.path, field="model.max_ar_order")
        bias = (
            af.value("model.ar_bias_correction", "-") if "model.ar_bias_correction" in af else False
        )
        if not isinstance(bias, bool):
            raise InputError(
                "must be true or false", file=af.path, field="model.ar_bias_correction"
            )
        unc = (
            af.value("model.parameter_uncertainty", "-")
            if ("model.parameter_uncertainty" in af)
            else True
        )
        if not isinstance(unc, bool):
            raise InputError(
                "must be true or false", file=af.path, field="model.parameter_uncertainty"
            )
        vol = (
            float(af.value("model.volatility_scale", "factor"))
            if ("model.volatility_scale" in af)
            else 1.0
        )
        if vol < 0:
            raise InputError("must be ≥ 0", file=af.path, field="model.volatility_scale")
        first = (
            af.value("model.history_first_year", "year")
            if ("model.history_first_year" in af)
            else None
        )
        speed = _fitted_or(af, "coverage.speed")
        if speed is not None and not (isinstance(speed, float) and 0 < speed < 1):
            raise InputError(
                'must be "fitted" or a number in (0, 1)', file=af.path, field="coverage.speed"
            )
        floor = (
            float(af.value("deposit_rate.floor", "fraction")) if "deposit_rate.floor" in af else 0.0
        )
        adjustments: list[Override] = []
        for key in af:
            if not key.startswith(ADJUSTMENT_PREFIX):
                continue
            a = af.get(key)
            v = a.value
            if (
                not isinstance(v, Mapping)
                or "target" not in v
                or "value" not in v
                or (set(v) - {"target", "value", "year"})
            ):
                raise InputError(
                    "an adjustment value is a table {target, value, year?}",
                    file=af.path,
                    field=key,
                )
            if not a.reason:
                raise InputError("an adjustment needs a 'reason'", file=af.path, field=key)
            year = v.get("year")
            if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
                raise InputError("year must be an integer", file=af.path, field=f"{key}.year")
            check_override(str(v["target"]), v["value"], year, file=af.path, field=key)
            adjustments.append(
                Override(
                    normalise_target(str(v["target"])),
                    v["value"],
                    a.reason,
                    None if year is None else int(year),
                    origin=f"{af.path}:{key}",
                )
            )
        # scenario pins applied to the file (AssumptionFile.with_overrides keeps them in .pins)
        for o in af.pins:
            adjustments.append(
                Override(normalise_target(o.target), o.value, o.reason, o.year, o.origin or af.path)
            )
        return cls(
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
