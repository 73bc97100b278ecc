"""Item models over the document's row lists (cost items, indicators).

Thin adapters: the document announces inserts/removes/moves and the model
turns them into begin/end calls; edits go back as undo commands.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.amounts import display_amount
from desktop.qt.commands import SetFieldCommand
from desktop.qt.document import DeclarationDocument
from desktop.qt.visited import is_fill_in

ERROR_BG = QColor("#fde2e2")
WARNING_BG = QColor("#fff4d6")
# True for an empty cell that must be filled in: the view writes a grey 必填 in it.
REQUIRED_ROLE = Qt.ItemDataRole.UserRole + 20


class RowsModel(QAbstractTableModel):
    def __init__(self, doc: DeclarationDocument, kind: str, columns: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.doc, self.kind, self.columns = doc, kind, columns
        self.amount_fields: set[str] = set()
        doc.reset.connect(self._reset)
        doc.fieldChanged.connect(self._field_changed)
        doc.marksChanged.connect(self._problems_changed)
        def mine(action):
            """A slot that runs `action` only for this model's kind of rows."""
            def slot(k, *args):
                if k == kind:
                    action(*args)
            return slot

        doc.rowsAboutToBeInserted.connect(mine(lambda i: self.beginInsertRows(QModelIndex(), i, i)))
        doc.rowsInserted.connect(mine(lambda _i: self.endInsertRows()))
        doc.rowsAboutToBeRemoved.connect(mine(lambda i: self.beginRemoveRows(QModelIndex(), i, i)))
        doc.rowsRemoved.connect(mine(lambda _i: self.endRemoveRows()))
        doc.rowsAboutToBeMoved.connect(self._about_to_move)
        doc.rowsMoved.connect(mine(lambda _s, _d: self.endMoveRows()))
        self._marked: set[tuple[int, int]] = set()

    # -- structure -----------------------------------------------------------
    def _rows(self) -> list:
        return self.doc.rows(self.kind) if self.doc.declaration is not None else []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1] if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def path(self, row: int, column: int) -> str:
        return f"{self.kind}[{row}].{self.columns[column][0]}"

    # -- data ----------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows()):
            return None
        field = self.columns[index.column()][0]
        value = getattr(self._rows()[index.row()], field)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_amount(value) if field in self.amount_fields else value
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and field in self.amount_fields:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, REQUIRED_ROLE):
            # Quiet problems (a required cell not visited yet) colour nothing; their tooltip still says why.
            shown, quiet = self.doc.marks_for(self.path(index.row(), index.column()))
            if role == REQUIRED_ROLE:
                return any(is_fill_in(p) for p in [*shown, *quiet])
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(p.message for p in [*shown, *quiet]) or None
            if not shown:
                return None
            return QBrush(ERROR_BG if any(p.is_error for p in shown) else WARNING_BG)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        path = self.path(index.row(), index.column())
        value = "" if value is None else str(value)
        if self.columns[index.column()][0] in self.amount_fields:
            # Stored as the header's amounts are ("8万" -> "80,000.00"), so exports agree;
            # text that does not parse stays as typed, nothing typed is lost.
            value = display_amount(value)
        if self.doc.get(path) != value:
            self.doc.push(SetFieldCommand(self.doc, path, value, f"修改{self.columns[index.column()][1]}", merge=False))
        return True

    # -- document signals ------------------------------------------------------
    def _reset(self) -> None:
        self.beginResetModel()
        self._marked.clear()
        self.endResetModel()

    def _field_changed(self, path: str) -> None:
        prefix = f"{self.kind}["
        if not path.startswith(prefix):
            return
        row = int(path[len(prefix):path.index("]")])
        field = path.rsplit(".", 1)[1]
        col = next((i for i, (f, _t) in enumerate(self.columns) if f == field), None)
        if col is not None:
            idx = self.index(row, col)
            self.dataChanged.emit(idx, idx)

    def _problems_changed(self) -> None:
        # Repaint only the cells whose marks may have changed.
        marked = set()
        prefix = f"{self.kind}["
        for path in self.doc.problems_by_field:
            if path.startswith(prefix) and "." in path:
                row = int(path[len(prefix):path.index("]")])
                field = path.rsplit(".", 1)[1]
                for col, (f, _t) in enumerate(self.columns):
                    if f == field:
                        marked.add((row, col))
        for row, col in marked | self._marked:
            if row < self.rowCount():
                idx = self.index(row, col)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
                                                 REQUIRED_ROLE])
        self._marked = marked

    def _about_to_move(self, kind: str, src: int, dst: int) -> None:
        if kind != self.kind:
            return
        # Qt's destination is the row *before which* the moved row lands.
        self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), dst + 1 if dst > src else dst)

