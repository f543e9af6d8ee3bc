"""``actuary report`` bad input: exit 2, one line naming the file and field, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from actuary.cli import main

ROOT = Path(__file__).resolve().parents[1]
SMALL = str(ROOT / "models" / "jilin_small.toml")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def test_missing_run_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["report", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert "nope.toml" in err
    assert not (tmp_path / "o").exists()


def test_missing_sensitivity_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(
        ["report", SMALL, "--out", str(tmp_path / "o"), "--sensitivity", str(tmp_path / "s.toml")],
        capsys,
    )
    assert code == 2
    assert "s.toml" in err
    assert "--sensitivity" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            '[x]\nvalue = { target = "economy.wage_growth.mean", low = 0.03, high = 0.06, '
            'label_zh = "a", label_en = "a" }\nunit = "1/year"\nbasis = "judgement"\n',
            "[spec]",
        ),
        (
            '[spec]\nid = "s"\nversion = "1"\n[x]\nvalue = { target = "nowhere.key", low = 0, '
            'high = 1, label_zh = "a", label_en = "a" }\nunit = "-"\nbasis = "judgement"\n'
            'note = "n"\n',
            "x.target",
        ),
        (
            '[spec]\nid = "s"\nversion = "1"\n[x]\nvalue = { target = "fund.reserve.ratio", '
            'low = 0, label_zh = "a", label_en = "a" }\nunit = "-"\nbasis = "judgement"\n'
            'note = "n"\n',
            "x.high",
        ),
        (
            '[spec]\nid = "s"\nversion = "1"\n[x]\nvalue = { target = "fund.reserve.ratio", '
            'low = 0, high = 1, label_zh = "a", label_en = "a" }\nunit = "-"\nbasis = "guess"\n'
            'note = "n"\n',
            "basis",
        ),
    ],
)
def test_bad_sensitivity_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, fragment: str
) -> None:
    f = tmp_path / "sens.toml"
    f.write_text(body, encoding="utf-8")
    code, err = _run(
        ["report", SMALL, "--out", str(tmp_path / "o"), "--sensitivity", str(f)], capsys
    )
    assert code == 2
    assert "sens.toml" in err
    assert fragment in err
    assert not (tmp_path / "o").exists()


def test_bad_previous_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = tmp_path / "manifest.json"
    m.write_text("{}", encoding="utf-8")
    code, err = _run(
        ["report", SMALL, "--out", str(tmp_path / "o"), "--no-sensitivity", "--previous", str(m)],
        capsys,
    )
    assert code == 2
    assert "manifest.json" in err
    assert not (tmp_path / "o").exists()


def test_bad_sensitivity_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(
        ["report", SMALL, "--out", str(tmp_path / "o"), "--sensitivity-paths", "0"], capsys
    )
    assert code == 2
    assert "--sensitivity-paths" in err
