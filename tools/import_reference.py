"""One-off bootstrap: turn ../shared/reference (a checked extraction of the five plans) into the
editable master CSVs under data/source/.

After this ran once, data/source/*.csv is the master: officers edit those files and
``python -m vlboard build`` turns them into a snapshot. This script stays in the repo as the record
of how the first version was derived (and can be re-run when the reference is corrected). It never
overwrites agencies / aliases / members / milestones, which are curated by hand.

    python tools/import_reference.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

from vlboard.domain.targets_text import find_raw_in_text, parse_raw
from vlboard.domain.textnorm import clean, collapse, is_quote_of
from vlboard.store.doctext import Document, anchor_for, join_page_breaks, matches, table_rows

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {
    "000": ("kh67-2020", "000_ad9084ee7c42daa4.txt"),
    "001": ("qd2702-2024", "001_40f58fa7fe7903cb.txt"),
    "002": ("kh-kts-xhs-2025", "002_8a0f4d49d1bfac52.txt"),
    "003": ("kh-cds-2026-vpubnd", "003_cb860d839e339891.txt"),
    "004": ("qd3100-2023-tpvl", "004_daa506308c8cdf99.txt"),
}
PROVINCE_UNIT = "tinh-86"
CITY_UNIT = "tp-855"

# seed004_targets_2030.csv row → appendix indicator it continues (seed004_notes.md §8)
TPVL_2030_LINKS = {
    0: "TPVL-002",
    2: "TPVL-011",
    3: "TPVL-012",
    4: "TPVL-064",
    5: "TPVL-028",
    6: "TPVL-021",
    10: "TPVL-073",
    11: "TPVL-074",
    12: "TPVL-097",
    13: "TPVL-102",
    14: "TPVL-106",
    15: "TPVL-108",
    16: "TPVL-034",
}

# QĐ 3100 section III ("Nhiệm vụ và giải pháp") sets numeric targets of its own, with no year
# (seed004_notes.md §9), in neither reference CSV. Pillar by position: III.1 "Tạo nền móng" →
# nen_tang, III.2 "Phát triển chính quyền số" → chinh_quyen_so, III.5.1/5.2 (giáo dục, y tế) →
# xa_hoi_so as in the appendix. quote = the whole sentence; raw = the printed figure. Leads only
# where section V gives the topic to an office (V.3 Nội vụ: cán bộ chuyên trách CNTT; V.4 Tài
# chính - Kế hoạch: bố trí kinh phí CĐS; V.5 Kinh tế: phối hợp nghiên cứu khoa học và công nghệ).
_STAFF = (
    "Đảm bảo bố trí cán bộ chuyên trách kỹ thuật công nghệ thông tin đủ trình độ tham mưu triển "
    "khai công nghệ thông tin và an toàn thông tin, cụ thể cấp thành phố 02 cán bộ/đơn vị, cấp "
    "phường 01 cán bộ/đơn vị."
)
TPVL_SECTION_III = [
    dict(
        code="TPVL-NV-01",
        pillar="nen_tang",
        kind="count",
        unit="phường",
        scope="city",
        section="III.1.1, gạch 6 (nhiệm vụ và giải pháp); không ghi năm",
        name_vi="Phường được chọn triển khai thử nghiệm truyền thông, phổ biến các kỹ năng số cơ bản cho người dân",
        quote="Chủ động lựa chọn 01 phường để triển khai thử nghiệm công tác truyền thông, phổ biến các kỹ "
        "năng số cơ bản cho người dân",
        comparator=">=",
        value="1",
        raw="01 phường",
        leads=(),
        partners=(),
        note="Văn bản không giao cơ quan chủ trì",
    ),
    dict(
        code="TPVL-NV-02",
        pillar="nen_tang",
        kind="percent",
        unit="% phần mềm, ứng dụng",
        scope="city+ward",
        section="III.1.4, gạch 5 (nhiệm vụ và giải pháp); không ghi năm",
        name_vi="Phần mềm, ứng dụng được đầu tư xây dựng được thiết kế tài liệu trực tuyến",
        quote="Đảm bảo 100% phần mềm, ứng dụng được đầu tư xây dựng đều được thiết kế tài liệu trực tuyến.",
        comparator=">=",
        value="100",
        raw="100%",
        leads=(),
        partners=(),
        note="Văn bản không giao cơ quan chủ trì",
    ),
    dict(
        code="TPVL-NV-03",
        pillar="nen_tang",
        kind="count",
        unit="cán bộ/đơn vị",
        scope="city",
        section="III.1.7, gạch 3 (nhiệm vụ và giải pháp), cấp thành phố; không ghi năm",
        name_vi="Cán bộ chuyên trách kỹ thuật công nghệ thông tin ở mỗi đơn vị cấp thành phố",
        quote=_STAFF,
        comparator=">=",
        value="2",
        raw="02 cán bộ/đơn vị",
        leads=("Phòng Nội vụ thành phố Vĩnh Long",),
        partners=(),
        note="Chủ trì theo mục V.3 (đội ngũ cán bộ chuyên trách công nghệ thông tin)",
    ),
    dict(
        code="TPVL-NV-04",
        pillar="nen_tang",
        kind="count",
        unit="cán bộ/đơn vị",
        scope="ward",
        section="III.1.7, gạch 3 (nhiệm vụ và giải pháp), cấp phường; không ghi năm",
        name_vi="Cán bộ chuyên trách kỹ thuật công nghệ thông tin ở mỗi đơn vị cấp phường",
        quote=_STAFF,
        comparator=">=",
        value="1",
        raw="01 cán bộ/đơn vị",
        leads=("Phòng Nội vụ thành phố Vĩnh Long",),
        partners=(),
        note="Chủ trì theo mục V.3 (đội ngũ cán bộ chuyên trách công nghệ thông tin)",
    ),
    dict(
        code="TPVL-NV-05",
        pillar="chinh_quyen_so",
        kind="percent",
        unit="%",
        scope="city+ward",
        section="III.2.1 (nhiệm vụ và giải pháp); không ghi năm",
        name_vi="Cán bộ, công chức, viên chức cần sử dụng máy tính trong công việc được trang bị máy tính "
        "với cấu hình đáp ứng triển khai các ứng dụng",
        quote="100% cán bộ, công chức, viên chức cần sử dụng máy tính trong công việc được trang bị máy "
        "tính với cấu hình đáp ứng triển khai các ứng dụng.",
        comparator=">=",
        value="100",
        raw="100%",
        leads=(),
        partners=(),
        note="Văn bản không giao cơ quan chủ trì",
    ),
    dict(
        code="TPVL-NV-06",
        pillar="chinh_quyen_so",
        kind="percent",
        unit="% kinh phí nhiệm vụ khoa học công nghệ/năm",
        scope="city",
        section="III.2.8 (nhiệm vụ và giải pháp); hằng năm, không ghi năm",
        name_vi="Tỷ lệ kinh phí cấp cho nhiệm vụ khoa học công nghệ dành cho nghiên cứu, nhiệm vụ khoa học "
        "công nghệ phục vụ chuyển đổi số",
        quote="Hàng năm, bố trí kinh phí Nhà nước nghiên cứu, giao nhiệm vụ khoa học công nghệ phục vụ "
        "chuyển đổi số với tỉ lệ tối thiểu 10% kinh phí cấp cho nhiệm vụ khoa học công nghệ.",
        comparator=">=",
        value="10",
        raw="tối thiểu 10%",
        leads=("Phòng Tài chính - Kế hoạch thành phố Vĩnh Long",),
        partners=("Phòng Kinh tế thành phố Vĩnh Long",),
        note="Chủ trì theo mục V.4 (bố trí kinh phí), phối hợp theo mục V.5 (nghiên cứu khoa học và công nghệ)",
    ),
    dict(
        code="TPVL-NV-07",
        pillar="chinh_quyen_so",
        kind="percent",
        unit="% tổng chi ngân sách nhà nước",
        scope="city",
        section="III.2.11 (nhiệm vụ và giải pháp); không ghi năm",
        name_vi="Tỷ lệ chi cho chuyển đổi số, phát triển chính quyền điện tử, chính quyền số trong tổng chi "
        "ngân sách nhà nước",
        quote="Bảo đảm kinh phí, phân đầu tỷ lệ chi cho chuyển đổi số, phát triển chính quyền điện tử, chính "
        "quyền số trong tổng chi ngân sách nhà nước (tối thiểu 1% ngân sách nhà nước).",
        comparator=">=",
        value="1",
        raw="tối thiểu 1% ngân sách nhà nước",
        leads=("Phòng Tài chính - Kế hoạch thành phố Vĩnh Long",),
        partners=(),
        note="Chủ trì theo mục V.4 (bố trí kinh phí cho chuyển đổi số)",
    ),
    dict(
        code="TPVL-NV-08",
        pillar="xa_hoi_so",
        kind="percent",
        unit="% cơ sở giáo dục, đào tạo",
        scope="city",
        section="III.5.1 (nhiệm vụ và giải pháp, giáo dục và đào tạo); không ghi năm",
        name_vi="Cơ sở giáo dục, đào tạo trên địa bàn thực hiện chuyển đổi số",
        quote="Chuyển đổi số 70% cơ sở giáo dục, đào tạo trên địa bàn.",
        comparator=">=",
        value="70",
        raw="70%",
        leads=(),
        partners=(),
        note="Văn bản không giao cơ quan chủ trì",
    ),
    dict(
        code="TPVL-NV-09",
        pillar="xa_hoi_so",
        kind="percent",
        unit="% cơ sở y tế",
        scope="city+ward",
        section="III.5.2 (nhiệm vụ và giải pháp, y tế); không ghi năm",
        name_vi="Cơ sở y tế có bộ phận khám chữa bệnh từ xa",
        quote="100% các cơ sở y tế có bộ phận khám chữa bệnh từ xa.",
        comparator=">=",
        value="100",
        raw="100%",
        leads=(),
        partners=(),
        note="Văn bản không giao cơ quan chủ trì; gần với TT 101, 102 của Phụ lục (triển khai khám, chữa "
        "bệnh từ xa) nhưng đo bộ phận khám chữa bệnh từ xa",
    ),
]


def s(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) or pd.isna(v) else str(v)


def best_quote(text: str, doc: str) -> str:
    """The text itself when it is a quote; else its longest word span found verbatim in doc."""
    if is_quote_of(text, doc):
        return collapse(text)
    words = collapse(text.replace("[…]", " ").replace("…", " ")).split()
    best = ""
    for i in range(len(words)):
        lo, hi = i + 1, len(words)
        # grow greedily: find the longest j with words[i:j] in doc
        j = i
        while j < hi and " ".join(words[i : j + 1]) in doc:
            j += 1
        cand = " ".join(words[i:j])
        if len(cand) > len(best):
            best = cand
        del lo
    return best


def commune_scoped(name: str) -> bool:
    return bool(re.search(r"cấp xã|\bxã(?! hội)\b|phường, thị trấn", name))


def vp2026_cells(shared: Path) -> dict[str, str]:
    """Raw "Chỉ tiêu năm 2026" cells of 003 Phụ lục 2, by row number (the names carry no value)."""
    text = (shared / "seeds" / SEEDS["003"][1]).read_text(encoding="utf-8")
    block = text[text.index("PHỤ LỤC 2") :]
    cells: dict[str, str] = {}
    row = None
    for line in block.splitlines():
        m = re.match(r"\s*(\d{1,2})\.\s+(.*)", line + " ")
        if m:
            row = int(m.group(1))
            line = m.group(2)
        # a row may sit on one line with its cells ("10.  Tỷ lệ … tổng 100% Trung tâm …")
        inline = re.search(r"(?:^|\s)([>≥]?\s*\d+\s*%)(?:\s|$)", line)
        v = inline.group(1) if inline and not re.fullmatch(r"\s*[>≥]?\s*\d+\s*%\s*", line) else collapse(line)
        if row and f"VP-2026-{row:02d}" not in cells and re.fullmatch(r"[>≥]?\s*\d+\s*%", v):
            cells[f"VP-2026-{row:02d}"] = v
    return cells


def load_docs(shared: Path) -> dict[str, str]:
    """Seed → collapsed text, table rows split by a page break joined (as vlboard check reads them)."""
    return {
        k: collapse(join_page_breaks((shared / "seeds" / f).read_text(encoding="utf-8"))) for k, (_, f) in SEEDS.items()
    }


def copy_documents(shared: Path) -> None:
    out = ROOT / "data" / "documents"
    out.mkdir(parents=True, exist_ok=True)
    for plan, fname in SEEDS.values():
        shutil.copyfile(shared / "seeds" / fname, out / f"{plan}.txt")


def raw_for(name: str, comparator: str, value: str, high: str) -> str:
    if not value:
        return ""
    if comparator == "range":
        m = re.search(r"\d+\s*%?\s*(?:đến|-|–)\s*\d+\s*%", collapse(name))
        return m.group(0) if m else ""
    return find_raw_in_text(name, float(value)) or ""


def indicators_and_targets(shared: Path, docs: dict[str, str]):
    ref = shared / "reference"
    inds, tgts = [], []
    vp_cells = vp2026_cells(shared)

    def add_ind(**kw):
        kw.setdefault("direction", "higher")
        kw.setdefault("see_also", "")
        kw.setdefault("note", "")
        inds.append(kw)

    # 000 + 001 + 002 + 003 --------------------------------------------------------------
    for fname in ("seed000_001_targets.csv", "seed002_003_targets.csv"):
        df = pd.read_csv(ref / fname, dtype=str, keep_default_na=False)
        for r in df.itertuples(index=False):
            src = r.source
            plan = SEEDS[src][0]
            doc = docs[src]
            name = clean(r.name_vi)
            kind = r.kind or ("referenced" if "placeholder" in r.section else "qualitative")
            note = ""
            if kind == "referenced":
                note = (
                    "Chỉ tiêu được dẫn chiếu tới Phụ lục 2 QĐ 2808/QĐ-UBND (31/12/2024), "
                    "không có trong văn bản: chưa có tên, giá trị, đơn vị."
                )
            scope = {"000": "province", "001": "province", "002": "province", "003": "agency"}[src]
            if scope == "province" and kind in ("percent", "count") and commune_scoped(r.name_vi):
                scope = "province+commune"
            add_ind(
                code=r.code,
                plan=plan,
                pillar=r.pillar,
                name_vi=name,
                kind=kind,
                unit=r.unit,
                scope=scope,
                focus_area=getattr(r, "focus_area", ""),
                section=r.section,
                quote=best_quote(r.name_vi, doc),
                note=note,
            )
            if kind == "referenced":
                continue
            year = r.target_year
            value = r.target_value
            high = getattr(r, "target_value_high", "")
            comparator = r.comparator
            if kind == "qualitative" or not value:
                comparator, value, high = "done", "", ""
            raw = vp_cells.get(r.code) or raw_for(r.name_vi, comparator, value, high)
            if not raw and value and "tất cả" in r.name_vi:
                raw = "tất cả"
            tgts.append(
                dict(
                    indicator_code=r.code,
                    year=year,
                    comparator=comparator,
                    value=value,
                    value_high=high,
                    raw=raw,
                    note="" if year else "Văn bản không nêu năm",
                )
            )

    # 004 appendix ------------------------------------------------------------------------
    doc = docs["004"]
    # each appendix row's own Nhiệm vụ cell, whole across page breaks: its quote (the longest
    # verbatim span of the name could be the text after a page break, or a body sentence)
    cells = {
        r.tt: collapse(r.cells[1]) for r in table_rows((shared / "seeds" / SEEDS["004"][1]).read_text(encoding="utf-8"))
    }
    df = pd.read_csv(ref / "seed004_indicators.csv", dtype=str, keep_default_na=False)
    scope_map = {"both": "city+ward", "ward": "ward", "city": "city"}
    for r in df.itertuples(index=False):
        add_ind(
            code=r.code,
            plan="qd3100-2023-tpvl",
            pillar=r.pillar,
            name_vi=clean(r.name_vi),
            kind=r.kind,
            unit=r.unit,
            scope=scope_map[r.scope],
            focus_area="",
            section=f"Phụ lục, TT {int(r.code.split('-')[1])}",
            quote=cells[int(r.code.split("-")[1])],
            note=f"Căn cứ: {r.legal_basis}",
        )
        all_empty = not any(getattr(r, f"target_{y}_raw").strip() for y in ("2023", "2024", "2025"))
        for year in ("2023", "2024", "2025"):
            raw = collapse(getattr(r, f"target_{year}_raw"))
            value = getattr(r, f"target_{year}")
            if all_empty:  # TT 111: the document leaves all three cells empty; record the gap
                tgts.append(
                    dict(
                        indicator_code=r.code,
                        year=year,
                        comparator="",
                        value="",
                        value_high="",
                        raw="",
                        note="Văn bản để trống ô mục tiêu năm này",
                    )
                )
                continue
            if not raw:
                continue
            parsed = parse_raw(raw)
            if r.kind == "qualitative":
                comparator, value = "done", ""
            elif value:
                comparator = parsed.comparator
            else:
                comparator = ""
            tgts.append(
                dict(
                    indicator_code=r.code,
                    year=year,
                    comparator=comparator,
                    value=value,
                    value_high="",
                    raw=raw,
                    note="" if comparator else "Ô in không cùng đơn vị với chỉ tiêu; không so sánh",
                )
            )
    # 004 body 2030 -----------------------------------------------------------------------
    df = pd.read_csv(ref / "seed004_targets_2030.csv", dtype=str, keep_default_na=False)
    for i, r in enumerate(df.itertuples(index=False)):
        code = TPVL_2030_LINKS.get(i)
        if code is None:
            code = f"TPVL-2030-{i + 1:02d}"
            add_ind(
                code=code,
                plan="qd3100-2023-tpvl",
                pillar=r.pillar,
                name_vi=clean(r.name_vi),
                kind=r.kind,
                unit=r.unit,
                scope="city+ward",
                focus_area="",
                section="II.2 (mục tiêu đến năm 2030)",
                quote=best_quote(r.raw_text, doc),
            )
        comparator, value = r.comparator, r.target_2030
        if r.kind == "qualitative" or not value:
            comparator, value = "done", ""
        raw = raw_for(r.raw_text if value else "", comparator, value, "")
        if value and not raw:
            raw = find_raw_in_text(r.raw_text, float(value)) or ""
        tgts.append(
            dict(
                indicator_code=code,
                year="2030",
                comparator=comparator,
                value=value,
                value_high="",
                raw=raw,
                note="Mục II.2 của Quyết định",
            )
        )
    # 004 body III: targets without a year ---------------------------------------------------
    for r in TPVL_SECTION_III:
        assert is_quote_of(r["quote"], doc), r["code"]
        add_ind(
            code=r["code"],
            plan="qd3100-2023-tpvl",
            pillar=r["pillar"],
            name_vi=r["name_vi"],
            kind=r["kind"],
            unit=r["unit"],
            scope=r["scope"],
            focus_area="",
            section=r["section"],
            quote=r["quote"],
            note=r["note"],
        )
        tgts.append(
            dict(
                indicator_code=r["code"],
                year="",
                comparator=r["comparator"],
                value=r["value"],
                value_high="",
                raw=r["raw"],
                note="Văn bản không nêu năm",
            )
        )
    return pd.DataFrame(inds), pd.DataFrame(tgts)


# the table in which a plan monitors its own targets ("Kết quả đạt được hiện nay"): a figure read
# there comes before a conflicting figure of the same date elsewhere in the plan (precedence 1)
MONITORING_TABLES = {"qd2702-2024": "Phụ lục I"}
_PL1_REF = re.compile(r"Phụ lục I (20\d\d) mục ([IVX]+)\.(\d+)")


def phu_luc_i_rows(doc: Document) -> dict[tuple[str, str, str], int]:
    """QĐ 2702 Phụ lục I: (Đến năm YYYY, group, row number) → position of the row's "Kết quả đạt
    được hiện nay" cell (each row is printed as: number, target, result, lead, partners)."""
    out, inside, year, group = {}, False, None, None
    for i, (_pos, line) in enumerate(doc.lines):
        if re.fullmatch(r"PHỤ LỤC I", line):
            inside = True
        elif re.fullmatch(r"PHỤ LỤC I{2,3}", line):
            inside = False
        elif inside and line.startswith("Đến năm"):
            year, group = line[-4:], None
        elif inside and re.fullmatch(r"[IVX]+", line):
            group = line
        elif inside and (m := re.fullmatch(r"(\d+)\.", line)):
            out[(year, group, m.group(1))] = doc.lines[i + 2][0]
    return out


