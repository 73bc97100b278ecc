"""Crash safety: the app is killed (SIGKILL) at random moments; the data must hold.

Runs JIXIAO_CRASH_RUNS kills (default 12 here; the figures in the closing
note come from 200): each time PRAGMA integrity_check is ok, every save the
app reported is in the file, no state it never had appears, and at most the
last second of edits is lost.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("JIXIAO_CRASH_RUNS", "12"))
AUTOSAVE_GRACE = 1.0  # "every change is saved within a second"


def spawn(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, text=True)


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_killing_the_window_while_it_edits_and_autosaves_loses_at_most_a_second(tmp_path):
    db = tmp_path / "crash.sqlite3"
    rng = random.Random(20261126)
    checked = 0
    for run in range(RUNS):
        child = spawn(str(ROOT / "tests" / "harness" / "edit_child.py"), str(db), str(tmp_path / "settings"))
        lines: list[str] = []
        # wait for the first committed save of this run, then kill at a random moment
        deadline = time.time() + 30
        while time.time() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            lines.append(line.split())
            if line.startswith("S"):
                break
        time.sleep(rng.uniform(0.0, 1.6))
        kill_time = time.time()
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
        lines += [line.split() for line in rest.splitlines() if line.strip()]
        assert child.returncode == -signal.SIGKILL
        edits = [(int(n), float(t)) for kind, n, t in lines if kind == "E"]
        saves = [int(n) for kind, n, _t in lines if kind == "S"]
        assert saves, f"run {run}: the app never saved"

        assert integrity(db) == "ok", f"run {run}"
        con = sqlite3.connect(db)
        name, amount = con.execute("select project_name, annual_amount from declarations").fetchone()
        con.close()
        stored = int(name.split()[-1])
        assert stored >= saves[-1], f"run {run}: a reported save is missing"
        assert stored <= edits[-1][0], f"run {run}: a state the app never had"
        settled = [n for n, t in edits if t <= kill_time - AUTOSAVE_GRACE]
        if settled:
            assert stored >= settled[-1], f"run {run}: more than the last second was lost"
        assert amount == f"{stored}.00", f"run {run}: one save holds fields from two moments"
        checked += 1
    assert checked == RUNS


def stored_counts(path: Path) -> tuple[int, int]:
    """(declarations, indicator rows); a kill before the first table exists counts as nothing saved."""
    con = sqlite3.connect(path)
    try:
        if not con.execute("select 1 from sqlite_master where name='declarations'").fetchone():
            return 0, 0
        return (con.execute("select count(*) from declarations").fetchone()[0],
                con.execute("select count(*) from indicators").fetchone()[0])
    finally:
        con.close()


def test_an_import_killed_halfway_saves_all_or_nothing(tmp_path):
    db = tmp_path / "import.sqlite3"
    forms = (ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt").read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(forms * 200, encoding="utf-8")  # 1,000 forms
    child_script = str(ROOT / "tests" / "harness" / "import_child.py")

    def start() -> subprocess.Popen:
        child = spawn(child_script, "--db", str(db), "import", str(big), "--on-duplicate", "keep")  # copies
        assert child.stdout.readline().strip() == "B", "the import never began its transaction"
        return child

    # One import left to finish measures how long its transaction lasts on this machine.
    began = time.time()
    child = start()
    began = time.time()
    out, _ = child.communicate(timeout=300)
    transaction = time.time() - began
    assert child.returncode == 0 and out.splitlines()[0] == "C"
    assert stored_counts(db) == (1000, 200 * 41)

    rng = random.Random(7)
    inside = 0
    before = 1000  # what the database holds before each run
    for run in range(max(4, RUNS // 3)):
        child = start()
        time.sleep(rng.uniform(0.0, 0.8 * transaction))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=60)
        committed = "C" in out.split()
        inside += not committed
        assert integrity(db) == "ok", f"run {run}"
        count, rows = stored_counts(db)
        # A kill after "C" may land before or after the commit reached the disk: either whole.
        whole = (before, before + 1000) if committed else (before,)
        assert count in whole, f"run {run}: {count} declarations after {before}, a partial import"
        assert rows == count // 5 * 41  # the five sample forms hold 41 indicator rows
        before = count
    assert inside >= 1, "no kill landed inside the import's transaction"
