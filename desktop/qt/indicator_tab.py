"""绩效指标: the indicator table with level-1/level-2 choosers from the template."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHeaderView, QStyledItemDelegate

from desktop.domain.form import INDICATOR_COLUMNS
from desktop.domain.model import Indicator
from desktop.qt.commands import CompositeCommand, InsertRowCommand
from desktop.qt.document import DeclarationDocument
from desktop.qt.rows_editor import RowsEditor
from desktop.qt.rows_model import RowsModel

COLUMNS = list(INDICATOR_COLUMNS)


class IndicatorModel(RowsModel):
    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__(doc, "indicators", COLUMNS, parent)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # Core categories carry the form's "*" mark, as on the printed table.
        if role == Qt.ItemDataRole.DisplayRole and index.isValid() and COLUMNS[index.column()][0] == "level2":
            row = self._rows()[index.row()]
            if self.doc.template.is_core(row.level1, row.level2):
                return "*" + row.level2
        return super().data(index, role)


class CategoryDelegate(QStyledItemDelegate):
    """Combo boxes for 一级/二级指标, filled from the declaration's template."""

    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__(parent)
        self.doc = doc

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.setObjectName(f"category-editor-{COLUMNS[index.column()][0]}")
        t = self.doc.template
        if COLUMNS[index.column()][0] == "level1":
            combo.addItems(list(t.level1_names))
        else:
            level1 = self.doc.rows("indicators")[index.row()].level1
            for name in t.level2_names(level1):
                combo.addItem(("*" if t.is_core(level1, name) else "") + name, name)
        return combo

    def setEditorData(self, editor, index):
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        i = editor.findData(value)
        if i < 0:
            i = editor.findText(value)
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor, model, index):
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData() or editor.currentText())

    def updateEditorGeometry(self, editor, option, index):
        # The column is narrower than the longest choice (满意度指标, *服务对象满意度指标):
        # the chooser reaches over the next column instead of cutting the name ("满意度扌").
        rect = option.rect
        hint = editor.sizeHint()
        height = min(rect.height(), hint.height())
        editor.setGeometry(rect.x(), rect.y() + (rect.height() - height) // 2, max(rect.width(), hint.width()), height)


class IndicatorEditor(RowsEditor):
    def __init__(self, doc: DeclarationDocument, parent=None):
        self.indicator_model = IndicatorModel(doc)
        super().__init__(doc, self.indicator_model, "指标", parent)
        self.model.setParent(self)
        delegate = CategoryDelegate(doc, self)
        self.view.setItemDelegateForColumn(0, delegate)
        self.view.setItemDelegateForColumn(1, delegate)
        self.core_button = self._button("为每个核心类别添加一行", self.add_core_rows)
        self.buttons.insertWidget(1, self.core_button)
        # The 指标库: suggestions on 三级指标, the 指标库… picker, 加入指标库 (issue 11).
        from desktop.qt.indicator_suggest import IndicatorLibrary

        self.library_ui = IndicatorLibrary(self)
        # Categories and targets are short; 三级指标 and 指标解释 share the rest.
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        for col, width in ((0, 72), (1, 112), (3, 72)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        for col in (2, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        doc.reset.connect(self._fit_category_column)
        self._fit_category_column()

    def _fit_category_column(self) -> None:
        """一级指标 wide enough for its longest name on one line (满意度指标), in this font."""
        fm = self.view.fontMetrics()
        width = max([fm.horizontalAdvance(n) + 12 for n in self.doc.template.level1_names] + [72])  # + cell margins
        if self.view.horizontalHeader().sectionSize(0) < width:
            self.view.horizontalHeader().resizeSection(0, width)

    def new_row(self) -> Indicator:
        # A new row continues the category of the row it follows.
        cur = self.current_row()
        rows = self.doc.rows("indicators")
        if 0 <= cur < len(rows):
            return Indicator(level1=rows[cur].level1, level2=rows[cur].level2)
        first = self.doc.template.categories[0]
        return Indicator(level1=first.level1, level2=first.level2[0].name)

    def add_core_rows(self) -> None:
        """One row for each core category that has none yet, placed in template order."""
        if self.doc.declaration is None:
            return
        t = self.doc.template
        rows = self.doc.rows("indicators")
        present = {(r.level1, r.level2) for r in rows}
        missing = [c for c in t.core_categories if c not in present]
        if not missing:
            return
        children = []
        order = t.category_order
        placed = [(order.get((r.level1, r.level2), len(order)), i) for i, r in enumerate(rows)]
        for added, (l1, l2) in enumerate(missing):
            rank = order[(l1, l2)]
            at = sum(1 for o, _i in placed if o <= rank) + sum(1 for m in missing[:added] if order[m] < rank)
            children.append(InsertRowCommand(self.doc, "indicators", at, Indicator(level1=l1, level2=l2)))
        self.doc.push(CompositeCommand("添加核心指标行", children))
