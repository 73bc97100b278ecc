"""文件 → 回收站: the deleted declarations, to put back in the list or to erase for good.

A thin dialog over desktop.services.trash (the same calls as `jixiao trash`,
`restore-deleted` and `empty-trash`); every action asks first.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from desktop.qt.list_panel import ElidedTextDelegate
from desktop.services import trash
from desktop.services.errors import ServiceError

HEADERS = ("项目名称", "项目编码", "申报年度", "申请单位", "删除时间")
UNIT = 3
NAME_MAX = 240  # px: a long name is cut (its tooltip holds it), the unit takes the rest
ID_ROLE = Qt.ItemDataRole.UserRole + 1
Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


class TrashDialog(QDialog):
    restored = Signal(list)  # the ids put back in the list

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("trash-dialog")
        self.setWindowTitle("回收站")
        self.repo = window.repo
        self.note = QLabel("删除的申报表先放在回收站里：不在列表、搜索和统计中，可以恢复。"
                           "彻底删除或清空回收站后就不能再恢复了。")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("trash-table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setItemDelegate(ElidedTextDelegate(self.table, middle=(UNIT,)))
        self.table.horizontalHeader().setSectionResizeMode(UNIT, QHeaderView.ResizeMode.Stretch)
        self.restore_button = QPushButton("恢复所选")
        self.purge_button = QPushButton("彻底删除所选…")
        self.empty_button = QPushButton("清空回收站…")
        self.close_button = QPushButton("关闭")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_button.clicked.connect(self.empty)
        self.close_button.clicked.connect(self.accept)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        for b in (self.restore_button, self.purge_button, self.empty_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(760, 420)
        self.reload()

    def reload(self) -> None:
        items = trash.list_trash(self.repo)
        self.table.setRowCount(len(items))
        for row, t in enumerate(items):
            cells = (t.project_name or "（未命名）", t.project_code, str(t.fiscal_year), t.applicant_unit,
                     f"{t.deleted_at:%Y-%m-%d %H:%M}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, t.id)
                self.table.setItem(row, col, item)
        for col in range(len(HEADERS)):
            if col != UNIT:
                self.table.resizeColumnToContents(col)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), NAME_MAX))
        self.setWindowTitle(f"回收站（{len(items)} 份）" if items else "回收站（空）")
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(ID_ROLE) for r in rows]

    def _names(self, ids: list[int]) -> str:
        chosen = set(ids)
        names = [self.table.item(r, 0).text() for r in range(self.table.rowCount())
                 if self.table.item(r, 0).data(ID_ROLE) in chosen]
        more = f"\n……另有 {len(names) - 10} 份" if len(names) > 10 else ""
        return "\n".join(names[:10]) + more

    def _update_buttons(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.restore_button.setEnabled(chosen)
        self.purge_button.setEnabled(chosen)
        self.empty_button.setEnabled(self.table.rowCount() > 0)

    def _ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text, Yes | No, No) == Yes

    def _run(self, action, failed: str):
        try:
            return action()
        except ServiceError as exc:
            QMessageBox.critical(self, failed, str(exc))
            return None

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self._ask("恢复申报表", f"把以下 {len(ids)} 份申报表恢复到列表中吗？\n\n{self._names(ids)}"):
            return
        if self._run(lambda: trash.restore(self.repo, ids), "恢复失败") is None:
            return
        self.reload()
        self.restored.emit(ids)

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self._ask("彻底删除", f"彻底删除以下 {len(ids)} 份申报表吗？彻底删除后不能恢复。\n\n"
                                               f"{self._names(ids)}"):
            return
        if self._run(lambda: trash.purge(self.repo, ids), "彻底删除失败") is not None:
            self.reload()

    def empty(self) -> None:
        count = self.table.rowCount()
        if not count or not self._ask("清空回收站", f"彻底删除回收站中的全部 {count} 份申报表吗？清空后不能恢复。"):
            return
        if self._run(lambda: trash.purge(self.repo, None), "清空回收站失败") is not None:
            self.reload()
