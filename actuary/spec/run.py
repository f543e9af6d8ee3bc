"""Run files: what to project, from which data, with which assumptions, scenarios and policy.

A run file (``models/jilin.toml``) is a strict TOML document::

    [run]
    name = "jilin"
    description = "Embedded default run on the synthetic province"

    [data]
    folder = "../data/synthetic"          # relative to this file

    [calendar]
    base_year = 2025                      # last full year: the budget's prior-year actual
    current_year = 2026                   # partial year: the expected-outturn column
    budget_year = 2027
    first_year = 2026                     # projection years first_year … last_year
    last_year = 2035

    [simulation]
    paths = 2000
    seed = 20261128

    [assumptions]                         # file id = key; read by actuary.spec.read_assumption_file
    economy = "assumptions/economy.toml"
    claims = "assumptions/claims.toml"
    fund = "assumptions/fund.toml"

    [scenarios]
    files = ["scenarios/wage_slowdown.toml"]   # overlays; the baseline is always scenario 0

    [rate_policy]
    rule = "keep"                         # actuary.spec.policy.RatePolicySpec

    [[adjustment]]                        # 定性调整 applied to every scenario
    target = "fund.other_expenditure.share_of_benefits"
    value = 0.02
    reason = "…"

    [outputs]
    central = "mean"                      # the draft column's statistic (mean: additive)
    quantiles = [0.05, 0.5, 0.95]
    money_unit = "万元"

A scenario file is ``[scenario] id, description`` plus ``[[override]]`` tables with ``target =
"<file id>.<key>"`` (file id = a key of ``[assumptions]``), ``value``, ``reason`` and optionally
``year`` (a path pin, e.g. wage growth of 2026). Scenarios never copy the assumption book.

Every unknown key, wrong type, year out of order, horizon beyond :data:`MAX_PROJECTION_YEARS`,
missing file, override of an unknown assumption or implausible value (the bounds tables of
:mod:`actuary.spec.economy`, :mod:`~actuary.spec.claims`, :mod:`~actuary.spec.fund`) raises
:class:`actuary.errors.InputError` naming the file that holds the value and the key: an
``[[adjustment]]`` is blamed on the run file, a scenario override on the scenario file.

:func:`load_run` returns a frozen :class:`RunSpec` whose settings are typed: ``run.economy``
(:class:`~actuary.spec.economy.EconomySpec`), ``run.claims``
(:class:`~actuary.spec.claims.ClaimsSpec`), ``run.fund``
(:class:`~actuary.spec.fund.FundAssumptions`) with the run's adjustments applied, and
``run.rate_policy`` (:class:`~actuary.spec.policy.RatePolicySpec`); ``run.spec_for(file_id,
scenario)`` gives a scenario's.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from actuary.encoding import read_text
from actuary.errors import InputError
from actuary.spec import claims as _claims
from actuary.spec import economy as _economy
from actuary.spec import fund as _fund
from actuary.spec.assumptions import AssumptionFile, Override, read_assumption_file
from actuary.spec.bounds import Bound, check_bound
from actuary.spec.claims import ClaimsSpec
from actuary.spec.economy import EconomySpec
from actuary.spec.fund import FundAssumptions
from actuary.spec.policy import RatePolicySpec

__all__ = [
    "MAX_PROJECTION_YEARS",
    "OutputSpec",
    "RunSpec",
    "ScenarioSpec",
    "load_run",
    "load_scenario",
]

#: The longest projection a run may ask for (last_year − first_year + 1). Basis: the claims and
#: economy models are fitted on 16 history years and carry long-term streams to the end of the
#: mortality table; the long-horizon work needs 30–50 years, beyond that no assumption of the
#: book is plausible.
MAX_PROJECTION_YEARS = 50
_T = TypeVar("_T")

_TABLES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "run": {"name": str, "description": str},
    "data": {"folder": str},
    "calendar": {
        "base_year": int,
        "current_year": int,
        "budget_year": int,
        "first_year": int,
        "last_year": int,
    },
    "simulation": {"paths": int, "seed": int},
    "scenarios": {"files": list},
    "outputs": {"central": str, "quantiles": list, "money_unit": str},
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "run": ("name",),
    "data": ("folder",),
    "calendar": ("base_year", "budget_year", "first_year", "last_year"),
    "simulation": ("paths", "seed"),
}
_ASSUMPTION_FILES = ("economy", "claims", "fund")
#: Plausible ranges of the run file's own numbers.
_RUN_BOUNDS: dict[str, Bound] = {
    "calendar.base_year": Bound(2000, 2100, "the public series and the regulation start ~2000"),
    "simulation.paths": Bound(1, 10_000_000, "10,000 paths = the embedded run; 10 million a cap"),
}
#: The parser of each assumption file id.
_PARSERS: dict[str, Callable[[AssumptionFile], Any]] = {
    "economy": EconomySpec.parse,
    "claims": ClaimsSpec.parse,
    "fund": FundAssumptions.parse,
}
_OVERRIDE_KEYS = {"target", "value", "reason", "year"}
#: The budget draft's central statistic: only the mean is additive, so the draft's totals add up.
_CENTRALS = ("mean",)
_MONEY_UNITS = ("万元",)


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A named overlay on the assumption book (the baseline has no overrides)."""

    name: str
    description: str
    overrides: tuple[Override, ...] = ()
    file: str = ""


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """How results are summarised: the central statistic, the quantiles, the money unit."""

    central: str = "mean"
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)
    money_unit: str = "万元"


