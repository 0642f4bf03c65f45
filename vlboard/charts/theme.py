"""The look every figure shares: :func:`finish` (Vietnamese title, Noto Sans since Plotly's default
font has no Vietnamese glyphs, white theme, Vietnamese number separators, a grey footer with the data
date), the label helpers, the status legend keys and :func:`darken` for the operations-room wall."""

from __future__ import annotations

import html
import unicodedata

import plotly.graph_objects as go
import plotly.io as pio

from vlboard.domain import status
from vlboard.domain.textnorm import slug
from vlboard.domain.vocab import STATUSES

FONT = "Noto Sans, DejaVu Sans, sans-serif"
GREY = "#6B6B6B"
BLUE = "#0072B2"
NO_DATA_FILL = "#EEEEEE"
WALL_BG = "#0B1220"
INDEX = {code: i for i, code in enumerate(STATUSES)}
_CARTESIAN = {"bar", "scatter", "heatmap"}
# The legend sits under the figure, across its width (container bottom): Plotly reserves its height
# below the plot, so a legend that wraps to three rows on a 390-px phone takes room from the plot's
# margin, not from a strip under a legend drawn over the plot's top. The footer stays just above it.
LEGEND_ROOM = 50
LEGEND_BELOW = dict(
    orientation="h",
    x=0,
    xanchor="left",
    xref="paper",
    y=0,
    yanchor="bottom",
    yref="container",
    title_text="",
    font=dict(size=12),
)


# the trace types vlboard draws: a template keeps their defaults only (``slim``)
TRACE_TYPES = ("bar", "scatter", "scattergeo", "heatmap", "choropleth", "indicator")
_SLIM: dict[str, go.layout.Template] = {}


def slim(name: str) -> go.layout.Template:
    """Plotly's template ``name`` with its layout whole and the trace defaults of ``TRACE_TYPES``
    only, built once per process. Plotly validates and deep-copies a template into every figure
    that sets it; the full one holds defaults for some 40 trace types: ~15 ms a figure, a third of
    a chart-heavy page's rerun, and twice the JSON each chart sends to the browser."""
    if name not in _SLIM:
        full = pio.templates[name]
        _SLIM[name] = go.layout.Template(
            layout=full.layout, data={k: full.data[k] for k in TRACE_TYPES if full.data[k]}
        )
    return _SLIM[name]


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


def label(text) -> str:
    """Text from the data inside a figure: Plotly reads <a href>, <b>, <span style> … in every
    label, so ``<``, ``>`` and ``&`` become entities (Plotly shows them literally)."""
    return html.escape(nfc(text), quote=False)


