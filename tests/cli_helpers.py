"""The command line run in-process, and the database as SQL, for tests that must show
nothing changed: equal dumps mean no row was saved, changed or lost."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    """`jixiao ARGV`: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def db_dump(path: Path) -> list[str]:
    """Every table and row of the database, as SQL, read without writing anything."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()
