"""The problems dock: every problem of the open declaration, in tab order."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem

from desktop.qt.document import DeclarationDocument

FIELD_ROLE = Qt.ItemDataRole.UserRole + 10


class ProblemsPanel(QDockWidget):
    problemActivated = Signal(str)  # field path

    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__("问题", parent)
        self.setObjectName("problems-dock")
        self.doc = doc
        self.list = QListWidget(self)
        self.list.setObjectName("problems-list")
        self.list.setWordWrap(True)
        self.setWidget(self.list)
        self.list.itemClicked.connect(lambda item: self.problemActivated.emit(item.data(FIELD_ROLE)))
        self.list.itemActivated.connect(lambda item: self.problemActivated.emit(item.data(FIELD_ROLE)))
        self._shown: list = []
        doc.problemsChanged.connect(self.refresh)

    def refresh(self) -> None:
        if self.doc.problems == self._shown:
            return  # most keystrokes change no problem: leave the list alone
        self._shown = list(self.doc.problems)
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        errors = sum(p.is_error for p in self.doc.problems)
        warnings = len(self.doc.problems) - errors
        self.setWindowTitle(f"问题（错误 {errors}，警告 {warnings}）")
        for p in self.doc.problems:
            item = QListWidgetItem(("错误：" if p.is_error else "警告：") + p.message)
            item.setData(FIELD_ROLE, p.field)
            item.setToolTip(f"{p.code}  ·  {p.field}")
            item.setForeground(QBrush(QColor("#b71c1c" if p.is_error else "#8a6100")))
            self.list.addItem(item)
        self.list.setUpdatesEnabled(True)
