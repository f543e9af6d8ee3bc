"""Model files: assumption books, scenarios and runs (TOML), strictly validated."""

from actuary.spec.assumptions import (
    BASES,
    Assumption,
    AssumptionFile,
    Override,
    read_assumption_file,
)

__all__ = ["BASES", "Assumption", "AssumptionFile", "Override", "read_assumption_file"]
