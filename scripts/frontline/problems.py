"""Problems found in the dataset: where, how bad, what, and how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass

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

    def __post_init__(self) -> None:  # a long value never reaches the user whole, wherever the message was made
        object.__setattr__(self, "message", _bounded(self.message))
        object.__setattr__(self, "hint", _bounded(self.hint))

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
