"""The declaration list beside the editor: search, year/unit/status filters, the
lazy table of summaries, the 新建 · 复制 · 删除 buttons, and the 汇总 of what the
list shows (count, 本年度金额, forms with errors; by unit or by year).

Sorting, filtering and search are SQL queries (desktop.store.listing) behind a
thin model (desktop.qt.declaration_list), so the panel is as quick with a
bureau's 100,000 declarations as with five.

Readable however narrow (1024×700): columns have the width of their longest
value (a 21-digit 项目编码 whole), 项目名称 takes the rest, and until the user
picks columns (right click on the header) only those that fit are shown, in
order of use. A cell whose text is cut shows it whole in a tooltip.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QPushButton,
    QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QTableWidget, QTableWidgetItem, QToolButton,
    QToolTip, QVBoxLayout, QWidget,
)

from desktop.qt.declaration_list import (
    AMOUNT_COLUMN, CODE_COLUMN, COLUMNS, DEFAULT_SORT, HEADER_TEXT, ID_ROLE, LINK_COLUMN, NAME_COLUMN, PROBLEMS_COLUMN,
    STATUS_COLUMN, UNIT_COLUMN, UPDATED_COLUMN, YEAR_COLUMN, DeclarationListModel,
)
from desktop.store.database import Database
from desktop.store.listing import Listing

# Automatic columns (until the user picks them): 项目名称 always, then these in
# order while they fit; the essential ones beside a name of NAME_MIN_TEXT, the
# others only where the name keeps NAME_ROOMY_TEXT.
ESSENTIAL = (YEAR_COLUMN, PROBLEMS_COLUMN, STATUS_COLUMN)
EXTRA = (CODE_COLUMN, LINK_COLUMN, AMOUNT_COLUMN, UNIT_COLUMN, UPDATED_COLUMN)
# The longest value each column shows, to size it (units elide in the middle instead).
WIDEST = {
    YEAR_COLUMN: "2025", STATUS_COLUMN: "定稿", PROBLEMS_COLUMN: "88 警告", CODE_COLUMN: "440313241071500300007",
    AMOUNT_COLUMN: "9,999,999.00", UNIT_COLUMN: "深圳市深汕特别合作区应急", UPDATED_COLUMN: "12-31 23:59",
    LINK_COLUMN: "← 2025",
}
NAME_MIN_TEXT = "应急值班值守综合"
NAME_ROOMY_TEXT = "应急值班值守综合业务"
COLUMNS_KEY = "list/columns"  # "auto", or the shown columns chosen by the user
SPLITTER_KEY = "list/splitter"
SUMMARY_DELAY_MS = 150  # after the last change of the list: a keystroke in the search box does not wait for it


class ElidedTextDelegate(QStyledItemDelegate):
    """A cell whose text does not fit shows it whole in a tooltip; units (``middle``
    columns) elide in the middle: they all begin "深圳市深汕特别合作区…", the end tells them apart."""

    def __init__(self, parent=None, middle: tuple[int, ...] = (UNIT_COLUMN,)):
        super().__init__(parent)
        self.middle = middle

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        if index.column() in self.middle:
            option.textElideMode = Qt.TextElideMode.ElideMiddle

    def is_elided(self, option: QStyleOptionViewItem, index) -> bool:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if not opt.text:
            return False
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        # As QCommonStyle draws item text: the text rectangle less a focus margin each side.
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        return opt.fontMetrics.horizontalAdvance(opt.text) > rect.width() - 2 * margin

    def helpEvent(self, event, view, option, index) -> bool:
        if event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        text = index.data(Qt.ItemDataRole.ToolTipRole)  # the model's own (problem counts, unsaved) first
        if text is None and self.is_elided(option, index):
            text = index.data()
        if text:
            QToolTip.showText(event.globalPos(), str(text), view, option.rect)
        else:
            QToolTip.hideText()
        return True


def yuan(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, fen = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{fen:02d}"


class ListSummary(QWidget):
    """One line under the list: how many it shows, their 本年度金额 and how many have errors;
    "分组汇总" opens the same by 申请单位 or by 申报年度."""

    HEADERS = ("", "份数", "金额（元）", "有错误")
    MAX_ROWS = 6  # shown at once; the list keeps the rest of the height

    def __init__(self, model: DeclarationListModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.label = QLabel()
        self.label.setObjectName("list-summary")
        self.label.setWordWrap(True)
        self.toggle = QToolButton()
        self.toggle.setText("分组汇总")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("按申请单位或申报年度汇总列表中的申报表")
        self.group_by = QComboBox()
        self.group_by.addItems(["按申请单位", "按申报年度"])
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("list-summary-table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setItemDelegate(ElidedTextDelegate(self.table, middle=(0,)))
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.group_by)
        details.addWidget(self.table)
        self.details.hide()

        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.label, 1)
        line.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.details)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SUMMARY_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(lambda *_: self.timer.start())
        self.toggle.toggled.connect(self._toggled)
        self.group_by.currentIndexChanged.connect(self._fill_table)

    def _toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self._fill_table()

    def refresh(self) -> None:
        """Count and sum what the list shows now (one query; the groups only while shown)."""
        self.timer.stop()
        t = self.model.listing.totals(self.model.query)
        if not t.count:
            self.label.setText("没有符合条件的申报表")
            self.label.setToolTip("")
        else:
            errors = f"{t.with_errors:,} 份有错误" if t.with_errors else "均无错误"
            self.label.setText(f"共 {t.count:,} 份，合计 {yuan(t.amount_cents)} 元，{errors}")
            note = f"\n其中 {t.unpriced:,} 份的本年度项目金额无法识别，未计入合计。" if t.unpriced else ""
            self.label.setToolTip(f"列表中（按当前的筛选和搜索）申报表的份数、本年度项目金额合计和有错误的份数。{note}")
        self._fill_table()

    def by_key(self) -> list[tuple[str, int, int, int]]:
        """(申请单位 or 申报年度, count, cents, with errors), as the table shows them."""
        by_unit = self.group_by.currentIndex() == 0
        merged: dict = {}
        for g in self.model.listing.groups(self.model.query):
            key = g.applicant_unit if by_unit else g.fiscal_year
            count, cents, errors = merged.get(key, (0, 0, 0))
            merged[key] = (count + g.count, cents + g.amount_cents, errors + g.with_errors)
        keys = sorted(merged) if by_unit else sorted(merged, reverse=True)
        return [(str(k) if k != "" else "（未填单位）", *merged[k]) for k in keys]

    def _fill_table(self) -> None:
        if not self.details.isVisible():
            return
        rows = self.by_key()
        self.table.setRowCount(len(rows))
        title = "申请单位" if self.group_by.currentIndex() == 0 else "申报年度"
        self.table.setHorizontalHeaderLabels([title, *self.HEADERS[1:]])
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, (key, count, cents, errors) in enumerate(rows):
            for c, text in enumerate((key, f"{count:,}", yuan(cents), f"{errors:,}")):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(right)
                self.table.setItem(r, c, item)
        # as tall as its rows (up to MAX_ROWS): no empty space taken from the list
        shown = max(1, min(len(rows), self.MAX_ROWS))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
                                  + shown * self.table.verticalHeader().defaultSectionSize())


class ListPanel(QWidget):
    currentDeclarationChanged = Signal(int)  # the user moved to another row
    selectionChanged = Signal()  # which rows are selected changed (actions depend on how many)

    def __init__(self, db: Database, parent=None, settings=None):
        super().__init__(parent)
        # Which declaration to keep selected when the rows change (set by the window).
        self.keep_selected: Callable[[], int | None] = lambda: None
        self.settings = settings  # desktop.qt.settings.AppSettings, or None (nothing remembered)
        self._selecting = False  # the panel itself moves the current row: not announced
        self._announcing = False  # the user moved it (click, keys): their selection stands
        self.list_model = DeclarationListModel(Listing(db), self)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索名称、单位、编码、年度、金额")
        self.search.setToolTip("搜索项目名称、申请单位、一级预算单位、项目编码、申报年度、金额和正文；"
                               "多个词用空格分开，每个词都要出现")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filters)
        self.year_filter = QComboBox()
        self.unit_filter = QComboBox()
        # A unit's name is long: the chooser stays narrow and its list opens wide.
        self.unit_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit_filter.setMinimumContentsLength(4)
        self.status_filter = QComboBox()
        self.status_filter.addItems(["全部状态", "草稿", "定稿"])
        for combo in (self.year_filter, self.unit_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.list_view = self._build_view()
        self.summary = ListSummary(self.list_model, self)
        self.new_button = QPushButton("新建")
        self.copy_button = QPushButton("复制")
        self.delete_button = QPushButton("删除")
        self.delete_button.setToolTip("把所选的申报表移到回收站（Delete 键）")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        filters = QHBoxLayout()
        for w in (self.year_filter, self.unit_filter, self.status_filter):
            filters.addWidget(w)
        filters.setStretch(1, 1)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.copy_button, self.delete_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)

    # -- the table ------------------------------------------------------------------
    def _build_view(self) -> QTableView:
        view = QTableView()
        view.setObjectName("declaration-list")
        view.setModel(self.list_model)
        view.setItemDelegate(ElidedTextDelegate(view))
        view.setSortingEnabled(True)
        view.sortByColumn(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = view.horizontalHeader()
        header.moveSection(header.visualIndex(CODE_COLUMN), 1)  # 项目编码 right after 项目名称
        header.moveSection(header.visualIndex(LINK_COLUMN), 2)  # and its link to last year (← 2024)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_column_menu)
        # Fixed widths from the font: sizing columns or rows to their contents
        # would read every row of a long list at start-up.
        fm, hfm = view.fontMetrics(), header.fontMetrics()
        pad = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1) + 4
        # the header's text, its margins and the sort arrow
        hpad = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header) + 14
        self.widths = {col: max(fm.horizontalAdvance(WIDEST[col]) + pad,
                                hfm.horizontalAdvance(HEADER_TEXT.get(col, COLUMNS[col])) + hpad) for col in WIDEST}
        self.name_min = max(fm.horizontalAdvance(NAME_MIN_TEXT) + pad, hfm.horizontalAdvance(COLUMNS[0]) + hpad)
        self.name_roomy = fm.horizontalAdvance(NAME_ROOMY_TEXT) + pad
        for col, width in self.widths.items():
            header.resizeSection(col, width)
        self.chosen_columns = self._remembered_columns()
        view.viewport().installEventFilter(self)
        sm = view.selectionModel()
        sm.currentRowChanged.connect(self._current_changed)
        sm.selectionChanged.connect(lambda *_: self.selectionChanged.emit())
        self.list_model.modelReset.connect(self.selectionChanged.emit)
        self.list_model.rowsRemoved.connect(lambda *_: self.selectionChanged.emit())
        return view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.list_view.viewport():
            self.fit_columns()
        return False

    def shown_columns(self) -> list[int]:
        """The model columns shown, in the order they appear."""
        header = self.list_view.horizontalHeader()
        return [header.logicalIndex(v) for v in range(header.count()) if not header.isSectionHidden(header.logicalIndex(v))]

    def fit_columns(self) -> None:
        """Show the chosen columns, or (automatic) those that fit beside 项目名称: ESSENTIAL, then EXTRA."""
        header = self.list_view.horizontalHeader()
        room = self.list_view.viewport().width()
        if self.chosen_columns is None:
            shown, used = {NAME_COLUMN}, 0
            for col in ESSENTIAL + EXTRA:
                name = self.name_min if col in ESSENTIAL else self.name_roomy
                if name + used + self.widths[col] > room:
                    break
                shown.add(col)
                used += self.widths[col]
        else:
            shown = {NAME_COLUMN, *self.chosen_columns}
        for col in range(len(COLUMNS)):
            hide = col not in shown
            if hide != header.isSectionHidden(col):
                header.setSectionHidden(col, hide)
                if not hide and col in self.widths:
                    header.resizeSection(col, self.widths[col])
        others = sum(header.sectionSize(c) for c in shown if c != NAME_COLUMN)
        # 项目名称 takes the rest, but not less than its minimum: then the list scrolls sideways.
        if room - others >= self.name_min:
            header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(NAME_COLUMN, self.name_min)

    def _show_column_menu(self, pos) -> None:
        menu = self.column_menu()
        menu.exec(self.list_view.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()

    def column_menu(self) -> QMenu:
        """The header's context menu: which columns to show, or automatic."""
        menu = QMenu(self)
        auto = QAction("按宽度自动选择列", menu)
        auto.setCheckable(True)
        auto.setChecked(self.chosen_columns is None)
        auto.toggled.connect(lambda on: self.choose_columns(None if on else self.shown_columns()))
        menu.addAction(auto)
        menu.addSeparator()
        shown = set(self.shown_columns())
        header = self.list_view.horizontalHeader()
        for visual in range(header.count()):
            col = header.logicalIndex(visual)
            action = QAction(COLUMNS[col], menu)
            action.setCheckable(True)
            action.setChecked(col in shown)
            action.setEnabled(col != NAME_COLUMN)
            action.setData(col)
            action.toggled.connect(lambda on, col=col: self.show_column(col, on))
            menu.addAction(action)
        return menu

    def show_column(self, col: int, shown: bool) -> None:
        now = [c for c in self.shown_columns() if c != col]
        self.choose_columns(now + [col] if shown else now)

    def choose_columns(self, columns: list[int] | None) -> None:
        """Show these columns from now on (None: those that fit); remembered."""
        self.chosen_columns = None if columns is None else [c for c in columns if c != NAME_COLUMN]
        if self.settings is not None:
            value = "auto" if self.chosen_columns is None else ",".join(map(str, self.chosen_columns))
            self.settings.q.setValue(COLUMNS_KEY, value)
        self.fit_columns()

    def _remembered_columns(self) -> list[int] | None:
        value = self.settings.q.value(COLUMNS_KEY) if self.settings is not None else None
        if not isinstance(value, str) or value in ("", "auto"):
            return None
        try:
            return [c for c in map(int, value.split(",")) if 0 < c < len(COLUMNS)]
        except ValueError:
            return None

    # -- rows -------------------------------------------------------------------------
    def _current_changed(self, current, _previous) -> None:
        if current.isValid() and not self._selecting:
            self._announcing = True
            try:
                self.currentDeclarationChanged.emit(current.data(ID_ROLE))
            finally:
                self._announcing = False

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
        for i in range(1, self.unit_filter.count()):
            self.unit_filter.setItemData(i, self.unit_filter.itemText(i), Qt.ItemDataRole.ToolTipRole)

    def apply_filters(self) -> None:
        def value(combo):
            return combo.currentText() if combo.currentIndex() > 0 else None

        year = value(self.year_filter)
        self.list_model.set_filters(text=self.search.text(), year=int(year) if year else None,
                                    unit=value(self.unit_filter), status=value(self.status_filter))
        self.unit_filter.setToolTip(value(self.unit_filter) or "")
        keep = self.keep_selected()
        if keep is not None:
            self.select(keep)  # a new list has no selection

    def remove(self, ids: list[int]) -> None:
        """Take declarations off the list (moved to the 回收站). The rows that become
        current meanwhile are not announced: the window chooses what to open."""
        self._selecting = True
        try:
            if len(ids) > 50:  # removing row by row costs a list scan each
                self.reload()
            else:
                for decl_id in ids:
                    self.list_model.remove(decl_id)
                self.refresh_filter_choices()
        finally:
            self._selecting = False

    def _selected_rows(self) -> dict[int, None]:
        # by ranges: selecting all of 100,000 rows makes no index per row
        ranges = self.list_view.selectionModel().selection().toList()
        return dict.fromkeys(row for r in ranges for row in range(r.top(), r.bottom() + 1))

    def selected_ids(self) -> list[int]:
        return [self.list_model.id_at(row) for row in self._selected_rows()]

    def selected_count(self) -> int:
        return len(self._selected_rows())

    def select(self, decl_id: int) -> None:
        """Make a declaration the current, selected row (without announcing it as a move).

        The selection model is told (not bypassed with its signals blocked), so
        the view repaints the rows that lose and gain the selection: with the
        signals blocked the old row stayed painted as selected (issue 15)."""
        row = self.list_model.row_of(decl_id)
        if row < 0:
            return
        sm = self.list_view.selectionModel()
        index = self.list_model.index(row, 0)
        # The row the user just moved to (a click, perhaps with Ctrl or Shift, or the
        # keys; the click selects after this returns), or already current and
        # selected: the selection the user makes stands.
        current = sm.currentIndex().row() == row
        if not (current and (self._announcing or sm.isRowSelected(row))):
            self._selecting = True
            try:
                sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                   | QItemSelectionModel.SelectionFlag.Rows)
            finally:
                self._selecting = False
        self.list_view.scrollTo(index)
