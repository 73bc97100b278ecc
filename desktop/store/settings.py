"""The settings table (schema 0005): JSON values by key, kept with the data."""
from __future__ import annotations

import json
from typing import Any

from desktop.store.database import Database


def get(db: Database, key: str, default: Any = None) -> Any:
    con = db.connect()
    try:
        row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row else default


def put(db: Database, key: str, value: Any) -> None:
    """Write one setting in its own transaction (None removes it)."""
    db.ensure_sound()
    with db.engine.begin() as conn:
        if value is None:
            conn.exec_driver_sql("DELETE FROM settings WHERE key = ?", (key,))
        else:
            conn.exec_driver_sql("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                 (key, json.dumps(value, ensure_ascii=False)))
