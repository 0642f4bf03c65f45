"""The phone's compact status list (ui.cards): which tables become cards, what a card holds, and that
every value from the data is escaped."""

from __future__ import annotations

import pandas as pd

from vlboard.ui import cards


def test_indicator_list_card_has_code_link_badge_values_and_why():
    df = pd.DataFrame(
        {
            "Mã": ["TPVL-002"],
            "Tình trạng": ["✖ Chưa đạt"],
            "Chỉ tiêu": ["Dịch vụ công trực tuyến"],
            "Thực hiện": ["66,2%"],
            "Mục tiêu": [None],
            "Vì sao": ["Chưa đạt 79,8% mục tiêu"],
        }
    )
    html = cards.cards(df, {"Mã": lambda c: f"/chi-tiet?code={c}&x=1"})
    assert "<a href='/chi-tiet?code=TPVL-002&amp;x=1' target='_self'>TPVL-002</a>" in html
    assert "vl-badge vl-not_achieved'>✖ Chưa đạt</span>" in html and "vl-card vl-not_achieved" in html
    assert "<span class='vl-k'>Thực hiện:</span> 66,2%" in html
    assert "<span class='vl-k'>Mục tiêu:</span> –" in html  # a missing value reads "–", never None
    assert "<div class='vl-why'>Chưa đạt 79,8% mục tiêu</div>" in html
    assert "None" not in html and "nan" not in html and "\n" not in html  # one HTML block for markdown


def test_values_are_escaped():
    df = pd.DataFrame({"Mã": ["<script>x</script>"], "Chỉ tiêu": ["a' onmouseover='b"], "Vì sao": ["<img src=x>"]})
    html = cards.cards(df, {"Mã": lambda c: "/x?'><script>"})
    assert "<script>" not in html and "<img" not in html and "a' on" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "href='/x?&#x27;&gt;&lt;script&gt;'" in html


def test_which_tables_become_cards():
    assert cards.fits(pd.DataFrame(columns=["Mã", "Chỉ tiêu"]))
    assert cards.fits(pd.DataFrame(columns=["Mục", "Nội dung"]))
    assert cards.fits(pd.DataFrame(columns=["Kỳ", "Đơn vị", "Giá trị", "Nguồn"]))
    assert not cards.fits(pd.DataFrame(columns=["Năm", "Mục tiêu", "Ô in trong văn bản"]))  # fits 390 px as it is


def test_item_content_table_is_one_card_of_lines():
    html = cards.cards(pd.DataFrame({"Mục": ["Trụ cột", "Ghi chú"], "Nội dung": ["Kinh tế số", float("nan")]}))
    assert html.count("class='vl-card ") == 1 and html.count("class='vl-pair'") == 2
    assert "<span class='vl-k'>Ghi chú</span> –" in html
