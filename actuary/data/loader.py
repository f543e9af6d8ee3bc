"""Load and validate a province data folder.

``load_province(folder) -> ProvinceData`` reads the CSV files a province's social-insurance
system exports (or the embedded synthetic province), checks them and returns a frozen dataclass
of DataFrames plus the folder's ``metadata.toml``.

Data-folder contract
--------------------
CSV files with a header row (gzip allowed for the big ones), as a province's system exports them;
UTF-8 or GB18030; ``metadata.toml`` names the province, ``synthetic = true|false``, ``as_of``,
``last_full_year``, ``current_year`` and the sources. Money in yuan, rates as fractions, dates
ISO. Files, keys and columns:

- ``regions.csv`` (region): name_zh, name_en, division_code, official_code, population_2020
- ``economy.csv`` (year): avg_wage (yuan/yr, 全口径), employment (urban employed persons),
  cpi_growth, deposit_rate, national_disposable_income (yuan/yr)
- ``economy_region.csv`` (year, region): avg_wage, employment
- ``exposure.csv`` (year, region, industry_class): employers, covered_workers, covered_payroll,
  contributions_due, contributions_collected, payroll_g050 … payroll_g150,
  employers_g050 … employers_g150
- ``construction.csv`` (year, region): project_cost, contributions_collected
- ``claims.csv.gz`` (claim_id): accident_date, recognition_date, region, industry_class,
  outcome, sex, birth_date, monthly_wage, nursing, leaves_employment, n_dependants, event_id
  (blank unless a major accident)
- ``payments.csv.gz`` (claim_id, calendar_year, benefit_item): amount
- ``beneficiaries.csv`` (person_id): claim_id, region, benefit_type, grade, sex, birth_date,
  monthly_amount, nursing, relation, accident_year
- ``execution_monthly.csv`` (year, month, region, item): amount (official item codes of
  :mod:`actuary.dims`)
- ``fund_balance.csv`` (year): balance_close, reserve (province, yuan)
- ``budget.csv`` (year, region, item): amount (approved budget of a year, for monitoring)

Optional extra columns (a province may omit them): ``claims.grading_date`` (blank until
graded), ``exposure.base_rate``, ``exposure.rate_cut``, ``fund_balance.balance_open``,
``revenue_total``, ``expenditure_total``, ``months_of_payment`` (checked when present). Codes:
``claims.nursing`` / ``beneficiaries.nursing`` 0 none, 1/2/3 = 部分/大部分/完全不能自理; ``sex``
M/F; ``leaves_employment`` true/false; ``beneficiaries.relation`` self/spouse/child/parent/other;
``beneficiaries.person_id`` is unique per person **and benefit type**
(``<claim_id>-DA|PT|NC|S1…``). Claims with an accident before ``first_year`` appear only when
paid in the window (legacy annuitants): fit frequencies on accident years ≥ ``first_year``.
``benefit_item`` codes and their budget item come from :mod:`actuary.benefit_items`
(``actuary.dims.BENEFIT_ITEM_GROUP``); ``benefit_type`` of the long-term stock is one of
``disability_allowance``, ``nursing_care``, ``survivor_pension``, ``pension_topup``.

Checks, in order, stopping at the first file that breaks a rule:

1. ``metadata.toml``: required keys and types (``province``, ``synthetic``, ``as_of``,
   ``last_full_year``, ``current_year``) and the optional ``[files]`` table (below).
2. Reading each file: a gzip stream that ends early or is corrupt; bytes that are neither UTF-8
   (a BOM allowed) nor GB18030/GBK (:mod:`actuary.encoding`: detected and read, because Chinese
   government systems and Excel on Chinese Windows save CSV in GBK; the encoding used is kept in
   ``metadata["encodings"]``, per file name); a last line without a newline (an export cut
   short); a header without data rows; CRLF line ends are fine.
3. Per file (pandera schemas, :data:`SCHEMAS`): required columns (optional ones checked when
   present); ``inf`` / ``nan`` refused by name; types (numbers, integers, ISO dates); codes
   that exist (regions of ``actuary.dims`` and of ``regions.csv``, industry classes 1-8,
   outcomes, benefit items, budget items); amounts and counts ≥ 0; unique keys. Then the
   plausible range of every money, wage, count and rate column (:data:`BOUNDS`, each with its
   unit and basis, printed in the message; rates are fractions, and a percent typed where a
   fraction belongs gets "did you mean 2.75 %? write 0.0275"). Then the row count of the
   ``[files]`` table.
4. Calendars: annual files cover ``first_year … last_full_year`` with no gap; the monthly
   execution runs month by month with no gap, and every region × item of it runs every month
   from its first to its last (a missing month names the region/item and the month);
   ``economy_region`` and ``exposure`` grids complete.
5. Bounds across columns and files: employment ≤ the regions' ``population_2020``
   (economy and economy_region; employed persons are residents); covered workers of a year and
   region ≤ its employment; contributions ≤ 5 % of covered payroll; a monthly execution amount
   ≤ :data:`SCALE_MULTIPLE` x the province's contributions collected of the year (a budget
   amount: of the year before); the closing balance moves year on year by at most
   :data:`BALANCE_JUMP_MULTIPLE` x the year's contributions.
6. Within-file totals: payroll and employers by floating grade add up to the totals; the fund
   balance identity ``close = open + revenue − expenditure`` and ``open = previous close``.
   When ``fund_balance.csv`` holds only the contract columns, the identity is checked with the
   revenue and expenditure of ``execution_monthly.csv`` (full years, internal flows excluded:
   they net out in the province): ``close_t = close_{t-1} + revenue_t − expenditure_t``.
7. Cross-file totals (the "totals that reconcile" rule): claim payments summed by calendar year,
   claim region and budget group (``actuary.dims.BENEFIT_ITEM_GROUP``) equal the monthly
   execution of the four benefit items; contributions collected (exposure + construction) equal
   the execution contributions; the fund balance's revenue and expenditure equal the execution
   totals without the internal flows; internal flows net out across sub-units each month;
   every payment and beneficiary belongs to a claim.
8. The SHA-256 of the ``[files]`` table (last, so that a rule names a bad value first; an edit
   that breaks no rule is still refused as "changed since export").

``[files]`` table of ``metadata.toml`` (written by ``actuary data synth``; a province's exporter
should write it too)::

    [files."claims.csv.gz"]
    rows = 285839          # data rows, header excluded
    sha256 = "<64 hex>"    # of the file as exported (for .gz: the compressed bytes)

A file with an entry is checked against it ("truncated or changed since export: 1,234 rows,
metadata.toml says 1,240"); a file without one is not. After a deliberate edit, update the entry.

A broken rule raises :class:`actuary.errors.InputError` naming the file, the column, the first
offending rows (1-based data rows, header excluded) and the rule. Results are cached per folder
and file modification times; each call returns fresh copies of the frames.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import re
import tomllib
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from actuary import dims
from actuary.data.province import ProvinceData
from actuary.encoding import decode_text
from actuary.errors import InputError
from actuary.spec.bounds import Bound

__all__ = ["BOUNDS", "DATA_FILES", "SCHEMAS", "Bound", "ProvinceData", "check_province",
           "load_province"]

#: Money tolerance of the reconciliations: 1 yuan or a millionth of the amount.
ABS_TOL = 1.0
REL_TOL = 1e-6

_BUDGET_ITEMS = dims.REVENUE_CODES + dims.EXPENDITURE_CODES
_GRADE_COLS = ("g050", "g080", "g100", "g120", "g150")


def _col(dtype: Any, *checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(dtype, checks=list(checks), nullable=nullable, coerce=True)


def _money(nullable: bool = False) -> pa.Column:
    return _col(float, pa.Check.ge(0), nullable=nullable)


def _optional(dtype: Any, *checks: pa.Check, nullable: bool = False) -> pa.Column:
    """A column a province may omit (checked when present)."""
    return pa.Column(dtype, checks=list(checks), nullable=nullable, required=False, coerce=True)


_YEAR = _col(int, pa.Check.in_range(1950, 2100))
_REGION = _col(str, pa.Check.isin(dims.REGION_CODES))
_CLASS = _col(int, pa.Check.isin(dims.INDUSTRY_CLASSES))
_DATE = _col("datetime64[ns]")

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "regions.csv": pa.DataFrameSchema(
        {
            "region": _REGION,
            "name_zh": _col(str),
            "name_en": _col(str),
            "division_code": _col(str, pa.Check.str_matches(r"^\d{6}$"), nullable=True),
            "official_code": _col(bool),
            "population_2020": _col(float, pa.Check.ge(0), nullable=True),
        },
        unique=["region"],
    ),
    "economy.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "avg_wage": _col(float, pa.Check.gt(0)),
            "employment": _col(float, pa.Check.gt(0)),
            "cpi_growth": _col(float),  # range: BOUNDS (with the percent hint)
            "deposit_rate": _col(float),
            "national_disposable_income": _col(float, pa.Check.gt(0)),
        },
        unique=["year"],
    ),
    "economy_region.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "region": _REGION,
            "avg_wage": _col(float, pa.Check.gt(0)),
            "employment": _col(float, pa.Check.ge(0)),
        },
        unique=["year", "region"],
    ),
    "exposure.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "region": _REGION,
            "industry_class": _CLASS,
            "employers": _col(int, pa.Check.ge(0)),
            "covered_workers": _col(int, pa.Check.ge(0)),
            "covered_payroll": _money(),
            "contributions_due": _money(),
            "contributions_collected": _money(),
            **{f"payroll_{g}": _money() for g in _GRADE_COLS},
            **{f"employers_{g}": _col(int, pa.Check.ge(0)) for g in _GRADE_COLS},
            "base_rate": _optional(float),
            "rate_cut": _optional(float),
        },
        unique=["year", "region", "industry_class"],
    ),
    "construction.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "region": _REGION,
            "project_cost": _money(),
            "contributions_collected": _money(),
        },
        unique=["year", "region"],
    ),
    "claims.csv.gz": pa.DataFrameSchema(
        {
            "claim_id": _col(str),
            "accident_date": _DATE,
            "recognition_date": _DATE,
            "region": _REGION,
            "industry_class": _CLASS,
            "outcome": _col(str, pa.Check.isin(dims.OUTCOMES)),
            "sex": _col(str, pa.Check.isin(["M", "F"])),
            "birth_date": _DATE,
            "monthly_wage": _col(float, pa.Check.gt(0)),
            "nursing": _col(int, pa.Check.isin([0, 1, 2, 3])),
            "leaves_employment": _col(bool),
            "n_dependants": _col(int, pa.Check.in_range(0, 20)),
            "event_id": _col(str, nullable=True),
            "grading_date": _optional("datetime64[ns]", nullable=True),
        },
        unique=["claim_id"],
    ),
    "payments.csv.gz": pa.DataFrameSchema(
        {
            "claim_id": _col(str),
            "calendar_year": _YEAR,
            "benefit_item": _col(str, pa.Check.isin(dims.BENEFIT_ITEMS)),
            "amount": _money(),
        },
        unique=["claim_id", "calendar_year", "benefit_item"],
    ),
    "beneficiaries.csv": pa.DataFrameSchema(
        {
            "person_id": _col(str),
            "claim_id": _col(str),
            "region": _REGION,
            "benefit_type": _col(str, pa.Check.isin(dims.BENEFIT_TYPES)),
            "grade": _col(float, pa.Check.isin(list(range(1, 11))), nullable=True),
            "sex": _col(str, pa.Check.isin(["M", "F"])),
            "birth_date": _DATE,
            "monthly_amount": _col(float, pa.Check.gt(0)),
            "nursing": _col(int, pa.Check.isin([0, 1, 2, 3])),
            "relation": _col(str, pa.Check.isin(["self", "spouse", "child", "parent", "other"])),
            "accident_year": _YEAR,
        },
        unique=["person_id"],
    ),
    "execution_monthly.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "month": _col(int, pa.Check.in_range(1, 12)),
            "region": _REGION,
            "item": _col(str, pa.Check.isin(_BUDGET_ITEMS)),
            "amount": _money(),
        },
        unique=["year", "month", "region", "item"],
    ),
    "fund_balance.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "balance_close": _col(float),
            "reserve": _money(),
            "balance_open": _optional(float),
            "revenue_total": _optional(float, pa.Check.ge(0)),
            "expenditure_total": _optional(float, pa.Check.ge(0)),
            "months_of_payment": _optional(float),
        },
        unique=["year"],
    ),
    "budget.csv": pa.DataFrameSchema(
        {
            "year": _YEAR,
            "region": _REGION,
            "item": _col(str, pa.Check.isin(_BUDGET_ITEMS)),
            "amount": _money(),
        },
        unique=["year", "region", "item"],
    ),
}

#: The files of a data folder (all required).
DATA_FILES: tuple[str, ...] = tuple(SCHEMAS)


def _bound(lo: float, hi: float, unit: str, basis: str, rate: bool = False) -> Bound:
    """A column's plausible range (:class:`actuary.spec.bounds.Bound`); ``rate`` marks a fraction:
    a value a hundred times too large (a percent typed where a fraction belongs) gets the hint
    "did you mean 5 %?"."""
    return Bound(lo, hi, basis, fraction=rate, unit=unit)


_WAGE_BASIS = ("China's provincial average wages 2010-2024 lie at about 30,000-220,000 yuan/yr "
               "(NBS yearbooks; Jilin 27,060 in 2010, data/public/jilin_avg_wage_*.csv); "
               "a factor of 2-3 either side")
_WAGE = _bound(10_000, 500_000, "yuan/yr", _WAGE_BASIS)
_PERSONS = _bound(0, 40_000_000, "persons", "Chongqing, China's most populous prefecture-level "
                 "unit, had 32.1 million residents at the 2020 census (Changchun 9.07 million, "
                 "data/public/jilin_population.csv)")
_FLOW = _bound(0, 1e11, "yuan/yr", "China's whole work-injury fund took in 46.6 bn yuan in 2011 "
              "(CSY, data/public/national_work_injury.csv); one province's year is far below "
              "100 bn")
_STOCK = _bound(-3e11, 3e11, "yuan", "China's whole work-injury fund balance was 74.3 bn yuan at "
               "end-2011 (CSY, data/public/national_work_injury.csv); one province's balance is "
               "far below 300 bn")
_PAYROLL = _bound(0, 2e12, "yuan/yr", "Jilin's GDP is about 1.4 trillion yuan (2024, NBS); one "
                 "row's payroll or project cost cannot exceed 2 trillion")

#: Plausible range of every money, wage, count and rate column, by file. Checked after the
#: types (pandera) and before the folder rules; ``inf`` and ``nan`` are refused by name before
#: either. Relations across columns and files are checked in addition (see the module
#: docstring, "Bounds across columns and files").
BOUNDS: dict[str, dict[str, Bound]] = {
    "regions.csv": {"population_2020": _PERSONS},
    "economy.csv": {
        "avg_wage": _WAGE,
        "employment": _bound(1_000, 100_000_000, "persons", "Guangdong, China's largest "
                            "province by employment, had about 70 million employed persons "
                            "(2023, NBS); also at most the regions' population_2020 total"),
        "cpi_growth": _bound(-0.1, 0.3, "fraction", "China's CPI change 1986-2024 lay between "
                            "-1.4 % (1999) and +24.1 % (1994) (NBS; data/public/national_cpi.csv)",
                            rate=True),
        "deposit_rate": _bound(0.0, 0.15, "fraction", "the PBoC 1-year deposit benchmark peaked "
                              "at 11.34 % (1989-90) and is 1.5 % since 2015 "
                              "(data/public/china_deposit_rate_1y.csv)", rate=True),
        "national_disposable_income": _bound(5_000, 300_000, "yuan/yr", "national urban "
                                            "per-capita disposable income was 19,109 (2010) … "
                                            "about 54,000 (2024) yuan (NBS; data/public/"
                                            "national_urban_disposable_income.csv)"),
    },
    "economy_region.csv": {"avg_wage": _WAGE, "employment": _PERSONS},
    "exposure.csv": {
        "employers": _PERSONS,
        "covered_workers": _PERSONS,
        "covered_payroll": _PAYROLL,
        "contributions_due": _FLOW,
        "contributions_collected": _FLOW,
        **{f"payroll_{g}": _PAYROLL for g in _GRADE_COLS},
        **{f"employers_{g}": _PERSONS for g in _GRADE_COLS},
        "base_rate": _bound(0.0, 0.05, "fraction", "the highest national class base rate is "
                           "1.9 % of payroll (人社部发〔2015〕71号; 2 % before 2015-10)",
                           rate=True),
        "rate_cut": _bound(0.0, 1.0, "fraction", "a cut is a share of the rate", rate=True),
    },
    "construction.csv": {"project_cost": _PAYROLL, "contributions_collected": _FLOW},
    "claims.csv.gz": {
        "monthly_wage": _bound(50, 200_000, "yuan/month", "本人工资 of a claimant: Jilin's 1995 "
                              "average wage was 369 yuan/month (legacy claims), 300 % of the "
                              "highest provincial average wage is about 55,000 yuan/month"),
    },
    "payments.csv.gz": {
        "amount": _bound(0, 50_000_000, "yuan", "one claim's item in one year: the largest lump "
                        "sums (27 months of 300 % of the wage, 20 x the national disposable "
                        "income) and severe-burn medical costs stay below a few million"),
    },
    "beneficiaries.csv": {
        "monthly_amount": _bound(0, 150_000, "yuan/month", "伤残津贴 is at most 90 % of 300 % of "
                                "the average wage plus nursing 50 % of it: about 130,000 yuan/"
                                "month at the 500,000 yuan/yr wage bound"),
    },
    "execution_monthly.csv": {"amount": _FLOW},
    "fund_balance.csv": {
        "balance_close": _STOCK,
        "reserve": _STOCK,
        "balance_open": _STOCK,
        "revenue_total": _FLOW,
        "expenditure_total": _FLOW,
    },
    "budget.csv": {"amount": _FLOW},
}

#: A month of one sub-unit's execution item (a year's budget of one) is at most this multiple
#: of the province's contributions collected in the year (the last full year before the current
#: one). Basis: the largest monthly item of the synthetic province is 6 % of the year's
#: contributions and the largest budget item 49 %; an amount typed in fen (x 100) is caught.
SCALE_MULTIPLE = {"execution_monthly.csv": 1.0, "budget.csv": 3.0}

#: A closing balance may move year on year by at most this multiple of the year's contributions
#: collected (exposure + construction). Basis: the change is revenue − expenditure, and both
#: are of the order of the contributions (the synthetic province's largest move is 1.1 x);
#: checked for every year, also those without monthly execution.
BALANCE_JUMP_MULTIPLE = 3.0

#: Columns read as text whatever they look like (codes and ids).
_TEXT_COLS = {"region", "claim_id", "person_id", "event_id", "division_code", "item",
              "benefit_item", "benefit_type", "outcome", "sex", "relation", "name_zh", "name_en"}
_DATE_COLS = {"accident_date", "recognition_date", "birth_date", "grading_date"}
_BOOL_TEXT = {"true": True, "false": False, "True": True, "False": False, "1": True, "0": False}

_REQUIRED_META = {"province": str, "synthetic": bool, "as_of": dt.date, "last_full_year": int,
                  "current_year": int}


_CACHE: dict[tuple[Any, ...], ProvinceData] = {}
_CACHE_MAX = 4


def _fail(file: Path, message: str, field: str | None = None,
          rows: Sequence[object] | None = None) -> InputError:
    return InputError(message, file=file, field=field, rows=rows)


def _read_metadata(folder: Path) -> dict[str, Any]:
    path = folder / "metadata.toml"
    if not path.is_file():
        raise _fail(path, "missing file (every data folder needs metadata.toml)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot read the file: {exc.strerror or exc}") from None
    text, encoding = decode_text(raw, file=path)
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML: {exc}") from None
    meta["encodings"] = {"metadata.toml": encoding}
    for key, typ in _REQUIRED_META.items():
        if key not in meta:
            raise _fail(path, "missing required key", field=key)
        val = meta[key]
        ok = isinstance(val, typ) and not (typ is int and isinstance(val, bool))
        if typ is dt.date and isinstance(val, dt.datetime):
            ok = False
        if not ok:
            raise _fail(path, f"must be of type {typ.__name__}, got {val!r}", field=key)
    if meta["current_year"] != meta["last_full_year"] + 1:
        raise _fail(path, "current_year must be last_full_year + 1", field="current_year")
    files = meta.get("files", {})
    if not isinstance(files, Mapping):
        raise _fail(path, "must be a table of [files.\"<name>\"] entries", field="files")
    for name, entry in files.items():
        key = f"files.{name}"
        if name not in SCHEMAS:
            raise _fail(path, f"unknown data file; known: {', '.join(SCHEMAS)}", field=key)
        if not isinstance(entry, Mapping) or set(entry) - {"rows", "sha256"}:
            raise _fail(path, "must hold only rows (integer) and sha256 (hex text)", field=key)
        rows = entry.get("rows", 0)
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise _fail(path, f"rows must be a whole number ≥ 0, got {rows!r}",
                        field=f"{key}.rows")
        sha = entry.get("sha256", "0" * 64)
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
            raise _fail(path, f"sha256 must be 64 hex digits, got {sha!r}", field=f"{key}.sha256")
    return meta


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """The CSV (gzip when the name ends ``.gz``) as a frame, and the encoding it was read in.

    Refused with the file named: a truncated or corrupt gzip stream, bytes that are neither
    UTF-8 nor GB18030 (:mod:`actuary.encoding`), an empty file, a file whose last line has no
    newline (an export cut short), a header without data rows, rows of the wrong width.
    """
    if not path.is_file():
        raise _fail(path, "missing file (required by the data-folder contract)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot read the file: {exc.strerror or exc}") from None
    if path.name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise _fail(path, f"not a complete gzip file ({exc}): truncated or corrupt "
                        "export?") from None
    text, encoding = decode_text(raw, file=path)
    if not text.strip():
        raise _fail(path, "empty file (a header row and data rows are required)")
    if not text.endswith("\n"):
        rows = text.count("\n")
        raise _fail(path, "ends without a newline: truncated export? (the last line is cut "
                    "off or the file was not written to the end)", rows=[rows] if rows else None)
    header = text.partition("\n")[0].rstrip("\r").split(",")
    dtypes = {c.strip('"'): str for c in header if c.strip('"') in _TEXT_COLS}
    try:
        df = pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False,
                         na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        raise _fail(path, f"cannot read as a CSV with a header row: {msg}") from None
    if df.empty:
        raise _fail(path, "header only: the file has no data rows", rows=["header"])
    return df, encoding


def _check_manifest_rows(path: Path, df: pd.DataFrame, entry: Mapping[str, Any] | None) -> None:
    """The file's row count against ``[files."<name>"] rows`` of metadata.toml, when present."""
    if entry is None or "rows" not in entry:
        return
    want = int(entry["rows"])
    if len(df) != want:
        raise _fail(path, f"truncated or changed since export: {len(df):,} rows, metadata.toml "
                    f"says {want:,}", field="rows")


