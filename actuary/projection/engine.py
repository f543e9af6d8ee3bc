"""The projection engine: economy → coverage and payroll → claims → fund flows → roll-forward.

For every scenario and every fixed block of paths (``actuary.rng``; streams ``economy`` and
``claims``, the same for every scenario: common random numbers), the engine

1. simulates the economy (:class:`actuary.economy.EconomyResults`) for the projection years,
2. simulates claims on that economic block (:class:`actuary.claims.ClaimsResults`),
3. turns both into :class:`actuary.projection.flows.FundFlows` (contributions at multiplier 1 by
   path, year, sub-unit and class; benefits by item; interest rate), and
4. rolls the fund forward under the run's rate rule (:func:`actuary.projection.flows.roll_forward`),
   checking the invariants (:mod:`actuary.projection.checks`).

When the fund file asks for it (``current_year.condition_on_outturn``) and the data folder has
executed months of the first (current) year, step 4 waits for all blocks: the main process
conditions the current year on its expected outturn over all paths
(:func:`actuary.projection.current_year.condition_current_year`), then rolls each block forward.

Blocks run in one process, in a process pool (``workers``) or on a dask.distributed cluster
(``scheduler``); since each block's random streams depend only on (seed, block, component), the
result is identical in all three.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from actuary import dims
from actuary._version import __version__
from actuary.errors import InputError
from actuary.output.units import to_wan
from actuary.params import ParameterSet, load_parameters
from actuary.projection.calibration import BaseYear, base_rates, calibrate
from actuary.projection.checks import check_coverage
from actuary.projection.flows import BENEFIT_GROUPS, FundFlows, roll_forward
from actuary.rng import BLOCK_SIZE, PathBlock, generator, path_blocks
from actuary.spec.fund import FundAssumptions
from actuary.spec.policy import RatePolicySpec
from actuary.spec.run import RunSpec

if TYPE_CHECKING:
    from actuary.data import ProvinceData

FloatArray = npt.NDArray[np.float64]

#: Random streams of the claims side (``actuary.rng.STREAMS``), one generator each per block.
CLAIMS_STREAMS = ("claims", "major_accidents", "mortality", "claims_parameters")

__all__ = [
    "Projection",
    "ScenarioModels",
    "build_flows",
    "concat_flows",
    "fit_models",
    "project",
    "simulate_flows",
]


@dataclass(frozen=True)
class ScenarioModels:
    """Fitted economy and claims results and the fund assumptions of one scenario."""

    economy: Any  # actuary.economy.EconomyResults
    claims: Any  # actuary.claims.ClaimsResults
    fund: FundAssumptions


def _check_prevention(fund: FundAssumptions, params: ParameterSet, years: Sequence[int]) -> None:
    import datetime as dt

    for y in years:
        cap = float(params["fund.prevention_cap_pct"].at(dt.date(y, 1, 1)))
        if fund.prevention_share > cap + 1e-12:
            raise InputError(
                f"prevention share {fund.prevention_share} exceeds the cap {cap} in force in {y} "
                "(人社部规〔2017〕13号 art. 5)",
                file=fund.file,
                field="prevention.share",
            )


def fit_models(
    run: RunSpec,
    data: ProvinceData,
    params: ParameterSet | None = None,
    scenarios: Sequence[str] | None = None,
) -> dict[str, ScenarioModels]:
    """Fit the economy and claims models for each scenario (fits shared where specs agree)."""
    from actuary.economy import EconomyModel

    params = load_parameters() if params is None else params
    names = list(run.scenario_names if scenarios is None else scenarios)
    cache: dict[tuple[str, object], Any] = {}
    out: dict[str, ScenarioModels] = {}
    for name in names:
        e_spec = run.assumption_file("economy", name)
        c_spec = run.assumption_file("claims", name)
        e_key = ("economy", _spec_key(e_spec))
        if e_key not in cache:
            cache[e_key] = EconomyModel.from_assumptions(e_spec).fit(data)
        c_key = ("claims", _spec_key(c_spec))
        if c_key not in cache:
            cache[c_key] = _claims_model(c_spec).fit(data, params)
        economy = cache[e_key]
        e_over = run.model_overrides("economy", name, pins=True)
        if e_over:
            economy = economy.with_overrides(e_over)
        claims = cache[c_key]
        c_over = run.model_overrides("claims", name)
        if c_over:
            if not hasattr(claims, "with_overrides"):
                raise InputError(
                    "override targets an unknown claims assumption",
                    file=c_over[0].origin or None,
                    field=c_over[0].target,
                )
            claims = claims.with_overrides(c_over)
        fund: FundAssumptions = run.spec_for("fund", name)
        _check_prevention(fund, params, run.years)
        out[name] = ScenarioModels(economy, claims, fund)
    return out


def _claims_model(spec: Any) -> Any:
    try:
        from actuary.claims import ClaimsModel
    except ImportError:  # the package re-export may lag the module
        from actuary.claims.model import ClaimsModel
    return ClaimsModel.from_assumptions(spec)


def _spec_key(spec: Any) -> object:
    vals = tuple(sorted((k, repr(a.value)) for k, a in spec.values.items()))
    pins = tuple(repr(p) for p in spec.pins)
    return (vals, pins)


def _values(da: xr.DataArray, order: Sequence[str], sel: Mapping[str, Sequence[Any]]) -> FloatArray:
    """``da`` as a numpy array with dimensions in ``order`` and coordinates selected by ``sel``."""
    for d in order:
        if d not in da.dims:
            raise ValueError(f"variable {da.name!r} lacks dimension {d!r} (has {da.dims})")
    picked = da.sel({k: list(v) for k, v in sel.items() if k in da.dims})
    return np.ascontiguousarray(picked.transpose(*order).values, dtype=np.float64)


def build_flows(
    economy: xr.Dataset,
    claims: xr.Dataset,
    base: BaseYear,
    fund: FundAssumptions,
    rates: FloatArray,
    years: tuple[int, ...],
    paths: npt.NDArray[np.int64],
) -> FundFlows:
    """Turn one block's economic and claims simulations into :class:`FundFlows`.

    ``K[p,t,r,c] = covered_payroll · base_rate[t,c] · grade_mix[r,c] · collection_rate[p,t,r]``;
    construction projects add ``cost0[r] · (w[p,t,r] / w0[r]) · (1+g)^(t+1) · q[r] / m0[c*]`` to
    class ``c* = construction.rate_class`` (q = calibrated project rate collected at the initial
    multiplier m0, so the multiplier m0 reproduces the collected amount).
    """
    regions, classes = base.regions, base.classes
    P, R, C = dims.PATH, dims.REGION, dims.INDUSTRY
    sel = {dims.YEAR: years, R: regions, C: classes}
    payroll = _values(economy["covered_payroll"], (P, dims.YEAR, R, C), sel)
    coll = _values(economy["collection_rate"], (P, dims.YEAR, R), sel)
    wage = _values(economy["avg_wage"], (P, dims.YEAR, R), sel)
    k = payroll * rates[None, :, None, :] * base.grade_mix[None, None, :, :] * coll[..., None]
    j = classes.index(fund.construction_rate_class)
    growth = (1.0 + fund.construction_volume_growth) ** np.arange(1, len(years) + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wage_index = np.where(base.avg_wage > 0, wage / base.avg_wage, 0.0)
    cons = base.construction_cost * wage_index * growth[None, :, None] * base.construction_rate
    m0 = base.initial_multiplier[j]
    if m0 > 0:
        k[..., j] += cons / m0
    benefits = _values(
        claims["expenditure"],
        (P, dims.YEAR, R, dims.ITEM),
        {dims.YEAR: years, R: regions, dims.ITEM: BENEFIT_GROUPS},
    )
    deposit = _values(economy["deposit_rate"], (P, dims.YEAR), {dims.YEAR: years})
    workers = None
    if "covered_workers" in economy:
        workers = _values(economy["covered_workers"], (P, dims.YEAR, R, C), sel).sum(axis=3)
    return FundFlows(
        years=years,
        regions=regions,
        classes=classes,
        paths=paths,
        contributions=k,
        benefits=benefits,
        interest_rate=deposit + fund.interest_spread,
        opening_balance=base.opening_balance,
        prior_contributions=base.prior_contributions,
        initial_multiplier=base.initial_multiplier,
        prevention_share=fund.prevention_share,
        other_revenue_share=fund.other_revenue_share,
        other_expenditure_share=fund.other_expenditure_share,
        reserve_ratio=fund.reserve_ratio,
        interest_convention=fund.interest_convention,
        fiscal_subsidy_rule=fund.fiscal_subsidy_rule,
        fiscal_subsidy_amount=fund.fiscal_subsidy_amount,
        pool_region=fund.pool_region,
        covered_payroll=payroll.sum(axis=3),
        covered_workers=workers,
        items=BENEFIT_GROUPS,
    )


def concat_flows(parts: Sequence[FundFlows]) -> FundFlows:
    """Stack flows of consecutive path blocks into one :class:`FundFlows`."""
    import dataclasses

    first = parts[0]
    if len(parts) == 1:
        return first

    def cat(name: str) -> Any:
        arrs = [getattr(f, name) for f in parts]
        return None if arrs[0] is None else np.concatenate(arrs, axis=first.axis(name, dims.PATH))

    by_path = [n for n, d in FundFlows.DIMS.items() if dims.PATH in d]
    return dataclasses.replace(first, **{n: cat(n) for n in by_path})


@dataclass(frozen=True)
class _Context:
    """Everything a block task needs (pickled once per worker)."""

    seed: int
    years: tuple[int, ...]
    models: Mapping[str, ScenarioModels]
    base: BaseYear
    rates: FloatArray
    rate_policy: RatePolicySpec
    keep_flows: bool
    #: Scenarios whose current year is conditioned on the expected outturn: their blocks return
    #: the flows only; the roll-forward waits for all blocks (second pass, :func:`project`).
    conditioned: frozenset[str] = frozenset()


_WORKER_CONTEXT: _Context | None = None


def _set_context(ctx: _Context) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = ctx


def _run_block(
    ctx: _Context, scenario: str, block: PathBlock
) -> tuple[str, int, FundFlows | None, xr.Dataset | None]:
    """Simulate one block of one scenario: flows and the rolled-forward fund.

    BLAS runs single-threaded inside a block, whatever the process: a multi-threaded BLAS may sum
    in another order (last-bit differences), and dask workers default to one thread. With one
    thread everywhere, one process, a process pool and a cluster give identical bits.
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        return _run_block_inner(ctx, scenario, block)


