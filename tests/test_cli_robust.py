"""The command line when the reader goes away, when rows are damaged in ways
quick_check cannot see, and when an exchange file names a key twice."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE
from desktop.io.json_io import dumps

ROOT = Path(__file__).resolve().parent.parent
MANY = 120  # copies of the five samples: 600 declarations, more output than a pipe buffer holds


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run(*args):
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True,
                          env=_env(), timeout=300)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def many_db(tmp_path, samples) -> Path:
    source = tmp_path / "many.json"
    source.write_text(dumps(samples * MANY), encoding="utf-8")
    db_path = tmp_path / "many.sqlite3"
    r = run("--db", db_path, "import", source, "--on-duplicate", "keep")  # copies of the samples
    assert r.returncode == 0, r.stderr
    return db_path


def _rows(db_path: Path, sql: str) -> list:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- hole 1: a closed pipe cuts the report, never the work ---------------------------------
def _piped_to_head(db_path: Path, *args) -> tuple[int, str, str]:
    """``jixiao --db DB <args> | head -n 1``; jixiao's own exit status and stderr."""
    err = db_path.parent / "stderr.txt"
    cmd = " ".join([f"'{sys.executable}'", "-m", "desktop", "--db", f"'{db_path}'", *map(str, args)])
    script = f"set -o pipefail; {cmd} 2>'{err}' | head -n 1; echo \"${{PIPESTATUS[0]}}\" >&2"
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=_env(), timeout=300)
    return int(r.stderr.strip().splitlines()[-1]), r.stdout, err.read_text(encoding="utf-8")


