"""charts.svgmap: the commune outlines the wall draws, north up and true to shape."""

from __future__ import annotations

import json
import re

from tests.support.fixtures import ROOT
from vlboard.charts import svgmap


def square(code, x, y, size=0.1):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_projection_is_north_up_and_shrinks_longitudes():
    geo = {"features": [square("a", 106.0, 10.0), square("b", 106.1, 10.1), {"properties": {"code": "c"}}]}
    s = svgmap.shapes(geo, width=1000)
    assert set(s.paths) == {"a", "b"}  # a feature without geometry is left out
    assert s.width == 1000 and 1012 <= s.height <= 1020  # 0.2° × 0.2° at 10°N: taller than wide by 1/cos(10°)
    xy = lambda d: [tuple(map(int, p.split())) for p in re.findall(r"-?\d+ -?\d+", d)]  # noqa: E731
    a, b = xy(s.paths["a"]), xy(s.paths["b"])
    assert max(y for _, y in a) == s.height and min(y for _, y in b) == 0  # the southern square at the bottom
    assert len(a) == 5 and s.paths["a"].startswith("M") and s.paths["a"].endswith("Z")


def test_multipolygons_tiny_rings_and_empty_input():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square("x", 0, 0)["geometry"]["coordinates"], [[[5, 5], [5.000001, 5], [5, 5.000001], [5, 5]]]],
    }
    s = svgmap.shapes({"features": [{"properties": {"code": "m"}, "geometry": multi}]}, width=100)
    assert s.paths["m"].count("M") == 1  # the speck rounds to one point and is dropped
    assert svgmap.shapes({}) == svgmap.Shapes(0, 0, {})


def test_shipped_communes():
    geo = json.loads((ROOT / "data" / "geo" / "vinhlong_2025_communes.geojson").read_text("utf-8"))
    s = svgmap.shapes(geo, width=640)
    assert len(s.paths) == 124 and 400 < s.height < 520
    assert sum(map(len, s.paths.values())) < 60_000  # sent every second by the wall's fragment
