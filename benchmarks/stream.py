"""Export and import of a large database: wall time, declarations per second, peak memory.

Builds (or reuses) a database of N declarations, the five sample forms repeated
with numbered names, then runs as separate processes, as a user would:

    jixiao export --all -o X.json        (N declarations)
    jixiao export ID... -o X.xlsx        (the first --excel-n, one sheet each)
    jixiao import X.json                 (into a fresh database)

and prints each one's wall time, declarations/s and peak RSS (from wait4 on
that very process). Goal: peak RSS < 200 MB at 100,000 declarations.

    python benchmarks/stream.py                      # 100,000 declarations, Excel 10,000
    python benchmarks/stream.py --n 10000            # a quick run
    python benchmarks/stream.py --code /tmp/head     # measure another checkout (e.g. a git worktree of HEAD)

The database is built by the measured checkout itself (an older one has an
older schema), from files of 2,000 declarations (an older one refuses files
over 20 MB), and kept in --work for the next run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt"
FILE_FORMS = 2_000  # declarations per build file (12 MB)
FILES_PER_IMPORT = 10  # build files per import process


def run(code: Path, *args, quiet: bool = True) -> tuple[float, float, int, str]:
    """Run `jixiao ARGS` from the checkout ``code``: (seconds, peak RSS in MB, exit code, first stderr line)."""
    env = {**os.environ, "PYTHONPATH": str(code), "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "desktop", *map(str, args)], cwd=code, env=env,
                                 stdout=subprocess.DEVNULL if quiet else None, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the maximum of all children
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip().splitlines()
    return seconds, usage.ru_maxrss / 1024, child.returncode, (message[-1] if message else "")


def count(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from declarations").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def write_build_files(seed: Path, work: Path, n: int) -> list[Path]:
    """Exchange files of FILE_FORMS declarations each (under the 20 MB an older checkout
    accepts per file): the seed's forms repeated and numbered, written one at a time."""
    seeds = json.loads(seed.read_text(encoding="utf-8"))["declarations"]
    files = []
    for first in range(0, n, FILE_FORMS):
        path = work / f"build-{first // FILE_FORMS:04d}.json"
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"format": "jixiao-declarations", "schema_version": 1, "declarations": [\n')
            for i in range(first, min(n, first + FILE_FORMS)):
                d = dict(seeds[i % len(seeds)])
                code = d["header"]["project_code"]  # each its own project: no 项目编码 + 年度 twice (issue 13)
                d["header"] = {**d["header"], "project_name": f"{d['header']['project_name']} {i + 1}",
                               "project_code": f"{code[:-7]}{i + 1:07d}"}
                f.write(("," if i > first else "") + json.dumps(d, ensure_ascii=False) + "\n")
            f.write("]}\n")
        files.append(path)
    return files


def build(code: Path, work: Path, n: int) -> Path:
    """The database of n declarations, made by the measured checkout (its schema may be older)."""
    tag = hashlib.sha1(str(code).encode()).hexdigest()[:8]
    db = work / f"stream-{n}-{tag}.sqlite3"
    if count(db) == n:
        print(f"reusing {db} ({n:,} declarations)")
        return db
    for p in [*work.glob(f"stream-{n}-{tag}.sqlite3*"), *work.glob("seed.*"), *work.glob("build-*.json")]:
        p.unlink()
    seed_db, seed = work / "seed.sqlite3", work / "seed.json"
    for args in (("--db", seed_db, "import", SAMPLE), ("--db", seed_db, "export", "--all", "-o", seed)):
        _s, _m, exit_code, message = run(code, *args)
        assert exit_code == 0, message
    files = write_build_files(seed, work, n)
    start = time.perf_counter()
    for group in range(0, len(files), FILES_PER_IMPORT):
        _s, _m, exit_code, message = run(code, "--db", db, "import", *files[group:group + FILES_PER_IMPORT])
        assert exit_code == 0, message
    for p in files:
        p.unlink()
    print(f"built {db} ({n:,} declarations) in {time.perf_counter() - start:.0f} s")
    return db


def report(what: str, n: int, result: tuple[float, float, int, str], out: Path | None = None) -> None:
    seconds, mb, code, message = result
    size = f"{out.stat().st_size / 1e6:8.0f} MB" if out is not None and out.exists() and code == 0 else " " * 11
    if code != 0:
        print(f"{what:<28} {n:>8,}  refused (exit {code}): {message[:90]}")
        return
    print(f"{what:<28} {n:>8,}  {seconds:8.1f} s  {n / seconds:8,.0f} /s  peak {mb:6.0f} MB  {size}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="declarations in the database")
    parser.add_argument("--excel-n", type=int, default=10_000, help="declarations exported to Excel (one sheet each)")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose jixiao is measured")
    parser.add_argument("--steps", default="json,xlsx,import", help="which of json,xlsx,import to measure")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-stream-bench",
                        help="folder for the databases and files (kept for the next run)")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    code = args.code.resolve()
    db = build(code, work, args.n)
    excel_n = min(args.excel_n, args.n)
    print(f"measuring {code}")
    print(f"{'':<28} {'forms':>8}  {'wall':>10}  {'rate':>10}  {'peak RSS':>12}  {'file':>11}")
    steps = set(args.steps.split(","))
    out_json, out_xlsx = work / "X.json", work / "X.xlsx"
    if "json" in steps:
        out_json.unlink(missing_ok=True)
        report("export --all -o X.json", args.n, run(code, "--db", db, "export", "--all", "-o", out_json), out_json)
    if "xlsx" in steps:
        out_xlsx.unlink(missing_ok=True)
        chosen = ["--all"] if excel_n == args.n else [str(i) for i in range(1, excel_n + 1)]
        report("export ... -o X.xlsx", excel_n, run(code, "--db", db, "export", *chosen, "-o", out_xlsx), out_xlsx)
    if "import" in steps and out_json.exists():
        fresh = work / "fresh.sqlite3"
        for p in work.glob("fresh.sqlite3*"):
            p.unlink()
        report("import X.json (fresh db)", args.n, run(code, "--db", fresh, "import", out_json))
        imported = count(fresh)
        if imported not in (0, args.n):
            print(f"  !! the fresh database holds {imported:,} declarations, not {args.n:,}")


if __name__ == "__main__":
    main()
