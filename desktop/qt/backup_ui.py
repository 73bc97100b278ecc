"""文件 → 备份数据库 / 从备份恢复, and the quiet daily copy: the backup services behind dialogs."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.services import backups
from desktop.services.errors import ServiceError
from desktop.store.backup import daily_backup
from desktop.store.database import DatabaseError


def daily(window) -> None:
    """Today's copy, once a day, never in the user's way (but a failure is said)."""
    try:
        made = daily_backup(window.db)
    except (OSError, sqlite3.Error, DatabaseError) as exc:
        window.statusBar().showMessage(f"自动备份失败：{exc}", 15000)
        return
    if made:
        window.statusBar().showMessage(f"已自动备份到 {made}", 5000)


def backup_dialog(window) -> None:
    if not window._saved_or_warn():
        return
    db = window.db
    suggested = db.path.parent / f"{db.path.stem}-备份-{date.today():%Y%m%d}.sqlite3"
    name, _ = QFileDialog.getSaveFileName(window, "备份数据库", str(suggested), "数据库备份 (*.sqlite3)")
    if not name:
        return
    try:
        target = backups.backup(db, Path(name))
    except ServiceError as exc:
        QMessageBox.warning(window, "不能备份", str(exc))
        return
    window.statusBar().showMessage(f"已备份到 {target}", 5000)


def restore_dialog(window) -> None:
    db = window.db
    name, _ = QFileDialog.getOpenFileName(window, "从备份恢复", str(db.path.parent / "backups"),
                                          f"{db.path.stem} 的备份 ({db.path.stem}-*.sqlite3 {db.path.stem}.*.sqlite3);;"
                                          "数据库备份 (*.sqlite3 *.db);;所有文件 (*)")
    if not name:
        return
    try:
        info = backups.inspect(Path(name))
    except ServiceError as exc:
        QMessageBox.warning(window, "不能恢复", str(exc))
        return
    answer = QMessageBox.question(
        window, "从备份恢复",
        f"用备份 {Path(name).name}（{info.declarations} 份申报表）替换当前的全部数据吗？\n"
        "恢复前会先把当前数据另存一份。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes or not window._saved_or_warn():
        return
    window.doc.load(None)
    try:
        safety = backups.restore(db, Path(name))
    except ServiceError as exc:
        QMessageBox.critical(window, "恢复失败", str(exc))
        window.reload_list()
        return
    window.reload_list()
    if window.list_model.rowCount():
        window.open_declaration(window.list_model.id_at(0))
    QMessageBox.information(window, "恢复完成",
                            f"已从备份恢复 {info.declarations} 份申报表。\n恢复前的数据另存在 {safety}。")
