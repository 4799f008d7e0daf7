"""What goes wrong with a spec, located: every check (the loader's and each target's) reports these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class SpecError(Exception):
    """The spec cannot be used; `problems` lists every reason, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