@dataclass(frozen=True)
class RunSpec:
    """A validated run file (frozen). Paths are absolute (resolved against the run file)."""

    path: Path
    name: str
    description: str
    data: Path
    base_year: int
    current_year: int
    budget_year: int
    years: tuple[int, ...]
    n_paths: int
    seed: int
    assumption_paths: Mapping[str, Path]
    assumptions: Mapping[str, AssumptionFile]
    scenarios: tuple[ScenarioSpec, ...]
    adjustments: tuple[Override, ...]
    rate_policy: RatePolicySpec
    outputs: OutputSpec = field(default_factory=OutputSpec)
    sha256: str = ""

    @property
    def scenario_names(self) -> tuple[str, ...]:
        """Names of the scenarios, baseline first."""
        return tuple(s.name for s in self.scenarios)

    @property
    def first_year(self) -> int:
        """First projection year (the current year)."""
        return self.years[0]

    @property
    def last_year(self) -> int:
        """Last projection year."""
        return self.years[-1]

    @functools.cached_property
    def economy(self) -> EconomySpec:
        """The economy spec of the baseline, the run's adjustments applied."""
        return self.spec_for("economy")  # type: ignore[no-any-return]

    @functools.cached_property
    def claims(self) -> ClaimsSpec:
        """The claims spec of the baseline, the run's adjustments applied."""
        return self.spec_for("claims")  # type: ignore[no-any-return]

    @functools.cached_property
    def fund(self) -> FundAssumptions:
        """The fund assumptions of the baseline, the run's adjustments applied."""
        return self.spec_for("fund")  # type: ignore[no-any-return]

    def spec_for(self, file_id: str, scenario: str | None = None) -> Any:
        """The parsed spec of one assumption file under ``scenario`` (``None``/baseline: the run's
        adjustments only): :class:`EconomySpec`, :class:`ClaimsSpec` or
        :class:`FundAssumptions`, from :meth:`assumption_file`. An error on an overridden key is
        blamed on the file of the override."""
        if file_id not in _PARSERS:
            raise KeyError(f"unknown assumption file id {file_id!r}; known: {list(_PARSERS)}")
        af = self.assumption_file(file_id, scenario)
        return _blamed(lambda: _PARSERS[file_id](af), self.overrides(file_id, scenario))

    def overrides(self, file_id: str, scenario: str | None = None) -> tuple[Override, ...]:
        """The run's adjustments and ``scenario``'s overrides of one file (``<file id>.`` kept)."""
        out = [o for o in self.adjustments if _file_id(o.target) == file_id]
        if scenario is not None:
            out += [o for o in self.scenario(scenario).overrides if _file_id(o.target) == file_id]
        return tuple(out)

    def assumption_file(self, file_id: str, scenario: str | None = None) -> AssumptionFile:
        """An assumption file with the run's adjustments and ``scenario``'s overrides applied.

        Overrides of keys the file holds replace them; path pins (``year`` set) go to the file's
        ``pins``. Overrides of *fitted* model parameters (not keys of the file, e.g.
        ``economy.wage_growth.mean``) are left to :meth:`model_overrides`.
        """
        base = self.assumptions[file_id]
        own = [
            _strip(o)
            for o in self.overrides(file_id, scenario)
            if o.year is not None or o.target.split(".", 1)[1] in base
        ]
        return base.with_overrides(own)

    def model_overrides(
        self, file_id: str, scenario: str | None = None, *, pins: bool = False
    ) -> tuple[Override, ...]:
        """Overrides of fitted parameters (not keys of the file), ``<file id>.`` stripped.

        With ``pins=True`` the path pins (overrides with a ``year``) are included too, for models
        whose results apply pins at simulation time.
        """
        base = self.assumptions[file_id]
        return tuple(
            _strip(o)
            for o in self.overrides(file_id, scenario)
            if (o.year is None and o.target.split(".", 1)[1] not in base)
            or (pins and o.year is not None)
        )

    def scenario(self, name: str) -> ScenarioSpec:
        """The scenario called ``name``."""
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(f"unknown scenario {name!r}; known: {list(self.scenario_names)}")

    def with_paths(self, n_paths: int | None = None, seed: int | None = None) -> RunSpec:
        """A copy with another number of paths and/or seed (command-line overrides)."""
        import dataclasses

        changes: dict[str, Any] = {}
        if n_paths is not None:
            if n_paths <= 0:
                raise InputError("number of paths must be positive", field="--paths")
            changes["n_paths"] = int(n_paths)
        if seed is not None:
            if seed < 0:
                raise InputError("seed must be non-negative", field="--seed")
            changes["seed"] = int(seed)
        return dataclasses.replace(self, **changes)


