"""``actuary benefits`` from the command line: output formats, bad input, the demo commands."""

from __future__ import annotations

import importlib
import json
import os
import re
import shlex
from pathlib import Path

import pytest

import actuary
from actuary.cli import main

ROOT = Path(__file__).resolve().parents[1]

GOOD = """event_date = 2024-05-01
outcome = "grade_3"
monthly_wage = 6500
area_avg_monthly_wage = 7200
birth_date = 1980-03-15
sex = "male"
original_retirement_age = 60
nursing = "none"
leaves_employment = false
"""


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "case.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["benefits", str(write(tmp_path, GOOD)), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list) and len(rows) == 8
    for r in rows:
        assert {"item", "payer", "kind", "amount"} <= set(r)
    by = {r["item"]: r for r in rows}
    assert by["disability_lump_sum"]["amount"] == 149_500  # 23 × 6500 (art. 35)
    assert by["disability_allowance"]["amount"] == 5_200  # 80 % × 6500
    assert by["disability_allowance"]["end_date"] == "2043-03-15"  # 63 y, man born 1980-03
    assert by["disability_allowance"]["payer"] == "fund"


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["benefits", str(write(tmp_path, GOOD))]) == 0
    out = capsys.readouterr().out
    assert "一次性伤残补助金" in out and "伤残津贴" in out
    assert "149,500.00" in out and "5,200.00/月" in out
    assert "Parameters used" in out and "工伤保险条例" in out


BAD = [
    (GOOD.replace('"grade_3"', '"grade_11"'), "outcome"),
    (GOOD.replace("6500", "-6500"), "monthly_wage"),
    (GOOD.replace("2024-05-01", "2009-06-01"), "event_date"),
    (GOOD.replace("monthly_wage = 6500", "monthly_wages = 6500"), "monthly_wages"),
    (GOOD.replace('nursing = "none"', 'nursing = "some"'), "nursing"),
    (GOOD.replace('sex = "male"', 'sex = "m"'), "sex"),
    (GOOD.replace("event_date = 2024-05-01", 'event_date = "May 2024"'), "event_date"),
    (GOOD + '[[dependants]]\nrelation = "spouse"\n', "dependants"),
    (GOOD.replace("event_date", "event_dat"), "event_dat"),
    ("outcome = \n", "TOML"),
    (GOOD.replace("birth_date = 1980-03-15\n", ""), "birth_date"),
    (GOOD.replace("leaves_employment = false", "leaves_employment = true"), "leaves_employment"),
    (GOOD.replace("original_retirement_age = 60", "original_retirement_age = 55"), "original_ret"),
    (GOOD.replace("area_avg_monthly_wage = 7200", "area_avg_monthly_wage = 0"), "area_avg"),
    (GOOD.replace("birth_date = 1980-03-15", "birth_date = 2030-03-15"), "birth_date"),
]


@pytest.mark.parametrize(("text", "field"), BAD)
def test_bad_input_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, field: str
) -> None:
    assert main(["benefits", str(write(tmp_path, text))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert field in err
    assert err.startswith("actuary benefits: error:")


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["benefits", str(tmp_path / "nope.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.toml" in err and "Traceback" not in err


def test_misspelt_dependant_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace('"grade_3"', '"death"') + '[[dependants]]\nrelashun = "spouse"\n'
    assert main(["benefits", str(write(tmp_path, text))]) == 2
    assert "dependants[1].relashun" in capsys.readouterr().err


def _demo_commands() -> list[list[str]]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    block = re.search(r"^demo:.*?\n((?:\t.*\n)+)", text, re.M)
    assert block, "no demo target in the Makefile"
    cmds = []
    for line in block.group(1).splitlines():
        words = shlex.split(line.strip())
        if words and words[0].endswith("/actuary") and words[1] == "benefits":
            cmds.append(words[1:])
    return cmds


def test_make_demo_benefit_commands_run(capsys: pytest.CaptureFixture[str]) -> None:
    cmds = _demo_commands()
    assert len(cmds) >= 2
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for argv in cmds:
            assert main(argv) == 0, argv
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "一次性伤残补助金" in out and "一次性工亡补助金" in out
    # death.toml: 2025 death → 20 × 54188 = 1,083,760; funeral 6 × 7200 = 43,200
    assert "1,083,760.00" in out and "43,200.00" in out


def test_examples_are_package_data() -> None:
    from importlib import resources

    root = resources.files("actuary") / "examples"
    assert (root / "grade_3.toml").is_file() and (root / "death.toml").is_file()


def test_public_api_pinned() -> None:
    # The public entry points: benefits, parameters, data, run spec, projection, budget,
    # rates, scenario comparison, review pack, verify, monitoring.
    assert sorted(actuary.__all__) == sorted(
        [
            "__version__",
            "assess",
            "compare_scenarios",
            "draft_budget",
            "expected_outturn",
            "load_parameters",
            "load_province",
            "load_run",
            "monitor",
            "price_benefits",
            "project",
            "retirement_date",
            "solve_rates",
            "verify",
            "write_budget",
            "write_report",
        ]
    )
    # Names must not collide with submodules (importing a submodule sets an attribute of the
    # package that would shadow a lazy entry point of the same name), so import them all first.
    for module in ("compare", "rates", "budget", "data", "manifest", "monitoring", "projection"):
        importlib.import_module(f"actuary.{module}")
    for name in actuary.__all__:
        assert callable(getattr(actuary, name)) or name == "__version__"
