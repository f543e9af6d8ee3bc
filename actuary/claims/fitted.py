"""The fitted state of the claims model: every estimated component as one frozen value, and the
cache of what is derived from it without path draws (:class:`DerivedCache`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from actuary.claims.development import DevelopmentPattern
from actuary.claims.incidence import IncidenceFit
from actuary.claims.major import MajorFit
from actuary.claims.outcome import OutcomeFit
from actuary.claims.profiles import profile_multipliers
from actuary.claims.severity import SeverityFit
from actuary.claims.streams import StreamCells
from actuary.params import ParameterSet
from actuary.spec.claims import ClaimsSpec

__all__ = ["DerivedCache", "FittedClaims"]

V = TypeVar("V")


class DerivedCache:
    """Values derived from fitted results that do not depend on the path draws (the profile's
    formula benefits per year, the stream run-off at the mortality level points).

    An entry is found by a key of plain values (what it depends on: the projection years, the
    spec values it reads, …) and is reused only while the fitted objects it was computed from
    (parameters, stock cells, mixes; ``deps``) are the very same objects. The results holding
    the cache never change through it; a copy of the results made with ``dataclasses.replace``
    may share it, since a changed spec value or component gives another key or other objects.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[tuple[object, ...], Any]] = {}

    def get(self, key: Hashable, deps: tuple[object, ...], compute: Callable[[], V]) -> V:
        """The entry of ``key`` computed from ``deps``; ``compute()`` it on a miss."""
        hit = self._entries.get(key)
        if (
            hit is not None
            and len(hit[0]) == len(deps)
            and all(a is b for a, b in zip(hit[0], deps, strict=True))
        ):
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self._entries[key] = (deps, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


@dataclass(frozen=True)
class FittedClaims:
    """Every fitted component of the claims model (the values :class:`ClaimsResults` holds)."""

    spec: ClaimsSpec
    parameters: ParameterSet
    regions: tuple[str, ...]
    last_year: int
    incidence: IncidenceFit
    outcome: OutcomeFit
    severity: SeverityFit
    patterns: dict[str, DevelopmentPattern]
    major: MajorFit
    major_region_prob: np.ndarray
    outstanding: np.ndarray  # (future year index, region, item) run-off of history AYs
    pending: dict[str, np.ndarray]  # entrants still to come from history AYs
    profile: pd.DataFrame
    stock: StreamCells | None
    stock_table: pd.DataFrame
    survivor_mix: pd.DataFrame
    entrant_mix: pd.DataFrame
    entry_lag: dict[str, np.ndarray]
    base_avg_amount: np.ndarray  # (index group,) average monthly amount of the stock
    last_area_wage: np.ndarray  # (region,) monthly A for the first projection year
    last_wage_growth: float
    last_cpi: float
    last_income: float  # national disposable income of the last history year
    hist_workers: float
    history_counts: pd.DataFrame
    cl_items: tuple[str, ...]  # chain-ladder items, the last axis of ``outstanding``
    item_group: dict[str, str]  # chain-ladder item -> its triangle (CL_GROUPS)
    area_history: pd.DataFrame  # monthly previous-year area wage A by (year, region)
    profile_base: pd.DataFrame  # claimant profile before the retirement-group split
    beneficiaries: pd.DataFrame  # the stock as read (rebuilt into cells by with_overrides)
    wage_relativity: np.ndarray  # (region,) 本人工资 relativity k_r
    own_wage_items: tuple[str, ...]  # formula items priced on 本人工资 (times k_r)
    cache: DerivedCache = field(default_factory=DerivedCache, compare=False, repr=False)

    @property
    def trend(self) -> float:
        """Trend used in projection (fitted unless the model file fixes it)."""
        t = self.spec.incidence_trend
        return self.incidence.trend if t is None else t

    def profile_multipliers(self, year: int) -> dict[str, np.ndarray]:
        """Formula benefits per claim of each outcome in ``year``, per unit A or D (cached)."""
        return self.cache.get(
            ("profile_multipliers", int(year)),
            (self.profile, self.parameters),
            lambda: profile_multipliers(self.profile, self.parameters, int(year)),
        )
