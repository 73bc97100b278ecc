"""基本信息: the header fields laid out as on the form.

Two fields a row, as printed, where there is room; one a row in a narrow
editor (1024×700, 150 %), where two would cut unit names and hints short.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QToolButton, QWidget

from desktop.domain.template import registry
from desktop.qt.bindings import Binding, ComboBinding, LineBinding, SpinBinding, TemplateBinding
from desktop.qt.document import DeclarationDocument


TWO_COLUMNS_WIDTH = 720  # narrower, two fields a row leave each under ~200 px


class HeaderTab(QWidget):
    def __init__(self, doc: DeclarationDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.bindings: dict[str, Binding] = {}
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        self.grid = grid
        self._cells: list[tuple[int, int, QLabel, QWidget]] = []  # (row, column) as on the form
        self.columns = 0
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
            w.addItems(list(values))
            w.setCurrentIndex(-1)  # nothing chosen yet looks empty, not like the first choice
            self._place(path, w, row, col, t.label(path))
            self.bindings[path] = ComboBinding(doc, path, w, t.label(path))
            return w

        line("header.project_code", 0, 0, "21 位数字")
        line("header.project_name", 0, 2)
        self.applicant = combo("header.applicant_unit", 1, 0, True)
        self.budget_unit = combo("header.budget_unit", 1, 2, True)
        line("header.duration_years", 2, 0, "整数年，如 1")
        self.project_type = combo("header.project_type", 2, 2, True, t.option_values("project_type"))
        self.edit_types_button = self._with_button("header.project_type", "编辑列表…", self.edit_project_types)
        self.edit_types_button.setToolTip("编辑列表…：添加或删除本单位使用的项目类型")
        self.edit_types_button.setAccessibleName("编辑列表…")
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
        self._cells.append((6, 0, QLabel("状态", self), self.status_label))
        self._arrange(2)
        doc.reset.connect(self._refresh_extra)
        doc.fieldChanged.connect(self._field_changed)

    def _field_changed(self, path: str) -> None:
        if path in ("status", "template_id"):
            self._refresh_extra()

    def _with_button(self, path: str, text: str, slot) -> QToolButton:
        """A small button beside a placed field (the field keeps its name and focus)."""
        for n, (row, col, lab, widget) in enumerate(self._cells):
            if widget is self.widgets[path]:
                box = QWidget(self)
                line = QHBoxLayout(box)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(widget, 1)
                button = QToolButton(box)
                button.setText(text)
                button.setObjectName(f"{path}:edit-list")
                button.clicked.connect(slot)
                line.addWidget(button)
                self._cells[n] = (row, col, lab, box)
                return button
        raise KeyError(path)

    def edit_project_types(self) -> None:
        """编辑列表…: the 项目类型 values the user added (desktop.services.options)."""
        from desktop.qt.options_dialog import OptionsDialog

        window = self.window()
        db = getattr(window, "db", None)
        if db is None:
            return
        dialog = OptionsDialog(db, "header.project_type", self)
        dialog.exec()
        if dialog.changed:
            session = getattr(window, "session", None)
            if session is not None:  # values now known: option.unknown goes (or comes back)
                session.forget_known_options()
                session.refresh_context()
            self._refresh_extra()
        dialog.deleteLater()

    def _place(self, path: str, widget: QWidget, row: int, col: int, label: str) -> None:
        if isinstance(widget, QComboBox):
            # Long unit names must not force a wide window on small screens.
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
        lab = QLabel(_wrapped(label), self)
        lab.setBuddy(widget)
        self.labels[path] = lab
        widget.setObjectName(path)
        self._cells.append((row, col, lab, widget))
        self.widgets[path] = widget

    def _arrange(self, columns: int) -> None:
        """Lay the fields out two a row (as on the form) or one a row, in the form's order."""
        if columns == self.columns:
            return
        grid = self.grid
        for _row, _col, lab, widget in self._cells:
            grid.removeWidget(lab)
            grid.removeWidget(widget)
        last = 0
        for row, col, lab, widget in self._cells:
            r, c = (row, col) if columns == 2 else (row * 2 + col // 2, 0)
            grid.addWidget(lab, r, c)
            grid.addWidget(widget, r, c + 1)
            last = max(last, r)
        for r in range(grid.rowCount()):
            grid.setRowStretch(r, 0)
        grid.setRowStretch(last + 1, 1)  # the fields stay together at the top
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1 if columns == 2 else 0)
        self.columns = columns

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(2 if event.size().width() >= TWO_COLUMNS_WIDTH else 1)

    def set_previous_values(self, applicants: list[str], budget_units: list[str]) -> None:
        """Offer the units typed in earlier declarations."""
        for combo, values in ((self.applicant, applicants), (self.budget_unit, budget_units)):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(values)
            combo.setCurrentIndex(-1)
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
        combo.addItems(self._project_types(t))
        combo.setCurrentIndex(-1)
        combo.setEditText(text)
        combo.blockSignals(False)


    def _project_types(self, t) -> list[str]:
        """The template's types, then those the user added to the list."""
        values = list(t.option_values("project_type"))
        db = getattr(self.window(), "db", None)
        if db is not None:
            from desktop.services.options import added_values

            try:
                values += [v for v in added_values(db, "header.project_type") if v not in values]
            except Exception:  # pragma: no cover - an unreadable table leaves the template's list
                pass
        return values


def _wrapped(label: str) -> str:
    """A long label breaks before its bracketed note (项目总金额 / （中期规划，元）)."""
    return label.replace("（", "\n（", 1) if len(label) > 8 else label
