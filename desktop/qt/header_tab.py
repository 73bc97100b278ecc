"""基本信息: the header fields laid out as on the form."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop.domain.template import registry
from desktop.qt.bindings import Binding, ComboBinding, LineBinding, SpinBinding, TemplateBinding
from desktop.qt.document import DeclarationDocument


class HeaderTab(QWidget):
    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.bindings: dict[str, Binding] = {}
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.grid = grid
        t = registry().default

        def line(path, row, col, placeholder="", amount=False):
            w = QLineEdit(self)
            w.setPlaceholderText(placeholder)
            if amount:
                w.setAlignment(Qt.AlignmentFlag.AlignRight)
            self._place(path, w, row, col, t.label(path))
            self.bindings[path] = LineBinding(doc, path, w, t.label(path), amount=amount)

        def combo(path, row, col, editable, values=()):
            w = QComboBox(self)
            w.setEditable(editable)
            if not editable:
                w.addItem("")  # nothing chosen yet
            w.addItems(list(values))
            self._place(path, w, row, col, t.label(path))
            self.bindings[path] = ComboBinding(doc, path, w, t.label(path))
            return w

        line("header.project_code", 0, 0, "21 位数字")
        line("header.project_name", 0, 2)
        self.applicant = combo("header.applicant_unit", 1, 0, True)
        self.budget_unit = combo("header.budget_unit", 1, 2, True)
        line("header.duration_years", 2, 0, "整数年，如 1")
        self.project_type = combo("header.project_type", 2, 2, True, t.option_values("project_type"))
        self.is_new = combo("header.is_new", 3, 0, False, t.option_values("is_new"))
        self.allocation = combo("header.allocation_method", 3, 2, False, t.option_values("allocation_method"))
        line("header.total_amount", 4, 0, "如 536,200.00 或 53.62万", amount=True)
        line("header.annual_amount", 4, 2, "如 536,200.00 或 53.62万", amount=True)

        year = QSpinBox(self)
        year.setRange(2000, 2100)
        year.setValue(datetime.now().year + 1)
        self._place("fiscal_year", year, 5, 0, "申报年度")
        self.bindings["fiscal_year"] = SpinBinding(doc, "fiscal_year", year, "申报年度")

        tmpl = QComboBox(self)
        for tpl in registry().all():
            tmpl.addItem(tpl.name, tpl.id)
        self._place("template_id", tmpl, 5, 2, "指标框架")
        self.bindings["template_id"] = TemplateBinding(doc, "template_id", tmpl, "指标框架")

        self.status_label = QLabel(self)
        self.status_label.setObjectName("status-label")
        grid.addWidget(QLabel("状态", self), 6, 0)
        grid.addWidget(self.status_label, 6, 1)
        grid.setRowStretch(7, 1)
        doc.reset.connect(self._refresh_extra)
        doc.fieldChanged.connect(self._field_changed)

    def _field_changed(self, path: str) -> None:
        if path in ("status", "template_id"):
            self._refresh_extra()

    def _place(self, path: str, widget: QWidget, row: int, col: int, label: str) -> None:
        if isinstance(widget, QComboBox):
            # Long unit names must not force a wide window on small screens.
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
        lab = QLabel(_wrapped(label), self)
        lab.setBuddy(widget)
        self.labels[path] = lab
        widget.setObjectName(path)
        self.grid.addWidget(lab, row, col)
        self.grid.addWidget(widget, row, col + 1)
        self.widgets[path] = widget

    def set_previous_values(self, applicants: list[str], budget_units: list[str]) -> None:
        """Offer the units typed in earlier declarations."""
        for combo, values in ((self.applicant, applicants), (self.budget_unit, budget_units)):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(values)
            combo.setEditText(text)
            combo.blockSignals(False)

    def _refresh_extra(self) -> None:
        d = self.doc.declaration
        if d is None:
            return
        self.status_label.setText(d.status)
        t = self.doc.template
        # Labels are the open declaration's template's, not the default's.
        for path, lab in self.labels.items():
            if path.startswith("header."):
                lab.setText(_wrapped(t.label(path)))
        combo = self.project_type
        text = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(list(t.option_values("project_type")))
        combo.setEditText(text)
        combo.blockSignals(False)


def _wrapped(label: str) -> str:
    """A long label breaks before its bracketed note (项目总金额 / （中期规划，元）)."""
    return label.replace("（", "\n（", 1) if len(label) > 8 else label
