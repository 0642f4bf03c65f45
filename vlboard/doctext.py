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
    cells: list[str]            # every cell, the TT cell first
    line: int                   # 0-based index of the row's first line in the document
    continued: list[int] = field(default_factory=list)  # lines of continuation rows merged in


def _scan(raw: str) -> tuple[list[str], list[TableRow], set[int]]:
    """(lines, numbered rows, lines to drop: repeated headers, separators and continuations)."""
    lines = raw.split("\n")
    rows: list[TableRow] = []
    drop: set[int] = set()
    seen_header = False
    page_break: list[int] = []   # lines of a repeated header (+ separator) not yet resolved
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
