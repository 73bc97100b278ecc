"""The revisions table (schema 0005): appended to, read, never updated.

A revision's number is the next one of its declaration, taken inside a write
transaction (BEGIN IMMEDIATE), so two writers never take the same number.
Contents are encoded by ``desktop.domain.revisions`` (full copies and deltas
against the revision before); reading one decodes the chain from the nearest
full copy.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from desktop.domain import revisions as encoding
from desktop.store.bulk import stored_time
from desktop.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_BATCH = 500


@dataclass(frozen=True)
class RevisionRow:
    declaration_id: int
    number: int
    saved_at: datetime
    reason: str
    code: str
    summary: str


@dataclass(frozen=True)
class State:
    """A declaration's content to keep: its id, canonical JSON and revision code."""

    declaration_id: int
    text: str
    code: str


# summarize(previous JSON or None, this JSON) -> one line
Summarize = Callable[[str | None, str], str]


def _marks(n: int) -> str:
    return "(" + ",".join("?" * n) + ")"


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _BATCH):
        yield list(ids[start:start + _BATCH])


def _read(db: Database, sql: str, args: Sequence = ()) -> list[tuple]:
    con = db.connect()
    try:
        return con.execute(sql, tuple(args)).fetchall()
    finally:
        con.close()


def _row(decl_id: int, number: int, saved_at: str, reason: str, code: str, summary: str) -> RevisionRow:
    return RevisionRow(decl_id, number, datetime.fromisoformat(saved_at), reason, code, summary)


def history(db: Database, decl_id: int) -> list[RevisionRow]:
    """The revisions of one declaration, newest first."""
    rows = _read(db, "SELECT declaration_id, number, saved_at, reason, code, summary FROM revisions "
                     "WHERE declaration_id = ? ORDER BY number DESC", (decl_id,))
    return [_row(*r) for r in rows]


def with_code(db: Database, code: str) -> list[RevisionRow]:
    """The revisions whose content has this code (by the code's index), oldest first."""
    rows = _read(db, "SELECT declaration_id, number, saved_at, reason, code, summary FROM revisions "
                     "WHERE code = ? ORDER BY declaration_id, number", (code,))
    return [_row(*r) for r in rows]


def declarations_with_code(con: sqlite3.Connection, code: str) -> list[int]:
    """The declarations having a revision with this code (for the list's search)."""
    return [r[0] for r in con.execute("SELECT DISTINCT declaration_id FROM revisions WHERE code = ?", (code,))]


def _chain(execute: Callable[[str, tuple], Iterator[tuple]], decl_id: int, number: int) -> list[bytes]:
    """The contents to decode revision ``number``: from the nearest full copy up to it."""
    found: list[bytes] = []
    for (content,) in execute("SELECT content FROM revisions WHERE declaration_id = ? AND number <= ? "
                              "ORDER BY number DESC", (decl_id, number)):
        found.append(bytes(content))
        if not encoding.needs_previous(found[-1]):
            break
    found.reverse()
    return found


def text_of(db: Database, decl_id: int, number: int) -> str | None:
    """The canonical JSON of one revision; None when there is no such revision."""
    con = db.connect()
    try:
        con.execute("BEGIN")  # one snapshot for the whole chain
        try:
            if con.execute("SELECT 1 FROM revisions WHERE declaration_id = ? AND number = ?",
                           (decl_id, number)).fetchone() is None:
                return None
            return encoding.decode_chain(_chain(lambda sql, args: con.execute(sql, args), decl_id, number))
        finally:
            con.rollback()
    finally:
        con.close()


def texts_of(db: Database, decl_id: int) -> Iterator[tuple[int, str]]:
    """(number, canonical JSON) of every revision of a declaration, oldest first; each decoded once."""
    con = db.connect()
    try:
        con.execute("BEGIN")
        try:
            previous: str | None = None
            for number, content in con.execute(
                    "SELECT number, content FROM revisions WHERE declaration_id = ? ORDER BY number", (decl_id,)):
                previous = encoding.decode(bytes(content), previous)
                yield number, previous
        finally:
            con.rollback()
    finally:
        con.close()


def unkept(db: Database, ids: Sequence[int]) -> list[int]:
    """Those of ids whose stored state may not be kept yet: no revision saved at least a
    second after the declaration's last save (saves are stamped to the second). The
    others are surely kept and need not be read."""
    out: list[int] = []
    for part in _chunks(ids):
        out.extend(r[0] for r in _read(
            db, f"SELECT d.id FROM declarations d WHERE d.id IN {_marks(len(part))} AND NOT EXISTS ("
                "SELECT 1 FROM revisions r WHERE r.declaration_id = d.id "
                "AND r.saved_at >= datetime(d.updated_at, '+1 second'))", part))
    keep = set(out)
    return [i for i in ids if i in keep]


