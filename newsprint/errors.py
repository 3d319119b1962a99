"""Errors and warnings the desk sees: each names a file (and line) and what to do."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """An expected fault in input or set-up: printed plainly, exit status 1, no traceback."""


@dataclass(frozen=True)
class Finding:
    """One message for the desk, tied to a place in a file when there is one."""

    level: str  # "error" | "warning" | "note"
    message: str
    path: str = ""
    line: int = 0
    rule: str = ""

    def __str__(self) -> str:
        where = (
            f"{self.path}:{self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        )
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}{self.level}: {self.message}{rule}"