def _run_block_inner(
    ctx: _Context, scenario: str, block: PathBlock
) -> tuple[str, int, FundFlows | None, xr.Dataset | None]:
    from actuary.policy import rule_from_spec

    m = ctx.models[scenario]
    econ = m.economy.simulate(
        list(ctx.years),
        block.size,
        generator(ctx.seed, block.index, "economy"),
        path_start=block.start,
    )
    check_coverage(econ, f"economy simulation, block {block.index}")
    claims = m.claims.simulate(
        econ, {s: generator(ctx.seed, block.index, s) for s in CLAIMS_STREAMS}
    )
    paths = np.arange(block.start, block.stop, dtype=np.int64)
    flows = build_flows(econ, claims, ctx.base, m.fund, ctx.rates, ctx.years, paths)
    if scenario in ctx.conditioned:
        return scenario, block.index, flows, None
    ds = roll_forward(flows, rule_from_spec(ctx.rate_policy))
    return scenario, block.index, flows if ctx.keep_flows else None, ds


def _run_block_worker(
    scenario: str, block: PathBlock
) -> tuple[str, int, FundFlows | None, xr.Dataset | None]:
    assert _WORKER_CONTEXT is not None
    return _run_block(_WORKER_CONTEXT, scenario, block)


#: Modules a worker process imports before it forks (forkserver): the slow imports happen once.
_PRELOAD = ["actuary.projection.engine", "actuary.economy.model", "actuary.claims.model"]


