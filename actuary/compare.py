"""Scenario comparison: rate policies and assumption overlays side by side.

A *comparison scenario* is a TOML file of one of two kinds:

- an assumption overlay (``[scenario]`` + ``[[override]]``, :func:`actuary.spec.run.load_scenario`):
  the projection is re-simulated on the changed assumptions, under the run's rate rule;
- a rate scenario: ``[scenario] id, description`` plus a ``[rate_policy]`` table (any rule of
  :mod:`actuary.policy`, e.g. ``rule = "phased_cut"`` or a ``threshold_table``), optionally
  ``assumptions = "overlay.toml"`` in ``[scenario]`` to combine it with an overlay. A rate
  scenario re-uses the simulated flows (:func:`actuary.projection.roll_forward`): no
  re-simulation.

The run's baseline (its assumption book and its rule) is always the first column. For each
scenario the comparison reports, per year: expected revenue and expenditure, probability of a
deficit, months of payment (P5 / P50 / P95), reserve adequacy (probability the balance covers
the required reserve), the employer burden by class (contributions and the class rate), each
region's net flow to the pool, the pooling benefit and the gap-sharing burden per region
(:mod:`actuary.pooling`). :meth:`Comparison.write` writes an Excel workbook (openpyxl), CSV
files and charts with Chinese labels.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from actuary import dims
from actuary.data import ProvinceData
from actuary.errors import InputError
from actuary.output import workbook as xl
from actuary.output.text import write_csv
from actuary.output.units import to_wan
from actuary.projection.series import province_series
from actuary.spec.gap_sharing import GapSharingRule
from actuary.spec.policy import RatePolicySpec
from actuary.spec.run import RunSpec

__all__ = ["CompareScenario", "Comparison", "compare", "load_compare_scenario"]

_RATE_SCENARIO_TABLES = {"scenario", "rate_policy"}
_RATE_SCENARIO_HEAD = {"id", "description", "assumptions"}


@dataclass(frozen=True)
class CompareScenario:
    """One column of the comparison."""

    name: str
    description: str
    overlay: Any = None  # actuary.spec.run.ScenarioSpec or None (the run's assumption book)
    rate_policy: RatePolicySpec | None = None  # None: the run's rule
    file: str = ""


def load_compare_scenario(path: str | Path, run: Any) -> CompareScenario:
    """Read a comparison scenario file (an assumption overlay or a rate scenario).

    Raises
    ------
    InputError
        Missing file, bad TOML, unknown tables or keys, an unknown rate rule.
    """
    from actuary.spec.run import load_scenario

    p = Path(path).resolve()
    if not p.is_file():
        raise InputError("scenario file not found", file=path, field="SCENARIO")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", file=p) from None
    if "rate_policy" not in doc:
        sc = load_scenario(p, run.assumptions, run.years)
        return CompareScenario(sc.name, sc.description, sc, None, str(p))
    bad = set(doc) - _RATE_SCENARIO_TABLES
    if bad:
        raise InputError(
            f"unknown table(s) {sorted(bad)} in a rate scenario (known: scenario, rate_policy)",
            file=p,
            field=sorted(bad)[0],
        )
    head = doc.get("scenario")
    if not isinstance(head, Mapping):
        raise InputError("missing [scenario] table (id, description)", file=p, field="scenario")
    hbad = set(head) - _RATE_SCENARIO_HEAD
    if hbad:
        raise InputError(f"unknown key(s) {sorted(hbad)}", file=p, field="scenario")
    sid = head.get("id")
    if not isinstance(sid, str) or not sid or sid == "baseline":
        raise InputError("missing or reserved scenario id", file=p, field="scenario.id")
    policy = doc["rate_policy"]
    if not isinstance(policy, Mapping):
        raise InputError("expected a table", file=p, field="rate_policy")
    policy_spec = RatePolicySpec.parse(policy, file=str(p))
    overlay = None
    if "assumptions" in head:
        ap = (p.parent / str(head["assumptions"])).resolve()
        if not ap.is_file():
            raise InputError(f"file not found: {ap}", file=p, field="scenario.assumptions")
        overlay = load_scenario(ap, run.assumptions, run.years)
    return CompareScenario(sid, str(head.get("description", "")), overlay, policy_spec, str(p))


@dataclass
class Comparison:
    """Results of a comparison: one dataset per scenario plus the tables."""

    run: Any
    scenarios: tuple[CompareScenario, ...]
    results: dict[str, xr.Dataset]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``compare.xlsx``, one CSV per table and the charts (all or nothing)."""
        from actuary.io import staged_output

        with staged_output(out_dir) as tmp:
            for name, frame in self.tables.items():
                write_csv(frame, tmp / f"compare_{name}.csv")
            _write_workbook(self.tables, tmp / "compare.xlsx")
            _charts(self, tmp)
            (tmp / "compare_summary.txt").write_text(self.summary() + "\n", encoding="utf-8")
            written = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
        return [Path(out_dir) / w for w in written]

    def summary(self) -> str:
        """Budget-year headline per scenario."""
        y = self.run.budget_year
        lines = [f"Scenario comparison ({self.run.name}, {self.run.n_paths} paths), year {y}:"]
        t = self.tables["by_year"]
        for s in self.scenarios:
            r = t[(t["scenario"] == s.name) & (t["year"] == y)].iloc[0]
            lines.append(
                f"  {s.name}: revenue {r['revenue_mean_wan']:,.0f} 万元, expenditure "
                f"{r['expenditure_mean_wan']:,.0f} 万元, P(deficit) {r['prob_deficit']:.3f}, "
                f"months P5/P50/P95 {r['months_p5']:.1f}/{r['months_p50']:.1f}/"
                f"{r['months_p95']:.1f}, P(balance ≥ reserve) {r['prob_reserve_covered']:.3f}, "
                f"P(revenue < expenditure) {r['prob_current_deficit']:.3f}"
            )
        return "\n".join(lines)


