"""The programme's vocabulary, each word defined once: pillars, indicator kinds, comparators, result
sources, report subjects, statuses (in severity order) and Vietnam time. Pure: stdlib only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# trụ cột; the three main pillars first (gauges, wall slides, pack pages), then the foundations
PILLARS = {
    "chinh_quyen_so": "Chính quyền số",
    "kinh_te_so": "Kinh tế số",
    "xa_hoi_so": "Xã hội số",
    "nen_tang": "Nền tảng",
}
MAIN_PILLARS = ("chinh_quyen_so", "kinh_te_so", "xa_hoi_so")

# what kind of number an indicator is
KINDS = {"percent", "count", "ratio", "qualitative", "referenced"}
# how a target is printed; the first five are numeric, 'done' is a milestone
NUMERIC_COMPARATORS = (">=", ">", "<=", "<", "range")
COMPARATORS = {*NUMERIC_COMPARATORS, "done"}

# where a result comes from, with its Vietnamese label
SOURCES = {"document": "Văn bản", "report": "Báo cáo", "demo": "Minh họa"}

# an event that explains a series (annotations.csv kind), with its Vietnamese label
ANNOTATION_KINDS = {
    "merger": "Sắp xếp địa giới",
    "method": "Đổi phương pháp",
    "campaign": "Chiến dịch",
    "other": "Khác",
}

# who reports a result (an import's scope_type), as a clerk reads it
SUBJECTS = {"agency": "cơ quan", "unit": "phường/xã"}

# Vietnam time (UTC+7 all year, no daylight saving): every date a clerk or a leader reads
VN_TZ = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class StatusStyle:
    label: str
    icon: str
    colour: str  # Okabe–Ito palette: distinguishable with the common colour-vision deficiencies


# order = severity for sorting (worst first in off-track lists)
STATUSES: dict[str, StatusStyle] = {
    "not_achieved": StatusStyle("Chưa đạt", "✖", "#D55E00"),
    "near": StatusStyle("Gần đạt", "◐", "#E69F00"),
    "no_data": StatusStyle("Chưa có số liệu", "?", "#7F7F7F"),
    "achieved": StatusStyle("Đạt", "✔", "#009E73"),
    "not_due": StatusStyle("Chưa đến kỳ", "◷", "#56B4E9"),
    "qualitative": StatusStyle("Định tính", "◇", "#CC79A7"),
    "no_target": StatusStyle("Chưa có mục tiêu số", "–", "#BBBBBB"),
}
# the statuses of a judged figure (a figure against a numeric target that is due)
WITH_DATA = ("achieved", "near", "not_achieved")
