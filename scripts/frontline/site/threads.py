"""Claim threads: the claims connected to a claim by relations, drawn as a small SVG diagram.

Reads the site index (``index.Site``: its threads and relations). Writes nothing: ``diagram``
returns the SVG as Markup (every text escaped here), for the claim page's template, which lists
the claim's own relations as text beside it (``thread_items``; the threads page lists every relation
of each thread). Layout: the claim in the first column, then the claims one
relation away, then two; at most ``MAX_NODES`` nodes, the rest only in the list.
"""

from __future__ import annotations

import html
import re
import textwrap

from markupsafe import Markup

from .env import EMPTY, markup, text
from .index import Site
from .links import Fragments, Links, fragments
from .urls import record_url

MAX_DEPTH = 2
MAX_NODES = 12
BOX_W, BOX_H = 230, 78
GAP_X, GAP_Y, PAD = 80, 14, 8
LINE_CHARS, LINES = 34, 2
WRAP = textwrap.TextWrapper(LINE_CHARS)  # textwrap.wrap(text, LINE_CHARS) without making a TextWrapper for each claim
VERBS = {"disputes": "disputes", "supports": "supports", "responds-to": "responds to", "repeats": "repeats"}


def neighbourhood(site: Site, claim_id: str) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    """The claims within MAX_DEPTH relations of claim_id, by distance, and the relations among them."""
    return _neighbourhood(fragments(site), site, claim_id)


def _neighbourhood(shared: Fragments, site: Site, claim_id: str) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    _, edges = site.thread(claim_id)
    around, touching = _around(shared, site, claim_id, edges)
    # Breadth first, a level at a time: each level's claims in the order they were reached (the order a queue takes
    # them in), the column shown of each level sorted by id.
    depth = {claim_id: 0}  # the claims shown (a dict: in the order they were reached)
    level = [claim_id]
    columns: list[list[str]] = [level]
    while len(columns) <= MAX_DEPTH and len(depth) < MAX_NODES:
        reached = []
        for node in level:
            for other in around.get(node, ()):
                if other not in depth and len(depth) < MAX_NODES:
                    depth[other] = len(columns)
                    reached.append(other)
        if not reached:
            break
        columns.append(sorted(reached))
        level = reached
    # The relations among the claims shown, in the thread's order: those of each claim shown, rather than a scan of
    # every relation of the thread (a relation with both sides shown is in both claims' lists; a set keeps it once).
    at = sorted({i for node in depth for i in touching.get(node, ())})
    shown = [edges[i] for i in at if edges[i][0] in depth and edges[i][2] in depth]
    return columns, shown


def _around(shared: Fragments, site: Site, claim_id: str, edges: list[tuple[str, str, str]]) -> tuple[dict, dict]:
    """The claims one relation away from each claim of claim_id's thread (sorted, once each) and the positions in
    edges of the relations each claim is a side of, worked out once per thread."""
    number = site.thread_of.get(claim_id)
    found = shared.around.get(number) if number is not None else None
    if found is None:
        near: dict[str, set[str]] = {}
        touching: dict[str, list[int]] = {}
        for i, (a, _, b) in enumerate(edges):
            near.setdefault(a, set()).add(b)
            near.setdefault(b, set()).add(a)
            touching.setdefault(a, []).append(i)
            touching.setdefault(b, []).append(i)
        found = ({node: sorted(others) for node, others in near.items()}, touching)
        if number is not None:
            shared.around[number] = found
    return found


def _node(shared: Fragments, site: Site, node: str, record) -> tuple[str, list[str], str, str]:
    """What a claim's box shows, escaped: its claimant, its statement's lines, its status, and the box's label."""
    found = shared.nodes.get(node)
    if found is None:
        claimant = site.get(record.data.get("claimant"))
        who = site.short(claimant, 32) if claimant is not None else ""
        status = shared.verdict(node, record)["status"]
        label = f"{who}: {record.data.get('statement', node)} ({status})"
        esc = _escape
        found = shared.nodes[node] = (esc(who), [esc(line) for line in _lines(record.data.get("statement", node))], esc(status), esc(label))
    return found


ESCAPED = re.compile("[&<>\"']")  # what html.escape changes


def _escape(value: str) -> str:
    """html.escape(value), with a text that holds none of what it changes (most) taken as it is."""
    return value if ESCAPED.search(value) is None else html.escape(value)


