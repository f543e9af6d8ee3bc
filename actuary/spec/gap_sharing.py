"""Gap-sharing settings: :class:`GapSharingRule`, parsed from ``[rate_policy.gap_sharing]``.

How a deficit of the pooled fund is split between the province and the regions; the computation
is :func:`actuary.pooling.gap_sharing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actuary.errors import InputError
from actuary.spec.bounds import Bound, check_bound

__all__ = ["GapSharingRule"]

#: The province's share of a deficit (basis of its plausible range).
PROVINCE_SHARE = Bound(
    0, 1, "a share of the deficit; 吉政发〔2020〕20号 sets up sharing, formula not public", True
)
_BASES = ("collection_shortfall", "expenditure", "contributions", "net_draw")
_FLOORS = ("zero", "reserve")
_GAP_KEYS = {"province_share", "basis", "fallback", "floor"}


@dataclass(frozen=True)
class GapSharingRule:
    """How a deficit of the pooled fund is split between the province and the regions.

    Attributes
    ----------
    province_share
        Share ``s_p`` the provincial government pays (ASSUMPTION: Jilin's formula is not public;
        default 0.5).
    basis
        How the regions' part is split: ``collection_shortfall`` (each region's shortfall of
        contributions against its collection budget), ``expenditure``, ``contributions`` or
        ``net_draw`` (what the region drew from the pool, ``max(0, −N_r)``).
    fallback
        Basis used on a path-year where the main basis is zero for every region.
    floor
        ``zero``: a deficit is a closing balance below 0; ``reserve``: below the required
        reserve ``ρ·E``.
    """

    province_share: float = 0.5
    basis: str = "collection_shortfall"
    fallback: str = "expenditure"
    floor: str = "zero"

    @classmethod
    def parse(cls, source: Mapping[str, Any], *, file: str | None = None) -> GapSharingRule:
        """Validate a ``[rate_policy.gap_sharing]`` table (strict keys, choices, share range)."""
        if not isinstance(source, Mapping):
            raise InputError("expected a table", file=file, field="rate_policy.gap_sharing")
        spec = source
        bad = set(spec) - _GAP_KEYS
        if bad:
            raise InputError(
                f"unknown key(s) {sorted(bad)}; known: {sorted(_GAP_KEYS)}",
                file=file,
                field=f"rate_policy.gap_sharing.{sorted(bad)[0]}",
            )
        if "province_share" in spec:
            check_bound(
                spec["province_share"],
                PROVINCE_SHARE,
                file=file,
                field="rate_policy.gap_sharing.province_share",
            )
        out = cls(**dict(spec))
        out.validate(file=file)
        return out

    def validate(self, *, file: str | None = None) -> None:
        """Raise :class:`InputError` on a bad setting."""
        ps = self.province_share
        if isinstance(ps, bool) or not isinstance(ps, int | float) or not 0 <= ps <= 1:
            raise InputError(
                "province_share must be a number in [0, 1]",
                file=file,
                field="rate_policy.gap_sharing.province_share",
            )
        for key, val in (("basis", self.basis), ("fallback", self.fallback)):
            if val not in _BASES:
                raise InputError(
                    f"must be one of {_BASES}, got {val!r}",
                    file=file,
                    field=f"rate_policy.gap_sharing.{key}",
                )
        if self.floor not in _FLOORS:
            raise InputError(
                f"must be one of {_FLOORS}", file=file, field="rate_policy.gap_sharing.floor"
            )
