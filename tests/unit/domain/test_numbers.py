"""The one strict number parser (vlboard.domain.numbers): what it reads, what it refuses and why."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.intake import ADMIN, fingerprint, run
from vlboard.domain import numbers
from vlboard.intake import imports, validate

ACCEPTED = [
    ("1.234,5", 1234.5),
    ("1234", 1234.0),
    ("-0,25", -0.25),
    ("0", 0.0),
    ("-0", 0.0),
    (" 7 ", 7.0),
    ("1.234.567", 1234567.0),
    ("007", 7.0),
    ("1.000.000.000.000.000", 1e15),
    (88.5, 88.5),
    (12, 12.0),
    ("", None),
    (None, None),
]
REFUSED = [
    "Infinity",
    "-inf",
    "∞",
    "NaN",
    "nan",
    "1e400",
    "1E5",
    "1_000",
    "٣",
    "３",
    "1234.5",
    "1.5",
    "1,2,3",
    ",5",
    "1 234",
    "1\u00a0234",
    "+5",
    "−5",
    "khoảng 60",
    "0x1F",
    "12%",
    "1.000.000.000.000.001",
    "1" * 41,
    float("inf"),
    float("nan"),
    1e300,
    10**20,
    True,
    dt.date(2025, 1, 1),
    b"1",
    [1],
]


@pytest.mark.parametrize("text,expected", ACCEPTED)
def test_accepted(text, expected):
    assert numbers.parse(text) == expected


@pytest.mark.parametrize("value", REFUSED, ids=[repr(v)[:20] for v in REFUSED])
def test_refused_with_a_vietnamese_reason(value):
    with pytest.raises(numbers.NotANumber) as exc:
        numbers.parse(value)
    assert exc.value.reason and exc.value.reason == numbers.reason(value)


def test_percent_sign_only_where_allowed():
    assert numbers.parse("12,5%", percent=True) == numbers.parse("12,5 %", percent=True) == 12.5
    assert numbers.reason("12,5%").startswith("dấu % chỉ dùng ở cột «Giá trị» của chỉ tiêu tỷ lệ")


def test_validate_uses_the_strict_parser():
    assert validate.number is not None and validate.number("1.234,5") == 1234.5
    with pytest.raises(ValueError):
        validate.number("Infinity")


CSV = "Mã chỉ tiêu;Kỳ báo cáo;Mã phường/xã;Giá trị;Ghi chú\n"


@pytest.mark.parametrize("text", ["Infinity", "1e400", "NaN", "1_000", "٣", "３"])
def test_the_issue_examples_are_refused_before_anything_is_written(data, text):
    """Infinity / 1e400 were stored as +∞ (the city roll-up became ∞, status «Đạt»); NaN passed the
    preview and crashed the commit with a pyarrow traceback; 1_000 and other digits were numbers."""
    before = fingerprint(data)
    pv = run(data, (CSV + f"C-03;2025-Q3;w1;{text};\n").encode(), name="bao-cao.csv")
    assert [(p.row, p.column) for p in pv.problems] == [(2, "Giá trị")]
    assert pv.problems[0].message == f"«{text}»: {numbers.reason(text)}"
    with pytest.raises(imports.ImportRefused):
        imports.commit(data, ADMIN, pv)
    assert fingerprint(data) == before


# ------------------------------------------------------------------ generated inputs (hypothesis)

import math  # noqa: E402
import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NUMBERISH = st.lists(st.sampled_from(list("0123456789.,-+_ eE%٣３∞\u00a0") + ["inf", "nan"]), max_size=16).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=30), _NUMBERISH))
def test_any_text_is_refused_or_read_the_vietnamese_way(text):
    """Whatever the text: a refusal with a reason, or exactly the Vietnamese reading of ASCII digits."""
    try:
        x = numbers.parse(text)
    except numbers.NotANumber as exc:
        assert exc.reason
        return
    if x is None:
        assert not text.strip()
        return
    s = text.strip()
    assert re.fullmatch(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?", s, re.ASCII), s
    assert math.isfinite(x) and abs(x) <= numbers.LIMIT
    assert x == float(s.replace(".", "").replace(",", "."))


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=-numbers.LIMIT + 1, max_value=numbers.LIMIT - 1), frac=st.integers(0, 999))
def test_numbers_written_the_vietnamese_way_read_back(n, frac):
    written = f"{n:,}".replace(",", ".") + (f",{frac:03d}" if frac else "")
    expected = float(f"{n}.{frac:03d}") if frac else float(n)
    assert numbers.parse(written) == expected
