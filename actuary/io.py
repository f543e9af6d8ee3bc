"""Output helpers: write a command's output folder all at once or not at all, one writer at a time.

``staged_output(out_dir)`` yields a fresh staging folder beside ``out_dir``; when the block
finishes without an exception the staging folder *replaces* ``out_dir`` whole, by renames:

1. staging ``.<name>.staging-<id>`` → ``.<name>.ready-<id>`` (the new output is complete);
2. ``out_dir`` → ``.<name>.old-<id>`` (when it exists);
3. ``.<name>.ready-<id>`` → ``out_dir``;
4. the old folder is removed.

A crash (``kill -9``, power loss) between two steps leaves a state that :func:`recover_output`
repairs, and every writer runs it first: a complete ``ready`` folder with no ``out_dir`` is
moved into place (wholly new); an ``old`` folder with no ``out_dir`` and no ``ready`` one is
moved back (wholly old); anything else left over (staging folders of a killed run, an ``old``
or ``ready`` folder beside a present ``out_dir``) is removed. ``out_dir`` therefore never mixes
the files of two runs, and files of an earlier run that the new run does not write are gone.

:func:`output_lock` guards a target with ``.<name>.lock`` beside it (created with
``O_CREAT | O_EXCL``, holding the pid, host and start time): a second writer is refused with an
:class:`~actuary.errors.InputError` (the CLI's exit 2); a lock whose process is dead is taken
over. The lock is re-entrant within one process (the CLI takes it before computing, and
``staged_output`` again before writing).

``out_dir`` is resolved to an absolute path once. A folder that must not be replaced whole (the
filesystem root, the home folder, the current folder or one of its parents, a git checkout) is
refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from actuary.errors import InputError

__all__ = ["output_lock", "recover_output", "sha256_file", "staged_output"]

#: lock files held by this process (resolved path → depth), for re-entrancy.
_HELD: dict[Path, int] = {}
#: a lock file that cannot be read is treated as stale after this many seconds.
_UNREADABLE_GRACE_S = 30.0


def _target(out_dir: str | Path) -> Path:
    return Path(out_dir).expanduser().resolve()


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _boot_time() -> float | None:
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def _process_state(pid: int) -> tuple[str, float | None] | None:
    """State letter and start time (epoch seconds) of process ``pid`` from ``/proc`` (Linux);
    ``None`` where ``/proc`` does not tell."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        boot = _boot_time()
        return fields[0], (None if boot is None else boot + int(fields[19]) / ticks)
    except (OSError, ValueError, IndexError):
        return None


def _holder_alive(info: dict[str, object]) -> bool:
    """Whether the process that wrote a lock is still running (same host only)."""
    if info.get("host") != platform.node():
        return True  # cannot check a process on another machine: assume it runs
    pid = info.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    state = _process_state(pid)
    if state is None:
        return True
    letter, started = state
    if letter in ("Z", "X"):
        return False  # killed, not yet reaped
    since = info.get("since_epoch")
    # a process started after the lock was written got a reused pid: the writer is gone
    return not (started is not None and isinstance(since, int | float) and started > since + 2)


def _read_lock(lock: Path) -> dict[str, object] | None:
    try:
        info = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


@contextlib.contextmanager
def output_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold ``.<name>.lock`` beside ``out_dir`` for the block (see the module notes).

    Raises :class:`~actuary.errors.InputError` naming the lock and its holder when another
    live process holds it.
    """
    out = _target(out_dir)
    lock = _lock_path(out)
    if lock in _HELD:
        _HELD[lock] += 1
        try:
            yield lock
        finally:
            _HELD[lock] -= 1
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    me = {
        "pid": os.getpid(),
        "host": platform.node(),
        "since": now.replace(microsecond=0).isoformat(),
        "since_epoch": now.timestamp(),
    }
    for attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            info = _read_lock(lock)
            if info is None:
                try:
                    age = now.timestamp() - lock.stat().st_mtime
                except FileNotFoundError:
                    continue
                stale = age > _UNREADABLE_GRACE_S
            else:
                stale = not _holder_alive(info)
            if not stale or attempt == 1:
                who = (
                    f"pid {info.get('pid')} on {info.get('host')}, since {info.get('since')}"
                    if info
                    else "an unreadable lock"
                )
                raise InputError(
                    f"another run is writing {out} ({who}); wait for it to finish, or delete "
                    "the lock file if that run is gone",
                    file=lock,
                ) from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # stale: its process is dead
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(me, fh)
        break
    _HELD[lock] = 1
    try:
        yield lock
    finally:
        _HELD[lock] -= 1
        if _HELD[lock] == 0:
            del _HELD[lock]
            info = _read_lock(lock)
            if info is not None and info.get("pid") == os.getpid():
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()


def _leftovers(out: Path, kind: str) -> list[Path]:
    prefix = f".{out.name}.{kind}-"
    found = [p for p in out.parent.iterdir() if p.name.startswith(prefix)]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def recover_output(out_dir: str | Path) -> None:
    """Repair what an interrupted writer left beside ``out_dir`` (see the module notes).

    Call it only while holding :func:`output_lock` (``staged_output`` does).
    """
    out = _target(out_dir)
    if not out.parent.is_dir():
        return
    ready, old = _leftovers(out, "ready"), _leftovers(out, "old")
    if not out.exists():
        if ready:
            os.rename(ready.pop(0), out)  # the crash came after the new output was complete
        elif old:
            os.rename(old.pop(0), out)  # put the previous output back
    nested = [p for p in out.parent.iterdir() if p.name.startswith(f"..{out.name}.staging-")]
    for p in ready + old + _leftovers(out, "staging") + nested:
        _remove(p)


def _refuse_unsafe(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError("the output folder exists and is not a folder", file=out)
    cwd = Path.cwd().resolve()
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError):
        home = None
    reason = None
    if out == out.parent:
        reason = "it is the filesystem root"
    elif home is not None and out == home:
        reason = "it is the home folder"
    elif out == cwd or out in cwd.parents:
        reason = "it is the current folder or one of its parents"
    elif (out / ".git").exists():
        reason = "it is a git checkout"
    if reason:
        raise InputError(
            f"refusing to replace this folder as a whole ({reason}); give the output a folder "
            "of its own",
            file=out,
            field="--out",
        )


def _swap(ready: Path, out: Path, token: str) -> None:
    old = out.parent / f".{out.name}.old-{token}"
    if out.exists():
        os.rename(out, old)
    os.rename(ready, out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_output(out_dir: str | Path) -> Iterator[Path]:
    """Stage files in a fresh folder and make it ``out_dir`` on success (module notes)."""
    out = _target(out_dir)
    _refuse_unsafe(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out):
        recover_output(out)
        token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        ready = out.parent / f".{out.name}.ready-{token}"
        try:
            os.rename(tmp, ready)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        try:
            _swap(ready, out, token)
        except BaseException:
            with contextlib.suppress(OSError):
                recover_output(out)  # best effort; the next writer repairs it otherwise
            raise


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
