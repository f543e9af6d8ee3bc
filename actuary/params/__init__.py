"""Dated policy parameters (OpenFisca's idea, in TOML shipped inside the package).

Every policy number the package uses — contribution rates, benefit formulas, income figures,
retirement ages, indexation increments — lives in a TOML file under ``actuary/params/data/``.
Each parameter has a description, a unit and a list of values, each *in force from* a date and
carrying a source reference and a confidence tag:

- ``confirmed``: read in the issuing body's text or an official table ([C]);
- ``secondary``: read in a re-publication ([C-sec]);
- ``assumption``: not confirmed by any public source; shown to readers as an assumption.

File format::

    [benefits.funeral_grant_months]
    description = "丧葬补助金: months of the pooling-area average monthly wage"
    unit = "months"
    [[benefits.funeral_grant_months.values]]
    from = 2011-01-01
    value = 6
    source = "工伤保险条例 art. 39(1)"
    confidence = "confirmed"

``value`` may be a number, a string, a boolean, an array or a table (e.g. by grade).
:meth:`Parameter.at` returns the value in force on a date — the latest entry whose ``from`` is on
or before the date — and raises :class:`ParameterError` before the first date (never a silent
``None``).

Examples
--------
>>> import datetime as dt
>>> p = load_parameters()
>>> p["benefits.funeral_grant_months"].at(dt.date(2024, 5, 1))
6
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from actuary.errors import InputError

CONFIDENCE_TAGS = ("confirmed", "secondary", "assumption")
_PARAM_KEYS = {"description", "unit", "values", "article", "note"}
_VALUE_KEYS = {"from", "value", "source", "confidence", "note"}

__all__ = [
    "CONFIDENCE_TAGS",
    "DatedValue",
    "Parameter",
    "ParameterError",
    "ParameterSet",
    "load_parameters",
]


class ParameterError(InputError):
    """A parameter file breaks a rule, or a value is asked for a date before it exists."""


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One value of a parameter, in force from ``start`` until the next value's start."""

    start: dt.date
    value: Any
    source: str
    confidence: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A policy parameter: a step function of the date, with unit and sources."""

    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]
    article: str = ""
    note: str = ""
    file: str = ""

    def entry_at(self, date: dt.date | int) -> DatedValue:
        """The dated value in force on ``date`` (an int means 1 January of that year)."""
        when = dt.date(date, 1, 1) if isinstance(date, int) else date
        found: DatedValue | None = None
        for v in self.values:
            if v.start <= when:
                found = v
            else:
                break
        if found is None:
            raise ParameterError(
                f"no value in force on {when.isoformat()}; the first value starts "
                f"{self.values[0].start.isoformat()}",
                file=self.file or None,
                field=self.name,
            )
        return found

    def at(self, date: dt.date | int) -> Any:
        """The value in force on ``date``."""
        return self.entry_at(date).value

    @property
    def first_date(self) -> dt.date:
        """Date the first value comes into force."""
        return self.values[0].start


class ParameterSet(Mapping[str, Parameter]):
    """All loaded parameters, keyed by dotted name (``benefits.funeral_grant_months``)."""

    def __init__(self, params: Mapping[str, Parameter]) -> None:
        self._params = dict(params)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            raise ParameterError(f"unknown parameter '{name}'", field=name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def at(self, name: str, date: dt.date | int) -> Any:
        """Shorthand for ``self[name].at(date)``."""
        return self[name].at(date)


def _parse_parameter(name: str, node: Mapping[str, Any], file: str) -> Parameter:
    unknown = set(node) - _PARAM_KEYS
    if unknown:
        raise ParameterError(f"unknown key(s) {sorted(unknown)}", file=file, field=name)
    for key in ("description", "unit", "values"):
        if key not in node:
            raise ParameterError(f"missing required key '{key}'", file=file, field=name)
    raw_values = node["values"]
    if not isinstance(raw_values, list) or not raw_values:
        raise ParameterError("'values' must be a non-empty array of tables", file=file, field=name)
    values: list[DatedValue] = []
    for i, entry in enumerate(raw_values, start=1):
        where = f"{name}.values[{i}]"
        if not isinstance(entry, Mapping):
            raise ParameterError("each value must be a table", file=file, field=where)
        bad = set(entry) - _VALUE_KEYS
        if bad:
            raise ParameterError(f"unknown key(s) {sorted(bad)}", file=file, field=where)
        for key in ("from", "value", "source", "confidence"):
            if key not in entry:
                raise ParameterError(f"missing required key '{key}'", file=file, field=where)
        start = entry["from"]
        if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
            raise ParameterError("'from' must be a date (YYYY-MM-DD)", file=file, field=where)
        if entry["confidence"] not in CONFIDENCE_TAGS:
            raise ParameterError(
                f"confidence must be one of {CONFIDENCE_TAGS}, got {entry['confidence']!r}",
                file=file,
                field=where,
            )
        if values and start <= values[-1].start:
            raise ParameterError("'from' dates must be strictly increasing", file=file, field=where)
        values.append(
            DatedValue(
                start=start,
                value=entry["value"],
                source=str(entry["source"]),
                confidence=str(entry["confidence"]),
                note=str(entry.get("note", "")),
            )
        )
    return Parameter(
        name=name,
        description=str(node["description"]),
        unit=str(node["unit"]),
        values=tuple(values),
        article=str(node.get("article", "")),
        note=str(node.get("note", "")),
        file=file,
    )


def _walk(prefix: str, node: Mapping[str, Any], file: str, out: dict[str, Parameter]) -> None:
    if "values" in node or "unit" in node or "description" in node:
        out[prefix] = _parse_parameter(prefix, node, file)
        return
    for key, child in node.items():
        name = f"{prefix}.{key}" if prefix else key
        if not isinstance(child, Mapping):
            raise ParameterError(
                "expected a parameter table (description, unit, values)", file=file, field=name
            )
        _walk(name, child, file, out)


def parse_parameter_file(path: str | Path) -> dict[str, Parameter]:
    """Parse one parameter TOML file into ``{dotted name: Parameter}``."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"not valid TOML: {exc}", file=p) from None
    out: dict[str, Parameter] = {}
    _walk("", doc, str(p), out)
    return out


def _builtin_files() -> list[Path]:
    root = resources.files("actuary.params") / "data"
    return sorted(Path(str(f)) for f in root.iterdir() if f.name.endswith(".toml"))


@functools.lru_cache(maxsize=8)
def _load(files: tuple[str, ...]) -> ParameterSet:
    merged: dict[str, Parameter] = {}
    for f in files:
        for name, param in parse_parameter_file(f).items():
            if name in merged:
                raise ParameterError(
                    f"parameter defined twice (also in {merged[name].file})", file=f, field=name
                )
            merged[name] = param
    return ParameterSet(merged)


def load_parameters(*extra_files: str | Path) -> ParameterSet:
    """Load the package's parameter files (plus any ``extra_files``); cached."""
    files = tuple(str(f) for f in (*_builtin_files(), *extra_files))
    return _load(files)
