"""Hostile model files through the command line: each one must end with exit code 2, one line on
stderr naming the file that holds the bad value and its key, no traceback, and no output folder.

Expected values are arithmetic on the inputs (a value of 16.6 given for a fraction is 0.166, a
percent; 2026 + 200 years is beyond the 50-year limit stated in ``actuary.spec.run``), not the
code's output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actuary.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXEC = ROOT / "data" / "synthetic" / "execution_monthly.csv"


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    """A copy of models/ beside a link to the data, so the model files can be corrupted."""
    dst = tmp_path / "models"
    shutil.copytree(ROOT / "models", dst)
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    return dst


def _edit(p: Path, old: str, new: str) -> None:
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(p: Path, text: str) -> None:
    p.write_text(p.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def _refused(
    models: Path, capsys: pytest.CaptureFixture[str], *names: str, verb: str = "simulate"
) -> str:
    """Run ``actuary <verb>`` on the small run; assert the refusal and return the stderr line."""
    out = models.parent / "out"
    code = main([verb, str(models / "jilin_small.toml"), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert not out.exists()
    assert not any(p.name.startswith(".out") for p in out.parent.iterdir())
    for n in names:
        assert n in err, (n, err)
    return err


def _scenario(models: Path, body: str) -> Path:
    sc = models / "scenarios" / "hostile.toml"
    sc.write_text(
        '[scenario]\nid = "hostile"\ndescription = "bad overlay"\n\n[[override]]\n' + body,
        encoding="utf-8",
    )
    _edit(
        models / "jilin_small.toml",
        'files = ["scenarios/reserve_high.toml"]',
        'files = ["scenarios/reserve_high.toml", "scenarios/hostile.toml"]',
    )
    return sc


# --- percent given for a fraction, one per assumption file -----------------------------------


def test_economy_percent_for_a_fraction(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _append(
        models / "assumptions" / "economy.toml",
        "[adjustment.wage]\n"
        'value = { target = "wage_growth.mean", value = 5.0 }\n'
        'unit = "fraction"\nbasis = "judgement"\nreason = "typo test"\nnote = "5 % meant"\n',
    )
    err = _refused(models, capsys, "economy.toml", "adjustment.wage", "looks like a percent")
    assert "did you mean 0.05 (5 %)" in err


@pytest.mark.parametrize("verb", ["simulate", "budget"])
def test_fund_percent_for_a_fraction(
    models: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    _edit(models / "assumptions" / "fund.toml", "value = 0.166", "value = 16.6")
    err = _refused(models, capsys, "fund.toml", "reserve.ratio", verb=verb)
    assert "did you mean 0.166 (16.6 %)" in err


def test_claims_percent_for_a_fraction(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = models / "assumptions" / "claims.toml"
    text = p.read_text(encoding="utf-8")
    head, tail = text.split("[retirement.female_worker_share]", 1)
    p.write_text(
        head + "[retirement.female_worker_share]" + tail.replace("value = 0.8", "value = 80.0", 1),
        encoding="utf-8",
    )
    err = _refused(models, capsys, "claims.toml", "retirement.female_worker_share")
    assert "did you mean 0.8 (80 %)" in err


def test_monitoring_percent_for_a_fraction(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = models / "assumptions" / "monitoring.toml"
    _edit(bad, "value = 0.90", "value = 90.0")
    out = models.parent / "out"
    code = main(
        [
            "monitor",
            str(models / "jilin.toml"),
            "--actuals",
            str(EXEC),
            "--through",
            "2026-10",
            "--out",
            str(out),
            "--assumptions",
            str(bad),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "monitoring.toml" in err and "interval_level" in err
    assert "did you mean 0.9 (90 %)" in err
    assert not out.exists()


# --- scenarios and adjustments ----------------------------------------------------------------


def test_scenario_pin_of_fifty_on_a_growth_rate(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(
        models, 'target = "economy.wage_growth"\nyear = 2027\nvalue = 50.0\nreason = "typo"\n'
    )
    err = _refused(models, capsys, "hostile.toml", "override[1]", "wage_growth 2027")
    assert "did you mean 0.5 (50 %)" in err


def test_pin_year_outside_the_projection(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # jilin_small projects 2026 … 2030; a pin of 2040 cannot act
    _scenario(
        models, 'target = "economy.wage_growth"\nyear = 2040\nvalue = 0.03\nreason = "late"\n'
    )
    _refused(models, capsys, "hostile.toml", "override[1].year", "2040")


def test_adjustment_out_of_range_names_the_run_file(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # other expenditure is 0.2 % of benefits in the embedded execution; 20 % is implausible
    _append(
        models / "jilin_small.toml",
        '[[adjustment]]\ntarget = "fund.other_expenditure.share"\nvalue = 0.2\nreason = "x"\n',
    )
    err = _refused(models, capsys, "jilin_small.toml", "adjustment[1]", "plausible range")
    assert err.split(": field")[0].endswith("models/jilin_small.toml")  # not fund.toml


def test_adjustment_bad_choice_is_blamed_on_the_run_file(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _append(
        models / "jilin_small.toml",
        '[[adjustment]]\ntarget = "fund.interest.convention"\nvalue = "midyear"\nreason = "x"\n',
    )
    err = _refused(models, capsys, "jilin_small.toml", "fund.interest.convention", "must be one of")
    assert err.split(": field")[0].endswith("models/jilin_small.toml")  # not fund.toml


# --- keys, types, calendar --------------------------------------------------------------------


def test_misspelt_key(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(models / "assumptions" / "fund.toml", "[reserve.ratio]", "[reserve.ratoi]")
    _refused(models, capsys, "fund.toml", "reserve.ratoi", "unknown key")


def test_wrong_type(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(models / "jilin_small.toml", "seed = ", 'seed = "x" #')
    _refused(models, capsys, "jilin_small.toml", "simulation.seed", "expected int")


def test_two_hundred_year_horizon(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(models / "jilin_small.toml", "last_year = 2030", "last_year = 2226")
    err = _refused(models, capsys, "jilin_small.toml", "calendar.last_year", "at most 50 years")
    assert "201 years" in err  # 2026 … 2226


def test_two_hundred_year_horizon_in_a_real_process(models: Path) -> None:
    """The same through ``python -m actuary``: the user sees one line, never a traceback."""
    _edit(models / "jilin_small.toml", "last_year = 2030", "last_year = 2226")
    out = models.parent / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "actuary",
            "budget",
            str(models / "jilin_small.toml"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    err = res.stderr.strip()
    assert res.returncode == 2 and len(err.splitlines()) == 1, err
    assert "Traceback" not in err and "calendar.last_year" in err and "jilin_small.toml" in err
    assert not out.exists()


# --- the mortality table ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda d: (d / "mort").mkdir() or d / "mort", "is not a file"),
        (lambda d: (d / "mort.xlsx").write_bytes(b"PK\x03\x04") and d / "mort.xlsx", ".csv"),
        (
            lambda d: (
                (d / "mort.csv").write_text("age,q_male,q_female\n0,0.001,0.001\n")
                and d / "mort.csv"
            ),
            "lacks column",
        ),
    ],
    ids=["directory", "not-csv", "wrong-columns"],
)
def test_mortality_table_that_is_not_a_table(
    models: Path, capsys: pytest.CaptureFixture[str], make: object, why: str
) -> None:
    target = make(models.parent)  # type: ignore[operator]
    _edit(
        models / "assumptions" / "claims.toml",
        'value = "../../data/public/china_cl_2010_2013_mortality.csv"',
        f'value = "{target}"',
    )
    _refused(models, capsys, "claims.toml", "mortality.table_file", str(target), why)
