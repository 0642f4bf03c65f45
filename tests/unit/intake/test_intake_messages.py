"""Import refusals say what the clerk can act on (issue 17, small): a newer template asks to update
vlboard, an unknown subject is named as the clerk sees it, another ward's file names sheet and row,
and a numerator over its denominator is reported at «Tử số», not at the empty «Giá trị»."""

from __future__ import annotations

import pytest

from tests.support.intake import _meta, filled, refused
from vlboard.intake import auth, workbook

OTHER_WARD = auth.User("w2-clerk", "Cán bộ phường 2", "editor", unit="w2")


def test_a_newer_template_asks_to_update_vlboard(data):
    newer = str(int(workbook.TEMPLATE_VERSION) + 1)
    [m] = refused(
        data,
        filled(data, {"C-01": {"value": 61}}, edit=_meta("template_version", newer)),
        f"mẫu báo cáo phiên bản {newer} mới hơn",
    )
    assert "hãy cập nhật vlboard" in m and "đã cũ" not in m, m


def test_an_older_template_is_still_called_old(data):
    [m] = refused(data, filled(data, {"C-01": {"value": 61}}, edit=_meta("template_version", "0")), "đã cũ")
    assert "cập nhật vlboard" not in m


@pytest.mark.parametrize("scope_type, code, label", [("unit", "w9", "Mã phường/xã"), ("agency", "X-9", "Mã cơ quan")])
def test_an_unknown_subject_is_named_as_the_clerk_sees_it(data, scope_type, code, label):
    def edit(wb):
        _meta("scope_type", scope_type)(wb)
        _meta("scope_code", code)(wb)

    messages = refused(data, filled(data, {"C-01": {"value": 61}}, edit=edit), f"«{code}» không có trong danh mục")
    assert all("scope_code" not in m for m in messages), messages
    assert any(f"cột «{label}»: " in m and f"«{code}» không có trong danh mục" in m for m in messages), messages


def test_another_wards_template_names_sheet_and_row(data):
    [m] = refused(
        data,
        filled(data, {"C-01": {"value": 61}, "C-03": {"value": 4}}),
        "không được nhập số liệu của địa bàn w1",
        user=OTHER_WARD,
    )
    assert m.startswith(f"Trang «{workbook.DATA_SHEET}», dòng 6: ") and "(2 dòng)" in m, m


def test_another_wards_csv_names_its_first_row(data):
    csv = ("Mã chỉ tiêu,Kỳ báo cáo,Mã phường/xã,Giá trị\nC-01,2025-Q3,w2,61\nC-01,2025-Q3,w1,62\n").encode()
    [m] = refused(data, csv, "không được nhập số liệu của địa bàn w1", user=OTHER_WARD, name="b.csv")
    assert m.startswith("Tệp CSV, dòng 3: ") and "(1 dòng)" in m, m


def test_numerator_over_denominator_is_reported_at_the_numerator(data):
    messages = refused(data, filled(data, {"C-01": {"numerator": 120, "denominator": 100}}), "tử số 120")
    assert messages == ["Trang «Số liệu», dòng 6, cột «Tử số»: tử số 120 lớn hơn mẫu số 100"], messages
