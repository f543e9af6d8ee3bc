"""``actuary rates RUN.toml --out DIR``: contribution rates under 以支定收、收支平衡.

Projects the run's baseline once (keeping the simulated flows), solves the rate schedule that
meets the run file's ``[rate_policy.target]`` (:mod:`actuary.rates`) and re-projects at it.
``--target-months L``, ``--alpha A`` and ``--horizon H`` override the run file's target;
``--paths N`` / ``--seed S`` / ``--workers N`` the simulation.

Writes (all at once, through :func:`actuary.io.staged_output`):

- ``rates.json``: the solved multiplier (or per-class schedule), ``alpha``, ``target_months``,
  ``horizon``, ``achieved_probability`` (from the re-projection) and the rest of the solution;
- ``rates_schedule.csv``, ``rates_by_year.csv``, ``rates_candidates.csv``,
  ``rates_thresholds.csv``: the tables behind it;
- ``rule_employer_rates.csv`` (rate = base × multiplier × floating grade, share of payroll),
  ``rule_rate_levels.csv``, ``rule_rates.csv``, ``rule_balance.csv``: the distribution of the
  rates employers pay and of the balance under the run's rate rule (``[rate_policy] rule``);
- ``rates_months_fan.png``, ``rule_months_fan.png``: fan charts (Chinese labels);
- ``rates_summary.txt``.
"""

from __future__ import annotations

import argparse
import json
import sys

from actuary.commands.simulate import add_run_arguments

__all__ = ["configure", "run"]


def add_simulation_arguments(parser: argparse.ArgumentParser) -> None:
    """``RUN.toml --out DIR [--paths N] [--seed S] [--workers N] [--quiet]``."""
    add_run_arguments(parser, scheduler=False)


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``actuary rates``."""
    add_simulation_arguments(parser)
    parser.add_argument(
        "--target-months",
        type=float,
        default=None,
        metavar="L",
        help="months of payment capacity to keep (overrides rate_policy.target.lower_months)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=None,
        metavar="A",
        help="probability in (0, 1) the target must hold with (overrides the run file)",
    )
    parser.add_argument(
        "--horizon", type=int, default=None, metavar="H", help="years the target must hold"
    )


def run(args: argparse.Namespace) -> int:
    """Solve, re-project and write the outputs."""
    from actuary.data import load_province
    from actuary.errors import InputError
    from actuary.io import staged_output
    from actuary.manifest import write_manifest
    from actuary.output.text import write_csv
    from actuary.policy import rule_from_spec
    from actuary.projection import project
    from actuary.rates import grade_payroll_shares, rule_outcomes, solve_rates
    from actuary.spec.run import load_run

    if args.workers < 1:
        raise InputError("must be at least 1", field="--workers")
    run_spec = load_run(args.run_file).with_paths(args.paths, args.seed)
    settings = run_spec.rate_policy.target.with_overrides(
        target_months=args.target_months, alpha=args.alpha, horizon=args.horizon
    )
    start = settings.start_year or run_spec.budget_year
    if start + settings.horizon - 1 > run_spec.years[-1]:
        raise InputError(
            f"horizon {settings.horizon} from {start} runs past the run's last year "
            f"{run_spec.years[-1]}",
            field="--horizon" if args.horizon is not None else "rate_policy.target.horizon",
        )
    rule = rule_from_spec(run_spec.rate_policy, file=str(run_spec.path))
    data = load_province(run_spec.data)
    proj = project(
        run_spec,
        data=data,
        scenarios=["baseline"],
        workers=args.workers,
        progress=not args.quiet,
        keep_flows=True,
    )
    flows = proj.flows["baseline"]
    sol = solve_rates(flows, settings, start_year=start)
    shares = grade_payroll_shares(data.table("exposure"), run_spec.base_year)
    outcomes = rule_outcomes(flows, rule, grade_shares=shares)
    with staged_output(args.out) as tmp:
        doc = sol.to_json()
        doc["run"] = {
            "file": str(run_spec.path.name),
            "sha256": run_spec.sha256,
            "seed": run_spec.seed,
            "n_paths": run_spec.n_paths,
            "rate_rule": repr(rule),
        }
        (tmp / "rates.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        write_csv(sol.schedule_frame(), tmp / "rates_schedule.csv")
        write_csv(sol.by_year_frame(), tmp / "rates_by_year.csv")
        write_csv(sol.candidates, tmp / "rates_candidates.csv")
        write_csv(sol.thresholds, tmp / "rates_thresholds.csv")
        for name, table in outcomes.items():
            write_csv(table, tmp / f"rule_{name}.csv")
        _charts(sol, flows, rule, tmp)
        (tmp / "rates_summary.txt").write_text(sol.summary() + "\n", encoding="utf-8")
        write_manifest(tmp, argv=getattr(args, "argv", []), run=run_spec)
    print(sol.summary())
    print(f"wrote {args.out}/rates.json", file=sys.stderr)
    return 0


def _charts(sol: object, flows: object, rule: object, out: object) -> None:
    """Fan charts of months of payment at the solved schedule and under the run's rule."""
    from pathlib import Path

    from actuary.output import figures
    from actuary.projection.flows import roll_forward
    from actuary.rates import RateSolution, province_flows

    assert isinstance(sol, RateSolution)
    folder = Path(str(out))
    figures.apply_style()
    s = sol.settings
    f = sol.reprojected
    ref = (s.lower_months, f"目标 {s.lower_months:g} 个月") if s.kind == "months_band" else None
    fig = figures.fan_chart(
        f.years,
        f.months,
        title=f"累计结余可支付月数（求解费率：基准费率 × {sol.level:g}）",
        ylabel="月",
        reference=ref,
        series_label=f"达标概率 {sol.achieved_probability:.1%}",
    )
    figures.save_png(fig, folder / "rates_months_fan.png")
    g = province_flows(roll_forward(flows, rule))  # type: ignore[arg-type]
    fig = figures.fan_chart(
        g.years,
        g.months,
        title="累计结余可支付月数（费率规则下）",
        ylabel="月",
        reference=ref,
        series_label=repr(rule)[:60],
    )
    figures.save_png(fig, folder / "rule_months_fan.png")