def short(text, n: int) -> str:
    text = nfc(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def wrap(text, width: int, lines: int = 2) -> str:
    """``text`` on at most ``lines`` lines of about ``width`` characters (Plotly ``<br>``), broken
    between words; only what does not fit in them is cut (``…``). Escaped for Plotly."""
    words, out, line = nfc(text).split(), [], ""
    for i, word in enumerate(words):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
            if len(out) == lines - 1:
                line = " ".join(words[i:])
                break
        else:
            line = f"{line} {word}" if line else word
    out.append(short(line, width))
    return "<br>".join(label(x) for x in out)


def plotly_config(filename: str) -> dict:
    """``config`` for ``st.plotly_chart``: PNG download named after ``filename``, no logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": slug(filename) or "bieu-do", "scale": 2},
        "locale": "vi",
        "locales": {"vi": {"dictionary": MODEBAR_VI}},  # plotly.js ships no Vietnamese: its strings, here
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


# the toolbar and notice strings of the plotly.js Streamlit bundles (3.x) → Vietnamese. Streamlit's
# own "Fullscreen" button is added with a fixed English title that plotly.js does not translate.
MODEBAR_VI = {
    "Download plot as a PNG": "Tải ảnh PNG",
    "Download plot": "Tải ảnh biểu đồ",
    "Download plot as JSON": "Tải dữ liệu biểu đồ (JSON)",
    "Preparing image - this may take a few seconds": "Đang tạo ảnh, chờ vài giây",
    "Image download succeeded": "Đã tải ảnh",
    "JSON download succeeded": "Đã tải dữ liệu",
    "Sorry, there was a problem downloading your image!": "Không tải được ảnh biểu đồ.",
    "Sorry, there was a problem downloading your JSON file!": "Không tải được dữ liệu biểu đồ.",
    "Zoom": "Phóng vùng chọn",
    "Pan": "Kéo",
    "Box Select": "Chọn vùng chữ nhật",
    "Lasso Select": "Chọn vùng tự do",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Autoscale": "Tự co giãn",
    "Reset axes": "Đặt lại trục",
    "Reset view": "Đặt lại khung nhìn",
    "Reset views": "Đặt lại các khung nhìn",
    "Reset": "Đặt lại",
    "Toggle Spike Lines": "Bật/tắt đường gióng",
    "Show closest data on hover": "Hiện số liệu gần nhất khi trỏ chuột",
    "Compare data on hover": "So sánh số liệu khi trỏ chuột",
    "Toggle show closest data on hover": "Bật/tắt hiện số liệu khi trỏ chuột",
    "Reset camera to default": "Đặt lại góc nhìn mặc định",
    "Reset camera to last save": "Đặt lại góc nhìn đã lưu",
    "Orbital rotation": "Xoay quanh tâm",
    "Turntable rotation": "Xoay mâm",
    "Double-click to zoom back out": "Bấm đúp để thu nhỏ lại",
    "Double-click on legend to isolate one trace": "Bấm đúp vào chú giải để chỉ xem một dãy",
}


def add_footer(
    fig: go.Figure, lines: list[str], *, shift: float, size: int, color: str = GREY, right: bool = False
) -> None:
    """(Re)place the footer annotation (``lines``; none: removed), ``shift`` px under the plot, at the
    bottom left, or ``right``: paper x=0 sits right of a bar chart's long labels (off a 390-px phone)."""
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "footer"]
    if lines:
        fig.add_annotation(
            name="footer",
            text="<br>".join(nfc(x) for x in lines),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=1 if right else 0,
            y=0,
            xanchor="right" if right else "left",
            yanchor="bottom",
            yshift=-shift,
            align="left",
            font=dict(size=size, color=color),
        )


def set_footer(fig: go.Figure, lines: list[str]) -> None:
    """(Re)place the grey bottom-right footer annotation and size the bottom margin for it: under
    the x-axis title (on a phone they would share a line) and above the legend's first row (the
    legend sits at the figure's bottom, LEGEND_BELOW; a wrapped legend pushes the margin up)."""
    cartesian = any(t.type in _CARTESIAN for t in fig.data)
    legend = fig.layout.showlegend is not False and any(getattr(t, "showlegend", None) for t in fig.data)
    above = 16 * len(lines) + (70 if cartesian else 12)
    bottom = above + (LEGEND_ROOM if legend and lines else 0)
    fig.update_layout(margin_b=bottom)
    add_footer(fig, lines, shift=above - 6, size=11, right=True)


def finish(
    fig: go.Figure, *, title: str, data_date: str | None = None, note: str | None = None, height: int | None = None
) -> go.Figure:
    """Common theme: title, font, white template, ',.' separators, margins, footer."""
    fig.update_layout(
        template=slim("plotly_white"),
        separators=",.",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family=FONT, size=13, color="#222222"),
        hoverlabel=dict(font_family=FONT),
        title=dict(
            text=nfc(title),
            x=0.01,
            xanchor="left",
            xref="container",
            y=1,
            yanchor="top",
            yref="container",
            pad=dict(t=14),
            font=dict(size=18),
        ),
        margin=dict(l=20, r=20, t=60),
        legend=LEGEND_BELOW,
    )
    if any(t.type in _CARTESIAN for t in fig.data):
        fig.update_xaxes(automargin=True)
        fig.update_yaxes(automargin=True)
    if height:
        # the legend's rows come out of the figure's height: room for one row on a wide screen and
        # three on a phone, so the plot keeps its size when the legend wraps
        legend = any(getattr(t, "showlegend", None) for t in fig.data)
        fig.update_layout(height=int(height) + (LEGEND_ROOM if legend else 0))
    first = " · ".join(x for x in (f"Số liệu đến ngày {data_date}" if data_date else "", note or "") if x)
    set_footer(fig, [first] if first else [])
    return fig


