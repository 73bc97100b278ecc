"""The declaration list's rows, read with the standard library.

This is the one read the window needs before it can show itself, so it does
not wait for SQLAlchemy to load (see desktop.store.database).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.store.database import Database

_COLUMNS = ("id, project_name, applicant_unit, budget_unit, fiscal_year, annual_amount, status, updated_at, "
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
    sql = f"SELECT {_COLUMNS} FROM declarations"
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
    return [Summary(*r[:7], datetime.fromisoformat(r[7]) if r[7] else None, *r[8:]) for r in rows]
