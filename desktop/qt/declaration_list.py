"""The declaration list: a table model over the store's ordered ids, rows fetched as shown.

A thin adapter over desktop.store.listing, which does the sorting, filtering
and searching in SQL: the model keeps the ids of the current sort (``order``),
the set passing the filters and search, the ids shown, and a small cache of
the rows the view has asked for. A district's 100,000 declarations cost a few
MB of ids and one query per sort, filter or keystroke, never a load of them all.

Edited rows (``upsert``) keep their place until the next sort, filter or
reload, so the row being typed into does not jump away; new declarations
appear at the top.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence, Set as AbstractSet
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.amounts import display_amount
from desktop.store.listing import Listing, ListQuery
from desktop.store.summaries import Summary

# 项目编码 came last (issue 15): the columns keep their numbers, the view shows it second.
# 上年度 (issue 13): "← 2024" where the declaration was copied forward from that year's.
COLUMNS = ["项目名称", "申请单位", "申报年度", "本年度金额", "状态", "问题", "修改时间", "项目编码", "上年度"]
# The store's sort key for each column (上年度 sorts as 项目编码: a project's years side by side).
SORT_KEYS = ("project_name", "applicant_unit", "fiscal_year", "amount", "status", "problems", "updated_at",
             "project_code", "project_code")
DEFAULT_SORT = 6
NAME_COLUMN, UNIT_COLUMN, YEAR_COLUMN, AMOUNT_COLUMN = 0, 1, 2, 3
STATUS_COLUMN, PROBLEMS_COLUMN, UPDATED_COLUMN, CODE_COLUMN = 4, 5, 6, 7
LINK_COLUMN = 8
# Shorter header labels where the values are short (the full name is the header's tooltip).
HEADER_TEXT = {YEAR_COLUMN: "年度"}
ID_ROLE = Qt.ItemDataRole.UserRole + 2
UNSAVED_TEXT = "⚠ 未保存"
UNSAVED_BRUSH = QBrush(QColor("#ffd6d6"))
PAGE = 64  # rows read at a time as the view scrolls
CACHE_ROWS = 2048  # rows kept (a few screens); older ones are read again when scrolled back to


class DeclarationListModel(QAbstractTableModel):
    def __init__(self, listing: Listing, parent=None):
        super().__init__(parent)
        self.listing = listing
        self.query = ListQuery()
        self._loaded = False  # sort() before the first reload() only records the sort
        self._order: list[int] = []  # every id, in the current sort's order
        self._matching: AbstractSet[int] | None = None  # ids passing filters and search (None: all); never changed in place
        self._ids: list[int] = []  # the rows shown
        self._rows: OrderedDict[int, tuple[Summary, tuple]] = OrderedDict()  # id -> (summary, display texts)
        # Declarations whose latest edits could not be written (disk full,
        # read-only folder): id -> the reason, shown on their row until saved.
        self.unsaved: dict[int, str] = {}

    # -- what is shown ------------------------------------------------------------
    def reload(self) -> None:
        """Read the list again from the database (after an import, a restore...)."""
        self.beginResetModel()
        try:
            self.listing.close()  # a restore may have replaced the file
            self._order = self.listing.order(self.query.sort, self.query.descending)
            self._matching = self.listing.matching(self.query)
            self._ids = self._shown(self._order)
            self._rows.clear()
            self._loaded = True
        finally:
            self.endResetModel()

    def set_filters(self, **changes) -> None:
        """Change the search text or the year/unit/status filters (ListQuery fields; None: all)."""
        self.query = replace(self.query, **changes)
        if not self._loaded:
            return
        self.beginResetModel()
        try:
            self._matching = self.listing.matching(self.query)
            self._ids = self._shown(self._order)
        finally:
            self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else SORT_KEYS[DEFAULT_SORT]
        descending = order == Qt.SortOrder.DescendingOrder
        self.query = replace(self.query, sort=key, descending=descending)
        if not self._loaded:
            return
        new_order = self.listing.order(key, descending)
        new_ids = self._shown(new_order)
        if len(new_ids) != len(self._ids):
            # The database changed under the list (the window's own saves keep
            # the ids in step): read it afresh.
            self.beginResetModel()
            self._order, self._ids = new_order, new_ids
            self.endResetModel()
            return
        # The same rows in a new order: keep the selection and current row on their declarations.
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self._ids[i.row()] for i in old]
        self._order, self._ids = new_order, new_ids
        row_of = {decl_id: row for row, decl_id in enumerate(new_ids)} if len(old) > 8 else None

        def moved(decl_id: int) -> int:
            if row_of is not None:
                return row_of.get(decl_id, -1)
            return self.row_of(decl_id)

        rows = [moved(d) for d in old_ids]
        new = [self.index(r, i.column()) if r >= 0 else QModelIndex() for i, r in zip(old, rows, strict=True)]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _shown(self, order: list[int]) -> list[int]:
        found = self._matching
        return list(order) if found is None else list(filter(found.__contains__, order))

    # -- rows -------------------------------------------------------------------------
    def row_of(self, decl_id: int) -> int:
        try:
            return self._ids.index(decl_id)
        except ValueError:
            return -1

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def summary_at(self, row: int) -> Summary | None:
        entry = self._entry(row)
        return entry[0] if entry else None

    @property
    def items(self) -> Sequence[Summary]:
        """The rows shown, as summaries, read as they are indexed (for small lists and tests)."""
        return _Rows(self)

    def summaries(self, ids: list[int]) -> list[Summary]:
        """Summaries of ids, in that order (read from the database, shown or not)."""
        found = self.listing.summaries(ids)
        return [found[i] for i in ids if i in found]

    def filter_choices(self) -> tuple[list[int], list[str]]:
        """(years, units) in use, for the year and unit filters."""
        return self.listing.years(), self.listing.units()

    def _entry(self, row: int) -> tuple[Summary, tuple] | None:
        if not 0 <= row < len(self._ids):
            return None
        decl_id = self._ids[row]
        entry = self._rows.get(decl_id)
        if entry is not None:
            self._rows.move_to_end(decl_id)
            return entry
        start = row - row % PAGE
        wanted = [i for i in self._ids[start:start + PAGE] if i not in self._rows]
        for s in self.listing.summaries(wanted).values():
            self._rows[s.id] = (s, _display(s))
        while len(self._rows) > CACHE_ROWS:
            self._rows.popitem(last=False)
        return self._rows.get(decl_id)

    # -- changes made by the window ---------------------------------------------------
    def upsert(self, summary: Summary) -> None:
        """A declaration was saved: update its row, or show a new one at the top."""
        # Read again from the list table: it also holds the 项目编码, which a Summary does not.
        summary = self.listing.summaries([summary.id]).get(summary.id, summary)
        self._rows[summary.id] = (summary, _display(summary))
        row = self.row_of(summary.id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        if summary.id in self._order:
            return  # known but filtered out: stays hidden, as before the save
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._order.insert(0, summary.id)
        self._ids.insert(0, summary.id)
        if self._matching is not None:
            self._matching = self._matching | {summary.id}
        self.endInsertRows()

    def refresh_rows(self, ids: list[int] | None = None) -> None:
        """Read these rows (None: every row read so far) again when next shown: their problem
        counts changed because another declaration was saved (duplicates, last year)."""
        for decl_id in (list(self._rows) if ids is None else ids):
            self._rows.pop(decl_id, None)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def remove(self, decl_id: int) -> None:
        self._rows.pop(decl_id, None)
        if decl_id in self._order:
            self._order.remove(decl_id)
        if self._matching is not None and decl_id in self._matching:
            self._matching = self._matching - {decl_id}
        row = self.row_of(decl_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self.endRemoveRows()

    def set_unsaved(self, decl_id: int, reason: str | None) -> None:
        if reason is None:
            if self.unsaved.pop(decl_id, None) is None:
                return
        else:
            self.unsaved[decl_id] = reason
        row = self.row_of(decl_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADER_TEXT.get(section, COLUMNS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{COLUMNS[section]}（右键单击列标题，可选择显示哪些列）"
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == ID_ROLE:
            return self._ids[row] if row < len(self._ids) else None
        entry = self._entry(row)
        if entry is None:
            return None
        s, shown = entry
        unsaved = self.unsaved.get(s.id) if self.unsaved else None
        if role == Qt.ItemDataRole.DisplayRole:
            if unsaved is not None and col == STATUS_COLUMN:
                return UNSAVED_TEXT
            return shown[col]
        if unsaved is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return UNSAVED_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"最近的修改还没有保存：{unsaved}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (YEAR_COLUMN, AMOUNT_COLUMN, PROBLEMS_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == PROBLEMS_COLUMN:
            return f"错误 {s.error_count} 个，警告 {s.warning_count} 个"
        source = getattr(s, "source_id", None)
        if role == Qt.ItemDataRole.ToolTipRole and source is not None and col in (LINK_COLUMN, YEAR_COLUMN, CODE_COLUMN):
            return (f"由 {getattr(s, 'source_year', '')} 年度的申报表（编号 {source}）复制到下一年度而来；"
                    "“申报 → 与上年度比较”可查看改动")
        return None


class _Rows(Sequence):
    """The model's rows as a sequence of summaries (DeclarationListModel.items)."""

    def __init__(self, model: DeclarationListModel):
        self._model = model

    def __len__(self) -> int:
        return self._model.rowCount()

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._model.summary_at(i)


def _display(s: Summary) -> tuple:
    return (
        s.project_name or "（未命名）",
        s.applicant_unit,
        str(s.fiscal_year),
        display_amount(s.annual_amount),
        s.status,
        _problem_text(s),
        s.updated_at.strftime("%m-%d %H:%M") if s.updated_at else "",
        getattr(s, "project_code", ""),
        _link(getattr(s, "source_year", None)),
    )


def _link(source_year: int | None) -> str:
    """The 上年度 column: the year of the declaration this one was copied forward from."""
    return f"← {source_year}" if source_year is not None else ""


def _problem_text(s: Summary) -> str:
    if s.error_count:
        return f"{s.error_count} 错"
    if s.warning_count:
        return f"{s.warning_count} 警告"
    return "无"
