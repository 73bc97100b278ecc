"""Keystroke latency: key press in a field -> rules re-run, marks, counts and panel updated.

A declaration with 45 indicator rows is open; each sample is one key press
sent to a field, followed by processing the events it caused (including the
repaint of the window). Prints p50 / p95 / max in milliseconds.

    python benchmarks/keystroke.py [--keys 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=300)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))

    from desktop.io.text_import import import_text_file
    from desktop.qt.app import make_app
    from desktop.qt.main_window import MainWindow
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    app = make_app()
    forms = import_text_file(ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt")
    big = forms[3].model_copy(deep=True)
    rows = [r for f in forms for r in f.indicators]
    big.indicators = [r.model_copy() for r in (rows * 2)[:45]]
    db = open_database(tmp / "k.sqlite3")
    decl = Repository(db).save(big)
    window = MainWindow(db)
    window.resize(1500, 900)
    window.show()
    window.finish_start()
    window.open_declaration(decl.id)
    app.processEvents()

    fields = [window.header_tab.widgets["header.project_name"], window.header_tab.widgets["header.annual_amount"]]
    samples = []
    for i in range(args.keys):
        w = fields[i % 2]
        w.setFocus()
        key = Qt.Key.Key_X if i % 2 == 0 else Qt.Key.Key_1
        if i % 4 >= 2:
            key = Qt.Key.Key_Backspace  # type then erase: the amount flips between error and fine
        start = time.perf_counter()
        QTest.keyClick(w, key)
        app.processEvents()
        samples.append((time.perf_counter() - start) * 1000)
    window.autosave_timer.stop()
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"indicator rows: {len(window.doc.declaration.indicators)}, problems: {len(window.doc.problems)}")
    print(f"key press -> marks and counts updated, {len(samples)} keys: p50 {statistics.median(samples):.2f} ms, "
          f"p95 {p95:.2f} ms, max {samples[-1]:.2f} ms   (goal: p95 < 16 ms)")
    window.close()
    db.close()


if __name__ == "__main__":
    main()
    # PySide6 6.12 can crash while tearing down QTest's objects at interpreter
    # exit; the figures are printed, so leave without the teardown.
    sys.stdout.flush()
    os._exit(0)
