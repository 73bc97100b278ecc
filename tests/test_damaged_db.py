"""A page-corrupted database (SQLite header intact): refused everywhere, never backed up, restorable."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLE
from desktop.cli import main
from desktop.store.backup import daily_backup, daily_copies, inspect_backup
from desktop.store.database import (
    BEFORE_KEEP, Database, DatabaseDamaged, backup_copy, before_copies, open_database,
)
from desktop.store.lock import InstanceLock
from desktop.store.repository import Repository

ROOT = Path(__file__).resolve().parent.parent
COPIES = 40  # 40 x the five sample forms: several pages per table and index


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("select project_name from declarations order by id")]
    finally:
        con.close()


def corrupt(path: Path, btree: str = "declarations") -> None:
    """Overwrite bytes in the middle of the cells of one b-tree's root page, as a bad sector would.

    The file header and the schema page stay intact, so the file still looks
    like a SQLite database and opens; only reading that b-tree goes wrong.
    """
    con = sqlite3.connect(path)
    root = con.execute("select rootpage from sqlite_master where name=?", (btree,)).fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    start = (root - 1) * page_size
    assert data[start] in (2, 5), "the root of a large b-tree is an interior page"
    cells = int.from_bytes(data[start + 5:start + 7], "big")  # where the cell content begins
    middle = start + (cells + page_size) // 2
    data[middle:middle + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert check.execute("pragma quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        pass  # "database disk image is malformed": damaged all the same
    finally:
        check.close()


@pytest.fixture(scope="module")
def healthy(tmp_path_factory, sample_declarations) -> Path:
    """A database of 200 declarations, closed (no -wal)."""
    path = tmp_path_factory.mktemp("healthy") / "jixiao.sqlite3"
    decls = [d.model_copy(deep=True) for _ in range(COPIES) for d in sample_declarations]
    for d in decls:
        d.id = None
    with open_database(path) as db:
        Repository(db).save_all(decls)
    assert not Path(str(path) + "-wal").exists()
    return path


@pytest.fixture
def damaged(healthy, tmp_path) -> Path:
    """A copy of `healthy`, with good daily backups and the copy then corrupted."""
    path = tmp_path / "jixiao.sqlite3"
    shutil.copy(healthy, path)
    with open_database(path) as db:
        for day in (1, 2):
            daily_backup(db, today=date(2026, 11, day))
    corrupt(path)
    return path


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_every_command_refuses_a_damaged_database_and_names_the_newest_good_backup(damaged, tmp_path):
    backups = damaged.parent / "backups"
    # a newer copy that is itself damaged (made by an older version) is not offered
    shutil.copy(damaged, backups / "jixiao-20261103.sqlite3")
    before = digest(damaged)
    out = tmp_path / "out"
    out.mkdir()
    for args in (["list", "--json"], ["validate", "--all"], ["print", "--all", "-o", out / "a.pdf"],
                 ["export", "--all", "-o", out / "a.json"], ["import", SAMPLE]):
        r = run("--db", damaged, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr
        assert "已损坏" in r.stderr
        assert f'restore "{backups / "jixiao-20261102.sqlite3"}"' in r.stderr
        assert "2026-11-02" in r.stderr and f"{5 * COPIES} 份申报表" in r.stderr
        assert r.stdout == ""
        assert digest(damaged) == before, args
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("btree", ["declarations", "ix_indicators_declaration_id"])
def test_damage_in_a_table_or_an_index_is_found_on_opening(healthy, tmp_path, btree):
    path = tmp_path / "jixiao.sqlite3"
    shutil.copy(healthy, path)
    corrupt(path, btree)
    before = digest(path)
    for write in (True, False):
        with pytest.raises(DatabaseDamaged, match="已损坏") as caught:
            open_database(path, write=write)
        assert caught.value.backup is None  # none made: the message says so
        assert "没有找到可用于恢复的完好备份" in str(caught.value)
    assert digest(path) == before


def test_an_import_into_a_damaged_database_is_refused(damaged, capsys):
    before = digest(damaged)
    assert main(["--db", str(damaged), "import", str(SAMPLE)]) == 2
    assert "已损坏" in capsys.readouterr().err
    assert digest(damaged) == before


def _session_on(path: Path) -> Database:
    """The window's Database, as if the file were damaged after it was opened."""
    lock = InstanceLock(path)
    lock.acquire()
    return Database(path, lock)


