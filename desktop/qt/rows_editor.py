"""A table of rows with add / remove / move buttons, used by 测算依据 and 绩效指标."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop.qt.commands import InsertRowCommand, MoveRowCommand, RemoveRowCommand
from desktop.qt.document import ROW_TYPES, DeclarationDocument
from desktop.qt.rows_model import RowsModel


class RowsEditor(QWidget):
    def __init__(self, doc: DeclarationDocument, model: RowsModel, noun: str, parent=None):
        super().__init__(parent)
        self.doc, self.model, self.kind, self.noun = doc, model, model.kind, noun
        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)

        self.buttons = QHBoxLayout()
        self.add_button = self._button(f"添加{noun}", self.add_row)
        self.remove_button = self._button("删除所选", self.remove_row)
        self.up_button = self._button("上移", lambda: self.move_row(-1))
        self.down_button = self._button("下移", lambda: self.move_row(+1))
        self.buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(self.view, 1)

    def _button(self, text: str, slot) -> QPushButton:
        b = QPushButton(text, self)
        b.clicked.connect(slot)
        self.buttons.addWidget(b)
        return b

    def current_row(self) -> int:
        idx = self.view.currentIndex()
        return idx.row() if idx.isValid() else -1

    def new_row(self):
        return ROW_TYPES[self.kind]()

    def add_row(self) -> None:
        if self.doc.declaration is None:
            return
        cur = self.current_row()
        at = cur + 1 if cur >= 0 else self.model.rowCount()
        self.doc.push(InsertRowCommand(self.doc, self.kind, at, self.new_row(), f"添加{self.noun}"))
        self.select(at)

    def remove_row(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.doc.push(RemoveRowCommand(self.doc, self.kind, row, f"删除{self.noun}"))
        if self.model.rowCount():
            self.select(min(row, self.model.rowCount() - 1))

    def move_row(self, step: int) -> None:
        row = self.current_row()
        dst = row + step
        if row < 0 or not 0 <= dst < self.model.rowCount():
            return
        self.doc.push(MoveRowCommand(self.doc, self.kind, row, dst, f"移动{self.noun}"))
        self.select(dst)

    def select(self, row: int, column: int = 0) -> None:
        idx = self.model.index(row, column)
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
