"""Holes a hostile review found after the first round of issue 9; each test reproduces one."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLE
from desktop.cli import main


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> list:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("select id, project_name, status from declarations order by id").fetchall()
    finally:
        con.close()


def test_a_backup_never_deletes_a_file_called_like_its_temporary_copy(tmp_path, capsys):
    """`backup -o data.sqlite3` deleted data.sqlite3.part first — which was the database."""
    db = tmp_path / "data.sqlite3.part"
    assert main(["--db", str(db), "import", str(SAMPLE)]) == 0
    before = rows(db)
    assert main(["--db", str(db), "backup", "-o", str(tmp_path / "data.sqlite3")]) == 0
    capsys.readouterr()
    assert db.exists() and rows(db) == before
    assert rows(tmp_path / "data.sqlite3") == before


def test_a_link_planted_at_a_guessable_temporary_name_is_not_written_through(tmp_path):
    """The PDF was written to .out.pdf.PID.part, following a link planted there: onto the database."""
    db = tmp_path / "db.sqlite3"
    assert main(["--db", str(db), "import", str(SAMPLE)]) == 0
    before = sha(db)
    script = (f'for i in $(seq $$ $(($$ + 50))); do ln -s "{db}" "{tmp_path}/.out.pdf.$i.part"; done; '
              f'exec "{sys.executable}" -m desktop --db "{db}" print --all -o "{tmp_path}/out.pdf"')
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert done.returncode == 0, done.stderr
    assert sha(db) == before
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF") and not (tmp_path / "out.pdf").is_symlink()


def test_restoring_from_the_oldest_before_restore_copy_keeps_it_until_read(tmp_path, capsys):
    """The safety copy made first pruned the oldest before-restore copy — the one being restored."""
    from desktop.store.database import BEFORE_KEEP

    db = tmp_path / "db.sqlite3"
    good = tmp_path / "good.sqlite3"
    assert main(["--db", str(good), "import", str(SAMPLE)]) == 0
    for _ in range(BEFORE_KEEP + 1):  # the first restore has no database to copy yet
        assert main(["--db", str(db), "restore", str(good)]) == 0
        assert main(["--db", str(db), "import", str(SAMPLE), "--on-duplicate", "keep"]) == 0
        time.sleep(1.05)  # before-* copies are named by the second
    capsys.readouterr()
    copies = sorted(tmp_path.glob("db.before-restore.*.sqlite3"))
    assert len(copies) == BEFORE_KEEP
    oldest = copies[0]
    expected = rows(oldest)
    code = main(["--db", str(db), "restore", str(oldest)])
    assert code == 0, capsys.readouterr().err
    assert rows(db) == expected


def test_a_backup_whose_indexes_disagree_with_its_rows_is_not_reported_good(tmp_path, capsys):
    """quick_check passed an index missing a row; the backup said 已备份 and restore then refused it."""
    db = tmp_path / "db.sqlite3"
    assert main(["--db", str(db), "import", str(SAMPLE)]) == 0
    con = sqlite3.connect(db)
    index = con.execute("select name from sqlite_master where type='index' and tbl_name='declaration_list' "
                        "and sql is not null limit 1").fetchone()[0]
    con.close()
    work = tmp_path / "work.sqlite3"
    shutil.copy(db, work)
    con = sqlite3.connect(work)
    con.execute("PRAGMA writable_schema=ON")
    root = con.execute("select rootpage from sqlite_master where name=?", (index,)).fetchone()[0]
    con.close()
    data = bytearray(work.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    start = (root - 1) * page
    cells = int.from_bytes(data[start + 3:start + 5], "big")
    assert cells > 1
    content = int.from_bytes(data[start + 5:start + 7], "big")
    data[start + content + 4:start + content + 7] = b"\xee\xee\xee"  # inside one index key
    work.write_bytes(bytes(data))
    con = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    thorough = con.execute("pragma integrity_check").fetchall()
    quick = con.execute("pragma quick_check").fetchall()
    con.close()
    assert quick == [("ok",)]  # what every open checks: it passes, the copy's full check must catch it
    assert thorough != [("ok",)]  # the index no longer agrees with the rows
    before = sha(work)
    target = tmp_path / "备份.sqlite3"
    code = main(["--db", str(work), "backup", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.strip()
    assert not target.exists()
    assert sha(work) == before


def test_a_backup_with_tables_missing_is_refused_before_restoring(tmp_path, capsys):
    db = tmp_path / "db.sqlite3"
    assert main(["--db", str(db), "import", str(SAMPLE)]) == 0
    bad = tmp_path / "bad.sqlite3"
    shutil.copy(db, bad)
    con = sqlite3.connect(bad)
    con.execute("drop table indicators")
    con.commit()
    con.close()
    before = rows(db)
    capsys.readouterr()
    assert main(["--db", str(db), "restore", str(bad)]) == 2
    assert "不完整" in capsys.readouterr().err
    assert rows(db) == before
