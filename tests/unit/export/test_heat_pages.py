"""The pack's heat table cut to readable slides (export.heat)."""

from __future__ import annotations

import pandas as pd

from vlboard.export import heat


def frames(n_rows: int, n_units: int):
    card = pd.DataFrame({"indicator_code": [f"I{i:02d}" for i in range(n_rows)], "attainment": range(n_rows)})
    cells = [
        (f"I{i:02d}", f"Phường {u:02d}", "achieved" if (u % 3 == 0 and i % 2) else "not_achieved", "1%")
        for i in range(n_rows)
        for u in range(n_units)
    ]
    return pd.DataFrame(cells, columns=["row", "col", "status", "value_text"]), card


def test_slides_hold_the_slowest_rows_and_few_units_each():
    table, card = frames(25, 30)
    pieces = heat.chunks(table, card)
    assert len(pieces) == 4  # 30 units, 8 a slide
    assert [p.col.nunique() for p in pieces] == [8, 8, 8, 6]
    for p in pieces:  # the same slowest indicators on every slide, in the same order (the header rows)
        assert list(dict.fromkeys(p.row)) == [f"I{i:02d}" for i in range(heat.ROWS)]
    assert sum(len(p) for p in pieces) == heat.ROWS * 30  # each cell once
    # fewest achieved first: units 0, 3, 6 … achieve half of the rows, the others none
    first, last = set(pieces[0].col), set(pieces[-1].col)
    assert not any(int(u[-2:]) % 3 == 0 for u in first) and all(int(u[-2:]) % 3 == 0 for u in last)
    assert "12 chỉ tiêu chậm nhất (bảng ở trang Theo phường, xã có 25" in heat.caption(pieces, 1, table)
    assert "phường, xã thứ 9–16/30" in heat.caption(pieces, 1, table)


def test_many_units_stop_at_four_slides_and_say_so():
    table, card = frames(5, 40)
    pieces = heat.chunks(table, card)
    assert len(pieces) == heat.MAX_SLIDES and sum(p.col.nunique() for p in pieces) == 32
    assert "phường, xã thứ 25–32/32 (trong 40)" in heat.caption(pieces, 3, table)


def test_empty_table_gives_no_slide():
    table, card = frames(0, 0)
    assert heat.chunks(table, card) == []
