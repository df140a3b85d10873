"""Region outlines for the map (frontline.site.geo): selection by ISO 3166-2 code and simplification."""

from __future__ import annotations

import json
from pathlib import Path

from frontline.site import geo


def square(x: float, y: float, size: float, steps: int = 10) -> list[list[float]]:
    """A closed square ring with `steps` points on each side (most of them collinear)."""
    ring = []
    for i in range(steps):
        ring.append([x + size * i / steps, y])
    for i in range(steps):
        ring.append([x + size, y + size * i / steps])
    for i in range(steps):
        ring.append([x + size - size * i / steps, y + size])
    for i in range(steps):
        ring.append([x, y + size - size * i / steps])
    ring.append([x, y])
    return ring


def write_layer(path: Path, features: list[tuple[str, str, dict]]) -> Path:
    lines = ['{"type":"FeatureCollection", "features": [']
    body = [
        json.dumps(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"iso_3166_2": code, "name": name, "name_en": name, "latitude": 48.5, "longitude": 30.5},
            },
            separators=(",", ":"),
        )
        for code, name, geometry in features
    ]
    lines.append(",\n".join(body))
    lines.append("]}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_simplify_line_drops_collinear_points_and_keeps_the_ends():
    line = [[0, 0], [1, 0.001], [2, 0], [3, 5], [4, 0]]
    assert geo.simplify_line(line, 0.01) == [[0, 0], [2, 0], [3, 5], [4, 0]]


def test_simplify_ring_keeps_the_corners_of_a_square_and_stays_closed():
    ring = geo.simplify_ring(square(30, 48, 1), 0.01)
    assert ring[0] == ring[-1]
    assert sorted(map(tuple, ring[:-1])) == [(30, 48), (30, 49), (31, 48), (31, 49)]


def test_a_ring_smaller_than_the_tolerance_is_dropped():
    geometry = {"type": "MultiPolygon", "coordinates": [[square(30, 48, 1)], [square(35, 45, 0.001)]]}
    simplified = geo.simplify_geometry(geometry, 0.01)
    assert simplified["type"] == "Polygon"
    assert len(simplified["coordinates"][0]) == 5


def test_outlines_keeps_only_the_codes_asked_for(tmp_path):
    layer = write_layer(
        tmp_path / "layer.json",
        [
            ("XA-01", "First", {"type": "Polygon", "coordinates": [square(30, 48, 1)]}),
            ("XA-02", "Second", {"type": "Polygon", "coordinates": [square(32, 48, 1)]}),
            ("XA-010", "Longer code", {"type": "Polygon", "coordinates": [square(34, 48, 1)]}),
        ],
    )
    found = geo.outlines(layer, ["XA-01", "XA-99"])
    assert [f["properties"] for f in found["features"]] == [{"code": "XA-01", "name": "First", "label": [48.5, 30.5]}]
    assert geo.outlines(layer, []) == {"type": "FeatureCollection", "features": []}


def test_package_version_reads_package_json(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.2.3"}', encoding="utf-8")
    assert geo.package_version(tmp_path) == "1.2.3"
    assert geo.package_version(tmp_path / "missing") == ""