def where_read(quote: str, name: str, doc: Document, rows: dict) -> int:
    """Where a figure was read: in Phụ lục I the row its name refers to ("Phụ lục I 2025 mục
    I.12"), elsewhere the quote's first occurrence. Never simply the first place a bare "100%" is."""
    refs = [m.groups() for m in _PL1_REF.finditer(name)]
    for ref in refs:  # the first row named that holds the quote ("mục I.9; lặp ở … 2030 mục I.3")
        row = rows[ref]
        nxt = min([p for p in rows.values() if p > row], default=len(doc))
        found = matches(quote, doc, row)
        if found and found[0] < nxt:
            return found[0]
    assert not refs, (name, quote)
    return matches(quote, doc)[0]


def located(quote: str, doc: Document, at: int) -> tuple[str, str]:
    """(section at the position, anchor): the anchor only when the quote is printed more than once."""
    anchor = anchor_for(quote, doc, at) if len(matches(quote, doc)) > 1 else ""
    return doc.section_at(at), anchor


def indicator_position(quote: str, section: str, doc: Document) -> int:
    """The occurrence an indicator's section names first: an appendix row ("Phụ lục, TT 73"), an
    agency's paragraph ("Mục IV / 6 Sở Y tế / b)"), else the body sentence (its first occurrence)."""
    found = matches(quote, doc)
    first = section.split(";")[0].strip()
    m = re.match(r"Mục ([IVX]+) / (\d+)", first)
    for at in found:
        here = doc.section_at(at)
        if first.startswith("Phụ lục") == here.startswith("Phụ lục") and (
            not m or here == f"mục {m.group(1)}.{m.group(2)}"
        ):
            return at
    return found[0]


