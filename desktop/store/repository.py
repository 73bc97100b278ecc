"""Declarations in and out of the database; every write is one transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop.domain.model import HEADER_FIELDS, Declaration
from desktop.store.bulk import read_declarations, write_stream, stored_time, write_declarations
from desktop.store.database import Database
from desktop.store.summaries import Summary, read_summaries

# Declarations read per batch of queries, and written per statement: large
# enough that statements cost little per declaration (and the search index
# writes few segments: 500 rows per INSERT import 1.8x faster than 100), small
# enough that memory stays flat.
READ_BATCH = 500
WRITE_BATCH = 500
# Header columns also kept in the narrow declaration_list table (schema 0003).
_LISTED = ("project_code", "project_name", "applicant_unit", "budget_unit", "annual_amount")


# How the list's problem counts are computed when a caller gives none: set by
# desktop.services.checking when it is imported, so the store never runs (or
# imports) the rules itself and every count comes from the one checker.
problem_counter: Callable[[Declaration], tuple[int, int]] | None = None


class NotFound(KeyError):
    pass


@dataclass(frozen=True)
class Trashed:
    """A declaration in the 回收站, as the trash lists it."""

    id: int
    project_name: str
    project_code: str
    applicant_unit: str
    fiscal_year: int
    annual_amount: str
    status: str
    deleted_at: datetime


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class Repository:
    def __init__(self, db: Database):
        self.db = db

    # -- reading -----------------------------------------------------------
    def list_summaries(self, decl_id: int | None = None) -> list[Summary]:
        return read_summaries(self.db, decl_id)

    def _scalars(self, sql: str, args: tuple = ()) -> list:
        con = self.db.connect()
        try:
            return [r[0] for r in con.execute(sql, args)]
        finally:
            con.close()

    def ids(self) -> list[int]:
        """Every declaration not in the 回收站 (the list table holds only those, schema 0004)."""
        # The narrow list table: scanning declarations would read every text.
        return self._scalars("SELECT id FROM declaration_list ORDER BY id")

    def count(self) -> int:
        return self._scalars("SELECT count(*) FROM declaration_list")[0]

    def trashed(self) -> list[Trashed]:
        """The declarations in the 回收站, most recently deleted first."""
        con = self.db.connect()
        try:
            rows = con.execute(
                "SELECT id, project_name, project_code, applicant_unit, fiscal_year, annual_amount, status, deleted_at "
                "FROM declarations WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC").fetchall()
        finally:
            con.close()
        return [Trashed(decl_id, name, code, unit, year, amount, status, datetime.fromisoformat(deleted))
                for decl_id, name, code, unit, year, amount, status, deleted in rows]

    def trashed_ids(self) -> set[int]:
        return set(self._scalars("SELECT id FROM declarations WHERE deleted_at IS NOT NULL"))

    def load(self, decl_id: int) -> Declaration:
        return next(self.iter_declarations([decl_id]))

    def summary(self, decl_id: int) -> Summary:
        found = self.list_summaries(decl_id)
        if not found:
            raise NotFound(decl_id)
        return found[0]

    def load_many(self, ids: list[int]) -> list[Declaration]:
        return list(self.iter_declarations(ids))

    def iter_declarations(self, ids: Iterable[int], batch: int = READ_BATCH) -> Iterator[Declaration]:
        """The declarations of ids, in that order, read a batch at a time (three
        queries per batch, each batch one consistent snapshot): memory stays flat
        however many there are. Raises NotFound for an id that does not exist,
        when it is reached."""
        ids = list(ids)
        con = self.db.connect()
        try:
            for start in range(0, len(ids), batch):
                part = ids[start:start + batch]
                con.execute("BEGIN")
                try:
                    found = read_declarations(con, part)
                finally:
                    con.rollback()
                for decl_id in part:
                    decl = found.get(decl_id)
                    if decl is None:
                        raise NotFound(decl_id)
                    yield decl
        finally:
            con.close()

    def previous_values(self, column: str) -> list[str]:
        """Distinct earlier entries of a header column (申请单位, 一级预算单位), most used first."""
        if column not in HEADER_FIELDS:
            raise ValueError(column)
        table = "declaration_list" if column in _LISTED else "declarations"
        return self._scalars(f"SELECT {column} FROM {table} WHERE {column} != '' "
                             f"GROUP BY {column} ORDER BY count(*) DESC, {column}")

    # -- writing -----------------------------------------------------------
    def save(self, decl: Declaration, counts: tuple[int, int] | None = None) -> Declaration:
        """Insert or update; returns the declaration with id and timestamps set.

        ``counts`` (errors, warnings) spares re-checking when the caller has
        just checked the declaration (the window does on every edit).
        """
        return self.save_all([decl], counts=[counts] if counts else None)[0]

    def save_all(self, decls: list[Declaration], keep_timestamps: bool = False,
                 counts: list[tuple[int, int]] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Declaration]:
        """All or nothing: either every declaration is saved or none is.

        ``keep_timestamps`` keeps the declarations' own modification times
        (imports of exchange files, so that a round trip changes nothing).
        ``progress(done, total)`` is called inside the transaction once for
        each declaration, after the batch holding it is written (not yet
        committed): the first declaration alone, then WRITE_BATCH at a time.
        """
        now = datetime.now().replace(microsecond=0)

        if counts is None:
            if problem_counter is None:
                raise ValueError("save_all needs the problem counts (desktop.services.checking provides them)")
            counts = [problem_counter(d) for d in decls]
        given = counts

        def counts_of(i: int) -> tuple[int, int]:
            return given[i]

        self.db.ensure_sound()  # a deferred page check must pass before the first write
        with self.db.engine.begin() as conn:
            return write_declarations(conn, decls, now, keep_timestamps, counts_of, progress, WRITE_BATCH)

    def save_stream(self, batches: Iterable[Sequence[tuple[Declaration, tuple[int, int]]]],
                    keep_timestamps: bool = False, progress: Callable[[int], object] | None = None) -> list[int]:
        """New declarations from batches of (declaration, (errors, warnings)), all in one
        transaction, each batch written before the next is read (imports of any size in
        flat memory). Whatever the batches raise rolls everything back. ``progress(done)``
        is called after each batch is written (not yet committed). Returns the new ids."""
        self.db.ensure_sound()
        now = datetime.now().replace(microsecond=0)
        with self.db.engine.begin() as conn:
            return write_stream(conn, batches, now, keep_timestamps, progress)

    def delete(self, decl_id: int) -> None:
        """Erase at once, bypassing the 回收站 (the window and `jixiao delete` use move_to_trash)."""
        # cost_items and indicators go by ON DELETE CASCADE, the list and search rows by triggers
        self.db.ensure_sound()
        with self.db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM declarations WHERE id = ?", (decl_id,))

    # -- the 回收站 (schema 0004) -----------------------------------------------------
    def _set_deleted(self, ids: Iterable[int], when: str | None, was_trashed: bool) -> int:
        """Set deleted_at of those ids now in the other state, in one transaction; how many changed."""
        changed = 0
        state = "IS NOT NULL" if was_trashed else "IS NULL"
        self.db.ensure_sound()
        with self.db.engine.begin() as conn:
            for part in _chunks(list(ids)):
                changed += conn.exec_driver_sql(
                    f"UPDATE declarations SET deleted_at = ? WHERE deleted_at {state} "
                    f"AND id IN ({','.join('?' * len(part))})", (when, *part)).rowcount
        return changed

    def move_to_trash(self, ids: Iterable[int], when: datetime | None = None) -> int:
        """Move declarations to the 回收站 (triggers take them out of the list and the search)."""
        return self._set_deleted(ids, stored_time(when or datetime.now()), was_trashed=False)

    def restore_from_trash(self, ids: Iterable[int]) -> int:
        """Put trashed declarations back in the list, where their 修改时间 places them."""
        return self._set_deleted(ids, None, was_trashed=True)

    def purge(self, ids: Iterable[int] | None = None) -> int:
        """Erase declarations that are in the 回收站 (all of them when ids is None); never one outside it."""
        self.db.ensure_sound()
        with self.db.engine.begin() as conn:
            if ids is None:
                return conn.exec_driver_sql("DELETE FROM declarations WHERE deleted_at IS NOT NULL").rowcount
            done = 0
            for part in _chunks(list(ids)):
                done += conn.exec_driver_sql(
                    f"DELETE FROM declarations WHERE deleted_at IS NOT NULL AND id IN ({','.join('?' * len(part))})",
                    tuple(part)).rowcount
            return done
