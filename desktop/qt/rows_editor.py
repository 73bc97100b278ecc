"""A table of rows with add / remove / move buttons, used by 测算依据 and 绩效指标."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QHBoxLayout, QHeaderView, QPushButton, QStyledItemDelegate, QTableView,
    QVBoxLayout, QWidget,
)

from desktop.qt.bindings import REQUIRED_HINT
from desktop.qt.commands import InsertRowCommand, MoveRowCommand, RemoveRowCommand
from desktop.qt.document import ROW_TYPES, DeclarationDocument
from desktop.qt.rows_model import REQUIRED_ROLE, RowsModel

# The path a whole table's problems name ("请填写测算依据", a missing core indicator).
TABLE_PATH = {"cost_items": "cost_basis", "indicators": "indicators"}


class CellDelegate(QStyledItemDelegate):
    """Writes a grey 必填 into an empty cell that must be filled in, as a line edit's placeholder does."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        if not option.text and index.data(REQUIRED_ROLE):
            option.text = REQUIRED_HINT
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                option.palette.setBrush(group, QPalette.ColorRole.Text,
                                        option.palette.brush(group, QPalette.ColorRole.PlaceholderText))


class RowsEditor(QWidget):
    def __init__(self, doc: DeclarationDocument, model: RowsModel, noun: str, parent=None):
        super().__init__(parent)
        self.doc, self.model, self.kind, self.noun = doc, model, model.kind, noun
        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setItemDelegate(CellDelegate(self.view))
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # Rows are as tall as their wrapped text. ResizeToContents alone does
        # not follow the columns: narrowing them (a smaller window, the
        # splitter, the problems panel shown) left text clipped, widening them
        # left empty space. fit_rows re-measures once the widths have settled.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)  # several columns resize in one go: measure once, after them
        self._fit_timer.timeout.connect(self.fit_rows)
        self.view.horizontalHeader().sectionResized.connect(self._schedule_fit)
        model.dataChanged.connect(self._data_changed)
        model.rowsInserted.connect(self._schedule_fit)
        model.modelReset.connect(self._schedule_fit)

        # Visiting: a cell the cursor leaves, and the table when the cursor leaves it, show their
        # "fill me in" problems as they are from then on (desktop.qt.visited).
        self.view.selectionModel().currentChanged.connect(self._left_cell)
        self._entered: object = None  # the declaration open when the cursor came into the table
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

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

    def _schedule_fit(self, *_args) -> None:
        self._fit_timer.start()

    def _data_changed(self, _top, _bottom, roles=()) -> None:
        if not roles or Qt.ItemDataRole.DisplayRole in roles:  # not for marks: they change no text
            self._fit_timer.start()

    def fit_rows(self) -> None:
        """Each row as tall as its text wrapped at the columns' present widths."""
        self.view.resizeRowsToContents()

    # -- visiting --------------------------------------------------------------
    def _visit_cell(self, index) -> None:
        if index.isValid() and self.doc.declaration is not None and index.row() < self.model.rowCount():
            self.doc.visited.visit(self.model.path(index.row(), index.column()))

    def _left_cell(self, _current, previous) -> None:
        self._visit_cell(previous)

    def _inside(self, widget) -> bool:
        """The table, a cell editor, its drop-down list (a window of its own), a button beside it."""
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parentWidget()
        return False

    def _focus_changed(self, old, new) -> None:
        if old is None or new is None or self.doc.declaration is None:
            return  # another application, or the window closing
        was_in, is_in = self._inside(old), self._inside(new)
        if is_in and not was_in:
            self._entered = self.doc.visited.key
        elif was_in and not is_in and self._entered == self.doc.visited.key:
            # Left for another field of the same declaration (not: another one was opened).
            self._visit_cell(self.view.currentIndex())
            self.doc.visited.visit(TABLE_PATH[self.kind])

    # -- rows ------------------------------------------------------------------
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
        row = min(row, self.model.rowCount() - 1)  # the row may be gone (an undone insert)
        if row < 0:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        idx = self.model.index(row, column)
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
