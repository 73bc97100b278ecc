"""The command line, run as a user runs it (a separate process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE
from desktop.cli import main
from desktop.store.database import open_database

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env_db: Path | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if env_db:
        env["JIXIAO_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_import_prints_one_line_per_declaration_and_list_json_shows_them(db_path):
    r = run("--db", db_path, "import", SAMPLE)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 5 and lines[0] == "1\t民意速办工作经费"
    r = run("--db", db_path, "list", "--json")
    items = json.loads(r.stdout)
    assert [i["project_name"] for i in items][:2] == ["民意速办工作经费", "车辆租赁费"]
    assert items[2]["annual_amount"] == "3,318,800.00"


def test_the_env_var_chooses_the_database(tmp_path):
    path = tmp_path / "env.sqlite3"
    assert run("import", SAMPLE, env_db=path).returncode == 0
    assert path.exists()


def test_validate_exit_codes_and_json(db_path, capsys):
    assert main(["--db", str(db_path), "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "validate", "--all", "--json"]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert {p["code"] for p in problems if p["severity"] == "warning"} >= {"cost.sum_mismatch"}
    assert sum(p["code"] == "cost.sum_mismatch" for p in problems) == 5
    assert set(problems[0]) == {"declaration", "field", "severity", "code", "message"}
    # break one form: validate now exits 1
    from desktop.store.repository import Repository

    with open_database(db_path) as db:
        repo = Repository(db)
        d = repo.load(2)
        d.header.annual_amount = "9,999,999.00"
        repo.save(d)
    assert main(["--db", str(db_path), "validate", "2"]) == 1
    assert "amount.annual_exceeds_total" in capsys.readouterr().out
    assert main(["--db", str(db_path), "validate", "1"]) == 0


def test_unreadable_input_exits_2_with_one_message_and_saves_nothing(db_path, tmp_path, capsys):
    bad = tmp_path / "garbage.txt"
    bad.write_bytes(os.urandom(2000))
    assert main(["--db", str(db_path), "import", str(SAMPLE), str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err and len(err.splitlines()) == 1 and "garbage.txt" in err
    assert main(["--db", str(db_path), "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_writing_commands_are_refused_while_a_window_has_the_database(db_path):
    with open_database(db_path):  # what the window holds
        r = run("--db", db_path, "import", SAMPLE)
        assert r.returncode == 2
        assert "已被另一个窗口打开" in r.stderr
        r = run("--db", db_path, "list")  # reading is fine
        assert r.returncode == 0


def test_a_listing_cut_short_by_head_ends_quietly(tmp_path, samples):
    """`jixiao list | head` used to end in a BrokenPipeError traceback."""
    import subprocess
    import sys

    from desktop.io.json_io import dumps

    many = tmp_path / "many.json"
    many.write_text(dumps(samples * 200), encoding="utf-8")  # 1,000 forms: far more than a pipe holds
    db = tmp_path / "db.sqlite3"
    assert main(["--db", str(db), "import", str(many), "--on-duplicate", "keep"]) == 0  # copies of the samples
    for command in ("list", "list --json", "validate --all --json"):
        done = subprocess.run(f'"{sys.executable}" -m desktop --db "{db}" {command} | head -n 2',
                              shell=True, capture_output=True, text=True, timeout=120)
        assert len(done.stdout.splitlines()) == 2
        assert done.stderr == "", f"{command}: {done.stderr}"