def _file_id(target: str) -> str:
    return target.split(".", 1)[0]


def _strip(o: Override) -> Override:
    """The override with its ``<file id>.`` prefix removed (the key inside the file)."""
    return Override(
        target=o.target.split(".", 1)[1],
        value=o.value,
        reason=o.reason,
        year=o.year,
        origin=o.origin,
    )


def _read_toml(p: Path) -> dict[str, Any]:
    if not p.is_file():
        raise InputError("file not found", file=p)
    try:
        return tomllib.loads(read_text(p)[0])
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=p) from None


def _check_table(doc: Mapping[str, Any], name: str, file: Path) -> dict[str, Any]:
    node = doc.get(name, {})
    if not isinstance(node, Mapping):
        raise InputError("expected a table", file=file, field=name)
    allowed = _TABLES[name]
    for key, val in node.items():
        if key not in allowed:
            raise InputError(
                "unknown key (misspelt?); known: " + ", ".join(sorted(allowed)),
                file=file,
                field=f"{name}.{key}",
            )
        want = allowed[key]
        if isinstance(val, bool) and want is int:
            raise InputError("expected an integer, got a boolean", file=file, field=f"{name}.{key}")
        if not isinstance(val, want):
            tname = want.__name__ if isinstance(want, type) else str(want)
            raise InputError(
                f"expected {tname}, got {type(val).__name__}", file=file, field=f"{name}.{key}"
            )
    for key in _REQUIRED.get(name, ()):
        if key not in node:
            raise InputError("required key is missing", file=file, field=f"{name}.{key}")
    return dict(node)


