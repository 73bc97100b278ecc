"""Child process for the crash harness: the real window, editing and autosaving nonstop.

Prints "E <n> <time>" after each edit and "S <n> <time>" after each save is
committed, where n is the number typed into 项目名称 ("编辑 n"). The parent
kills this process at a random moment and checks the database.
"""
import os
import sys
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QSettings, QTimer  # noqa: E402


def main(db_path: str, settings_dir: str) -> None:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from desktop.qt.app import make_app
    from desktop.qt.main_window import MainWindow
    from desktop.store.database import open_database

    app = make_app()
    db = open_database(db_path)
    window = MainWindow(db)
    window.show()
    window.finish_start()
    if window.doc.declaration is None:
        window.new_declaration()
    name = window.header_tab.widgets["header.project_name"]
    amount = window.header_tab.widgets["header.annual_amount"]
    start = int(window.doc.declaration.header.project_name.split()[-1]) if window.doc.declaration.header.project_name.startswith("编辑") else 0
    state = {"n": start}

    # `saved` is emitted right after the write has committed, in the same
    # thread as the edits: n is the state that went to disk.
    window.session.saved.connect(lambda _d: print(f"S {state['n']} {time.time():.4f}", flush=True))

    def edit() -> None:
        state["n"] += 1
        n = state["n"]
        name.setText(f"编辑 {n}")
        name.textEdited.emit(name.text())
        amount.setText(f"{n}.00")
        amount.textEdited.emit(amount.text())
        print(f"E {n} {time.time():.4f}", flush=True)

    timer = QTimer()
    timer.timeout.connect(edit)
    timer.start(40)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
