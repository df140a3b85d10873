"""Unit tests of check internals whose shortcuts must agree with the rules they speed up."""

from __future__ import annotations

from frontline.checks.core import _INVISIBLE_RE, _invisible


def test_printable_shortcut_misses_no_invisible_character():
    """Every code point that the full rule refuses is caught by the shortcut (isprintable or the regex)."""
    missed = [
        hex(code) for code in range(0x110000) if _invisible(chr(code)) and chr(code).isprintable() and not _INVISIBLE_RE.search(chr(code))
    ]
    assert missed == []
    assert _invisible("\u200b") and _invisible("\u3164") and not _invisible("a") and not _invisible("\n")
