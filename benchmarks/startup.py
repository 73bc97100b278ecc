"""Start-up time: process start to main window shown, with 1,000 declarations.

Prints the app's figure next to the floor measured in the same run: a bare
`python -c` that creates a QApplication and a QMainWindow and shows it.

    python benchmarks/startup.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.show(); app.processEvents()
print(time.time())
"""

APP = """
import time, sys
from desktop.qt.app import make_app
from desktop.store.database import open_database
app = make_app()
from desktop.qt.main_window import MainWindow
db = open_database(sys.argv[1])
w = MainWindow(db); w.show(); app.processEvents()
print(time.time())
w.close(); db.close()
"""


def make_db(path: Path, n: int) -> None:
    from desktop.io.text_import import import_text_file
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    forms = import_text_file(ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt")
    decls = []
    for i in range(n):
        d = forms[i % len(forms)].model_copy(deep=True)
        d.header.project_name = f"{d.header.project_name} {i + 1}"
        decls.append(d)
    with open_database(path) as db:
        Repository(db).save_all(decls)


def time_process(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    shown = float(out.stdout.strip().splitlines()[-1])
    return shown - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--declarations", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        make_db(db, args.declarations)
        time_process(FLOOR)  # warm the OS file cache for both
        time_process(APP, str(db))
        floor = [time_process(FLOOR) for _ in range(args.runs)]
        app = [time_process(APP, str(db)) for _ in range(args.runs)]
    f, a = statistics.median(floor), statistics.median(app)
    print(f"declarations in database: {args.declarations}")
    print(f"floor (bare QApplication + QMainWindow): median {f * 1000:.0f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in floor)})")
    print(f"jixiao main window shown:               median {a * 1000:.0f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in app)})")
    print(f"ratio to floor: {a / f:.2f}x   goal: < 1000 ms and < 3x")


if __name__ == "__main__":
    main()
