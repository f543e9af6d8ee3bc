"""Hostile input that must not move a budget silently: one test per kind of bad data file.

Each case copies ``data/synthetic`` (hard links; an edited file is replaced, never written
through a link) to a temporary folder, breaks one file the way a faulty export, a hand edit in
Excel or a cut-off transfer would, and runs ``actuary data check`` in process: exit code 2 and
stderr one line naming the file, the field and the row where there is one, no traceback.
The expected values are the edits themselves (a row number, a value typed in), not the code's
output; the plausible ranges are those stated with their basis in ``actuary.data.loader.BOUNDS``.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from actuary.cli import main
from actuary.data import load_province
from actuary.errors import InputError
from actuary.monitoring import read_actuals
from actuary.spec import read_assumption_file

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = ROOT / "data" / "synthetic"


def _link_copy(src: Path, dest: Path) -> Path:
    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dest, copy_function=link)
    return dest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return _link_copy(EMBEDDED, tmp_path / "prov")


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` (unlink first: the copy may be a hard link to data/synthetic)."""
    path.unlink()
    path.write_bytes(data)


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return fh.read().split("\n")


def _edit(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    """Edit a CSV as lines (line 0 the header, line n data row n); the final newline stays."""
    text = "\n".join(change(_lines(path))).encode("utf-8")
    _write(path, gzip.compress(text, mtime=0) if path.name.endswith(".gz") else text)


def _set(row: int, column: str, value: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = lines[row].split(",")
        cells[header.index(column)] = value
        lines[row] = ",".join(cells)
        return lines

    return change


def _forget(folder: Path, name: str) -> None:
    """Drop ``[files."name"]`` from metadata.toml (an exporter that records no manifest for it),
    so that a rule later than the row count is the one that speaks."""
    meta = folder / "metadata.toml"
    text = meta.read_text(encoding="utf-8")
    text = re.sub(
        rf'\n\[files\."{re.escape(name)}"\]\nrows = \d+\nsha256 = "[0-9a-f]+"\n', "\n", text
    )
    _write(meta, text.encode("utf-8"))


def _check_fails(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    field: str | None = None,
    row: int | str | None = None,
) -> str:
    code = main(["data", "check", str(folder)])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert f"{file}:" in err or f"{file} " in err, err
    if field is not None:
        assert f"field '{field}'" in err, err
    if row is not None:
        assert re.search(rf"\brows? {row}\b", err), err
    return err


# ---------------------------------------------------------------- fund balance and truncation


def _contract_only(folder: Path) -> Path:
    """fund_balance.csv with only the contract columns (year, balance_close, reserve)."""
    path = folder / "fund_balance.csv"
    df = pd.read_csv(path)[["year", "balance_close", "reserve"]]
    _write(path, df.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode())
    _forget(folder, "fund_balance.csv")
    return path


def test_contract_only_fund_balance_is_checked_against_the_execution(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _contract_only(folder)
    assert main(["data", "check", str(folder)]) == 0  # the sound folder still passes
    capsys.readouterr()
    # 5 million yuan more in 2020 (row 11): within the year-on-year bound, but
    # close_2020 != close_2019 + revenue_2020 - expenditure_2020 of execution_monthly.csv
    df = pd.read_csv(path)
    df.loc[df["year"] == 2020, "balance_close"] += 5e6
    _write(path, df.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode())
    err = _check_fails(folder, capsys, "fund_balance.csv", "balance_close", 11)
    assert "revenue" in err and "execution_monthly.csv" in err


def test_balance_times_ten_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _contract_only(folder)
    df = pd.read_csv(path)
    df.loc[df["year"] == 2025, "balance_close"] *= 10  # the last row, data row 16
    _write(path, df.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode())
    err = _check_fails(folder, capsys, "fund_balance.csv", "balance_close", 16)
    assert "2024 to 2025" in err


def test_export_cut_mid_number(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "execution_monthly.csv"
    raw = path.read_bytes()
    cut = raw[: int(len(raw) * 0.86)]
    cut = cut[: cut.rindex(b".") + 1]  # inside an amount: "12345." with no newline
    _write(path, cut)
    err = _check_fails(folder, capsys, "execution_monthly.csv", row=cut.count(b"\n"))
    assert "ends without a newline" in err


def test_truncated_gzip(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "claims.csv.gz"
    _write(path, path.read_bytes()[:100_000])
    err = _check_fails(folder, capsys, "claims.csv.gz")
    assert "gzip" in err and "truncated" in err


def test_row_count_differs_from_metadata(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the last beneficiary dropped, file still ends in a newline: 10,844 → 10,843 rows
    _edit(folder / "beneficiaries.csv", lambda ls: [*ls[:-2], ""])
    err = _check_fails(folder, capsys, "beneficiaries.csv", "rows")
    assert "10,843 rows, metadata.toml says 10,844" in err


def test_content_changed_since_export(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a plausible hand edit that breaks no rule: only the SHA-256 of metadata.toml tells
    _edit(
        folder / "regions.csv",
        lambda ls: [ls[0], ls[1].replace("Changchun", "Chang-chun"), *ls[2:]],
    )
    err = _check_fails(folder, capsys, "regions.csv", "sha256")
    assert "changed since export" in err


def test_header_only_file(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(folder / "economy.csv", lambda ls: [ls[0], ""])
    err = _check_fails(folder, capsys, "economy.csv", row="header")
    assert "no data rows" in err


def test_missing_month_in_the_execution(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "execution_monthly.csv"
    _forget(folder, "execution_monthly.csv")
    lines = _lines(path)
    drop = next(i for i, ln in enumerate(lines) if ln.startswith("2019,3,220200,prevention,"))
    _edit(path, lambda ls: [*ls[:drop], *ls[drop + 1 :]])
    err = _check_fails(folder, capsys, "execution_monthly.csv", "month")
    assert "220200/prevention" in err and "2019-03" in err


def test_monthly_amount_typed_in_fen(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a current-year (2026, not reconciled with any annual file) amount x 100
    path = folder / "execution_monthly.csv"
    lines = _lines(path)
    row = next(i for i, ln in enumerate(lines) if ln.startswith("2026,5,220100,contributions,"))
    value = float(lines[row].split(",")[4]) * 100
    _edit(path, _set(row, "amount", f"{value:.2f}"))
    err = _check_fails(folder, capsys, "execution_monthly.csv", "amount", row)
    assert "contributions collected" in err


# ---------------------------------------------------------------- values and types


@pytest.mark.parametrize(
    ("value", "needle"),
    [("1e15", "plausible range"), ("inf", "'inf'"), ("nan", "'nan'")],
)
def test_impossible_wage(
    folder: Path, capsys: pytest.CaptureFixture[str], value: str, needle: str
) -> None:
    _edit(folder / "economy.csv", _set(3, "avg_wage", value))
    err = _check_fails(folder, capsys, "economy.csv", "avg_wage", 3)
    assert needle in err


def test_percent_typed_as_a_fraction(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(folder / "economy.csv", _set(5, "deposit_rate", "2.75"))
    err = _check_fails(folder, capsys, "economy.csv", "deposit_rate", 5)
    assert "did you mean 2.75 %? write 0.0275" in err


def test_non_numeric_fund_balance_cell(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(folder / "fund_balance.csv", _set(2, "balance_open", "abc"))
    _check_fails(folder, capsys, "fund_balance.csv", "balance_open", 2)


def test_negative_count(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(folder / "exposure.csv", _set(9, "employers", "-1"))
    _check_fails(folder, capsys, "exposure.csv", "employers", 9)


def test_year_out_of_range(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(folder / "economy_region.csv", _set(1, "year", "2205"))
    _check_fails(folder, capsys, "economy_region.csv", "year", 1)


def test_duplicated_key_row(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(folder / "construction.csv", lambda ls: [*ls[:4], ls[3], *ls[4:]])
    err = _check_fails(folder, capsys, "construction.csv", row="3, 4")
    assert "duplicated key" in err


def test_employment_above_population(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Changchun (row 1, 2010) with 10 million employed persons: more than its 9,066,906
    # residents of the 2020 census (regions.csv; data/public/jilin_population.csv)
    _edit(folder / "economy_region.csv", _set(1, "employment", "10000000"))
    err = _check_fails(folder, capsys, "economy_region.csv", "employment", 1)
    assert "population_2020" in err


# ---------------------------------------------------------------- encodings


def test_gbk_bom_and_crlf_files_are_read(folder: Path) -> None:
    regions = folder / "regions.csv"
    _write(regions, regions.read_bytes().decode("utf-8").encode("gbk"))
    economy = folder / "economy.csv"
    _write(economy, b"\xef\xbb\xbf" + economy.read_bytes().replace(b"\n", b"\r\n"))
    for name in ("regions.csv", "economy.csv"):
        _forget(folder, name)
    data = load_province(folder, cache=False)
    assert data.regions["name_zh"].iloc[0] == "长春市"
    assert "延边朝鲜族自治州" in set(data.regions["name_zh"])
    assert data.economy["avg_wage"].iloc[0] == 27060  # economy.csv row 1, as written
    enc = data.meta("encodings")
    assert enc["regions.csv"] == "gb18030" and enc["economy.csv"] == "utf-8"


def test_undecodable_bytes_are_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    regions = folder / "regions.csv"
    _write(regions, regions.read_bytes().replace("吉林市".encode(), b"\xff\xfe\xff"))
    err = _check_fails(folder, capsys, "regions.csv")
    assert "not UTF-8 or GB18030: save as UTF-8" in err and "line 3" in err


def test_gbk_toml_is_read(tmp_path: Path) -> None:
    # fund.toml holds Chinese text (basis strings): saved in GB18030 it reads the same
    src = ROOT / "models" / "assumptions" / "fund.toml"
    dest = tmp_path / "fund.toml"
    dest.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
    got, want = read_assumption_file(dest), read_assumption_file(src)
    assert dict(got.spec) == dict(want.spec) and list(got) == list(want)
    for key in want:
        g, w = got.values[key], want.values[key]
        assert (g.value, g.unit, g.basis, g.source) == (w.value, w.unit, w.basis, w.source), key


# ---------------------------------------------------------------- monitoring actuals


def _actuals(tmp_path: Path, months: list[int], *, encoding: str = "utf-8") -> Path:
    rows = [f"2026,{m},{r},contributions,1000.00" for m in months for r in ("220100", "220200")]
    rows.append("2026,1,220100,other_revenue,-5.00")
    path = tmp_path / "actuals.csv"
    path.write_bytes(("year,month,region,item,amount\n" + "\n".join(rows) + "\n").encode(encoding))
    return path


def test_actuals_may_stop_at_through_but_not_gap_before(tmp_path: Path) -> None:
    path = _actuals(tmp_path, [1, 2, 3])
    with pytest.raises(InputError) as info:
        read_actuals(path, through=(2026, 3))
    # other_revenue of 220100 has January only: February is missing before --through
    assert "220100/other_revenue" in str(info.value) and "2026-02" in str(info.value)
    assert info.value.field == "month" and info.value.file == str(path)
    path = _actuals(tmp_path, [1, 3])
    path.write_text(
        path.read_text(encoding="utf-8").replace("other_revenue", "contributions", 0),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"220100/contributions: month 2026-02 is missing"):
        read_actuals(path, through=(2026, 3))


def test_actuals_complete_through_the_monitored_month_pass_in_gbk(tmp_path: Path) -> None:
    path = _actuals(tmp_path, [1, 2, 3], encoding="gb18030")
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(ln for ln in text if "other_revenue" not in ln) + "\n", encoding="gb18030"
    )
    out = read_actuals(path, through=(2026, 3))
    assert len(out) == 6


def test_cut_actuals_file(tmp_path: Path) -> None:
    path = _actuals(tmp_path, [1, 2])
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(InputError, match="ends without a newline"):
        read_actuals(path)


# ---------------------------------------------------------------- through the commands


def test_budget_on_a_bad_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "models", tmp_path / "models")
    (tmp_path / "data").mkdir()
    # the claims book's mortality table lives in data/public (checked when the run is loaded)
    (tmp_path / "data" / "public").symlink_to(ROOT / "data" / "public")
    prov = _link_copy(EMBEDDED, tmp_path / "data" / "synthetic")
    _edit(prov / "economy.csv", _set(3, "avg_wage", "inf"))
    out = tmp_path / "out"
    code = main(["budget", str(tmp_path / "models" / "jilin_small.toml"), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "economy.csv" in err and "field 'avg_wage'" in err and "row 3" in err
    assert not out.exists()


def test_data_check_in_a_fresh_process(folder: Path) -> None:
    # the real console path: exit 2, one line on stderr, no traceback
    _write(folder / "payments.csv.gz", (folder / "payments.csv.gz").read_bytes()[:-20])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [sys.executable, "-m", "actuary", "data", "check", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert "payments.csv.gz" in res.stderr


def test_bad_employment_is_blamed_on_economy_region(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Changchun 2010 (row 1) employment 2,291,967 with a digit dropped: 229,196 is below the
    # covered workers of exposure.csv; the fault is economy_region.csv's, not exposure.csv's
    _edit(folder / "economy_region.csv", _set(1, "employment", "229196"))
    err = _check_fails(folder, capsys, "economy_region.csv", "employment", 1)
    assert "exposure.csv" in err  # named as the other side of the rule
