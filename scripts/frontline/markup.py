"""Plain text made safe for the Markdown that the release and the site generate.

Reads and writes nothing: two pure functions used by the codebook, the downloads page, the
changes page and the site's generated Markdown.
"""

from __future__ import annotations

import html
import re


def md_code(value) -> str:
    """value as a Markdown code span, whatever backticks it holds."""
    text = str(value).replace("\n", " ")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_text(value) -> str:
    """Plain text made safe for Markdown (and for a table cell): no markup, no HTML, one line."""
    text = html.escape(str(value), quote=False).replace("\n", " ")
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", text)