def compare(
    run: RunSpec,
    scenario_files: Sequence[str | Path],
    *,
    workers: int = 1,
    progress: bool = False,
    gap_rule: GapSharingRule | None = None,
    data: ProvinceData | None = None,
    models: Mapping[str, Any] | None = None,
) -> Comparison:
    """Project every scenario of the comparison and build the side-by-side tables.

    Parameters
    ----------
    run
        The run spec (:func:`actuary.spec.load_run`, with the paths and seed to use).
    scenario_files
        Comparison scenario files (see the module docstring).
    gap_rule
        :class:`actuary.pooling.GapSharingRule` (default: the run file's
        ``[rate_policy.gap_sharing]``, else the default rule).
    data, models
        A loaded province and fitted models (:func:`actuary.projection.fit_models`) to reuse;
        models of scenarios not in ``models`` are fitted here.
    """
    from actuary.policy import rule_from_spec
    from actuary.projection import project, roll_forward
    from actuary.spec.run import ScenarioSpec

    scen = [CompareScenario("baseline", "run file as it stands", None, None, str(run.path))]
    for f in scenario_files:
        sc = load_compare_scenario(f, run)
        if sc.name in {s.name for s in scen}:
            raise InputError(f"duplicate scenario id {sc.name!r}", file=f, field="scenario.id")
        scen.append(sc)
    overlays: dict[str, ScenarioSpec] = {}
    for sc in scen:
        if sc.overlay is not None:
            overlays[sc.overlay.name] = sc.overlay
    base_spec = run.scenario("baseline")
    run2 = dataclasses.replace(run, scenarios=(base_spec, *overlays.values()))
    names = ["baseline", *overlays]
    if models is not None:
        from actuary.projection import fit_models

        if data is None:
            from actuary.data import load_province

            data = load_province(run.data)
        missing = [n for n in names if n not in models]
        models = {**models, **(fit_models(run2, data, None, missing) if missing else {})}
    proj = project(
        run2,
        scenarios=names,
        workers=workers,
        progress=progress,
        keep_flows=True,
        data=data,
        models=models,
    )
    results: dict[str, xr.Dataset] = {}
    for sc in scen:
        flows = proj.flows[sc.overlay.name if sc.overlay is not None else "baseline"]
        policy = sc.rate_policy if sc.rate_policy is not None else run.rate_policy
        rule = rule_from_spec(policy, file=sc.file)
        results[sc.name] = roll_forward(flows, rule)
    if gap_rule is None:
        gap_rule = run.rate_policy.gap_sharing
    cmp = Comparison(run, tuple(scen), results)
    cmp.tables = _tables(cmp, gap_rule)
    return cmp


