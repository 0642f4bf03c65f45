"""The master data under data/source/: load the CSVs and cast them to the snapshot schema (the checks
of their contents: ``vlboard.store.checks``).

Every problem is reported in Vietnamese with the file, the row (as a spreadsheet shows it: header is
row 1) and the column, so an officer editing the CSV can find it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from vlboard.domain.textnorm import nfc
from vlboard.store import schema
from vlboard.store.doctext import Document


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # spreadsheet row (header = 1), None for file-level problems
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột «{self.column}»"
        return f"{where}: {self.message}"


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n… và {len(problems) - 50} lỗi khác" if len(problems) > 50 else ""
        super().__init__(f"Dữ liệu nguồn có {len(problems)} lỗi:\n{lines}{more}")


def read_source_csv(path: Path, table: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one source CSV as text (NFC), checking its header against the schema."""
    problems: list[Problem] = []
    name = path.name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return pd.DataFrame(columns=schema.columns(table)), [
            Problem(name, None, None, f"không đọc được tệp CSV ({exc})")
        ]
    expected = schema.columns(table)
    missing = [c for c in expected if c not in df.columns]
    extra = [c for c in df.columns if c not in expected]
    for c in missing:
        problems.append(Problem(name, 1, c, "thiếu cột"))
    for c in extra:
        problems.append(Problem(name, 1, c, "cột không có trong lược đồ"))
    if missing:
        return pd.DataFrame(columns=expected), problems
    df = df[expected].map(lambda v: nfc(v).strip())
    return df, problems


def cast(df: pd.DataFrame, table: str, file: str) -> tuple[pa.Table, list[Problem]]:
    """Cast text columns to the Arrow schema of ``table``; bad cells become problems."""
    problems: list[Problem] = []
    arrays = []
    for col, typ in schema.TABLES[table]:
        values = df[col].tolist() if col in df else [""] * len(df)
        out: list = []
        for i, v in enumerate(values):
            if v is None or v == "":
                out.append(None)
                continue
            try:
                if typ == pa.string():
                    out.append(v)
                elif typ == pa.float64():
                    out.append(float(v))
                elif typ == pa.int32():
                    out.append(int(float(v)))
                elif typ == pa.date32():
                    out.append(dt.date.fromisoformat(v))
                else:
                    out.append(v)
            except ValueError:
                kind = {pa.float64(): "số", pa.int32(): "số nguyên", pa.date32(): "ngày (yyyy-mm-dd)"}.get(
                    typ, "giá trị"
                )
                problems.append(Problem(file, i + 2, col, f"«{v}» không phải {kind}"))
                out.append(None)
        arrays.append(pa.array(out, type=typ))
    return pa.Table.from_arrays(arrays, schema=schema.arrow_schema(table)), problems


def load_sources(source_dir: Path) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Load every source table; a missing file is a problem, not an exception."""
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for table in schema.SOURCE_TABLES:
        path = source_dir / f"{table}.csv"
        if not path.exists():
            problems.append(Problem(f"{table}.csv", None, None, "thiếu tệp"))
            tables[table] = schema.arrow_schema(table).empty_table()
            continue
        df, p1 = read_source_csv(path, table)
        t, p2 = cast(df, table, path.name)
        tables[table] = t
        problems += p1 + p2
    return tables, problems


def load_documents(documents_dir: Path, plans: pa.Table) -> dict[str, Document]:
    """Plan code → collapsed text of its shipped document, table rows split by a page break joined
    (a quote of such a row is its whole text, verbatim across the break), with its headings."""
    out = {}
    for r in plans.to_pylist():
        path = documents_dir / (r["document_file"] or "")
        if r["document_file"] and path.is_file():
            out[r["code"]] = Document(path.read_text(encoding="utf-8"))
    return out
