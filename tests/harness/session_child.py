"""A whole working session in one process, for the no-network test:
start the window, import the sample, edit, preview, export a PDF, quit."""
import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402


def main(db_path: str, sample: str, out_pdf: str, settings_dir: str) -> None:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    QMessageBox.information = lambda *a, **k: None  # the import summary
    from desktop.qt.printing_ui import export_pdf
    from desktop.qt.app import make_app
    from desktop.qt.main_window import MainWindow
    from desktop.store.database import open_database

    app = make_app()
    db = open_database(db_path)
    window = MainWindow(db)
    window.show()

    def work() -> None:
        window.import_paths([Path(sample)])
        name = window.header_tab.widgets["header.project_name"]
        name.setText("无网络测试")
        name.textEdited.emit(name.text())
        window.tabs.setCurrentWidget(window.preview_tab)
        window.preview_tab.refresh()
        export_pdf(window, [window.doc.declaration], Path(out_pdf))  # the window's own path
        window.save()
        QTimer.singleShot(500, window.close)

    QTimer.singleShot(200, work)
    app.exec()
    db.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
