"""``ProvinceData``: a province's validated data folder as one typed value (frames + metadata).

Built by :func:`actuary.data.load_province` (every table present, validated) or, for tests and
notebooks, by :meth:`ProvinceData.from_frames` (tables not given are absent). Every stage reads
it through :meth:`ProvinceData.table` (raises :class:`actuary.errors.InputError` when a table is
absent), :meth:`ProvinceData.has` and :meth:`ProvinceData.meta`, or the typed calendar
attributes (``last_full_year``, ``current_year``, ``budget_year``, …).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from actuary.errors import InputError

__all__ = ["TABLES", "ProvinceData"]

#: Table names (file stems of the data folder contract), in the order of the fields.
TABLES: tuple[str, ...] = (
    "regions",
    "economy",
    "economy_region",
    "exposure",
    "construction",
    "claims",
    "payments",
    "beneficiaries",
    "execution_monthly",
    "fund_balance",
    "budget",
)


@dataclass(frozen=True)
class ProvinceData:
    """A validated province data folder (frames as described in ARCHITECTURE.md).

    Dates are ``datetime64``; codes are strings; money in yuan. The frames are copies: change
    them freely. A table field is ``None`` only when the value was built by :meth:`from_frames`
    without it; read tables with :meth:`table`, which raises on an absent one.
    """

    folder: Path
    metadata: Mapping[str, Any]
    regions: pd.DataFrame | None = None
    economy: pd.DataFrame | None = None
    economy_region: pd.DataFrame | None = None
    exposure: pd.DataFrame | None = None
    construction: pd.DataFrame | None = None
    claims: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    beneficiaries: pd.DataFrame | None = None
    execution_monthly: pd.DataFrame | None = None
    fund_balance: pd.DataFrame | None = None
    budget: pd.DataFrame | None = None

    def table(self, name: str) -> pd.DataFrame:
        """The frame called ``name`` (a file stem of :data:`TABLES`); the one accessor.

        Raises :class:`InputError` naming the folder when the table is absent.
        """
        if name not in TABLES:
            raise InputError(
                f"unknown data table {name!r}; known: {sorted(TABLES)}",
                file=str(self.folder),
                field=name,
            )
        df: pd.DataFrame | None = getattr(self, name)
        if df is None:
            raise InputError(
                f"the data folder has no {name} table", file=str(self.folder), field=name
            )
        return df

    def has(self, name: str) -> bool:
        """True when the folder holds the table ``name``."""
        return name in TABLES and getattr(self, name) is not None

    def meta(self, key: str, default: Any = None) -> Any:
        """A key of ``metadata.toml`` (``default`` when absent)."""
        return self.metadata.get(key, default)

    @classmethod
    def from_frames(
        cls,
        *,
        folder: str | Path = "<frames>",
        metadata: Mapping[str, Any] | None = None,
        **frames: pd.DataFrame,
    ) -> ProvinceData:
        """Build from frames (tests, notebooks): tables not given are absent (``has`` False)."""
        unknown = set(frames) - set(TABLES)
        if unknown:
            raise InputError(f"unknown data tables {sorted(unknown)}", field=sorted(unknown)[0])
        return cls(folder=Path(folder), metadata=dict(metadata or {}), **frames)

    def copy(self) -> ProvinceData:
        """A copy with fresh frames and metadata (what each ``load_province`` call returns)."""
        frames: dict[str, Any] = {n: getattr(self, n) for n in TABLES}
        fresh: dict[str, Any] = {n: None if df is None else df.copy() for n, df in frames.items()}
        return dataclasses.replace(self, metadata=dict(self.metadata), **fresh)

    @property
    def synthetic(self) -> bool:
        """True for the embedded synthetic province (label it so wherever shown)."""
        return bool(self.metadata["synthetic"])

    @property
    def first_year(self) -> int:
        """First year of annual history."""
        return int(self.table("economy")["year"].min())

    @property
    def last_full_year(self) -> int:
        """Last full history year (the budget's "prior-year actual")."""
        return int(self.metadata["last_full_year"])

    @property
    def current_year(self) -> int:
        """Current (partial) year of the monthly execution."""
        return int(self.metadata["current_year"])

    @property
    def budget_year(self) -> int:
        """Year the budget is drafted for (current year + 1)."""
        return int(self.metadata.get("budget_year", self.current_year + 1))

    @property
    def label(self) -> str:
        """Province name, marked SYNTHETIC when it is."""
        name = str(self.metadata["province"])
        return name if not self.synthetic or "SYNTHETIC" in name else f"{name} (SYNTHETIC)"
