"""The sensitivity file (``models/sensitivity.toml``), read and checked against a run.

It is a model file (read with :func:`actuary.spec.read_assumption_file`, so every entry has a
unit, a basis and a note). Each entry's ``value`` is a table ``{target, low, high, label_zh,
label_en}``; ``target`` is ``"<file id>.<key>"`` as in a scenario override, with a file id of
the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from actuary.errors import InputError
from actuary.spec.assumptions import read_assumption_file

__all__ = ["read_sensitivity"]

_SENS_KEYS: Final = {"target", "low", "high", "label_zh", "label_en"}


def read_sensitivity(path: str | Path, run: Any) -> list[dict[str, Any]]:
    """The sensitivity entries of ``path`` (see the module docstring), checked against ``run``."""
    af = read_assumption_file(path)
    out = []
    for key, a in af.values.items():
        v = a.value
        if not isinstance(v, Mapping):
            raise InputError(
                "value must be a table {target, low, high, label_zh, label_en}",
                file=af.path,
                field=key,
            )
        missing = _SENS_KEYS - set(v)
        extra = set(v) - _SENS_KEYS
        if missing or extra:
            raise InputError(
                f"value needs exactly {sorted(_SENS_KEYS)}",
                file=af.path,
                field=f"{key}.{sorted(missing or extra)[0]}",
            )
        target = str(v["target"])
        fid = target.split(".", 1)[0]
        if "." not in target or fid not in run.assumptions:
            raise InputError(
                f"target must be '<file id>.<key>' with a file id of the run "
                f"({', '.join(sorted(run.assumptions))})",
                file=af.path,
                field=f"{key}.target",
            )
        out.append(
            {
                "key": key,
                "target": target,
                "low": v["low"],
                "high": v["high"],
                "label_zh": str(v["label_zh"]),
                "label_en": str(v["label_en"]),
                "unit": a.unit,
                "basis": a.basis,
                "note": a.note,
                "file": af.path,
            }
        )
    return out