def _mp_context() -> Any:
    """Worker processes: forkserver with the package preloaded where available, else spawn.

    Never plain fork: the parent may hold threads (BLAS, dask, tqdm) that a fork would copy in
    an unknown state.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _bar(total: int, progress: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc="projection blocks", unit="block", file=sys.stderr, disable=not progress
    )


def _execute(
    ctx: _Context,
    tasks: list[tuple[str, PathBlock]],
    workers: int,
    scheduler: str | None,
    progress: bool,
) -> Iterable[tuple[str, int, FundFlows | None, xr.Dataset | None]]:
    """Run the block tasks in this process, a process pool or on a dask cluster."""
    if scheduler is not None:
        try:
            from distributed import Client, as_completed
        except ImportError as exc:  # pragma: no cover
            raise InputError(
                f"dask.distributed is not installed: {exc}", field="--scheduler"
            ) from None
        try:  # a malformed address fails here, before a client (and its threads) exists
            from distributed.comm.addressing import parse_address
            from distributed.comm.registry import get_backend

            get_backend(parse_address(scheduler)[0])
        except ValueError as exc:
            raise InputError(f"bad dask scheduler address: {exc}", field="--scheduler") from None
        try:
            client = Client(scheduler, timeout=15)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"cannot reach the dask scheduler: {exc}", field="--scheduler"
            ) from None
        bar = _bar(len(tasks), progress)
        try:
            ctx_f = client.scatter(ctx, broadcast=True)
            futures = [client.submit(_run_block, ctx_f, s, b, pure=False) for s, b in tasks]
            for fut in as_completed(futures):
                yield fut.result()
                bar.update(1)
        finally:
            bar.close()
            client.close()
        return
    bar = _bar(len(tasks), progress)
    try:
        if workers > 1:
            mpctx = _mp_context()
            with cf.ProcessPoolExecutor(
                workers, mp_context=mpctx, initializer=_set_context, initargs=(ctx,)
            ) as pool:
                futs = [pool.submit(_run_block_worker, s, b) for s, b in tasks]
                for f in cf.as_completed(futs):
                    yield f.result()
                    bar.update(1)
        else:
            for s, b in tasks:
                yield _run_block(ctx, s, b)
                bar.update(1)
    finally:
        bar.close()


@dataclass(frozen=True)
class Projection:
    """A projection: the results dataset, the flows behind it and the base-year facts.

    Attributes
    ----------
    data
        ``fund`` (scenario, path, year, region, item; yuan), ``multiplier`` (scenario, path,
        year, industry_class), ``contributions_class``, ``reserve_required``, ``fiscal_gap``,
        ``interest_rate``, ``covered_payroll``, ``covered_workers``.
    flows
        :class:`FundFlows` per scenario (all paths), to re-project at other rates
        (:meth:`reproject`); empty when the projection ran with ``keep_flows=False``.
    base
        The calibrated base-year facts (:class:`actuary.projection.calibration.BaseYear`).
    run
        The run spec (with the paths and seed actually used).
    """

    run: RunSpec
    data: xr.Dataset
    base: BaseYear
    flows: Mapping[str, FundFlows] = field(default_factory=dict)

    def fund(
        self, item: str, region: str = dims.PROVINCE, scenario: str = "baseline"
    ) -> xr.DataArray:
        """One item's paths, ``(path, year)``."""
        return self.data["fund"].sel(
            {dims.SCENARIO: scenario, dims.REGION: region, dims.ITEM: item}
        )

    def reproject(self, rate: Any, scenario: str = "baseline") -> xr.Dataset:
        """Roll the same simulated flows forward at other multipliers or under another rule."""
        if scenario not in self.flows:
            raise KeyError(f"no flows kept for scenario {scenario!r}")
        return roll_forward(self.flows[scenario], rate)

    def summary(self) -> str:
        """A short text summary of the province's budget year (central statistic of the run)."""
        y = self.run.budget_year
        lines = [
            f"Projection {self.run.name}: {self.data.sizes[dims.PATH]} paths, "
            f"years {self.run.years[0]}–{self.run.years[-1]}, seed {self.run.seed}"
        ]
        for s in self.data[dims.SCENARIO].values:
            bal = self.fund("balance_close", scenario=str(s)).sel({dims.YEAR: y})
            mop = self.fund("months_of_payment", scenario=str(s)).sel({dims.YEAR: y})
            lines.append(
                f"  {s}: {y} closing balance mean {to_wan(float(bal.mean())):,.0f} 万元, "
                f"P(balance < 0) = {float((bal < 0).mean()):.3f}, "
                f"months of payment median {float(mop.median()):.1f}"
            )
        return "\n".join(lines)


