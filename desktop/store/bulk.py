"""Declarations read and written many at a time, a few statements per batch.

The ORM cost about 1.5 ms to load and 3 ms to save one declaration; a
district's 10,000–100,000 declarations are validated, exported and imported
through these functions instead: three queries per batch of ids to read, and
per batch to write one multi-row INSERT of declarations plus one executemany
per child table. Column values are the user's raw text, as in
desktop.store.tables; times are stored as SQLAlchemy stores them.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop.domain.amounts import parse_amount
from desktop.domain.model import COST_FIELDS, HEADER_FIELDS, INDICATOR_FIELDS, TEXT_FIELDS, Declaration

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_TOP = ("id", "template_id", "fiscal_year", "status", "created_at", "updated_at", "source_id")
_H0, _T0 = len(_TOP), len(_TOP) + len(HEADER_FIELDS)  # where header and text columns start
_SELECT_DECLS = f"SELECT {', '.join(_TOP + HEADER_FIELDS + TEXT_FIELDS)} FROM declarations WHERE id IN "
_SELECT_COSTS = f"SELECT declaration_id, {', '.join(COST_FIELDS)} FROM cost_items WHERE declaration_id IN "
_SELECT_INDICATORS = (f"SELECT declaration_id, {', '.join(INDICATOR_FIELDS)} FROM indicators "
                      "WHERE declaration_id IN ")
_CHILD_ORDER = " ORDER BY declaration_id, position"

# Written columns of declarations, in the order of _decl_values().
_WRITTEN = ("template_id", "fiscal_year", "status", "updated_at", "source_id", *HEADER_FIELDS, *TEXT_FIELDS,
            "annual_amount_value", "error_count", "warning_count")
_INSERT_DECL = f"INSERT INTO declarations (id, created_at, {', '.join(_WRITTEN)}) VALUES "
_DECL_ROW = f"(?, ?, {', '.join('?' * len(_WRITTEN))})"
_DECL_PARAMS = 2 + len(_WRITTEN)
_UPDATE_DECL = f"UPDATE declarations SET {', '.join(f'{c} = ?' for c in _WRITTEN)} WHERE id = ?"
_INSERT_COST = (f"INSERT INTO cost_items (declaration_id, position, {', '.join(COST_FIELDS)}) "
                f"VALUES (?, ?, {', '.join('?' * len(COST_FIELDS))})")
_INSERT_INDICATOR = (f"INSERT INTO indicators (declaration_id, position, {', '.join(INDICATOR_FIELDS)}) "
                     f"VALUES (?, ?, {', '.join('?' * len(INDICATOR_FIELDS))})")

Counts = tuple[int, int]


def _marks(n: int) -> str:
    return f"({','.join('?' * n)})"


def stored_time(value: datetime) -> str:
    """A time as SQLAlchemy's SQLite DateTime stores it, so both read each other's rows."""
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def amount_value(text: str) -> float | None:
    """The 本年度项目金额 as a number for sorting the list (None when it does not parse)."""
    value: Decimal | None = parse_amount(text).value
    return float(value) if value is not None else None


def read_declarations(con: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Declaration]:
    """The declarations among ids that exist, by id; three queries."""
    if not ids:
        return {}
    ids = list(ids)
    marks = _marks(len(ids))
    costs: dict[int, list[dict]] = {}
    for row in con.execute(_SELECT_COSTS + marks + _CHILD_ORDER, ids):
        costs.setdefault(row[0], []).append(dict(zip(COST_FIELDS, row[1:], strict=True)))
    indicators: dict[int, list[dict]] = {}
    for row in con.execute(_SELECT_INDICATORS + marks + _CHILD_ORDER, ids):
        indicators.setdefault(row[0], []).append(dict(zip(INDICATOR_FIELDS, row[1:], strict=True)))
    out = {}
    for row in con.execute(_SELECT_DECLS + marks, ids):
        decl_id = row[0]
        out[decl_id] = Declaration.model_validate({
            "id": decl_id, "template_id": row[1], "fiscal_year": row[2], "status": row[3],
            "created_at": _time(row[4]), "updated_at": _time(row[5]), "source_id": row[6],
            "header": dict(zip(HEADER_FIELDS, row[_H0:_T0], strict=True)),
            "texts": dict(zip(TEXT_FIELDS, row[_T0:], strict=True)),
            "cost_items": costs.get(decl_id, []),
            "indicators": indicators.get(decl_id, []),
        })
    return out


def _decl_values(decl: Declaration, updated: str, counts: Counts) -> list:
    h, t = decl.header, decl.texts
    return [decl.template_id, decl.fiscal_year, decl.status, updated, decl.source_id,
            *(getattr(h, f) for f in HEADER_FIELDS), *(getattr(t, f) for f in TEXT_FIELDS),
            amount_value(h.annual_amount), counts[0], counts[1]]


def _stored_copy(decl: Declaration, decl_id: int, created: datetime, updated: datetime) -> Declaration:
    # As model_copy(deep=True), at a quarter of the cost: the nested models hold only strings.
    out = decl.model_copy(update={"id": decl_id, "created_at": created, "updated_at": updated})
    out.header = decl.header.model_copy()
    out.texts = decl.texts.model_copy()
    out.cost_items = [c.model_copy() for c in decl.cost_items]
    out.indicators = [r.model_copy() for r in decl.indicators]
    return out


def write_declarations(conn: Connection, decls: Sequence[Declaration], now: datetime, keep_timestamps: bool,
                       counts: Callable[[int], Counts], progress: Callable[[int, int], object] | None,
                       batch: int) -> list[Declaration]:
    """Insert or update decls inside the caller's transaction; returns them with ids and times.

    ``counts(i)`` gives the (errors, warnings) stored for decls[i]. A
    declaration whose id is not in the database is inserted with a new id.
    """
    # Take the write lock first: the new ids below are the next free ones only
    # while no other connection can insert.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    given = [d.id for d in decls if d.id is not None]
    created_of: dict[int, str] = {}
    for start in range(0, len(given), 500):
        part = given[start:start + 500]
        created_of.update(conn.exec_driver_sql(
            "SELECT id, created_at FROM declarations WHERE id IN " + _marks(len(part)), tuple(part)).all())
    next_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM declarations").scalar_one()
    now_text = stored_time(now)
    saved: list[Declaration] = []
    pending = _Batch()
    for i, decl in enumerate(decls):
        updated = decl.updated_at if keep_timestamps and decl.updated_at else now
        values = _decl_values(decl, now_text if updated is now else stored_time(updated), counts(i))
        if decl.id is not None and decl.id in created_of:
            decl_id, created = decl.id, _time(created_of[decl.id]) or now
            if decl_id in pending.replaced_ids:  # the same declaration twice: the later one wins
                pending.flush(conn, progress, len(decls))
            pending.updates.append((*values, decl_id))
            pending.replaced_ids.add(decl_id)
        else:
            decl_id, next_id = next_id, next_id + 1
            created = decl.created_at or now
            pending.inserts.append((decl_id, stored_time(created), *values))
        pending.costs.extend((decl_id, p, *(getattr(c, f) for f in COST_FIELDS)) for p, c in enumerate(decl.cost_items))
        pending.indicators.extend((decl_id, p, *(getattr(r, f) for f in INDICATOR_FIELDS))
                                  for p, r in enumerate(decl.indicators))
        saved.append(_stored_copy(decl, decl_id, created, updated))
        # The first declaration is written on its own, so that progress starts at once.
        if len(saved) - pending.done >= (batch if pending.done else 1):
            pending.flush(conn, progress, len(decls))
    pending.flush(conn, progress, len(decls))
    return saved


def write_stream(conn: Connection, batches: Iterable[Sequence[tuple[Declaration, Counts]]], now: datetime,
                 keep_timestamps: bool, progress: Callable[[int], object] | None) -> list[int]:
    """Insert batches of (declaration, counts) as new rows inside the caller's transaction;
    a declaration with an id replaces that stored declaration (its id and 创建时间 stay).

    Each batch is written before the next is pulled, and nothing of it is kept
    afterwards: memory stays flat for an import of any size. Anything the
    iterable raises (a bad declaration further on, a cancel) propagates, so
    the caller's transaction rolls everything back. Returns the new ids in order.
    """
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # the next free ids stay free while we write
    next_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM declarations").scalar_one()
    now_text = stored_time(now)
    ids: list[int] = []
    pending = _Batch()
    for batch in batches:
        for decl, counts in batch:
            updated = decl.updated_at if keep_timestamps and decl.updated_at else now
            values = _decl_values(decl, now_text if updated is now else stored_time(updated), counts)
            if decl.id is not None:  # replaces that stored declaration (import --on-duplicate replace)
                decl_id = decl.id
                if decl_id in pending.replaced_ids:
                    pending.flush(conn, None, 0)
                pending.updates.append((*values, decl_id))
                pending.replaced_ids.add(decl_id)
            else:
                decl_id, next_id = next_id, next_id + 1
                pending.inserts.append((decl_id, stored_time(decl.created_at or now), *values))
            pending.costs.extend((decl_id, p, *(getattr(c, f) for f in COST_FIELDS))
                                 for p, c in enumerate(decl.cost_items))
            pending.indicators.extend((decl_id, p, *(getattr(r, f) for f in INDICATOR_FIELDS))
                                      for p, r in enumerate(decl.indicators))
            ids.append(decl_id)
        pending.flush(conn, None, 0)
        if progress is not None:
            progress(len(ids))
    return ids


def _max_params(conn: Connection) -> int:
    """SQLite's limit on ? parameters per statement (999 before SQLite 3.32)."""
    getlimit = getattr(conn.connection.driver_connection, "getlimit", None)  # Python >= 3.11
    limit = getattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", None)
    return getlimit(limit) if getlimit is not None and limit is not None else 999


