"""Run manifests: what produced an output folder, and a way to check it can be produced again.

Every command that writes an output folder can call :func:`write_manifest` inside its
``staged_output`` block. ``DIR/manifest.json`` then records

- the package version, the git commit of the source tree (``null`` when the package does not
  run from a git checkout) and whether the tree had uncommitted changes;
- Python, platform and the versions of the libraries that shape the numbers;
- the command (verb and arguments, with the output folder replaced by ``{out}``) and the
  working folder it ran in;
- the run file, every assumption and scenario file, every file of the data folder and every
  policy-parameter file, each with its SHA-256 (and any extra inputs a command names);
- the seed and the number of paths;
- every output file of the folder with its SHA-256.

``actuary verify DIR/manifest.json`` (:func:`verify`) hashes the inputs again (a changed or
missing input is named), re-runs the recorded command into a temporary folder and compares each
output: identical or different.

Deterministic outputs
---------------------
Outputs are compared byte for byte, except where a file format stores the time of writing:

- ``.xlsx`` (openpyxl writes ``dcterms:created`` / ``dcterms:modified`` in
  ``docProps/core.xml`` and the clock time in every zip entry header): compared by *content* —
  the SHA-256 of the sorted archive members' names and bytes with the two timestamps blanked
  (:func:`content_sha256`). The manifest records both the raw ``sha256`` and ``content_sha256``.
- ``.nc`` (NetCDF-4/HDF5): compared by content too — variables, coordinates, dimensions and
  attributes read back with xarray and hashed in a fixed order — because HDF5 may place
  identical data at different byte offsets.
- PNG (written by :func:`actuary.output.figures.to_png`: no date metadata) and the report PDF
  (fixed creation date) are byte-stable and compared raw.

``manifest.json`` itself is not an output and may carry the volatile ``created_utc`` field; it is
never compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Final

from actuary._version import __version__
from actuary.errors import InputError
from actuary.io import sha256_file

MANIFEST_NAME: Final = "manifest.json"
FORMAT_VERSION: Final = 1
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


def _rel(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive (Windows)
        return str(path.resolve())


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
    outputs
        The output files (default: every file under ``stage_dir`` except the manifest); give
        them when the folder may hold files of earlier runs.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    groups: dict[str, list[Path]] = run_inputs(run) if run is not None else {}
    for g, files in (inputs or {}).items():
        groups.setdefault(g, []).extend(Path(f) for f in files)
    input_recs = []
    for g, files in groups.items():
        for f in files:
            if not f.is_file():
                raise InputError("input file not found", file=f)
            rec = _file_record(f, _rel(f, base))
            rec["group"] = g
            input_recs.append(rec)
    stage = Path(stage_dir)
    out_files: list[Path]
    if outputs is None:
        out_files = [
            p for p in sorted(stage.rglob("*")) if p.is_file() and p.name != MANIFEST_NAME
        ]
    else:
        out_files = sorted(q if q.is_absolute() else stage / q for q in map(Path, outputs))
    output_recs = [_file_record(p, p.relative_to(stage).as_posix()) for p in out_files]
    return {
        "format": FORMAT_VERSION,
        "package": {"name": "actuary", "version": __version__, **git_state()},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": library_versions(),
        "command": {
            "argv": command_template(list(argv)),
            "cwd": str(base.resolve()),
            "display": "actuary " + " ".join(argv),
        },
        "seed": seed if seed is not None else getattr(run, "seed", None),
        "n_paths": n_paths if n_paths is not None else getattr(run, "n_paths", None),
        "run_sha256": getattr(run, "sha256", None) or None,
        "inputs": input_recs,
        "outputs": output_recs,
        "extra": dict(extra or {}),
        "created_utc": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


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
    if doc["format"] != FORMAT_VERSION:
        raise InputError(f"unsupported manifest format {doc['format']!r}", file=p, field="format")
    cmd = doc["command"]
    if not isinstance(cmd, dict) or not isinstance(cmd.get("argv"), list) or not cmd["argv"]:
        raise InputError("command.argv must be a non-empty list", file=p, field="command.argv")
    return doc


# --------------------------------------------------------------------------------------------
# verifying
# --------------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`: per-input and per-output status lines."""

    changed_inputs: list[str] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # path -> identical|different|missing
    extra_outputs: list[str] = field(default_factory=list)
    rerun_code: int = 0
    rerun_stderr: str = ""
    notes: list[str] = field(default_factory=list)  # informational, not failures

    @property
    def ok(self) -> bool:
        """True when every input is unchanged and every output is identical."""
        return (
            not self.changed_inputs
            and not self.missing_inputs
            and self.rerun_code == 0
            and all(v == "identical" for v in self.outputs.values())
            and not self.extra_outputs
        )

    def lines(self) -> list[str]:
        """Human-readable report, one line per finding."""
        out = [
            f"changed input: {p} (SHA-256 differs from the manifest)" for p in self.changed_inputs
        ]
        out += [f"missing input: {p}" for p in self.missing_inputs]
        if self.rerun_code != 0:
            out.append(f"re-run failed (exit {self.rerun_code}): {self.rerun_stderr.strip()}")
        out += [f"{status}: {p}" for p, status in self.outputs.items()]
        out += [f"new output (not in the manifest): {p}" for p in self.extra_outputs]
        out += [f"note: {n}" for n in self.notes]
        out.append("verify: all outputs identical" if self.ok else "verify: DIFFERENCES FOUND")
        return out


def _resolve_base(doc: Mapping[str, Any]) -> Path:
    cwd = Path(str(doc["command"].get("cwd", ".")))
    return cwd if cwd.is_dir() else Path.cwd()


def check_inputs(doc: Mapping[str, Any], base: Path) -> tuple[list[str], list[str]]:
    """Inputs whose SHA-256 changed, and inputs that are gone, as recorded paths."""
    changed, missing = [], []
    for rec in doc["inputs"]:
        p = Path(rec["path"])
        p = p if p.is_absolute() else base / p
        if not p.is_file():
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


def verify(manifest: str | Path, *, keep: str | Path | None = None) -> VerifyResult:
    """Re-run the command recorded in ``manifest`` and compare every output.

    The command runs in a fresh interpreter (``python -m actuary``) in the recorded working
    folder (or the current one when that folder no longer exists), writing to a temporary
    folder (or ``keep``, which is left in place for inspection).
    """
    doc = read_manifest(manifest)
    base = _resolve_base(doc)
    res = VerifyResult()
    res.changed_inputs, res.missing_inputs = check_inputs(doc, base)
    then = (doc.get("package") or {}).get("commit")
    now = git_state().get("commit")
    if then != now:
        res.notes.append(f"package git commit differs: recorded {then}, now {now}")
    for lib, version in (doc.get("libraries") or {}).items():
        if library_versions().get(lib) != version:
            res.notes.append(
                f"{lib} version differs: recorded {version}, now {library_versions().get(lib)}"
            )
    tmp_parent = Path(tempfile.mkdtemp(prefix="actuary-verify-"))
    out_dir = Path(keep) if keep is not None else tmp_parent / "out"
    try:
        argv = [a.replace(OUT_TOKEN, str(out_dir)) for a in doc["command"]["argv"]]
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", "Agg")
        proc = subprocess.run(
            [sys.executable, "-m", "actuary", *argv],
            cwd=base,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        res.rerun_code = proc.returncode
        res.rerun_stderr = proc.stderr[-2000:]
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
                and p.name != MANIFEST_NAME
                and p.relative_to(out_dir).as_posix() not in recorded
            )
    finally:
        shutil.rmtree(tmp_parent, ignore_errors=True)
    return res