def simulate_flows(
    run: RunSpec,
    *,
    scenario: str = "baseline",
    data: ProvinceData | None = None,
    models: Mapping[str, ScenarioModels] | None = None,
    params: ParameterSet | None = None,
) -> FundFlows:
    """The :class:`FundFlows` of one scenario over all the run's paths (single process)."""
    proj = project(
        run, data=data, models=models, params=params, scenarios=[scenario], keep_flows=True
    )
    return proj.flows[scenario]


def project(
    run: RunSpec,
    *,
    n_paths: int | None = None,
    seed: int | None = None,
    scenarios: Sequence[str] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
    keep_flows: bool = True,
    data: ProvinceData | None = None,
    models: Mapping[str, ScenarioModels] | None = None,
    params: ParameterSet | None = None,
    on_block: Callable[[str, int], None] | None = None,
    block_size: int = BLOCK_SIZE,
) -> Projection:
    """Project the fund for every scenario of ``run``.

    Parameters
    ----------
    run
        The run spec (:func:`actuary.spec.load_run`).
    n_paths, seed
        Override the run's number of paths and seed.
    scenarios
        Subset of the run's scenarios (default: all, baseline first).
    workers
        Processes over path blocks (1 = this process).
    scheduler
        Address of a dask.distributed scheduler (``tcp://host:port``); overrides ``workers``.
    progress
        Show a progress bar on stderr.
    keep_flows
        Keep the :class:`FundFlows` for :meth:`Projection.reproject`.
    data
        A loaded province (default: ``actuary.data.load_province(run.data)``).
    models
        Fitted models per scenario (default: :func:`fit_models`).
    params
        Policy parameters (default: ``actuary.params.load_parameters()``).
    on_block
        Called with ``(scenario, block index)`` as each block completes.
    block_size
        Paths per block (default :data:`actuary.rng.BLOCK_SIZE`, 1,000). The random streams
        belong to blocks, so another size gives other (equally valid) paths; keep the default
        for reproducible runs. Tests use small blocks to exercise several blocks quickly.

    Returns
    -------
    Projection
    """
    run = run.with_paths(n_paths, seed)
    params = load_parameters() if params is None else params
    names = list(run.scenario_names if scenarios is None else scenarios)
    for n in names:
        run.scenario(n)  # KeyError on unknown names
    if data is None:
        from actuary.data import load_province

        data = load_province(run.data)
    last = data.meta("last_full_year")
    if last is not None and int(last) != run.base_year:
        raise InputError(
            f"base_year {run.base_year} differs from the data folder's last full year {last}",
            file=run.path,
            field="calendar.base_year",
        )
    if models is None:
        models = fit_models(run, data, params, names)
    for n in names:
        _check_prevention(models[n].fund, params, run.years)
    base = calibrate(data, models[names[0]].fund, params, run.base_year)
    for n in names[1:]:
        if models[n].fund.calibration_years != models[names[0]].fund.calibration_years or (
            models[n].fund.initial_multiplier != models[names[0]].fund.initial_multiplier
        ):
            raise InputError(
                "scenarios may not change the calibration keys of the fund file",
                file=models[n].fund.file,
                field="calibration.years",
            )
    rates = base_rates(params, run.years, base.classes)
    conditioned, outturn, through = _conditioning(run, data, models, names)
    ctx = _Context(
        seed=run.seed,
        years=run.years,
        models={n: models[n] for n in names},
        base=base,
        rates=rates,
        rate_policy=run.rate_policy,
        keep_flows=keep_flows,
        conditioned=frozenset(conditioned),
    )
    blocks = path_blocks(run.n_paths, block_size)
    tasks = [(s, b) for s in names for b in blocks]
    got: dict[tuple[str, int], tuple[FundFlows | None, xr.Dataset | None]] = {}
    for s, bi, fl, ds in _execute(ctx, tasks, workers, scheduler, progress):
        got[(s, bi)] = (fl, ds)
        if on_block is not None:
            on_block(s, bi)
    per_scenario: list[xr.Dataset] = []
    flows: dict[str, FundFlows] = {}
    records: dict[str, Any] = {}
    for s in names:
        parts: Sequence[tuple[FundFlows | None, xr.Dataset | None]]
        parts = [got.pop((s, b.index)) for b in blocks]
        if s in conditioned:  # second pass: all blocks' flows → conditioning → roll-forward
            parts = _condition_and_roll(
                run, models[s].fund, [p[0] for p in parts], outturn, through
            )
            first = parts[0][0]
            assert first is not None
            records[s] = _record(first)
        datasets = [p[1] for p in parts if p[1] is not None]
        per_scenario.append(xr.concat(datasets, dim=dims.PATH))
        if keep_flows:
            flows[s] = concat_flows([p[0] for p in parts if p[0] is not None])
    ds = xr.concat(per_scenario, dim=xr.DataArray(names, dims=dims.SCENARIO, name=dims.SCENARIO))
    ds = ds.transpose(dims.SCENARIO, dims.PATH, dims.YEAR, ...)
    ds[dims.SCENARIO] = ds[dims.SCENARIO].astype(object)
    ds.attrs.update(_attrs(run, base, names))
    ds.attrs.update(_conditioning_attrs(run, models, names, records, through))
    ds.attrs["claims_parameter_uncertainty"] = "; ".join(
        f"{n}: {'on' if getattr(models[n].claims.spec, 'parameter_uncertainty', False) else 'off'}"
        for n in names
    )
    return Projection(run=run, data=ds, base=base, flows=flows)


