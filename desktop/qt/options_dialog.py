"""编辑列表…: add or remove the values of an option list (项目类型) beside the template's."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from desktop.services import options
from desktop.services.errors import ServiceError
from desktop.store.database import Database


class OptionsDialog(QDialog):
    """The known values of one field's list; the user's own can be added and removed."""

    def __init__(self, db: Database, field: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.field = db, field
        self.changed = False
        self.setObjectName("options-dialog")
        self.setWindowTitle("编辑列表：项目类型")
        self.list = QListWidget(self)
        self.input = QLineEdit(self)
        self.input.setPlaceholderText("新的项目类型，如 事业发展类项目")
        self.input.returnPressed.connect(self.add)
        self.add_button = QPushButton("添加", self)
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("删除所选", self)
        self.remove_button.clicked.connect(self.remove)
        self.message = QLabel(self)
        self.message.setObjectName("options-message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("模板自带的类型不能删除；用过或添加的类型不再提示“不在已知列表中”。", self))
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for v in options.known_values(self.db, self.field):
            item = QListWidgetItem(f"{v.value}（{options.SOURCES[v.source]}）")
            item.setData(Qt.ItemDataRole.UserRole, v.value)
            item.setData(Qt.ItemDataRole.UserRole + 1, v.source)
            self.list.addItem(item)

    def values(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def add(self) -> None:
        try:
            options.add_value(self.db, self.field, self.input.text())
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.changed = True
        self.message.setText(f"已添加“{' '.join(self.input.text().split())}”")
        self.input.clear()
        self.reload()

    def remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.message.setText("请先选择要删除的类型")
            return
        value = item.data(Qt.ItemDataRole.UserRole)
        try:
            options.remove_value(self.db, self.field, value)
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.changed = True
        self.message.setText(f"已删除“{value}”")
        self.reload()
