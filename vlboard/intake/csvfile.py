"""Reading a CSV upload, strictly: the encoding (UTF-8, UTF-16, Windows-1258 line by line), the
delimiter, quotes that do not close, lines of the wrong shape and Vietnamese decimals split by a comma
are problems naming the line; nothing is repaired or guessed."""

from __future__ import annotations

import codecs
import csv
import io
import re

from vlboard.domain.textnorm import nfc
from vlboard.intake.upload import BY_NAME, LABEL, REQUIRED_CSV, UTF16_BOMS, Problem, collect_rows, header_map, norm, vn

MAX_HEADER_CHARS = 4096  # a CSV header line (13 labels at most) is far shorter
MAX_STRUCTURE_PROBLEMS = 50  # CSV lines of the wrong shape listed before giving up
_DELIMITERS = (",", ";", "\t")
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-16 (BOM) or UTF-8 for the whole file; else per line UTF-8, falling back to Windows-1258
    for a line with no UTF-8 sequence at all. A line that is partly UTF-8 and partly not (a damaged
    UTF-8 file) is refused with its number: decoding it as Windows-1258 would store garbled text."""
    try:
        if data.startswith(UTF16_BOMS):
            return nfc(data.decode("utf-16")), []
        return nfc(data.decode("utf-8-sig")), []
    except UnicodeDecodeError as exc:
        if data.startswith(UTF16_BOMS):
            line = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            return None, [
                Problem(
                    "CSV",
                    line,
                    None,
                    "không đọc được mã hoá UTF-16 (tệp bị hỏng từ dòng này); hãy lưu lại tệp với mã hoá UTF-8",
                )
            ]
    lines = []
    for i, raw in enumerate(data.removeprefix(codecs.BOM_UTF8).split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        if _UTF8_SEQ.search(raw):
            return None, [
                Problem(
                    "CSV",
                    i,
                    None,
                    "mã hoá ký tự bị hỏng: dòng có chỗ là UTF-8, có chỗ không; hãy mở tệp và lưu lại với mã hoá UTF-8",
                )
            ]
        try:
            lines.append(raw.decode("cp1258"))  # tone marks come as combining characters: NFC below
        except UnicodeDecodeError:
            return None, [Problem("CSV", i, None, "không đọc được mã hoá ký tự (cần UTF-8 hoặc Windows-1258)")]
    return nfc("\n".join(lines)), []


def _delimiter(text: str) -> str | None:
    """The header line's delimiter among comma, semicolon and tab: the one found most often outside
    quotes (ties: that order), a comma when there is none. One linear pass over at most
    MAX_HEADER_CHARS characters (no sniffing, no backtracking); None when the header line is longer."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for i, ch in enumerate(text):
        if i >= MAX_HEADER_CHARS:
            return None
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in counts:
                counts[ch] += 1
            elif ch in "\r\n":
                break
    best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """(line number, fields) of every line, strictly: a quote never closed, a quote opened on one
    line and closed on another (the lines between would become one cell), a malformed quoted cell
    or a line with more or fewer cells than the header are problems naming the line; nothing is
    repaired. Blank lines are kept out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    width = None
    start = 1
    while len(problems) < MAX_STRUCTURE_PROBLEMS:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc) or reader.line_num > start and "field larger" not in str(exc):
                problems.append(
                    Problem(
                        "CSV",
                        start,
                        None,
                        'có dấu ngoặc kép (") mở ở dòng này mà không được đóng; '
                        "mọi dòng sau bị gộp vào một ô. Hãy đóng dấu ngoặc kép",
                    )
                )
            elif "field larger" in str(exc):
                problems.append(
                    Problem(
                        "CSV",
                        start,
                        None,
                        f"có ô quá dài (hơn {vn(csv.field_size_limit())} ký tự), "
                        'thường do dấu ngoặc kép (") mở ở dòng này mà không '
                        "được đóng; hãy đóng dấu ngoặc kép",
                    )
                )
            else:
                problems.append(
                    Problem(
                        "CSV",
                        start,
                        None,
                        'sai dấu ngoặc kép ("): trong ô đặt trong ngoặc kép, '
                        'dấu ngoặc kép bên trong phải viết đôi ("") và ô phải kết '
                        "thúc ngay sau dấu ngoặc kép đóng",
                    )
                )
            break
        end = reader.line_num
        if end > start and rec:
            problems.append(
                Problem(
                    "CSV",
                    start,
                    None,
                    f'dấu ngoặc kép (") mở ở dòng {start} đến dòng {end} mới '
                    "đóng, nên các dòng giữa bị gộp vào một ô; hãy đóng dấu ngoặc "
                    "kép trên cùng dòng (ô nhiều dòng hãy dùng mẫu Excel)",
                )
            )
        elif width is None:
            width = len(rec)
            out.append((start, rec))
        elif rec and any(f.strip() for f in rec):
            if len(rec) != width:
                hint = (
                    ' Số thập phân có dấu phẩy phải đặt trong ngoặc kép (ví dụ "77,5") hoặc dùng dấu chấm phẩy '
                    "(;) để phân cách cột"
                    if len(rec) > width and delimiter == ","
                    else ""
                )
                problems.append(
                    Problem(
                        "CSV",
                        start,
                        None,
                        f"dòng có {len(rec)} ô nhưng dòng tiêu đề có {width} ô; không đoán ô nào thừa hay thiếu.{hint}",
                    )
                )
            else:
                out.append((start, rec))
        start = end + 1
    return out, problems


def read_csv(data: bytes):
    text, problems = _decode(data)
    if text is None:
        return None, problems
    delimiter = _delimiter(text)
    if delimiter is None:
        return None, [
            Problem(
                "CSV", 1, None, f"dòng tiêu đề dài quá {vn(MAX_HEADER_CHARS)} ký tự; không phải dòng tiêu đề của mẫu"
            )
        ]
    records, problems = _records(text, delimiter)
    if problems:
        return None, problems
    header = records[0][1] if records else []
    if not any(BY_NAME.get(norm(v)) == "indicator_code" for v in header):
        return None, [Problem("CSV", 1, None, "không phải dòng tiêu đề: cần có cột «Mã chỉ tiêu»")]
    colmap, extra, problems = header_map(list(enumerate(header)), "CSV", 1, REQUIRED_CSV)
    if not {"agency_code", "unit_code"} & set(colmap.values()):
        problems.append(Problem("CSV", 1, None, f"thiếu cột «{LABEL['agency_code']}» hoặc «{LABEL['unit_code']}»"))
    if delimiter == ",":
        problems += _split_decimals(records[1:], colmap)
    numbered = ((n, dict(enumerate(rec))) for n, rec in records[1:])
    rows, problems = collect_rows("CSV", numbered, colmap, problems)
    return (None if rows is None else ({}, list(colmap.values()), extra, rows)), problems


_NUMBER_KEYS = ("value", "numerator", "denominator", "target", "previous")
_TEXT_KEYS = ("note", "evidence_url", "indicator_name", "unit_of_measure", "cause", "remedy", "back_by")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def _split_decimals(records: list[tuple[int, list[str]]], colmap: dict[int, str]) -> list[Problem]:
    """In a comma-separated file an unquoted Vietnamese decimal (``77,5``) becomes two cells; when
    the header has a text column right after the number column, the count of cells still matches.
    A number cell followed by a text cell holding only digits is therefore refused, not guessed."""
    out = []
    pairs = [
        (c, colmap[c], colmap[c + 1]) for c in colmap if colmap[c] in _NUMBER_KEYS and colmap.get(c + 1) in _TEXT_KEYS
    ]
    for line, rec in records:
        for c, key, nxt in pairs:
            a, b = rec[c].strip(), rec[c + 1].strip()
            if _DIGITS.fullmatch(a.lstrip("-")) and _DIGITS.fullmatch(b):
                out.append(
                    Problem(
                        "CSV",
                        line,
                        LABEL[key],
                        (
                            f"«{a}» rồi «{b}» ở cột «{LABEL[nxt]}»: có thể là số thập phân {a},{b} bị dấu phẩy tách làm "
                            f'hai ô; hãy đặt số trong ngoặc kép ("{a},{b}") hoặc dùng dấu chấm phẩy (;) để phân cách cột'
                        ),
                    )
                )
    return out
