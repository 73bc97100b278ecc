"""The problems dock: every problem of the open declaration, in tab order.

Mistakes (errors, warnings) come first. Required fields the user has not been
to yet are not mistakes but what is left to do: they follow under one quiet
heading, 尚未填写的必填项 (desktop.qt.visited).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QDockWidget, QLabel, QListWidget, QListWidgetItem, QSizePolicy, QStackedWidget

from desktop.qt.document import DeclarationDocument

FIELD_ROLE = Qt.ItemDataRole.UserRole + 10
ERROR_COLOR = QColor("#b71c1c")
WARNING_COLOR = QColor("#8a6100")
PENDING_COLOR = QColor("#5f6368")  # grey: to do, not wrong

EMPTY_HINT = "没有发现问题。填写时，问题会列在这里；点击一项可跳到对应的栏目。"
NOTHING_OPEN_HINT = "打开或新建一份申报表后，它的问题会列在这里。"


class ProblemsPanel(QDockWidget):
    problemActivated = Signal(str)  # field path

    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__("问题", parent)
        self.setObjectName("problems-dock")
        self.doc = doc
        self.list = QListWidget(self)
        self.list.setObjectName("problems-list")
        self.list.setWordWrap(True)
        # An empty list says nothing; this says what the panel is for.
        self.hint = QLabel(EMPTY_HINT, self)
        self.hint.setObjectName("problems-hint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.hint.setMargin(8)
        self.hint.setStyleSheet(f"color: {PENDING_COLOR.name()};")
        # The panel is as wide as the list would be: a long hint must not widen it.
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.list)
        self.pages.addWidget(self.hint)
        self.setWidget(self.pages)
        self.list.itemClicked.connect(self._activated)
        self.list.itemActivated.connect(self._activated)
        self._shown: object = None
        doc.marksChanged.connect(self.refresh)
        self.refresh()

    def _activated(self, item: QListWidgetItem) -> None:
        field = item.data(FIELD_ROLE)
        if field:  # not the group heading
            self.problemActivated.emit(field)

    def refresh(self) -> None:
        problems = self.doc.problems
        quiet = [self.doc.is_quiet(p) for p in problems]
        state = (self.doc.declaration is None, problems, quiet)
        if state == self._shown:
            return  # most keystrokes change no problem: leave the list alone
        self._shown = (state[0], list(problems), quiet)
        shown = [p for p, q in zip(problems, quiet, strict=True) if not q]
        pending = [p for p, q in zip(problems, quiet, strict=True) if q]
        errors = sum(p.is_error for p in shown)
        counts = [(errors, "错误"), (len(shown) - errors, "警告"), (len(pending), "待填写")]
        parts = [f"{word} {n}" for n, word in counts if n]
        self.setWindowTitle(f"问题（{'，'.join(parts)}）" if parts else "问题")

        self.list.setUpdatesEnabled(False)
        self.list.clear()
        for p in shown:
            self._add(("错误：" if p.is_error else "警告：") + p.message, p,
                      ERROR_COLOR if p.is_error else WARNING_COLOR)
        if pending:
            heading = QListWidgetItem(f"尚未填写的必填项 {len(pending)} 项")
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable, goes nowhere
            heading.setForeground(QBrush(PENDING_COLOR))
            font = QFont(self.list.font())
            font.setBold(True)
            heading.setFont(font)
            self.list.addItem(heading)
            for p in pending:
                self._add(p.message, p, PENDING_COLOR)
        self.list.setUpdatesEnabled(True)
        self.hint.setText(NOTHING_OPEN_HINT if self.doc.declaration is None else EMPTY_HINT)
        self.pages.setCurrentWidget(self.hint if self.list.count() == 0 else self.list)

    def _add(self, text: str, p, color: QColor) -> None:
        item = QListWidgetItem(text)
        item.setData(FIELD_ROLE, p.field)
        item.setToolTip(f"{p.code}  ·  {p.field}")
        item.setForeground(QBrush(color))
        self.list.addItem(item)
