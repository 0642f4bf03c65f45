"""The plan documents as text to quote from: tables split across page breaks joined back.

QĐ 3100's appendix is a Markdown table printed over many pages. At each page break the table's
header is repeated and a row's cells go on in a row with an empty TT cell:

    | 52. | Tỷ lệ hệ thống thông tin … đưa vào vận hành, khai | 40% | … |
    (blank line)
    | TT | Nhiệm vụ chuyển đổi số trọng tâm | Năm 2023 | … |
    |-----|---|----------|…|
    | | thác được kết nối, liên thông qua nền tảng … | | … |

:func:`join_page_breaks` merges such a continuation row into the row it continues, cell by cell,
and drops the repeated header, so "… vận hành, khai thác được kết nối …" can be quoted verbatim.
Text outside such tables is returned unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEPARATOR = re.compile(r"^\|[\s|:-]+\|$")
_NUMBERED = re.compile(r"^(\d{1,3})\.$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip()[1:-1].split("|")]


@dataclass
class TableRow:
    """One numbered row of a table, continuation rows merged in."""

    tt: int
    cells: list[str]  # every cell, the TT cell first
    line: int  # 0-based index of the row's first line in the document
    continued: list[int] = field(default_factory=list)  # lines of continuation rows merged in


def _scan(raw: str) -> tuple[list[str], list[TableRow], set[int]]:
    """(lines, numbered rows, lines to drop: repeated headers, separators and continuations)."""
    lines = raw.split("\n")
    rows: list[TableRow] = []
    drop: set[int] = set()
    seen_header = False
    page_break: list[int] = []  # lines of a repeated header (+ separator) not yet resolved
    for i, line in enumerate(lines):
        s = line.strip()
        if not (s.startswith("|") and s.endswith("|")):
            if s:
                page_break = []
            continue
        cells = _cells(s)
        if cells and cells[0] == "TT":
            if seen_header:
                page_break = [i]
            seen_header = True
            continue
        if _SEPARATOR.match(s):
            if page_break:
                page_break.append(i)
            continue
        m = _NUMBERED.match(cells[0]) if cells else None
        if m:
            rows.append(TableRow(int(m.group(1)), cells, i))
        elif page_break and rows and cells[0] == "" and len(cells) == len(rows[-1].cells):
            prev = rows[-1]
            prev.cells = [a if not b else (b if not a else f"{a} {b}") for a, b in zip(prev.cells, cells)]
            prev.continued.append(i)
            drop.update(page_break + [i])
        page_break = []
    return lines, rows, drop


def table_rows(raw: str) -> list[TableRow]:
    """The numbered rows of the document's tables, each with its continuation rows merged."""
    return _scan(raw)[1]


def join_page_breaks(raw: str) -> str:
    """The document with every table row that a page break split written as one row."""
    lines, rows, drop = _scan(raw)
    out = list(lines)
    for r in rows:
        if r.continued:
            out[r.line] = "| " + " | ".join(r.cells) + " |"
    return "\n".join(line for i, line in enumerate(out) if i not in drop)


def page_break_starts(raw: str) -> list[str]:
    """The text each continuation row's cells begin with (where a page break split a cell)."""
    lines, rows, _ = _scan(raw)
    out = []
    for r in rows:
        for i in r.continued:
            out += [c for c in _cells(lines[i].strip()) if c]
    return out


# --- where a quote stands ------------------------------------------------------------------------


def segments(quote: str) -> list[str]:
    """The verbatim pieces of a quote ('…' or '[…]' marks left-out text), collapsed."""
    from vlboard.domain.textnorm import collapse

    return [p for p in (collapse(x) for x in (quote or "").replace("[…]", "…").split("…")) if p]


def _match_at(parts: list[str], doc: str, at: int) -> int | None:
    """End of the match of ``parts`` in order when the first one starts at ``at``; else None."""
    end = at + len(parts[0])
    for p in parts[1:]:
        nxt = doc.find(p, end)
        if nxt < 0:
            return None
        end = nxt + len(p)
    return end