class _Batch:
    """Rows waiting to be written, a few statements for the whole batch."""

    def __init__(self):
        self.done = 0  # declarations written so far
        self._clear()

    def _clear(self) -> None:
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []
        self.replaced_ids: set[int] = set()
        self.costs: list[tuple] = []
        self.indicators: list[tuple] = []

    def flush(self, conn: Connection, progress, total: int) -> None:
        if self.updates:
            conn.exec_driver_sql(_UPDATE_DECL, self.updates)
            replaced = [(i,) for i in self.replaced_ids]
            conn.exec_driver_sql("DELETE FROM cost_items WHERE declaration_id = ?", replaced)
            conn.exec_driver_sql("DELETE FROM indicators WHERE declaration_id = ?", replaced)
        if self.inserts:
            # Many rows per INSERT, not executemany: the search index's trigger
            # then buffers the whole statement, where one statement per row made
            # FTS5 write a segment per declaration (3x slower imports).
            per = max(1, _max_params(conn) // _DECL_PARAMS)
            for k in range(0, len(self.inserts), per):
                rows = self.inserts[k:k + per]
                conn.exec_driver_sql(_INSERT_DECL + ", ".join([_DECL_ROW] * len(rows)),
                                     tuple(v for row in rows for v in row))
        if self.costs:
            conn.exec_driver_sql(_INSERT_COST, self.costs)
        if self.indicators:
            conn.exec_driver_sql(_INSERT_INDICATOR, self.indicators)
        written = len(self.inserts) + len(self.updates)
        self._clear()
        if progress is not None:
            for n in range(self.done + 1, self.done + written + 1):
                progress(n, total)
        self.done += written