def _edge(shared: Fragments, a: str, kind: str, b: str) -> tuple[str, str, str]:
    """What a relation's arrow shows, escaped: its kind (a class), its title and its verb."""
    found = shared.edges.get((a, kind, b))
    if found is None:
        esc = _escape
        verb = VERBS.get(kind, kind)
        found = shared.edges[(a, kind, b)] = (esc(kind), f"{esc(a)} {esc(verb)} {esc(b)}", esc(verb))
    return found


# What textwrap treats apart from plain words between single spaces, beside whitespace other than a space (which
# str.isprintable leaves out): hyphens (where it may break a word), spaces that are not single and between words, and
# a word longer than a line.
NOT_PLAIN = re.compile(f"-|  |^ | $|[^ ]{{{LINE_CHARS + 1}}}")


def _lines(text: str) -> list[str]:
    """A statement's lines in its box: at most LINES, the last cut with an ellipsis when there is more."""
    plain = text and text.isprintable() and NOT_PLAIN.search(text) is None
    lines = _plain_lines(text) if plain else (WRAP.wrap(text) or [""])
    if len(lines) > LINES:
        lines = lines[:LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "…"
    return lines


def _plain_lines(text: str) -> list[str]:
    """textwrap's lines of plain words (none longer than a line) between single spaces, up to the first line past
    LINES: each line as many words as fit, up to the last space that leaves it no longer than a line. A statement
    mostly is such a text, and textwrap's chunking by pattern costs about half of what drawing a claim's box takes
    the first time."""
    lines = []
    while len(text) > LINE_CHARS:
        cut = text.rfind(" ", 0, LINE_CHARS + 1)  # there is one: no word is longer than a line
        lines.append(text[:cut])
        if len(lines) > LINES:
            return lines
        text = text[cut + 1 :]
    lines.append(text)
    return lines


def _arrow(cache: dict, start: tuple[int, int], end: tuple[int, int]) -> tuple[str, str]:
    """An arrow's path from the box at start to the box at end, and where its label goes (x and y attributes)."""
    found = cache.get((start, end))
    if found is None:
        (ax, ay), (bx, by) = start, end
        if ax == bx:  # same column: an arc on the right
            x1, y1, x2, y2 = ax + BOX_W, ay + BOX_H // 2, bx + BOX_W, by + BOX_H // 2
            bend = x1 + GAP_X * 0.6
            path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
            lx, ly = bend - 6, (y1 + y2) / 2
        else:
            left = ax < bx
            x1 = ax + BOX_W if left else ax
            x2 = bx if left else bx + BOX_W
            y1, y2 = ay + BOX_H // 2, by + BOX_H // 2
            mid = (x1 + x2) / 2
            path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
            lx, ly = mid, (y1 + y2) / 2
        found = cache[(start, end)] = (path, f'x="{lx:.0f}" y="{ly - 4:.0f}"')
    return found


def _box(who: str, lines: list[str], status: str, label: str, x: int, y: int, current: bool) -> str:
    """A claim's box at (x, y) (what _node gives): its claimant, statement and status; on the claim's own page
    (current) highlighted."""
    tx = x + 10
    out = (
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" class="fc-node{" fc-node-current" if current else ""}"/>'
        f'<text x="{tx}" y="{y + 18}" class="fc-node-who">{who}</text>'
    )
    for i, line in enumerate(lines):
        out += f'<text x="{tx}" y="{y + 37 + i * 16}" class="fc-node-text">{line}</text>'
    if status:
        out += f'<text x="{x + BOX_W - 10}" y="{y + 18}" text-anchor="end" class="fc-node-status fc-node-status-{status}">{status}</text>'
    if current:
        return f'<g class="fc-node-group" aria-label="{label} (this claim)">{out}</g>'
    return out


def diagram(site: Site, src: str, claim_id: str, this_page: bool = True, links: Links | None = None) -> Markup:
    """The thread around a claim as an accessible SVG: each claim a linked box, each relation a labelled arrow.
    On the claim's own page (this_page) its box is highlighted and not a link. links: the page's, when the caller
    has them (Links(site, src))."""
    shared = fragments(site)
    columns, edges = _neighbourhood(shared, site, claim_id)
    if len(edges) == 0:
        return EMPTY
    rows = max(len(c) for c in columns)
    width = PAD * 2 + len(columns) * BOX_W + (len(columns) - 1) * GAP_X
    height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y
    where: dict[str, tuple[int, int]] = {}
    for c, column in enumerate(columns):
        top = PAD + (height - 2 * PAD - (len(column) * BOX_H + (len(column) - 1) * GAP_Y)) // 2
        for r, node in enumerate(column):
            where[node] = (PAD + c * (BOX_W + GAP_X), top + r * (BOX_H + GAP_Y))
    out = [
        f'<svg class="fc-thread-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" '
        f'aria-label="Thread diagram: {len(where)} claims and {len(edges)} relations">',
        '<defs><marker id="fc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="fc-arrow-head"/></marker></defs>',
    ]
    arrows = shared.arrows
    for a, kind, b in edges:
        cls, title, verb = _edge(shared, a, kind, b)
        path, label_at = _arrow(arrows, where[a], where[b])
        out.append(
            f'<path d="{path}" class="fc-edge fc-edge-{cls}" marker-end="url(#fc-arrow)"><title>{title}</title></path>'
            f'<text {label_at} class="fc-edge-label fc-edge-{cls}" text-anchor="middle" aria-hidden="true">{verb}</text>'
        )
    if links is None:
        links = Links(site, src)
    for node, (x, y) in where.items():
        record = site.get(node)
        if record is None:
            continue
        current = this_page and node == claim_id
        who, lines, status, label = _node(shared, site, node, record)
        body = _box(who, lines, status, label, x, y, current)
        if current:
            out.append(body)
        else:
            link = links.href(record_url("claim", node))  # escaped
            out.append(f'<a href="{link}" class="fc-node-link" aria-label="{label}">{body}</a>')
    out.append("</svg>")
    return markup("".join(out))


def hub(site: Site, members: list) -> str:
    """The claim with the most relations in a thread (the first by id among equals): where its diagram starts."""
    _, edges = site.thread(members[0].id)
    degree = {r.id: 0 for r in members}
    for a, _, b in edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    return min(degree, key=lambda node: (-degree[node], node))


def relations_list(site: Site, claim_ids: set[str] | None, edges: list[tuple[str, str, str]]) -> list[dict]:
    """The relations as rows for a list: {source, verb, target} (records), in a stable order."""
    rows = []
    for a, kind, b in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        source, target = site.get(a), site.get(b)
        if source is None or target is None:
            continue
        if claim_ids is not None and a not in claim_ids and b not in claim_ids:
            continue
        rows.append({"source": source, "verb": VERBS.get(kind, kind), "type": kind, "target": target})
    return rows


def thread_items(links: Links, claim_id: str) -> tuple[list[dict], Markup]:
    """A claim's own relations for its page: the relations of its thread (relations_list) that it is a side of,
    what it disputes, supports, responds to or repeats and what does so to it, and the items of their list,
    each side a link with its verdict, or "This claim". The whole thread's list is on the threads page. The
    rows are built once per thread and folder of pages; a page only takes its own and puts its claim in."""
    site = links.site
    number = site.thread_of.get(claim_id)
    if number is None:
        return [], EMPTY
    key = (number, links.parent)
    found = links.shared.threads.get(key)
    if found is None:
        by_claim: dict[str, list[tuple]] = {}
        for rel in relations_list(site, None, site.edges_of.get(number, [])):
            row = (
                rel,
                rel["source"].id,
                site.short(rel["source"], 100),
                f'<span class="fc-rel fc-rel-{text(rel["type"])}">{text(rel["verb"])}</span>',
                rel["target"].id,
                site.short(rel["target"], 100),
            )
            by_claim.setdefault(row[1], []).append(row)
            if row[4] != row[1]:
                by_claim.setdefault(row[4], []).append(row)
        found = links.shared.threads[key] = (by_claim, {})
    by_claim, shown = found
    rows = by_claim.get(claim_id, [])

    def side(record_id: str, label: str, this: str) -> str:
        if record_id == claim_id:
            return this
        out = shown.get(record_id)  # another claim's link is the same from every page in this folder
        if out is None:
            out = shown[record_id] = str(links.listed(record_id, label, keep=False))  # kept here, not twice
        return out

    items = "".join(
        f"<li>{side(a, left, '<strong>This claim</strong>')} {middle} {side(b, right, '<strong>this claim</strong>')}</li>"
        for _, a, left, middle, b, right in rows
    )
    return [row[0] for row in rows], markup(items)