def empty(fig: go.Figure, text: str = "Chưa có số liệu") -> go.Figure:
    fig.add_annotation(
        text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font=dict(size=15, color=GREY)
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def discrete_scale() -> list[list]:
    """One flat colour band per status index (use with zmin=-0.5, zmax=len-0.5)."""
    n = len(STATUSES)
    return [[(i + j) / n, s.colour] for i, s in enumerate(STATUSES.values()) for j in (0, 1)]


def legend_keys(
    fig: go.Figure,
    codes,
    *,
    geo: bool = False,
    extra: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> None:
    """Invisible traces naming each status present (icon + label) and ``extra`` name → colour
    in the legend, so that colour is never the only carrier of the status."""
    extra = extra or {}
    keys = {(labels or {}).get(c) or status.label(c): s.colour for c, s in STATUSES.items() if c in set(codes)} | extra
    for name, colour in keys.items():
        outline = dict(color="#BBBBBB", width=1 if name in extra else 0)
        kw = dict(
            name=name,
            mode="markers",
            showlegend=True,
            hoverinfo="skip",
            marker=dict(color=colour, size=12, symbol="square", line=outline),
        )
        fig.add_trace(go.Scattergeo(lat=[None], lon=[None], **kw) if geo else go.Scatter(x=[None], y=[None], **kw))


def darken(fig: go.Figure, *, scale: float = 1.5, height: int | None = None, keep_footer: bool = False) -> go.Figure:
    """The same figure for the operations-room wall: dark background, light text, larger type
    (read from 3–5 m). The wall shows the data date in its own header, so the chart footer goes,
    unless ``keep_footer`` (the map keeps its boundary attribution)."""
    size = round(14 * scale)
    fig.update_layout(
        template=slim("plotly_dark"),
        paper_bgcolor=WALL_BG,
        plot_bgcolor=WALL_BG,
        font=dict(family=FONT, size=size, color="#E8EEF7"),
        title_font=dict(size=round(size * 1.25), color="#FFFFFF"),
        legend_font=dict(size=size),
    )
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor="#24324A", zerolinecolor="#24324A")
    fig.update_yaxes(gridcolor="#24324A", zerolinecolor="#24324A")
    fig.update_traces(textangle=0, selector=dict(type="bar"))
    kept = []
    for ann in fig.layout.annotations or ():
        if ann.name == "footer":
            if not keep_footer:
                continue
            ann.font = dict(size=round(11 * scale), color="#9FB0C8")
        else:
            ann.font = dict(size=size, color="#E8EEF7")
        kept.append(ann)
    for shape in fig.layout.shapes or ():
        shape.line.color = "#E8EEF7"
    fig.layout.annotations = kept
    fig.update_geos(bgcolor=WALL_BG)
    return fig


# The wall's own palette (dark room screen, read from 4 m): every text colour reaches ≥ 4.5:1 on
# WALL_BG and on WALL_PANEL; the status shades are lighter than the Okabe–Ito ones so that a status
# name or number written in them reaches it too (tests/browser/test_wall_measure.py measures it).
WALL = {
    "bg": WALL_BG,
    "panel": "#16213A",
    "text": "#F2F5FA",
    "muted": "#C3CEDD",
    "foot": "#A9B8CC",
    "achieved": "#35C88E",
    "near": "#F2B544",
    "not_achieved": "#FF8A70",
    "none": "#9AA7B8",
    "badge_text": "#0B1220",  # on the "near" shade: the demo badge
}
