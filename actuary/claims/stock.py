"""The stock of long-term beneficiaries as cohort cells, and the stream entrants still to come
from the history's accident years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from actuary import dims
from actuary.claims.codes import DEATH, INDEX_GROUPS, N_OUT, NURSING, OUTCOMES
from actuary.claims.profiles import nursing_names, sex_code
from actuary.claims.streams import (
    KIND_ALLOWANCE,
    KIND_LIFE,
    KIND_TOPUP,
    StreamCells,
    retirement_fractions,
)
from actuary.params import ParameterSet
from actuary.spec.claims import ClaimsSpec

__all__ = ["pending_entrants", "stock_cells"]


def stock_cells(
    benef: pd.DataFrame, spec: ClaimsSpec, params: ParameterSet, regions: tuple[str, ...], T: int
) -> tuple[StreamCells | None, pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Group the beneficiary stock into cohort cells."""
    b = benef.copy()
    empty_mix = pd.DataFrame(
        {"sex_code": [1], "age": [45.0], "relation": ["spouse"], "weight": [1.0]}
    )
    if b.empty:
        return (
            None,
            pd.DataFrame(columns=["benefit_type", "persons"]),
            np.zeros(len(INDEX_GROUPS)),
            empty_mix,
        )
    b["region"] = b["region"].astype(str)
    b = b[b["region"].isin(regions)]
    b["sex_code"] = sex_code(b["sex"])
    b["birth_year"] = pd.to_datetime(b["birth_date"]).dt.year
    bt = b["benefit_type"].astype(str)
    grade = pd.to_numeric(b["grade"], errors="coerce").fillna(0).astype(int)
    nurse = (
        pd.Series(nursing_names(b["nursing"]), index=b.index)
        if "nursing" in b
        else pd.Series("none", index=b.index)
    )
    rel = b["relation"].astype(str).str.lower() if "relation" in b else pd.Series("", index=b.index)
    grp = np.full(len(b), "", dtype=object)
    grp[(bt == "disability_allowance").to_numpy() | (bt == "pension_topup").to_numpy()] = (
        "allowance_" + grade.clip(1, 4).astype(str)
    ).to_numpy()[(bt == "disability_allowance").to_numpy() | (bt == "pension_topup").to_numpy()]
    is_n = (bt == "nursing_care").to_numpy()
    grp[is_n] = ("nursing_" + nurse.where(nurse.isin(NURSING), "partial")).to_numpy()[is_n]
    is_s = (bt == "survivor_pension").to_numpy()
    grp[is_s] = np.where(rel.to_numpy()[is_s] == "spouse", "survivor_spouse", "survivor_other")
    b["igroup"] = grp
    b = b[(b["igroup"] != "") & ~((bt == "disability_allowance") & (grade > 4))]
    b["child"] = b["relation"].astype(str).str.lower().eq("child") if "relation" in b else False
    # retirement group of allowance persons: women split between worker (50) and staff (55)
    fem = b["sex_code"] == 1
    rows = [
        b[~fem].assign(rgroup=0, w=1.0),
        b[fem].assign(rgroup=2, w=spec.female_worker_share),
        b[fem].assign(rgroup=1, w=1.0 - spec.female_worker_share),
    ]
    bb = pd.concat(rows, ignore_index=True)
    bb = bb[bb["w"] > 0]
    bb["amt_w"] = bb["monthly_amount"].astype(float) * bb["w"]
    keys = ["region", "benefit_type", "igroup", "sex_code", "birth_year", "rgroup", "child"]
    g = bb.groupby(keys, sort=True).agg(persons=("w", "sum"), amount=("amt_w", "sum")).reset_index()
    g["amount"] = g["amount"] / g["persons"]
    years = np.arange(T + 1, T + 61)
    btype_idx = {t: i for i, t in enumerate(dims.BENEFIT_TYPES)}
    kind = np.where(
        g["benefit_type"] == "disability_allowance",
        KIND_ALLOWANCE,
        np.where(g["benefit_type"] == "pension_topup", KIND_TOPUP, KIND_LIFE),
    )
    phi, pre_end = retirement_fractions(
        g["birth_year"].to_numpy(), g["rgroup"].to_numpy(), years, params
    )
    phi[kind != KIND_ALLOWANCE] = 1.0
    pre_end[kind != KIND_ALLOWANCE] = 1.0
    loading = g["benefit_type"].map(spec.loading).to_numpy(float)
    cells = StreamCells(
        region=g["region"].map({r: i for i, r in enumerate(regions)}).to_numpy(int),
        btype=g["benefit_type"].map(btype_idx).to_numpy(int),
        kind=kind.astype(int),
        group=g["igroup"].map({x: i for i, x in enumerate(INDEX_GROUPS)}).to_numpy(int),
        sex=g["sex_code"].to_numpy(int),
        birth_year=g["birth_year"].to_numpy(int),
        n0=g["persons"].to_numpy(float),
        amount0=g["amount"].to_numpy(float),
        loading=loading,
        exit_age=np.where(g["child"].to_numpy(bool), float(spec.child_age_limit), np.inf),
        phi=phi,
        pre_end=pre_end,
        start_year=np.full(len(g), -1, int),
        extra_exit=np.where(g["igroup"] == "survivor_spouse", spec.spouse_remarriage_rate, 0.0),
    )
    tab = g.rename(columns={"igroup": "index_group"})
    base = np.zeros(len(INDEX_GROUPS))
    for i, x in enumerate(INDEX_GROUPS):
        sel = g["igroup"] == x
        if sel.any():
            base[i] = float((g["amount"][sel] * g["persons"][sel]).sum() / g["persons"][sel].sum())
    s = b[b["benefit_type"] == "survivor_pension"].copy()
    if "accident_year" in s and len(s):
        recent = s[s["accident_year"] >= T - 4]
        s = recent if len(recent) else s
        s["age"] = (s["accident_year"] + 1 - s["birth_year"]).clip(lower=0).astype(float)
        mix = (
            s.assign(relation=s["relation"].astype(str).str.lower(), weight=1.0)
            .groupby(["sex_code", "age", "relation"])["weight"]
            .sum()
            .reset_index()
        )
        mix["weight"] /= mix["weight"].sum()
    else:
        mix = empty_mix
    return cells, tab, base, mix


def pending_entrants(
    cnt: pd.DataFrame,
    last_year: int,
    entry_lag_max: int,
    regions: tuple[str, ...],
    entry_lag: dict[str, np.ndarray],
    area: pd.DataFrame,
) -> dict[str, np.ndarray]:
    """Expected stream entrants (counts, by projection year offset × region × outcome) still to
    come from history accident years: ultimate count × entry-lag mass after the last year."""
    T = last_year
    D = entry_lag_max
    out = np.zeros((D + 1, len(regions), N_OUT))
    amt_a = np.zeros((D + 1, len(regions), N_OUT))
    ridx = {r: i for i, r in enumerate(regions)}
    for o in [*range(1, 5), DEATH]:
        lagd = entry_lag["survivor_pension" if o == DEATH else "disability_allowance"]
        sub = cnt[cnt["outcome"] == OUTCOMES[o]]
        for a_y, r, ult in sub[["ay", "region", "ult"]].itertuples(index=False):
            # loop over (accident year, region) aggregates of the history
            if r not in ridx:
                continue
            for k in range(1, D + 1):
                d = T + k - int(a_y)
                if 0 <= d <= D:
                    out[k - 1, ridx[r], o] += ult * lagd[d]
                    amt_a[k - 1, ridx[r], o] += ult * lagd[d] * float(area.loc[int(a_y), r])
    return {"count": out, "count_A": amt_a}