def _conditioning(
    run: RunSpec, data: ProvinceData, models: Mapping[str, ScenarioModels], names: Sequence[str]
) -> tuple[list[str], dict[str, Any], int]:
    """Scenarios whose current year is conditioned, the expected outturn, the last month.

    Conditioning applies when the scenario's fund file asks for it
    (``current_year.condition_on_outturn``), the projection starts in the current year and the
    data folder has executed months of it.
    """
    wanted = [n for n in names if models[n].fund.condition_on_outturn]
    if not wanted or run.years[0] != run.current_year:
        return [], {}, 0
    from actuary.projection.current_year import executed_months, execution, expected_by_region

    ex = execution(data)
    through = executed_months(ex, run.current_year)
    if through < 1:
        return [], {}, 0
    outturn, through = expected_by_region(ex, run.current_year, run.base_year)
    return wanted, outturn, through


def _condition_and_roll(
    run: RunSpec,
    fund: FundAssumptions,
    parts: Sequence[FundFlows | None],
    outturn: Mapping[str, Any],
    through: int,
) -> list[tuple[FundFlows, xr.Dataset]]:
    """Second pass: condition the current year on all blocks' flows, then roll each block."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    from actuary.policy import rule_from_spec
    from actuary.projection.current_year import condition_current_year

    blocks = [p for p in parts if p is not None]
    cond = condition_current_year(
        blocks,
        outturn,
        year=run.current_year,
        through_month=through,
        dispersion=fund.current_year_dispersion,
        file=fund.file,
    )
    with threadpool_limits(limits=1):
        return [(f, roll_forward(f, rule_from_spec(run.rate_policy))) for f in cond]


def _record(flows: FundFlows) -> dict[str, Any]:
    cy = flows.current_year
    assert cy is not None
    return {
        "year": cy.year,
        "through_month": cy.through_month,
        "dispersion_share": cy.dispersion,
        "items": [
            {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
            for r in cy.records
        ],
    }


def _conditioning_attrs(
    run: RunSpec,
    models: Mapping[str, ScenarioModels],
    names: Sequence[str],
    records: Mapping[str, Any],
    through: int,
) -> dict[str, Any]:
    """Dataset attrs stating whether and how the current year was conditioned (per scenario)."""
    import json

    notes = []
    for n in names:
        if n in records:
            r = records[n]
            notes.append(
                f"{n}: {run.current_year} conditioned on execution through month {through} "
                f"(expected outturn, actuary.outturn.expected_outturn; dispersion share "
                f"{r['dispersion_share']:.4f})"
            )
        elif not models[n].fund.condition_on_outturn:
            notes.append(f"{n}: not conditioned (current_year.condition_on_outturn = false)")
        else:
            notes.append(f"{n}: not conditioned (no executed month of {run.current_year})")
    return {
        "current_year_conditioning": "; ".join(notes),
        "current_year_factors": json.dumps(records, ensure_ascii=False, sort_keys=True),
    }


def _attrs(run: RunSpec, base: BaseYear, names: Sequence[str]) -> dict[str, Any]:
    return {
        "title": f"Work-injury fund projection ({run.name})",
        "actuary_version": __version__,
        "run_file": str(run.path.name),
        "run_sha256": run.sha256,
        "seed": int(run.seed),
        "n_paths": int(run.n_paths),
        "base_year": int(run.base_year),
        "current_year": int(run.current_year),
        "budget_year": int(run.budget_year),
        "central_statistic": run.outputs.central,
        "money_unit": "yuan",
        "scenarios": ", ".join(names),
        "rate_policy": repr(run.rate_policy.to_dict()),
        "initial_multiplier": np.asarray(base.initial_multiplier),
        "opening_balance": float(base.opening_balance),
        "identity": "balance_close = balance_open + revenue_total - expenditure_total "
        "(checked on every path, year and region)",
        "pooling": "统收统支: sub-units remit their net flow (remittance_to_higher) or receive "
        "transfer_from_higher; internal flows net out in region JL",
    }


def write_paths(ds: xr.Dataset, path: str | Path) -> Path:
    """Write a projection dataset to NetCDF (h5netcdf), reproducibly."""
    p = Path(path)
    enc = {v: {"compression": "gzip", "compression_opts": 1, "shuffle": True} for v in ds.data_vars}
    ds.to_netcdf(p, engine="h5netcdf", encoding=enc)
    return p
