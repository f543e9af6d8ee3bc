"""Output helpers: write a command's results all at once or not at all.

``staged_output(out_dir)`` yields a temporary folder beside ``out_dir``; files written there are
moved into ``out_dir`` only when the block finishes without an exception. A failed run leaves
``out_dir`` as it was (no half-written files).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def staged_output(out_dir: str | Path) -> Iterator[Path]:
    """Stage files in a temporary folder and move them into ``out_dir`` on success."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    out.mkdir(parents=True, exist_ok=True)
    for src in sorted(tmp.rglob("*")):
        if src.is_file():
            dest = out / src.relative_to(tmp)
            dest.parent.mkdir(parents=True, exist_ok=True)
            src.replace(dest)
    shutil.rmtree(tmp, ignore_errors=True)


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