def _check_manifest_sha(path: Path, entry: Mapping[str, Any] | None) -> None:
    """The file's SHA-256 against ``[files."<name>"] sha256`` of metadata.toml, when present."""
    if entry is None or "sha256" not in entry:
        return
    got = hashlib.sha256(path.read_bytes()).hexdigest()
    if got != str(entry["sha256"]).lower():
        raise _fail(path, f"changed since export: SHA-256 {got[:12]}…, metadata.toml says "
                    f"{str(entry['sha256'])[:12]}… (re-export, or update metadata.toml "
                    "[files] after a deliberate edit)", field="sha256")


_NOT_NUMBERS = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "-nan",
                "+nan"}


def _refuse_inf_nan(path: Path, df: pd.DataFrame, schema: pa.DataFrameSchema) -> None:
    """``inf``/``nan`` in a numeric column, refused by name (pandera would coerce them)."""
    for col, spec in schema.columns.items():
        if col not in df.columns or str(spec.dtype) not in ("float64", "int64"):
            continue
        v = df[col]
        if v.dtype.kind == "f":
            bad = np.flatnonzero(np.isinf(v.to_numpy()))
        elif v.dtype.kind in "iub":
            continue
        else:
            txt = v.astype(str).str.strip().str.lower()
            bad = np.flatnonzero(txt.isin(_NOT_NUMBERS).to_numpy())
        if len(bad):
            shown = str(v.iloc[bad[0]]).strip()
            raise _fail(path, f"{shown!r} is not a number an export may hold (inf and nan are "
                        "refused; leave a missing value blank where the column allows it)",
                        field=col, rows=list(bad[:5] + 1))


