"""测算依据: numbered cost items, each with text and requested amount, and a running total."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
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
        self.total_label.setTextFormat(Qt.TextFormat.PlainText)
        self.total_label.installEventFilter(self)
        self._figures: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("每一项写明测算内容和申请金额（可写“536,200.00”“536200”或“53.62万”）。", self))
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.total_label)
        doc.changed.connect(self.update_total)
        doc.reset.connect(self.update_total)
        doc.marksChanged.connect(self._mark_total)

    def _mark_total(self) -> None:
        mark_widget(self.total_label, *self.doc.marks_for("cost_basis"))
        self._lay_out_total()  # a marked label has a border and padding: less room for the figures

    def update_total(self) -> None:
        d = self.doc.declaration
        if d is None:
            self._figures = []
            self.total_label.clear()
            return
        values = [parse_amount(c.amount).value for c in d.cost_items]
        known = [v for v in values if v is not None]
        total = sum(known, Decimal("0"))
        figures = [f"合计：{format_amount(total)} 元（{len(known)}/{len(values)} 项有金额）"]
        annual = parse_amount(d.header.annual_amount).value
        if annual is not None:
            figures.append(f"本年度项目金额：{format_amount(annual)} 元")
            figures.append(f"差额：{format_amount(total - annual)} 元")
        self._figures = figures
        self._lay_out_total()

    def _lay_out_total(self) -> None:
        """Figures side by side while they fit, else on the next line: a narrow window
        wrapped the old one-line text inside a word ("差 / 额")."""
        label = self.total_label
        room = label.contentsRect().width() - TOTAL_INSET
        text = "\n".join(pack_lines(self._figures, label.fontMetrics().horizontalAdvance, room))
        if label.text() != text:
            label.setText(text)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.total_label and event.type() == QEvent.Type.Resize:
            self._lay_out_total()
        return False


FIGURE_GAP = "　　"  # two ideographic spaces between figures on one line
TOTAL_INSET = 2 * (2 + 4)  # the marked label's border and padding (main window's style sheet)


def pack_lines(figures: list[str], advance, width: int) -> list[str]:
    """Figures joined into lines no wider than `width`, breaking only between figures."""
    lines: list[str] = []
    for figure in figures:
        if lines and advance(lines[-1] + FIGURE_GAP + figure) <= width:
            lines[-1] += FIGURE_GAP + figure
        else:
            lines.append(figure)
    return lines
