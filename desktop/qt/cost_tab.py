"""测算依据: numbered cost items, each with text and requested amount, and a running total."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.domain.form import COST_COLUMNS
from desktop.domain.amounts import format_amount, parse_amount
from desktop.qt.bindings import mark_widget
from desktop.qt.commands import SetFieldCommand
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
        # cost.amount_guessed: the amount read on import was a guess; the user confirms it here
        # (or edits it). Undoable like any edit.
        self.confirm_button = QPushButton("确认金额", self)
        self.confirm_button.setObjectName("confirm-amount")
        self.confirm_button.setToolTip("导入时从几个金额中推断出的申请金额：核对无误后点此确认")
        self.confirm_button.clicked.connect(self.confirm_amount)
        self.editor.buttons.insertWidget(self.editor.buttons.count() - 1, self.confirm_button)
        self.editor.view.selectionModel().currentChanged.connect(self._update_confirm)
        doc.problemsChanged.connect(self._update_confirm)
        self._update_confirm()
        self._figures: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("每一项写明测算内容和申请金额（可写“536,200.00”“536200”或“53.62万”）。", self))
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.total_label)
        doc.changed.connect(self.update_total)
        doc.reset.connect(self.update_total)
        doc.marksChanged.connect(self._mark_total)

    def guessed_row(self, row: int) -> bool:
        """The row's amount is still the importer's guess (cost.amount_guessed shows)."""
        d = self.doc.declaration
        if d is None or not 0 <= row < len(d.cost_items):
            return False
        item = d.cost_items[row]
        return bool(item.amount_guessed.strip()) and item.amount.strip() == item.amount_guessed.strip()

    def _update_confirm(self, *_args) -> None:
        self.confirm_button.setEnabled(self.guessed_row(self.editor.current_row()))

    def confirm_amount(self) -> None:
        """Take the selected row's guessed amount as meant: the warning goes (undo brings it back)."""
        row = self.editor.current_row()
        if self.guessed_row(row):
            self.doc.push(SetFieldCommand(self.doc, f"cost_items[{row}].amount_guessed", "", "确认金额", merge=False))
            self._update_confirm()

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
