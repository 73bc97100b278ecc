"""The declaration list beside the editor: search, year/unit/status filters, the
lazy table of summaries, and the 新建 · 复制 · 删除 buttons.

Sorting, filtering and search are SQL queries (desktop.store.listing) behind a
thin model (desktop.qt.declaration_list), so the panel is as quick with a
bureau's 100,000 declarations as with five.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from desktop.qt.declaration_list import DEFAULT_SORT, ID_ROLE, DeclarationListModel
from desktop.store.database import Database
from desktop.store.listing import Listing

COLUMN_WIDTHS = (0, 80, 62, 100, 40, 56, 80)  # 0: stretches


class ListPanel(QWidget):
    currentDeclarationChanged = Signal(int)  # the user moved to another row

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        # Which declaration to keep selected when the rows change (set by the window).
        self.keep_selected: Callable[[], int | None] = lambda: None
        self.list_model = DeclarationListModel(Listing(db), self)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索项目名称、单位、项目编码、年度、金额…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filters)
        self.year_filter = QComboBox()
        self.unit_filter = QComboBox()
        self.status_filter = QComboBox()
        self.status_filter.addItems(["全部状态", "草稿", "定稿"])
        for combo in (self.year_filter, self.unit_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.list_view = self._build_view()
        self.new_button = QPushButton("新建")
        self.copy_button = QPushButton("复制")
        self.delete_button = QPushButton("删除")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        filters = QHBoxLayout()
        for w in (self.year_filter, self.unit_filter, self.status_filter):
            filters.addWidget(w)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.copy_button, self.delete_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)

    def _build_view(self) -> QTableView:
        view = QTableView()
        view.setObjectName("declaration-list")
        view.setModel(self.list_model)
        view.setSortingEnabled(True)
        view.sortByColumn(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        # Fixed widths: sizing columns or rows to their contents would read
        # every row of a long list at start-up.
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate(COLUMN_WIDTHS):
            if width:
                header.resizeSection(col, width)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.selectionModel().currentRowChanged.connect(self._current_changed)
        return view

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            self.currentDeclarationChanged.emit(current.data(ID_ROLE))

    def reload(self) -> None:
        self.list_model.reload()
        self.refresh_filter_choices()

    def refresh_filter_choices(self) -> None:
        years, units = self.list_model.filter_choices()
        for combo, first, values in ((self.year_filter, "全部年度", [str(y) for y in years]),
                                     (self.unit_filter, "全部单位", units)):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first)
            combo.addItems(values)
            combo.setCurrentIndex(max(combo.findText(current), 0))
            combo.blockSignals(False)

    def apply_filters(self) -> None:
        def value(combo):
            return combo.currentText() if combo.currentIndex() > 0 else None

        year = value(self.year_filter)
        self.list_model.set_filters(text=self.search.text(), year=int(year) if year else None,
                                    unit=value(self.unit_filter), status=value(self.status_filter))
        keep = self.keep_selected()
        if keep is not None:
            self.select(keep)  # a new list has no selection

    def selected_ids(self) -> list[int]:
        # by ranges: selecting all of 100,000 rows makes no index per row
        selection = self.list_view.selectionModel().selection()
        ranges = [selection.at(i) for i in range(selection.count())]
        rows = dict.fromkeys(row for r in ranges for row in range(r.top(), r.bottom() + 1))
        return [self.list_model.id_at(row) for row in rows]

    def select(self, decl_id: int) -> None:
        """Make a declaration the current, selected row (without announcing it as a move)."""
        row = self.list_model.row_of(decl_id)
        if row < 0:
            return
        index = self.list_model.index(row, 0)
        sm = self.list_view.selectionModel()
        sm.blockSignals(True)
        sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                           | QItemSelectionModel.SelectionFlag.Rows)
        sm.blockSignals(False)
        self.list_view.scrollTo(index)
