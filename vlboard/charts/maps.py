"""The map of units coloured by status, drawn offline from the boundary geojson (no tiles)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from vlboard.charts.status import cell_labels
from vlboard.charts.theme import INDEX, NO_DATA_FILL, discrete_scale, finish, label, legend_keys, set_footer
from vlboard.domain.vocab import STATUSES

ATTRIBUTION = "Ranh giới: thanglequoc/vietnamese-provinces-database (MIT), theo bản đồ ĐVHC sapnhap.bando.com.vn"


def choropleth(
    geojson: dict,
    frame: pd.DataFrame,
    *,
    title: str,
    data_date: str | None = None,
    note: str | None = None,
    labels: dict[str, str] | None = None,
) -> go.Figure:
    """Map of units coloured by status (offline geo, no tiles); units without a row in grey.
    ``labels``: legend names per status when the colour is a rule over many indicators (the
    share of a unit's indicators đạt, rollups.SHARE_LABELS)."""
    frame = frame[frame.status.isin(STATUSES)]
    text, hover = cell_labels(frame)
    hover = [f"{label(n)}<br>{h}" for n, h in zip(frame["name"], hover)]
    present = set(frame.official_code.astype(str))
    missing = [f["properties"] for f in geojson.get("features", []) if str(f["properties"]["code"]) not in present]
    # plotly.js fetches a world topojson from its CDN (absent offline) when the first geo trace has a
    # locationmode; a first Scattergeo with lat/lon has none, so the map draws from the geojson alone
    fig = go.Figure(go.Scattergeo(lat=[None], lon=[None], mode="markers", showlegend=False, hoverinfo="skip"))
    shared = dict(
        geojson=geojson,
        featureidkey="properties.code",
        showscale=False,
        showlegend=False,
        hovertemplate="%{hovertext}<extra></extra>",
        marker_line=dict(color="white", width=0.5),
    )
    if missing:
        fig.add_trace(
            go.Choropleth(
                locations=[str(p["code"]) for p in missing],
                z=[0] * len(missing),
                colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]],
                name="Không có số liệu",
                hovertext=[f"{label(p.get('fullName', p['code']))}<br>Không có số liệu" for p in missing],
                **shared,
            )
        )
    fig.add_trace(
        go.Choropleth(
            locations=frame.official_code.astype(str).tolist(),
            name="Trạng thái",
            z=[INDEX[s] for s in frame.status],
            colorscale=discrete_scale(),
            zmin=-0.5,
            zmax=len(STATUSES) - 0.5,
            text=text,
            hovertext=hover,
            customdata=[[c] for c in frame.unit_code] if "unit_code" in frame else None,
            **shared,
        )
    )
    legend_keys(
        fig, frame.status, geo=True, extra={"Không có số liệu": NO_DATA_FILL} if missing else None, labels=labels
    )
    fig.update_geos(
        fitbounds="locations",
        visible=False,
        projection_type="mercator",
        bgcolor="white",
        **{
            f"show{layer}": False
            for layer in ("land", "lakes", "ocean", "rivers", "coastlines", "countries", "subunits", "frame")
        },
    )
    finish(fig, title=title, data_date=data_date, note=note, height=640)
    footer = [a.text for a in fig.layout.annotations if a.name == "footer"]
    set_footer(fig, footer + [ATTRIBUTION])
    return fig
