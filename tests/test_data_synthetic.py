"""The embedded synthetic province: deterministic generation and the data-folder contract.

The determinism test regenerates the folder with the documented default seed in a temporary
directory (a fresh process state) and compares every file's SHA-256 with the committed
``data/synthetic/`` files, which were generated in an earlier process: same seed → identical
bytes (including the gzip headers, written with mtime 0).
"""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary import dims
from actuary.data.loader import DATA_FILES, SCHEMAS
from actuary.data.synthetic import (
    DEFAULT_SEED,
    SYNTHETIC_FILES,
    _economy,
    load_settings,
    write_synthetic,
)
from actuary.io import sha256_file

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED = ROOT / "data" / "synthetic"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    write_synthetic(out, seed=DEFAULT_SEED)
    return out


def test_same_seed_gives_identical_bytes(regenerated: Path) -> None:
    for name in SYNTHETIC_FILES:
        assert sha256_file(regenerated / name) == sha256_file(EMBEDDED / name), name


def test_gzip_headers_carry_no_timestamp_or_name() -> None:
    for name in ("claims.csv.gz", "payments.csv.gz"):
        head = (EMBEDDED / name).read_bytes()[:10]
        assert head[:2] == b"\x1f\x8b"
        assert head[4:8] == b"\x00\x00\x00\x00"  # MTIME = 0 (RFC 1952)
        assert head[3] & 0x08 == 0  # FNAME flag not set


def test_other_seed_gives_other_data() -> None:
    # the economy step is the first consumer of the seed; a different seed must move it
    s = load_settings()
    worlds = [_economy(s, np.random.Generator(np.random.PCG64(seed))) for seed in (1, 2)]
    assert not np.array_equal(worlds[0].workers, worlds[1].workers)
    again = _economy(s, np.random.Generator(np.random.PCG64(1)))
    assert np.array_equal(worlds[0].workers, again.workers)


def test_folder_has_exactly_the_contract_files_labelled_synthetic() -> None:
    present = {p.name for p in EMBEDDED.iterdir()}
    assert present == set(SYNTHETIC_FILES)
    assert set(DATA_FILES) <= present
    meta = tomllib.loads((EMBEDDED / "metadata.toml").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True
    assert "SYNTHETIC" in meta["province"]
    assert meta["seed"] == DEFAULT_SEED
    # calendar of ARCHITECTURE.md
    assert (meta["last_full_year"], meta["current_year"], meta["budget_year"]) == (2025, 2026, 2027)
    readme = (EMBEDDED / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "not real data" in readme


def test_contract_columns_present_in_every_file() -> None:
    # ARCHITECTURE.md "Data folder" table (columns typed here from the contract text)
    contract = {
        "regions.csv": "region name_zh name_en division_code official_code population_2020",
        "economy.csv": "year avg_wage employment cpi_growth deposit_rate "
        "national_disposable_income",
        "economy_region.csv": "year region avg_wage employment",
        "exposure.csv": "year region industry_class employers covered_workers covered_payroll "
        "contributions_due contributions_collected payroll_g050 payroll_g080 payroll_g100 "
        "payroll_g120 payroll_g150 employers_g050 employers_g080 employers_g100 employers_g120 "
        "employers_g150",
        "construction.csv": "year region project_cost contributions_collected",
        "claims.csv.gz": "claim_id accident_date recognition_date region industry_class outcome "
        "sex birth_date monthly_wage nursing leaves_employment n_dependants event_id",
        "payments.csv.gz": "claim_id calendar_year benefit_item amount",
        "beneficiaries.csv": "person_id claim_id region benefit_type grade sex birth_date "
        "monthly_amount nursing relation accident_year",
        "execution_monthly.csv": "year month region item amount",
        "fund_balance.csv": "year balance_close reserve",
        "budget.csv": "year region item amount",
    }
    assert set(contract) == set(SCHEMAS)
    for name, cols in contract.items():
        path = EMBEDDED / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:
            header = fh.readline().strip().split(",")
        missing = set(cols.split()) - set(header)
        assert not missing, (name, missing)


def test_calendar_and_codes_of_the_embedded_files() -> None:
    exe = pd.read_csv(EMBEDDED / "execution_monthly.csv", dtype={"region": str})
    first, last = exe.iloc[0], exe.iloc[-1]
    assert (first["year"], first["month"]) == (2015, 1)
    assert (last["year"], last["month"]) == (2026, 10)
    assert set(exe["region"]) == set(dims.REGION_CODES)
    assert set(exe["item"]) == set(dims.REVENUE_CODES + dims.EXPENDITURE_CODES)
    eco = pd.read_csv(EMBEDDED / "economy.csv")
    assert list(eco["year"]) == list(range(2010, 2026))
    exp = pd.read_csv(EMBEDDED / "exposure.csv", dtype={"region": str})
    assert set(exp["industry_class"]) == set(dims.INDUSTRY_CLASSES)
    assert len(exp) == 16 * len(dims.REGION_CODES) * 8
    budget = pd.read_csv(EMBEDDED / "budget.csv", dtype={"region": str})
    assert 2026 in set(budget["year"])
    b26 = budget[budget["year"] == 2026]
    assert len(b26) == len(dims.REGION_CODES) * len(dims.REVENUE_CODES + dims.EXPENDITURE_CODES)
    ben = pd.read_csv(EMBEDDED / "beneficiaries.csv", dtype={"region": str})
    assert set(ben["benefit_type"]) == set(dims.BENEFIT_TYPES)


def test_generated_data_total_size_is_sane() -> None:
    total = sum(p.stat().st_size for p in EMBEDDED.iterdir())
    assert total < 30 * 1024 * 1024
