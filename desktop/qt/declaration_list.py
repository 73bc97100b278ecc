"""The declaration list: a table model over summaries, with search and filters."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.amounts import display_amount, parse_amount
from desktop.store.summaries import Summary

COLUMNS = ["项目名称", "申请单位", "申报年度", "本年度金额", "状态", "问题", "修改时间"]
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_COLUMN = 4
UNSAVED_TEXT = "⚠ 未保存"
UNSAVED_BRUSH = QBrush(QColor("#ffd6d6"))


class DeclarationListModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[Summary] = []
        # Display and sort values per row, computed once: views ask for them
        # many times (painting, sorting, filtering) and a list may hold thousands.
        self._shown: list[tuple] = []
        self._sort: list[tuple] = []
        # Declarations whose latest edits could not be written (disk full,
        # read-only folder): id -> the reason, shown on their row until saved.
        self.unsaved: dict[int, str] = {}

    def set_unsaved(self, decl_id: int, reason: str | None) -> None:
        if reason is None:
            if self.unsaved.pop(decl_id, None) is None:
                return
        else:
            self.unsaved[decl_id] = reason
        row = self.row_of(decl_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def set_items(self, items: list[Summary]) -> None:
        self.beginResetModel()
        try:
            self.items = list(items)
            self._shown = [_display(s) for s in self.items]
            self._sort = [_sort_keys(s, shown) for s, shown in zip(self.items, self._shown)]
        finally:
            self.endResetModel()

    def upsert(self, summary: Summary) -> None:
        shown = _display(summary)
        for row, s in enumerate(self.items):
            if s.id == summary.id:
                self.items[row], self._shown[row] = summary, shown
                self._sort[row] = _sort_keys(summary, shown)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.items.insert(0, summary)
        self._shown.insert(0, shown)
        self._sort.insert(0, _sort_keys(summary, shown))
        self.endInsertRows()

    def remove(self, decl_id: int) -> None:
        for row, s in enumerate(self.items):
            if s.id == decl_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.items[row], self._shown[row], self._sort[row]
                self.endRemoveRows()
                return

    def row_of(self, decl_id: int) -> int:
        return next((i for i, s in enumerate(self.items) if s.id == decl_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        row, col = index.row(), index.column()
        s = self.items[row]
        unsaved = self.unsaved.get(s.id) if self.unsaved else None
        if role == Qt.ItemDataRole.DisplayRole:
            if unsaved is not None and col == STATUS_COLUMN:
                return UNSAVED_TEXT
            return self._shown[row][col]
        if role == SORT_ROLE:
            return self._sort[row][col]
        if role == ID_ROLE:
            return s.id
        if unsaved is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return UNSAVED_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"最近的修改还没有保存：{unsaved}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return f"错误 {s.error_count} 个，警告 {s.warning_count} 个"
        return None


def _display(s: Summary) -> tuple:
    return (
        s.project_name or "（未命名）",
        s.applicant_unit,
        str(s.fiscal_year),
        display_amount(s.annual_amount),
        s.status,
        _problem_text(s),
        s.updated_at.strftime("%m-%d %H:%M") if s.updated_at else "",
    )


def _sort_keys(s: Summary, shown: tuple) -> tuple:
    v = parse_amount(s.annual_amount).value
    return (
        shown[0], shown[1], s.fiscal_year,
        float(v) if v is not None else -1.0,  # for ordering only; stored amounts stay exact
        s.status, s.error_count * 1000 + s.warning_count,
        s.updated_at.isoformat() if s.updated_at else "",
    )


def _problem_text(s: Summary) -> str:
    if s.error_count:
        return f"{s.error_count} 错"
    if s.warning_count:
        return f"{s.warning_count} 警告"
    return "无"


class DeclarationFilter(QSortFilterProxyModel):
    """Search as you type over name, unit, year and amount; optional year/unit/status filters."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.text = ""
        self.year = ""
        self.unit = ""
        self.status = ""

    def set_filters(self, text=None, year=None, unit=None, status=None) -> None:
        self.beginFilterChange()
        if text is not None:
            self.text = text.strip().lower()
        if year is not None:
            self.year = year
        if unit is not None:
            self.unit = unit
        if status is not None:
            self.status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        s = self.sourceModel().items[source_row]
        if self.year and str(s.fiscal_year) != self.year:
            return False
        if self.unit and s.applicant_unit != self.unit:
            return False
        if self.status and s.status != self.status:
            return False
        if self.text:
            hay = " ".join((s.project_name, s.applicant_unit, s.budget_unit, str(s.fiscal_year), s.annual_amount)).lower()
            return all(word in hay for word in self.text.split())
        return True