def _blamed(parse: Callable[[], _T], overrides: Sequence[Override]) -> _T:
    """``parse()``, with an error on a key that an override set re-raised on the override's file.

    An assumption file with overrides applied is still named after the assumption file; when the
    faulty value came from a run ``[[adjustment]]`` or a scenario ``[[override]]`` the message
    must name that file instead (where the reader has to fix it).
    """
    try:
        return parse()
    except InputError as exc:
        for o in reversed(overrides):
            key = o.target.split(".", 1)[1]
            if (
                o.year is None
                and exc.field is not None
                and (exc.field == key or exc.field.startswith(key + "."))
            ):
                raise InputError(
                    f"{exc.rule} (the value {o.value!r} comes from this file's override of "
                    f"{o.target}, not from {Path(exc.file or '').name or 'the assumption file'})",
                    file=o.origin or None,
                    field=o.target,
                ) from None
        raise


def _check_override_value(
    fid: str, key: str, value: Any, year: int | None, file: Path, where: str
) -> None:
    """Plausible range of an override value, by the bounds table of its file's spec module."""
    field_ = f"{where}.value"
    if fid == "economy":
        _economy.check_override(key, value, year, file=str(file), field=field_)
        return
    bounds = _claims.BOUNDS if fid == "claims" else _fund.BOUNDS
    if key in bounds:
        check_bound(value, bounds[key], file=file, field=f"{field_} ({fid}.{key})")


