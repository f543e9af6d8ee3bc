"""Golden digests of the projection dataset, for refactors that promise bit-identical results.

The expected digests in ``tests/golden/projection_digests.json`` were produced by running
``python tests/_golden.py`` on commit 4f85df1 (before the structural refactor of issue 12), so
they are the output of the *previous* code, not of the code under test. A digest covers every
data variable and coordinate of ``Projection.data``: name, dims, dtype and the raw C-order bytes.
Regenerate only when a change is meant to move numbers, and say so in the CHANGELOG.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "projection_digests.json"
#: (run file, paths): the small test run, and the first 1,000-path block of the embedded run
#: (blocks are seeded independently, so it equals the first block of the 10,000-path run).
CASES = {
    "jilin_small": ("models/jilin_small.toml", None),
    "jilin_1000": ("models/jilin.toml", 1000),
}


def digest(ds: Any) -> dict[str, str]:
    """SHA-256 per variable and coordinate of an xarray Dataset (name, dims, dtype, bytes)."""
    out: dict[str, str] = {}
    for name in sorted(map(str, [*ds.coords, *ds.data_vars])):
        v = ds[name]
        h = hashlib.sha256()
        h.update(repr((name, tuple(map(str, v.dims)), str(v.dtype))).encode())
        a = np.ascontiguousarray(v.values)
        if a.dtype == object:
            h.update(repr(a.tolist()).encode())
        else:
            h.update(a.tobytes())
        out[name] = h.hexdigest()
    return out


def compute(case: str) -> dict[str, str]:
    """Project one case and digest its dataset."""
    from actuary.projection import project
    from actuary.spec.run import load_run

    path, n = CASES[case]
    proj = project(load_run(ROOT / path), n_paths=n)
    return digest(proj.data)


if __name__ == "__main__":  # pragma: no cover - regeneration tool
    cases = sys.argv[1:] or list(CASES)
    res = {c: compute(c) for c in cases}
    GOLDEN.write_text(json.dumps(res, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
