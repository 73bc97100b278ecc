"""Start-up in two steps: the window shows its list before the editor's heavy modules load."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.store.database import open_database
from desktop.store.repository import Repository

ROOT = Path(__file__).resolve().parent.parent

FIRST_STEP = """
import sys
from desktop.qt.app import make_app
from desktop.qt.main_window import MainWindow
from desktop.store.database import open_database
app = make_app()
w = MainWindow(open_database(sys.argv[1])); w.show(); w.repaint()
print(w.list_model.rowCount(), w.new_button.isEnabled(),
      *[name in sys.modules for name in ("sqlalchemy", "pydantic", "reportlab", "alembic")])
w.finish_start()
print(w.doc.declaration.header.project_name, w.new_button.isEnabled())
"""


def test_the_window_shows_its_list_before_loading_the_editor(db_path, samples, tmp_path):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", FIRST_STEP, str(db_path)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    assert first.split() == ["5", "False", "False", "False", "False", "False"]
    assert second.split()[1] == "True"  # buttons work once the editor is there


def test_closing_during_start_up_loses_nothing(qtbot, db_path, samples):
    from desktop.qt.main_window import MainWindow

    with open_database(db_path) as db:
        Repository(db).save_all(samples[:1])
    db = open_database(db_path)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.close()  # before the second step ran
    db.close()
    with open_database(db_path) as again:
        assert Repository(again).count() == 1