# --- tables ------------------------------------------------------------------------------------


def _tables(cmp: Comparison, gap_rule: Any) -> dict[str, pd.DataFrame]:
    from actuary.params import load_parameters
    from actuary.pooling import gap_sharing, pooling_benefit, region_net_flows

    params = load_parameters()
    by_year, burden, flows_rows, gap_rows, pool_rows, summary_rows = [], [], [], [], [], []
    run = cmp.run
    budget_year = run.budget_year
    for sc in cmp.scenarios:
        ds = cmp.results[sc.name]
        years = [int(y) for y in ds[dims.YEAR].values]
        rev, exp = province_series(ds, "revenue_total"), province_series(ds, "expenditure_total")
        bal, months = province_series(ds, "balance_close"), province_series(ds, "months_of_payment")
        contrib = province_series(ds, "contributions")
        res_req = np.asarray(ds["reserve_required"].transpose(dims.PATH, dims.YEAR).values)
        mult = np.asarray(ds["multiplier"].transpose(dims.PATH, dims.YEAR, dims.INDUSTRY).values)
        cc = np.asarray(
            ds["contributions_class"].transpose(dims.PATH, dims.YEAR, dims.INDUSTRY).values
        )
        classes = [int(c) for c in ds[dims.INDUSTRY].values]
        for i, y in enumerate(years):
            q = np.quantile(months[:, i], [0.05, 0.5, 0.95])
            qb = to_wan(np.quantile(bal[:, i], [0.05, 0.5, 0.95]))
            by_year.append(
                {
                    "scenario": sc.name,
                    "year": y,
                    "revenue_mean_wan": to_wan(float(rev[:, i].mean())),
                    "expenditure_mean_wan": to_wan(float(exp[:, i].mean())),
                    "contributions_mean_wan": to_wan(float(contrib[:, i].mean())),
                    "balance_mean_wan": to_wan(float(bal[:, i].mean())),
                    "balance_p5_wan": float(qb[0]),
                    "balance_p50_wan": float(qb[1]),
                    "balance_p95_wan": float(qb[2]),
                    "prob_deficit": float(np.mean(bal[:, i] < 0)),
                    "prob_current_deficit": float(np.mean(rev[:, i] < exp[:, i])),
                    "months_p5": float(q[0]),
                    "months_p50": float(q[1]),
                    "months_p95": float(q[2]),
                    "prob_reserve_covered": float(np.mean(bal[:, i] >= res_req[:, i])),
                    "mean_multiplier": float(mult[:, i].mean()),
                }
            )
            base = params["rates.industry_base_rate"].at(dt.date(y, 1, 1))
            for j, c in enumerate(classes):
                b = float(base.get(f"class_{c}", np.nan))
                burden.append(
                    {
                        "scenario": sc.name,
                        "year": y,
                        "industry_class": c,
                        "class_zh": dims.INDUSTRY_LABELS_ZH.get(c, str(c)),
                        "contributions_mean_wan": to_wan(float(cc[:, i, j].mean())),
                        "contributions_p95_wan": to_wan(float(np.quantile(cc[:, i, j], 0.95))),
                        "rate_mean_pct": 100 * b * float(mult[:, i, j].mean()),
                        "rate_p5_pct": 100 * b * float(np.quantile(mult[:, i, j], 0.05)),
                        "rate_p95_pct": 100 * b * float(np.quantile(mult[:, i, j], 0.95)),
                    }
                )
        nf = region_net_flows(ds)
        for j, r in enumerate(nf["regions"]):
            for i, y in enumerate(years):
                x = nf["net"][:, i, j]
                flows_rows.append(
                    {
                        "scenario": sc.name,
                        "region": r,
                        "name_zh": dims.REGION_BY_CODE[r].name_zh
                        if r in dims.REGION_BY_CODE
                        else r,
                        "year": y,
                        "net_flow_mean_wan": to_wan(float(x.mean())),
                        "net_flow_p5_wan": to_wan(float(np.quantile(x, 0.05))),
                        "net_flow_p95_wan": to_wan(float(np.quantile(x, 0.95))),
                        "prob_draws_from_pool": float(np.mean(x < 0)),
                    }
                )
        gap = gap_sharing(ds, gap_rule)["gap_by_region"]
        gap.insert(0, "scenario", sc.name)
        gap_rows.append(gap)
        pool = pooling_benefit(ds)
        pr = pool.reserve_needed[
            ["deficit_probability", "standalone_total_wan", "pooled_wan", "pooling_saving_wan"]
        ].copy()
        pr.insert(0, "scenario", sc.name)
        pool_rows.append(pr)
        bi = years.index(budget_year) if budget_year in years else 0
        summary_rows.append(
            {
                "scenario": sc.name,
                "description": sc.description,
                "rate_policy": repr((sc.rate_policy or run.rate_policy).to_dict()),
                f"revenue_{years[bi]}_wan": to_wan(float(rev[:, bi].mean())),
                f"expenditure_{years[bi]}_wan": to_wan(float(exp[:, bi].mean())),
                f"prob_deficit_{years[bi]}": float(np.mean(bal[:, bi] < 0)),
                f"prob_current_deficit_{years[bi]}": float(np.mean(rev[:, bi] < exp[:, bi])),
                "prob_deficit_any_year": float(np.mean((bal < 0).any(axis=1))),
                f"months_p5_{years[bi]}": float(np.quantile(months[:, bi], 0.05)),
                f"months_p50_{years[bi]}": float(np.quantile(months[:, bi], 0.5)),
                f"months_p95_{years[bi]}": float(np.quantile(months[:, bi], 0.95)),
                f"months_p50_{years[-1]}": float(np.quantile(months[:, -1], 0.5)),
                "prob_reserve_covered_all_years": float(np.mean((bal >= res_req).all(axis=1))),
                "contributions_total_wan": to_wan(float(contrib.sum(axis=1).mean())),
                "pooling_saving_wan_at_5pct": float(
                    pool.reserve_needed.set_index("deficit_probability")
                    .get("pooling_saving_wan", pd.Series(dtype=float))
                    .get(0.05, np.nan)
                ),
                "gap_expected_total_wan": float(gap["expected_burden_wan"].sum()),
            }
        )
    summary = pd.DataFrame(summary_rows)
    side = summary.drop(columns=["description"]).set_index("scenario").T.reset_index()
    side = side.rename(columns={"index": "measure"})
    side.insert(1, "measure_zh", [_MEASURE_ZH.get(_stem(m), m) for m in side["measure"]])
    return {
        "side_by_side": side,
        "summary": summary,
        "by_year": pd.DataFrame(by_year),
        "burden_by_class": pd.DataFrame(burden),
        "region_net_flows": pd.DataFrame(flows_rows),
        "gap_sharing": pd.concat(gap_rows, ignore_index=True),
        "pooling": pd.concat(pool_rows, ignore_index=True),
    }


