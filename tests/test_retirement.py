"""Statutory retirement dates with the 2025 gradual delay.

Source: 全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13).

Hand computation for each case: delay = min(max, floor((birth month − first month) / step) + 1)
months for births on/after the first affected month (men 1965-01 step 4 max 36; women-55
1970-01 step 4 max 36; women-50 1975-01 step 2 max 60), else 0; retirement date = birth date +
original age + delay.
"""

from __future__ import annotations

import numpy as np
import pytest

from actuary.errors import InputError
from actuary.retirement import add_months, retirement_age_months, retirement_date

CASES = [
    # (birth, group, expected retirement date, hand computation)
    ("1964-12-31", "male", "2024-12-31", "born before 1965-01: no delay, 60y"),
    ("1965-01-01", "male", "2025-02-01", "diff 0 → 0//4+1 = 1 → 60y1m (annex: retires 2025-02)"),
    ("1970-05-15", "male", "2031-10-15", "diff 64 → 64//4+1 = 17 → 61y5m"),
    ("1976-08-10", "male", "2039-07-10", "diff 139 → 34+1 = 35 → 62y11m"),
    ("1976-09-10", "male", "2039-09-10", "diff 140 → 35+1 = 36 → 63y"),
    ("1990-01-01", "male", "2053-01-01", "capped at 36 → 63y"),
    ("1970-01-20", "female_staff", "2025-02-20", "diff 0 → 1 → 55y1m"),
    ("1981-09-01", "female_staff", "2039-09-01", "diff 140 → 36 → 58y"),
    ("1975-01-05", "female_worker", "2025-02-05", "diff 0 → 1 → 50y1m"),
    ("1980-03-15", "female_worker", "2032-11-15", "diff 62 → 62//2+1 = 32 → 52y8m"),
    ("1984-10-01", "female_worker", "2039-09-01", "diff 117 → 58+1 = 59 → 54y11m"),
    ("1984-11-01", "female_worker", "2039-11-01", "diff 118 → 59+1 = 60 → 55y"),
    ("1974-12-01", "female_worker", "2024-12-01", "before 1975-01: 50y"),
    ("1965-03-31", "male", "2025-04-30", "diff 2 → 1 → 60y1m; 2025-04-31 clipped to 04-30"),
]


@pytest.mark.parametrize(("birth", "group", "expected", "why"), CASES)
def test_retirement_date_scalar(birth: str, group: str, expected: str, why: str) -> None:
    assert str(retirement_date(np.datetime64(birth), group)) == expected, why


def test_retirement_date_vectorised_matches_cases() -> None:
    births = np.array([c[0] for c in CASES], dtype="datetime64[D]")
    groups = np.array([c[1] for c in CASES])
    got = retirement_date(births, groups)
    assert got.shape == (len(CASES),)
    assert [str(x) for x in got] == [c[2] for c in CASES]
    # integer group codes give the same answer
    codes = np.array([("male", "female_staff", "female_worker").index(g) for g in groups])
    assert (retirement_date(births, codes) == got).all()


def test_retirement_age_months() -> None:
    ages = retirement_age_months(
        np.array(["1970-05-15", "1980-03-15"], dtype="datetime64[D]"), ["male", "female_worker"]
    )
    assert ages.tolist() == [60 * 12 + 17, 50 * 12 + 32]


def test_add_months_clips_day() -> None:
    assert str(add_months(np.datetime64("2024-01-31"), 1)) == "2024-02-29"
    assert str(add_months(np.datetime64("2023-01-31"), 1)) == "2023-02-28"
    assert str(add_months(np.datetime64("1964-02-29"), 720)) == "2024-02-29"


def test_unknown_group_raises() -> None:
    with pytest.raises(InputError, match="group"):
        retirement_date(np.datetime64("1970-01-01"), "women")
