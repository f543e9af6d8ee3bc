"""``actuary rates`` and ``actuary compare``: end to end, outputs, bad input (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from _projection_fitted import patch_fit
from _rates_flows import random_flows
from openpyxl import load_workbook

import actuary.projection
from actuary.cli import main
from actuary.compare import compare
from actuary.projection.flows import roll_forward
from actuary.spec.run import load_run

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "models" / "jilin_small.toml"
RATE_SCEN = ROOT / "models" / "rate_scenarios"


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], what: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and what in err, err


@pytest.mark.parametrize(
    ("extra", "what"),
    [
        (["--alpha", "1.5"], "--alpha"),
        (["--alpha", "0"], "--alpha"),
        (["--alpha", "-0.1"], "--alpha"),
        (["--horizon", "0"], "--horizon"),
        (["--horizon", "9"], "--horizon"),  # jilin_small ends in 2030
        (["--target-months", "-3"], "--target-months"),
    ],
)
def test_rates_bad_cli_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], what: str
) -> None:
    out = tmp_path / "out"
    _one_line_exit_2(capsys, ["rates", str(SMALL), "--out", str(out), *extra], what)
    assert not out.exists()


def test_rates_missing_run_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_exit_2(
        capsys, ["rates", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")], "nope.toml"
    )


def test_compare_unknown_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["compare", str(SMALL), str(tmp_path / "missing.toml"), "--out", str(out)]
    _one_line_exit_2(capsys, argv, "missing.toml")
    assert not out.exists()


def test_compare_bad_rate_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nid = "x"\n[rate_policy]\nrule = "phased_kut"\n', encoding="utf-8")
    out = tmp_path / "out"
    _one_line_exit_2(capsys, ["compare", str(SMALL), str(bad), "--out", str(out)], "phased_kut")
    assert not out.exists()


def test_rates_end_to_end_on_the_embedded_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real engine, small run: rates.json, tables, charts; achieved probability ≥ α.

    The models are fitted once per test session (``_projection_fitted``); the simulation, the
    solve and the re-projection run for real."""
    patch_fit(monkeypatch)
    out = tmp_path / "rates"
    argv = ["rates", str(SMALL), "--out", str(out), "--paths", "100", "--quiet"]
    assert main([*argv, "--alpha", "0.8", "--target-months", "12", "--horizon", "3"]) == 0
    doc = json.loads((out / "rates.json").read_text(encoding="utf-8"))
    for key in ("multiplier", "alpha", "target_months", "horizon", "achieved_probability"):
        assert key in doc
    assert (doc["alpha"], doc["target_months"], doc["horizon"]) == (0.8, 12.0, 3)
    assert doc["feasible"] and doc["achieved_probability"] >= 0.8
    if doc["next_lower_probability"] is not None:
        assert doc["next_lower_probability"] < 0.8
    for name in (
        "rates_schedule.csv",
        "rates_by_year.csv",
        "rule_rate_levels.csv",
        "rule_balance.csv",
        "rates_months_fan.png",
        "rule_months_fan.png",
    ):
        assert (out / name).stat().st_size > 0
    # the solved multiplier is a national grade (人社部发〔2015〕71号: 50/80/100/120/150 %)
    assert doc["multiplier"] in (0.5, 0.8, 1.0, 1.2, 1.5)


# --- compare on constructed flows (the engine replaced by a stand-in; compare's own logic) ----


def _fake_project(run: Any, *, scenarios: list[str], **_: Any) -> SimpleNamespace:
    flows = {
        s: random_flows(
            600, seed=5, n_years=5, incidence=1.0 if s == "baseline" else 1.15, opening_months=20.0
        )
        for s in scenarios
    }
    return SimpleNamespace(flows=flows)


def test_compare_tables_workbook_and_charts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actuary.projection, "project", _fake_project)
    run = load_run(SMALL)
    files = [RATE_SCEN / "phased_cut.toml", ROOT / "models" / "scenarios" / "wage_slowdown.toml"]
    cmp = compare(run, files)
    written = cmp.write(tmp_path / "cmp")
    names = {p.name for p in written}
    assert {"compare.xlsx", "compare_side_by_side.csv", "burden_by_class.png"} <= names
    assert any(n.startswith("fan_months_01_phased_cut") for n in names)

    wb = load_workbook(tmp_path / "cmp" / "compare.xlsx")
    assert wb.sheetnames[:6] == [
        "对比汇总",
        "分年指标",
        "行业缴费负担",
        "地区净流量",
        "缺口分担",
        "统筹效益",
    ]
    header = [c.value for c in wb["对比汇总"][1]]
    assert header == ["measure", "measure_zh", "baseline", "phased_cut", "wage_slowdown"]

    # independent computation from the engine's roll-forward on the same flows
    base = roll_forward(_fake_project(run, scenarios=["baseline"]).flows["baseline"])
    jl = base["fund"].sel(region="JL")
    bal = jl.sel(item="balance_close").values
    months = jl.sel(item="months_of_payment").values
    t = cmp.tables["by_year"]
    row = t[(t.scenario == "baseline") & (t.year == 2027)].iloc[0]
    assert row["prob_deficit"] == pytest.approx(np.mean(bal[:, 1] < 0))
    assert row["months_p50"] == pytest.approx(np.quantile(months[:, 1], 0.5))

    # phased cut by hand (人社部发〔2018〕25号): 2027 multiplier from 2026 months of payment
    m26 = months[:, 0]
    mult = np.where(m26 >= 24, 0.5, np.where(m26 >= 18, 0.8, 1.0))
    b = cmp.tables["burden_by_class"]
    r8 = b[(b.scenario == "phased_cut") & (b.year == 2027) & (b.industry_class == 8)].iloc[0]
    assert r8["rate_mean_pct"] == pytest.approx(1.9 * mult.mean())  # class 8 base 1.9 % (71号)

    # region net flows add up to the province's own net flow
    nf = cmp.tables["region_net_flows"]
    tot = nf[(nf.scenario == "baseline") & (nf.year == 2027)]["net_flow_mean_wan"].sum()
    own = (
        jl.sel(item=["contributions", "other_revenue"]).sum("item")
        - jl.sel(
            item=[
                "medical_benefits",
                "disability_benefits",
                "death_benefits",
                "appraisal",
                "prevention",
                "other_expenditure",
            ]
        ).sum("item")
    ).values[:, 1]
    assert tot == pytest.approx(own.mean() * 1e-4, rel=1e-9)
