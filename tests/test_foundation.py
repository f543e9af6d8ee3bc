"""Tests of the shared foundation: errors, staged output, random blocks, assumption files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actuary import dims
from actuary.errors import InputError
from actuary.io import sha256_file, staged_output
from actuary.rng import generator, path_blocks
from actuary.spec import Override, read_assumption_file


def test_input_error_names_file_field_rows() -> None:
    err = InputError("must be >= 0", file="data/x.csv", field="amount", rows=[3, 9])
    assert str(err) == "data/x.csv: field 'amount': rows 3, 9: must be >= 0"


def test_input_error_truncates_long_row_lists() -> None:
    err = InputError("bad", file="f.csv", field="c", rows=list(range(1, 9)))
    assert "rows 1, 2, 3, 4, 5 (+3 more)" in str(err)


def test_staged_output_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staged_output(out) as stage:
        (stage / "a.txt").write_text("half")
        raise RuntimeError("boom")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # staging folder removed too
    with staged_output(out) as stage:
        (stage / "sub").mkdir()
        (stage / "sub" / "b.txt").write_text("done")
    assert (out / "sub" / "b.txt").read_text() == "done"


def test_sha256_matches_hashlib_reference(tmp_path: Path) -> None:
    f = tmp_path / "abc.txt"
    f.write_bytes(b"abc")
    # FIPS 180-2 appendix B.1 test vector for "abc"
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_blocks_are_fixed_and_streams_independent_of_order() -> None:
    assert [(b.start, b.stop) for b in path_blocks(2001, 1000)] == [
        (0, 1000),
        (1000, 2000),
        (2000, 2001),
    ]
    a = generator(11, 2, "claims").standard_normal(5)
    _ = generator(11, 0, "claims").standard_normal(5)  # drawing another block first
    b = generator(11, 2, "claims").standard_normal(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, generator(11, 2, "economy").standard_normal(5))
    assert not np.array_equal(a, generator(12, 2, "claims").standard_normal(5))
    with pytest.raises(KeyError):
        generator(1, 0, "nonsense")


def test_dims_codes_unique_and_items_labelled() -> None:
    assert len(set(dims.REGION_CODES)) == len(dims.REGION_CODES) == 12
    assert len(dims.ALL_ITEMS) == len(dims.ITEM_BY_CODE)
    assert all(i.name_zh and i.name_en for i in dims.ALL_ITEMS)
    assert set(dims.BENEFIT_ITEM_GROUP.values()) <= set(dims.EXPENDITURE_CODES)


_GOOD = """
[spec]
id = "assumptions.test"
version = "1.0.0"

[wage_growth.long_run_mean]
value = 0.045
unit = "1/year"
basis = "judgement"
note = "test value"
"""


def test_assumption_file_reads_and_overrides(tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text(_GOOD, encoding="utf-8")
    af = read_assumption_file(f)
    assert af.value("wage_growth.long_run_mean", unit="1/year") == 0.045
    af.check_keys({"wage_growth.long_run_mean"})
    af2 = af.with_overrides([Override("wage_growth.long_run_mean", 0.03, reason="slowdown")])
    assert af2.value("wage_growth.long_run_mean") == 0.03
    assert af.value("wage_growth.long_run_mean") == 0.045  # baseline untouched
    assert af2.get("wage_growth.long_run_mean").reason == "slowdown"
    with pytest.raises(InputError, match="wrong unit"):
        af.value("wage_growth.long_run_mean", unit="yuan")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_GOOD.replace('basis = "judgement"', 'basis = "guess"'), "basis must be one of"),
        (_GOOD.replace('unit = "1/year"\n', ""), "missing 'unit'"),
        (_GOOD.replace('note = "test value"', ""), "give a 'source' or a 'note'"),
        (_GOOD.replace("unit =", "unti = 1\nunit ="), "unknown field"),
        (_GOOD.replace("[spec]", "[spek]"), "missing \\[spec\\]"),
    ],
)
def test_assumption_file_rejects_bad_input(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_assumption_file(f)
    assert str(f) in str(info.value)


def test_assumption_file_unknown_key_named(tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text(_GOOD.replace("long_run_mean", "long_run_maen"), encoding="utf-8")
    with pytest.raises(InputError, match=r"wage_growth\.long_run_maen"):
        read_assumption_file(f).check_keys({"wage_growth.long_run_mean"})
