"""Tabs of free text: 政策依据; 年度目标 with 长期目标."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from desktop.domain.template import registry
from desktop.qt.bindings import PlainTextBinding
from desktop.qt.document import DeclarationDocument


class TextTab(QWidget):
    def __init__(self, doc: DeclarationDocument, paths: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.bindings = {}
        self.widgets: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        t = registry().default
        for path, hint in paths:
            label = QLabel(t.label(path), self)
            edit = QPlainTextEdit(self)
            edit.setObjectName(path)
            edit.setPlaceholderText(hint)
            label.setBuddy(edit)
            layout.addWidget(label)
            layout.addWidget(edit, 1)
            self.widgets[path] = edit
            self.bindings[path] = PlainTextBinding(doc, path, edit, t.label(path).split("（")[0])
