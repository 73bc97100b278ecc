"""The option_values table (schema 0005): values the user added to an option list."""
from __future__ import annotations

from desktop.store.database import Database


def added(db: Database, field: str) -> list[str]:
    """The values added to the list of ``field`` (a field path), in the order of the text."""
    con = db.connect()
    try:
        rows = con.execute("SELECT value FROM option_values WHERE field = ? ORDER BY value", (field,)).fetchall()
    finally:
        con.close()
    return [v for (v,) in rows]


def used(db: Database, column: str) -> list[str]:
    """The values of a header column in saved declarations (not in the 回收站)."""
    con = db.connect()
    try:
        rows = con.execute(f"SELECT DISTINCT trim({column}) FROM declarations "  # noqa: S608 - fixed names
                           f"WHERE deleted_at IS NULL AND trim({column}) != '' ORDER BY 1").fetchall()
    finally:
        con.close()
    return [v for (v,) in rows]


def add(db: Database, field: str, value: str) -> None:
    db.ensure_sound()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT OR IGNORE INTO option_values (field, value) VALUES (?, ?)", (field, value))


def remove(db: Database, field: str, value: str) -> bool:
    """False when the value was not in the added list."""
    db.ensure_sound()
    with db.engine.begin() as conn:
        done = conn.exec_driver_sql("DELETE FROM option_values WHERE field = ? AND value = ?", (field, value))
        return bool(done.rowcount)
