"""Errors raised on bad input, and the one-line message the CLI prints for them."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike


class InputError(ValueError):
    """Bad input: a data file, model file or case file that breaks a rule.

    The message names the file, the field (column or key), the offending rows when there are
    any, and the rule, on one line. The command-line interface prints it and exits with code 2.

    Parameters
    ----------
    message
        What is wrong (the rule that is broken).
    file
        The file the input came from, if any.
    field
        The column or key at fault, if any.
    rows
        Offending row numbers (1-based data rows, header excluded) or keys; at most the first
        five are shown.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | PathLike[str] | None = None,
        field: str | None = None,
        rows: Sequence[object] | None = None,
    ) -> None:
        self.file = None if file is None else str(file)
        self.field = field
        self.rows = list(rows) if rows is not None else None
        self.rule = message
        parts = []
        if self.file is not None:
            parts.append(self.file)
        if field is not None:
            parts.append(f"field '{field}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            more = f" (+{len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
            parts.append(f"row {shown}{more}" if len(self.rows) == 1 else f"rows {shown}{more}")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)
