"""The current year conditioned on its executed months (``current_year.*`` in fund.toml).

Expected values come from outside the engine: the monitoring's ``expected_outturn`` on the raw
``execution_monthly.csv`` (read here with pandas), and the same projection with the setting off
(the free simulation), whose flows the conditioned ones must be an affine image of:
``x' = f·((1 − s)·mean(x) + s·x)`` with ``s = (12 − 10)/12`` after ten executed months
(``remaining_share``) or ``s = 1`` (``simulated``) — models/notes/projection.md §6.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _projection_fitted import ROOT, small

from actuary import dims
from actuary.budget import draft_budget
from actuary.errors import InputError
from actuary.projection import project, roll_forward
from actuary.spec.assumptions import read_assumption_file
from actuary.spec.fund import FundAssumptions

N = 120
OWN_REVENUE = ("contributions", "fiscal_subsidy", "interest", "other_revenue")
OWN_EXPENDITURE = (
    "medical_benefits",
    "disability_benefits",
    "death_benefits",
    "appraisal",
    "prevention",
    "other_expenditure",
)


def _with_fund(models: Any, **changes: Any) -> dict[str, Any]:
    m = models["baseline"]
    return {"baseline": dataclasses.replace(m, fund=dataclasses.replace(m.fund, **changes))}


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    run, data, models = small()
    kw = {"data": data, "scenarios": ["baseline"], "n_paths": N, "block_size": 50}
    return {
        "on": project(run, models=models, **kw),
        "off": project(run, models=_with_fund(models, condition_on_outturn=False), **kw),
        "simulated": project(
            run, models=_with_fund(models, current_year_dispersion="simulated"), **kw
        ),
    }


@pytest.fixture(scope="module")
def outturn() -> pd.DataFrame:
    """expected_outturn per region × item (yuan), 0 for items a sub-unit has not recorded in
    2025 nor so far in 2026 (the documented rule of the budget's outturn column)."""
    from actuary.monitoring import expected_outturn

    ex = pd.read_csv(ROOT / "data" / "synthetic" / "execution_monthly.csv", dtype={"region": str})
    eo = expected_outturn(ex, 2026).assign(region=lambda d: d["region"].astype(str))
    seen = ex[ex["year"].isin([2025, 2026])].groupby(["region", "item"])["amount"].sum()
    keep = [seen.get((r, i), 0.0) != 0.0 for r, i in zip(eo["region"], eo["item"], strict=True)]
    eo["expected"] = eo["expected"].where(keep, 0.0)
    return eo.pivot(index="region", columns="item", values="expected").fillna(0.0)


def _fund(p: Any, year: int) -> Any:
    return p.data["fund"].sel(scenario="baseline", year=year)


def test_means_equal_the_expected_outturn(runs: dict[str, Any], outturn: pd.DataFrame) -> None:
    f = _fund(runs["on"], 2026)
    for r in dims.REGION_CODES:  # simulated items, sub-unit by sub-unit
        for item in ("contributions", *OWN_EXPENDITURE[:4]):
            got = float(f.sel(region=r, item=item).mean())
            assert got == pytest.approx(float(outturn.at[r, item]), rel=1e-10, abs=1e-3), (r, item)
    jl = f.sel(region="JL")
    for item in (*OWN_REVENUE, *OWN_EXPENDITURE):  # every own item of the province
        want = float(outturn[item].sum())
        assert float(jl.sel(item=item).mean()) == pytest.approx(want, rel=1e-10, abs=1e-3), item
    # closing balance = 2025 closing balance + Σ outturn revenue − Σ outturn expenditure
    fb = pd.read_csv(ROOT / "data" / "synthetic" / "fund_balance.csv")
    close = float(fb.loc[fb["year"] == 2025, "balance_close"].iloc[0])
    close += sum(outturn[c].sum() for c in OWN_REVENUE) - sum(
        outturn[c].sum() for c in OWN_EXPENDITURE
    )
    assert float(jl.sel(item="balance_close").mean()) == pytest.approx(close, rel=1e-12)
    assert float(_fund(runs["on"], 2027).sel(region="JL", item="balance_open").mean()) == (
        pytest.approx(close, rel=1e-12)
    )
    assert float(_fund(runs["off"], 2026).sel(region="JL", item="balance_close").mean()) != (
        pytest.approx(close, rel=1e-6)
    )


def test_identity_and_checks_hold_on_every_path(runs: dict[str, Any]) -> None:
    f = runs["on"].data["fund"].sel(scenario="baseline")
    rev = sum(f.sel(item=c).values for c in dims.REVENUE_CODES)
    exp = sum(f.sel(item=c).values for c in dims.EXPENDITURE_CODES)
    np.testing.assert_allclose(f.sel(item="revenue_total").values, rev, rtol=1e-12, atol=1e-4)
    np.testing.assert_allclose(f.sel(item="expenditure_total").values, exp, rtol=1e-12, atol=1e-4)
    lhs = f.sel(item="balance_close").values
    rhs = f.sel(item="balance_open").values + rev - exp
    assert np.max(np.abs(lhs - rhs)) < 1e-4
    for c in (*dims.REVENUE_CODES, *dims.EXPENDITURE_CODES):
        assert np.all(f.sel(item=c).values >= 0), c
    # prevention of 2027 = 1.5 % of the conditioned 2026 contributions, path by path
    jl = f.sel(region="JL")
    np.testing.assert_allclose(
        jl.sel(item="prevention", year=2027).values,
        0.015 * jl.sel(item="contributions", year=2026).values,
        rtol=1e-12,
    )


@pytest.mark.parametrize(("name", "s"), [("on", 2 / 12), ("simulated", 1.0)])
def test_paths_keep_their_relative_deviation(runs: dict[str, Any], name: str, s: float) -> None:
    on, off = runs[name].flows["baseline"], runs["off"].flows["baseline"]
    # later years are the free simulation, untouched
    np.testing.assert_array_equal(on.contributions[:, 1:], off.contributions[:, 1:])
    np.testing.assert_array_equal(on.benefits[:, 1:], off.benefits[:, 1:])
    pairs = (
        (on.benefits[:, 0], off.benefits[:, 0]),
        (on.contributions[:, 0], off.contributions[:, 0]),
    )
    for new, old in pairs:
        m_new, m_old = new.mean(axis=0), old.mean(axis=0)
        ok = m_old > 0
        dev_new = np.where(ok, new / np.where(ok, m_new, 1.0) - 1.0, 0.0)
        dev_old = np.where(ok, old / np.where(ok, m_old, 1.0) - 1.0, 0.0)
        np.testing.assert_allclose(dev_new, s * dev_old, rtol=0, atol=1e-9)
    assert on.current_year is not None and on.current_year.dispersion == pytest.approx(s)
    assert on.current_year.through_month == 10


def test_setting_off_gives_the_free_simulation(runs: dict[str, Any]) -> None:
    off = runs["off"]
    assert off.flows["baseline"].current_year is None
    assert "condition_on_outturn = false" in off.data.attrs["current_year_conditioning"]
    # the data are the plain roll-forward of the simulated flows
    again = roll_forward(off.flows["baseline"])
    np.testing.assert_array_equal(again["fund"].values, off.data["fund"].sel(scenario="baseline"))
    # and the budget states the gap as before
    data = small()[1]
    d = draft_budget(off, data)
    assert "差额" in d.summary and "condition_on_outturn = false" in d.summary
    t = d.tables["JL"]
    assert abs(float(t.at["balance_open", "draft"] - t.at["balance_close", "outturn"])) > 1e4


def test_factors_recorded_in_the_attrs(runs: dict[str, Any], outturn: pd.DataFrame) -> None:
    import json

    rec = json.loads(runs["on"].data.attrs["current_year_factors"])["baseline"]
    assert rec["year"] == 2026 and rec["through_month"] == 10
    items = {(x["item"], x["region"]): x for x in rec["items"]}
    x = items[("medical_benefits", "220100")]
    assert x["outturn"] == pytest.approx(float(outturn.at["220100", "medical_benefits"]))
    assert x["factor"] == pytest.approx(x["outturn"] / x["simulated"], rel=1e-9)
    assert ("interest", "JL") in items and ("prevention", "JL") in items


def _fund_file(tmp_path: Path, old: str, new: str) -> Any:
    src = ROOT / "models" / "assumptions" / "fund.toml"
    dst = tmp_path / "fund.toml"
    shutil.copy(src, dst)
    text = dst.read_text(encoding="utf-8")
    assert old in text
    dst.write_text(text.replace(old, new), encoding="utf-8")
    return read_assumption_file(dst)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        (
            "[current_year.condition_on_outturn]\nvalue = true",
            '[current_year.condition_on_outturn]\nvalue = "yes"',
            "current_year.condition_on_outturn",
        ),
        ('value = "remaining_share"', 'value = "half"', "current_year.dispersion"),
        ("[current_year.dispersion]", "[current_year.dispersal]", "current_year.dispersal"),
    ],
)
def test_bad_setting_names_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    with pytest.raises(InputError) as e:
        FundAssumptions.parse(_fund_file(tmp_path, old, new))
    assert "fund.toml" in str(e.value) and key in str(e.value)
