"""The 指标库 in SQLite (library_entries, schema 0005) and the user's past indicator rows.

Entries are keyed by (level1, level2, name): same category + same name = same
entry. Every write is one transaction: a library import is all or nothing.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from desktop.domain.library import HistoryRow, LibraryEntry
from desktop.store.bulk import stored_time
from desktop.store.database import Database

_COLUMNS = "level1, level2, name, target, explanation, keywords, source"

# Every indicator row ever saved, outside the 回收站: one row per indicator and
# 申请单位, with how often, when last, and the target and explanation of the
# newest row (SQLite takes bare columns from the row that gives max()).
_HISTORY = """
SELECT i.level1, i.level2, trim(i.name), coalesce(d.applicant_unit, ''), count(*), coalesce(max(d.updated_at), ''),
       coalesce(i.target, ''), coalesce(i.explanation, '')
FROM indicators AS i JOIN declarations AS d ON d.id = i.declaration_id
WHERE d.deleted_at IS NULL AND trim(i.name) NOT IN ('', '不适用')
GROUP BY i.level1, i.level2, trim(i.name), d.applicant_unit
"""


def read_entries(db: Database) -> list[LibraryEntry]:
    """Every entry, in category and name order."""
    con = db.connect()
    try:
        rows = con.execute(f"SELECT {_COLUMNS} FROM library_entries ORDER BY level1, level2, name").fetchall()
    finally:
        con.close()
    return [LibraryEntry(*row) for row in rows]


def count_entries(db: Database) -> int:
    con = db.connect()
    try:
        return con.execute("SELECT count(*) FROM library_entries").fetchone()[0]
    finally:
        con.close()


def read_history(db: Database) -> list[HistoryRow]:
    con = db.connect()
    try:
        rows = con.execute(_HISTORY).fetchall()
    finally:
        con.close()
    return [HistoryRow._make(row) for row in rows]


def write_entries(db: Database, entries: Iterable[LibraryEntry], *, only_new: bool = False,
                  setting: tuple[str, object] | None = None, when: datetime | None = None) -> None:
    """Insert or replace entries in one transaction (``only_new``: keep existing ones as they
    are). ``setting`` (key, value) is written in the same transaction, e.g. that the
    starter library was put in."""
    stamp = stored_time(when or datetime.now())
    conflict = "DO NOTHING" if only_new else (
        "DO UPDATE SET target = excluded.target, explanation = excluded.explanation, keywords = excluded.keywords, "
        "source = excluded.source, updated_at = excluded.updated_at")
    sql = (f"INSERT INTO library_entries ({_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
           f"ON CONFLICT (level1, level2, name) {conflict}")
    rows = [(e.level1, e.level2, e.name, e.target, e.explanation, e.keywords, e.source, stamp) for e in entries]
    db.ensure_sound()
    with db.engine.begin() as conn:
        if rows:
            conn.exec_driver_sql(sql, rows)
        if setting is not None:
            conn.exec_driver_sql("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                 (setting[0], json.dumps(setting[1], ensure_ascii=False)))
