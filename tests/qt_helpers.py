"""Driving the real widgets the way a user does."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWidget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type one line: ASCII as key presses, Chinese as an input method commits it."""
    run = ""
    for ch in text + "\0":
        if ch.isascii():
            if run:
                event = QInputMethodEvent("", [])
                event.setCommitString(run)
                QApplication.sendEvent(widget, event)
                run = ""
            if ch != "\0":
                qtbot.keyClicks(widget, ch)
        else:
            run += ch


def type_into(qtbot, widget: QWidget, text: str) -> None:
    """Select all, then type text key by key (newlines as Enter)."""
    widget.setFocus()
    if isinstance(widget, QComboBox):
        widget = widget.lineEdit()
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        if line:
            type_text(qtbot, widget, line)


def choose(combo: QComboBox, text: str) -> None:
    i = combo.findText(text)
    assert i >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(i)
    combo.activated.emit(i)


def open_editor(view, types):
    """The view's open cell editor (closed ones linger hidden until deleted)."""
    editors = [w for t in types for w in view.findChildren(t) if w.isVisible()]
    assert len(editors) == 1, f"expected one open editor, found {len(editors)}"
    return editors[0]


def edit_cell(qtbot, view, row: int, column: int, text: str) -> None:
    """Open the cell's editor, type, press Enter (commits through the delegate)."""
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = open_editor(view, (QLineEdit, QPlainTextEdit))
    type_into(qtbot, editor, text.replace("\n", " "))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits through a queued call


def choose_in_cell(qtbot, view, row: int, column: int, text: str) -> None:
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    combo = open_editor(view, (QComboBox,))
    i = combo.findData(text)
    combo.setCurrentIndex(i if i >= 0 else combo.findText(text))
    view.commitData(combo)
    view.closeEditor(combo, QAbstractItemDelegate.EndEditHint.NoHint)
