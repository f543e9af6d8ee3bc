"""Fitted claims results: parameters for the review pack, the summary, the block simulator and
assumption overrides without refitting (the results side of the model/results split)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from actuary.claims.fitted import DerivedCache, FittedClaims
from actuary.claims.profiles import split_profile
from actuary.claims.simulate import simulate_block
from actuary.claims.stock import stock_cells
from actuary.errors import InputError
from actuary.spec.assumptions import Override
from actuary.spec.claims import ClaimsSpec

__all__ = ["FIT_KEYS", "ClaimsResults", "entrant_mix"]

#: Assumption keys used by the fit itself (an override of these needs a refit).
FIT_KEYS: frozenset[str] = frozenset(
    {
        "incidence.max_recognition_lag",
        "severity.items",
        "severity.nominal_items",
        "severity.min_developed",
        "severity.wage_basis",
        "development.tail",
        "development.history_method",
        "pricing.max_profile_per_outcome",
        "major.threshold",
        "major.max_victims",
    }
)


def entrant_mix(profile: pd.DataFrame) -> pd.DataFrame:
    """Age/sex/retirement-group mix of the grade 1-4 claimants (entrants of 伤残津贴)."""
    return profile[profile["code"].between(1, 4)][["sex_code", "age", "group", "weight"]]


@dataclass(frozen=True)
class ClaimsResults(FittedClaims):
    """A fitted claims model: parameters, summary and the block simulator (immutable)."""

    @property
    def params(self) -> dict[str, Any]:
        """Fitted parameters as plain values and tables (for the review pack)."""
        return {
            "incidence": {
                "intercept": self.incidence.intercept,
                "trend": self.trend,
                "trend_fitted": self.incidence.trend,
                "trend_se": self.incidence.trend_se,
                "base_year": self.incidence.base_year,
                "sigma_year": self.incidence.sigma_year,
                "alpha_cell": self.incidence.alpha_cell,
                "class_effect": self.incidence.class_effect,
                "region_effect": self.incidence.region_effect,
                "recognition_completion": self.incidence.completion.tolist(),
                "comparison": self.incidence.comparison,
            },
            "outcome_mix": self.outcome.shares(self.spec.outcome_model),
            "outcome_comparison": self.outcome.comparison,
            "severity": self.severity.table,
            "development": {
                g: {
                    "factors": p.factors.tolist(),
                    "tail": p.tail,
                    "pattern": p.incremental.tolist(),
                }
                for g, p in self.patterns.items()
            },
            "major": {
                "rate": self.major.rate,
                "threshold": self.major.threshold,
                "tail_index": self.major.tail_index,
                "n_events": self.major.n_events,
                "mean_size": self.major.mean_size(),
            },
            "streams": {
                "stock_persons": self.stock_table.groupby("benefit_type")["persons"].sum().to_dict()
                if len(self.stock_table)
                else {},
                "entry_lag": {k: v.tolist() for k, v in self.entry_lag.items()},
            },
            "parameter_uncertainty": self.uncertainty_params(),
            "spec": self.spec.as_dict(),
        }

    def uncertainty_params(self) -> dict[str, Any]:
        """The parameter-uncertainty setting and the spread of each drawn parameter
        (:mod:`actuary.claims.uncertainty`)."""
        inc, maj = self.incidence, self.major
        se = (
            dict(zip(inc.coef_names, np.sqrt(np.diag(inc.coef_cov)).tolist(), strict=True))
            if inc.coef_cov is not None
            else {}
        )
        return {
            "enabled": bool(self.spec.parameter_uncertainty),
            "random_stream": "claims_parameters",
            "incidence": "GLM coefficients ~ asymptotic normal "
            "(sandwich covariance with the year and cell effects)",
            "incidence_se": se,
            "outcome": (
                "cumulative-logit parameters ~ asymptotic normal"
                if self.spec.outcome_model == "ordinal"
                else "shares per class ~ Dirichlet(observed counts)"
            ),
            "severity": "gamma-GLM coefficients ~ asymptotic normal (cov_params)",
            "major_rate": f"Gamma(shape {maj.n_events}, rate {maj.n_years} years)",
            "major_tail_index": f"a_hat * Gamma({maj.n_events}, 1) / {maj.n_events}"
            if maj.n_events >= 2
            else "fixed (fewer than 2 events)",
        }

    def with_overrides(self, overrides: Iterable[Override]) -> ClaimsResults:
        """The fitted model with assumption overrides (scenarios, sensitivities) applied.

        Overrides of projection assumptions (trend, inflation, mortality, retirement, streams,
        indexation, major-accident rate, volatility) take effect without refitting; keys that
        change the fit itself (:data:`FIT_KEYS`) raise an :class:`InputError` — put them in
        the scenario's own claims assumption file so the model is refitted. Returns a new
        results object (this one is unchanged) with its own empty :class:`DerivedCache`.
        """
        if self.spec.assumptions is None:
            raise InputError("this claims model was not built from an assumption file")
        overrides = list(overrides)
        for o in overrides:
            if o.target in FIT_KEYS:
                raise InputError(
                    "this claims assumption changes the fit; set it in the scenario's claims "
                    "assumption file instead of an override",
                    file=o.origin or None,
                    field=o.target,
                )
        f = self.spec.assumptions.with_overrides(overrides)
        spec = ClaimsSpec.parse(f)
        profile = split_profile(self.profile_base, spec.female_worker_share)
        stock, table, base, mix = stock_cells(
            self.beneficiaries, spec, self.parameters, self.regions, self.last_year
        )
        return replace(
            self,
            spec=spec,
            profile=profile,
            entrant_mix=entrant_mix(profile),
            stock=stock,
            stock_table=table,
            base_avg_amount=base,
            survivor_mix=mix,
            cache=DerivedCache(),
        )

    def summary(self) -> str:
        """A short text summary of the fit."""
        inc = self.incidence
        lines = [
            f"Claims model fitted on history to {self.last_year} ({len(self.regions)} regions)",
            f"  incidence: trend {inc.trend:+.4f}/yr (se {inc.trend_se:.4f};"
            f" used {self.trend:+.4f}),"
            f" year-effect sd {inc.sigma_year:.3f}, cell NB alpha {inc.alpha_cell:.4f}",
            "  Poisson vs NB: "
            + ", ".join(f"{m} AIC {r.aic:.1f}" for m, r in inc.comparison.iterrows()),
            "  outcome model: "
            + self.spec.outcome_model
            + " ("
            + ", ".join(f"{m} AIC {r.aic:.1f}" for m, r in self.outcome.comparison.iterrows())
            + ")",
        ]
        for g, p in self.patterns.items():
            pct = np.cumsum(p.incremental)[:4]
            lines.append(
                f"  development {g}: paid by dev 0..3 = "
                + ", ".join(f"{x:.2f}" for x in pct)
                + f", tail {p.tail:.4f}"
            )
        m = self.major
        lines.append(
            f"  major accidents: {m.n_events} events in {m.n_years} yrs, rate {m.rate:.3f}/yr,"
            f" Pareto index {m.tail_index:.2f} (s0={m.threshold})"
        )
        lines.append(
            "  parameter uncertainty: "
            + (
                "on (each path draws incidence, outcome-mix, severity and major-accident "
                "parameters from their sampling distribution)"
                if self.spec.parameter_uncertainty
                else "off (point estimates; only process noise simulated)"
            )
        )
        if len(self.stock_table):
            st = self.stock_table.groupby("benefit_type")["persons"].sum()
            lines.append("  stock: " + ", ".join(f"{k} {int(v)}" for k, v in st.items()))
            t = self.stock_table
            amt = (t["amount"] * t["persons"]).groupby(t["benefit_type"]).sum() / st
            if "pension_topup" in amt and "disability_allowance" in amt:
                lines.append(
                    "  stock diagnostic: average top-up / average allowance = "
                    f"{amt['pension_topup'] / amt['disability_allowance']:.3f} "
                    f"(model: topup_share {self.spec.topup_share:.2f} of the allowance for a "
                    f"share {self.spec.topup_prevalence:.2f} of retirees)"
                )
        return "\n".join(lines)

    def simulate(
        self,
        economy_block: xr.Dataset,
        rng: np.random.Generator | Mapping[str, np.random.Generator],
    ) -> xr.Dataset:
        """Simulate one block of paths (ARCHITECTURE "Claims" contract).

        Parameters
        ----------
        economy_block
            The economy Dataset of the block (``avg_wage``, ``covered_workers``,
            ``wage_growth``, ``cpi_growth``, ``national_disposable_income``; dims path, year,
            region, industry_class).
        rng
            Either a mapping with the block's generators of the streams ``"claims"``,
            ``"major_accidents"``, ``"mortality"`` and, needed only with
            ``parameter_uncertainty`` on, ``"claims_parameters"`` (:func:`block_generators`),
            or one generator from which they are spawned.

        Returns
        -------
        xr.Dataset with ``paid`` (path, year, region, benefit_item), ``expenditure``
        (path, year, region, item), ``claim_count`` (path, year, region, outcome),
        ``beneficiaries`` (path, year, region, benefit_type), and ``major_accident_victims``,
        ``major_accident_cost`` (path, year, region).
        """
        g_par: np.random.Generator | None
        if isinstance(rng, Mapping):
            g_claims, g_major, g_mort = rng["claims"], rng["major_accidents"], rng["mortality"]
            g_par = rng.get("claims_parameters")
        else:
            g_claims, g_major, g_mort = rng.spawn(3)
            # a fourth child only when it is used: the first three are those of spawn(3)
            g_par = rng.spawn(1)[0] if self.spec.parameter_uncertainty else None
        return simulate_block(self, economy_block, g_claims, g_major, g_mort, g_par)
