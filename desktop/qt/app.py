"""Starting the window: Qt application, bundled font, database, single instance."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.qt.fonts import ui_font
from desktop.qt.settings import APP, ORG
from desktop.store.database import DatabaseDamaged, DatabaseError, DatabaseLocked, open_database


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)  # a widgets app, never a bare core app
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("绩效目标申报表")
    app.setFont(ui_font())
    install_chinese(app)
    return app


def install_chinese(app: QApplication) -> bool:
    """Qt's own texts in Chinese: message-box buttons (确定/是/否), file and print dialogs.

    The translations ship with PySide6 (and are kept in the bundle); without
    them those read OK / Yes / Look in / File name. True when installed."""
    if getattr(app, "_jixiao_translators", None):
        return True
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        folders.append(str(Path(frozen) / "PySide6" / "Qt" / "translations"))
    translators: list[QTranslator] = [_GapsInQtChinese(app)]
    app.installTranslator(translators[0])
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        t = QTranslator(app)
        if any(t.load(name, folder) for folder in folders):
            app.installTranslator(t)
            translators.append(t)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    app._jixiao_translators = translators  # type: ignore[attr-defined]  # kept alive with the app
    return len(translators) > 1


class _GapsInQtChinese(QTranslator):
    """Texts of Qt 6.11's dialogs that its shipped zh_CN catalogue lacks (it has
    them without the accelerator: "Look in:", "Page Set:"); installed first, so
    asked last."""

    TEXTS = {
        ("QFileDialog", "&Look in:"): "查找范围(&L)：",
        ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
        ("QPrintSettingsOutput", "Page &Set:"): "页面组(&S)：",
    }

    def translate(self, context, source, disambiguation=None, n=-1):
        return self.TEXTS.get((context, source), "")

    def isEmpty(self) -> bool:
        return False


def _refuse(exc: Exception, title: str = "无法打开数据库") -> None:
    QMessageBox.critical(None, title, str(exc))
    print(str(exc), file=sys.stderr)


def _offer_restore(exc: DatabaseDamaged):
    """A damaged database: restore the newest sound backup and open it, or quit. Returns the Database or None."""
    if exc.backup is None:
        _refuse(exc, "数据库已损坏")
        return None
    found = exc.backup
    box = QMessageBox(
        QMessageBox.Icon.Critical, "数据库已损坏",
        f"数据库文件 {exc.path} 已损坏，不能使用（SQLite：{exc.detail}）。文件未做任何改动。\n\n"
        f"最新的完好备份：{found.path}（{found.label}，{found.declarations} 份申报表）。\n\n"
        "选择“从最新备份恢复”：损坏的文件改名保留（不会删除），用这份备份替换后打开。")
    restore = box.addButton("从最新备份恢复", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        print(str(exc), file=sys.stderr)
        return None
    from desktop.store.backup import restore_database

    try:
        done = restore_database(exc.path, found.path)
        db = open_database(exc.path, write=True)
    except (DatabaseLocked, DatabaseError) as failed:
        _refuse(failed, "恢复失败")
        return None
    text = f"已从备份 {found.path.name}（{found.label}）恢复 {done.declarations} 份申报表。"
    if done.kept_aside:
        text += f"\n损坏的文件已改名保留为 {done.kept_aside}。"
    QMessageBox.information(None, "已恢复", text)
    return db


def run_window(db_path: Path) -> int:
    app = make_app()
    try:
        db = open_database(db_path, write=True, defer_check=True)
    except DatabaseDamaged as exc:
        db = _offer_restore(exc)
        if db is None:
            return 2
    except (DatabaseLocked, DatabaseError) as exc:
        _refuse(exc)
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
