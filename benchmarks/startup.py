"""Start-up time: process start to main window shown, with 1,000 declarations.

Prints the app's figures next to the floor measured in the same run: a bare
`python -c` that creates a QApplication and a QMainWindow and shows it.
"Shown" is the window painted with its list; "ready" is the editor loaded with
the last declaration open (the second step of start-up, see main_window.py).

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
w = QMainWindow(); w.show(); w.repaint()
print(time.time())
"""

APP = """
import time, sys
from desktop.qt.app import make_app
from desktop.store.database import open_database
app = make_app()
from desktop.qt.main_window import MainWindow
db = open_database(sys.argv[1], defer_check=True)  # as run_window opens it
w = MainWindow(db); w.show(); w.repaint()
print(time.time())
w.finish_start(); w.repaint()
assert w.doc.declaration is not None
print(time.time())
w.close(); db.close()
"""


def make_db(path: Path, n: int) -> None:
    from desktop.io.text_import import import_text_file
    from desktop.store.database import open_database
    from desktop.services.declarations import save_all
    from desktop.store.repository import Repository

    forms = import_text_file(ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt")
    decls = []
    for i in range(n):
        d = forms[i % len(forms)].model_copy(deep=True)
        d.header.project_name = f"{d.header.project_name} {i + 1}"
        decls.append(d)
    with open_database(path) as db:
        save_all(Repository(db), decls)


def time_process(code: str, *args: str) -> list[float]:
    """Seconds from process start to each time stamp the snippet prints."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    return [float(line) - start for line in out.stdout.split()]


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
        floor = [time_process(FLOOR)[0] for _ in range(args.runs)]
        runs = [time_process(APP, str(db)) for _ in range(args.runs)]
    shown, ready = [r[0] for r in runs], [r[1] for r in runs]
    f, a, r = statistics.median(floor), statistics.median(shown), statistics.median(ready)

    def ms(values):
        return ", ".join(f"{x * 1000:.0f}" for x in values)

    print(f"declarations in database: {args.declarations}")
    print(f"floor (bare QApplication + QMainWindow shown): median {f * 1000:.0f} ms  (runs: {ms(floor)})")
    print(f"jixiao window shown with its list:            median {a * 1000:.0f} ms  (runs: {ms(shown)})")
    print(f"jixiao editor ready, last declaration open:   median {r * 1000:.0f} ms  (runs: {ms(ready)})")
    print(f"shown: {a / f:.2f}x the floor; ready: {r / f:.2f}x   goal: window shown < 1000 ms and < 3x the floor")


if __name__ == "__main__":
    main()
