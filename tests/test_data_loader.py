"""Loader validation: one test per kind of bad input, and ``actuary data check`` exit codes.

Each test copies a small sound folder (a 2 % miniature of the synthetic province), breaks one
file the way a faulty system export would, and
checks that :func:`actuary.data.load_province` raises ``InputError`` whose message names the
file, the column and the offending row(s) (1-based data rows, header excluded).
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from actuary.cli import main
from actuary.data import load_province
from actuary.data.synthetic import write_synthetic
from actuary.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = ROOT / "data" / "synthetic"


@pytest.fixture(scope="module")
def miniature(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sound 2 % miniature of the synthetic province (same generator, same rules): small
    enough that each bad-input test loads it in a fraction of a second."""
    out = tmp_path_factory.mktemp("mini")
    write_synthetic(out, scale=0.02)
    return out


@pytest.fixture
def folder(tmp_path: Path, miniature: Path) -> Path:
    dest = tmp_path / "prov"
    shutil.copytree(miniature, dest)
    return dest


def _edit(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    """Edit a CSV (or .csv.gz) as lines; line 0 is the header, line n is data row n."""
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write("\n".join(change(lines)))
    else:
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join(change(lines)), encoding="utf-8")


def _set(lines: list[str], row: int, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    return lines


def _error(folder: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_province(folder, cache=False)
    return info.value


def test_the_embedded_folder_is_sound() -> None:
    data = load_province(EMBEDDED)
    assert data.synthetic and "SYNTHETIC" in data.label
    assert (data.first_year, data.last_full_year, data.current_year) == (2010, 2025, 2026)
    assert data.claims["accident_date"].dtype.kind == "M"
    # cached loads return copies: changing one does not change the next
    data.claims.loc[:, "monthly_wage"] = -1.0
    assert (load_province(EMBEDDED).claims["monthly_wage"] > 0).all()


def test_missing_column(folder: Path) -> None:
    path = folder / "exposure.csv"
    df = pd.read_csv(path, dtype={"region": str}).drop(columns=["covered_payroll"])
    df.to_csv(path, index=False)
    err = _error(folder)
    msg = str(err)
    assert "exposure.csv" in msg and "'covered_payroll'" in msg and "row header" in msg
    assert "missing required column" in msg


def test_wrong_type(folder: Path) -> None:
    _edit(folder / "exposure.csv", lambda ls: _set(ls, 3, "covered_workers", "abc"))
    err = _error(folder)
    assert err.file is not None and err.file.endswith("exposure.csv")
    assert err.field == "covered_workers"
    assert err.rows == [3]
    assert "wrong type" in str(err) and "row 3" in str(err)


def test_negative_amount(folder: Path) -> None:
    _edit(folder / "construction.csv", lambda ls: _set(ls, 100, "project_cost", "-5000.00"))
    err = _error(folder)
    assert err.file is not None and err.file.endswith("construction.csv")
    assert err.field == "project_cost" and err.rows == [100]
    assert "greater_than_or_equal_to(0)" in str(err)


def test_negative_payment(folder: Path) -> None:
    _edit(folder / "payments.csv.gz", lambda ls: _set(ls, 7, "amount", "-12.50"))
    err = _error(folder)
    assert err.file is not None and err.file.endswith("payments.csv.gz")
    assert err.field == "amount" and err.rows == [7]


def test_unknown_region_code(folder: Path) -> None:
    _edit(folder / "economy_region.csv", lambda ls: _set(ls, 7, "region", "229999"))
    err = _error(folder)
    assert err.file is not None and err.file.endswith("economy_region.csv")
    assert err.field == "region" and err.rows == [7]
    assert "isin" in str(err) and "229999" in str(err)


def test_unknown_industry_class(folder: Path) -> None:
    _edit(folder / "exposure.csv", lambda ls: _set(ls, 2, "industry_class", "9"))
    err = _error(folder)
    assert err.field == "industry_class" and err.rows == [2]
    assert "exposure.csv" in str(err)


def test_unknown_outcome_code(folder: Path) -> None:
    _edit(folder / "claims.csv.gz", lambda ls: _set(ls, 11, "outcome", "grade_11"))
    err = _error(folder)
    assert err.file is not None and err.file.endswith("claims.csv.gz")
    assert err.field == "outcome" and err.rows == [11]


def test_duplicated_key(folder: Path) -> None:
    # row 5 repeated as row 6: both copies are named
    _edit(folder / "economy.csv", lambda ls: [*ls[:6], ls[5], *ls[6:]])
    err = _error(folder)
    assert err.file is not None and err.file.endswith("economy.csv")
    assert err.field == "year" and err.rows == [5, 6]
    assert "duplicated key" in str(err)


def _drop_files_table(folder: Path) -> None:
    """Remove metadata.toml's [files] table (an exporter that writes none): with it, a dropped
    row is reported as "truncated or changed since export" before the calendar rule."""
    path = folder / "metadata.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\n# Row count")] + "\n", encoding="utf-8")


