"""Every error the kit raises for a user to read, under one base class.

Messages are plain sentences that say what went wrong, where, and what to do next,
so the command line and the notebooks can show them without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KitError(Exception):
    """Base of every error the kit shows to a person."""


@dataclass(frozen=True)
class Problem:
    """One broken rule in one file: where it is, what is wrong, and the fix."""

    path: str
    line: int | None
    field: str
    problem: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        parts = [f"{self.path}:{self.line}" if self.line else self.path]
        if self.field:
            parts.append(self.field)
        prefix = "warning: " if self.severity == "warning" else ""
        hint = f" {self.hint}" if self.hint else ""
        return ": ".join(parts) + f": {prefix}{self.problem}{hint}"

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "problem": self.problem,
            "hint": self.hint,
            "severity": self.severity,
        }


class PackError(KitError):
    """A case pack that cannot be loaded; carries every problem found in one run."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, path: str | Path, problem: str, *, line: int | None = None, field: str = "", hint: str = ""
    ) -> PackError:
        return cls([Problem(str(path), line, field, problem, hint)])

    @property
    def path(self) -> str:
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def field(self) -> str:
        return self.problems[0].field


class PackNotFound(PackError):
    """A pack id or path that names no pack."""


class JournalError(KitError):
    """The learner's journal cannot be used as asked."""


class SessionError(KitError):
    """A learner action that the case does not allow yet (or any more)."""


class SubmissionError(KitError):
    """A record or workshop submission that cannot be read; .reason is the short why."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message
