"""``actuary verify`` against a hostile pack: every tampering is named, nothing from the pack runs.

One budget pack (small run, 50 paths) is written once; each test copies it, tampers with the
copy the way a hostile reviewer did (one byte of an output, a deleted file, an extra file, an
edited seed / path count / argv / input record, paths pointing at /etc, a working folder holding
an ``actuary/__main__.py``, a moved pack) and checks that verify names the finding and exits 1.
Expected values are the tampering itself: the file, field or option the test changed.

"Rehashed" edits recompute ``manifest_sha256`` afterwards (an attacker who knows the canonical
form): those must still be caught by the independent checks (whitelist, paths, re-run).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _projection_fitted import ROOT, SMALL, small

from actuary.cli import main
from actuary.manifest import HASH_FIELD, manifest_sha256

PATHS = "50"


def _patch_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reuse the session's fit of the small run for any copy of it (same files)."""
    import actuary.projection.engine as engine

    _, _, models = small()

    def fitted(r: Any, data: Any, params: Any = None, scenarios: Any = None) -> Any:
        names = list(r.scenario_names if scenarios is None else scenarios)
        return {n: models[n] for n in names}

    monkeypatch.setattr(engine, "fit_models", fitted)


@pytest.fixture(autouse=True)
def _fit(monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_fit(monkeypatch)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("pack") / "budget"
    with pytest.MonkeyPatch.context() as mp:
        _patch_fit(mp)
        assert main(["budget", str(SMALL), "--out", str(out), "--paths", PATHS, "--quiet"]) == 0
    yield out


@pytest.fixture()
def copy(pack: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "moved" / "budget"
    shutil.copytree(pack, dest)
    return dest


def _verify(folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["verify", str(folder / "manifest.json"), *extra])
    return code, capsys.readouterr().out.splitlines()


def _edit(folder: Path, change: Callable[[dict[str, Any]], None], *, rehash: bool) -> None:
    m = folder / "manifest.json"
    doc = json.loads(m.read_text(encoding="utf-8"))
    change(doc)
    if rehash:
        doc[HASH_FIELD] = manifest_sha256(doc)
    m.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def _flip(path: Path, pos: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[pos] ^= 0x01
    path.write_bytes(bytes(raw))


# --- the pack's own files ------------------------------------------------------------------


def test_untouched_moved_pack_verifies(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _verify(copy, capsys)
    assert code == 0, lines
    assert "identical: budget_2027.xlsx" in lines
    assert lines[-1] == "verify: all outputs identical"


def test_one_byte_changed_in_output_csv(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = copy / "budget_2027.csv"
    _flip(csv, csv.stat().st_size // 2)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert "pack file changed: budget_2027.csv (SHA-256 differs from the manifest)" in lines
    assert lines[-1] == "verify: DIFFERENCES FOUND"


def test_one_byte_changed_in_xlsx(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _flip(copy / "budget_2027.xlsx", 200)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any(ln.startswith("pack file changed: budget_2027.xlsx") for ln in lines)


def test_paths_nc_deleted(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (copy / "paths.nc").unlink()
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert "pack file missing: paths.nc" in lines


def test_extra_file_in_pack(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (copy / "sub").mkdir()
    (copy / "sub" / "notes.txt").write_text("added later\n", encoding="utf-8")
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert "pack file not in the manifest: sub/notes.txt" in lines


# --- edits of the manifest -----------------------------------------------------------------


def test_seed_edited(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(copy, lambda d: d.update(seed=1), rehash=False)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any("content hash mismatch" in ln for ln in lines)
    assert any(ln.startswith("manifest edited: field seed (recorded 1;") for ln in lines)


def test_path_count_edited_and_rehashed(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(copy, lambda d: d.update(n_paths=5000), rehash=True)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert not any("content hash mismatch" in ln for ln in lines)
    assert any(ln.startswith("manifest edited: field n_paths (recorded 5000;") for ln in lines)


def test_deleted_hash_field(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(copy, lambda d: d.pop(HASH_FIELD), rehash=False)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any(ln.startswith(f"manifest edited: no {HASH_FIELD}") for ln in lines)


def test_argv_edited_to_another_verb(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def to_simulate(d: dict[str, Any]) -> None:
        d["command"]["argv"][0] = "simulate"

    _edit(copy, to_simulate, rehash=True)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert "missing: budget_2027.xlsx" in lines  # simulate writes no workbook
    assert "new output (not in the manifest): projection_summary.txt" in lines


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda a: a.__setitem__(0, "data"), "verb 'data'"),
        (lambda a: a.__setitem__(0, "verify"), "verb 'verify'"),
        (lambda a: a.extend(["--exec", "rm -rf /"]), "option '--exec'"),
        (lambda a: a.extend(["--pat", "10"]), "option '--pat'"),  # argparse would abbreviate
        (lambda a: a.extend(["--paths", "ten"]), "option --paths needs an integer"),
        (lambda a: a.extend(["--scenario", "../../x"]), "option --scenario needs a scenario"),
    ],
    ids=["data", "verify", "unknown", "abbreviated", "bad-int", "bad-name"],
)
def test_argv_refused(
    copy: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[list[str]], None],
    named: str,
) -> None:
    _edit(copy, lambda d: change(d["command"]["argv"]), rehash=True)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any(ln.startswith("refused: command.argv") and named in ln for ln in lines), lines
    assert lines[-1] == "verify: REFUSED (nothing was re-run)"


def test_argv_out_elsewhere_refused(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"

    def redirect(d: dict[str, Any]) -> None:
        argv = d["command"]["argv"]
        argv[argv.index("--out") + 1] = str(elsewhere)

    _edit(copy, redirect, rehash=True)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any("--out must be {out}" in ln for ln in lines)
    assert not elsewhere.exists()


def test_input_record_deleted(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def drop(d: dict[str, Any]) -> None:
        d["inputs"] = [r for r in d["inputs"] if r["path"] != "data/synthetic/economy.csv"]

    _edit(copy, drop, rehash=True)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert (
        "manifest edited: field inputs (the re-run read data/synthetic/economy.csv, which the "
        "manifest does not record)" in lines
    )


def test_changed_input_under_root(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "models", root / "models")
    for sub in ("synthetic", "public"):
        shutil.copytree(ROOT / "data" / sub, root / "data" / sub)
    target = root / "data" / "synthetic" / "fund_balance.csv"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")  # one byte more
    code, lines = _verify(copy, capsys, "--root", str(root))
    assert code == 1
    assert (
        "changed input: data/synthetic/fund_balance.csv (SHA-256 differs from the manifest)"
        in lines
    )
    assert f"note: inputs resolved against {root.resolve()}" in lines


@pytest.mark.parametrize("bad", ["/etc/passwd", "../../etc/hostname"])
@pytest.mark.parametrize("where", ["inputs", "outputs"])
def test_paths_outside_are_refused_unread(
    copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bad: str,
    where: str,
) -> None:
    import actuary.manifest as manifest

    def point(d: dict[str, Any]) -> None:
        d[where][0]["path"] = bad

    _edit(copy, point, rehash=True)
    seen: list[str] = []
    real = manifest.sha256_file
    monkeypatch.setattr(manifest, "sha256_file", lambda p: seen.append(str(p)) or real(p))
    code, lines = _verify(copy, capsys)
    assert code == 1
    why = "is absolute" if bad.startswith("/") else "escapes its folder"
    assert any(ln.startswith("refused:") and repr(bad) in ln and why in ln for ln in lines)
    assert not any("etc" in s for s in seen)  # never read, never hashed
    assert lines[-1] == "verify: REFUSED (nothing was re-run)"


def test_symlink_out_of_the_pack_refused(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (copy / "budget_2027_summary.txt").unlink()
    (copy / "budget_2027_summary.txt").symlink_to("/etc/hostname")
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any(ln.startswith("refused: output path") and "(a link)" in ln for ln in lines)


# --- nothing from the pack or the recorded folder runs -------------------------------------


def _evil_folder(where: Path, marker: Path) -> Path:
    """A folder that runs code if Python imports ``actuary`` (or ``xarray``) from it."""
    code = f"open({str(marker)!r}, 'w').write('ran')\n"
    (where / "actuary").mkdir(parents=True)
    (where / "actuary" / "__init__.py").write_text(code, encoding="utf-8")
    (where / "actuary" / "__main__.py").write_text(code, encoding="utf-8")
    (where / "xarray.py").write_text(code, encoding="utf-8")
    return where


def test_recorded_cwd_with_actuary_main_never_runs(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "MARKER"
    evil = _evil_folder(tmp_path / "evil", marker)
    _edit(copy, lambda d: d["command"].update(cwd=str(evil)), rehash=True)
    monkeypatch.chdir(evil)  # the caller even stands in it
    code, lines = _verify(copy, capsys)
    assert code == 0, lines
    assert not marker.exists()


def test_moved_pack_from_another_machine(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded on a machine whose checkout was /srv/elsewhere; the reviewer's checkout is ROOT
    (given with --root), and the caller's folder holds an actuary/__main__.py."""
    marker = tmp_path / "MARKER"
    evil = _evil_folder(tmp_path / "caller", marker)
    other = "/srv/elsewhere"

    def relocate(d: dict[str, Any]) -> None:
        d["command"]["cwd"] = other
        d["input_root"] = other
        argv = d["command"]["argv"]
        argv[1] = other + "/" + Path(argv[1]).resolve().relative_to(ROOT).as_posix()

    _edit(copy, relocate, rehash=True)
    monkeypatch.chdir(evil)
    code, lines = _verify(copy, capsys, "--root", str(ROOT))
    assert code == 0, lines
    assert not marker.exists()
    # without --root the caller's folder is the root: the inputs are not there
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert not marker.exists()


def test_argv_path_outside_the_input_root_refused(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def elsewhere(d: dict[str, Any]) -> None:
        d["command"]["argv"][1] = "/etc/passwd"

    _edit(copy, elsewhere, rehash=True)
    code, lines = _verify(copy, capsys)
    assert code == 1
    assert any("'/etc/passwd' lies outside the recorded input root" in ln for ln in lines)