def test_the_daily_backup_refuses_a_damaged_database_and_keeps_every_good_backup(healthy, tmp_path):
    path = tmp_path / "jixiao.sqlite3"
    shutil.copy(healthy, path)
    with open_database(path) as db:
        for day in range(1, 8):
            daily_backup(db, keep=7, today=date(2026, 11, day))
    backups = path.parent / "backups"
    kept = {p.name: digest(p) for p in backups.iterdir()}
    assert len(kept) == 7
    corrupt(path)
    db = _session_on(path)
    try:
        with pytest.raises(DatabaseDamaged, match="已损坏"):
            daily_backup(db, keep=7, today=date(2026, 11, 8))
    finally:
        db.close()
    assert {p.name: digest(p) for p in backups.iterdir()} == kept  # nothing rotated out, no .part left
    assert inspect_backup(backups / "jixiao-20261107.sqlite3").declarations == 5 * COPIES


def test_pruning_leaves_the_backups_of_a_database_with_a_similar_name(samples, tmp_path):
    dbs = [tmp_path / "jixiao-2025.sqlite3", tmp_path / "jixiao.sqlite3"]
    for path in dbs:  # jixiao-2025's copies are jixiao-2025-YYYYMMDD.sqlite3, jixiao's jixiao-YYYYMMDD
        with open_database(path) as db:
            Repository(db).save_all([d.model_copy(deep=True) for d in samples[:1]])
            for day in range(1, 11):
                daily_backup(db, keep=7, today=date(2026, 11, day))
    for path in dbs:
        assert [d.day for d, _p in daily_copies(path)] == list(range(4, 11)), path.name
    assert len(list((tmp_path / "backups").iterdir())) == 14


def test_pruning_never_removes_the_newest_good_backup(healthy, tmp_path):
    path = tmp_path / "jixiao.sqlite3"
    shutil.copy(healthy, path)
    with open_database(path) as db:
        for day in (1, 2, 3):
            daily_backup(db, keep=7, today=date(2026, 11, day))
    bad = tmp_path / "bad.sqlite3"
    shutil.copy(healthy, bad)
    corrupt(bad)
    for day in range(4, 11):  # seven newer copies, all damaged (say, made by an older version)
        shutil.copy(bad, path.parent / "backups" / f"jixiao-202611{day:02d}.sqlite3")
    with open_database(path) as db:
        assert daily_backup(db, keep=7, today=date(2026, 11, 10)) is None  # today's exists
    assert [d.day for d, _p in daily_copies(path)] == [3, *range(4, 11)]


def test_before_copies_are_bounded_per_kind(samples, tmp_path):
    path = tmp_path / "jixiao.sqlite3"
    with open_database(path) as db:
        Repository(db).save_all(samples[:1])
    # another database's copies beside it are not this one's to prune
    other = tmp_path / "jixiao-2025.before-restore.20200101-000000.sqlite3"
    shutil.copy(path, other)
    made = {"before-restore": [], "before-migration-0001": []}
    for _ in range(BEFORE_KEEP + 3):
        for reason in made:
            made[reason].append(backup_copy(path, reason))
    copies = before_copies(path)
    for reason, paths in made.items():
        kind = reason.rsplit("-0001", 1)[0]
        kept = [p for k, _t, p in copies if k == kind]
        assert kept == paths[-BEFORE_KEEP:], reason  # the newest, in order; the latest always
    assert other.exists()
    assert all(inspect_backup(p).declarations == 1 for _k, _t, p in copies)


