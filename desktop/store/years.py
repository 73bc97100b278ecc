"""The store's side of the year rules, a batch at a time.

desktop.store.context_queries answers for one declaration (the window); these
answer for a batch of them in a few indexed queries each (validate, import,
recounts, the list's link column), so that 100,000 declarations cost a few
hundred queries instead of a few per declaration. Keys are (项目编码, 申报年度)
as stored; declarations in the 回收站 count for nothing.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from desktop.store.database import Database

Key = tuple[str, int]

# (项目编码, 申报年度) pairs as one JSON array, joined to the (project_code, fiscal_year) index.
_BY_KEYS = ("SELECT d.project_code, d.fiscal_year, d.id FROM json_each(?) AS k "
            "JOIN declarations AS d ON d.project_code = json_extract(k.value, '$[0]') "
            "AND d.fiscal_year = json_extract(k.value, '$[1]') WHERE d.deleted_at IS NULL")


def _chunks(items: Sequence, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def ids_by_key(con: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, list[int]]:
    """The stored declarations of each key, by id (oldest first)."""
    wanted = sorted({(c, y) for c, y in keys if c})
    out: dict[Key, list[int]] = {}
    for part in _chunks(wanted):
        for code, year, decl_id in con.execute(_BY_KEYS + " ORDER BY d.id", (json.dumps(part),)):
            out.setdefault((code, year), []).append(decl_id)
    return out


def latest_by_key(con: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, int]:
    """The most recently edited stored declaration of each key (as context_queries.previous_year_id)."""
    wanted = sorted({(c, y) for c, y in keys if c})
    out: dict[Key, int] = {}
    for part in _chunks(wanted):
        rows = con.execute(_BY_KEYS + " ORDER BY d.updated_at DESC, d.id DESC", (json.dumps(part),))
        for code, year, decl_id in rows:
            out.setdefault((code, year), decl_id)
    return out


def existing(con: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    """Those of ids that are stored and not in the 回收站."""
    wanted = sorted(set(ids))
    found: set[int] = set()
    for part in _chunks(wanted):
        found.update(i for (i,) in con.execute(
            "SELECT id FROM declarations WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(part),)))
    return found


def copies_of(con: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
    """Declarations copied forward from any of ids (their 上年度 is one of them)."""
    wanted = sorted(set(ids))
    out: list[int] = []
    for part in _chunks(wanted):
        out += [i for (i,) in con.execute(
            "SELECT id FROM declarations WHERE deleted_at IS NULL AND source_id IN (SELECT value FROM json_each(?))",
            (json.dumps(part),))]
    return out


def source_years(con: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """id -> (source id, source 申报年度) of those among ids copied forward from another (the list's link)."""
    out: dict[int, tuple[int, int]] = {}
    for part in _chunks(list(ids)):
        out.update((i, (s, y)) for i, s, y in con.execute(
            "SELECT d.id, s.id, s.fiscal_year FROM declarations AS d JOIN declarations AS s ON s.id = d.source_id "
            "WHERE d.id IN (SELECT value FROM json_each(?))", (json.dumps(part),)))
    return out


def set_counts(db: Database, counts: Sequence[tuple[int, int, int]]) -> None:
    """Store (errors, warnings, id) as the list's problem counts, in one transaction
    (the modification time stays: the declaration's content did not change)."""
    if not counts:
        return
    db.ensure_sound()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE declarations SET error_count = ?, warning_count = ? WHERE id = ?", list(counts))


def keys_of(db: Database, ids: Sequence[int]) -> dict[int, Key]:
    """id -> (项目编码, 申报年度) of stored declarations."""
    con = db.connect()
    try:
        out: dict[int, Key] = {}
        for part in _chunks(list(ids)):
            out.update((i, (c, y)) for i, c, y in con.execute(
                "SELECT id, project_code, fiscal_year FROM declarations WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(part),)))
        return out
    finally:
        con.close()


def same_project(db: Database, project_code: str) -> list[tuple[int, int, str]]:
    """(id, 申报年度, 项目名称) of every listed declaration with this 项目编码, newest year first."""
    code = project_code.strip()
    if not code:
        return []
    con = db.connect()
    try:
        return con.execute("SELECT id, fiscal_year, project_name FROM declaration_list WHERE project_code = ? "
                           "ORDER BY fiscal_year DESC, id DESC", (code,)).fetchall()
    finally:
        con.close()


def names_and_statuses(con: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(项目名称, status) of those of ids that are stored."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[str, str]] = {}
    for part in _chunks(wanted):
        for decl_id, name, status in con.execute(
                "SELECT id, project_name, status FROM declarations WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(part),)):
            out[decl_id] = (name, status)
    return out
