r"""The economic and labour-market model: composition of the processes into one simulation.

.. math::

    W_t &= W_{t-1} e^{y^{w}_t}, \qquad E_t = E_{t-1} e^{y^{e}_t},
    \qquad D_t = D_{t-1} e^{y^{d}_t} \quad\text{(growth system, provincial / national)}\\
    w_{r,t} &= \tilde W_t\, \frac{e^{z_{r,t}}}{\sum_s \pi_{s,t} e^{z_{s,t}}},
    \qquad z_{r,t} = z_{r,t-1} + d_{r,t} \quad\text{(regional wage relativities)}\\
    e_{r,t} &= \tilde E_t\, \frac{e^{x_{r,t}}}{\sum_s e^{x_{s,t}}},
    \qquad x_{r,t} = x_{r,t-1} + d^{e}_{r,t} \quad\text{(regional employment shares)}\\
    \text{covered}_{r,k,t} &= c_{r,k,t}\; e_{r,t}\, \pi_{r,k}, \qquad
    \text{payroll}_{r,k,t} = \text{covered}_{r,k,t}\; w_{r,t}\; \kappa_{r,k}\\
    \text{collection}_{r,t} &= \operatorname{expit}(m_r + u_{r,t})

where :math:`y` is the growth system (:class:`~actuary.economy.processes.GrowthSystem`), the
deviations :math:`d, d^e, u` are pooled AR(1) panels
(:class:`~actuary.economy.processes.PanelAR`), :math:`c` the coverage process
(:class:`~actuary.economy.processes.CoverageProcess`), :math:`\pi_{r,k}` the industry-class
share of a region's employment (taken as the class mix of covered workers in the base year:
employment by class is not in the data), :math:`\kappa_{r,k}` the class wage relativity (payroll
per covered worker ÷ regional average wage, base-year exposure), :math:`\tilde W_t` the
employment-weighted mean of the regional wages grown at the provincial rate and
:math:`\tilde E_t` the sum of regional employment grown at the provincial rate. The simulation
starts from the observed values of the last history year. With ``form = "oos_mixture"`` the
provincial wage growth :math:`y^w` comes instead from the out-of-sample weighted mixture of
wage candidates (:class:`~actuary.economy.candidates.WageMixture`), drawn from a generator
jumped ahead of the block's stream so that every other draw is that of the default form.

Examples
--------
>>> from actuary.economy import EconomyModel, EconomySpec
>>> res = EconomyModel(EconomySpec()).fit(data)                       # doctest: +SKIP
>>> ds = res.simulate(range(2026, 2029), 1000, np.random.default_rng(1))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray
from scipy import special

from actuary import dims
from actuary.economy.candidates import WageMixture, fit_mixture, log_series
from actuary.economy.history import EconomyBase, EconomyHistory, history_from
from actuary.economy.processes import (
    GROWTH_SERIES,
    CoverageParams,
    CoverageProcess,
    CoverageResults,
    FloatArray,
    GrowthSystem,
    GrowthSystemResults,
    PanelAR,
    PanelARParams,
    PanelARResults,
    simulate_growth,
    to_internal,
    to_published,
)
from actuary.errors import InputError
from actuary.rng import BLOCK_SIZE, generator, path_blocks
from actuary.spec.assumptions import AssumptionFile, Override
from actuary.spec.economy import MIXTURE_FORM, PIN_TARGETS, EconomySpec, normalise_target

if TYPE_CHECKING:
    from actuary.data import ProvinceData

UNITS: dict[str, str] = {
    "avg_wage": "yuan/year",
    "avg_wage_province": "yuan/year",
    "wage_growth": "fraction/year",
    "employment": "persons",
    "employment_province": "persons",
    "employment_growth": "fraction/year",
    "coverage_rate": "fraction",
    "covered_workers": "persons",
    "covered_payroll": "yuan/year",
    "collection_rate": "fraction",
    "cpi_growth": "fraction/year",
    "deposit_rate": "fraction/year",
    "national_disposable_income": "yuan/year",
    "disposable_income_growth": "fraction/year",
}


@dataclass(frozen=True)
class EconomyParams:
    """All parameters and start states: what ``EconomyModel.fix`` needs, no data."""

    growth: GrowthSystemResults
    regional_wage: PanelARResults
    regional_employment: PanelARResults
    coverage: CoverageResults
    collection: PanelARResults
    collection_mean: FloatArray  # (R,) long-run logit level m_r
    base: EconomyBase
    #: provincial wage model of the ``"oos_mixture"`` form (None: the growth system's wage)
    wage_mixture: WageMixture | None = None


def _by_region_or_class(
    value: float | Mapping[str, float],
    regions: Sequence[str],
    classes: Sequence[int],
    what: str,
    file: str | None = None,
) -> FloatArray:
    """Expand a scalar / by-region / by-class value to an (R, K) array."""
    out = np.empty((len(regions), len(classes)))
    if isinstance(value, Mapping):
        keys = {str(k) for k in value}
        if keys <= {str(c) for c in classes}:
            for j, c in enumerate(classes):
                out[:, j] = float(value.get(str(c), np.nan))  # type: ignore[arg-type]
        elif keys <= set(regions):
            for i, r in enumerate(regions):
                out[i, :] = float(value.get(r, np.nan))
        else:
            raise InputError(
                "keys must be all region codes or all industry classes 1-8", file=file, field=what
            )
        if np.isnan(out).any():
            raise InputError(
                "a value is needed for every region (or every class)", file=file, field=what
            )
    else:
        out[:] = float(value)
    if (out < 0).any() or (out > 1).any():
        raise InputError("must be a fraction in [0, 1]", file=file, field=what)
    return out


class EconomyModel:
    """Economic and labour-market model (see the module docstring for the equations)."""

    def __init__(self, spec: EconomySpec | None = None) -> None:
        self.spec = spec or EconomySpec()

    @classmethod
    def from_assumptions(cls, assumptions: AssumptionFile) -> EconomyModel:
        """Build from ``assumptions/economy.toml`` (:meth:`EconomySpec.parse`)."""
        return cls(EconomySpec.parse(assumptions))

    # -- fixing ---------------------------------------------------------------------------
    def fix(self, params: EconomyParams) -> EconomyResults:
        """Results from prescribed parameters (no data needed)."""
        return EconomyResults(spec=self.spec, params=params, source="fixed").with_overrides(
            self.spec.adjustments
        )

    # -- fitting --------------------------------------------------------------------------
    def fit(self, data: ProvinceData | EconomyHistory) -> EconomyResults:
        """Fit every process to a :class:`ProvinceData` (or an :class:`EconomyHistory`)."""
        h = data if isinstance(data, EconomyHistory) else history_from(data)
        if self.spec.history_first_year is not None:
            h = h.since(self.spec.history_first_year)
        spec = self.spec
        mixture = spec.form == MIXTURE_FORM
        growth = GrowthSystem(
            "auto" if mixture else spec.form, spec.max_ar_order, spec.ar_bias_correction
        ).fit(h.growth_frame())
        wage_mix = fit_mixture(log_series(h.economy["avg_wage"])) if mixture else None
        wage_dev = PanelAR("regional_wage").fit(h.regional_wage_deviation())
        emp_dev = PanelAR("regional_employment").fit(h.regional_employment_deviation())
        base = h.base()
        cov_hist = h.regional_coverage()
        tgt = None
        if spec.coverage_target is not None:
            tgt = _by_region_or_class(
                spec.coverage_target,
                base.regions,
                base.classes,
                "coverage.target",
                spec.source_file or None,
            )
        cov = CoverageProcess().fit(
            cov_hist,
            base.coverage.ravel(),
            None if tgt is None else tgt.mean(axis=1),
            spec.coverage_speed,
        )
        cell_target = (
            tgt.ravel()
            if tgt is not None
            else np.full(base.coverage.size, float(np.mean(cov.params.target)))
        )
        target = np.maximum(cell_target, base.coverage.ravel())
        cov = replace(cov, params=replace(cov.params, target=target))
        logit_col = special.logit(h.collection_rates())
        if spec.collection_long_run is None:
            m = logit_col.mean(axis=0).to_numpy(np.float64)
        else:
            m = special.logit(
                _by_region_or_class(
                    spec.collection_long_run,
                    base.regions,
                    (1,),
                    "collection.long_run_mean",
                    spec.source_file or None,
                )[:, 0]
            )
        col = PanelAR("collection").fit(logit_col - m)
        params = EconomyParams(growth, wage_dev, emp_dev, cov, col, np.asarray(m), base, wage_mix)
        res = EconomyResults(spec=spec, params=params, source="fitted", history=h)
        return res.with_overrides(spec.adjustments)


@dataclass(frozen=True)
class EconomyResults:
    """Fitted or prescribed economy model: ``params``, ``summary()``, ``simulate()``."""

    spec: EconomySpec
    params: EconomyParams
    source: str = "fixed"
    overrides: tuple[Override, ...] = ()
    history: EconomyHistory | None = field(default=None, repr=False)

    # -- parameters -------------------------------------------------------------------------
    def param_table(self) -> pd.Series:
        """Flat table of the overridable scalar parameters (published scale for means)."""
        p = self.params
        g = p.growth.params
        out: dict[str, float] = {}
        for i, n in enumerate(g.names):
            out[f"{n}.mean"] = float(to_published(n, g.mean[i]))
            out[f"{n}.ar1"] = float(g.ar[i, i])
            out[f"{n}.sigma"] = float(np.sqrt(g.cov[i, i]))
        for key, pr in (
            ("regional_wage", p.regional_wage),
            ("regional_employment", p.regional_employment),
            ("collection", p.collection),
        ):
            out[f"{key}.ar1"] = pr.params.ar1
            out[f"{key}.sigma"] = pr.params.sigma
        out["coverage.speed"] = p.coverage.params.speed
        out["coverage.sigma"] = p.coverage.params.sigma
        out["coverage.rho"] = p.coverage.params.rho
        out["coverage.target"] = float(np.mean(p.coverage.params.target))
        out["collection.long_run_mean"] = float(np.mean(special.expit(p.collection_mean)))
        return pd.Series(out, name="value")

    def with_overrides(self, overrides: Iterable[Override]) -> EconomyResults:
        """A new results value with parameter overrides applied (pins are kept for simulate)."""
        p = self.params
        applied = list(self.overrides)
        for o in overrides:
            t = normalise_target(o.target)
            rec = replace(o, target=t)
            same = [a for a in applied if a.target == t and a.year == o.year]
            if any(a.value == o.value and a.reason == o.reason for a in same):
                continue  # the same adjustment arriving twice (file pins and run overrides)
            if o.year is not None:
                if t not in PIN_TARGETS:
                    raise InputError(
                        f"cannot pin '{o.target}'; pinnable: {', '.join(PIN_TARGETS)}",
                        file=o.origin or None,
                        field=o.target,
                    )
                if t == "collection_rate":
                    _by_region_or_class(o.value, p.base.regions, (1,), o.target, o.origin or None)
                elif isinstance(o.value, bool) or not isinstance(o.value, int | float):
                    raise InputError(
                        f"a pinned {t} must be a number (fraction), got {o.value!r}",
                        file=o.origin or None,
                        field=o.target,
                    )
                if int(o.year) <= p.base.base_year:
                    raise InputError(
                        f"pinned year {o.year} is not after the base year {p.base.base_year}",
                        file=o.origin or None,
                        field=o.target,
                    )
            else:
                p = _apply_param_override(p, t, o)
            # a later override of the same target (and year) supersedes the earlier record
            applied = [a for a in applied if not (a.target == t and a.year == o.year)]
            applied.append(rec)
        return replace(self, params=p, overrides=tuple(applied))

    def summary(self) -> str:
        """Text summary: model form, parameters, diagnostics, overrides."""
        p = self.params
        lines = [
            f"EconomyResults ({self.source}); base year {p.base.base_year}; "
            f"{len(p.base.regions)} regions x {len(p.base.classes)} classes; parameter "
            f"uncertainty {'on' if self.spec.parameter_uncertainty else 'off'}; volatility "
            f"scale {self.spec.volatility_scale}",
            p.growth.summary(),
            *(
                []
                if p.wage_mixture is None
                else [p.wage_mixture.summary() + " (replaces the growth system's wage_growth)"]
            ),
            p.regional_wage.summary(),
            p.regional_employment.summary(),
            p.coverage.summary(),
            p.collection.summary(),
        ]
        if self.overrides:
            lines.append("overrides (qualitative adjustments):")
            for o in self.overrides:
                yr = f" in {o.year}" if o.year is not None else ""
                lines.append(f"  {o.target}{yr} = {o.value}  ({o.reason})")
        return "\n".join(lines)

    # -- simulation -------------------------------------------------------------------------
    def simulate(
        self,
        years: Iterable[int],
        n_paths: int,
        rng: np.random.Generator,
        overrides: Iterable[Override] = (),
        *,
        path_start: int = 0,
    ) -> xr.Dataset:
        """Simulate ``n_paths`` paths over ``years`` (consecutive, after the base year).

        Returns the ARCHITECTURE "Economy" Dataset (dims ``path``, ``year``, ``region``,
        ``industry_class``; units in each variable's ``attrs["units"]``; the applied overrides as
        JSON in ``ds.attrs["overrides"]``).
        """
        years = [int(y) for y in years]
        res = self.with_overrides(overrides) if overrides else self
        arrays = res._arrays(years, n_paths, rng)
        return res._dataset(arrays, years, np.arange(path_start, path_start + n_paths))

    def _arrays(
        self,
        years: list[int],
        n: int,
        rng: np.random.Generator,
        out: Mapping[str, FloatArray] | None = None,
    ) -> dict[str, FloatArray]:
        """The simulated variables as arrays (path first), for the requested years only.

        ``out`` may hold preallocated ``(n, years, region, class)`` buffers for
        ``coverage_rate``, ``covered_workers`` and ``covered_payroll``; they are filled in place
        (saves a copy of the largest arrays in block runs).
        """
        p = self.params
        b = p.base
        spec = self.spec
        if not years:
            raise InputError("no projection years requested", field="years")
        if years[0] <= b.base_year or years != list(range(years[0], years[0] + len(years))):
            raise InputError(
                f"projection years must be consecutive and after the base year {b.base_year}",
                field="years",
            )
        sim_years = list(range(b.base_year + 1, years[-1] + 1))
        ny = len(sim_years)
        unc = spec.parameter_uncertainty
        vol = spec.volatility_scale
        pins = {(o.target, int(o.year)): o.value for o in self.overrides if o.year is not None}
        growth_pins = {k: float(v) for k, v in pins.items() if k[0] in GROWTH_SERIES}
        # 1. growth system
        g = p.growth
        mean, ar, chol = g.draw_parameters(n, rng, unc)
        y = simulate_growth(
            g.params.names, g.initial, mean, ar, chol, ny, rng, vol, growth_pins, sim_years
        )
        names = list(g.params.names)
        if p.wage_mixture is not None and "wage_growth" in names:
            # the "oos_mixture" form: the provincial wage comes from the candidate mixture, drawn
            # from a generator jumped far ahead of this block's stream, so every other draw of
            # the block is the same as in the growth-system form
            wi = names.index("wage_growth")
            jumped = getattr(rng.bit_generator, "jumped", None)
            if jumped is None:
                raise TypeError("the oos_mixture form needs a jumpable bit generator (PCG64)")
            mix_rng = np.random.Generator(jumped())
            cum = p.wage_mixture.simulate(ny, n, mix_rng, uncertainty=unc, volatility_scale=vol)
            y[:, :, wi] = np.diff(cum, axis=1, prepend=0.0)
            for (name, yr), val in growth_pins.items():
                if name == "wage_growth" and yr in sim_years:
                    y[:, sim_years.index(yr), wi] = to_internal(name, val)

        def series(name: str) -> FloatArray:
            return y[:, :, names.index(name)]

        wage_idx = np.exp(np.cumsum(series("wage_growth"), axis=1))  # W_t / W_T
        emp_idx = np.exp(np.cumsum(series("employment_growth"), axis=1))
        inc_idx = np.exp(np.cumsum(series("disposable_income_growth"), axis=1))
        # 2. regional deviations (wages, employment shares)
        dw = p.regional_wage.simulate(sim_years, n, rng, uncertainty=unc, volatility_scale=vol)
        de = p.regional_employment.simulate(
            sim_years, n, rng, uncertainty=unc, volatility_scale=vol
        )
        emp_total_T = float(b.employment_region.sum())
        share0 = b.employment_region / emp_total_T
        xs = np.log(share0)[None, None] + np.cumsum(de, axis=1)
        shares = np.exp(xs)
        shares /= shares.sum(axis=2, keepdims=True)
        employment = emp_total_T * emp_idx[:, :, None] * shares  # (n, ny, R)
        w_tilde_T = float(share0 @ b.avg_wage_region)
        rel0 = b.avg_wage_region / w_tilde_T
        rel = rel0[None, None] * np.exp(np.cumsum(dw, axis=1))
        rel /= (shares * rel).sum(axis=2, keepdims=True)
        avg_wage = w_tilde_T * wage_idx[:, :, None] * rel  # (n, ny, R)
        # 3. coverage
        cov = p.coverage
        lsp = cov.draw_parameters(n, rng, unc)
        c = np.broadcast_to(cov.initial, (n, cov.initial.size)).copy()
        nr, nk = b.coverage.shape
        inplace = out is not None and ny == len(years)
        shape4 = (n, ny, nr, nk)
        coverage = out["coverage_rate"] if inplace and out else np.empty(shape4)
        covered = out["covered_workers"] if inplace and out else np.empty(shape4)
        payroll = out["covered_payroll"] if inplace and out else np.empty(shape4)
        for t in range(ny):
            c = cov.step(c, lsp, rng, vol)
            coverage[:, t] = c.reshape(n, nr, nk)
        np.multiply(employment[:, :, :, None], b.class_share[None, None], out=covered)
        covered *= coverage
        np.multiply(avg_wage[:, :, :, None], b.wage_relativity[None, None], out=payroll)
        payroll *= covered
        # 4. collection rate
        col_pins: dict[int, FloatArray] = {}
        for (tgt, yr), val in pins.items():
            if tgt == "collection_rate" and yr in sim_years:
                v = _by_region_or_class(val, b.regions, (1,), "collection_rate")[:, 0]
                col_pins[sim_years.index(yr)] = special.logit(v) - p.collection_mean
        u = p.collection.simulate(
            sim_years, n, rng, uncertainty=unc, volatility_scale=vol, pins=col_pins
        )
        logit_c = p.collection_mean[None, None] + u
        collection = special.expit(logit_c)
        dep = np.maximum(series("deposit_rate"), spec.deposit_rate_floor)
        sel = slice(sim_years.index(years[0]), None)
        return {
            "avg_wage": avg_wage[:, sel],
            "avg_wage_province": b.avg_wage_province * wage_idx[:, sel],
            "wage_growth": to_published("wage_growth", series("wage_growth"))[:, sel],
            "employment": employment[:, sel],
            "employment_province": b.employment_province * emp_idx[:, sel],
            "employment_growth": np.expm1(series("employment_growth"))[:, sel],
            "coverage_rate": coverage[:, sel],
            "covered_workers": covered[:, sel],
            "covered_payroll": payroll[:, sel],
            "collection_rate": collection[:, sel],
            "cpi_growth": series("cpi_growth")[:, sel],
            "deposit_rate": dep[:, sel],
            "national_disposable_income": b.disposable_income * inc_idx[:, sel],
            "disposable_income_growth": np.expm1(series("disposable_income_growth"))[:, sel],
        }

    def _dataset(
        self,
        arrays: Mapping[str, FloatArray],
        years: Sequence[int],
        path: FloatArray | NDArray[np.int64],
    ) -> xr.Dataset:
        b = self.params.base
        coords = {
            dims.PATH: np.asarray(path),
            dims.YEAR: np.asarray(years),
            dims.REGION: list(b.regions),
            dims.INDUSTRY: list(b.classes),
        }
        py = (dims.PATH, dims.YEAR)
        pyr = (*py, dims.REGION)
        pyrk = (*pyr, dims.INDUSTRY)
        by_ndim = {2: py, 3: pyr, 4: pyrk}
        ds = xr.Dataset(
            {
                k: xr.Variable(by_ndim[v.ndim], v, attrs={"units": UNITS[k]})
                for k, v in arrays.items()
            },
            coords=coords,
        )
        ds.attrs.update(self.attrs())
        return ds

    def attrs(self) -> dict[str, Any]:
        """Dataset attributes: provenance of the simulation (JSON strings for netCDF)."""
        return {
            "model": "actuary.economy.EconomyModel",
            "source": self.source,
            "base_year": self.params.base.base_year,
            "growth_form": (
                self.params.growth.params.form
                if self.params.wage_mixture is None
                else f"{self.params.growth.params.form}+{MIXTURE_FORM}"
            ),
            "parameter_uncertainty": int(self.spec.parameter_uncertainty),
            "volatility_scale": float(self.spec.volatility_scale),
            "overrides": json.dumps(
                [
                    {
                        "target": o.target,
                        "value": o.value,
                        "year": o.year,
                        "reason": o.reason,
                        "origin": o.origin,
                    }
                    for o in self.overrides
                ],
                ensure_ascii=False,
                default=str,
            ),
        }

    def without_fit_objects(self) -> EconomyResults:
        """A light copy (no statsmodels result objects, no history) for sending to workers."""
        g = replace(self.params.growth, fit_results={}, residuals=None)
        return replace(self, params=replace(self.params, growth=g), history=None)


def _apply_param_override(p: EconomyParams, t: str, o: Override) -> EconomyParams:
    """Replace one named parameter (see :meth:`EconomyResults.param_table` for the names)."""
    try:
        head, _, tail = t.rpartition(".")
        if head in GROWTH_SERIES:
            gp = p.growth.params
            i = gp.index(head)
            if tail == "mean":
                mean = gp.mean.copy()
                mean[i] = float(to_internal(head, float(o.value)))
                gp = replace(gp, mean=mean)
            elif tail == "ar1":
                ar = gp.ar.copy()
                ar[i, i] = float(o.value)
                gp = replace(gp, ar=ar)
            elif tail == "sigma":
                sd = np.sqrt(np.diag(gp.cov)).copy()
                new = float(o.value)
                scale = np.ones_like(sd)
                scale[i] = new / sd[i] if sd[i] > 0 else 0.0
                cov = gp.cov * np.outer(scale, scale)
                if sd[i] == 0:
                    cov[i, i] = new**2
                gp = replace(gp, cov=cov)
            else:
                raise InputError(
                    "override targets an unknown economy parameter",
                    file=o.origin or None,
                    field=o.target,
                )
            return replace(p, growth=replace(p.growth, params=gp))
        if head in ("regional_wage", "regional_employment", "collection") and tail in (
            "ar1",
            "sigma",
        ):
            pr: PanelARResults = getattr(p, head)
            new_p: PanelARParams = replace(pr.params, **{tail: float(o.value)})
            new_r = replace(pr, params=new_p)
            if head == "regional_wage":
                return replace(p, regional_wage=new_r)
            if head == "regional_employment":
                return replace(p, regional_employment=new_r)
            return replace(p, collection=new_r)
        if t == "collection.long_run_mean":
            m = special.logit(
                _by_region_or_class(o.value, p.base.regions, (1,), t, o.origin or None)[:, 0]
            )
            return replace(p, collection_mean=np.asarray(m))
        if head == "coverage" and tail in ("speed", "sigma", "rho", "target"):
            cp: CoverageParams = p.coverage.params
            if tail == "target":
                tgt = _by_region_or_class(
                    o.value, p.base.regions, p.base.classes, t, o.origin or None
                ).ravel()
                cp = replace(cp, target=np.maximum(tgt, p.coverage.initial))
            else:
                v = float(o.value)
                if tail == "speed":
                    if not 0.0 < v < 1.0:
                        raise InputError(
                            "coverage speed must be in (0, 1)",
                            file=o.origin or None,
                            field=o.target,
                        )
                    cp = replace(cp, speed=v, speed_logit_se=cp.speed_logit_se)
                elif tail == "sigma":
                    cp = replace(cp, sigma=v)
                else:
                    cp = replace(cp, rho=float(np.clip(v, 0.0, 1.0)))
            return replace(p, coverage=replace(p.coverage, params=cp))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            f"bad override value {o.value!r}: {exc}", file=o.origin or None, field=o.target
        ) from None
    raise InputError(
        "override targets an unknown economy parameter", file=o.origin or None, field=o.target
    )


# ---------------------------------------------------------------------------------------------
# Block simulation (reproducible at any number of workers)
# ---------------------------------------------------------------------------------------------


_BIG = ("coverage_rate", "covered_workers", "covered_payroll")


def _simulate_block(
    args: tuple[EconomyResults, list[int], int, int, int],
) -> tuple[int, dict[str, FloatArray]]:
    res, years, seed, index, size = args
    return index, res._arrays(years, size, generator(seed, index, "economy"))


def simulate_blocks(
    results: EconomyResults,
    years: Iterable[int],
    n_paths: int,
    seed: int,
    overrides: Iterable[Override] = (),
    *,
    workers: int = 1,
    chunksize: int = 1,
) -> xr.Dataset:
    """Simulate ``n_paths`` in fixed blocks (``actuary.rng``), optionally in a process pool.

    Block ``b`` covers paths ``[b·1000, (b+1)·1000)`` and draws from
    ``actuary.rng.generator(seed, b, "economy")``, so the result does not depend on
    ``workers`` or on ``chunksize`` (blocks per task). The blocks are written into
    preallocated arrays (no concatenation copy; in one process the largest arrays are computed
    in place).
    """
    res = (results.with_overrides(overrides) if overrides else results).without_fit_objects()
    yrs = [int(y) for y in years]
    blocks = path_blocks(n_paths, BLOCK_SIZE)
    tasks = [(res, yrs, seed, b.index, b.size) for b in blocks]
    b0 = res.params.base
    shape4 = (n_paths, len(yrs), len(b0.regions), len(b0.classes))
    out: dict[str, FloatArray] = {k: np.empty(shape4) for k in _BIG}

    def put(index: int, arrays: Mapping[str, FloatArray]) -> None:
        blk = blocks[index]
        for k, v in arrays.items():
            if k not in out:
                out[k] = np.empty((n_paths, *v.shape[1:]))
            dst = out[k][blk.start : blk.stop]
            if not np.shares_memory(dst, v):
                dst[...] = v

    if workers <= 1 or len(tasks) == 1:
        for b in blocks:
            views = {k: out[k][b.start : b.stop] for k in _BIG}
            put(b.index, res._arrays(yrs, b.size, generator(seed, b.index, "economy"), views))
    else:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            for index, arrays in ex.map(_simulate_block, tasks, chunksize=chunksize):
                put(index, arrays)
    ds = res._dataset(out, yrs, np.arange(n_paths))
    ds.attrs["seed"] = seed
    return ds
