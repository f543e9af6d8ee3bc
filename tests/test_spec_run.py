"""Run files (actuary.spec.load_run): strict keys, units, years, relative paths, overlays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actuary.errors import InputError
from actuary.spec import FundAssumptions
from actuary.spec.run import load_run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    """A copy of models/ beside a link to the data, so files can be edited safely."""
    dst = tmp_path / "models"
    shutil.copytree(ROOT / "models", dst)
    (tmp_path / "data").symlink_to(ROOT / "data")
    return dst


def _edit(p: Path, old: str, new: str) -> None:
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_embedded_runs_load() -> None:
    run = load_run(ROOT / "models" / "jilin.toml")
    assert (run.base_year, run.current_year, run.budget_year) == (2025, 2026, 2027)
    assert run.years == tuple(range(2026, 2036))
    assert run.data == (ROOT / "data" / "synthetic").resolve()
    assert run.scenario_names[0] == "baseline"
    assert run.outputs.central == "mean"
    small = load_run(ROOT / "models" / "jilin_small.toml")
    assert small.n_paths < run.n_paths


def test_paths_are_relative_to_the_run_file(models: Path) -> None:
    run = load_run(models / "jilin.toml")
    assert run.data == (models.parent / "data" / "synthetic").resolve()
    assert run.assumption_paths["fund"] == (models / "assumptions" / "fund.toml").resolve()


def test_unknown_key_names_file_and_key(models: Path) -> None:
    _edit(models / "jilin.toml", "paths = 10000", "pathz = 10000")
    with pytest.raises(InputError) as e:
        load_run(models / "jilin.toml")
    assert "jilin.toml" in str(e.value) and "simulation.pathz" in str(e.value)


def test_unknown_table(models: Path) -> None:
    _edit(models / "jilin.toml", "[outputs]", "[output]")
    with pytest.raises(InputError, match="'output'"):
        load_run(models / "jilin.toml")


def test_years_out_of_order(models: Path) -> None:
    _edit(models / "jilin.toml", "last_year = 2035", "last_year = 2025")
    with pytest.raises(InputError, match=r"calendar\.last_year"):
        load_run(models / "jilin.toml")


def test_budget_year_outside_horizon(models: Path) -> None:
    _edit(models / "jilin.toml", "budget_year = 2027", "budget_year = 2040")
    with pytest.raises(InputError, match=r"calendar\.budget_year"):
        load_run(models / "jilin.toml")


def test_wrong_unit_in_fund_file(models: Path) -> None:
    _edit(
        models / "assumptions" / "fund.toml",
        'unit = "fraction of annual expenditure"',
        'unit = "percent"',
    )
    with pytest.raises(InputError) as e:
        load_run(models / "jilin.toml")
    assert "fund.toml" in str(e.value) and "reserve.ratio" in str(e.value)
    assert "wrong unit" in str(e.value)


def test_misspelt_key_in_fund_file(models: Path) -> None:
    _edit(models / "assumptions" / "fund.toml", "[reserve.ratio]", "[reserve.ration]")
    with pytest.raises(InputError, match=r"reserve\.ration"):
        load_run(models / "jilin.toml")


def test_wrong_type_in_run_file(models: Path) -> None:
    _edit(models / "jilin.toml", "seed = 20261128", 'seed = "x"')
    with pytest.raises(InputError, match=r"simulation\.seed"):
        load_run(models / "jilin.toml")


def test_not_toml(models: Path) -> None:
    (models / "jilin.toml").write_text("[run\nname=", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_run(models / "jilin.toml")


def test_unknown_rate_rule(models: Path) -> None:
    _edit(models / "jilin.toml", 'rule = "keep"', 'rule = "kep"')
    with pytest.raises(InputError, match=r"rate_policy\.rule"):
        load_run(models / "jilin.toml")


def test_scenario_overlay_changes_one_value(models: Path) -> None:
    run = load_run(models / "jilin_small.toml")
    base = FundAssumptions.parse(run.assumption_file("fund", "baseline"))
    high = FundAssumptions.parse(run.assumption_file("fund", "reserve_high"))
    assert base.reserve_ratio == 0.166  # models/assumptions/fund.toml
    assert high.reserve_ratio == 0.5  # models/scenarios/reserve_high.toml
    assert high.prevention_share == base.prevention_share
    rec = run.assumption_file("fund", "reserve_high").get("reserve.ratio")
    assert rec.overridden_by.endswith("reserve_high.toml") and rec.reason


def test_override_of_unknown_fund_key(models: Path) -> None:
    _edit(
        models / "scenarios" / "reserve_high.toml",
        'target = "fund.reserve.ratio"',
        'target = "fund.reserve.ratoi"',
    )
    with pytest.raises(InputError) as e:
        load_run(models / "jilin_small.toml")
    assert "reserve_high.toml" in str(e.value) and "fund.reserve.ratoi" in str(e.value)


def test_override_without_reason(models: Path) -> None:
    p = models / "jilin_small.toml"
    p.write_text(
        p.read_text(encoding="utf-8")
        + '\n[[adjustment]]\ntarget = "fund.prevention.share"\nvalue = 0.01\n'
        'reason = ""\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"adjustment\[1\].reason"):
        load_run(p)


def test_adjustment_above_the_prevention_cap_is_refused(models: Path) -> None:
    from actuary.params import load_parameters
    from actuary.projection.engine import _check_prevention

    p = models / "jilin_small.toml"
    p.write_text(
        p.read_text(encoding="utf-8")
        + '\n[[adjustment]]\ntarget = "fund.prevention.share"\nvalue = 0.05\n'
        'reason = "test"\n',
        encoding="utf-8",
    )
    run = load_run(p)
    fund = FundAssumptions.parse(run.assumption_file("fund"))
    assert fund.prevention_share == 0.05
    # 3 % cap of 人社部规〔2017〕13号 art. 5 (actuary.params fund.prevention_cap_pct)
    with pytest.raises(InputError, match=r"prevention\.share"):
        _check_prevention(fund, load_parameters(), run.years)


def test_with_paths_overrides() -> None:
    run = load_run(ROOT / "models" / "jilin_small.toml").with_paths(50, 3)
    assert (run.n_paths, run.seed) == (50, 3)
    with pytest.raises(InputError):
        run.with_paths(0)


def test_wrong_money_unit(models: Path) -> None:
    _edit(models / "jilin.toml", 'money_unit = "万元"', 'money_unit = "元"')
    with pytest.raises(InputError, match=r"outputs\.money_unit"):
        load_run(models / "jilin.toml")


def test_only_the_additive_mean_as_central_statistic(models: Path) -> None:
    _edit(models / "jilin.toml", 'central = "mean"', 'central = "median"')
    with pytest.raises(InputError, match=r"outputs\.central"):
        load_run(models / "jilin.toml")


def test_run_spec_is_typed() -> None:
    """load_run gives typed settings: the values are those written in the model files
    (fund.toml reserve.ratio = 0.166, scenarios/reserve_high.toml 0.5, jilin_small.toml target)."""
    from actuary.spec import ClaimsSpec, EconomySpec, GapSharingRule, RatePolicySpec, RateSettings

    run = load_run(ROOT / "models" / "jilin_small.toml")
    assert isinstance(run.economy, EconomySpec)
    assert isinstance(run.claims, ClaimsSpec)
    assert isinstance(run.fund, FundAssumptions) and run.fund.reserve_ratio == 0.166
    assert run.spec_for("fund", "reserve_high").reserve_ratio == 0.5
    assert isinstance(run.rate_policy, RatePolicySpec) and run.rate_policy.rule == "keep"
    assert isinstance(run.rate_policy.target, RateSettings)
    assert run.rate_policy.gap_sharing is None or isinstance(
        run.rate_policy.gap_sharing, GapSharingRule
    )
    assert (run.first_year, run.last_year) == (run.years[0], run.years[-1])
