"""``actuary simulate`` and ``actuary budget`` from the command line: outputs and bad input.

A corrupted data file or model file must end with exit code 2, one line on stderr naming the
cause, and no output folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xarray as xr
from _projection_fitted import ROOT, SMALL, patch_fit

from actuary.cli import main


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A copy of models/ and data/synthetic/ to corrupt (data/public linked)."""
    shutil.copytree(ROOT / "models", tmp_path / "models")
    (tmp_path / "data").mkdir()
    shutil.copytree(ROOT / "data" / "synthetic", tmp_path / "data" / "synthetic")
    # claims.toml names the public mortality table; load_run checks it is a table
    (tmp_path / "data" / "public").symlink_to(ROOT / "data" / "public", target_is_directory=True)
    return tmp_path


def _fails(argv: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert not out.exists()
    assert not any(p.name.startswith(f".{out.name}.staging") for p in out.parent.iterdir())
    return err


@pytest.mark.parametrize("verb", ["simulate", "budget"])
def test_corrupted_data_file(tree: Path, verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    p = tree / "data" / "synthetic" / "fund_balance.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",", ",-", 1)  # a negative balance
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tree / "out"
    err = _fails([verb, str(tree / "models" / "jilin_small.toml"), "--out", str(out)], out, capsys)
    assert "fund_balance.csv" in err


@pytest.mark.parametrize("verb", ["simulate", "budget"])
def test_corrupted_model_file(tree: Path, verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    p = tree / "models" / "assumptions" / "fund.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("[interest.spread]", "[interest.sprad]"),
        encoding="utf-8",
    )
    out = tree / "out"
    err = _fails([verb, str(tree / "models" / "jilin_small.toml"), "--out", str(out)], out, capsys)
    assert "fund.toml" in err and "interest.sprad" in err


def test_missing_run_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    err = _fails(["simulate", str(tmp_path / "nope.toml"), "--out", str(out)], out, capsys)
    assert "nope.toml" in err


def test_bad_scheduler_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    patch_fit(monkeypatch)
    out = tmp_path / "out"
    argv = ["simulate", str(SMALL), "--out", str(out), "--paths", "10", "--scheduler", "nope://x"]
    err = _fails(argv, out, capsys)
    assert "--scheduler" in err


def test_simulate_writes_paths_nc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    patch_fit(monkeypatch)
    out = tmp_path / "sim"
    assert main(["simulate", str(SMALL), "--out", str(out), "--paths", "40", "--quiet"]) == 0
    with xr.open_dataset(out / "paths.nc", engine="h5netcdf") as ds:
        assert set(ds["scenario"].values) == {"baseline", "reserve_high"}
        assert ds.sizes["path"] == 40
        assert "contributions" in list(ds["item"].values)
        assert ds.attrs["seed"] == 20261128
    # same seed → identical file bytes
    out2 = tmp_path / "sim2"
    assert main(["simulate", str(SMALL), "--out", str(out2), "--paths", "40", "--quiet"]) == 0
    assert (out / "paths.nc").read_bytes() == (out2 / "paths.nc").read_bytes()
    # --workers 2 (a process pool) → the same file
    out3 = tmp_path / "sim3"
    assert (
        main(
            [
                "simulate",
                str(SMALL),
                "--out",
                str(out3),
                "--paths",
                "40",
                "--quiet",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    assert (out / "paths.nc").read_bytes() == (out3 / "paths.nc").read_bytes()


def test_budget_under_a_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    patch_fit(monkeypatch)
    out = tmp_path / "b"
    argv = ["budget", str(SMALL), "--out", str(out), "--paths", "20", "--quiet"]
    assert main([*argv, "--scenario", "reserve_high"]) == 0
    text = (out / "budget_2027_summary.txt").read_text(encoding="utf-8")
    assert "scenario reserve_high" in text
    capsys.readouterr()
    bad = tmp_path / "c"
    err = _fails(["budget", str(SMALL), "--out", str(bad), "--scenario", "nope"], bad, capsys)
    assert "nope" in err
