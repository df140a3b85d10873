"""Problems found in the dataset: where, which rule, how bad, what, and how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import Rule

MAX_MESSAGE = 300  # characters of a message or hint; longer ones keep their start and end
EXCERPT = 60  # characters of a value quoted in a message


def excerpt(value, limit: int = EXCERPT) -> str:
    """A value for a message: quoted whole when short, else its start and its length ('abc…' (1,048,576 characters))."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return repr(text) if isinstance(value, str) else text
    return f"{text[:limit]!r}… ({len(text):,} characters)"


_LONG_QUOTED = re.compile(r"""(['"])([^'"]{""" + str(EXCERPT + 1) + r""",})\1""")
_LONG_WORD = re.compile(r"\S{" + str(EXCERPT + 21) + ",}")


def _bounded(text: str) -> str:
    """text with long quoted values and long words cut to an excerpt and their length; at most about MAX_MESSAGE characters."""
    if len(text) <= MAX_MESSAGE:
        return text
    text = _LONG_QUOTED.sub(lambda m: f"{m[1]}{m[2][:EXCERPT]}…{m[1]} ({len(m[2]):,} characters)", text)
    text = _LONG_WORD.sub(lambda m: f"{m[0][:EXCERPT]}… ({len(m[0]):,} characters)", text)
    if len(text) <= MAX_MESSAGE:
        return text
    return f"{text[:200]}… ({len(text) - 260:,} of {len(text):,} characters left out) …{text[-60:]}"


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

    def __post_init__(self) -> None:  # a long value never reaches the user whole, wherever the message was made
        object.__setattr__(self, "message", _bounded(self.message))
        object.__setattr__(self, "hint", _bounded(self.hint))

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


MAX_OF_A_KIND = 20  # warnings of one rule in one file shown before the rest are counted


def summarised(problems: list[Problem], limit: int = MAX_OF_A_KIND) -> list[Problem]:
    """problems with the warnings of one rule in one file cut after limit and counted in one more line.

    Errors are all kept. The count line stands where the first warning left out would have stood.
    """
    seen: dict[tuple[str, str], int] = {}
    left_out: dict[tuple[str, str], list[Problem]] = {}
    out = []
    for problem in problems:
        key = (problem.path, problem.code or problem.message)
        if problem.severity != "warning":
            out.append(problem)
            continue
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            out.append(problem)
        else:
            left_out.setdefault(key, []).append(problem)
    for (path, _), rest in left_out.items():
        first = rest[0]
        out.append(Problem(path, first.line, first.column, "warning", f"... and {len(rest):,} more like the {limit} above", "", first.code))
    return sorted(out)


def _one_line(text: str) -> str:
    """text with control characters (newlines from a file name or key among them) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)
