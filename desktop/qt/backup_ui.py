"""文件 → 备份数据库 / 从备份恢复, and the quiet daily copy: the backup services behind dialogs.

从备份恢复 offers this database's own backups (daily copies, copies made
before an upgrade or a restore), newest first, with when each was made and
how many declarations it holds; "其他文件…" opens a file chooser for any other.
"""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from desktop.services import backups
from desktop.services.errors import ServiceError
from desktop.store.backup import BACKUP_DIR, backup_candidates, daily_backup
from desktop.store.database import DatabaseError, connect_read_only


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


def _kind(path: Path) -> str:
    if ".before-restore." in path.name:
        return "恢复前的自动备份"
    if ".before-migration" in path.name:
        return "升级前的自动备份"
    return "每日自动备份"


def quick_count(path: Path) -> int | None:
    """How many declarations a backup lists (those not in the 回收站), without checking
    its pages (that is done for the one chosen); None when it cannot be read."""
    try:
        con = connect_read_only(path)
    except (sqlite3.Error, OSError, DatabaseError):
        return None
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        table = "declaration_list" if "declaration_list" in tables else "declarations"  # schema 0003 and later
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        con.close()


class BackupChooser(QDialog):
    """This database's backups, newest first; 恢复 the chosen one, or 其他文件…."""

    HEADERS = ("备份时间", "申报表", "类型", "文件")

    def __init__(self, parent, candidates: list[tuple[str, Path]]):
        super().__init__(parent)
        self.setObjectName("backup-chooser")
        self.setWindowTitle("从备份恢复")
        self.other = False
        self.paths = [p for _label, p in candidates]
        self.table = QTableWidget(len(candidates), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        for row, (label, path) in enumerate(candidates):
            count = quick_count(path)
            cells = (label, "无法读取" if count is None else f"{count:,} 份", _kind(path), path.name)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(path))
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.selectRow(0)
        self.table.doubleClicked.connect(self.accept)
        note = QLabel(f"以下是数据库 {parent.db.path.name} 的备份，最新的在最上面。恢复前会先把当前数据另存一份。")
        note.setWordWrap(True)
        self.restore_button = QPushButton("恢复所选…")
        self.restore_button.setDefault(True)
        other = QPushButton("其他文件…")
        cancel = QPushButton("取消")
        self.restore_button.clicked.connect(self.accept)
        other.clicked.connect(self._other)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(other)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(640, 320)

    def _other(self) -> None:
        self.other = True
        self.accept()

    def chosen(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.paths[rows[0].row()] if rows else None


def _ask_file(window) -> str:
    db = window.db
    name, _ = QFileDialog.getOpenFileName(window, "从备份恢复", str(db.path.parent / BACKUP_DIR),
                                          "数据库备份 (*.sqlite3 *.db);;所有文件 (*)")
    return name


def choose_backup(window) -> str:
    """The backup to restore: one of this database's own, or another file; "" when cancelled."""
    candidates = [(label, p) for _made, label, p in backup_candidates(window.db.path)]
    if not candidates:
        return _ask_file(window)
    chooser = BackupChooser(window, candidates)
    try:
        if chooser.exec() != QDialog.DialogCode.Accepted:
            return ""
        if chooser.other:
            return _ask_file(window)
        chosen = chooser.chosen()
        return str(chosen) if chosen is not None else ""
    finally:
        chooser.deleteLater()


def restore_dialog(window) -> None:
    db = window.db
    name = choose_backup(window)
    if not name:
        return
    try:
        info = backups.inspect(Path(name))
    except ServiceError as exc:
        QMessageBox.warning(window, "不能恢复", str(exc))
        return
    count = quick_count(Path(name))  # as the list will show them: without those in the 回收站
    count = info.declarations if count is None else count
    answer = QMessageBox.question(
        window, "从备份恢复",
        f"用备份 {Path(name).name}（{count} 份申报表）替换当前的全部数据吗？\n"
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
                            f"已从备份恢复 {count} 份申报表。\n恢复前的数据另存在 {safety}。")