def matches(quote: str, doc: str, start: int = 0) -> list[int]:
    """Every position (from ``start``) where the quote's pieces occur in order, first piece there."""
    parts = segments(quote)
    if not parts:
        return []
    out, at = [], doc.find(parts[0], start)
    while at >= 0:
        if _match_at(parts, doc, at) is not None:
            out.append(at)
        at = doc.find(parts[0], at + 1)
    return out


def locate(quote: str, doc: str, anchor: str | None = None) -> tuple[int | None, str | None]:
    """(position of the quote in ``doc``, None) or (None, why it cannot be located).

    Without an anchor the quote must occur exactly once. With one, the anchor (text printed before
    the quote) must occur exactly once and the quote is its first occurrence after the anchor."""
    start = 0
    if anchor:
        found = matches(anchor, doc)
        if len(found) != 1:
            return None, "không thấy mốc (anchor)" if not found else f"mốc (anchor) xuất hiện {len(found)} lần"
        end = _match_at(segments(anchor), doc, found[0])
        start = found[0] if end is None else end  # never None: matches() found the whole anchor there
        after = matches(quote, doc, start)
        return (after[0], None) if after else (None, "không thấy trích dẫn sau mốc (anchor)")
    found = matches(quote, doc)
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, "không thấy trích dẫn (theo thứ tự các đoạn)"
    return None, f"trích dẫn xuất hiện {len(found)} lần: cần dài hơn hoặc có mốc (anchor)"


_HEADINGS = [
    (0, re.compile(r"^(?:PHỤ LỤC|Phụ lục)\s*([IVX]+|\d+)?\b")),
    (0, re.compile(r"^Phần\s+([IVX]+)\b")),
    (1, re.compile(r"^([IVX]+)\.\s+\S")),
    (2, re.compile(r"^(\d{1,2})\.\s+[^\d\s]")),
]


class Document(str):
    """A plan's text as quotes are checked against: collapsed, table rows split by a page break
    joined. ``section_at(pos)`` names the headings above a position ("Phụ lục I, mục III.2")."""

    heads: list[tuple[int, int, str]]  # (position, level, label) of every heading
    lines: list[tuple[int, str]]  # (position, collapsed text) of every non-empty line

    def __new__(cls, raw: str):
        from vlboard.domain.textnorm import collapse

        joined = join_page_breaks(raw)
        self = super().__new__(cls, collapse(joined))
        heads, lines, pos = [], [], 0
        for line in joined.splitlines():
            c = collapse(line)
            if not c:
                continue
            for level, rx in _HEADINGS:
                m = rx.match(c)
                if m:
                    if level:
                        label = m.group(1)
                    else:
                        prefix = "Phần" if c.startswith("Phần") else "Phụ lục"
                        label = f"{prefix} {m.group(1) or ''}"
                    heads.append((pos, level, label.strip()))
                    break
            lines.append((pos, c))
            pos += len(c) + 1
        self.heads = heads
        self.lines = lines  # (position, collapsed text) of every non-empty line
        return self

    def section_at(self, at: int) -> str:
        trail: dict[int, str] = {}
        for off, level, label in self.heads:
            if off > at:
                break
            trail = {k: v for k, v in trail.items() if k < level}
            trail[level] = label
        top = trail.get(0, "")
        sub = ".".join(trail[k] for k in (1, 2) if k in trail)
        return ", ".join(x for x in (top, f"mục {sub}" if sub else "") if x)


def anchor_for(quote: str, doc: str, at: int) -> str:
    """The shortest run of whole words printed right before position ``at`` that occurs once in
    ``doc`` and locates the quote there (for a quote printed more than once)."""
    words = doc[:at].split(" ")
    for n in range(1, len(words) + 1):
        anchor = " ".join(words[-n:]).strip()
        if anchor and locate(quote, doc, anchor) == (at, None):
            return anchor
    raise ValueError(f"no anchor locates {quote[:40]!r} at {at}")
