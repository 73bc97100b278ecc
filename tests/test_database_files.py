"""Promises about data (PRODUCT.md §7): bad files, old files, backups and restore."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.store.backup import daily_backup, inspect_backup, restore_from
from desktop.store.database import SCHEMA_HEAD, DatabaseError, current_revision, open_database
from desktop.store.repository import Repository

FIXTURES = Path(__file__).parent / "fixtures"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_a_database_of_the_first_released_schema_opens_after_a_backup(tmp_path, sample_declarations):
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0001.sqlite3", old)
    before = dump(old)
    with open_database(old) as db:
        assert current_revision(db) == SCHEMA_HEAD
        assert db.backup_path is not None and dump(db.backup_path) == before
        repo = Repository(db)
        loaded = repo.load_many(repo.ids())
    assert [d.header.project_name for d in loaded] == [d.header.project_name for d in sample_declarations]
    assert all(a.content_equals(b) for a, b in zip(loaded, sample_declarations, strict=True))
    with sqlite3.connect(tmp_path / db.backup_path.name) as con:
        assert con.execute("select version_num from alembic_version").fetchone() == ("0001",)


def test_a_corrupted_database_is_refused_untouched(db_path, samples):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    data = bytearray(db_path.read_bytes())
    for offset in range(100, len(data), 7):  # keep the header, scramble the pages
        data[offset] = (data[offset] * 31 + 7) % 256
    db_path.write_bytes(bytes(data))
    for sidecar in (Path(str(db_path) + "-wal"), Path(str(db_path) + "-shm")):
        sidecar.unlink(missing_ok=True)
    before = digest(db_path)
    with pytest.raises(DatabaseError, match="损坏"):
        open_database(db_path)
    assert digest(db_path) == before


def test_a_read_only_database_is_refused_for_editing_but_can_be_read(db_path, samples):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    db_path.chmod(0o444)
    before = digest(db_path)
    try:
        with pytest.raises(DatabaseError, match="只读"):
            open_database(db_path)
        with open_database(db_path, write=False) as db:
            assert Repository(db).count() == 5
    finally:
        db_path.chmod(0o644)
    assert digest(db_path) == before


def test_daily_backups_roll_and_keep_the_last_days(db, repo, samples):
    repo.save_all(samples)
    for day in range(1, 11):
        daily_backup(db, keep=7, today=date(2026, 11, day))
    assert daily_backup(db, keep=7, today=date(2026, 11, 10)) is None  # once a day
    copies = sorted((db.path.parent / "backups").glob("*.sqlite3"))
    assert [c.name[-12:-8] for c in copies] == [f"11{d:02d}" for d in range(4, 11)]
    assert inspect_backup(copies[-1]).declarations == 5


def test_restore_replaces_the_data_after_keeping_a_safety_copy(db, repo, samples, tmp_path):
    repo.save_all(samples[:2])
    backup = tmp_path / "b.sqlite3"
    from desktop.store.backup import backup_to

    backup_to(db, backup)
    repo.save_all(samples[2:])
    assert repo.count() == 5
    safety = restore_from(db, backup)
    assert repo.count() == 2
    with sqlite3.connect(safety) as con:
        assert con.execute("select count(*) from declarations").fetchone() == (5,)


def test_restoring_something_that_is_not_a_backup_changes_nothing(db, repo, samples, tmp_path):
    repo.save_all(samples)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database")
    with pytest.raises(DatabaseError, match="不是本程序的数据库备份"):
        restore_from(db, junk)
    assert repo.count() == 5


def test_backup_and_restore_from_the_window(qtbot, window_factory, db_path, samples, tmp_path, monkeypatch):
    with open_database(db_path) as db:
        Repository(db).save_all(samples[:1])
    window = window_factory()
    target = tmp_path / "手动备份.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.backup_action.trigger()
    assert inspect_backup(target).declarations == 1

    window.repo.save_all(samples[1:])
    window.reload_list()
    assert window.list_model.rowCount() == 5
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    window.restore_action.trigger()
    assert window.list_model.rowCount() == 1
    assert window.doc.declaration.header.project_name == "民意速办工作经费"
    assert told and "恢复前的数据另存在" in told[0]


def test_restoring_an_older_wal_mode_backup_leaves_nothing_beside_it(tmp_path, samples):
    """Issue 15.8: restoring left -wal/-shm files beside the chosen backup (backups of
    older versions are in WAL mode, and SQLite makes them even for reading)."""
    import sqlite3

    from desktop.services.declarations import save_all
    from desktop.store.backup import inspect_backup, restore_database
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    old = tmp_path / "elsewhere" / "old-backup.sqlite3"
    old.parent.mkdir()
    with open_database(old) as db:
        save_all(Repository(db), samples[:2])
    con = sqlite3.connect(old)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"  # as older versions left their copies
    con.close()
    db_path = tmp_path / "jixiao.sqlite3"
    with open_database(db_path) as db:
        save_all(Repository(db), samples[2:])
    assert inspect_backup(old).declarations == 2
    restore_database(db_path, old)
    assert not [p.name for p in old.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]
    with open_database(db_path, write=False) as db:
        assert len(Repository(db).ids()) == 2
