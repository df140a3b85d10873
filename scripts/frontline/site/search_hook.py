"""The site build's MkDocs hook: hands each page that the search index holds to the build as MkDocs writes it.

Named only in the config that the build derives for MkDocs (``build/mkdocs.yml``, ``build.site_config``),
never in a project's ``mkdocs.yml``: a plain ``mkdocs build`` (or Zensical) of that file runs without it.
MkDocs loads it by its path, so it uses the standard library and MkDocs alone. It does nothing unless
the build passes it the write end of a pipe in ``FRONTLINE_SEARCH_FD`` (``search.Stream``); then it writes
into that pipe, as frames (``HEADER``: a kind, the length of a path, the length of a body, then both):

- ``COUNT`` once, when every page's Markdown is converted and before any page is written (MkDocs' ``env``
  event): how many pages will carry ``data-pagefind-body``, as the theme's ``main.html`` marks them (a
  page with content marks it unless its front matter says ``search_exclude``; a record's page marks its
  own), plus the copied HTML files that carry it. The build picks the search index's sample by it.
- ``PAGE`` for each page whose output holds ``data-pagefind-body`` (its path in the site and the bytes
  MkDocs writes), in MkDocs' own order, last among the hooks and plugins; the copied HTML files that
  hold it come first, the theme's static templates (404.html) as MkDocs renders them.

A page that cannot be handed over (the build stopped reading: its indexer failed) fails MkDocs' build.
"""

from __future__ import annotations

import os
import struct

from mkdocs.plugins import event_priority

ENV = "FRONTLINE_SEARCH_FD"
# What marks a page for the index: the attribute as the pages write it, with the quote that follows it. A record's
# text is escaped (a quote becomes &#34;), so a record that holds the words data-pagefind-body cannot mark a page.
MARK = 'data-pagefind-body data-pagefind-meta="kind:'
HEADER = struct.Struct("<cII")  # kind, length of the path (UTF-8), length of the body
COUNT = b"N"  # the path is the number of pages expected, in digits; no body
PAGE = b"P"  # the path is the page's, relative to the site folder; the body is the page

_pipe: int | None = None


def frame(kind: bytes, path: str, body: bytes = b"") -> bytes:
    """One frame of the pipe: HEADER, then path in UTF-8, then body."""
    name = path.encode("utf-8")
    return HEADER.pack(kind, len(name), len(body)) + name + body


def _send(kind: bytes, path: str, body: bytes = b"") -> None:
    data = memoryview(frame(kind, path, body))
    while data:
        data = data[os.write(_pipe, data) :]  # type: ignore[arg-type]


def marked(page) -> bool:
    """Whether the theme's main.html will mark a page data-pagefind-body: its content has the mark, or it has
    content and its front matter does not say search_exclude."""
    content = page.content or ""
    return MARK in content or (bool(content) and not (page.meta or {}).get("search_exclude"))


def on_config(config):
    global _pipe
    value = os.environ.get(ENV, "")
    _pipe = int(value) if value.isdigit() else None
    return config


def on_env(env, config, files):
    if _pipe is None:
        return env
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    copied = [
        file for file in files if file.dest_uri.endswith(".html") and not file.is_documentation_page() and file.inclusion.is_included()
    ]
    marked_copies = [(file.dest_uri, file.content_bytes) for file in copied]
    marked_copies = [(uri, data) for uri, data in marked_copies if MARK.encode() in data]
    _send(COUNT, str(sum(map(marked, pages)) + len(marked_copies)))
    for uri, data in marked_copies:
        _send(PAGE, uri, data)
    return env


@event_priority(-100)  # last: the output as written
def on_post_template(output_content, template_name, config):
    if _pipe is not None and MARK in output_content:
        _send(PAGE, template_name, output_content.encode("utf-8", errors="xmlcharrefreplace"))
    return output_content


@event_priority(-100)  # last: the output as written
def on_post_page(output, page, config):
    if _pipe is not None and MARK in output and output.strip():  # MkDocs writes no file for an empty output
        _send(PAGE, page.file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace"))
    return output
