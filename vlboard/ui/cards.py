"""The compact status list of a phone: the rows of an indicator table (columns «Mã», «Chỉ tiêu»,
usually «Tình trạng» and «Vì sao») as cards — code and status badge, the indicator's name, value
against target, the why-line — so nothing needs sideways scrolling at 390 px; other wide tables
(four columns or more) likewise, a row a card, and «item: content» tables as one card of lines.

``widgets.table`` draws the cards next to the grid; ``frame.PAGE_CSS`` shows the cards on narrow
screens (≤ 640 px) and the grid on wider ones. Every value is HTML-escaped here."""

from __future__ import annotations

import html

import pandas as pd

from vlboard.domain.vocab import STATUSES

CODE, NAME, STATUS, WHY = "Mã", "Chỉ tiêu", "Tình trạng", "Vì sao"
MAX = 12  # cards on a phone: the first rows (status lists are worst first); a wide screen and the downloads hold all
BADGE = {f"{s.icon} {s.label}": code for code, s in STATUSES.items()}  # '✖ Chưa đạt' → 'not_achieved'


def fits(df: pd.DataFrame) -> bool:
    """Whether a table is drawn as cards on a phone: a list of indicators (code and name columns),
    a two-column «item: content» table, or any table of four columns or more (too wide for 390 px)."""
    return (CODE in df.columns and NAME in df.columns) or len(df.columns) == 2 or len(df.columns) >= 4


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return html.escape(str(value).strip() or "–")


def card(row: dict, links: dict) -> str:
    """One card: one line of HTML (Streamlit's markdown ends an HTML block at a blank line). The
    heading is the code (or the first column), a link when ``links`` has one for its column."""
    first = CODE if CODE in row else next(iter(row))
    value = _text(row[first])
    link = links[first](row[first]) if first in links and not pd.isna(row[first]) else None
    head = f"<a href='{html.escape(link, quote=True)}' target='_self'>{value}</a>" if link else f"<b>{value}</b>"
    state = row.get(STATUS)
    if state is not None:
        head += f" <span class='vl-badge vl-{BADGE.get(str(state), 'no_target')}'>{_text(state)}</span>"
    facts = [
        f"<span class='vl-k'>{html.escape(str(k))}:</span> {_text(v)}"
        for k, v in row.items()
        if k not in (first, NAME, STATUS, WHY)
    ]
    out = f"<div class='vl-card vl-{BADGE.get(str(state), 'none')}'><div class='vl-head'>{head}</div>"
    if NAME in row:
        out += f"<div class='vl-name'>{_text(row[NAME])}</div>"
    if facts:
        out += f"<div class='vl-facts'>{' · '.join(facts)}</div>"
    if WHY in row:
        out += f"<div class='vl-why'>{_text(row[WHY])}</div>"
    return out + "</div>"


def pairs(df: pd.DataFrame) -> str:
    """A two-column table (item, content) as one card of «item: content» lines."""
    a, b = df.columns
    lines = "".join(
        f"<div class='vl-pair'><span class='vl-k'>{_text(k)}</span> {_text(v)}</div>" for k, v in zip(df[a], df[b])
    )
    return f"<div class='vl-cards'><div class='vl-card vl-none'>{lines}</div></div>"


def cards(df: pd.DataFrame, links: dict | None = None) -> str:
    """The whole table as one HTML block; ``links``: column → function(value) → URL (the heading's)."""
    if len(df.columns) == 2 and CODE not in df.columns:
        return pairs(df)
    rows = df.to_dict("records")
    return "<div class='vl-cards'>" + "".join(card(r, links or {}) for r in rows) + "</div>"


# the cards' style (in frame.PAGE_CSS): a status stripe at the left (colour never alone: the badge
# names the status), dark text on light tints (≥ 4.5:1), 14-15 px type
CSS = """
.vl-cards { display: flex; flex-direction: column; gap: 0.5rem; }
.vl-card { border: 1px solid #D5D7DE; border-left: 6px solid #7F7F7F; border-radius: 0.5rem;
  padding: 0.5rem 0.75rem; font-size: 15px; line-height: 1.4; color: #1F2430; overflow-wrap: anywhere; }
.vl-head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; font-weight: 600; }
.vl-badge { font-size: 14px; font-weight: 600; padding: 0 0.5rem; border-radius: 1rem; background: #EEF0F4; }
.vl-name { margin-top: 0.15rem; }
.vl-facts { font-size: 14px; color: #31333F; margin-top: 0.15rem; }
.vl-k { color: #55575F; }
.vl-pair { padding: 0.2rem 0; border-bottom: 1px solid #EEF0F4; }
.vl-pair .vl-k { display: block; font-size: 14px; }
.vl-why { font-size: 14px; color: #31333F; margin-top: 0.25rem; font-style: italic; }
""" + "".join(
    f".vl-card.vl-{code} {{ border-left-color: {s.colour}; }}\n.vl-badge.vl-{code} {{ background: {s.colour}26; }}\n"
    for code, s in STATUSES.items()
)
