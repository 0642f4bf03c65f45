"""Table and chart geometry shared by the PDF and PPTX packs: column widths by content, rows
wrapped and measured, rows split into pieces that fit a page, chart fonts raised for projection.

Text widths are estimated from character counts (Noto Sans averages about 0.5 em per character;
0.53 em is used so the estimate errs on the wide side), word wrap is simulated greedily, so a row
height computed here is at least what PowerPoint, LibreOffice or fpdf2 draw.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from vlboard.charts import theme
from vlboard.export import png

EM = 0.53  # average character width of Noto Sans, in em (Vietnamese text measures ~0.43): on the wide side
LINE = 1.4  # line height, in em (Noto Sans draws lines 1.36 em apart)


def chars_per_line(width_pt: float, size_pt: float) -> int:
    return max(1, int(width_pt / (EM * size_pt)))


def wrapped_lines(text: str, per_line: int) -> int:
    """Lines ``text`` takes when wrapped at word boundaries to ``per_line`` characters."""
    total = 0
    for para in str(text).split("\n"):
        lines, used = 1, 0
        for word in para.split():
            n = len(word)
            while n > per_line:  # a word longer than the line is broken
                if used:
                    lines, used = lines + 1, 0
                n -= per_line
                lines += 1
            need = n if used == 0 else used + 1 + n
            if need <= per_line:
                used = need
            else:
                lines, used = lines + 1, n
        total += lines
    return max(1, total)


def _longest_word(text: str) -> int:
    return max((len(w) for w in str(text).split()), default=1)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], width_pt: float, size_pt: float) -> list[float]:
    """Widths (pt) summing to ``width_pt``: a short column gets its longest text, the long ones
    share the rest by their typical length, none narrower than its longest word."""
    pad = 3.0  # characters of cell padding
    cols = len(header)
    natural, floor = [], []
    for j in range(cols):
        texts = [str(header[j])] + [str(r[j]) for r in rows]
        lengths = sorted(len(t) for t in texts[1:]) or [0]
        typical = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]  # 90th percentile
        natural.append(max(typical, 1.15 * _longest_word(header[j])) + pad)
        floor.append(max(min(max(_longest_word(t) for t in texts), 24), 1.15 * _longest_word(header[j])) + pad)
    total_chars = width_pt / (EM * size_pt)
    if sum(natural) <= total_chars:  # all fit on one line: spread the slack
        extra = (total_chars - sum(natural)) / cols
        chars = [n + extra for n in natural]
    else:
        chars = list(natural)
        fixed = [False] * cols
        while True:  # columns no longer than a fair share keep their natural width
            free = total_chars - sum(c for c, f in zip(chars, fixed) if f)
            open_ = [j for j in range(cols) if not fixed[j]]
            share = free / max(1, len(open_))
            short = [j for j in open_ if natural[j] <= share]
            if not short or len(short) == len(open_):
                weight = sum(natural[j] for j in open_)
                for j in open_:
                    chars[j] = max(floor[j], free * natural[j] / weight)
                break
            for j in short:
                fixed[j] = True
                chars[j] = natural[j]
        scale = total_chars / sum(chars)
        chars = [c * scale for c in chars]
    return [c * EM * size_pt for c in chars]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # pt
    size: float  # pt
    pad_pt: float  # top + bottom padding of a cell

    def row_height(self, cells: Sequence[str]) -> float:
        lines = max(
            wrapped_lines(c, chars_per_line(w - 2.2 * EM * self.size, self.size)) for c, w in zip(cells, self.widths)
        )
        return lines * LINE * self.size + self.pad_pt

    def header_height(self) -> float:
        return self.row_height(self.header)

    def pieces(self, first_pt: float, next_pt: float) -> list[list[int]]:
        """Row indices per piece: the first piece fills ``first_pt`` (header included; it is empty
        when not even one row fits there), later pieces ``next_pt``; every piece repeats the header."""
        out: list[list[int]] = []
        room, cur = first_pt - self.header_height(), []
        for i, r in enumerate(self.rows):
            h = self.row_height(r)
            if h > room and (cur or not out):
                out.append(cur)
                room, cur = next_pt - self.header_height(), []
            cur.append(i)
            room -= h
        out.append(cur)
        return out


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], width_pt: float, size_pt: float, pad_pt: float
) -> Table:
    header = [str(h) for h in header]
    rows = [[str(c) for c in r] for r in rows]
    return Table(header, rows, column_widths(header, rows, width_pt, size_pt), size_pt, pad_pt)


def text_height(lines: Sequence[str], width_pt: float, size_pt: float, gap_em: float = 0.0) -> float:
    per = chars_per_line(width_pt, size_pt)
    n = sum(wrapped_lines(t, per) for t in lines)
    return (n * LINE + gap_em * len(lines)) * size_pt


def enlarge_fonts(fig: go.Figure, min_px: float) -> go.Figure:
    """A copy of ``fig`` whose every font (layout, titles, axes, legend, annotations, trace text)
    is at least ``min_px`` CSS px, keeping the larger ones larger."""
    spec = fig.to_dict()

    def walk(node, key=""):
        if isinstance(node, dict):
            if key.endswith("font"):
                size = node.get("size")
                if isinstance(size, int | float):
                    node["size"] = max(size, min_px)
                elif size is None:
                    node["size"] = min_px
                elif isinstance(size, list):
                    node["size"] = [max(s, min_px) for s in size]
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key if key == "annotations" else "")

    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {})
    walk(spec)
    for ann in layout.get("annotations", []):
        ann.setdefault("font", {})
        ann["font"]["size"] = max(ann["font"].get("size") or 0, min_px)
    out = go.Figure(spec)
    if out.layout.title.text:
        out.update_layout(margin=dict(t=max(out.layout.margin.t or 0, int(min_px * 3.2))))
    return out


def px(inches: float) -> int:
    """CSS pixels (96 per inch) for a length placed on a page or slide."""
    return max(1, math.floor(inches * 96))


PROJECTED_PX = 19  # CSS px at 96 per inch of the page: 14,25 pt where the image is placed


def placed_png(fig: go.Figure, width_in: float, height_in: float, source_line: str) -> bytes:
    """The figure rendered at the size it is placed at (inches), every text at least 14 pt there;
    its footer (data date, demo note) and the source line below, wrapped to the image's width."""
    big = enlarge_fonts(fig, PROJECTED_PX)
    bars = dict(type="bar")  # a 14 pt value that does not fit inside its bar goes beside it, dark
    big.update_traces(textposition="auto", outsidetextfont=dict(color="#222222", size=PROJECTED_PX), selector=bars)
    width, height = px(width_in), px(height_in)
    old = [a for a in big.layout.annotations if a.name == "footer"]
    lines = old[0].text.split("<br>") if old else []
    base = (big.layout.margin.b or 0) - 16 * len(lines)
    if base >= 50:  # an axis at the bottom: 14 pt tick labels and the axis title under it
        base = 90
    lines.append(source_line)
    if width_in < 6:  # a small multiple: the slide's footer carries the date and the source
        lines = []
    per = max(10, int(width / (EM * 16)) - 2)
    wrapped = [w for line in lines for w in textwrap.wrap(line, per)]
    bottom = max(0, base) + int(16 * LINE * len(wrapped)) + 8
    theme.add_footer(big, wrapped, shift=bottom - 4, size=16, color="#555555")
    big.update_layout(margin=dict(b=bottom), height=height, width=width)
    return png.figure_png(big, width=width, height=height, scale=2)
