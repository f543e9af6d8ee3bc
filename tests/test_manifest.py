"""Manifest: hashes, command template, content comparison of xlsx / NetCDF, bad manifests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from openpyxl import Workbook

from actuary.cli import main
from actuary.errors import InputError
from actuary.io import sha256_file
from actuary.manifest import (
    OUT_TOKEN,
    build_manifest,
    command_template,
    content_sha256,
    git_state,
    read_manifest,
    write_manifest,
)


def test_command_template_replaces_the_output_folder() -> None:
    assert command_template(["report", "m.toml", "--out", "x/y", "--lang", "en"]) == [
        "report",
        "m.toml",
        "--out",
        OUT_TOKEN,
        "--lang",
        "en",
    ]
    assert command_template(["report", "m.toml", "--out=x"]) == [
        "report",
        "m.toml",
        f"--out={OUT_TOKEN}",
    ]


def _xlsx(path: Path, value: float, when: dt.datetime) -> None:
    wb = Workbook()
    wb.active["A1"] = "工伤保险费收入"
    wb.active["B1"] = value
    wb.properties.created = when
    wb.properties.modified = when
    wb.save(path)


def test_xlsx_content_hash_ignores_write_times(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    _xlsx(a, 1.0, dt.datetime(2020, 1, 1))
    _xlsx(b, 1.0, dt.datetime(2024, 6, 30, 12, 0, 0))
    _xlsx(c, 2.0, dt.datetime(2020, 1, 1))
    assert sha256_file(a) != sha256_file(b)  # the timestamps are in the bytes
    assert content_sha256(a) == content_sha256(b)
    assert content_sha256(a) != content_sha256(c)


def test_netcdf_content_hash(tmp_path: Path) -> None:
    ds = xr.Dataset(
        {"fund": (("path", "year"), np.arange(6.0).reshape(2, 3))},
        coords={"year": [2026, 2027, 2028]},
        attrs={"seed": 1},
    )
    ds.to_netcdf(tmp_path / "a.nc", engine="scipy")
    ds.to_netcdf(tmp_path / "b.nc", engine="scipy")
    ds2 = ds.copy(deep=True)
    ds2["fund"][0, 0] = 99.0
    ds2.to_netcdf(tmp_path / "c.nc", engine="scipy")
    assert content_sha256(tmp_path / "a.nc") == content_sha256(tmp_path / "b.nc")
    assert content_sha256(tmp_path / "a.nc") != content_sha256(tmp_path / "c.nc")


def test_plain_files_hash_like_sha256sum(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(b"year,amount\n2025,1\n")
    # expected value computed independently with hashlib
    assert content_sha256(p) == hashlib.sha256(b"year,amount\n2025,1\n").hexdigest()


def test_manifest_records_inputs_outputs_and_seed(tmp_path: Path) -> None:
    stage = tmp_path / "out"
    stage.mkdir()
    (stage / "a.txt").write_text("hello", encoding="utf-8")
    (stage / "sub").mkdir()
    (stage / "sub" / "b.txt").write_text("world", encoding="utf-8")
    inp = tmp_path / "in.csv"
    inp.write_text("x\n1\n", encoding="utf-8")
    path = write_manifest(
        stage,
        argv=["report", "run.toml", "--out", "out"],
        inputs={"data": [inp]},
        seed=7,
        n_paths=100,
        cwd=tmp_path,
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["seed"] == 7
    assert doc["n_paths"] == 100
    assert doc["command"]["argv"] == ["report", "run.toml", "--out", OUT_TOKEN]
    assert [o["path"] for o in doc["outputs"]] == ["a.txt", "sub/b.txt"]
    assert doc["outputs"][0]["sha256"] == hashlib.sha256(b"hello").hexdigest()
    assert doc["inputs"] == [
        {
            "path": "in.csv",
            "sha256": hashlib.sha256(b"x\n1\n").hexdigest(),
            "bytes": 4,
            "group": "data",
            "encoding": "utf-8",
        }
    ]
    assert doc["libraries"]["numpy"] == np.__version__
    assert read_manifest(stage)["seed"] == 7


def test_manifest_records_the_encoding_of_a_gbk_input(tmp_path: Path) -> None:
    # a CSV saved by Excel on Chinese Windows: "长春" in GBK is b"\xb3\xa4\xb4\xba", not UTF-8
    stage = tmp_path / "out"
    stage.mkdir()
    (stage / "a.txt").write_text("x", encoding="utf-8")
    gbk = tmp_path / "regions.csv"
    gbk.write_bytes("region,name_zh\n220100,长春市\n".encode("gbk"))
    assert b"\xb3\xa4\xb4\xba" in gbk.read_bytes()
    doc = json.loads(
        write_manifest(stage, argv=["simulate"], inputs={"data": [gbk]}, cwd=tmp_path).read_text(
            encoding="utf-8"
        )
    )
    assert doc["inputs"][0]["encoding"] == "gb18030"


def test_missing_input_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.csv"):
        build_manifest(tmp_path, argv=["x"], inputs={"data": [tmp_path / "gone.csv"]})


def test_not_a_git_checkout(tmp_path: Path) -> None:
    state = git_state(tmp_path)
    assert state["commit"] is None


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not a JSON manifest"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format": 1, "command": {"argv": []}, "inputs": [], "outputs": []}', "command.argv"),
        ('{"format": 1, "inputs": [], "outputs": []}', "command"),
    ],
)
def test_bad_manifest_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, fragment: str
) -> None:
    m = tmp_path / "manifest.json"
    m.write_text(content, encoding="utf-8")
    assert main(["verify", str(m)]) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err
    assert fragment in err
