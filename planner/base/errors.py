"""Errors a user can act on: bad input (exit 2) and infeasible targets (exit 3)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    ``where`` is the file (and row) or case-file key, ``column`` the column or key, ``message`` what was expected.
    """

    where: str
    column: str
    message: str
    field: str = "column"  # "key" for a case-file setting

    def __str__(self) -> str:
        col = f", {self.field} {self.column}" if self.column else ""
        return f"{self.where}{col}: {self.message}"


class InputError(Exception):
    """All the problems found in a case and its data, reported together."""

    def __init__(self, problems: list[Problem], notes: list[str] | None = None):
        self.problems = list(problems)
        self.notes = list(notes or [])  # which checks could not run yet, and why
        super().__init__("\n".join([*(str(p) for p in self.problems), *self.notes]))


class InfeasibleError(Exception):
    """The targets cannot be met together; carries the diagnosis."""

    def __init__(self, diagnosis, data=None):
        self.diagnosis = diagnosis
        self.data = data
        super().__init__("\n".join(diagnosis.lines()) if hasattr(diagnosis, "lines") else str(diagnosis))
