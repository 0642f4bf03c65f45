"""The ward/commune boundaries as plain SVG paths (pure): the wall draws its map from them, with no
text inside (names and figures are beside it, in wall-size type), from the same boundary geojson
as the units page's Plotly map (charts.maps.choropleth)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Shapes:
    """The units' outlines in a ``width`` × ``height`` viewBox, north up: one SVG path per unit,
    keyed by the official code (``properties.code``, breakdowns.map_frame's ``official_code``)."""

    width: int
    height: int
    paths: dict[str, str]


def shapes(geojson: dict, width: int = 1000) -> Shapes:
    """Project the geojson's polygons equirectangularly (longitudes shrunk by the cosine of the mean
    latitude, true to shape at a province's size), rounded to whole viewBox units with repeated
    points dropped (a few tens of kilobytes for the 124 communes). Features without a polygon are
    left out; with none at all the Shapes are empty (0 × 0)."""
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates") or []
        polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
        code = str((feature.get("properties") or {}).get("code", ""))
        found = [[(float(x), float(y)) for x, y, *_ in ring] for polygon in polygons for ring in polygon if ring]
        if code and found:
            rings.setdefault(code, []).extend(found)
    points = [p for unit in rings.values() for ring in unit for p in ring]
    if not points:
        return Shapes(0, 0, {})
    shrink = math.cos(math.radians(sum(y for _, y in points) / len(points)))
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    scale = width / max((east - west) * shrink, 1e-9)
    height = max(1, round((north - south) * scale))

    def path(ring: list[tuple[float, float]]) -> str:
        xy: list[tuple[int, int]] = []
        for x, y in ring:
            p = (round((x - west) * shrink * scale), round((north - y) * scale))
            if not xy or p != xy[-1]:
                xy.append(p)
        if len(xy) < 3:
            return ""
        return "M" + "L".join(f"{x} {y}" for x, y in xy) + "Z"

    return Shapes(width, height, {code: "".join(path(r) for r in unit) for code, unit in rings.items()})