def as_of_from(text: str, plan_date: str) -> tuple[str, str]:
    """Map the free-text as_of of the reference to (ISO date, period)."""
    t = collapse(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return t, t[:4]
    if re.fullmatch(r"\d{4}-\d{2}", t):
        y, m = int(t[:4]), int(t[5:])
        last = pd.Timestamp(year=y, month=m, day=1) + pd.offsets.MonthEnd(0)
        return last.date().isoformat(), t[:4]
    if re.fullmatch(r"\d{4}", t):
        return f"{t}-12-31", t
    # a figure for a window ("14/8/2023 - 30/6/2025") is dated at the window's end: the latest date
    dates = sorted(f"{y}-{int(mo):02d}-{int(d):02d}" for d, mo, y in re.findall(r"(\d{1,2})/(\d{1,2})/(\d{4})", t))
    if dates:
        return dates[-1], dates[-1][:4]
    m = re.search(r"tháng (\d{1,2})/(\d{4})", t)
    if m:
        last = pd.Timestamp(year=int(m.group(2)), month=int(m.group(1)), day=1) + pd.offsets.MonthEnd(0)
        return last.date().isoformat(), m.group(2)
    return plan_date, plan_date[:4]


def results_documents(shared: Path, docs: dict[str, str], plans: pd.DataFrame) -> pd.DataFrame:
    ref = shared / "reference"
    rows = []
    plan_dates = {c: d or f"{dr[-4:]}-08-31" for c, d, dr in zip(plans.code, plans.date, plans.date_raw)}
    texts = {k: Document((shared / "seeds" / f).read_text(encoding="utf-8")) for k, (_, f) in SEEDS.items()}
    pl1 = phu_luc_i_rows(texts["001"])
    for fname in ("seed000_001_actuals.csv", "seed002_003_actuals.csv"):
        df = pd.read_csv(ref / fname, dtype=str, keep_default_na=False)
        for i, r in enumerate(df.itertuples(index=False), start=1):
            plan = SEEDS[r.source][0]
            as_of, period = as_of_from(r.as_of, plan_dates[plan])
            assert is_quote_of(r.quote, docs[r.source]), (fname, i)
            section, anchor = located(r.quote, texts[r.source], where_read(r.quote, r.name_vi, texts[r.source], pl1))
            rows.append(
                dict(
                    result_id=f"{plan}-R{i:03d}",
                    plan=plan,
                    indicator_codes=r.related_target_code,
                    name_vi=clean(r.name_vi),
                    value=r.value,
                    unit=r.unit,
                    numerator=r.numerator,
                    denominator=r.denominator,
                    period=period,
                    as_of=as_of,
                    as_of_raw=collapse(r.as_of),
                    unit_code=PROVINCE_UNIT if r.source != "003" else "",
                    agency_code="VP-UBND-T" if r.source == "003" else "",
                    section=section,
                    quote=collapse(r.quote),
                    quote_anchor=anchor,
                    precedence="1" if section == MONITORING_TABLES.get(plan) else "2",
                )
            )
    return pd.DataFrame(rows)


def units(shared: Path):
    ref = shared / "reference"
    rows = [
        dict(
            unit_code=PROVINCE_UNIT,
            official_code="86",
            name_vi="Tỉnh Vĩnh Long",
            type="tỉnh",
            level="tinh",
            parent_code="",
            valid_from="",
            valid_to="",
            former_province="",
            note="Từ 01/7/2025 gồm cả Bến Tre và Trà Vinh (sáp nhập tỉnh)",
        ),
        dict(
            unit_code=CITY_UNIT,
            official_code="855",
            name_vi="Thành phố Vĩnh Long",
            type="thành phố",
            level="thanh_pho",
            parent_code=PROVINCE_UNIT,
            valid_from="",
            valid_to="2025-06-30",
            former_province="Vĩnh Long",
            note="Cấp huyện kết thúc từ 01/7/2025 (chính quyền địa phương 02 cấp)",
        ),
    ]
    cross = []
    w23 = pd.read_csv(ref / "wards_tpvinhlong_2023.csv", dtype=str, keep_default_na=False)
    interim = set()
    for r in w23.itertuples(index=False):
        merged = "merged" in r.status_2024_11
        valid_to = "2024-10-31" if merged else "2025-06-30"
        name = r.name_2023 if r.name_2023.startswith("Phường") else f"Phường {r.name_2023}"
        rows.append(
            dict(
                unit_code=f"p2023-{r.code_2023}",
                official_code=r.code_2023,
                name_vi=name,
                type="phường",
                level="phuong",
                parent_code=CITY_UNIT,
                valid_from="",
                valid_to=valid_to,
                former_province="Vĩnh Long",
                note=collapse(r.status_2024_11),
            )
        )
        cross.append(
            dict(
                old_unit_code=f"p2023-{r.code_2023}",
                new_unit_code=f"x2025-{r.new_code_2025}",
                effective="2025-07-01",
                note=f"Theo {r.source}",
            )
        )
        if merged:  # Phường 1 + Phường 2 → Phường 1 (code of Phường 2) from 01/11/2024
            interim.add((r.code_2025_06, r.new_code_2025))
            cross.append(
                dict(
                    old_unit_code=f"p2023-{r.code_2023}",
                    new_unit_code=f"p2024-{r.code_2025_06}",
                    effective="2024-11-01",
                    note="Sáp nhập Phường 1 và Phường 2 thành Phường 1",
                )
            )
    for code, new_code in sorted(interim):
        rows.append(
            dict(
                unit_code=f"p2024-{code}",
                official_code=code,
                name_vi="Phường 1 (sau sáp nhập)",
                type="phường",
                level="phuong",
                parent_code=CITY_UNIT,
                valid_from="2024-11-01",
                valid_to="2025-06-30",
                former_province="Vĩnh Long",
                note="Phường 1 và Phường 2 sáp nhập thành Phường 1, mã 29551, từ 01/11/2024",
            )
        )
        cross.append(
            dict(
                old_unit_code=f"p2024-{code}",
                new_unit_code=f"x2025-{new_code}",
                effective="2025-07-01",
                note="Sắp xếp đơn vị hành chính cấp xã 2025",
            )
        )
    w25 = pd.read_csv(ref / "wards_vinhlong_2025.csv", dtype=str, keep_default_na=False)
    for r in w25.itertuples(index=False):
        prefix = "Phường" if r.type == "phường" else "Xã"
        rows.append(
            dict(
                unit_code=f"x2025-{r.code}",
                official_code=r.code,
                name_vi=f"{prefix} {r.name}",
                type=r.type,
                level="xa",
                parent_code=PROVINCE_UNIT,
                valid_from="2025-07-01",
                valid_to="",
                former_province=r.former_province,
                note=f"Hình thành từ: {collapse(r.formed_from)}",
            )
        )
    return pd.DataFrame(rows), pd.DataFrame(cross)


def budgets(shared: Path) -> pd.DataFrame:
    ref = shared / "reference"
    df = pd.read_csv(ref / "seed001_budget.csv", dtype=str, keep_default_na=False)
    rows = []
    for i, r in enumerate(df.itertuples(index=False), start=1):
        rows.append(
            dict(
                budget_id=f"qd2702-2024-B{i:03d}",
                plan="qd2702-2024",
                level=r.level,
                stt=r.stt,
                agency_raw=collapse(r.agency),
                item=clean(r.item),
                total=r.total,
                su_nghiep_2025=r.su_nghiep_2025,
                dau_tu_2025=r.dau_tu_2025,
                su_nghiep_2026_2030=r.su_nghiep_2026_2030,
                dau_tu_2026_2030=r.dau_tu_2026_2030,
                amount_column_unclear=r.amount_column_unclear,
                note="; ".join(x for x in (collapse(r.ghi_chu), collapse(r.column_basis)) if x),
            )
        )
    df = pd.read_csv(ref / "seed003_budget.csv", dtype=str, keep_default_na=False)
    for i, r in enumerate(df.itertuples(index=False), start=1):
        total_row = collapse(r.item).lower().startswith("tổng cộng")
        rows.append(
            dict(
                budget_id=f"kh-cds-2026-vpubnd-B{i:03d}",
                plan="kh-cds-2026-vpubnd",
                level="tong" if total_row else "nhiem_vu",
                stt="" if total_row else str(i),
                agency_raw="Văn phòng UBND tỉnh",
                item=clean(r.item),
                total=str(int(float(r.spent_2025_million_vnd or 0) + float(r.planned_2026_million_vnd or 0))),
                su_nghiep_2025=r.spent_2025_million_vnd,
                dau_tu_2025="",
                su_nghiep_2026_2030=r.planned_2026_million_vnd,
                dau_tu_2026_2030="",
                amount_column_unclear="",
                note="Phụ lục 1: cột 2025 = kinh phí năm 2025, cột 2026 = dự toán năm 2026 "
                "(ghi vào su_nghiep_2026_2030)",
            )
        )
    return pd.DataFrame(rows)


def assignments(shared: Path, inds: pd.DataFrame) -> pd.DataFrame:
    aliases_path = ROOT / "data" / "source" / "agency_aliases.csv"
    if not aliases_path.exists():
        print("agency_aliases.csv missing: assignments not written", file=sys.stderr)
        return pd.DataFrame()
    aliases = pd.read_csv(aliases_path, dtype=str, keep_default_na=False)
    lookup: dict[str, list[str]] = {}
    for r in aliases.itertuples(index=False):
        lookup.setdefault(collapse(r.alias), []).append(r.agency_code)
    ref = shared / "reference"
    frames = [
        pd.read_csv(ref / f, dtype=str, keep_default_na=False)
        for f in ("seed000_001_targets.csv", "seed002_003_targets.csv", "seed004_indicators.csv")
    ]
    rows, missing = [], set()
    for df in frames:
        for r in df.itertuples(index=False):
            for role, cell in (("lead", r.lead_agency), ("partner", r.partner_agencies)):
                for seg in [collapse(x) for x in cell.split("; ") if collapse(x)]:
                    codes = lookup.get(seg)
                    if not codes:
                        missing.add(seg)
                        continue
                    for c in codes:
                        rows.append(dict(indicator_code=r.code, agency_code=c, role=role, raw=seg))
    # the 2030 body targets of QĐ 3100 that have no appendix row inherit nothing: no lead printed;
    # section III's targets: the offices section V gives their topic to
    for r in TPVL_SECTION_III:
        for role, names in (("lead", r["leads"]), ("partner", r["partners"])):
            for seg in names:
                for c in lookup.get(collapse(seg), []):
                    rows.append(dict(indicator_code=r["code"], agency_code=c, role=role, raw=seg))
                if collapse(seg) not in lookup:
                    missing.add(seg)
    if missing:
        raise SystemExit(f"agency aliases missing for: {sorted(missing)}")
    out = pd.DataFrame(rows).drop_duplicates(["indicator_code", "agency_code", "role"])
    # an agency that leads an indicator is not also listed as its partner
    leads = set(zip(out.indicator_code[out.role == "lead"], out.agency_code[out.role == "lead"]))
    keep = [not (r.role == "partner" and (r.indicator_code, r.agency_code) in leads) for r in out.itertuples()]
    return out[keep]


def write(df: pd.DataFrame, name: str) -> None:
    path = ROOT / "data" / "source" / f"{name}.csv"
    df.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    print(f"{path.relative_to(ROOT)}: {len(df)} rows")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    shared = Path(ap.parse_args().shared)
    docs = load_docs(shared)
    copy_documents(shared)
    plans = pd.read_csv(ROOT / "data" / "source" / "plans.csv", dtype=str, keep_default_na=False)
    inds, tgts = indicators_and_targets(shared, docs)
    res = results_documents(shared, docs, plans)
    # link the same indicator across plans through the figures that the documents relate to both
    links: dict[str, set[str]] = {}
    for codes in res.indicator_codes:
        cs = [c.strip() for c in codes.split(";") if c.strip()]
        for c in cs:
            links.setdefault(c, set()).update(x for x in cs if x != c)
    inds["see_also"] = inds.code.map(lambda c: "; ".join(sorted(links.get(c, ()))))
    # a quote printed more than once (body and appendix) is located by an anchor at the place
    # its section names first
    texts = {plan: Document((shared / "seeds" / f).read_text(encoding="utf-8")) for plan, f in SEEDS.values()}
    inds["quote_anchor"] = [
        located(q, texts[p], indicator_position(q, sec, texts[p]))[1]
        for q, p, sec in zip(inds.quote, inds.plan, inds.section)
    ]
    write(inds, "indicators")
    write(tgts, "targets")
    write(res, "results_documents")
    u, x = units(shared)
    write(u, "units")
    write(x, "unit_crosswalk")
    write(budgets(shared), "budgets")
    a = assignments(shared, inds)
    if len(a):
        write(a, "assignments")


if __name__ == "__main__":
    main()
