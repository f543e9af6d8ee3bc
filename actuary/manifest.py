"""Run manifests: what produced an output folder, and a check that cannot be fooled by the pack.

Every command that writes an output folder calls :func:`write_manifest` last inside its
``staged_output`` block. ``DIR/manifest.json`` then records

- the package version, the git commit of the source tree (``null`` when the package does not
  run from a git checkout) and whether the tree had uncommitted changes;
- Python, platform and the versions of the libraries that shape the numbers;
- the command (verb and arguments, with the output folder replaced by ``{out}``) and the
  working folder it ran in;
- ``input_root``: the folder the input paths are relative to (the working folder when every
  input lies inside it, else the deepest folder holding them all); files of the package itself
  (the policy-parameter files) are recorded relative to the package, with ``"root": "package"``;
- the run file, every assumption and scenario file, every file of the data folder and every
  policy-parameter file, each with its SHA-256 and, for CSV and TOML files, the text encoding
  they are read with (UTF-8 or GB18030; and any extra inputs a command names);
- the seed and the number of paths;
- every output file of the folder with its SHA-256;
- ``manifest_sha256``: the SHA-256 of the manifest's own canonical content (every field but
  this one, as JSON with sorted keys, no spaces, UTF-8; :func:`manifest_sha256`).

:func:`verify` checks, in order, and never executes anything from the pack or the folder the
command ran in (see :mod:`actuary.commands.verify` for the re-run):

1. the manifest's content hash (an edited seed, path count, argv or a deleted record is named);
2. the recorded command against a whitelist per verb (:data:`VERBS`): unknown verbs and options
   are refused, ``--out`` must be ``{out}``; every recorded path must be relative, without
   ``..``, and stay inside its root (the pack folder for outputs, the input root for inputs);
3. every output file in the pack folder against its recorded SHA-256: changed, missing, extra;
4. every input under the input root: changed or missing;
5. the re-run of the recorded command into a temporary folder (or ``keep``): each output
   identical or different (``content_sha256`` for xlsx / NetCDF), and the re-run's own manifest
   against the recorded seed, path count and input records.

Deterministic outputs
---------------------
Re-run outputs are compared byte for byte, except where a file format stores the time of
writing:

- ``.xlsx`` (openpyxl writes ``dcterms:created`` / ``dcterms:modified`` in
  ``docProps/core.xml`` and the clock time in every zip entry header): compared by *content* —
  the SHA-256 of the sorted archive members' names and bytes with the two timestamps blanked
  (:func:`content_sha256`). The manifest records both the raw ``sha256`` and ``content_sha256``.
- ``.nc`` (NetCDF-4/HDF5): compared by content too — variables, coordinates, dimensions and
  attributes read back with xarray and hashed in a fixed order — because HDF5 may place
  identical data at different byte offsets.
- PNG (written by :func:`actuary.output.figures.to_png`: no date metadata) and the report PDF
  (fixed creation date) are byte-stable and compared raw.

The pack's own files are checked with the raw SHA-256 (a changed byte anywhere is named).
``manifest.json`` itself is not an output and may carry the volatile ``created_utc`` field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Final

from actuary._version import __version__
from actuary.encoding import decode_text
from actuary.errors import InputError
from actuary.io import sha256_file

MANIFEST_NAME: Final = "manifest.json"
FORMAT_VERSION: Final = 2
#: Formats :func:`read_manifest` reads (format 1 has no content hash: verify fails it).
READ_FORMATS: Final = (1, 2)
#: Field holding the manifest's own content hash.
HASH_FIELD: Final = "manifest_sha256"
#: Placeholder of the output folder in the recorded command.
OUT_TOKEN: Final = "{out}"
#: Libraries whose versions are recorded (those that shape numbers or output bytes).
LIBRARIES: Final = (
    "numpy",
    "scipy",
    "pandas",
    "xarray",
    "statsmodels",
    "matplotlib",
    "openpyxl",
    "h5netcdf",
    "h5py",
    "fpdf2",
    "mplfonts",
    "pydantic",
    "pandera",
    "dask",
)
_CONTENT_SUFFIXES: Final = (".xlsx", ".nc")


# --------------------------------------------------------------------------------------------
# hashing
# --------------------------------------------------------------------------------------------

_CORE_TIMES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def _zip_content_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            data = zf.read(name)
            if name == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\1\2", data)
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def _netcdf_content_sha256(path: Path) -> str:
    import numpy as np
    import xarray as xr

    h = hashlib.sha256()

    def attrs(a: Mapping[str, Any]) -> None:
        for k in sorted(a):
            h.update(f"{k}={np.asarray(a[k]).tolist()!r};".encode())

    with xr.open_dataset(path) as ds:
        h.update(repr(sorted(ds.sizes.items())).encode())
        attrs(ds.attrs)
        for name in sorted(map(str, ds.variables)):
            var = ds.variables[name]
            h.update(f"{name}:{var.dims}:{var.dtype}".encode())
            attrs(var.attrs)
            values = np.ascontiguousarray(var.values)
            if values.dtype.kind in "OUS":
                h.update(repr(values.tolist()).encode())
            else:
                h.update(values.tobytes())
    return h.hexdigest()


def content_sha256(path: str | Path) -> str:
    """SHA-256 of a file's *content*, ignoring write-time metadata (see the module notes).

    For ``.xlsx`` and ``.nc`` files this differs from :func:`actuary.io.sha256_file`; for any
    other file it is the plain SHA-256 of the bytes.
    """
    p = Path(path)
    if p.suffix == ".xlsx":
        return _zip_content_sha256(p)
    if p.suffix == ".nc":
        return _netcdf_content_sha256(p)
    return sha256_file(p)


#: Input files read as text: their encoding (UTF-8 or GB18030, :mod:`actuary.encoding`) is recorded.
_TEXT_INPUTS: Final = (".csv", ".toml")


def _text_encoding(path: Path) -> str:
    """The encoding the package reads a text input with (``"unreadable"`` if neither)."""
    try:
        return decode_text(path.read_bytes(), file=path)[1]
    except InputError:
        return "unreadable"


def _file_record(path: Path, name: str) -> dict[str, Any]:
    rec: dict[str, Any] = {"path": name, "sha256": sha256_file(path), "bytes": path.stat().st_size}
    if path.suffix in _CONTENT_SUFFIXES:
        rec["content_sha256"] = content_sha256(path)
    return rec


# --------------------------------------------------------------------------------------------
# environment
# --------------------------------------------------------------------------------------------


def _package_root() -> Path:
    return Path(__file__).resolve().parent.parent


def git_state(folder: str | Path | None = None) -> dict[str, Any]:
    """Commit and dirtiness of the git checkout holding the package (``commit: None`` if none)."""
    root = Path(folder) if folder is not None else _package_root()
    if shutil.which("git") is None:
        return {"commit": None, "dirty": None, "note": "git not installed"}
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None, "note": "not a git checkout"}
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"commit": None, "dirty": None, "note": f"git failed: {exc}"}
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def library_versions() -> dict[str, str | None]:
    """Installed versions of :data:`LIBRARIES` (``None`` when not installed)."""
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


# --------------------------------------------------------------------------------------------
# inputs of a run
# --------------------------------------------------------------------------------------------


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def parameter_files() -> list[Path]:
    """The policy-parameter files shipped in :mod:`actuary.params` (sorted)."""
    folder = resources.files("actuary.params") / "data"
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".toml"))


def referenced_files(run: Any) -> list[Path]:
    """Files named by assumption values (e.g. a mortality table), resolved against the file."""
    out: set[Path] = set()
    for fid, af in dict(run.assumptions).items():
        folder = Path(dict(run.assumption_paths)[fid]).parent
        for a in af.values.values():
            v = a.value
            if isinstance(v, str) and v.endswith((".csv", ".csv.gz", ".toml", ".json")):
                p = (folder / v).resolve()
                if p.is_file():
                    out.add(p)
    return sorted(out)


def run_inputs(run: Any) -> dict[str, list[Path]]:
    """Input files of a run, by group: ``run``, ``assumptions``, ``referenced`` (files named by
    assumption values), ``scenarios``, ``data``, ``parameters``.

    ``run`` is an :class:`actuary.spec.run.RunSpec` (read through its attributes ``path``,
    ``assumption_paths``, ``scenarios`` and ``data``).
    """
    groups: dict[str, list[Path]] = {"run": [Path(run.path)]}
    groups["assumptions"] = [Path(p) for p in dict(run.assumption_paths).values()]
    groups["referenced"] = referenced_files(run)
    groups["scenarios"] = sorted(
        {Path(s.file) for s in getattr(run, "scenarios", ()) if getattr(s, "file", "")}
    )
    data = Path(run.data)
    groups["data"] = sorted(p for p in data.rglob("*") if p.is_file()) if data.is_dir() else []
    groups["parameters"] = parameter_files()
    return groups


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def command_template(argv: Sequence[str]) -> list[str]:
    """``argv`` with the value of ``--out`` replaced by :data:`OUT_TOKEN`."""
    out: list[str] = []
    skip = False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == "--out" and i + 1 < len(argv):
            out += ["--out", OUT_TOKEN]
            skip = True
        elif a.startswith("--out="):
            out.append(f"--out={OUT_TOKEN}")
        else:
            out.append(a)
    if OUT_TOKEN not in " ".join(out):
        out += ["--out", OUT_TOKEN]
    return out


def manifest_sha256(doc: Mapping[str, Any]) -> str:
    """SHA-256 of a manifest's canonical content: every field but :data:`HASH_FIELD`, as JSON
    with sorted keys, ``(",", ":")`` separators and non-ASCII kept, encoded in UTF-8."""
    body = {k: v for k, v in doc.items() if k != HASH_FIELD}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _input_root(files: Sequence[Path], cwd: Path) -> Path:
    """``cwd`` when every file lies inside it, else the deepest folder holding them all."""
    if all(_inside(f, cwd) for f in files):
        return cwd
    try:
        return Path(os.path.commonpath([str(f.parent) for f in files]))
    except ValueError:  # different drives (Windows)
        return cwd


def build_manifest(
    stage_dir: str | Path,
    *,
    argv: Sequence[str],
    run: Any = None,
    inputs: Mapping[str, Iterable[str | Path]] | None = None,
    seed: int | None = None,
    n_paths: int | None = None,
    extra: Mapping[str, Any] | None = None,
    cwd: str | Path | None = None,
    outputs: Iterable[str | Path] | None = None,
) -> dict[str, Any]:
    """The manifest of the output files in ``stage_dir`` (see the module docstring).

    Parameters
    ----------
    stage_dir
        Folder holding the outputs (the ``staged_output`` folder, before it is moved).
    argv
        The command's arguments after ``actuary`` (verb first), e.g. ``args.argv``.
    run
        The :class:`~actuary.spec.run.RunSpec` used; its files are hashed
        (:func:`run_inputs`), and its seed and path count recorded unless given.
    inputs
        Extra input files by group (e.g. ``{"previous": [manifest]}``).
    cwd
        The folder the command ran in (default: the current folder).
    outputs
        The output files (default: every file under ``stage_dir`` except the manifest).
    """
    base = (Path(cwd) if cwd is not None else Path.cwd()).resolve()
    groups: dict[str, list[Path]] = run_inputs(run) if run is not None else {}
    for g, files in (inputs or {}).items():
        groups.setdefault(g, []).extend(Path(f) for f in files)
    package = _package_dir()
    resolved: list[tuple[str, Path]] = []
    for g, files in groups.items():
        for f in files:
            if not f.is_file():
                raise InputError("input file not found", file=f)
            resolved.append((g, f.resolve()))
    root = _input_root([f for _, f in resolved if not _inside(f, package)], base)
    input_recs = []
    for g, f in resolved:
        if _inside(f, package):
            rec = _file_record(f, f.relative_to(package).as_posix())
            rec["root"] = "package"
        else:
            rec = _file_record(f, f.relative_to(root).as_posix())
        rec["group"] = g
        if f.suffix.lower() in _TEXT_INPUTS:
            rec["encoding"] = _text_encoding(f)
        input_recs.append(rec)
    stage = Path(stage_dir).resolve()
    out_files: list[Path]
    if outputs is None:
        out_files = [p for p in sorted(stage.rglob("*")) if p.is_file() and p.name != MANIFEST_NAME]
    else:
        out_files = sorted(
            (q if q.is_absolute() else stage / q).resolve() for q in map(Path, outputs)
        )
    output_recs = [_file_record(p, p.relative_to(stage).as_posix()) for p in out_files]
    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "package": {"name": "actuary", "version": __version__, **git_state()},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": library_versions(),
        "command": {
            "argv": command_template(list(argv)),
            "cwd": str(base),
            "display": "actuary " + " ".join(argv),
        },
        "input_root": str(root),
        "seed": seed if seed is not None else getattr(run, "seed", None),
        "n_paths": n_paths if n_paths is not None else getattr(run, "n_paths", None),
        "run_sha256": getattr(run, "sha256", None) or None,
        "inputs": input_recs,
        "outputs": output_recs,
        "extra": dict(extra or {}),
        "created_utc": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    doc[HASH_FIELD] = manifest_sha256(doc)
    return doc


def write_manifest(stage_dir: str | Path, **kwargs: Any) -> Path:
    """Build the manifest of ``stage_dir`` and write it as ``stage_dir/manifest.json``.

    Call it last inside a command's ``staged_output`` block, after every output is written;
    keyword arguments as :func:`build_manifest`.
    """
    doc = build_manifest(stage_dir, **kwargs)
    path = Path(stage_dir) / MANIFEST_NAME
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Load and check a manifest file (``InputError`` naming the file on a bad one)."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_NAME
    if not p.is_file():
        raise InputError("manifest not found", file=p)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a JSON manifest: {exc}", file=p) from None
    if not isinstance(doc, dict):
        raise InputError("not a manifest (expected a JSON object)", file=p)
    for key in ("format", "command", "inputs", "outputs"):
        if key not in doc:
            raise InputError("required key is missing", file=p, field=key)
    if doc["format"] not in READ_FORMATS:
        raise InputError(f"unsupported manifest format {doc['format']!r}", file=p, field="format")
    cmd = doc["command"]
    if not isinstance(cmd, dict) or not isinstance(cmd.get("argv"), list) or not cmd["argv"]:
        raise InputError("command.argv must be a non-empty list", file=p, field="command.argv")
    if not all(isinstance(a, str) for a in cmd["argv"]):
        raise InputError("command.argv must hold strings", file=p, field="command.argv")
    for key in ("inputs", "outputs"):
        recs = doc[key]
        ok = isinstance(recs, list) and all(
            isinstance(r, dict)
            and isinstance(r.get("path"), str)
            and isinstance(r.get("sha256"), str)
            for r in recs
        )
        if not ok:
            raise InputError(
                "must be a list of records with 'path' and 'sha256'", file=p, field=key
            )
    return doc


def input_root(doc: Mapping[str, Any], root: str | Path | None = None) -> Path:
    """Folder the manifest's input paths are resolved against: ``root`` when given, else the
    recorded ``input_root`` (format 1: ``command.cwd``) when it exists here, else the current
    folder."""
    if root is not None:
        return Path(root).resolve()
    cmd = doc.get("command") or {}
    recorded = doc.get("input_root") or (cmd.get("cwd") if isinstance(cmd, dict) else None)
    if isinstance(recorded, str) and recorded and Path(recorded).is_dir():
        return Path(recorded).resolve()
    return Path.cwd().resolve()


# --------------------------------------------------------------------------------------------
# what verify accepts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerbSpec:
    """What ``actuary verify`` accepts of a recorded command of one verb.

    ``positionals``: kinds of the positional arguments in order (``"input"`` one recorded input
    file, ``"inputs"`` one or more). ``options``: option name → kind of value: ``flag`` (none),
    ``int``, ``float``, ``name`` (a scenario name), ``lang`` (zh / en), ``input`` (a recorded
    input file), ``previous`` (a recorded manifest, or the folder holding it), ``drop`` (ignored
    by the re-run, with a note: ``--scheduler``, whose results are identical to local runs).
    ``--out`` is always accepted and must be ``{out}``.
    """

    positionals: tuple[str, ...]
    options: Mapping[str, str]


_RUN_OPTIONS: Final = {"--paths": "int", "--seed": "int"}
_EXEC_OPTIONS: Final = {"--workers": "int", "--quiet": "flag"}
#: The verbs (and their options) ``actuary verify`` re-runs; anything else is refused.
VERBS: Final[Mapping[str, VerbSpec]] = {
    "simulate": VerbSpec(
        ("input",), {**_RUN_OPTIONS, **_EXEC_OPTIONS, "--scheduler": "drop", "--scenario": "name"}
    ),
    "budget": VerbSpec(
        ("input",), {**_RUN_OPTIONS, **_EXEC_OPTIONS, "--scheduler": "drop", "--scenario": "name"}
    ),
    "rates": VerbSpec(
        ("input",),
        {
            **_RUN_OPTIONS,
            **_EXEC_OPTIONS,
            "--target-months": "float",
            "--alpha": "float",
            "--horizon": "int",
        },
    ),
    "compare": VerbSpec(("input", "inputs"), {**_RUN_OPTIONS, **_EXEC_OPTIONS}),
    "report": VerbSpec(
        ("input",),
        {
            **_RUN_OPTIONS,
            "--lang": "lang",
            "--previous": "previous",
            "--sensitivity": "input",
            "--sensitivity-paths": "int",
            "--no-sensitivity": "flag",
        },
    ),
}
_INT = re.compile(r"-?\d{1,12}")
_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")


class Refused(Exception):
    """A manifest that ``verify`` will not act on (the message says which field and why)."""


def safe_relative(path: str, *, what: str) -> PurePosixPath:
    """``path`` as a relative POSIX path without ``..``; :class:`Refused` otherwise."""
    if not path or "\0" in path:
        raise Refused(f"{what} {path!r} is empty or holds a NUL byte")
    if (
        PurePosixPath(path).is_absolute()
        or PureWindowsPath(path).is_absolute()
        or (PureWindowsPath(path).drive)
    ):
        raise Refused(f"{what} {path!r} is absolute")
    p = PurePosixPath(path)
    if ".." in p.parts or "\\" in path:
        raise Refused(f"{what} {path!r} escapes its folder ('..' or a backslash)")
    return p


def contained(folder: Path, rel: PurePosixPath, *, what: str) -> Path:
    """``folder / rel`` resolved; :class:`Refused` if a link takes it outside ``folder``."""
    base = folder.resolve()
    target = (base / rel).resolve()
    if not _inside(target, base):
        raise Refused(f"{what} {rel.as_posix()!r} resolves outside {base} (a link)")
    return target


@dataclass
class Rerun:
    """The sanitised command ``verify`` runs: ``argv`` (verb first, in the recorded order; path
    arguments verbatim where they name the same file from ``cwd``, else mapped onto the input
    root; ``--out`` the re-run's folder), the folder to run it in, and notes on what was changed
    (dropped options, capped workers)."""

    argv: list[str]
    cwd: Path
    notes: list[str] = field(default_factory=list)


def _recorded_folders(doc: Mapping[str, Any]) -> tuple[str, str]:
    cwd = str(doc["command"].get("cwd") or "")
    rec_root = str(doc.get("input_root") or cwd)
    if not os.path.isabs(rec_root) or not os.path.isabs(cwd):
        raise Refused("command.cwd / input_root must be absolute paths")
    return os.path.normpath(cwd), os.path.normpath(rec_root)


def _rerun_folder(doc: Mapping[str, Any], root: Path) -> Path:
    """The recorded working folder mapped onto ``root`` (``root`` itself when it cannot be)."""
    cwd, rec_root = _recorded_folders(doc)
    rel = os.path.relpath(cwd, rec_root)
    if not (rel == ".." or rel.startswith(".." + os.sep)):
        mapped = (root / rel).resolve()
        return mapped if mapped.is_dir() and _inside(mapped, root.resolve()) else root
    if Path(rec_root).resolve() == root.resolve() and Path(cwd).is_dir():
        return Path(cwd).resolve()  # same machine: the folder it ran in (nothing runs from it)
    return root


def _map_path(
    value: str, doc: Mapping[str, Any], root: Path, run_in: Path, recorded: set[str], kind: str
) -> str:
    """A recorded path argument for the re-run: it must lie inside the recorded input root and
    be a recorded input (or, for ``previous``, a folder holding one); returned verbatim when it
    names that file from ``run_in``, else as the absolute path under ``root``."""
    cwd, rec_root = _recorded_folders(doc)
    full = os.path.normpath(value if os.path.isabs(value) else os.path.join(cwd, value))
    rel = os.path.relpath(full, rec_root)
    if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        raise Refused(f"command.argv: {value!r} lies outside the recorded input root {rec_root}")
    rel_posix = PurePosixPath(*Path(rel).parts).as_posix()
    ok = rel_posix in recorded or (
        kind == "previous" and f"{rel_posix}/{MANIFEST_NAME}" in recorded
    )
    if not ok:
        raise Refused(f"command.argv: {value!r} is not one of the recorded inputs")
    target = contained(root, PurePosixPath(rel_posix), what="command.argv path")
    here = Path(os.path.normpath(value if os.path.isabs(value) else run_in / value))
    return value if here.resolve() == target else str(target)


def sanitise_command(doc: Mapping[str, Any], root: Path, out_dir: Path) -> Rerun:
    """The recorded ``command.argv`` checked against :data:`VERBS` and rebuilt for a re-run
    into ``out_dir`` with input paths mapped onto ``root``; :class:`Refused` names the first
    argument it will not run."""
    argv = [str(a) for a in doc["command"]["argv"]]
    verb = argv[0]
    if verb not in VERBS:
        raise Refused(
            f"command.argv: verb {verb!r} is not re-run by verify (accepted: {', '.join(VERBS)})"
        )
    spec = VERBS[verb]
    recorded = {str(r["path"]) for r in doc["inputs"] if r.get("root", "input") == "input"}
    run_in = _rerun_folder(doc, root)
    out: list[str] = [verb]
    notes: list[str] = []
    n_positional = 0
    n_out = 0
    i = 1
    while i < len(argv):
        tok = argv[i]
        i += 1
        if not tok.startswith("-") or _INT.fullmatch(tok):
            out.append(_map_path(tok, doc, root, run_in, recorded, "input"))
            n_positional += 1
            continue
        name, eq, value = tok.partition("=")
        if name == "--out":
            if not eq:
                if i >= len(argv):
                    raise Refused("command.argv: --out has no value")
                value, i = argv[i], i + 1
            if value != OUT_TOKEN:
                raise Refused(f"command.argv: --out must be {OUT_TOKEN}, not {value!r}")
            out += [f"--out={out_dir}"] if eq else ["--out", str(out_dir)]
            n_out += 1
            continue
        kind = spec.options.get(name)
        if kind is None:
            raise Refused(f"command.argv: option {name!r} is not accepted for 'actuary {verb}'")
        if kind == "flag":
            if eq:
                raise Refused(f"command.argv: option {name} takes no value")
            out.append(name)
            continue
        if not eq:
            if i >= len(argv):
                raise Refused(f"command.argv: option {name} has no value")
            value, i = argv[i], i + 1
        if kind == "drop":
            notes.append(f"{name} {value} ignored: the re-run is local (identical results)")
            continue
        if kind == "int" and not _INT.fullmatch(value):
            raise Refused(f"command.argv: option {name} needs an integer, not {value!r}")
        if kind == "float" and not (_FLOAT.fullmatch(value) and math.isfinite(float(value))):
            raise Refused(f"command.argv: option {name} needs a number, not {value!r}")
        if kind == "name" and not _NAME.fullmatch(value):
            raise Refused(f"command.argv: option {name} needs a scenario name, not {value!r}")
        if kind == "lang" and value not in ("zh", "en"):
            raise Refused(f"command.argv: option {name} must be zh or en, not {value!r}")
        if kind in ("input", "previous"):
            value = _map_path(value, doc, root, run_in, recorded, kind)
        if name == "--workers":
            cap = max(1, min(int(value), os.cpu_count() or 1))
            if cap != int(value):
                notes.append(f"--workers {value} capped at {cap} (identical results)")
            value = str(cap)
        out += [f"{name}={value}"] if eq else [name, value]
    if n_out != 1:
        raise Refused(f"command.argv: --out {OUT_TOKEN} must appear exactly once")
    kinds = spec.positionals
    if n_positional < len(kinds) or (n_positional > len(kinds) and kinds[-1] != "inputs"):
        raise Refused(
            f"command.argv: 'actuary {verb}' takes {len(kinds)} positional argument(s)"
            f"{' or more' if kinds[-1] == 'inputs' else ''}, the manifest has {n_positional}"
        )
    return Rerun(out, run_in, notes)


# --------------------------------------------------------------------------------------------
# verifying
# --------------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`: findings by kind, one line each in :meth:`lines`."""

    refused: list[str] = field(default_factory=list)
    manifest_edits: list[str] = field(default_factory=list)
    pack_changed: list[str] = field(default_factory=list)
    pack_missing: list[str] = field(default_factory=list)
    pack_extra: list[str] = field(default_factory=list)
    changed_inputs: list[str] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # path -> identical|different|missing
    extra_outputs: list[str] = field(default_factory=list)
    rerun_code: int | None = None  # None: not re-run
    rerun_stderr: str = ""
    root: str = ""
    notes: list[str] = field(default_factory=list)  # informational, not failures

    @property
    def ok(self) -> bool:
        """True when nothing was refused or edited, the pack matches its manifest, every input
        is unchanged and every re-run output is identical."""
        return (
            not self.refused
            and not self.manifest_edits
            and not self.pack_changed
            and not self.pack_missing
            and not self.pack_extra
            and not self.changed_inputs
            and not self.missing_inputs
            and self.rerun_code == 0
            and all(v == "identical" for v in self.outputs.values())
            and not self.extra_outputs
        )

    def lines(self) -> list[str]:
        """Human-readable report, one line per finding, in the order of the checks."""
        out = [f"refused: {r}" for r in self.refused]
        out += [f"manifest edited: {m}" for m in self.manifest_edits]
        out += [
            f"pack file changed: {p} (SHA-256 differs from the manifest)" for p in self.pack_changed
        ]
        out += [f"pack file missing: {p}" for p in self.pack_missing]
        out += [f"pack file not in the manifest: {p}" for p in self.pack_extra]
        out += [
            f"changed input: {p} (SHA-256 differs from the manifest)" for p in self.changed_inputs
        ]
        out += [f"missing input: {p}" for p in self.missing_inputs]
        if self.rerun_code not in (None, 0):
            out.append(f"re-run failed (exit {self.rerun_code}): {self.rerun_stderr.strip()}")
        out += [f"{status}: {p}" for p, status in self.outputs.items()]
        out += [f"new output (not in the manifest): {p}" for p in self.extra_outputs]
        if self.root:
            out.append(f"note: inputs resolved against {self.root}")
        out += [f"note: {n}" for n in self.notes]
        if self.ok:
            out.append("verify: all outputs identical")
        elif self.rerun_code is None:
            out.append("verify: REFUSED (nothing was re-run)")
        else:
            out.append("verify: DIFFERENCES FOUND")
        return out


def _record_path(rec: Mapping[str, Any], root: Path) -> Path | None:
    """Where an input record lives (``None`` when the path is unsafe: never read)."""
    try:
        rel = safe_relative(str(rec["path"]), what="input path")
        base = _package_dir() if rec.get("root") == "package" else root
        return contained(base, rel, what="input path")
    except Refused:
        return None


def check_inputs(doc: Mapping[str, Any], base: Path) -> tuple[list[str], list[str]]:
    """Inputs whose SHA-256 changed, and inputs that are gone, as recorded paths.

    Paths are resolved against ``base`` (package files against the package); a path that is
    absolute, climbs out with ``..`` or links outside is never read and counts as missing.
    """
    changed, missing = [], []
    for rec in doc["inputs"]:
        p = _record_path(rec, base)
        if p is None or not p.is_file():
            missing.append(rec["path"])
        elif sha256_file(p) != rec["sha256"]:
            changed.append(rec["path"])
    return changed, missing


def _same(rec: Mapping[str, Any], path: Path) -> bool:
    if sha256_file(path) == rec["sha256"]:
        return True
    if "content_sha256" in rec:
        return content_sha256(path) == rec["content_sha256"]
    return False


def _check_paths(doc: Mapping[str, Any], pack: Path, root: Path) -> list[str]:
    """Refusals for unsafe output and input paths."""
    bad = []
    for rec in doc["outputs"]:
        try:
            contained(pack, safe_relative(rec["path"], what="output path"), what="output path")
        except Refused as exc:
            bad.append(str(exc))
    for rec in doc["inputs"]:
        try:
            rel = safe_relative(rec["path"], what="input path")
            base = _package_dir() if rec.get("root") == "package" else root
            if rec.get("root", "input") not in ("input", "package"):
                raise Refused(f"input root {rec.get('root')!r} of {rec['path']!r} is unknown")
            contained(base, rel, what="input path")
        except Refused as exc:
            bad.append(str(exc))
    return bad


def check_pack(doc: Mapping[str, Any], pack: Path) -> tuple[list[str], list[str], list[str]]:
    """Output files of the pack folder against the manifest: changed, missing, extra (the
    manifest itself excepted). Output paths must have passed the path checks."""
    changed, missing = [], []
    recorded = set()
    for rec in doc["outputs"]:
        name = str(rec["path"])
        recorded.add(name)
        p = pack / name
        if not p.is_file():
            missing.append(name)
        elif sha256_file(p) != rec["sha256"]:
            changed.append(name)
    extra = sorted(
        q
        for q in (p.relative_to(pack).as_posix() for p in pack.rglob("*") if not p.is_dir())
        if q != MANIFEST_NAME and q not in recorded
    )
    return changed, missing, extra


def _compare_rerun(
    doc: Mapping[str, Any], new: Mapping[str, Any], root: Path, res: VerifyResult
) -> None:
    """The re-run's own manifest against the recorded seed, path count and input records."""
    for key in ("seed", "n_paths"):
        if doc.get(key) != new.get(key):
            res.manifest_edits.append(
                f"field {key} (recorded {doc.get(key)!r}; the re-run of the recorded command "
                f"used {new.get(key)!r})"
            )
    new_root = Path(str(new.get("input_root") or root))

    def key_of(rec: Mapping[str, Any], base: Path) -> tuple[str, str] | None:
        if rec.get("root") == "package":
            return ("package", str(rec["path"]))
        full = (base / str(rec["path"])).resolve()
        if not _inside(full, root):
            return None
        return ("input", full.relative_to(root).as_posix())

    recorded = {(str(r.get("root", "input")), str(r["path"])) for r in doc["inputs"]}
    read: set[tuple[str, str]] = set()
    for rec in new.get("inputs", []):
        k = key_of(rec, new_root)
        if k is None:
            res.manifest_edits.append(
                f"field inputs (the re-run read {new_root / str(rec['path'])}, outside the input "
                f"root {root})"
            )
            continue
        read.add(k)
        if k not in recorded:
            res.manifest_edits.append(
                f"field inputs (the re-run read {k[1]}, which the manifest does not record)"
            )
    for k in sorted(recorded - read):
        res.manifest_edits.append(
            f"field inputs ({k[1]} is recorded, but the re-run of the command did not read it)"
        )


#: ``rerun(argv, cwd, untrusted_folders) -> (exit code, stderr)``: how :func:`verify` runs the
#: sanitised command (:func:`actuary.commands.verify.rerun_in_process`).
Runner = Callable[[list[str], Path, list[Path]], tuple[int, str]]


def verify(
    manifest: str | Path,
    *,
    rerun: Runner,
    keep: str | Path | None = None,
    root: str | Path | None = None,
) -> VerifyResult:
    """Check a pack and its manifest, then re-run the recorded command and compare every
    output (the order of the module docstring).

    ``rerun`` runs the sanitised command (``actuary.verify`` passes the in-process runner of
    :mod:`actuary.commands.verify`). ``root`` is the input root (default :func:`input_root`);
    ``keep`` a folder for the re-run's outputs, left in place. Raises ``InputError`` for an
    unreadable manifest or a bad ``root`` / ``keep``.
    """
    mpath = Path(manifest)
    mpath = (mpath / MANIFEST_NAME if mpath.is_dir() else mpath).resolve()
    doc = read_manifest(mpath)
    pack = mpath.parent
    if root is not None and not Path(root).is_dir():
        raise InputError("the input root is not a folder", file=root, field="--root")
    base = input_root(doc, root)
    res = VerifyResult(root=str(base))

    # 1. the manifest's own content hash
    recorded_hash = doc.get(HASH_FIELD)
    if not isinstance(recorded_hash, str):
        res.manifest_edits.append(
            f"no {HASH_FIELD} (format {doc.get('format')!r} or the field deleted): the "
            "manifest's content cannot be checked"
        )
    elif recorded_hash != manifest_sha256(doc):
        res.manifest_edits.append(
            f"content hash mismatch ({HASH_FIELD} recorded {recorded_hash[:16]}…, the content "
            f"hashes to {manifest_sha256(doc)[:16]}…): a field was changed after writing"
        )

    # 2. the command and the paths
    tmp_parent = Path(tempfile.mkdtemp(prefix="actuary-verify-"))
    try:
        out_dir = _keep_folder(keep, pack, base) if keep is not None else tmp_parent / "out"
        res.refused = _check_paths(doc, pack, base)
        command: Rerun | None = None
        if not res.refused:
            try:
                command = sanitise_command(doc, base, out_dir)
            except Refused as exc:
                res.refused.append(str(exc))
        if res.refused or command is None:
            return res

        # 3. the pack's files, 4. the inputs
        res.pack_changed, res.pack_missing, res.pack_extra = check_pack(doc, pack)
        res.changed_inputs, res.missing_inputs = check_inputs(doc, base)
        _version_notes(doc, res)
        res.notes += command.notes

        # 5. the re-run
        untrusted = [pack, base]
        cwd = doc["command"].get("cwd")
        if isinstance(cwd, str) and cwd:
            untrusted.append(Path(cwd))
        res.rerun_code, res.rerun_stderr = rerun(command.argv, command.cwd, untrusted)
        recorded = {r["path"]: r for r in doc["outputs"]}
        for name, rec in recorded.items():
            p = out_dir / name
            if not p.is_file():
                res.outputs[name] = "missing"
            else:
                res.outputs[name] = "identical" if _same(rec, p) else "different"
        if out_dir.is_dir():
            res.extra_outputs = sorted(
                p.relative_to(out_dir).as_posix()
                for p in out_dir.rglob("*")
                if p.is_file()
                and p.relative_to(out_dir).as_posix() != MANIFEST_NAME
                and p.relative_to(out_dir).as_posix() not in recorded
            )
            if res.rerun_code == 0 and (out_dir / MANIFEST_NAME).is_file():
                _compare_rerun(doc, read_manifest(out_dir / MANIFEST_NAME), base, res)
    finally:
        shutil.rmtree(tmp_parent, ignore_errors=True)
    return res


def _keep_folder(keep: str | Path, pack: Path, root: Path) -> Path:
    k = Path(keep).resolve()
    if k == pack or _inside(pack, k) or _inside(k, pack):
        raise InputError(
            "must not be the pack folder, inside it or around it", file=k, field="--keep"
        )
    if k.exists() and (not k.is_dir() or (any(k.iterdir()) and not (k / MANIFEST_NAME).is_file())):
        raise InputError(
            "exists and is not an empty folder or an earlier output folder", file=k, field="--keep"
        )
    return k


def _version_notes(doc: Mapping[str, Any], res: VerifyResult) -> None:
    then = (doc.get("package") or {}).get("commit")
    now = git_state().get("commit")
    if then != now:
        res.notes.append(f"package git commit differs: recorded {then}, now {now}")
    current = library_versions()
    for lib, version in (doc.get("libraries") or {}).items():
        if current.get(lib) != version:
            res.notes.append(f"{lib} version differs: recorded {version}, now {current.get(lib)}")
