"""Grammar of the generated Vietnamese sentences (pure): counts, changes with their unit, period
names inside a sentence, lists joined with «và», and the ``Sentence`` that carries the labels it
quotes from the data (codes, names, periods) so a test can tell them from the numbers it states."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vlboard.domain import formatting
from vlboard.domain.periods import label_vi


@dataclass(frozen=True)
class Sentence:
    text: str
    names: tuple[str, ...] = ()  # labels quoted verbatim from the data (codes, names, periods, dates)


def make(text: str, *names: str) -> Sentence:
    """A finished sentence: NFC, single spaces, first letter upper case, one final full stop."""
    text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "!", "?", "…")):
        text += "."
    return Sentence(text, tuple(unicodedata.normalize("NFC", n) for n in names if n))


def paragraph(sentences: list[Sentence]) -> str:
    return " ".join(s.text for s in sentences)


def count(n, noun: str = "chỉ tiêu") -> str:
    """12 → '12 chỉ tiêu' (Vietnamese nouns do not change with the number)."""
    return f"{formatting.number(int(n))} {noun}".strip()


def of(part, whole) -> str:
    """'3/8'."""
    return f"{formatting.number(int(part))}/{formatting.number(int(whole))}"


def period(code: str) -> str:
    """A period inside a sentence: 'quý III/2025', 'năm 2024', 'tháng 06/2025'."""
    text = label_vi(code)
    return text[:1].lower() + text[1:]


def change(delta: float, unit: str | None) -> str:
    """+7.9 on a rate → 'tăng 7,9 điểm %'; −3 in 'triệu đồng' → 'giảm 3 triệu đồng'."""
    verb = "tăng" if delta > 0 else "giảm"
    unit = unit if isinstance(unit, str) else ""
    shown = "điểm %" if unit.startswith("%") else unit
    return f"{verb} {formatting.number(abs(delta))} {shown}".strip()


def join(items: list[str]) -> str:
    """['a', 'b', 'c'] → 'a, b và c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def short(text, n: int = 60) -> str:
    """A name cut at a word boundary to at most ``n`` characters, with '…' when cut."""
    text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", str(text)).strip())
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:-–") + "…"
