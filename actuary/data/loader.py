"""Load and validate a province data folder (ARCHITECTURE.md "Data folder" contract).

``load_province(folder) -> ProvinceData`` reads the CSV files a province's social-insurance
system exports (or the embedded synthetic province), checks them and returns a frozen dataclass
of DataFrames plus the folder's ``metadata.toml``.

Checks, in order, stopping at the first file that breaks a rule:

1. ``metadata.toml``: required keys and types (``province``, ``synthetic``, ``as_of``,
   ``last_full_year``, ``current_year``).
2. Per file (pandera schemas, :data:`SCHEMAS`): required columns; types (numbers, integers,
   ISO dates); ranges (amounts and counts ≥ 0, rates within bounds); codes that exist
   (regions of ``actuary.dims`` and of ``regions.csv``, industry classes 1-8, outcomes, benefit
   items, budget items); unique keys.
3. Calendars: annual files cover ``first_year … last_full_year`` with no gap; the monthly
   execution runs month by month with no gap; ``economy_region`` and ``exposure`` grids complete.
4. Within-file totals: payroll and employers by floating grade add up to the totals; the fund
   balance identity ``close = open + revenue − expenditure`` and ``open = previous close``.
5. Cross-file totals (the "totals that reconcile" rule): claim payments summed by calendar year,
   claim region and budget group (``actuary.dims.BENEFIT_ITEM_GROUP``) equal the monthly
   execution of the four benefit items; contributions collected (exposure + construction) equal
   the execution contributions; the fund balance's revenue and expenditure equal the execution
   totals without the internal flows; internal flows net out across sub-units each month;
   every payment and beneficiary belongs to a claim.

A broken rule raises :class:`actuary.errors.InputError` naming the file, the column, the first
offending rows (1-based data rows, header excluded) and the rule. Results are cached per folder
and file modification times; each call returns fresh copies of the frames.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from actuary import dims
from actuary.data.province import ProvinceData
from actuary.errors import InputError

__all__ = ["DATA_FILES", "SCHEMAS", "ProvinceData", "check_province", "load_province"]

#: Money tolerance of the reconciliations: 1 yuan or a millionth of the amount.
ABS_TOL = 1.0
REL_TOL = 1e-6

_BUDGET_ITEMS = dims.REVENUE_CODES + dims.EXPENDITURE_CODES
_GRADE_COLS = ("g050", "g080", "g100", "g120", "g150")


def _col(dtype: Any, *checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(dtype, checks=list(checks), nullable=nullable, coerce=True)


def _money(nullable: bool = False) -> pa.Column:
    return _col(float, pa.Check.ge(0), nullable=nullable)


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
            "cpi_growth": _col(float, pa.Check.in_range(-0.2, 0.5)),
            "deposit_rate": _col(float, pa.Check.in_range(0.0, 0.2)),
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
            "grading_date": pa.Column("datetime64[ns]", nullable=True, required=False,
                                      coerce=True),
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
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML: {exc}") from None
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
    return meta


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise _fail(path, "missing file (required by the data-folder contract)")
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8").columns
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise _fail(path, f"cannot read as a UTF-8 CSV with a header row: {exc}") from None
    dtypes = {c: str for c in header if c in _TEXT_COLS}
    try:
        return pd.read_csv(path, dtype=dtypes, encoding="utf-8", keep_default_na=False,
                           na_values=[""])
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        raise _fail(path, f"cannot read as a UTF-8 CSV: {exc}") from None


def _prepare(path: Path, df: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Required columns, then text-to-bool and ISO date parsing with row-level errors."""
    for col in schema.columns:
        if col not in df.columns:
            raise _fail(path, "missing required column", field=col, rows=["header"])
    df = df.copy()
    for col, spec in schema.columns.items():
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
    _check_reconciliation(p, f, last)


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
    frames: dict[str, pd.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        path = folder / name
        df = _prepare(path, _read_csv(path), schema)
        frames[name] = _validate(path, df, schema)
    _check_folder(folder, meta, frames)
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


