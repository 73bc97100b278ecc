"""Revision storage: 1,000 revisions of a 45-row form, their size and the time to keep and read them.

Each revision changes one indicator's 目标值 and the 年度目标 (an editing burst),
and is kept through desktop.services.revisions.record, as the window does when
a burst ends. Prints the bytes of stored content (the issue's budget: < 5 MB),
the database file's size, and the time to keep one revision and to read any.

    python benchmarks/revisions.py [--revisions 1000]
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import desktop.services.checking  # noqa: E402,F401  (saving asks the one checker)
from desktop.io.text_import import import_text_file  # noqa: E402
from desktop.services import revisions  # noqa: E402
from desktop.store.database import open_database  # noqa: E402
from desktop.store.repository import Repository  # noqa: E402

BUDGET = 5 * 1024 * 1024
SAMPLE = ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--revisions", type=int, default=1000)
    args = ap.parse_args()
    samples = import_text_file(SAMPLE)
    form = samples[0].model_copy(deep=True)
    rows = [r for s in samples for r in s.indicators]
    form.indicators = [r.model_copy() for r in (rows * 2)[:45]]
    path = Path(tempfile.mkdtemp()) / "revisions.sqlite3"
    rng = random.Random(13)
    with open_database(path) as db:
        repo = Repository(db)
        d = repo.save(form)
        keep: list[float] = []
        for i in range(args.revisions):
            d.indicators[rng.randrange(45)].target = f"≥{rng.randrange(1, 500)}次"
            d.texts.annual_goals = samples[0].texts.annual_goals + f"（第 {i + 1} 稿）"
            d = repo.save(d)
            start = time.perf_counter()
            revisions.record(repo, [d.id], revisions.EDIT)
            keep.append(time.perf_counter() - start)
        read: list[float] = []
        for number in rng.sample(range(1, args.revisions + 1), min(100, args.revisions)):
            start = time.perf_counter()
            revisions.load_revision(repo, d.id, number)
            read.append(time.perf_counter() - start)
        start = time.perf_counter()
        history = revisions.history(repo, d.id)
        list_ms = (time.perf_counter() - start) * 1000
    con = sqlite3.connect(path)
    count, content = con.execute("SELECT count(*), sum(length(content)) FROM revisions").fetchone()
    full = con.execute("SELECT count(*) FROM revisions WHERE substr(content, 1, 1) = x'46'").fetchone()[0]
    con.execute("VACUUM")
    con.close()
    per = content / count
    print(f"{count} revisions of a {len(form.indicators)}-row form: {content:,} bytes of content "
          f"({content / 1024 / 1024:.2f} MB, {per:,.0f} bytes each; {full} full copies, the rest deltas); "
          f"budget {BUDGET / 1024 / 1024:.0f} MB: {'OK' if content < BUDGET else 'OVER'}")
    print(f"database file after VACUUM: {path.stat().st_size / 1024 / 1024:.2f} MB")
    print(f"keep one revision: p50 {statistics.median(keep) * 1000:.1f} ms, "
          f"p95 {sorted(keep)[int(len(keep) * 0.95) - 1] * 1000:.1f} ms")
    print(f"read one revision: p50 {statistics.median(read) * 1000:.1f} ms, max {max(read) * 1000:.1f} ms; "
          f"list all {len(history)}: {list_ms:.1f} ms")


if __name__ == "__main__":
    main()
