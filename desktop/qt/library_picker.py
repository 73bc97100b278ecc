"""指标库…: choose indicators from the library (and the user's own past rows) and insert them.

Left the categories of the open declaration's template, top a search box
(汉字、全拼或首字母, the ranking of the popup), middle the entries with a check
box each, right the chosen entry in full. Entries already in the table are
marked and cannot be checked again; 插入所选 puts every checked one into its
category in one undo step.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QSplitter, QTableView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from desktop.domain.library import Suggestion

SHOWN = 500  # entries listed at most (the best ones first when searching)
IN_TABLE = "已在表中"
ALL = ("", "")


class LibraryPicker(QDialog):
    def __init__(self, library_ui, parent=None):
        super().__init__(parent)
        self.setObjectName("library-picker")
        self.setWindowTitle("指标库")
        self.ui = library_ui
        self.doc = library_ui.doc
        self.index = library_ui.library.index()
        self.template = self.doc.template
        self.shown: list[Suggestion] = []
        self.checked: dict[tuple[str, str, str], Suggestion] = {}
        self._filling = False

        self.search = QLineEdit(self)
        self.search.setObjectName("library-search")
        self.search.setPlaceholderText("输入汉字、全拼或首字母查找，如 满意度 / manyidu / myd")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("library-categories")
        self.tree.setHeaderHidden(True)
        self._fill_tree()
        self.tree.currentItemChanged.connect(lambda *_a: self.refresh())

        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["三级指标", "目标值", "来源", "类别"])
        self.model.itemChanged.connect(self._check_changed)
        self.table = QTableView(self)
        self.table.setObjectName("library-entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._preview(cur.row()))

        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("library-preview")
        self.preview.setReadOnly(True)  # user text shown as text, never as markup

        self.count_label = QLabel(self)
        buttons = QDialogButtonBox(self)
        self.insert_button = QPushButton("插入所选", self)
        self.insert_button.setDefault(True)
        self.insert_button.setEnabled(False)
        buttons.addButton(self.insert_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.insert_button.clicked.connect(self.insert)
        buttons.rejected.connect(self.reject)
        self.import_button = QPushButton("导入指标库…", self)
        self.import_button.setToolTip("导入财政部门下发的 Excel 指标库（一级指标、二级指标、三级指标、指标值、指标解释）"
                                      "或 JSON；与已有指标合并，不产生重复")
        self.import_button.clicked.connect(self.import_library)
        self.export_button = QPushButton("导出指标库…", self)
        self.export_button.clicked.connect(self.export_library)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.tree)
        middle = QWidget(split)
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.addWidget(self.search)
        mid.addWidget(self.table, 1)
        split.addWidget(middle)
        split.addWidget(self.preview)
        split.setSizes([230, 520, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.resize(1080, 600)
        self._select_current_category()
        self.refresh()
        self.search.setFocus()

    # -- categories ----------------------------------------------------------------------
    def _fill_tree(self) -> None:
        placed = self.index.placed(self.template)
        counts: dict[tuple[str, str], int] = {}
        for pair in placed:
            if pair is not None:
                counts[pair] = counts.get(pair, 0) + 1
        top = QTreeWidgetItem(self.tree, [f"全部（{sum(counts.values())}）"])
        top.setData(0, Qt.ItemDataRole.UserRole, ALL)
        self.items: dict[tuple[str, str], QTreeWidgetItem] = {ALL: top}
        for cat in self.template.categories:
            total = sum(counts.get((cat.level1, l2.name), 0) for l2 in cat.level2)
            parent = QTreeWidgetItem(self.tree, [f"{cat.level1}（{total}）"])
            parent.setData(0, Qt.ItemDataRole.UserRole, (cat.level1, ""))
            self.items[(cat.level1, "")] = parent
            for l2 in cat.level2:
                child = QTreeWidgetItem(parent, [f"{l2.name}（{counts.get((cat.level1, l2.name), 0)}）"])
                child.setData(0, Qt.ItemDataRole.UserRole, (cat.level1, l2.name))
                self.items[(cat.level1, l2.name)] = child
        self.tree.expandAll()

    def _select_current_category(self) -> None:
        row = self.ui.editor.current_row()
        rows = self.doc.rows("indicators")
        pair = (rows[row].level1, rows[row].level2) if 0 <= row < len(rows) else ALL
        self.tree.setCurrentItem(self.items.get(pair, self.items[ALL]))

    def category(self) -> tuple[str, str]:
        item = self.tree.currentItem()
        if item is None:
            return ALL
        level1, level2 = item.data(0, Qt.ItemDataRole.UserRole)
        return (level1, level2)

    def select_category(self, level1: str, level2: str = "") -> None:
        self.tree.setCurrentItem(self.items[(level1, level2)])

    # -- entries -------------------------------------------------------------------------
    def _in_table(self) -> set[tuple[str, str, str]]:
        return {(r.level1, r.level2, r.name.strip()) for r in self.doc.rows("indicators")}

    def refresh(self) -> None:
        """The entries of the chosen category matching the search, best first."""
        from desktop.services.library import suggest

        level1, level2 = self.category()
        unit = self.doc.declaration.header.applicant_unit.strip() if self.doc.declaration is not None else ""
        text = self.search.text().strip()
        if text:
            found = suggest(self.index, text, template=self.template, level1=level1, level2=level2, unit=unit,
                            limit=SHOWN)
        else:
            found = self.index.browse(template=self.template, level1=level1, level2=level2, unit=unit)[:SHOWN]
        found = [s for s in found if (s.level1, s.level2) in self.template.category_order]
        self.shown = found
        present = self._in_table()
        self._filling = True
        self.model.removeRows(0, self.model.rowCount())
        grey = QBrush(QColor("#888888"))
        for s in found:
            key = (s.level1, s.level2, s.name)
            there = key in present
            name = QStandardItem(f"{s.name}（{IN_TABLE}）" if there else s.name)
            name.setCheckable(not there)
            name.setCheckState(Qt.CheckState.Checked if key in self.checked else Qt.CheckState.Unchecked)
            cells = [name, QStandardItem(s.target), QStandardItem(s.source), QStandardItem(s.level2)]
            for c in cells:
                c.setEditable(False)
                if there:
                    c.setForeground(grey)
                    c.setToolTip("这个指标已在本表中")
            self.model.appendRow(cells)
        self._filling = False
        self._update_count()
        if found:
            self.table.selectRow(0)
            self._preview(0)
        else:
            self.preview.setPlainText("没有找到指标。可换个说法，或用全拼、首字母查找。")

    def _preview(self, row: int) -> None:
        if not 0 <= row < len(self.shown):
            return
        s = self.shown[row]
        lines = [s.name, f"类别：{s.level1} / {s.level2}", f"目标值：{s.target or '（无）'}",
                 f"指标解释：{s.explanation or '（无）'}"]
        if s.keywords:
            lines.append(f"关键词：{s.keywords}")
        lines.append(f"来源：{s.source}" + (f"（填过 {s.uses} 次）" if s.is_history and s.uses else ""))
        if "__" in s.target:
            lines.append("插入后请把目标值中的“__”改为实际的数。")
        self.preview.setPlainText("\n".join(lines))

    def _check_changed(self, item: QStandardItem) -> None:
        if self._filling or item.column() != 0 or not 0 <= item.row() < len(self.shown):
            return
        s = self.shown[item.row()]
        key = (s.level1, s.level2, s.name)
        if item.checkState() == Qt.CheckState.Checked:
            self.checked[key] = s
        else:
            self.checked.pop(key, None)
        self._update_count()

    def set_checked(self, row: int, on: bool = True) -> None:
        item = self.model.item(row, 0)
        if item is not None and item.isCheckable():
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _update_count(self) -> None:
        n = len(self.checked)
        self.insert_button.setEnabled(n > 0)
        self.insert_button.setText(f"插入所选（{n}）" if n else "插入所选")
        self.count_label.setText(f"列出 {len(self.shown)} 条" + (f"，已选 {n} 条" if n else "")
                                 + ("（只列出最相关的前 500 条）" if len(self.shown) >= SHOWN else ""))

    def insert(self) -> None:
        chosen = list(self.checked.values())
        self.ui.insert_many(chosen)
        self.accept()

    # -- import and export: the same services as `jixiao library import|export` ---------------
    def import_library(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from desktop.services.errors import ServiceError
        from desktop.services.library import import_library

        name, _ = QFileDialog.getOpenFileName(self, "导入指标库", str(Path.home()), "指标库 (*.xlsx *.json)")
        db = self.ui.library.db
        if not name or db is None:
            return
        try:
            report = import_library(db, Path(name))
        except ServiceError as exc:
            QMessageBox.warning(self, "导入指标库", str(exc))
            return
        self.ui.library.library_changed()
        self.index = self.ui.library.index()
        self.tree.clear()
        self._fill_tree()
        self._select_current_category()
        self.refresh()
        lines = report.lines()
        shown = lines[-1:] + lines[:-1][:30] + (["……"] if len(lines) > 31 else [])
        QMessageBox.information(self, "导入指标库", "\n".join(shown))

    def export_library(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from desktop import paths
        from desktop.services.errors import ServiceError
        from desktop.services.library import export_library

        db = self.ui.library.db
        if db is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "导出指标库", str(Path.home() / "指标库.xlsx"),
                                              "Excel 工作簿 (*.xlsx);;JSON (*.json)")
        if not name:
            return
        try:
            out, count = export_library(db, Path(name), paths.database_files(db.path))
        except ServiceError as exc:
            QMessageBox.warning(self, "导出指标库", str(exc))
            return
        QMessageBox.information(self, "导出指标库", f"已导出 {count} 条指标：{out}")
