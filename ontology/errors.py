"""Errors shared by every layer: a bad input names its file, line and field.

>>> p = Problem("data/x.yaml", 12, "deals[0].payer", "unknown entity 'amazn' (did you mean 'amazon'?)")
>>> str(p)
"data/x.yaml:12: deals[0].payer: unknown entity 'amazn' (did you mean 'amazon'?)"
>>> str(DataError([p]))
"1 problem:\\ndata/x.yaml:12: deals[0].payer: unknown entity 'amazn' (did you mean 'amazon'?)"
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Problem", "DataError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file, line, field) and what."""

    file: str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


class DataError(Exception):
    """Input that cannot be loaded. Nothing was changed by the failed load."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''}:"
        super().__init__("\n".join([head, *map(str, self.problems)]))