def _parse_override(
    node: Any,
    where: str,
    file: Path,
    assumptions: Mapping[str, AssumptionFile],
    years: Sequence[int] | None = None,
) -> Override:
    if not isinstance(node, Mapping):
        raise InputError("expected a table (target, value, reason)", file=file, field=where)
    bad = set(node) - _OVERRIDE_KEYS
    if bad:
        raise InputError(f"unknown key(s) {sorted(bad)}", file=file, field=where)
    for req in ("target", "value", "reason"):
        if req not in node:
            raise InputError(f"missing '{req}'", file=file, field=where)
    target = node["target"]
    if not isinstance(target, str) or "." not in target:
        raise InputError("target must be '<file id>.<key>'", file=file, field=f"{where}.target")
    fid, key = target.split(".", 1)
    if fid not in assumptions:
        raise InputError(
            f"unknown assumption file id {fid!r}; known: {sorted(assumptions)}",
            file=file,
            field=f"{where}.target",
        )
    year = node.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise InputError("year must be an integer", file=file, field=f"{where}.year")
    if year is not None and years is not None and year not in years:
        raise InputError(
            f"year {year} is outside the projection years {years[0]} … {years[-1]}",
            file=file,
            field=f"{where}.year",
        )
    if year is None and fid == "fund" and key not in assumptions[fid]:
        raise InputError(
            f"override targets an unknown assumption {target!r} (no key {key!r} in "
            f"{Path(assumptions[fid].path).name})",
            file=file,
            field=f"{where}.target",
        )
    reason = node["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise InputError("a reason is required", file=file, field=f"{where}.reason")
    if year is None and key in assumptions[fid]:
        old = assumptions[fid].get(key).value
        _check_same_kind(old, node["value"], file, f"{where}.value")
    _check_override_value(fid, key, node["value"], year, file, where)
    return Override(target=target, value=node["value"], reason=reason, year=year, origin=str(file))


def _check_same_kind(old: Any, new: Any, file: Path, where: str) -> None:
    num = (int, float)
    if isinstance(old, bool) or isinstance(new, bool):
        ok = isinstance(old, bool) == isinstance(new, bool)
    elif isinstance(old, num):
        ok = isinstance(new, num)
    else:
        ok = type(old) is type(new)
    if not ok:
        raise InputError(
            f"value of type {type(new).__name__} replaces one of type {type(old).__name__}",
            file=file,
            field=where,
        )


def load_scenario(
    path: str | Path,
    assumptions: Mapping[str, AssumptionFile],
    years: Sequence[int] | None = None,
) -> ScenarioSpec:
    """Read a scenario overlay file (``[scenario]`` + ``[[override]]``).

    Values are checked against the plausible ranges of their file; with ``years`` (the run's
    projection years) a pin's year must be one of them.
    """
    p = Path(path).resolve()
    doc = _read_toml(p)
    bad = set(doc) - {"scenario", "override"}
    if bad:
        raise InputError(f"unknown table(s) {sorted(bad)}", file=p, field=sorted(bad)[0])
    head = doc.get("scenario")
    if not isinstance(head, Mapping):
        raise InputError("missing [scenario] table (id, description)", file=p, field="scenario")
    hbad = set(head) - {"id", "description"}
    if hbad:
        raise InputError(f"unknown key(s) {sorted(hbad)}", file=p, field="scenario")
    sid = head.get("id")
    if not isinstance(sid, str) or not sid:
        raise InputError("missing scenario id", file=p, field="scenario.id")
    if sid == "baseline":
        raise InputError(
            "'baseline' is reserved for the run without overlays", file=p, field="scenario.id"
        )
    raw = doc.get("override", [])
    if not isinstance(raw, list):
        raise InputError("use [[override]] tables", file=p, field="override")
    overrides = tuple(
        _parse_override(o, f"override[{i}]", p, assumptions, years)
        for i, o in enumerate(raw, start=1)
    )
    return ScenarioSpec(sid, str(head.get("description", "")), overrides, str(p))


def load_run(path: str | Path) -> RunSpec:
    """Read and validate a run file and every file it names.

    Raises
    ------
    InputError
        Unknown key, wrong type, years out of order, a missing or invalid assumption or scenario
        file, an override of an unknown assumption, an unknown rate rule.
    """
    p = Path(path).resolve()
    doc = _read_toml(p)
    known = set(_TABLES) | {"assumptions", "rate_policy", "adjustment"}
    for key in doc:
        if key not in known:
            raise InputError(
                "unknown table (misspelt?); known: " + ", ".join(sorted(known)), file=p, field=key
            )
    t = {name: _check_table(doc, name, p) for name in _TABLES}
    base = p.parent

    data = (base / t["data"]["folder"]).resolve()
    if not data.is_dir():
        raise InputError(f"data folder not found: {data}", file=p, field="data.folder")

    cal = t["calendar"]
    base_year = cal["base_year"]
    current_year = cal.get("current_year", base_year + 1)
    first, last, budget_year = cal["first_year"], cal["last_year"], cal["budget_year"]
    if current_year != base_year + 1:
        raise InputError(
            "current_year must be base_year + 1", file=p, field="calendar.current_year"
        )
    if first != current_year:
        raise InputError(
            "projection must start in the current year (first_year = base_year + 1)",
            file=p,
            field="calendar.first_year",
        )
    for key in ("base_year",):
        check_bound(cal[key], _RUN_BOUNDS[f"calendar.{key}"], file=p, field=f"calendar.{key}")
    if last < first:
        raise InputError(
            "years out of order: last_year < first_year", file=p, field="calendar.last_year"
        )
    if last - first + 1 > MAX_PROJECTION_YEARS:
        raise InputError(
            f"a projection of {last - first + 1} years ({first} … {last}) is beyond what the "
            f"model supports: at most {MAX_PROJECTION_YEARS} years (last_year ≤ "
            f"{first + MAX_PROJECTION_YEARS - 1})",
            file=p,
            field="calendar.last_year",
        )
    if not first <= budget_year <= last:
        raise InputError(
            f"budget_year must lie in first_year … last_year ({first} … {last})",
            file=p,
            field="calendar.budget_year",
        )
    if budget_year <= current_year:
        raise InputError(
            "budget_year must come after current_year", file=p, field="calendar.budget_year"
        )

    sim = t["simulation"]
    if sim["paths"] <= 0:
        raise InputError("must be positive", file=p, field="simulation.paths")
    check_bound(sim["paths"], _RUN_BOUNDS["simulation.paths"], file=p, field="simulation.paths")
    if sim["seed"] < 0:
        raise InputError("must be non-negative", file=p, field="simulation.seed")

    raw_assumptions = doc.get("assumptions")
    if not isinstance(raw_assumptions, Mapping):
        raise InputError("missing [assumptions] table", file=p, field="assumptions")
    for key, val in raw_assumptions.items():
        if key not in _ASSUMPTION_FILES:
            raise InputError(
                "unknown assumption file id; known: " + ", ".join(_ASSUMPTION_FILES),
                file=p,
                field=f"assumptions.{key}",
            )
        if not isinstance(val, str):
            raise InputError("expected a path", file=p, field=f"assumptions.{key}")
    for key in _ASSUMPTION_FILES:
        if key not in raw_assumptions:
            raise InputError(
                "required assumption file is missing", file=p, field=f"assumptions.{key}"
            )
    apaths = {k: (base / v).resolve() for k, v in raw_assumptions.items()}
    afiles: dict[str, AssumptionFile] = {}
    for k, ap in apaths.items():
        if not ap.is_file():
            raise InputError(f"file not found: {ap}", file=p, field=f"assumptions.{k}")
        afiles[k] = read_assumption_file(ap)
    for k, af in afiles.items():
        _PARSERS[k](af)  # each file valid as it stands (named in its own errors)
    years = tuple(range(first, last + 1))

    scenarios = [ScenarioSpec("baseline", "assumption book as it stands, no overlay")]
    for i, f in enumerate(t["scenarios"].get("files", []), start=1):
        if not isinstance(f, str):
            raise InputError("expected a path", file=p, field=f"scenarios.files[{i}]")
        sp = (base / f).resolve()
        if not sp.is_file():
            raise InputError(f"file not found: {sp}", file=p, field=f"scenarios.files[{i}]")
        sc = load_scenario(sp, afiles, years)
        if sc.name in {s.name for s in scenarios}:
            raise InputError(f"duplicate scenario id {sc.name!r}", file=sp, field="scenario.id")
        scenarios.append(sc)

    raw_adj = doc.get("adjustment", [])
    if not isinstance(raw_adj, list):
        raise InputError("use [[adjustment]] tables", file=p, field="adjustment")
    adjustments = tuple(
        _parse_override(a, f"adjustment[{i}]", p, afiles, years)
        for i, a in enumerate(raw_adj, start=1)
    )

    rate_policy = RatePolicySpec.parse(doc.get("rate_policy", {"rule": "keep"}), file=str(p))

    out = t["outputs"]
    central = out.get("central", "mean")
    if central not in _CENTRALS:
        raise InputError(f"must be one of {_CENTRALS}", file=p, field="outputs.central")
    qs = out.get("quantiles", [0.05, 0.5, 0.95])
    if (
        not qs
        or not all(isinstance(q, int | float) and not isinstance(q, bool) for q in qs)
        or not all(0.0 < q < 1.0 for q in qs)
        or list(qs) != sorted(qs)
        or len(set(qs)) != len(qs)
    ):
        raise InputError(
            "quantiles must be increasing fractions in (0, 1)", file=p, field="outputs.quantiles"
        )
    unit = out.get("money_unit", "万元")
    if unit not in _MONEY_UNITS:
        raise InputError(
            f"wrong unit {unit!r}; expected one of {_MONEY_UNITS}",
            file=p,
            field="outputs.money_unit",
        )

    h = hashlib.sha256(p.read_bytes())
    for ap in sorted(apaths.values()):
        h.update(ap.read_bytes())
    for sc in scenarios[1:]:
        h.update(Path(sc.file).read_bytes())

    run = RunSpec(
        path=p,
        name=t["run"]["name"],
        description=t["run"].get("description", ""),
        data=data,
        base_year=base_year,
        current_year=current_year,
        budget_year=budget_year,
        years=years,
        n_paths=sim["paths"],
        seed=sim["seed"],
        assumption_paths=apaths,
        assumptions=afiles,
        scenarios=tuple(scenarios),
        adjustments=adjustments,
        rate_policy=rate_policy,
        outputs=OutputSpec(central=central, quantiles=tuple(float(q) for q in qs), money_unit=unit),
        sha256=h.hexdigest(),
    )
    # every scenario's specs parse (adjustments and overrides applied), blamed on their files
    for sc in run.scenarios:
        for fid in _PARSERS:
            run.spec_for(fid, None if sc.name == "baseline" else sc.name)
    return run
