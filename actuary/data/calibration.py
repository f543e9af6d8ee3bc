"""Calibration summary of a province data set against public anchors.

:func:`calibration_metrics` computes the aggregates of a data folder (as frames) that the
synthetic generator is calibrated to; :func:`calibration_table` formats them next to the public
figures for ``data/synthetic/README.md``. The public values used here are the ones written in
``actuary/data/synthetic.toml`` (``basis = "sourced"``); the tests check the same aggregates
against the CSV files of ``data/public/`` independently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

#: Public anchors quoted in the calibration table (yuan, persons); sources in data/public/.
PUBLIC_ANCHORS: dict[str, tuple[float, str]] = {
    "participants_2011": (3_316_000.0, "CSY 2012 table 23-39 (confirmed)"),
    "revenue_2011": (8.6e8, "CSY 2012 table 23-39 (confirmed)"),
    "expenditure_2011": (4.6e8, "CSY 2012 table 23-39 (confirmed)"),
    "balance_2011": (9.3e8, "CSY 2012 table 23-39 (confirmed), incl. reserve"),
    "beneficiaries_2011": (33_000.0, "CSY 2012 table 23-39 (confirmed), persons paid in the year"),
    "national_revenue_per_worker_2021": (952e8 / 28287e4, "2021 bulletin (secondary)"),
    "national_expenditure_per_worker_2021": (990e8 / 28287e4, "2021 bulletin (secondary)"),
}


def calibration_metrics(files: Mapping[str, Any]) -> dict[str, float]:
    """Aggregates of a province data set (frames keyed by file name, as written)."""
    eco = files["economy.csv"]
    exp = files["exposure.csv"]
    fund = files["fund_balance.csv"]
    claims = files["claims.csv.gz"]
    pay = files["payments.csv.gz"]
    m: dict[str, float] = {}
    workers = exp.groupby("year")["covered_workers"].sum()
    m["participants_2011"] = float(workers.loc[2011])
    fb = fund.set_index("year")
    m["revenue_2011"] = float(fb.loc[2011, "revenue_total"])
    m["expenditure_2011"] = float(fb.loc[2011, "expenditure_total"])
    m["balance_2011"] = float(fb.loc[2011, "balance_close"])
    paid_2011 = pay.loc[pay["calendar_year"] == 2011, "claim_id"].nunique()
    m["beneficiaries_2011"] = float(paid_2011)
    w21 = float(workers.loc[2021])
    m["revenue_per_worker_2021"] = float(fb.loc[2021, "revenue_total"]) / w21
    m["expenditure_per_worker_2021"] = float(fb.loc[2021, "expenditure_total"]) / w21
    ay = claims["accident_date"].str.slice(0, 4).astype(int)
    counts = ay.value_counts().sort_index()
    yrs = [y for y in range(2012, 2024) if y in counts.index]
    m["frequency_2012_2023"] = float(counts.loc[yrs].sum() / workers.loc[yrs].sum())
    recent = claims[ay >= 2010]
    share = recent["outcome"].value_counts(normalize=True)
    m["share_medical_only"] = float(share.get("medical_only", 0.0))
    m["share_grade_7_10"] = float(sum(share.get(f"grade_{g}", 0.0) for g in range(7, 11)))
    m["share_death"] = float(share.get("death", 0.0))
    events = claims["event_id"].fillna("").astype(str)
    m["major_accidents"] = float(events[events != ""].nunique())
    m["wage_2020"] = float(eco.set_index("year").loc[2020, "avg_wage"])
    m["wage_2024"] = float(eco.set_index("year").loc[2024, "avg_wage"])
    m["months_of_payment_2025"] = float(fb.loc[2025, "balance_close"]
                                        / (fb.loc[2025, "expenditure_total"] / 12))
    return m


def calibration_table(files: Mapping[str, Any]) -> str:
    """Markdown table: synthetic aggregate, public figure, relative difference."""
    m = calibration_metrics(files)
    rows = ["| aggregate | synthetic | public figure | ratio | tested tolerance | source |",
            "|---|---|---|---|---|---|"]

    def line(label: str, key: str, anchor: str, tol: str, fmt: str = "{:,.0f}") -> None:
        val, src = PUBLIC_ANCHORS[anchor]
        rows.append(f"| {label} | {fmt.format(m[key])} | {fmt.format(val)} | "
                    f"{m[key] / val:.2f} | {tol} | {src} |")

    line("covered workers 2011", "participants_2011", "participants_2011", "± 1 %")
    line("fund revenue 2011 (yuan)", "revenue_2011", "revenue_2011", "± 15 %")
    line("fund expenditure 2011 (yuan)", "expenditure_2011", "expenditure_2011", "± 15 %")
    line("balance at end-2011 (yuan)", "balance_2011", "balance_2011", "± 25 %")
    line("claims paid in 2011 (vs persons receiving benefits)", "beneficiaries_2011",
         "beneficiaries_2011", "± 30 %")
    line("revenue per covered worker 2021 (vs national)", "revenue_per_worker_2021",
         "national_revenue_per_worker_2021", "ratio 0.6-1.1", "{:,.1f}")
    line("expenditure per covered worker 2021 (vs national)", "expenditure_per_worker_2021",
         "national_expenditure_per_worker_2021", "ratio 0.6-1.1", "{:,.1f}")
    rows.append("")
    rows.append(f"- Average wage: equal to the public full-caliber series 2020-2024 (2020: "
                f"{m['wage_2020']:,.0f}, 2024: {m['wage_2024']:,.0f} yuan; tested to 1 yuan); "
                "before 2020 a constant multiple (0.1 %) of the public non-private series; "
                "sub-unit relativities from the 2021-2022 city table (mean of the two years; "
                "± 5 %).")
    rows.append("- Covered workers spread over the territorial sub-units in proportion to the "
                "2020 census (±2 % noise, tested ± 8 %), 省本级 6 % (assumption).")
    rows.append(f"- Recognised injuries per covered worker, accident years 2012-2023: "
                f"{m['frequency_2012_2023']:.4%} (national order ≈ 0.4 %, from memory; tested "
                "0.3-0.5 %).")
    rows.append("- Outcome mix (accident years ≥ 2010): medical only "
                f"{m['share_medical_only']:.1%}, "
                f"grades 7-10 {m['share_grade_7_10']:.1%}, deaths {m['share_death']:.2%}; "
                f"{m['major_accidents']:.0f} major accidents.")
    rows.append(f"- Months of payment at end-2025: {m['months_of_payment_2025']:.1f}.")
    return "\n".join(rows)


def frames_from(files: Mapping[str, pd.DataFrame | str]) -> dict[str, pd.DataFrame]:
    """Only the frames of a ``generate()`` result."""
    return {k: v for k, v in files.items() if isinstance(v, pd.DataFrame)}
