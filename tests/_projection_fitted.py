"""Shared, fitted small run for the projection and budget tests (not a test module).

Fitting the economy and claims models on the embedded data is the slow step, so it is done once
per test session (``functools.lru_cache``) and reused; every test still runs the real models.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from actuary.data import load_province
from actuary.projection import ScenarioModels, fit_models
from actuary.spec.run import RunSpec, load_run

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "models" / "jilin_small.toml"
DEFAULT = ROOT / "models" / "jilin.toml"


@functools.lru_cache(maxsize=1)
def small() -> tuple[RunSpec, Any, dict[str, ScenarioModels]]:
    """The small run, its data and its fitted models (all scenarios)."""
    run = load_run(SMALL)
    data = load_province(run.data)
    return run, data, fit_models(run, data)


def patch_fit(monkeypatch: Any) -> None:
    """Make the engine reuse the session's fitted models when a command projects the small run."""
    import actuary.projection.engine as engine

    run, _, models = small()

    def fitted(r: RunSpec, data: Any, params: Any = None, scenarios: Any = None) -> Any:
        assert r.path == run.path, "the shared fit is for the small run only"
        names = list(r.scenario_names if scenarios is None else scenarios)
        return {n: models[n] for n in names}

    monkeypatch.setattr(engine, "fit_models", fitted)