def _pct(x: float) -> str:
    return f"{x * 100:.4g} %"


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def _check_bounds(path: Path, df: pd.DataFrame, bounds: Mapping[str, Bound]) -> None:
    """Every column of :data:`BOUNDS` within its plausible range (the basis is in the message)."""
    for col, b in bounds.items():
        if col not in df.columns:
            continue
        v = df[col].to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isnan(v) & ((v < b.lo) | (v > b.hi)))
        if not len(bad):
            continue
        x = float(v[bad[0]])
        if b.fraction:
            rng = f"{b.lo:g} … {b.hi:g} (a fraction: {_pct(b.lo)} … {_pct(b.hi)})"
            hint = (f"; did you mean {x:g} %? write {x / 100:g}"
                    if b.lo <= x / 100 <= b.hi and abs(x) > 1 else "")
        else:
            rng = f"{_num(b.lo)} … {_num(b.hi)} {b.unit}"
            hint = ""
        shown = f"{x:g}" if b.fraction else _num(x)
        raise _fail(path, f"{shown} is outside the plausible range {rng}{hint} (basis: {b.basis})",
                    field=col, rows=list(bad[:5] + 1))


def _prepare(path: Path, df: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Required columns, then text-to-bool and ISO date parsing with row-level errors."""
    for col, spec in schema.columns.items():
        if col not in df.columns and spec.required:
            raise _fail(path, "missing required column", field=col, rows=["header"])
    _refuse_inf_nan(path, df, schema)
    df = df.copy()
    for col, spec in schema.columns.items():
        if col not in df.columns:
            continue
        if str(spec.dtype) == "bool" and df[col].dtype != bool:
            mapped = df[col].astype(str).map(_BOOL_TEXT)
            bad = np.flatnonzero(mapped.isna().to_numpy())
            if len(bad):
                raise _fail(path, f"must be true or false (got {df[col].iloc[bad[0]]!r})",
                            field=col, rows=list(bad[:5] + 1))
            df[col] = mapped.astype(bool)
    for col in _DATE_COLS & set(df.columns):
        raw = df[col]
        parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        bad = np.flatnonzero((parsed.isna() & raw.notna()).to_numpy())
        if col in schema.columns and not schema.columns[col].nullable:
            bad = np.flatnonzero(parsed.isna().to_numpy())
        if len(bad):
            raise _fail(path, f"must be an ISO date YYYY-MM-DD (got {raw.iloc[bad[0]]!r})",
                        field=col, rows=list(bad[:5] + 1))
        df[col] = parsed
    return df


_ERROR_ORDER = ("coerce_dtype", "dtype", "not_nullable", "column_in_dataframe")


def _validate(path: Path, df: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    try:
        return schema.validate(df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases.copy()
        fc["check"] = fc["check"].astype(str)

        def rank(chk: str) -> int:
            for i, key in enumerate(_ERROR_ORDER):
                if chk.startswith(key):
                    return i
            return len(_ERROR_ORDER) + (1 if "uniqueness" in chk else 0)

        fc["rank"] = fc["check"].map(rank)
        fc = fc[fc["index"].notna() | (fc["rank"] < len(_ERROR_ORDER))]
        first = fc.sort_values(["rank"], kind="stable").iloc[0]
        sel = fc[(fc["check"] == first["check"]) & (fc["column"] == first["column"])]
        rows = sorted({int(i) + 1 for i in sel["index"].dropna()})
        chk = str(first["check"])
        if "uniqueness" in chk:
            key = "+".join(schema.unique or [])
            raise _fail(path, f"duplicated key ({key}); each key must appear once",
                        field=key, rows=rows) from None
        value = first["failure_case"]
        shown = f"'{value}'" if isinstance(value, str) else str(value)
        raise _fail(path, f"{_describe(chk)} (rule {chk}; first offending value {shown})",
                    field=str(first["column"]), rows=rows) from None


def _describe(check: str) -> str:
    """Plain-language reading of a pandera check name."""
    name, _, arg = check.partition("(")
    arg = arg.rstrip(")")
    return {
        "coerce_dtype": f"wrong type: expected {arg.strip(chr(39))}",
        "dtype": f"wrong type: expected {arg.strip(chr(39))}",
        "not_nullable": "missing value",
        "greater_than_or_equal_to": f"must be ≥ {arg}",
        "greater_than": f"must be > {arg}",
        "less_than_or_equal_to": f"must be ≤ {arg}",
        "in_range": f"must lie in [{arg}]",
        "isin": "unknown code (not one of the codes of actuary.dims)",
        "str_matches": f"must match {arg}",
    }.get(name, "rule broken")


def _years_without_gap(path: Path, years: pd.Series, first: int, last: int,
                       field: str = "year") -> None:
    got = sorted({int(y) for y in years})
    want = list(range(first, last + 1))
    if got != want:
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        if missing:
            rows = [int(np.flatnonzero((years > missing[0]).to_numpy())[0]) + 1] \
                if (years > missing[0]).any() else [len(years)]
            raise _fail(path, f"years must run {first}-{last} without a gap; missing "
                        f"{missing[:5]}", field=field, rows=rows)
        rows = list(np.flatnonzero(years.isin(extra).to_numpy())[:5] + 1)
        raise _fail(path, f"years outside {first}-{last}: {extra[:5]}", field=field, rows=rows)
    order = years.to_numpy()
    back = np.flatnonzero(np.diff(order) < 0)
    if len(back):
        raise _fail(path, "years must be in ascending order", field=field,
                    rows=list(back[:5] + 2))


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) <= np.maximum(ABS_TOL, REL_TOL * np.maximum(np.abs(a), np.abs(b)))


def _reconcile(path: Path, field: str, keys: pd.DataFrame, got: np.ndarray, want: np.ndarray,
               rule: str) -> None:
    bad = np.flatnonzero(~_close(got, want))
    if len(bad):
        k = keys.iloc[bad[:5]]
        labels = ["/".join(str(v) for v in row) for row in k.itertuples(index=False)]
        i = bad[0]
        raise _fail(path, f"{rule} (first: {labels[0]}: {got[i]:,.2f} vs {want[i]:,.2f})",
                    field=field, rows=labels)


def _check_folder(folder: Path, meta: Mapping[str, Any], f: dict[str, pd.DataFrame]) -> None:
    p = {name: folder / name for name in DATA_FILES}
    last = int(meta["last_full_year"])
    cur = int(meta["current_year"])
    # ---- regions: codes of the data files must be declared in regions.csv
    declared = set(f["regions.csv"]["region"])
    for name, df in f.items():
        if "region" in df.columns and name != "regions.csv":
            bad = np.flatnonzero(~df["region"].isin(declared).to_numpy())
            if len(bad):
                raise _fail(p[name], "region code not declared in regions.csv", field="region",
                            rows=list(bad[:5] + 1))
    # ---- annual calendars
    eco = f["economy.csv"]
    first = int(eco["year"].min())
    _years_without_gap(p["economy.csv"], eco["year"], first, last)
    _years_without_gap(p["fund_balance.csv"], f["fund_balance.csv"]["year"], first, last)
    for name in ("economy_region.csv", "exposure.csv", "construction.csv"):
        yrs = f[name]["year"]
        _years_without_gap(p[name], pd.Series(sorted(set(yrs))), first, last)
        bad = np.flatnonzero(np.diff(yrs.to_numpy()) < 0)
        if len(bad):
            raise _fail(p[name], "years must be in ascending order", field="year",
                        rows=list(bad[:5] + 2))
    n_reg = len(declared)
    er = f["economy_region.csv"]
    counts = er.groupby("year")["region"].nunique()
    short = counts[counts != n_reg]
    if len(short):
        y = int(short.index[0])
        raise _fail(p["economy_region.csv"], f"year {y} does not list every region of "
                    "regions.csv", field="region",
                    rows=list(np.flatnonzero((er["year"] == y).to_numpy())[:5] + 1))
    # ---- exposure: grade splits add up
    ex = f["exposure.csv"]
    for total, prefix in (("covered_payroll", "payroll_"), ("employers", "employers_")):
        parts = ex[[prefix + g for g in _GRADE_COLS]].sum(axis=1).to_numpy(dtype=float)
        bad = np.flatnonzero(~_close(parts, ex[total].to_numpy(dtype=float)))
        if len(bad):
            raise _fail(p["exposure.csv"], f"{prefix}g050 … {prefix}g150 must add up to "
                        f"{total}", field=total, rows=list(bad[:5] + 1))
    # ---- claims: date order
    cl = f["claims.csv.gz"]
    for early, late in (("accident_date", "recognition_date"), ("birth_date", "accident_date")):
        bad = np.flatnonzero((cl[late] < cl[early]).to_numpy())
        if len(bad):
            raise _fail(p["claims.csv.gz"], f"{late} must not be before {early}", field=late,
                        rows=list(bad[:5] + 1))
    if "grading_date" in cl.columns:
        bad = np.flatnonzero((cl["grading_date"] < cl["recognition_date"]).to_numpy())
        if len(bad):
            raise _fail(p["claims.csv.gz"], "grading_date must not be before recognition_date",
                        field="grading_date", rows=list(bad[:5] + 1))
    bad = np.flatnonzero((cl["recognition_date"] > pd.Timestamp(meta["as_of"])).to_numpy())
    if len(bad):
        raise _fail(p["claims.csv.gz"], f"recognised after as_of {meta['as_of']}",
                    field="recognition_date", rows=list(bad[:5] + 1))
    # ---- payments and beneficiaries belong to claims
    ids = pd.Index(cl["claim_id"])
    for name in ("payments.csv.gz", "beneficiaries.csv"):
        bad = np.flatnonzero(~f[name]["claim_id"].isin(ids).to_numpy())
        if len(bad):
            raise _fail(p[name], "claim_id not found in claims.csv.gz", field="claim_id",
                        rows=list(bad[:5] + 1))
    pay = f["payments.csv.gz"]
    bad = np.flatnonzero(((pay["calendar_year"] < first) | (pay["calendar_year"] > last))
                         .to_numpy())
    if len(bad):
        raise _fail(p["payments.csv.gz"], f"calendar_year outside {first}-{last}",
                    field="calendar_year", rows=list(bad[:5] + 1))
    # ---- execution: month-by-month calendar without gaps
    exe = f["execution_monthly.csv"]
    ym = exe["year"].to_numpy() * 12 + exe["month"].to_numpy() - 1
    if len(ym):
        months = np.unique(ym)
        gap = np.flatnonzero(np.diff(months) != 1)
        if len(gap):
            m = int(months[gap[0]] + 1)
            raise _fail(p["execution_monthly.csv"], f"month {m // 12}-{m % 12 + 1:02d} is "
                        "missing: monthly execution must run without a gap", field="month",
                        rows=list(np.flatnonzero(ym > m - 1)[:1] + 1))
        if months[-1] // 12 > cur:
            raise _fail(p["execution_monthly.csv"], f"months after the current year {cur}",
                        field="year", rows=list(np.flatnonzero(ym // 12 > cur)[:5] + 1))
        back = np.flatnonzero(np.diff(ym) < 0)
        if len(back):
            raise _fail(p["execution_monthly.csv"], "rows must be in (year, month) order",
                        field="month", rows=list(back[:5] + 2))
    _check_execution_grid(p["execution_monthly.csv"], exe)
    _check_relations(p, f, last)
    # ---- fund balance identity
    fb = f["fund_balance.csv"]
    if {"balance_open", "revenue_total", "expenditure_total"} <= set(fb.columns):
        got = fb["balance_close"].to_numpy(dtype=float)
        want = (fb["balance_open"] + fb["revenue_total"] - fb["expenditure_total"]).to_numpy()
        _reconcile(p["fund_balance.csv"], "balance_close", fb[["year"]], got, want,
                   "balance_close must equal balance_open + revenue_total - expenditure_total")
        _reconcile(p["fund_balance.csv"], "balance_open", fb[["year"]].iloc[1:],
                   fb["balance_open"].to_numpy(dtype=float)[1:], got[:-1],
                   "balance_open must equal the previous year's balance_close")
    bad = np.flatnonzero((fb["reserve"] > fb["balance_close"] + ABS_TOL).to_numpy())
    if len(bad):
        raise _fail(p["fund_balance.csv"], "reserve cannot exceed balance_close (储备金 is part "
                    "of the balance)", field="reserve", rows=list(bad[:5] + 1))
    _check_balance(p, f, last)
    _check_reconciliation(p, f, last)


def _province_contributions(f: Mapping[str, pd.DataFrame]) -> pd.Series:
    """Contributions collected by year over the province (exposure + construction), yuan."""
    return (f["exposure.csv"].groupby("year")["contributions_collected"].sum()
            .add(f["construction.csv"].groupby("year")["contributions_collected"].sum(),
                 fill_value=0.0))


def _check_relations(p: Mapping[str, Path], f: Mapping[str, pd.DataFrame], last: int) -> None:
    """Bounds across columns and files (employment, coverage, contribution rates, scale)."""
    reg = f["regions.csv"]
    pop = pd.Series(reg["population_2020"].to_numpy(dtype=float), index=reg["region"])
    # employment ≤ population (the 2020 census residents; employed persons are residents)
    eco = f["economy.csv"]
    total = float(pop.sum(skipna=True))
    if pop.notna().any():
        bad = np.flatnonzero((eco["employment"] > total).to_numpy())
        if len(bad):
            raise _fail(p["economy.csv"], f"employment {eco['employment'].iloc[bad[0]]:,.0f} "
                        f"exceeds the regions' population_2020 total {total:,.0f} "
                        "(regions.csv)", field="employment", rows=list(bad[:5] + 1))
    er = f["economy_region.csv"]
    cap = er["region"].map(pop).to_numpy(dtype=float)
    emp = er["employment"].to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isnan(cap) & (emp > cap))
    if len(bad):
        i = bad[0]
        raise _fail(p["economy_region.csv"], f"employment {emp[i]:,.0f} of region "
                    f"{er['region'].iloc[i]} exceeds its population_2020 {cap[i]:,.0f} "
                    "(regions.csv)", field="employment", rows=list(bad[:5] + 1))
    # coverage ≤ employment: covered workers of a year and region summed over the classes
    ex = f["exposure.csv"]
    covered = ex.groupby(["year", "region"])["covered_workers"].transform("sum")
    emp_of = pd.Series(emp, index=pd.MultiIndex.from_frame(er[["year", "region"]]))
    limit = emp_of.reindex(pd.MultiIndex.from_frame(ex[["year", "region"]])).to_numpy()
    bad = np.flatnonzero(~np.isnan(limit) & (covered.to_numpy() > limit))
    if len(bad):
        i = bad[0]
        y, r = ex["year"].iloc[i], ex["region"].iloc[i]
        # blame the file that is out of line: an employment far below the region's median
        # (a dropped digit) is economy_region.csv's fault, else the covered workers are
        median = float(er.loc[er["region"] == r, "employment"].median())
        j = int(np.flatnonzero(((er["year"] == y) & (er["region"] == r)).to_numpy())[0])
        if limit[i] < 0.5 * median:
            raise _fail(p["economy_region.csv"], f"employment of {y}/{r} ({limit[i]:,.0f}) is "
                        f"below the covered workers of exposure.csv ({covered.iloc[i]:,.0f}) and "
                        f"under half the region's median ({median:,.0f}): a dropped digit?",
                        field="employment", rows=[j + 1])
        raise _fail(p["exposure.csv"], f"covered_workers of {y}/{r} summed over classes "
                    f"({covered.iloc[i]:,.0f}) exceed the region's employment in "
                    f"economy_region.csv ({limit[i]:,.0f})",
                    field="covered_workers", rows=list(bad[:5] + 1))
    # contribution rate ≤ 5 % of payroll (highest base rate 1.9 % x 150 % floating = 2.85 %)
    for col in ("contributions_due", "contributions_collected"):
        bad = np.flatnonzero((ex[col] > 0.05 * ex["covered_payroll"] + ABS_TOL).to_numpy())
        if len(bad):
            raise _fail(p["exposure.csv"], f"{col} above 5 % of covered_payroll (the highest "
                        "class base rate 1.9 % x 150 % floating is 2.85 %, 人社部发〔2015〕71号): "
                        "money in the wrong unit or column?", field=col, rows=list(bad[:5] + 1))
    # monthly execution and budgets at the scale of the province's contributions
    coll = _province_contributions(f)
    for name, mult in SCALE_MULTIPLE.items():
        df = f[name]
        base_year = np.minimum(df["year"].to_numpy(), last)
        if name == "budget.csv":
            base_year = np.minimum(df["year"].to_numpy() - 1, last)
        scale = coll.reindex(base_year).to_numpy(dtype=float)
        amt = df["amount"].to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isnan(scale) & (scale > 0) & (amt > mult * scale))
        if len(bad):
            i = bad[0]
            raise _fail(p[name], f"amount {amt[i]:,.2f} yuan for {df['region'].iloc[i]}/"
                        f"{df['item'].iloc[i]} is more than {mult:g} x the province's "
                        f"contributions collected in {base_year[i]} ({scale[i]:,.0f} yuan): "
                        "fen or 元 typed for yuan, or a misplaced digit?", field="amount",
                        rows=list(bad[:5] + 1))


def _check_execution_grid(path: Path, exe: pd.DataFrame) -> None:
    """Each region x item of the execution runs every month from the first to the last."""
    if exe.empty:
        return
    ym = exe["year"].to_numpy() * 12 + exe["month"].to_numpy() - 1
    lo, hi = int(ym.min()), int(ym.max())
    n = hi - lo + 1
    counts = pd.Series(1, index=pd.MultiIndex.from_arrays([exe["region"], exe["item"]])) \
        .groupby(level=[0, 1]).sum()
    short = counts[counts != n]
    if not len(short):
        return
    region, item = short.index[0]
    sel = ((exe["region"] == region) & (exe["item"] == item)).to_numpy()
    have = set(ym[sel].tolist())
    gone = next(m for m in range(lo, hi + 1) if m not in have)
    after = np.flatnonzero(sel & (ym > gone))
    rows = [int(after[0]) + 1] if len(after) else [int(np.flatnonzero(sel)[-1]) + 1]
    raise _fail(path, f"{region}/{item}: month {gone // 12}-{gone % 12 + 1:02d} is missing "
                f"(each region x item runs every month {lo // 12}-{lo % 12 + 1:02d} … "
                f"{hi // 12}-{hi % 12 + 1:02d}; write 0 for a month without flow)",
                field="month", rows=rows)


def _check_balance(p: Mapping[str, Path], f: Mapping[str, pd.DataFrame], last: int) -> None:
    """Closing balance: year-on-year moves bounded; identity from the execution when needed."""
    fb = f["fund_balance.csv"]
    path = p["fund_balance.csv"]
    close = pd.Series(fb["balance_close"].to_numpy(dtype=float), index=fb["year"].to_numpy())
    coll = _province_contributions(f).reindex(close.index).to_numpy(dtype=float)
    move = np.abs(np.diff(close.to_numpy()))
    bad = np.flatnonzero(move > BALANCE_JUMP_MULTIPLE * coll[1:] + ABS_TOL)
    if len(bad):
        i = bad[0] + 1
        raise _fail(path, f"balance_close moves by {move[bad[0]]:,.0f} yuan from "
                    f"{close.index[i - 1]} to {close.index[i]}, more than "
                    f"{BALANCE_JUMP_MULTIPLE:g} x the year's contributions collected "
                    f"({coll[i]:,.0f}; a balance changes by revenue - expenditure): a digit "
                    "typed twice or a unit slip?", field="balance_close", rows=[int(i) + 1])
    if {"balance_open", "revenue_total", "expenditure_total"} <= set(fb.columns):
        return  # the within-file identity and the totals reconciliation apply instead
    exe = f["execution_monthly.csv"]
    full = exe[exe["year"] <= last]
    n_months = full.groupby("year")["month"].nunique()
    years = [int(y) for y in n_months.index[n_months == 12] if y - 1 in close.index]
    if not years:
        return
    ext = full[full["year"].isin(years) & ~full["item"].isin(dims.INTERNAL_FLOW_CODES)]
    sign = np.where(ext["item"].isin(dims.REVENUE_CODES), 1.0, -1.0)
    net = (ext["amount"] * sign).groupby(ext["year"].to_numpy()).sum().reindex(years)
    want = close.reindex([y - 1 for y in years]).to_numpy() + net.to_numpy()
    got = close.reindex(years).to_numpy()
    bad = np.flatnonzero(~_close(got, want))
    if len(bad):
        i = bad[0]
        raise _fail(path, f"balance_close of {years[i]} ({got[i]:,.2f}) must equal the "
                    f"previous balance_close + revenue − expenditure of execution_monthly.csv "
                    f"(internal flows excluded) = {want[i]:,.2f}",
                    field="balance_close", rows=[years[i] - int(close.index[0]) + 1])


def _check_reconciliation(p: Mapping[str, Path], f: Mapping[str, pd.DataFrame],
                          last: int) -> None:
    exe = f["execution_monthly.csv"]
    full = exe[exe["year"] <= last]
    if full.empty:
        return
    annual = full.groupby(["year", "region", "item"], sort=True)["amount"].sum()
    e_years = sorted(set(full["year"]))
    # benefit payments by budget group = execution benefit items
    pay = f["payments.csv.gz"]
    cl = f["claims.csv.gz"]
    region_of = pd.Series(cl["region"].to_numpy(), index=cl["claim_id"].to_numpy())
    pay = pay[pay["calendar_year"].isin(e_years)]
    grp = pay["benefit_item"].map(dims.BENEFIT_ITEM_GROUP)
    paid = pay["amount"].groupby([pay["calendar_year"].to_numpy(),
                                  region_of.reindex(pay["claim_id"].to_numpy()).to_numpy(),
                                  grp.to_numpy()]).sum()
    groups = sorted(set(dims.BENEFIT_ITEM_GROUP.values()))
    regions = sorted(set(f["regions.csv"]["region"]))
    grid = pd.MultiIndex.from_product([e_years, regions, groups], names=["year", "region",
                                                                          "item"])
    got = paid.reindex(grid, fill_value=0.0)
    want = annual.reindex(grid, fill_value=0.0)
    _reconcile(p["execution_monthly.csv"], "amount", grid.to_frame(index=False),
               want.to_numpy(), got.to_numpy(),
               "benefit items summed over the year must equal payments.csv.gz summed by "
               "calendar year, claim region and budget group")
    # contributions
    ex = f["exposure.csv"]
    cons = f["construction.csv"]
    coll = (ex.groupby(["year", "region"])["contributions_collected"].sum()
            .add(cons.groupby(["year", "region"])["contributions_collected"].sum(),
                 fill_value=0.0))
    grid2 = pd.MultiIndex.from_product([e_years, regions], names=["year", "region"])
    got2 = coll.reindex(grid2, fill_value=0.0).to_numpy()
    want2 = (annual.xs("contributions", level="item").reindex(grid2, fill_value=0.0).to_numpy()
             if "contributions" in set(full["item"]) else np.zeros(len(grid2)))
    _reconcile(p["execution_monthly.csv"], "amount", grid2.to_frame(index=False), want2, got2,
               "contributions summed over the year must equal exposure + construction "
               "contributions_collected")
    # internal flows net out each month
    internal = full[full["item"].isin(dims.INTERNAL_FLOW_CODES)]
    if not internal.empty:
        by = internal.groupby(["year", "month", "item"])["amount"].sum().unstack(fill_value=0)
        for a, b in (("remittance_to_higher", "remittance_from_lower"),
                     ("transfer_from_higher", "subsidy_to_lower")):
            if a in by.columns or b in by.columns:
                ga = by.get(a, pd.Series(0.0, index=by.index)).to_numpy()
                gb = by.get(b, pd.Series(0.0, index=by.index)).to_numpy()
                _reconcile(p["execution_monthly.csv"], "amount", by.index.to_frame(index=False),
                           ga, gb, f"{a} must equal {b} across sub-units (internal flows net "
                           "out under 统收统支)")
    # fund totals = execution totals without internal flows
    fb = f["fund_balance.csv"]
    if {"revenue_total", "expenditure_total"} <= set(fb.columns):
        ext = full[~full["item"].isin(dims.INTERNAL_FLOW_CODES)]
        side = np.where(ext["item"].isin(dims.REVENUE_CODES), "revenue_total",
                        "expenditure_total")
        tot = ext["amount"].groupby([ext["year"].to_numpy(), side]).sum().unstack(fill_value=0)
        fbi = fb.set_index("year").loc[e_years]
        for col in ("revenue_total", "expenditure_total"):
            _reconcile(p["fund_balance.csv"], col, pd.DataFrame({"year": e_years}),
                       fbi[col].to_numpy(dtype=float),
                       tot.get(col, pd.Series(0.0, index=tot.index)).reindex(e_years)
                       .to_numpy(dtype=float),
                       f"{col} must equal execution_monthly summed over the year (internal "
                       "flows excluded)")


def _load(folder: Path) -> ProvinceData:
    meta = _read_metadata(folder)
    manifest: Mapping[str, Mapping[str, Any]] = meta.get("files", {})
    frames: dict[str, pd.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        path = folder / name
        raw, encoding = _read_csv(path)
        meta["encodings"][name] = encoding
        df = _prepare(path, raw, schema)
        df = _validate(path, df, schema)
        _check_bounds(path, df, BOUNDS.get(name, {}))
        _check_manifest_rows(path, df, manifest.get(name))
        frames[name] = df
    _check_folder(folder, meta, frames)
    for name in SCHEMAS:
        _check_manifest_sha(folder / name, manifest.get(name))
    kwargs = {name.split(".")[0]: df for name, df in frames.items()}
    return ProvinceData(folder=folder, metadata=meta, **kwargs)


def _cache_key(folder: Path) -> tuple[Any, ...]:
    stats: list[tuple[str, int | None, int | None]] = []
    for name in ("metadata.toml", *DATA_FILES):
        path = folder / name
        try:
            st = path.stat()
            stats.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            stats.append((name, None, None))
    return (str(folder.resolve()), tuple(stats))


def _copy(data: ProvinceData) -> ProvinceData:
    return data.copy()


def load_province(folder: str | Path, *, cache: bool = True) -> ProvinceData:
    """Load and validate a data folder; raise :class:`InputError` at the first broken rule.

    Parameters
    ----------
    folder
        Folder with ``metadata.toml`` and the CSV files of the contract.
    cache
        Reuse an earlier validated load of the same folder when no file changed
        (modification time and size); each call still returns fresh copies.
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError("data folder not found", file=path)
    key = _cache_key(path)
    if cache and key in _CACHE:
        return _copy(_CACHE[key])
    data = _load(path)
    if cache:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = data
        return _copy(data)
    return data


def check_province(folder: str | Path) -> ProvinceData:
    """Validate a folder without the cache (what ``actuary data check`` runs)."""
    return load_province(folder, cache=False)


