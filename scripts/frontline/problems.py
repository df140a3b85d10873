"""Problems found in the dataset: where, which rule, how bad, what, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import Rule


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    hint: str = ""
    code: str = ""  # the rule's code (FC301); last, so that problems sort by place, then severity and message

    @classmethod
    def of(cls, rule: Rule, path: str, line: int, column: int, message: str, hint: str = "") -> Problem:
        return cls(path, line, column, rule.severity, message, hint, rule.code)

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        code = f"[{self.code}]" if self.code else ""
        return _one_line(f"{self.path}:{self.line}:{self.column}: {self.severity}{code}: {self.message}{hint}")

    def github(self) -> str:
        """The problem as a GitHub Actions workflow command."""
        level = "error" if self.severity == "error" else "warning"
        text = _one_line(str(self.message) + (f" ({self.hint})" if self.hint else ""))
        text = text.replace("%", "%25")
        path = _one_line(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        title = f",title={self.code}" if self.code else ""
        return f"::{level} file={path},line={self.line},col={self.column}{title}::{text}"


def _one_line(text: str) -> str:
    """text with control characters (newlines from a file name or key among them) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)