def _stem(measure: str) -> str:
    parts = [p for p in measure.split("_") if not p.isdigit()]
    return "_".join(parts)


_MEASURE_ZH = {
    "rate_policy": "费率规则",
    "revenue_wan": "预算年度收入合计（期望，万元）",
    "expenditure_wan": "预算年度支出合计（期望，万元）",
    "prob_deficit": "预算年度年末滚存结余为负（基金赤字）的概率",
    "prob_current_deficit": "预算年度当期收不抵支的概率",
    "prob_deficit_any_year": "预测期内任一年滚存结余为负的概率",
    "months_p5": "可支付月数 P5",
    "months_p50": "可支付月数 P50",
    "months_p95": "可支付月数 P95",
    "prob_reserve_covered_all_years": "各年结余均不低于储备金要求的概率",
    "contributions_total_wan": "预测期缴费合计（期望，万元）",
    "pooling_saving_wan_at_5pct": "统筹节约的储备金（赤字概率5%，万元）",
    "gap_expected_total_wan": "缺口分担期望总额（万元）",
}

_SHEETS = {
    "side_by_side": "对比汇总",
    "by_year": "分年指标",
    "burden_by_class": "行业缴费负担",
    "region_net_flows": "地区净流量",
    "gap_sharing": "缺口分担",
    "pooling": "统筹效益",
    "summary": "summary",
}


