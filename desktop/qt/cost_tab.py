"""测算依据: numbered cost items, each with text and requested amount, and a running total."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from desktop.domain.form import COST_COLUMNS
from desktop.domain.amounts import format_amount, parse_amount
from desktop.qt.bindings import mark_widget
from desktop.qt.document import DeclarationDocument
from desktop.qt.rows_editor import RowsEditor
from desktop.qt.rows_model import RowsModel

COLUMNS = list(COST_COLUMNS)


class CostItemsModel(RowsModel):
    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__(doc, "cost_items", COLUMNS, parent)
        self.amount_fields = {"amount"}


class CostTab(QWidget):
    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.editor = RowsEditor(doc, CostItemsModel(doc, self), "测算项")
        header = self.editor.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the text takes the room
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 130)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("cost-total")
        self.total_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("每一项写明测算内容和申请金额（可写“536,200.00”“536200”或“53.62万”）。", self))
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.total_label)
        doc.changed.connect(self.update_total)
        doc.reset.connect(self.update_total)
        doc.problemsChanged.connect(lambda: mark_widget(self.total_label, doc.problems_for("cost_basis")))

    def update_total(self) -> None:
        d = self.doc.declaration
        if d is None:
            self.total_label.clear()
            return
        values = [parse_amount(c.amount).value for c in d.cost_items]
        known = [v for v in values if v is not None]
        total = sum(known, Decimal("0"))
        text = f"合计：{format_amount(total)} 元（{len(known)}/{len(values)} 项有金额）"
        annual = parse_amount(d.header.annual_amount).value
        if annual is not None:
            diff = total - annual
            text += f"　　本年度项目金额：{format_amount(annual)} 元　　差额：{format_amount(diff)} 元"
        self.total_label.setText(text)
