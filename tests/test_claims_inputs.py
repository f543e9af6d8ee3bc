"""Bad input to the claims model: misspelt or mistyped assumptions, broken data, wrong
economy block. Each raises an InputError naming the file, the field and (for data) the rows."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from _claims_tiny import flat_table, tiny_data, tiny_economy, tiny_frames, tiny_spec

from actuary.claims import ClaimsModel
from actuary.errors import InputError
from actuary.spec import Override, read_assumption_file

ROOT = Path(__file__).resolve().parents[1]
CLAIMS_TOML = ROOT / "models" / "assumptions" / "claims.toml"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = CLAIMS_TOML.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "claims.toml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def test_the_embedded_assumption_file_loads() -> None:
    m = ClaimsModel.from_assumptions(read_assumption_file(CLAIMS_TOML))
    assert m.spec.mortality_table_file.is_file()
    assert m.spec.outcome_model in ("ordinal", "multinomial")


def test_misspelt_key_names_file_and_key(tmp_path: Path) -> None:
    f = _edited(tmp_path, "[incidence.trend]", "[incidence.trnd]")
    with pytest.raises(InputError) as e:
        ClaimsModel.from_assumptions(read_assumption_file(f))
    assert e.value.field == "incidence.trnd" and str(f) in str(e.value)


def test_wrong_unit_is_rejected(tmp_path: Path) -> None:
    f = _edited(tmp_path, 'unit = "log-sd"', 'unit = "percent"')
    with pytest.raises(InputError, match="wrong unit") as e:
        ClaimsModel.from_assumptions(read_assumption_file(f))
    assert e.value.field == "mortality.level_sd"


def test_bad_choice_and_out_of_range_values(tmp_path: Path) -> None:
    f = _edited(tmp_path, 'value = "multinomial"', 'value = "probit"')
    with pytest.raises(InputError, match="must be one of") as e:
        ClaimsModel.from_assumptions(read_assumption_file(f))
    assert e.value.field == "outcome.model"
    g = _edited(tmp_path, "value = 0.8\n", "value = 1.8\n")
    with pytest.raises(InputError, match="looks like a percent") as e2:
        ClaimsModel.from_assumptions(read_assumption_file(g))
    assert e2.value.field == "retirement.female_worker_share"


def test_nominal_items_must_be_severity_items(tmp_path: Path) -> None:
    f = _edited(tmp_path, 'value = ["appraisal_fee"]', 'value = ["apraisal_fee"]')
    with pytest.raises(InputError, match=r"severity\.items") as e:
        ClaimsModel.from_assumptions(read_assumption_file(f))
    assert e.value.field == "severity.nominal_items" and str(f) in str(e.value)


def test_missing_key(tmp_path: Path) -> None:
    text = CLAIMS_TOML.read_text(encoding="utf-8")
    cut = re.sub(r"\[major\.rate\][^\[]*", "", text)
    f = tmp_path / "claims.toml"
    f.write_text(cut, encoding="utf-8")
    with pytest.raises(InputError, match="missing") as e:
        ClaimsModel.from_assumptions(read_assumption_file(f))
    assert e.value.field == "major.rate"


@pytest.mark.parametrize(
    ("table", "column", "value", "file", "rows"),
    [
        ("claims", "outcome", "grade_11", "claims.csv.gz", [3]),
        ("claims", "monthly_wage", -5.0, "claims.csv.gz", [3]),
        ("claims", "nursing", 7, "claims.csv.gz", [3]),
        ("claims", "industry_class", 9, "claims.csv.gz", [3]),
        ("claims", "accident_date", "2021-13-45", "claims.csv.gz", [3]),
        ("payments", "benefit_item", "bonus", "payments.csv.gz", [3]),
        ("beneficiaries", "monthly_amount", -1.0, "beneficiaries.csv", [1]),
    ],
)
def test_bad_data_values(
    tmp_path: Path, table: str, column: str, value: object, file: str, rows: list[int]
) -> None:
    frames = tiny_frames()
    df = frames[table]
    df[column] = df[column].astype(object)
    df.loc[df.index[rows[0] - 1], column] = value
    with pytest.raises(InputError) as e:
        ClaimsModel(tiny_spec(flat_table(tmp_path / "t.csv"))).fit(tiny_data(**frames))
    assert e.value.file == file and e.value.field == column and e.value.rows == rows


def test_missing_column(tmp_path: Path) -> None:
    claims = tiny_frames()["claims"].drop(columns=["n_dependants"])
    data = tiny_data(claims=claims)
    with pytest.raises(InputError, match="missing column") as e:
        ClaimsModel(tiny_spec(flat_table(tmp_path / "t.csv"))).fit(data)
    assert (e.value.file, e.value.field) == ("claims.csv.gz", "n_dependants")


def test_missing_mortality_table_and_bad_economy_years(tmp_path: Path) -> None:
    res = ClaimsModel(tiny_spec(tmp_path / "nowhere.csv")).fit(tiny_data())
    with pytest.raises(InputError, match="not found"):
        res.simulate(tiny_economy(), np.random.default_rng(0))
    res = ClaimsModel(tiny_spec(flat_table(tmp_path / "t.csv"))).fit(tiny_data())
    with pytest.raises(InputError, match="consecutively") as e:
        res.simulate(tiny_economy(years=(2027, 2028, 2029)), np.random.default_rng(0))
    assert e.value.field == "year"


def test_overrides_of_fit_keys_are_refused() -> None:
    res_spec = ClaimsModel.from_assumptions(read_assumption_file(CLAIMS_TOML)).spec
    data = tiny_data()
    res = ClaimsModel(res_spec).fit(data)
    with pytest.raises(InputError, match="changes the fit"):
        res.with_overrides([Override("major.threshold", 3, "test")])
    with pytest.raises(InputError, match="unknown assumption"):
        res.with_overrides([Override("incidence.trnd", 0.0, "test")])
    ok = res.with_overrides([Override("incidence.trend", 0.0, "flat")])
    assert ok.trend == 0.0 and ok.spec.incidence_trend == 0.0


def test_overrides_return_a_new_results_object_with_its_own_cache() -> None:
    # ClaimsResults is immutable: with_overrides leaves the fitted object as it was and gives
    # the new one an empty cache of derived values
    import dataclasses

    spec = ClaimsModel.from_assumptions(read_assumption_file(CLAIMS_TOML)).spec
    res = ClaimsModel(spec).fit(tiny_data())
    res.simulate(tiny_economy(), np.random.default_rng(0))
    assert len(res.cache) > 0
    new = res.with_overrides([Override("mortality.improvement", 0.01, "test")])
    assert new is not res and new.cache is not res.cache and len(new.cache) == 0
    assert res.spec.mortality_improvement == spec.mortality_improvement
    assert new.spec.mortality_improvement == 0.01
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.pending = {}  # type: ignore[misc]
