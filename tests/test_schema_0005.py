"""Schema 0005 (copy-forward links, guessed cost amounts, revisions, the 指标库,
option values, settings): a 0004 database opens, keeps every row, and the new
fields are stored and read back."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from cli_helpers import db_dump
from desktop.store.database import SCHEMA_HEAD, current_revision, open_database
from desktop.store.repository import Repository

FIXTURES = Path(__file__).parent / "fixtures"
OLD_COLUMNS = ("SELECT d.id, d.deleted_at, d.project_name, d.annual_amount, c.position, c.text, c.amount "
               "FROM declarations d JOIN cost_items c ON c.declaration_id = d.id ORDER BY d.id, c.position")


def rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_schema_0004_database_migrates_keeping_every_row_and_the_trash(tmp_path):
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0004.sqlite3", old)
    before = rows(old, OLD_COLUMNS)
    dump = db_dump(old)
    with open_database(old) as db:
        assert current_revision(db) == SCHEMA_HEAD
        assert db.backup_path is not None and db_dump(db.backup_path) == dump
        repo = Repository(db)
        assert repo.count() == 6  # the 7th is in the 回收站 and stays there
        decls = [repo.load(i) for i in repo.ids()]
    assert rows(old, OLD_COLUMNS) == before
    assert all(d.source_id is None for d in decls)
    assert all(c.amount_guessed == "" for d in decls for c in d.cost_items)
    assert rows(old, "SELECT count(*) FROM declarations WHERE deleted_at IS NOT NULL") == [(1,)]
    for table in ("revisions", "library_entries", "option_values", "settings"):
        assert rows(old, f"SELECT count(*) FROM {table}") == [(0,)]


def test_the_copy_forward_link_and_a_guessed_amount_are_stored(db_path, samples):
    with open_database(db_path) as db:
        repo = Repository(db)
        first = repo.save_all(samples[:1])[0]
        nxt = samples[0].model_copy(deep=True)
        nxt.fiscal_year += 1
        nxt.source_id = first.id
        nxt.cost_items[0].amount_guessed = nxt.cost_items[0].amount
        saved = repo.save_all([nxt])[0]
        again = repo.load(saved.id)
    assert again.source_id == first.id
    assert again.cost_items[0].amount_guessed == samples[0].cost_items[0].amount != ""
    assert again.content_equals(nxt)
