"""Bit-identical results across refactors (issue 12).

The expected digests come from the code *before* the refactor (commit 4f85df1, see
``tests/_golden.py``): an independent computation by the previous implementation, not the output
of the code under test.
"""

from __future__ import annotations

import json

import pytest
from _golden import CASES, GOLDEN, compute


@pytest.mark.parametrize("case", sorted(CASES))
def test_projection_bit_identical_to_pre_refactor(case: str) -> None:
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))[case]
    got = compute(case)
    changed = sorted(k for k in want if got.get(k) != want[k])
    assert set(got) == set(want), f"variables differ: {sorted(set(got) ^ set(want))}"
    assert not changed, f"{case}: variables not bit-identical: {changed}"
