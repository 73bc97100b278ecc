"""The declaration list's rows, read with the standard library.

From the narrow declaration_list table (schema 0003, kept by triggers), never
the wide declarations rows. The window reads them a page at a time through
desktop.store.listing; ``read_summaries`` is for readers that want them all
(``jixiao list``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.store.database import Database

COLUMNS = ("id, project_name, applicant_unit, budget_unit, fiscal_year, annual_amount, status, updated_at, "
           "error_count, warning_count")


@dataclass(frozen=True)
class Summary:
    """One line of the declaration list."""

    id: int
    project_name: str
    applicant_unit: str
    budget_unit: str
    fiscal_year: int
    annual_amount: str
    status: str
    updated_at: datetime | None
    error_count: int
    warning_count: int


def read_summaries(db: Database, decl_id: int | None = None) -> list[Summary]:
    """All declarations (or one), most recently changed first."""
    sql = f"SELECT {COLUMNS} FROM declaration_list"
    args: tuple = ()
    if decl_id is not None:
        sql += " WHERE id = ?"
        args = (decl_id,)
    sql += " ORDER BY updated_at DESC, id DESC"
    con = db.connect()
    try:
        rows = con.execute(sql, args).fetchall()
    finally:
        con.close()
    return [summary_of(r) for r in rows]


def summary_of(row: tuple) -> Summary:
    """A Summary from a row of COLUMNS."""
    decl_id, name, unit, budget_unit, year, amount, status, updated, errors, warnings = row
    return Summary(decl_id, name, unit, budget_unit, year, amount, status,
                   datetime.fromisoformat(updated) if updated else None, errors, warnings)
