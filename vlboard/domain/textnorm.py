"""Text normalisation shared by the catalogue, the quote checks and imports."""

from __future__ import annotations

import re
import unicodedata

# PDF extraction artefacts seen in the 2020 plan: the Latin "ƣ" (U+01A3) stands in for "ư".
_ARTEFACTS = str.maketrans({"ƣ": "ư", "Ƣ": "Ư"})


def nfc(text: str) -> str:
    """NFC-normalise a string (Vietnamese text from sources mixes NFC and NFD)."""
    return unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    """NFC, then every run of whitespace (incl. line breaks) becomes one space."""
    return " ".join(nfc(text).split())


def clean(text: str) -> str:
    """Collapse plus repair of known extraction artefacts; for display text, never for quotes."""
    return collapse(text).translate(_ARTEFACTS)


def is_quote_of(quote: str, document: str) -> bool:
    """True when every '…'-separated segment of ``quote`` occurs verbatim in ``document``.

    Both sides are compared after NFC and whitespace collapse. ``document`` should already be
    collapsed (call :func:`collapse` once per document).
    """
    parts = [collapse(p) for p in quote.replace("[…]", "…").split("…")]
    parts = [p for p in parts if p]
    return bool(parts) and all(p in document for p in parts)


def fold(text: str) -> str:
    """Text for searching without diacritics: 'Chữ ký số, Vĩnh Long' → 'chu ky so, vinh long'
    (tone and vowel marks dropped, đ → d, case folded, whitespace collapsed)."""
    base = unicodedata.normalize("NFD", collapse(text).translate(_ARTEFACTS))
    return "".join(c for c in base if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D").casefold()


def matches(query: str, text: str) -> bool:
    """``query`` occurs in ``text`` as a phrase, both folded: 'chu ky so' finds «chữ ký số» (and
    «Chữ ký số»), not «chủ trì … kỹ thuật … số»."""
    return fold(query) in fold(text)


def slug(text: str) -> str:
    """'Tổng quan Quý III/2025' → 'tong-quan-quy-iii-2025' (ASCII, for file names)."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
