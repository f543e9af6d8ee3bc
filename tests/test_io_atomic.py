"""All-or-nothing output folders (``actuary.io.staged_output``), the writer lock, and relative
``--out`` for every verb that writes a manifest.

A run killed with SIGKILL (while computing, or in the middle of writing), a rename failing at
move time, a second writer and a stale lock must leave the target wholly old or wholly new, and
the next run must repair what was left. Expected file sets are the ones each test wrote.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from _projection_fitted import ROOT, SMALL, patch_fit

from actuary.cli import main
from actuary.errors import InputError
from actuary.io import output_lock, recover_output, staged_output

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def _write(out: Path, files: dict[str, str]) -> None:
    with staged_output(out) as tmp:
        for name, text in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _hidden(out: Path) -> list[str]:
    """Leftovers beside ``out``: staging / ready / old folders and the lock."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


def _lock_file(out: Path, pid: int) -> Path:
    import platform

    lock = out.parent / f".{out.name}.lock"
    lock.write_text(
        json.dumps({"pid": pid, "host": platform.node(), "since": "x", "since_epoch": time.time()}),
        encoding="utf-8",
    )
    return lock


OLD = {"a.txt": "old a", "stale.csv": "from the earlier run"}
NEW = {"a.txt": "new a", "sub/b.txt": "new b"}


def test_rerun_replaces_the_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, OLD)
    _write(out, NEW)
    assert _tree(out) == NEW  # stale.csv of the earlier run is gone
    assert _hidden(out) == []


def test_kill_9_while_writing_then_next_run_cleans(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, OLD)
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from actuary.io import staged_output
        with staged_output({str(out)!r}) as tmp:
            (tmp / "budget_2027.xlsx").write_bytes(b"PK\\x03\\x04 truncated")
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=ENV, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert _tree(out) == OLD  # untouched
    left = _hidden(out)
    assert f".{out.name}.lock" in left and any(".staging-" in n for n in left)
    _write(out, NEW)  # the next run takes the dead writer's lock over and removes its staging
    assert _tree(out) == NEW
    assert _hidden(out) == []


def test_kill_9_during_compute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``actuary simulate`` killed while it computes (it holds the lock from the start)."""
    out = tmp_path / "sim"
    _write(out, OLD)
    lock = out.parent / f".{out.name}.lock"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "actuary",
            "simulate",
            str(SMALL),
            "--out",
            str(out),
            "--paths",
            "50",
            "--quiet",
        ],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lock.exists(), "the command takes the lock before computing"
        time.sleep(0.3)
        assert proc.poll() is None, "still computing (the fit takes seconds)"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _tree(out) == OLD
    patch_fit(monkeypatch)
    assert main(["simulate", str(SMALL), "--out", str(out), "--paths", "50", "--quiet"]) == 0
    assert sorted(_tree_names(out)) == ["manifest.json", "paths.nc", "projection_summary.txt"]
    assert _hidden(out) == []


def _tree_names(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_rename_fails_at_move_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    """Renames: 1 staging → ready, 2 target → old, 3 ready → target. From the failing one on,
    every rename fails (also the immediate repair)."""
    out = tmp_path / "out"
    _write(out, OLD)
    real = os.rename
    calls = []

    def flaky(src: object, dst: object) -> None:
        calls.append(src)
        if len(calls) >= fail_at:
            raise OSError("disk gone")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", flaky)
    with pytest.raises(OSError, match="disk gone"):
        _write(out, NEW)
    monkeypatch.setattr(os, "rename", real)
    assert not out.exists() or _tree(out) in (OLD, NEW)  # never a mix
    recover_output(out)  # what the next run does first
    assert _tree(out) == (OLD if fail_at < 3 else NEW)
    assert _hidden(out) == []
    _write(out, {"c.txt": "third"})
    assert _tree(out) == {"c.txt": "third"}


def test_concurrent_writer_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "budget"
    _write(out, OLD)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = _lock_file(out, holder.pid)
        with pytest.raises(InputError, match=f"pid {holder.pid}"), staged_output(out):
            pass
        code = main(["budget", str(SMALL), "--out", str(out), "--paths", "50"])
        err = capsys.readouterr().err.strip()
        assert code == 2
        assert len(err.splitlines()) == 1
        assert str(lock) in err and "another run is writing" in err
        assert _tree(out) == OLD
        assert lock.exists()  # the live writer's lock is left alone
    finally:
        holder.kill()
        holder.wait()


def test_stale_lock_of_dead_pid_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "out"
    lock = _lock_file(out, _dead_pid())
    _write(out, NEW)
    assert _tree(out) == NEW
    assert not lock.exists()


def test_lock_is_reentrant_in_one_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out) as lock:
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
        _write(out, NEW)  # staged_output inside the CLI's lock
        assert lock.exists()
    assert not lock.exists()


@pytest.mark.parametrize("which", ["cwd", "parent", "git"])
def test_unsafe_targets_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    work = tmp_path / "work"
    (work / ".git").mkdir(parents=True)
    (work / "inside").mkdir()
    monkeypatch.chdir(work / "inside")
    target = {"cwd": work / "inside", "parent": work, "git": work}[which]
    if which == "git":
        monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="refusing to replace"), staged_output(target):
        pass
    assert (work / ".git").is_dir() and (work / "inside").is_dir()


@pytest.mark.parametrize(
    ("verb", "extra", "expect"),
    [
        ("simulate", [], "paths.nc"),
        ("budget", [], "budget_2027.xlsx"),
        ("rates", ["--horizon", "3"], "rates.json"),
        ("compare", [str(ROOT / "models" / "rate_scenarios" / "phased_cut.toml")], "compare.xlsx"),
    ],
)
def test_relative_out(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    verb: str,
    extra: list[str],
    expect: str,
) -> None:
    patch_fit(monkeypatch)
    monkeypatch.chdir(tmp_path)
    stale = tmp_path / "out" / verb / "stale_from_earlier.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("x\n", encoding="utf-8")
    argv = [verb, str(SMALL), *extra, "--out", f"out/{verb}", "--paths", "50", "--quiet"]
    assert main(argv) == 0
    out = tmp_path / "out" / verb
    assert (out / expect).is_file()
    assert not stale.exists()
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(o["path"] for o in doc["outputs"])
    assert listed == sorted(n for n in _tree_names(out) if n != "manifest.json")
    assert _hidden(out) == []
