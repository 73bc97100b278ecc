"""A database in a read-only folder (a real read-only mount): reading works, writing says why.

Root ignores permission bits, so the folder is a tmpfs remounted read-only
(tests/disk.py); these tests skip where mounting is not allowed.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE
from desktop.store.database import DatabaseError, open_database
from tests.disk import small_disk  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture
def read_only_db(small_disk):  # noqa: F811
    """The sample imported into a database on the small disk, closed, then the disk made read-only."""
    path = small_disk.path / "jixiao.sqlite3"
    r = run("--db", path, "import", SAMPLE)
    assert r.returncode == 0, r.stderr
    assert not Path(str(path) + "-wal").exists()  # closed cleanly: no -wal, no -shm
    small_disk.read_only()
    return path


def test_reading_works_and_writing_is_refused_with_the_true_reason(read_only_db, tmp_path):
    before = snapshot(read_only_db.parent)
    r = run("--db", read_only_db, "list", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 5
    r = run("--db", read_only_db, "validate", "--all")
    assert r.returncode == 0, r.stderr  # the sample has warnings only
    assert r.stdout.count("错误 0") == 5
    r = run("--db", read_only_db, "export", "--all", "-o", tmp_path / "out.json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["declarations"]) == 5
    r = run("--db", read_only_db, "print", "--all", "-o", tmp_path / "out.pdf")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    r = run("--db", read_only_db, "import", SAMPLE)
    assert r.returncode == 2
    assert "只读" in r.stderr and str(read_only_db.parent) in r.stderr
    assert "已损坏" not in r.stderr and "Traceback" not in r.stderr
    assert snapshot(read_only_db.parent) == before


def test_the_window_is_refused_with_the_reason(qtbot, read_only_db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.qt import app as app_module

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert app_module.run_window(read_only_db) == 2
    assert shown and "只读" in shown[0] and "已损坏" not in shown[0]


def test_the_lock_file_failing_is_the_read_only_reason_too(read_only_db, monkeypatch):
    # Where the folder looks writable (Windows ignores folder attributes), creating
    # the lock file is what fails: EROFS must read as "read-only", not a traceback.
    monkeypatch.setattr("desktop.store.database._folder_writable", lambda path: True)
    with pytest.raises(DatabaseError, match="只读"):
        open_database(read_only_db)


_CRASH_AFTER_IMPORT = """
import os, sys
from pathlib import Path
from desktop.io.text_import import import_text_file
from desktop.store.database import open_database
from desktop.store.repository import Repository
from desktop.services.declarations import save_all
db = open_database(sys.argv[1])
save_all(Repository(db), import_text_file(Path(sys.argv[2])))
os._exit(0)  # no close: the declarations stay in the -wal, beside its -shm
"""


def test_changes_still_in_the_wal_are_read_not_hidden(small_disk):  # noqa: F811
    path = small_disk.path / "jixiao.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", _CRASH_AFTER_IMPORT, str(path), str(SAMPLE)], check=True, env=env)
    assert Path(str(path) + "-wal").stat().st_size > 0
    small_disk.read_only()
    r = run("--db", path, "list", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 5  # immutable=1 would have shown none


def test_a_wal_that_cannot_be_read_is_said_so_not_hidden(small_disk):  # noqa: F811
    path = small_disk.path / "jixiao.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", _CRASH_AFTER_IMPORT, str(path), str(SAMPLE)], check=True, env=env)
    Path(str(path) + "-shm").unlink()  # without it, SQLite cannot read the -wal in a read-only folder
    small_disk.read_only()
    r = run("--db", path, "list", "--json")
    assert r.returncode == 2
    assert "未并入主文件的修改" in r.stderr and "Traceback" not in r.stderr