def _write_workbook(tables: Mapping[str, pd.DataFrame], path: Path) -> None:
    """One sheet per table (header row, then the rows), through :mod:`actuary.output.workbook`."""
    wb = xl.new_workbook()
    for key, sheet in _SHEETS.items():
        ws = xl.add_sheet(wb, sheet)
        xl.write_frame(ws, tables[key])
        xl.auto_widths(ws)
        xl.freeze(ws, "A2")
    xl.save(wb, path)


def _charts(cmp: Comparison, out: Path) -> None:
    from actuary.output import figures, units

    figures.apply_style()
    for i, sc in enumerate(cmp.scenarios):
        ds = cmp.results[sc.name]
        years = [int(y) for y in ds[dims.YEAR].values]
        fig = figures.fan_chart(
            years,
            to_wan(province_series(ds, "balance_close")),
            title=f"基金年末滚存结余：{sc.name}",
            ylabel=units.unit_label("wan"),
            reference=(0.0, "零结余"),
        )
        figures.save_png(fig, out / f"fan_balance_{i:02d}_{_slug(sc.name)}.png")
        fig = figures.fan_chart(
            years,
            province_series(ds, "months_of_payment"),
            title=f"累计结余可支付月数：{sc.name}",
            ylabel="月",
        )
        figures.save_png(fig, out / f"fan_months_{i:02d}_{_slug(sc.name)}.png")
    burden = cmp.tables["burden_by_class"]
    y = cmp.run.budget_year
    b = burden[burden["year"] == y]
    labels = [dims.INDUSTRY_LABELS_ZH[c] for c in sorted(b["industry_class"].unique())]
    values = {
        sc.name: b[b["scenario"] == sc.name]
        .sort_values("industry_class")["contributions_mean_wan"]
        .to_numpy()
        for sc in cmp.scenarios
    }
    fig = figures.bar_chart(labels, values, title=f"{y}年分行业缴费（期望，万元）", ylabel="万元")
    figures.save_png(fig, out / "burden_by_class.png")
    g = cmp.tables["gap_sharing"]
    names = list(dict.fromkeys(g["name_zh"]))
    gv = {
        sc.name: g[g["scenario"] == sc.name]
        .set_index("name_zh")
        .reindex(names)["expected_burden_wan"]
        .tolist()
        for sc in cmp.scenarios
    }
    fig = figures.bar_chart(
        names, gv, title="缺口分担：预测期期望负担（万元）", ylabel="万元", horizontal=True
    )
    figures.save_png(fig, out / "gap_sharing_burden.png")


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:40]