def test_restore_brings_a_damaged_database_back_and_keeps_the_damaged_file(damaged, healthy):
    damaged_bytes = digest(damaged)
    backup = damaged.parent / "backups" / "jixiao-20261102.sqlite3"
    r = run("--db", damaged, "restore", backup)
    assert r.returncode == 0, r.stderr
    assert "恢复 200 份申报表" in r.stdout
    aside = list(damaged.parent.glob("jixiao.damaged-*.sqlite3"))
    assert len(aside) == 1 and digest(aside[0]) == damaged_bytes  # kept, byte for byte
    assert names(damaged) == names(healthy)
    r = run("--db", damaged, "list", "--json")
    assert r.returncode == 0 and r.stdout.count('"project_name"') == 5 * COPIES


def test_restore_is_refused_while_a_window_holds_the_database(samples, tmp_path, capsys):
    path = tmp_path / "jixiao.sqlite3"
    with open_database(path) as db:
        Repository(db).save_all(samples[:1])
        daily_backup(db, today=date(2026, 11, 1))
        Repository(db).save_all(samples[1:])
        before = names(path)
        assert main(["--db", str(path), "restore", str(path.parent / "backups" / "jixiao-20261101.sqlite3")]) == 2
        assert "已被另一个窗口打开" in capsys.readouterr().err
        assert names(path) == before


def test_restoring_a_sound_database_keeps_a_copy_of_it_first(samples, tmp_path, capsys):
    path = tmp_path / "jixiao.sqlite3"
    with open_database(path) as db:
        Repository(db).save_all(samples[:2])
        daily_backup(db, today=date(2026, 11, 1))
        Repository(db).save_all(samples[2:])
    assert main(["--db", str(path), "restore", str(path.parent / "backups" / "jixiao-20261101.sqlite3")]) == 0
    assert "恢复前的数据另存在" in capsys.readouterr().out
    assert len(names(path)) == 2
    [(kind, _made, safety)] = before_copies(path)
    assert kind == "before-restore" and len(names(safety)) == 5


def test_a_damaged_backup_is_not_restored(damaged, healthy, tmp_path, capsys):
    bad = tmp_path / "bad.sqlite3"
    shutil.copy(healthy, bad)
    corrupt(bad)
    before = digest(damaged)
    assert main(["--db", str(damaged), "restore", str(bad)]) == 2
    assert "损坏" in capsys.readouterr().err
    assert digest(damaged) == before
    assert not list(damaged.parent.glob("*.damaged-*"))


def _click(text: str):
    def exec_(box):
        [button] = [b for b in box.buttons() if b.text() == text]
        button.click()  # sets clickedButton(), as the user's click would
        return 0
    return exec_


def test_the_window_offers_to_quit_on_a_damaged_database(qtbot, damaged, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.qt import app as app_module

    before = digest(damaged)
    monkeypatch.setattr(QMessageBox, "exec", _click("退出"))
    assert app_module.run_window(damaged) == 2
    assert digest(damaged) == before
    assert not list(damaged.parent.glob("*.damaged-*"))


def test_the_window_restores_the_newest_backup_and_opens(qtbot, damaged, healthy, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.qt import app as app_module

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: (shown.append(box.text()), _click("从最新备份恢复")(box))[1])
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setenv("JIXIAO_QUIT_AFTER_MS", "300")
    assert app_module.run_window(damaged) == 0
    assert "jixiao-20261102.sqlite3" in shown[0] and "200 份申报表" in shown[0]
    assert told and "已从备份 jixiao-20261102.sqlite3" in told[0] and "damaged" in told[0]
    assert names(damaged) == names(healthy)
    assert len(list(damaged.parent.glob("jixiao.damaged-*.sqlite3"))) == 1


def test_a_before_restore_copy_is_offered_when_it_is_the_newest_good_backup(healthy, tmp_path):
    path = tmp_path / "jixiao.sqlite3"
    shutil.copy(healthy, path)
    with open_database(path) as db:
        daily_backup(db, today=date(2020, 1, 1))  # older than the copy below
    copy = backup_copy(path, "before-restore")
    corrupt(path)
    with pytest.raises(DatabaseDamaged) as caught:
        open_database(path, write=False)
    found = caught.value.backup
    assert found.path == copy and found.declarations == 5 * COPIES
    assert f'restore "{copy}"' in str(caught.value)
