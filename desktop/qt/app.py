"""Starting the window: Qt application, bundled font, database, single instance."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.qt.fonts import ui_font
from desktop.qt.settings import APP, ORG
from desktop.store.database import DatabaseError, DatabaseLocked, open_database


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("绩效目标申报表")
    app.setFont(ui_font())
    return app


def run_window(db_path: Path) -> int:
    app = make_app()
    try:
        db = open_database(db_path, write=True)
    except (DatabaseLocked, DatabaseError) as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        print(str(exc), file=sys.stderr)
        return 2
    from desktop.qt.main_window import MainWindow  # after the checks: refusals stay fast

    window = MainWindow(db)
    window.show()
    quit_after = os.environ.get("JIXIAO_QUIT_AFTER_MS")  # smoke tests of installed builds
    if quit_after:
        QTimer.singleShot(int(quit_after), window.close)
    try:
        return app.exec()
    finally:
        db.close()
