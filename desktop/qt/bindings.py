"""Two-way links between one form field and one widget.

User edits become undo commands; document changes (undo, redo, another
declaration) flow back into the widget; problems of the field mark it in
place (border colour and tooltip).
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from desktop.domain.amounts import display_amount
from desktop.qt.commands import SetFieldCommand
from desktop.qt.document import DeclarationDocument


def mark_widget(widget: QWidget, problems) -> None:
    """Colour a widget by its worst problem and put the messages in its tooltip."""
    level = "error" if any(p.is_error for p in problems) else ("warning" if problems else "")
    tip = "\n".join(p.message for p in problems)
    if widget.property("problem") != level:
        widget.setProperty("problem", level)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    if widget.toolTip() != tip:
        widget.setToolTip(tip)


class Binding:
    def __init__(self, doc: DeclarationDocument, path: str, widget: QWidget, label: str = ""):
        self.doc, self.path, self.widget, self.label = doc, path, widget, label
        self._updating = False
        doc.fieldChanged.connect(self._on_field)
        doc.reset.connect(self.refresh)
        doc.problemsChanged.connect(self.mark)

    def _on_field(self, path: str) -> None:
        if path == self.path:
            self.refresh()

    def push(self, value, merge: bool = True) -> None:
        if self._updating or self.doc.declaration is None:
            return
        if self.doc.get(self.path) == value:
            return
        if not self.doc.push(SetFieldCommand(self.doc, self.path, value, f"修改{self.label}", merge)):
            self.refresh()  # declined: show the stored value again

    def refresh(self) -> None:
        if self.doc.declaration is None:
            return
        self._updating = True
        try:
            self.show_value(self.doc.get(self.path))
        finally:
            self._updating = False

    def mark(self) -> None:
        mark_widget(self.widget, self.doc.problems_for(self.path))

    def show_value(self, value) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class LineBinding(Binding):
    widget: QLineEdit

    def __init__(self, doc, path, widget: QLineEdit, label="", amount: bool = False):
        super().__init__(doc, path, widget, label)
        self.amount = amount
        widget.textEdited.connect(self.push)
        if amount:
            widget.editingFinished.connect(self._format_amount)

    def _format_amount(self) -> None:
        # Show thousands separators once the user leaves the field; the text
        # stays as typed when it does not parse, so nothing typed is lost.
        text = self.widget.text()
        shown = display_amount(text)
        if shown != text:
            self.widget.setText(shown)
            self.push(shown)

    def show_value(self, value) -> None:
        if self.widget.text() != value:
            self.widget.setText(value)
            if not self.widget.hasFocus():
                self.widget.setCursorPosition(0)  # long values show their beginning


class ComboBinding(Binding):
    widget: QComboBox

    def __init__(self, doc, path, widget: QComboBox, label=""):
        super().__init__(doc, path, widget, label)
        if widget.isEditable():
            line = widget.lineEdit()
            assert line is not None  # editable combo boxes have one
            line.textEdited.connect(self.push)
            widget.activated.connect(lambda _i: self.push(widget.currentText(), merge=False))
        else:
            widget.currentIndexChanged.connect(lambda _i: self.push(widget.currentData() or widget.currentText(), merge=False))

    def show_value(self, value) -> None:
        w = self.widget
        if w.isEditable():
            if w.currentText() != value:
                w.setEditText(value)
                line = w.lineEdit()
                if line is not None and not w.hasFocus():
                    line.setCursorPosition(0)  # long unit names show their beginning
        else:
            i = w.findText(value)
            if i < 0 and value:
                w.addItem(value)  # a value from an older template or import stays visible
                i = w.count() - 1
            w.setCurrentIndex(i)


class TemplateBinding(ComboBinding):
    """The template chooser: items carry template ids as data."""

    def show_value(self, value) -> None:
        i = self.widget.findData(value)
        self.widget.setCurrentIndex(max(i, 0))


class PlainTextBinding(Binding):
    widget: QPlainTextEdit

    def __init__(self, doc, path, widget: QPlainTextEdit, label=""):
        super().__init__(doc, path, widget, label)
        widget.setUndoRedoEnabled(False)  # one undo history for the whole form
        widget.textChanged.connect(lambda: self.push(widget.toPlainText()))

    def show_value(self, value) -> None:
        w = self.widget
        if w.toPlainText() == value:
            return
        old = w.toPlainText()
        # Put the cursor where the change ends, so undo shows what it undid.
        common = 0
        while common < min(len(old), len(value)) and old[common] == value[common]:
            common += 1
        w.setPlainText(value)
        cursor = w.textCursor()
        cursor.setPosition(min(common + max(0, len(value) - len(old)), len(value)))
        w.setTextCursor(cursor)


class SpinBinding(Binding):
    widget: QSpinBox

    def __init__(self, doc, path, widget: QSpinBox, label=""):
        super().__init__(doc, path, widget, label)
        widget.valueChanged.connect(lambda v: self.push(int(v), merge=True))

    def show_value(self, value) -> None:
        if self.widget.value() != value:
            self.widget.setValue(int(value))
