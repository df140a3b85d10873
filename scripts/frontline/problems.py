"""Problems found in the dataset: where, how bad, what, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return _one_line(f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}{hint}")

    def github(self) -> str:
        """The problem as a GitHub Actions workflow command."""
        level = "error" if self.severity == "error" else "warning"
        text = _one_line(str(self.message) + (f" ({self.hint})" if self.hint else ""))
        text = text.replace("%", "%25")
        path = _one_line(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{level} file={path},line={self.line},col={self.column}::{text}"


def _one_line(text: str) -> str:
    """text with control characters (newlines from a file name or key among them) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)
