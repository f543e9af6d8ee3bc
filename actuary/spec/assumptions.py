"""Assumption files: every value with a unit, a basis and a source or note.

An assumption file is a TOML document with a ``[spec]`` header and nested tables whose leaves
are *assumption values*::

    [spec]
    id = "assumptions.economy"
    version = "1.0.0"
    description = "Economic and labour-market assumptions"

    [wage_growth.long_run_mean]
    value = 0.045
    unit = "1/year"
    basis = "judgement"          # sourced | standard | judgement
    note = "between the 2019-2024 full-caliber average (5.6 %) and nominal GDP trend"

A leaf is any table with a ``value`` key. ``value`` may be a number, string, boolean, array or
table (e.g. keyed by region code or industry class). Allowed leaf keys: ``value``, ``unit``,
``basis``, ``source``, ``note``, ``reason``; ``unit`` and ``basis`` are required and at least one
of ``source`` / ``note``.

A module reading its assumptions states the keys it knows
(:meth:`AssumptionFile.check_keys`), so a misspelt key in a model file is an error naming the
file and the key, not a silently ignored line. Scenarios are overlays (:class:`Override`) applied
with :meth:`AssumptionFile.with_overrides`, which returns a new value and records the reason.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from actuary.encoding import read_text
from actuary.errors import InputError

BASES = ("sourced", "standard", "judgement")
_LEAF_KEYS = {"value", "unit", "basis", "source", "note", "reason"}
_SPEC_KEYS = {"id", "version", "description", "status"}


@dataclass(frozen=True, slots=True)
class Assumption:
    """One assumption value with its metadata."""

    key: str
    value: Any
    unit: str
    basis: str
    source: str = ""
    note: str = ""
    file: str = ""
    overridden_by: str = ""  # scenario id or "run" when an override replaced the value
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Override:
    """A qualitative adjustment (定性调整) or scenario change of one assumption.

    ``target`` is the dotted key (``"wage_growth.long_run_mean"``); with ``year`` set the
    override pins a path value for that year (``"wage_growth" = 0.04 in 2026``) instead of
    replacing a parameter. ``reason`` is required: it is shown in the budget and the report.
    """

    target: str
    value: Any
    reason: str
    year: int | None = None
    origin: str = ""  # file or scenario the override came from


@dataclass(frozen=True)
class AssumptionFile:
    """A parsed assumption file: ``{dotted key: Assumption}`` plus the ``[spec]`` header."""

    path: str
    spec: Mapping[str, Any]
    values: Mapping[str, Assumption]
    pins: tuple[Override, ...] = field(default=())

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def get(self, key: str) -> Assumption:
        """The assumption at ``key``; an ``InputError`` naming the file if it is missing."""
        try:
            return self.values[key]
        except KeyError:
            raise InputError("required assumption is missing", file=self.path, field=key) from None

    def value(self, key: str, unit: str | None = None) -> Any:
        """The value at ``key``, checking its unit when ``unit`` is given."""
        a = self.get(key)
        if unit is not None and a.unit != unit:
            raise InputError(f"wrong unit '{a.unit}', expected '{unit}'", file=self.path, field=key)
        return a.value

    def check_keys(self, allowed: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        """Raise on any key that is neither in ``allowed`` nor under one of ``prefixes``."""
        allowed_set = set(allowed)
        pre = tuple(prefixes)
        for key in self.values:
            if key not in allowed_set and not key.startswith(pre):
                raise InputError(
                    "unknown key (misspelt?); known keys: " + ", ".join(sorted(allowed_set)),
                    file=self.path,
                    field=key,
                )

    def with_overrides(self, overrides: Iterable[Override]) -> AssumptionFile:
        """A new file with the overrides applied (parameter replacements and path pins)."""
        values = dict(self.values)
        pins = list(self.pins)
        for o in overrides:
            if o.year is not None:
                pins.append(o)
                continue
            if o.target not in values:
                raise InputError(
                    "override targets an unknown assumption", file=o.origin or None, field=o.target
                )
            values[o.target] = replace(
                values[o.target], value=o.value, overridden_by=o.origin or "run", reason=o.reason
            )
        return AssumptionFile(self.path, self.spec, values, tuple(pins))

    def to_records(self) -> list[dict[str, Any]]:
        """Rows for an assumptions register (one per value)."""
        return [
            {
                "key": a.key,
                "value": a.value,
                "unit": a.unit,
                "basis": a.basis,
                "source": a.source,
                "note": a.note,
                "file": a.file,
                "overridden_by": a.overridden_by,
                "reason": a.reason,
            }
            for a in self.values.values()
        ]


def _is_leaf(node: Mapping[str, Any]) -> bool:
    return "value" in node


def _parse_leaf(key: str, node: Mapping[str, Any], file: str) -> Assumption:
    bad = set(node) - _LEAF_KEYS
    if bad:
        raise InputError(f"unknown field(s) {sorted(bad)}", file=file, field=key)
    for req in ("unit", "basis"):
        if req not in node:
            raise InputError(f"missing '{req}'", file=file, field=key)
    if node["basis"] not in BASES:
        raise InputError(
            f"basis must be one of {BASES}, got {node['basis']!r}", file=file, field=key
        )
    if not node.get("source") and not node.get("note"):
        raise InputError("give a 'source' or a 'note'", file=file, field=key)
    return Assumption(
        key=key,
        value=node["value"],
        unit=str(node["unit"]),
        basis=str(node["basis"]),
        source=str(node.get("source", "")),
        note=str(node.get("note", "")),
        file=file,
        reason=str(node.get("reason", "")),
    )


def _walk(prefix: str, node: Mapping[str, Any], file: str, out: dict[str, Assumption]) -> None:
    for k, child in node.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if not isinstance(child, Mapping):
            raise InputError(
                "expected a table with value, unit, basis and source/note", file=file, field=key
            )
        if _is_leaf(child):
            out[key] = _parse_leaf(key, child, file)
        else:
            _walk(key, child, file, out)


def read_assumption_file(path: str | Path) -> AssumptionFile:
    """Parse and validate an assumption file (see the module docstring for the format)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", file=p)
    try:
        doc = tomllib.loads(read_text(p)[0])
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=p) from None
    return _from_doc(doc, str(p))


def assumption_file_from(
    source: AssumptionFile | Mapping[str, Any], *, file: str | None = None
) -> AssumptionFile:
    """``source`` as an :class:`AssumptionFile`: itself, or a parsed TOML document in the format
    of the module docstring (``file`` names it in errors). The ``source`` of every spec parser."""
    if isinstance(source, AssumptionFile):
        return source
    if not isinstance(source, Mapping):
        raise InputError(
            f"expected an assumption file or a table, got {type(source).__name__}", file=file
        )
    return _from_doc(dict(source), file or "<table>")


def _from_doc(doc: dict[str, Any], p: str) -> AssumptionFile:
    spec = doc.pop("spec", None)
    if not isinstance(spec, Mapping):
        raise InputError("missing [spec] table (id, version)", file=p, field="spec")
    bad = set(spec) - _SPEC_KEYS
    if bad:
        raise InputError(f"unknown key(s) {sorted(bad)}", file=p, field="spec")
    for req in ("id", "version"):
        if req not in spec:
            raise InputError(f"missing '{req}'", file=p, field=f"spec.{req}")
    out: dict[str, Assumption] = {}
    _walk("", doc, p, out)
    return AssumptionFile(p, dict(spec), out)