def append(db: Database, states: Sequence[State], reason: str, summarize: Summarize,
           when: datetime | None = None) -> list[tuple[int, int]]:
    """Keep each state as a new revision of its declaration, in one transaction, unless
    the declaration's latest revision has the same code already. Returns (declaration id,
    revision number) of each revision made. A declaration that does not exist is skipped."""
    if not states:
        return []
    saved_at = stored_time(when or datetime.now())
    db.ensure_sound()
    made: list[tuple[int, int]] = []
    with db.engine.begin() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the next numbers stay free while we write
        for start in range(0, len(states), _BATCH):
            part = states[start:start + _BATCH]
            made.extend(_append_batch(conn, part, reason, summarize, saved_at))
    return made


def _append_batch(conn: Connection, states: Sequence[State], reason: str, summarize: Summarize,
                  saved_at: str) -> list[tuple[int, int]]:
    ids = sorted({s.declaration_id for s in states})
    marks = _marks(len(ids))
    existing = {r[0] for r in conn.exec_driver_sql(f"SELECT id FROM declarations WHERE id IN {marks}", tuple(ids))}
    latest = {decl_id: (number, code) for decl_id, number, code in conn.exec_driver_sql(
        "SELECT r.declaration_id, r.number, r.code FROM revisions r JOIN ("
        f"SELECT declaration_id, max(number) AS n FROM revisions WHERE declaration_id IN {marks} "
        "GROUP BY declaration_id) m ON r.declaration_id = m.declaration_id AND r.number = m.n", tuple(ids))}

    def execute(sql: str, args: tuple) -> Iterator[tuple]:
        return iter(conn.exec_driver_sql(sql, args))

    made: list[tuple[int, int]] = []
    for state in states:
        decl_id = state.declaration_id
        if decl_id not in existing:
            continue
        number, code = latest.get(decl_id, (0, None))
        if code == state.code:
            continue  # already kept as it is
        previous = encoding.decode_chain(_chain(execute, decl_id, number)) if number else None
        number += 1
        conn.exec_driver_sql(
            "INSERT INTO revisions (declaration_id, number, saved_at, reason, code, summary, content) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (decl_id, number, saved_at, reason, state.code, summarize(previous, state.text),
             encoding.encode(state.text, previous, number)))
        latest[decl_id] = (number, state.code)  # a second state of it in this call follows this one
        made.append((decl_id, number))
    return made


def size_of_contents(db: Database, decl_id: int | None = None) -> int:
    """Bytes of stored revision content (of one declaration, or of all)."""
    where, args = ("WHERE declaration_id = ?", (decl_id,)) if decl_id is not None else ("", ())
    return _read(db, f"SELECT coalesce(sum(length(content)), 0) FROM revisions {where}", args)[0][0]


@dataclass(frozen=True)
class Named:
    """A declaration as find-print names it (also one in the 回收站)."""

    id: int
    project_name: str
    project_code: str
    fiscal_year: int
    in_trash: bool


def not_latest(db: Database, seen: Sequence[tuple[int, str]]) -> list[int]:
    """The ids among (id, code) pairs whose latest revision has another code (or that have none)."""
    out: list[int] = []
    for start in range(0, len(seen), _BATCH):
        part = seen[start:start + _BATCH]
        ids = sorted({decl_id for decl_id, _code in part})
        marks = _marks(len(ids))
        latest = dict(_read(db, "SELECT r.declaration_id, r.code FROM revisions r JOIN ("
                                f"SELECT declaration_id, max(number) AS n FROM revisions WHERE declaration_id IN {marks} "
                                "GROUP BY declaration_id) m ON r.declaration_id = m.declaration_id AND r.number = m.n",
                            ids))
        out.extend(decl_id for decl_id, code in part if latest.get(decl_id) != code)
    return list(dict.fromkeys(out))


def existing(db: Database, ids: Sequence[int]) -> list[int]:
    """Those of ids that exist (in the list or in the 回收站), in the given order."""
    found: set[int] = set()
    for part in _chunks(list(ids)):
        found.update(r[0] for r in _read(db, f"SELECT id FROM declarations WHERE id IN {_marks(len(part))}", part))
    return [i for i in ids if i in found]


def named(db: Database, ids: Sequence[int]) -> dict[int, Named]:
    out: dict[int, Named] = {}
    for part in _chunks(list(ids)):
        for decl_id, name, code, year, deleted in _read(
                db, "SELECT id, project_name, project_code, fiscal_year, deleted_at FROM declarations "
                    f"WHERE id IN {_marks(len(part))}", part):
            out[decl_id] = Named(decl_id, name, code, year, deleted is not None)
    return out