def _reader_gone_at_once(db_path: Path, *args) -> subprocess.CompletedProcess:
    """The reader closes its end before a single line arrives: every write gets EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "desktop", "--db", str(db_path), *map(str, args)],
                              stdout=write, stderr=subprocess.PIPE, text=True, env=_env(), timeout=300)
    finally:
        os.close(write)


def test_finalize_piped_to_head_finalizes_every_one(many_db):
    ids = range(1, 5 * MANY + 1)
    code, out, err = _piped_to_head(many_db, "finalize", *ids)
    assert code == 0 and err == ""
    assert out.startswith("1\t")
    assert _rows(many_db, "SELECT status, count(*) FROM declarations GROUP BY status") == [("定稿", 5 * MANY)]
    assert _rows(many_db, "SELECT status, count(*) FROM declaration_list GROUP BY status") == [("定稿", 5 * MANY)]


def test_finalize_with_the_reader_gone_before_any_output(many_db):
    r = _reader_gone_at_once(many_db, "finalize", *range(1, 5 * MANY + 1))
    assert r.returncode == 0 and r.stderr == ""
    assert _rows(many_db, "SELECT count(*) FROM declarations WHERE status = '定稿'") == [(5 * MANY,)]
    # and back: draft is a writing command too
    r = _reader_gone_at_once(many_db, "draft", *range(1, 5 * MANY + 1))
    assert r.returncode == 0 and r.stderr == ""
    assert _rows(many_db, "SELECT count(*) FROM declarations WHERE status = '草稿'") == [(5 * MANY,)]


def test_copy_forward_piped_to_head_copies_every_one(many_db):
    code, out, err = _piped_to_head(many_db, "copy-forward", *range(1, 5 * MANY + 1))
    assert code == 0 and err == ""
    assert out.count("\n") == 1
    assert _rows(many_db, "SELECT fiscal_year, count(*) FROM declarations GROUP BY fiscal_year ORDER BY 1") == \
        [(2024, 5 * MANY), (2025, 5 * MANY)]


def test_delete_restore_and_empty_trash_with_the_reader_gone(many_db):
    ids = range(1, 5 * MANY + 1)
    r = _reader_gone_at_once(many_db, "delete", *ids)
    assert r.returncode == 0 and r.stderr == ""
    assert _rows(many_db, "SELECT count(*) FROM declarations WHERE deleted_at IS NOT NULL") == [(5 * MANY,)]
    r = _reader_gone_at_once(many_db, "restore-deleted", *ids)
    assert r.returncode == 0 and r.stderr == ""
    assert _rows(many_db, "SELECT count(*) FROM declarations WHERE deleted_at IS NULL") == [(5 * MANY,)]
    assert run("--db", many_db, "delete", *ids).returncode == 0
    r = _reader_gone_at_once(many_db, "empty-trash")
    assert r.returncode == 0 and r.stderr == ""
    assert _rows(many_db, "SELECT count(*) FROM declarations") == [(0,)]


def test_a_refusal_partway_still_reports_the_ones_done_and_exits_2(db_path, capsys):
    from desktop.cli import main

    assert main(["--db", str(db_path), "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    con = sqlite3.connect(db_path)  # break form 3 so that finalizing it is refused
    con.execute("UPDATE declarations SET annual_amount = '9,999,999.00' WHERE id = 3")
    con.commit()
    con.close()
    assert main(["--db", str(db_path), "finalize", "1", "2", "3", "4"]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == ["1\t民意速办工作经费", "2\t车辆租赁费"]
    assert err.strip()
    assert _rows(db_path, "SELECT id FROM declarations WHERE status = '定稿' ORDER BY id") == [(1,), (2,)]


# -- hole 2: damage inside rows: one line, exit 2, file untouched --------------------------
def _damaged(tmp_path: Path, *updates: str) -> Path:
    db_path = tmp_path / "damaged.sqlite3"
    r = run("--db", db_path, "import", SAMPLE)
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(db_path)
    for sql in updates:
        con.execute(sql)
    con.commit()
    con.close()
    return db_path


BAD_STATUS = ("UPDATE declarations SET status = '草定' WHERE id = 1",)
BAD_BYTES = ("UPDATE declarations SET project_name = CAST(x'ff' AS TEXT) WHERE id = 2",
             "UPDATE declaration_list SET project_name = CAST(x'ff' AS TEXT) WHERE id = 2")


@pytest.mark.parametrize("damage", [BAD_STATUS, BAD_BYTES], ids=["status", "utf8"])
@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["validate", "--all"], ["validate", "--all", "--json"],
                                     ["print", "--all", "-o", "{out}.pdf"], ["export", "--all", "-o", "{out}.json"],
                                     ["export", "--all", "-o", "{out}.xlsx"], ["finalize", "1", "2"],
                                     ["copy-forward", "1", "2"]])
def test_damaged_rows_give_one_line_and_exit_2(tmp_path, damage, command):
    db_path = _damaged(tmp_path, *damage)
    if damage is BAD_STATUS and command[0] == "list":
        pytest.skip("the list reads the status as text; nothing there to refuse")
    before = _digest(db_path)
    out = tmp_path / "out"
    r = run("--db", db_path, *[c.format(out=out) for c in command])
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("数据库中的内容无法读取（可能已损坏）："), r.stderr
    assert "jixiao restore" in lines[0]
    assert _digest(db_path) == before
    assert not list(tmp_path.glob("out*"))  # no half-written output left behind


def test_the_bad_status_is_named(tmp_path):
    db_path = _damaged(tmp_path, *BAD_STATUS)
    r = run("--db", db_path, "validate", "--all")
    assert r.returncode == 2 and "status" in r.stderr and "草定" in r.stderr


def test_bad_bytes_are_named(tmp_path):
    db_path = _damaged(tmp_path, *BAD_BYTES)
    r = run("--db", db_path, "list")
    assert r.returncode == 2 and "UTF-8" in r.stderr


def test_other_errors_are_not_disguised_as_damage(monkeypatch, db_path):
    """Only what a damaged file raises gets the message; a bug still shows as one."""
    from desktop import commands
    from desktop.cli import main

    def broken(db_path, args):
        raise KeyError("a bug")

    monkeypatch.setattr(commands, "cmd_list", broken)
    with pytest.raises(KeyError):
        main(["--db", str(db_path), "list"])


# -- hole 3: a key given twice in an exchange file ----------------------------------------
def _exchange(tmp_path: Path, samples, edit) -> Path:
    text = dumps(samples)
    path = tmp_path / "twice.json"
    path.write_text(edit(text), encoding="utf-8")
    return path


def _insert_before(text: str, marker: str, extra: str, nth: int = 0) -> str:
    at = -1
    for _ in range(nth + 1):
        at = text.index(marker, at + 1)
    return text[:at] + extra + text[at:]


@pytest.mark.parametrize("edit, where, key", [
    (lambda t: _insert_before(t, '"project_name"', '"project_name": "A", '), "declarations.0.header", "project_name"),
    (lambda t: _insert_before(t, '"fiscal_year"', '"fiscal_year": 2023, ', nth=2), "declarations.2", "fiscal_year"),
    (lambda t: _insert_before(t, '"schema_version"', '"format": "jixiao-declarations", '), "（最外层）", "format"),
    (lambda t: _insert_before(t, '"name"', '"name": "x", ', nth=3), "declarations.0.indicators.", "name"),
], ids=["header", "declaration", "file", "indicator"])
def test_a_key_given_twice_is_refused(tmp_path, samples, edit, where, key):
    db_path = tmp_path / "db.sqlite3"
    assert run("--db", db_path, "import", SAMPLE).returncode == 0
    before = _rows(db_path, "SELECT id, fiscal_year, project_name FROM declarations ORDER BY id")
    source = _exchange(tmp_path, samples, edit)
    r = run("--db", db_path, "import", source)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert f"“{key}”出现了两次" in r.stderr and where in r.stderr, r.stderr
    assert _rows(db_path, "SELECT id, fiscal_year, project_name FROM declarations ORDER BY id") == before


def test_a_key_twice_in_a_value_read_across_chunks(tmp_path, samples):
    """The streaming reader finds it also when the object spans several chunks."""
    from desktop.io.errors import ImportFailed
    from desktop.io.json_io import iter_json

    source = _exchange(tmp_path, samples * 3, lambda t: _insert_before(t, '"project_name"', '"project_name": "A", ', 11))
    with pytest.raises(ImportFailed, match=r"declarations\.11\.header 中“project_name”出现了两次"):
        list(iter_json(source, window=64))


def test_a_normal_file_still_round_trips(tmp_path, samples):
    from desktop.io.json_io import iter_json, loads

    text = dumps(samples)
    assert dumps(loads(text)) == text
    path = tmp_path / "ok.json"
    path.write_text(text, encoding="utf-8")
    assert dumps(list(iter_json(path, window=64))) == text
