import pytest

from vlboard.domain.targets_text import ParsedTarget, find_raw_in_text, parse_raw


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("80%", ParsedTarget(">=", 80.0)),
        (">80%", ParsedTarget(">", 80.0)),
        ("> 50%", ParsedTarget(">", 50.0)),
        ("trên 90%", ParsedTarget(">", 90.0)),
        ("tối thiểu 50%", ParsedTarget(">=", 50.0)),
        ("ít nhất 40", ParsedTarget(">=", 40.0)),
        ("15% đến 20%", ParsedTarget("range", 15.0, 20.0)),
        ("02 phường", ParsedTarget(">=", 2.0)),
        ("1.047.751", ParsedTarget(">=", 1047751.0)),
        ("24,40%", ParsedTarget(">=", 24.4)),
        ("dưới 5%", ParsedTarget("<", 5.0)),
        ("không quá 10%", ParsedTarget("<=", 10.0)),
        ("tất cả", ParsedTarget(">=", 100.0)),
        ("Triển khai năm 2025", ParsedTarget("done", None)),
        ("Thường xuyên", ParsedTarget("done", None)),
        ("", ParsedTarget(None, None)),
    ],
)
def test_parse_raw(raw, expected):
    assert parse_raw(raw) == expected


def test_nfd_input_is_normalised():
    import unicodedata

    assert parse_raw(unicodedata.normalize("NFD", "tối thiểu 50%")) == ParsedTarget(">=", 50.0)


@pytest.mark.parametrize(
    "text, value, fragment",
    [
        ("Tỷ lệ dân số có tài khoản thanh toán điện tử trên 50%", 50, "trên 50%"),
        ("Năng suất lao động hàng năm tăng tối thiểu 7%", 7, "tối thiểu 7%"),
        ("Có ít nhất 40 sản phẩm, hàng hóa", 40, "ít nhất 40"),
        ("100% cơ sở giáo dục", 100, "100%"),
        ("đạt 10% GRDP năm 2025", 2025, "2025"),
    ],
)
def test_find_raw_in_text(text, value, fragment):
    assert find_raw_in_text(text, value) == fragment


def test_find_raw_does_not_match_inside_other_numbers():
    assert find_raw_in_text("đạt 180% kế hoạch", 80) is None
