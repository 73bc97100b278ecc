"""One file, one writer, whatever its name; another program's SQLite file is never touched.

Hole A: the one-writer lock must hold through a symbolic link and a hard link
(for a hard link SQLite keeps a separate -wal/-shm, so two writers would
corrupt the file). Hole B: a SQLite file with another program's tables and no
``alembic_version`` is refused by every command, byte for byte unchanged.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE
from cli_helpers import db_dump as content, run
from desktop.store import lock as lock_module
from desktop.store.database import DatabaseError, open_database
from desktop.store.lock import DatabaseLocked, InstanceLock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_lock_folder(tmp_path_factory, monkeypatch):
    """Identity locks go to the per-user cache folder: keep it in tmp."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def other_names(db: Path) -> list[Path]:
    alias = db.parent / "alias.sqlite3"
    alias.symlink_to(db.name)
    hard = db.parent / "hard.sqlite3"
    os.link(db, hard)
    return [alias, hard]


# --- Hole A: the lock follows the file, not its name --------------------------------------


def test_a_symlink_or_hard_link_is_refused_while_a_writer_holds_the_file(filled_db, capsys):
    names = other_names(filled_db)
    before = content(filled_db)
    writer = open_database(filled_db, write=True)
    try:
        for name in names:
            with pytest.raises(DatabaseLocked, match="已被另一个窗口打开"):
                open_database(name, write=True)
            code, _out, err = run(capsys, "--db", name, "import", SAMPLE)
            assert code == 2, (name, err)
            assert "已被另一个窗口打开" in err and "Traceback" not in err
        assert content(filled_db) == before
    finally:
        writer.close()
    assert content(filled_db) == before
    assert not Path(str(names[1]) + "-wal").exists()  # the hard link never got a WAL of its own


def test_the_original_name_is_refused_while_a_link_holds_the_file(filled_db):
    alias, hard = other_names(filled_db)
    for holder in (alias, hard):
        with open_database(holder, write=True):
            for name in {filled_db, alias, hard} - {holder}:
                with pytest.raises(DatabaseLocked):
                    open_database(name, write=True)


def test_the_locks_are_released_on_close(filled_db, capsys):
    names = other_names(filled_db)
    open_database(filled_db, write=True).close()
    for name in (*names, filled_db):
        with open_database(name, write=True):
            pass
    code, _out, err = run(capsys, "--db", names[1], "import", SAMPLE, "--on-duplicate", "keep")  # the same forms again
    assert code == 0, err
    con = sqlite3.connect(f"file:{filled_db}?mode=ro", uri=True)
    assert con.execute("select count(*) from declarations").fetchone()[0] == 10  # both imports are in the one file
    con.close()


def test_a_hard_link_made_after_the_database_was_created_is_refused(tmp_path):
    db = tmp_path / "new.sqlite3"
    writer = open_database(db, write=True)  # did not exist: path lock first, identity once created
    try:
        hard = tmp_path / "later.sqlite3"
        os.link(db, hard)
        with pytest.raises(DatabaseLocked):
            open_database(hard, write=True)
    finally:
        writer.close()
    with open_database(hard, write=True):
        pass


def test_another_process_is_refused_through_a_hard_link(filled_db):
    _alias, hard = other_names(filled_db)
    before = content(filled_db)
    with open_database(filled_db, write=True):
        proc = subprocess.run([sys.executable, "-m", "desktop", "--db", str(hard), "import", str(SAMPLE)],
                              cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(), timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "已被另一个窗口打开" in proc.stderr
    assert content(filled_db) == before


def test_without_a_lock_folder_the_path_lock_still_guards(filled_db, monkeypatch):
    monkeypatch.setattr(lock_module, "_identity_lock_dir", lambda: None)
    alias = filled_db.parent / "alias.sqlite3"
    alias.symlink_to(filled_db)
    with open_database(filled_db, write=True):
        with pytest.raises(DatabaseLocked):
            open_database(alias, write=True)
    with open_database(alias, write=True):
        pass


def test_the_lock_keeps_its_interface_and_leaves_no_identity_file(filled_db):
    lock = InstanceLock(filled_db)
    assert lock.path == Path(str(filled_db.resolve()) + ".lock") and not lock.held
    lock.acquire()
    assert lock.held
    folder = lock_module._identity_lock_dir()
    st = filled_db.stat()
    assert (folder / f"{st.st_dev}-{st.st_ino}.lock").exists()
    lock.release()
    assert not lock.held and list(folder.iterdir()) == []
    lock.release()  # twice is harmless


# --- Hole B: another program's SQLite file ------------------------------------------------


def foreign_file(folder: Path, wal: bool) -> Path:
    path = folder / "places.sqlite"
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.org/')")
    con.commit()
    con.close()
    return path


def journal_mode(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
@pytest.mark.parametrize("command", [
    ["list"], ["validate", "--all"], ["import", SAMPLE], ["print", "--all", "-o", "{folder}/out.pdf"],
], ids=["list", "validate", "import", "print"])
def test_another_programs_sqlite_file_is_refused_untouched(tmp_path, capsys, command, wal):
    path = foreign_file(tmp_path, wal)
    before, mode = digest(path), journal_mode(path)
    argv = [str(a).format(folder=tmp_path) for a in command]
    code, out, err = run(capsys, "--db", path, *argv)
    assert code == 2, (out, err)
    assert "不是本程序的数据库" in err and "其他程序的数据表" in err and "Traceback" not in err
    assert digest(path) == before
    assert journal_mode(path) == mode
    assert not list(tmp_path.glob("places.sqlite.before-*")) and not (tmp_path / "backups").exists()
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("write", [True, False])
def test_open_database_refuses_another_programs_file(tmp_path, write):
    path = foreign_file(tmp_path, wal=False)
    before = digest(path)
    with pytest.raises(DatabaseError, match="其他程序的数据表"):
        open_database(path, write=write)
    assert digest(path) == before
    with sqlite3.connect(path) as con:
        assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["moz_places"]
    open_database(tmp_path / "ours.sqlite3", write=True).close()  # the lock was released, ours still opens


def test_an_empty_sqlite_file_is_still_ours_to_set_up(tmp_path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).execute("PRAGMA user_version=7").connection.close()
    with open_database(path) as db:
        assert db.path == path and path.stat().st_size > 0
