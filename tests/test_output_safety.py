"""Issue 9.1 and 9.5: a typo in -o, a full disk, never destroy the user's data.

Every refusal is checked on the database's bytes and content, and on the
folder holding no ``.part`` leftovers.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLE
from cli_helpers import db_dump as content, run
from disk import small_disk  # noqa: F401  (fixture)


def fingerprint(db: Path) -> tuple:
    return hashlib.sha256(db.read_bytes()).hexdigest(), content(db)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


@pytest.mark.parametrize("target", [
    "{db}", "{db}-wal", "{db}-shm", "{db}.lock", "{folder}/backups/jixiao-20261126.sqlite3", "{folder}",
    "/dev/full", "/dev/null",
])
def test_print_never_writes_over_the_database_its_companions_or_a_device(filled_db, capsys, target):
    folder = filled_db.parent
    (folder / "backups").mkdir()
    backup = folder / "backups" / "jixiao-20261126.sqlite3"
    backup.write_bytes(filled_db.read_bytes())
    before, backup_before = fingerprint(filled_db), backup.read_bytes()
    out = Path(target.format(db=filled_db, folder=folder))
    for command in ("print", "export"):
        code, _out, err = run(capsys, "--db", filled_db, command, "--all", "-o", out)
        assert code == 2, err
        assert err.strip() and "Traceback" not in err
    assert fingerprint(filled_db) == before
    assert backup.read_bytes() == backup_before
    assert Path("/dev/full").is_char_device() and Path("/dev/null").is_char_device()
    assert not leftovers(folder)


def test_a_link_or_another_spelling_of_the_database_is_refused(filled_db, capsys):
    before = fingerprint(filled_db)
    link = filled_db.parent / "申报表.pdf"
    link.symlink_to(filled_db)
    code, _, err = run(capsys, "--db", filled_db, "print", "--all", "-o", link)
    assert code == 2 and "数据库" in err
    other_spelling = filled_db.parent / "." / ".." / filled_db.parent.name / "申报表.pdf"
    code, _, err = run(capsys, "--db", filled_db, "print", "--all", "-o", other_spelling)
    assert code == 2
    assert fingerprint(filled_db) == before and link.is_symlink()


def test_another_database_is_never_overwritten_by_an_export(filled_db, tmp_path, capsys):
    other = tmp_path / "去年.json"  # a database someone named .json
    other.write_bytes(filled_db.read_bytes())
    code, _, err = run(capsys, "--db", filled_db, "export", "--all", "-o", other)
    assert code == 2 and "数据库文件" in err
    assert other.read_bytes() == filled_db.read_bytes()


@pytest.mark.parametrize("command,name,expected", [
    ("print", "out.json", "PDF"), ("print", "out.xlsx", "PDF"), ("print", "out", "PDF"),
    ("export", "out.pdf", ".json"), ("export", "out.sqlite3", ".json"),
])
def test_an_extension_that_does_not_match_the_content_is_refused(filled_db, tmp_path, capsys, command, name, expected):
    target = tmp_path / name
    code, _, err = run(capsys, "--db", filled_db, command, "--all", "-o", target)
    assert code == 2 and expected in err
    assert not target.exists() and not leftovers(tmp_path)


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path):
    from desktop.io.output import write_atomically

    target = tmp_path / "out.pdf"
    target.write_bytes(b"the good old copy")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_bytes(b"half a PDF")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically(target, half_then_fail)
    assert target.read_bytes() == b"the good old copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_printing_onto_a_full_disk_says_so_and_keeps_the_old_pdf(filled_db, small_disk, capsys):  # noqa: F811
    old = small_disk.path / "申报表.pdf"
    old.write_bytes(b"%PDF-1.4 yesterday's print")
    small_disk.fill()
    code, _, err = run(capsys, "--db", filled_db, "print", "--all", "-o", old)
    assert code == 2 and "磁盘空间不足" in err and "Traceback" not in err
    assert old.read_bytes() == b"%PDF-1.4 yesterday's print"
    assert not leftovers(small_disk.path)
    small_disk.free()
    assert run(capsys, "--db", filled_db, "print", "--all", "-o", old)[0] == 0
    assert old.read_bytes().startswith(b"%PDF")


def test_an_import_onto_a_full_disk_is_rolled_back_with_the_reason(small_disk, capsys):  # noqa: F811
    db = small_disk.path / "jixiao.sqlite3"
    assert run(capsys, "--db", db, "import", SAMPLE)[0] == 0
    before = content(db)
    big = small_disk.path.parent / "many.txt"
    big.write_text(SAMPLE.read_text(encoding="utf-8") * 40, encoding="utf-8")  # 200 forms: far more than fits
    # a little room left, so SQLite gets going and fails in the middle of the transaction
    small_disk.fill(leave=256 * 1024)
    code, out, err = run(capsys, "--db", db, "import", big, "--on-duplicate", "keep")  # copies of the samples
    assert code == 2, err
    assert "磁盘空间不足" in err and "Traceback" not in err and not out
    small_disk.free()
    assert content(db) == before
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()


def test_a_backup_onto_a_full_disk_fails_and_leaves_nothing_behind(filled_db, small_disk):  # noqa: F811
    from desktop.store.backup import backup_to
    from desktop.store.database import DatabaseError, open_database

    before = fingerprint(filled_db)
    small_disk.fill(leave=16 * 1024)  # room for a start, not for the copy
    with open_database(filled_db) as db, pytest.raises((OSError, sqlite3.Error, DatabaseError)):
        backup_to(db, small_disk.path / "备份.sqlite3")
    assert sorted(p.name for p in small_disk.path.iterdir()) == [".filler"]
    assert fingerprint(filled_db) == before


def test_the_backup_command_makes_a_checked_copy_and_never_overwrites(filled_db, tmp_path, capsys):
    target = tmp_path / "备份.sqlite3"
    code, out, err = run(capsys, "--db", filled_db, "backup", "-o", target)
    assert code == 0, err
    assert content(target) == content(filled_db)
    before = fingerprint(filled_db)
    for bad in (target, filled_db, Path(f"{filled_db}-wal"), tmp_path / "备份.pdf"):
        code, _out, err = run(capsys, "--db", filled_db, "backup", "-o", bad)
        assert code == 2 and err.strip() and "Traceback" not in err
    assert fingerprint(filled_db) == before and content(target) == content(filled_db)
