"""EconomyModel: closed form, contract, overrides, reproducibility, properties, model files.

Expected values are computed independently in the tests: the closed forms of the model's
equations (models/notes/economy.md §1-§4) worked with plain Python floats, not the code's output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from economy_data import as_data, fixed_params, province_frames
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actuary.economy import EconomyModel, simulate_blocks
from actuary.errors import InputError
from actuary.spec.assumptions import Override, read_assumption_file
from actuary.spec.economy import EconomySpec

DETERMINISTIC = EconomySpec(volatility_scale=0.0, parameter_uncertainty=False)
YEARS = list(range(2026, 2031))


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_closed_form_with_zero_volatility_and_no_parameter_uncertainty() -> None:
    params = fixed_params()
    res = EconomyModel(DETERMINISTIC).fix(params)
    ds = res.simulate(YEARS, 4, np.random.default_rng(1))
    g = params.growth.params
    b = params.base
    # growth: y_h = mu + phi^h (y_0 - mu); levels compound exp(y)
    names = list(g.names)
    for name in names:
        i = names.index(name)
        mu, phi, y0 = float(g.mean[i]), float(g.ar[i, i]), float(params.growth.initial[i])
        path = [mu + phi**h * (y0 - mu) for h in range(1, len(YEARS) + 1)]
        if name == "wage_growth":
            exp_w = [b.avg_wage_province * math.exp(sum(path[: h + 1])) for h in range(len(path))]
            np.testing.assert_allclose(
                ds.avg_wage_province.values, np.tile(exp_w, (4, 1)), rtol=1e-12
            )
            np.testing.assert_allclose(
                ds.wage_growth.values[0], [math.expm1(v) for v in path], rtol=1e-12
            )
            wage_idx = [math.exp(sum(path[: h + 1])) for h in range(len(path))]
        if name == "employment_growth":
            emp_idx = [math.exp(sum(path[: h + 1])) for h in range(len(path))]
        if name == "disposable_income_growth":
            exp_d = [b.disposable_income * math.exp(sum(path[: h + 1])) for h in range(len(path))]
            np.testing.assert_allclose(ds.national_disposable_income.values[2], exp_d, rtol=1e-12)
        if name == "cpi_growth":
            np.testing.assert_allclose(ds.cpi_growth.values[3], path, rtol=1e-12)
    # regions: deviations start at 0 and have no noise → every region grows at the provincial rate
    for h in range(len(YEARS)):
        np.testing.assert_allclose(
            ds.avg_wage.values[0, h], b.avg_wage_region * wage_idx[h], rtol=1e-12
        )
        np.testing.assert_allclose(
            ds.employment.values[1, h], b.employment_region * emp_idx[h], rtol=1e-12
        )
    # scheduled coverage c_h = c* - (c* - c0)(1 - lambda)^h, covered = c e pi,
    # payroll = covered w kappa
    cp = params.coverage.params
    for h in range(len(YEARS)):
        for r in range(len(b.regions)):
            for k in range(len(b.classes)):
                c0 = float(b.coverage[r, k])
                c = 0.9 - (0.9 - c0) * (1 - cp.speed) ** (h + 1)
                assert ds.coverage_rate.values[0, h, r, k] == pytest.approx(c, rel=1e-12)
                cw = c * b.employment_region[r] * emp_idx[h] * b.class_share[r, k]
                assert ds.covered_workers.values[2, h, r, k] == pytest.approx(cw, rel=1e-12)
                pay = cw * b.avg_wage_region[r] * wage_idx[h] * b.wage_relativity[r, k]
                assert ds.covered_payroll.values[3, h, r, k] == pytest.approx(pay, rel=1e-12)
    # collection: logit c_h = m + phi^h u_0
    u0 = params.collection.initial
    for h in range(len(YEARS)):
        for r in range(len(b.regions)):
            m = float(params.collection_mean[r])
            expect = _expit(m + 0.5 ** (h + 1) * float(u0[r]))
            assert ds.collection_rate.values[0, h, r] == pytest.approx(expect, rel=1e-12)


def test_dataset_follows_the_contract() -> None:
    res = EconomyModel().fit(as_data(province_frames()))
    ds = res.simulate(range(2026, 2029), 50, np.random.default_rng(0))
    assert ds.avg_wage.dims == ("path", "year", "region")
    assert ds.wage_growth.dims == ("path", "year")
    assert ds.employment.dims == ("path", "year", "region")
    for v in ("coverage_rate", "covered_workers", "covered_payroll"):
        assert ds[v].dims == ("path", "year", "region", "industry_class")
    assert ds.collection_rate.dims == ("path", "year", "region")
    for v in ("cpi_growth", "deposit_rate", "national_disposable_income"):
        assert ds[v].dims == ("path", "year")
    assert all("units" in ds[v].attrs for v in ds.data_vars)
    assert list(ds.year.values) == [2026, 2027, 2028]
    assert ds.sizes["region"] == 12 and ds.sizes["industry_class"] == 8
    assert json.loads(ds.attrs["overrides"]) == []
    assert "EconomyResults (fitted)" in res.summary()


def test_starts_from_last_history_year() -> None:
    fr = province_frames()
    res = EconomyModel(DETERMINISTIC).fit(as_data(fr))
    last = fr["economy"].iloc[-1]
    assert res.params.base.base_year == 2025
    assert res.params.base.avg_wage_province == pytest.approx(float(last["avg_wage"]))
    with pytest.raises(InputError, match="after the base year"):
        res.simulate([2025, 2026], 2, np.random.default_rng(0))
    # a later first year simulates the gap and returns the requested years only
    ds = res.simulate([2028, 2029], 2, np.random.default_rng(0))
    full = res.simulate(range(2026, 2030), 2, np.random.default_rng(0))
    xr.testing.assert_allclose(ds.avg_wage, full.avg_wage.sel(year=[2028, 2029]))


def test_pin_and_parameter_override_are_applied_and_recorded() -> None:
    res = EconomyModel(EconomySpec(parameter_uncertainty=True)).fit(as_data(province_frames()))
    pin = Override("wage_growth", 0.04, "provincial wage guideline", year=2026)
    mean = Override("wage_growth.mean", 0.05, "judgement: slower convergence")
    ds = res.simulate(YEARS, 200, np.random.default_rng(5), overrides=[pin, mean])
    assert np.all(ds.wage_growth.sel(year=2026).values == pytest.approx(0.04, abs=1e-15))
    rec = json.loads(ds.attrs["overrides"])
    assert {r["target"] for r in rec} == {"wage_growth", "wage_growth.mean"}
    assert all(r["reason"] for r in rec)
    # deterministic: with the mean overridden, growth converges to log(1.05) → 5 %
    det = EconomyModel(DETERMINISTIC).fit(as_data(province_frames()))
    d = det.simulate(range(2026, 2060), 1, np.random.default_rng(0), overrides=[mean])
    assert float(d.wage_growth.values[0, -1]) == pytest.approx(0.05, abs=1e-6)
    # collection pin
    c = det.simulate(
        YEARS,
        2,
        np.random.default_rng(0),
        overrides=[Override("collection_rate", 0.97, "target", year=2027)],
    )
    np.testing.assert_allclose(c.collection_rate.sel(year=2027).values, 0.97, rtol=1e-12)


def test_bad_overrides_are_input_errors() -> None:
    res = EconomyModel(DETERMINISTIC).fit(as_data(province_frames()))
    with pytest.raises(InputError, match="unknown economy parameter"):
        res.with_overrides([Override("wage_growth.mena", 0.05, "typo")])
    with pytest.raises(InputError, match="cannot pin"):
        res.with_overrides([Override("avg_wage", 1.0, "x", year=2026)])
    with pytest.raises(InputError, match="fraction"):
        res.with_overrides([Override("coverage.target", 1.5, "x")])
    with pytest.raises(InputError, match="must be a number"):
        res.with_overrides([Override("wage_growth", "4%", "x", year=2026)])
    with pytest.raises(InputError, match="not after the base year"):
        res.with_overrides([Override("wage_growth", 0.04, "x", year=2025)])
    with pytest.raises(InputError, match="6 history years"):
        EconomyModel(EconomySpec(history_first_year=2022)).fit(as_data(province_frames()))


def test_same_seed_identical_and_workers_do_not_matter() -> None:
    res = EconomyModel().fit(as_data(province_frames(n_regions=4)))
    a = simulate_blocks(res, YEARS, 2500, seed=11)
    b = simulate_blocks(res, YEARS, 2500, seed=11)
    xr.testing.assert_identical(a, b)
    c = simulate_blocks(res, YEARS, 2500, seed=11, workers=2, chunksize=2)
    xr.testing.assert_identical(a, c)
    d = simulate_blocks(res, YEARS, 2500, seed=12)
    assert not np.array_equal(a.avg_wage.values, d.avg_wage.values)
    # the first 1,000 paths of a bigger run are the 1,000-path run
    e = simulate_blocks(res, YEARS, 1000, seed=11)
    xr.testing.assert_equal(a.isel(path=slice(0, 1000)).drop_attrs(), e.drop_attrs())


coverage_params = st.fixed_dictionaries(
    {
        "coverage_target": st.floats(0.0, 1.0),
        "coverage_speed": st.floats(0.01, 0.99),
        "coverage_sigma": st.floats(0.0, 3.0),
        "coverage_rho": st.floats(0.0, 1.0),
        "seed": st.integers(0, 10_000),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coverage_params)
def test_coverage_bounded_and_covered_not_above_employment(kw: dict) -> None:
    params = fixed_params(**kw)
    res = EconomyModel(EconomySpec(parameter_uncertainty=False)).fix(params)
    ds = res.simulate(YEARS, 20, np.random.default_rng(kw["seed"]))
    cov = ds.coverage_rate.values
    assert np.all((cov >= 0.0) & (cov <= 1.0))
    total = ds.covered_workers.sum("industry_class")
    assert np.all(total.values <= ds.employment.values * (1 + 1e-12))
    assert np.all((ds.collection_rate.values > 0) & (ds.collection_rate.values < 1))


# -- assumption file ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_embedded_assumption_file_reads() -> None:
    af = read_assumption_file(ROOT / "models/assumptions/economy.toml")
    model = EconomyModel.from_assumptions(af)
    assert model.spec.form == "auto" and model.spec.parameter_uncertainty is True


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "economy.toml"
    p.write_text('[spec]\nid = "assumptions.economy"\nversion = "1"\n' + body, encoding="utf-8")
    return p


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        '[model.volatilty_scale]\nvalue = 1.0\nunit = "factor"\n'
        'basis = "standard"\nnote = "typo"\n',
    )
    with pytest.raises(InputError) as e:
        EconomySpec.parse(read_assumption_file(p))
    assert str(p) in str(e.value) and "model.volatilty_scale" in str(e.value)


def test_wrong_unit_names_file_and_key(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        '[coverage.target]\nvalue = 90\nunit = "percent"\nbasis = "judgement"\nnote = "plan"\n',
    )
    with pytest.raises(InputError) as e:
        EconomySpec.parse(read_assumption_file(p))
    assert str(p) in str(e.value) and "coverage.target" in str(e.value)
    assert "unit" in str(e.value)


def test_adjustment_needs_reason_and_is_applied(tmp_path: Path) -> None:
    body = (
        '[adjustment.w26]\nvalue = { target = "wage_growth", year = 2026, value = 0.04 }\n'
        'unit = "fraction"\nbasis = "judgement"\nnote = "guideline"\n'
    )
    p = _write(tmp_path, body)
    with pytest.raises(InputError, match="reason"):
        EconomySpec.parse(read_assumption_file(p))
    p = _write(
        tmp_path,
        body + 'reason = "2026 wage guideline"\n'
        '[model.volatility_scale]\nvalue = 0.0\nunit = "factor"\nbasis = "standard"\n'
        'note = "test"\n[model.parameter_uncertainty]\nvalue = false\nunit = "-"\n'
        'basis = "standard"\nnote = "test"\n',
    )
    model = EconomyModel.from_assumptions(read_assumption_file(p))
    res = model.fit(as_data(province_frames()))
    ds = res.simulate(YEARS, 3, np.random.default_rng(0))
    np.testing.assert_allclose(ds.wage_growth.sel(year=2026).values, 0.04, rtol=1e-12)
    assert "2026 wage guideline" in ds.attrs["overrides"]


def test_scenario_override_of_the_file_reaches_the_model(tmp_path: Path) -> None:
    af = read_assumption_file(ROOT / "models/assumptions/economy.toml")
    af2 = af.with_overrides(
        [
            Override("coverage.target", 0.95, "扩面 plan", origin="high.toml"),
            Override(
                "assumptions.economy.cpi_growth", 0.01, "low CPI", year=2027, origin="high.toml"
            ),
        ]
    )
    model = EconomyModel.from_assumptions(af2)
    assert model.spec.coverage_target == 0.95
    res = model.fit(as_data(province_frames()))
    ds = res.simulate(YEARS, 5, np.random.default_rng(0))
    np.testing.assert_allclose(ds.cpi_growth.sel(year=2027).values, 0.01)
    assert np.all(res.params.coverage.params.target >= 0.95 - 1e-12)


def test_missing_column_is_input_error() -> None:
    fr = province_frames()
    fr["economy"] = fr["economy"].drop(columns=["deposit_rate"])
    with pytest.raises(InputError, match="deposit_rate"):
        EconomyModel().fit(as_data(fr))
    fr = province_frames()
    fr["economy_region"].loc[3, "avg_wage"] = -1.0
    with pytest.raises(InputError) as e:
        EconomyModel().fit(as_data(fr))
    assert "economy_region.csv" in str(e.value) and "avg_wage" in str(e.value)


def test_repeated_and_superseding_overrides() -> None:
    res = EconomyModel(DETERMINISTIC).fit(as_data(province_frames()))
    pin = Override("wage_growth", 0.04, "guideline", year=2026)
    twice = res.with_overrides([pin]).with_overrides([pin])
    assert len(twice.overrides) == 1
    later = twice.with_overrides([Override("economy.wage_growth", 0.03, "revised", year=2026)])
    assert len(later.overrides) == 1
    ds = later.simulate([2026], 2, np.random.default_rng(0))
    np.testing.assert_allclose(ds.wage_growth.values, 0.03, rtol=1e-12)


def test_coverage_above_one_in_history_is_input_error() -> None:
    fr = province_frames(n_regions=3)
    x = fr["exposure"]
    sel = (x["year"] == 2015) & (x["region"] == "220200")
    x.loc[sel, "covered_workers"] *= 5.0
    with pytest.raises(InputError) as e:
        EconomyModel().fit(as_data(fr))
    msg = str(e.value)
    assert "exposure.csv" in msg and "covered_workers" in msg and "2015/220200" in msg
