"""Write the places as GeoJSON (RFC 7946): one FeatureCollection, one Feature per place.

Reads the place records; writes ``places.geojson`` into the folder it is given. A place with
coordinates is a Point ([longitude, latitude], as GeoJSON orders them) with its geo precision
(1 the place itself, 2 near it, 3 the region, as ACLED's geo_precision); a place without
coordinates is listed too, with ``geometry: null``, so that every place and its parent and admin-1
region can be found. Features are sorted by id.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..load import Dataset
from .files import GEOJSON
from .flat import Hierarchy


def feature_collection(dataset: Dataset) -> dict:
    hierarchy = Hierarchy({r.id: r for r in dataset.records})
    features = []
    for record in sorted(dataset.of_kind("place"), key=lambda r: r.id):
        data = record.data
        point = data.get("coordinates")
        region = hierarchy.region(record.id)
        gazetteer = (point or {}).get("gazetteer", {})
        properties = {
            "id": record.id,
            "name": data["name"],
            "kind": data["kind"],
            "parent": data.get("parent"),
            "region_id": region,
            "region_name": hierarchy.name(region),
            "country": data.get("country"),
            "iso_3166_2": data.get("iso_3166_2"),
            "geo_precision": point.get("precision") if point else None,
            "gazetteer": gazetteer.get("dataset"),
            "gazetteer_name": gazetteer.get("name"),
            "wikidata": data.get("wikidata"),
        }
        geometry = {"type": "Point", "coordinates": [point["lon"], point["lat"]]} if point else None
        features.append({"type": "Feature", "id": record.id, "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(dataset: Dataset, folder: Path) -> None:
    text = json.dumps(feature_collection(dataset), ensure_ascii=False, indent=2) + "\n"
    (folder / GEOJSON).write_bytes(text.encode("utf-8"))
