"""Bad actuals and budgets for execution monitoring: a clear InputError, CLI exit 2, nothing
written (issue 9). The good path runs the command end to end on the embedded data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from actuary.cli import main
from actuary.errors import InputError
from actuary.monitoring import check_actuals, check_budget
from actuary.spec.assumptions import read_assumption_file

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "models" / "jilin.toml"
EXEC = ROOT / "data" / "synthetic" / "execution_monthly.csv"

GOOD = pd.DataFrame(
    {
        "year": [2026, 2026, 2026, 2026],
        "month": [1, 1, 2, 2],
        "region": ["220100", "220200", "220100", "220200"],
        "item": ["contributions", "other_revenue", "contributions", "other_revenue"],
        "amount": [1.0e6, -2.0e3, 1.1e6, 5.0e3],  # other_revenue may be net negative
    }
)


def _bad(kind: str) -> tuple[pd.DataFrame, str, list[int]]:
    """(table, field named, rows named) for each kind of bad actuals."""
    df = GOOD.copy()
    if kind == "unknown_item":
        df.loc[2, "item"] = "contribution"  # misspelt
        return df, "item", [3]
    if kind == "future_month":
        df.loc[3, "month"] = 3  # after --through 2026-02
        return df, "month", [4]
    if kind == "duplicate":
        df = pd.concat([df, df.iloc[[1]]], ignore_index=True)
        return df, "item", [2, 5]
    if kind == "missing_column":
        return df.drop(columns="amount"), "amount", []
    if kind == "negative":
        df.loc[0, "amount"] = -5.0
        return df, "amount", [1]
    if kind == "bad_month":
        df.loc[1, "month"] = 13
        return df, "month", [2]
    if kind == "not_a_number":
        df["amount"] = df["amount"].astype(object)
        df.loc[3, "amount"] = "1,000"
        return df, "amount", [4]
    if kind == "unknown_region":
        df.loc[0, "region"] = "229900"
        return df, "region", [1]
    raise AssertionError(kind)


KINDS = [
    "unknown_item",
    "future_month",
    "duplicate",
    "missing_column",
    "negative",
    "bad_month",
    "not_a_number",
    "unknown_region",
]


def test_good_actuals_pass() -> None:
    out = check_actuals(GOOD, file="a.csv", through=(2026, 2), regions=["220100", "220200"])
    assert len(out) == 4 and out["amount"].dtype == float


@pytest.mark.parametrize("kind", KINDS)
def test_bad_actuals_name_file_field_and_rows(kind: str) -> None:
    df, field, rows = _bad(kind)
    with pytest.raises(InputError) as e:
        check_actuals(df, file="actuals.csv", through=(2026, 2), regions=["220100", "220200"])
    assert e.value.file == "actuals.csv"
    assert e.value.field == field
    if rows:
        assert e.value.rows == rows
    assert str(e.value).startswith("actuals.csv: field")


def test_bad_budget() -> None:
    b = pd.DataFrame(
        {
            "year": [2026, 2026],
            "region": ["220100", "220100"],
            "item": ["contributions", "contributions"],
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError, match="duplicate") as e:
        check_budget(b, file="budget.csv")
    assert e.value.rows == [1, 2]


# --- the command ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def actuals_2026(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    ex = pd.read_csv(EXEC, dtype={"region": str})
    return ex[ex["year"] == 2026].reset_index(drop=True)


@pytest.mark.parametrize(
    "kind", ["unknown_item", "future_month", "duplicate", "missing_column", "negative"]
)
def test_cli_bad_actuals_exit_2_and_nothing_written(
    kind: str, actuals_2026: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    df = actuals_2026.copy()
    field = {
        "unknown_item": "item",
        "future_month": "month",
        "duplicate": "item",
        "missing_column": "amount",
        "negative": "amount",
    }[kind]
    if kind == "unknown_item":
        df.loc[7, "item"] = "contribution"
    elif kind == "future_month":
        df.loc[7, "month"] = 11  # --through 2026-10
    elif kind == "duplicate":
        df = pd.concat([df, df.iloc[[7]]], ignore_index=True)
    elif kind == "missing_column":
        df = df.drop(columns="amount")
    else:
        df.loc[7, "amount"] = -1.0
        df.loc[7, "item"] = "contributions"
    path = tmp_path / "actuals.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "out"
    code = main(
        ["monitor", str(RUN), "--actuals", str(path), "--through", "2026-10", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "actuals.csv" in err and f"field '{field}'" in err
    if kind != "missing_column":
        assert "row" in err
    assert not out.exists()


def test_cli_bad_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(
        ["monitor", str(RUN), "--actuals", str(EXEC), "--through", "2026-13", "--out", str(out)]
    )
    assert code == 2 and "--through" in capsys.readouterr().err
    assert not out.exists()


def test_cli_end_to_end(actuals_2026: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "actuals.csv"
    actuals_2026.to_csv(path, index=False)
    out = tmp_path / "out"
    code = main(
        [
            "monitor",
            str(RUN),
            "--actuals",
            str(path),
            "--through",
            "2026-10",
            "--out",
            str(out),
            "--no-charts",
        ]
    )
    assert code == 0
    alerts = pd.read_csv(out / "alerts.csv", dtype={"region": str})
    assert {"region", "item", "month", "deviation"} <= set(alerts.columns)
    ex = pd.read_csv(out / "execution.csv", dtype={"region": str})
    # cumulative execution through October equals the sum of the actuals, series by series
    want = actuals_2026.groupby(["region", "item"])["amount"].sum()
    got = ex.set_index(["region", "item"])["cumulative"].reindex(want.index)
    pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-6)
    ass = pd.read_csv(out / "assessment.csv", dtype={"region": str}).set_index("region")
    # collection completion = cumulative contributions ÷ the 2026 budget (budget.csv)
    bud = pd.read_csv(ROOT / "data" / "synthetic" / "budget.csv", dtype={"region": str})
    b = bud[(bud["year"] == 2026) & (bud["item"] == "contributions")].set_index("region")
    r = "220100"
    assert ass.loc[r, "collection_rate"] == pytest.approx(
        want[(r, "contributions")] / b.loc[r, "amount"], rel=1e-6
    )
    assert (out / "monitor.xlsx").is_file()


def test_cli_accepts_a_budget_draft_csv(actuals_2026: pd.DataFrame, tmp_path: Path) -> None:
    # the layout `actuary budget` writes (budget_<year>.csv: region, item, …, draft in 万元,
    # plus stock rows); built here from budget.csv 2026 ÷ 10,000
    bud = pd.read_csv(ROOT / "data" / "synthetic" / "budget.csv", dtype={"region": str})
    b = bud[bud["year"] == 2026]
    draft = pd.DataFrame({"region": b["region"], "region_name": "", "item": b["item"],
                          "label_zh": "", "label_en": "", "prior_actual": 0.0,
                          "outturn": 0.0, "draft": b["amount"] / 1e4, "change_pct": 0.0})
    stock = pd.DataFrame({"region": ["220100"], "region_name": [""], "item": ["balance_close"],
                          "label_zh": [""], "label_en": [""], "prior_actual": [0.0],
                          "outturn": [0.0], "draft": [123.0], "change_pct": [0.0]})
    path = tmp_path / "budget_2026.csv"
    pd.concat([draft, stock]).to_csv(path, index=False)
    act = tmp_path / "actuals.csv"
    actuals_2026.to_csv(act, index=False)
    out = tmp_path / "out"
    code = main(["monitor", str(RUN), "--actuals", str(act), "--through", "2026-10",
                 "--out", str(out), "--budget", str(path), "--no-charts"])
    assert code == 0
    ex = pd.read_csv(out / "execution.csv", dtype={"region": str}).set_index(["region", "item"])
    want = b.set_index(["region", "item"])["amount"]
    got = ex["budget"].reindex(want.index)
    pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-9)


def test_misspelt_or_bad_monitoring_assumption(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from actuary.monitoring import MonitorSettings

    text = (ROOT / "models" / "assumptions" / "monitoring.toml").read_text(encoding="utf-8")
    bad = tmp_path / "monitoring.toml"
    bad.write_text(text.replace("[alert_level]", "[alert_levle]"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        MonitorSettings.parse(read_assumption_file(bad))
    assert e.value.field == "alert_levle" and e.value.file == str(bad)
    bad.write_text(text.replace("value = 0.99", "value = 1.5"), encoding="utf-8")
    with pytest.raises(InputError, match="probability") as e:
        MonitorSettings.parse(read_assumption_file(bad))
    assert e.value.field == "alert_level"
    out = tmp_path / "out"
    code = main(["monitor", str(RUN), "--actuals", str(EXEC), "--through", "2026-10",
                 "--out", str(out), "--assumptions", str(bad)])
    assert code == 2 and "alert_level" in capsys.readouterr().err
    assert not out.exists()


def test_missing_monitoring_assumption_file(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # a copy of models/ without assumptions/monitoring.toml, the data folder linked beside it
    import shutil

    shutil.copytree(ROOT / "models", tmp_path / "models")
    (tmp_path / "models" / "assumptions" / "monitoring.toml").unlink()
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    run = tmp_path / "models" / RUN.name
    out = tmp_path / "out"
    code = main(["monitor", str(run), "--actuals", str(EXEC), "--through", "2026-10",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "monitoring.toml" in err and "--assumptions" in err
    assert not out.exists()