def test_year_gap(folder: Path) -> None:
    # drop data row 6 (year 2015) of economy.csv: 2014 is followed by 2016
    _drop_files_table(folder)
    _edit(folder / "economy.csv", lambda ls: [*ls[:6], *ls[7:]])
    err = _error(folder)
    assert err.file is not None and err.file.endswith("economy.csv")
    assert err.field == "year" and "without a gap" in str(err) and "2015" in str(err)
    assert err.rows == [6]  # the row where 2016 now sits


def test_bad_date(folder: Path) -> None:
    _edit(folder / "claims.csv.gz", lambda ls: _set(ls, 4, "accident_date", "2019-13-01"))
    err = _error(folder)
    assert err.field == "accident_date" and err.rows == [4]
    assert "ISO date" in str(err)


def test_payments_that_do_not_reconcile_with_execution(folder: Path) -> None:
    # a claim paid in 2019 gets 1 000 yuan more: the execution data no longer add up
    def bump(ls: list[str]) -> list[str]:
        header = ls[0].split(",")
        for i in range(1, len(ls)):
            cells = ls[i].split(",")
            if cells[header.index("calendar_year")] == "2019":
                k = header.index("amount")
                cells[k] = f"{float(cells[k]) + 1000:.2f}"
                ls[i] = ",".join(cells)
                break
        return ls

    _edit(folder / "payments.csv.gz", bump)
    err = _error(folder)
    assert err.file is not None and err.file.endswith("execution_monthly.csv")
    assert err.field == "amount"
    assert err.rows is not None and str(err.rows[0]).startswith("2019/")
    assert "payments.csv.gz" in str(err)


def test_metadata_missing_key(folder: Path) -> None:
    path = folder / "metadata.toml"
    text = "\n".join(
        ln for ln in path.read_text(encoding="utf-8").split("\n") if not ln.startswith("synthetic")
    )
    path.write_text(text, encoding="utf-8")
    err = _error(folder)
    assert err.field == "synthetic" and "metadata.toml" in str(err)


def test_data_check_exit_codes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", str(folder)]) == 0
    assert "sound" in capsys.readouterr().out
    _edit(folder / "exposure.csv", lambda ls: _set(ls, 3, "covered_workers", "-4"))
    assert main(["data", "check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "exposure.csv" in err and "covered_workers" in err and "row 3" in err


def test_data_synth_writes_through_staging(tmp_path: Path) -> None:
    # an existing file in the target folder stays untouched if generation fails (bad seed type
    # is rejected by argparse before anything is written)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["data", "synth", "--out", str(out), "--seed", "abc"])
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_missing_file_and_missing_folder(folder: Path, tmp_path: Path) -> None:
    (folder / "budget.csv").unlink()
    err = _error(folder)
    assert err.file is not None and err.file.endswith("budget.csv")
    assert "missing file" in str(err)
    with pytest.raises(InputError, match="data folder not found"):
        load_province(tmp_path / "nowhere")


def test_reserve_above_balance_is_rejected(folder: Path) -> None:
    # 储备金 is part of the accumulated balance (人社部发〔2015〕72号 item 六)
    def bump(ls: list[str]) -> list[str]:
        header = ls[0].split(",")
        cells = ls[2].split(",")
        cells[header.index("reserve")] = f"{float(cells[header.index('balance_close')]) + 1e6:.2f}"
        ls[2] = ",".join(cells)
        return ls

    _edit(folder / "fund_balance.csv", bump)
    err = _error(folder)
    assert err.field == "reserve" and err.rows == [2] and "fund_balance.csv" in str(err)


def test_province_data_from_frames_table_has_meta() -> None:
    from actuary.data import ProvinceData

    eco = pd.DataFrame({"year": [2024, 2025], "avg_wage": [1.0, 2.0]})
    d = ProvinceData.from_frames(metadata={"last_full_year": 2025}, economy=eco)
    assert d.table("economy") is eco and d.has("economy") and not d.has("claims")
    assert d.meta("last_full_year") == 2025 and d.meta("as_of", "n/a") == "n/a"
    assert d.last_full_year == 2025 and d.first_year == 2024
    with pytest.raises(InputError) as e:
        d.table("claims")
    assert e.value.field == "claims"
    with pytest.raises(InputError):
        ProvinceData.from_frames(claimz=eco)
    c = d.copy()
    assert c.table("economy") is not eco and c.table("economy").equals(eco) and c.claims is None
