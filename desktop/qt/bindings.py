"""Two-way links between one form field and one widget.

User edits become undo commands; document changes (undo, redo, another
declaration) flow back into the widget; problems of the field mark it in
place (border colour and tooltip). An empty required field the user has not
been to yet is not marked red: it shows a grey 必填 (desktop.qt.visited).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from desktop.domain.amounts import display_amount
from desktop.qt.commands import SetFieldCommand
from desktop.qt.document import DeclarationDocument
from desktop.qt.visited import is_fill_in

REQUIRED_HINT = "必填"


def required_hint(hint: str) -> str:
    """The placeholder of an empty required field: 必填 first, so it shows even when cut."""
    return f"{REQUIRED_HINT}，{hint}" if hint else REQUIRED_HINT


def mark_widget(widget: QWidget, problems, quiet=()) -> None:
    """Colour a widget by its worst problem and put the messages in its tooltip.

    `quiet` problems (a required field not visited yet) colour nothing: the
    widget's "problem" property is "pending" and only the tooltip says why."""
    level = "error" if any(p.is_error for p in problems) else ("warning" if problems else "")
    if not level and quiet:
        level = "pending"  # no style sheet rule: looks like any empty field
    tip = "\n".join(p.message for p in [*problems, *quiet])
    if widget.property("problem") != level:
        widget.setProperty("problem", level)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    if widget.toolTip() != tip:
        widget.setToolTip(tip)


def faint_when_disabled(widget: QWidget) -> None:
    """Fusion draws a disabled field's placeholder darker than disabled text: with no
    declaration open, "21 位数字" looked like a value. (Set on the field itself: the
    window's style sheet stops palettes from passing down to children.)"""
    palette = widget.palette()
    faint = QColor(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
    faint.setAlpha(110)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText, faint)
    widget.setPalette(palette)


class _VisitWatch(QObject):
    """Tells the document when the user has been to a field: went in (click, Tab, the
    label's shortcut) or typed there, then left; or left it with Tab. The cursor the
    program puts somewhere (新建 puts it in 项目名称) is no visit until the user does
    something there."""

    _BY_USER = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason,
                Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.ShortcutFocusReason)
    # Not leaving: the field's own drop-down list, a menu, another window.
    _STAYING = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason,
                Qt.FocusReason.MenuBarFocusReason)

    def __init__(self, widget: QWidget, doc: DeclarationDocument, path: str):
        super().__init__(widget)
        self.doc, self.path = doc, path
        self.engaged = False
        self.key: object = None  # the declaration open when the user went in
        widget.installEventFilter(self)

    def used(self) -> None:
        """The user changed the field."""
        self.engaged, self.key = True, self.doc.visited.key

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn and event.reason() not in self._STAYING:
            self.engaged, self.key = event.reason() in self._BY_USER, self.doc.visited.key
        elif kind == QEvent.Type.FocusOut and event.reason() not in self._STAYING:
            # Tab / Shift+Tab out of a field is a deliberate step past it, wherever the cursor
            # came from. (Qt moves the cursor on with Tab, too, when another page hides the field.)
            walked_past = obj.isVisible() and event.reason() in (
                Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
            if (self.engaged or walked_past) and self.key == self.doc.visited.key:
                self.doc.visited.visit(self.path)
            self.engaged = False
        return False


class Binding:
    EMPTY: object = ""  # shown while no declaration is open (None: leave the widget as it is)

    def __init__(self, doc: DeclarationDocument, path: str, widget: QWidget, label: str = ""):
        self.doc, self.path, self.widget, self.label = doc, path, widget, label
        self._updating = False
        self.hint = self.placeholder()
        doc.fieldChanged.connect(self._on_field)
        doc.reset.connect(self.refresh)
        doc.marksChanged.connect(self.mark)
        self.watch = _VisitWatch(widget, doc, path)
        faint_when_disabled(widget)

    def _on_field(self, path: str) -> None:
        if path == self.path:
            self.refresh()

    def push(self, value, merge: bool = True) -> None:
        if self._updating or self.doc.declaration is None:
            return
        self.watch.used()
        if self.doc.get(self.path) == value:
            return
        if not self.doc.push(SetFieldCommand(self.doc, self.path, value, f"修改{self.label}", merge)):
            self.refresh()  # declined: show the stored value again

    def refresh(self) -> None:
        if self.doc.declaration is None:
            value = self.EMPTY  # no declaration: no values left over from the last one
        else:
            value = self.doc.get(self.path)
        if value is None:
            return
        self._updating = True
        try:
            self.show_value(value)
        finally:
            self._updating = False

    def mark(self) -> None:
        shown, quiet = self.doc.marks_for(self.path)
        mark_widget(self.widget, shown, quiet)
        required = any(is_fill_in(p) for p in [*shown, *quiet])
        hint = required_hint(self.hint) if required else self.hint
        if self.placeholder() != hint:
            self.set_placeholder(hint)

    def placeholder(self) -> str:
        return ""

    def set_placeholder(self, text: str) -> None:
        pass

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

    def placeholder(self) -> str:
        return self.widget.placeholderText()

    def set_placeholder(self, text: str) -> None:
        self.widget.setPlaceholderText(text)


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
            # Marked red, the window's style sheet draws the text itself, and in the
            # text colour: the 必填 placeholder then looked like a chosen value.
            widget.setStyleSheet(_EMPTY_CHOICE_STYLE)
            widget.currentIndexChanged.connect(self._show_empty)
            self._show_empty()

    def _show_empty(self, *_args) -> None:
        w = self.widget
        empty = w.currentIndex() < 0
        if w.property("empty") != empty:
            w.setProperty("empty", empty)
            w.style().unpolish(w)
            w.style().polish(w)

    def show_value(self, value) -> None:
        w = self.widget
        if w.isEditable():
            if w.currentText() != value:
                w.setEditText(value)
                line = w.lineEdit()
                if line is not None and not w.hasFocus():
                    line.setCursorPosition(0)  # long unit names show their beginning
        else:
            # Nothing chosen is index -1, which shows the placeholder (必填), not a blank item.
            i = w.findText(value) if value else -1
            if i < 0 and value:
                w.addItem(value)  # a value from an older template or import stays visible
                i = w.count() - 1
            w.setCurrentIndex(i)

    def placeholder(self) -> str:
        line = self.widget.lineEdit()
        return line.placeholderText() if line is not None else self.widget.placeholderText()

    def set_placeholder(self, text: str) -> None:
        line = self.widget.lineEdit()
        if line is not None:
            line.setPlaceholderText(text)
        else:
            self.widget.setPlaceholderText(text)


_EMPTY_CHOICE_STYLE = """
QComboBox[empty="true"][problem="error"], QComboBox[empty="true"][problem="warning"] { color: #7f7f7f; }
"""


class TemplateBinding(ComboBinding):
    """The template chooser: items carry template ids as data."""

    EMPTY = None

    def show_value(self, value) -> None:
        i = self.widget.findData(value)
        self.widget.setCurrentIndex(max(i, 0))


# Keys a text box would keep for itself although the window gives them another
# meaning: the form's one undo history, and switching tabs.
_WINDOW_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
_WINDOW_COMBOS = (QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+PgDown"), QKeySequence("Ctrl+PgUp"))


class _WindowKeysPass(QObject):
    """Lets Ctrl+Z / Ctrl+Y / Ctrl+PgUp/PgDn reach the window's actions from a text box.

    QPlainTextEdit claims Undo and Redo (ShortcutOverride) even with its own
    undo switched off, so Ctrl+Z did nothing there while 编辑 → 撤销 worked."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            combo = QKeySequence(event.keyCombination())
            if any(event.matches(k) for k in _WINDOW_KEYS) or combo in _WINDOW_COMBOS:
                event.ignore()  # not claimed: the shortcut goes to the window's action
                return True
        return False


_window_keys = _WindowKeysPass()


class PlainTextBinding(Binding):
    widget: QPlainTextEdit

    def __init__(self, doc, path, widget: QPlainTextEdit, label=""):
        super().__init__(doc, path, widget, label)
        widget.setUndoRedoEnabled(False)  # one undo history for the whole form
        widget.installEventFilter(_window_keys)
        # A literal tab is never wanted in this form; Tab moves on, as in every other field.
        widget.setTabChangesFocus(True)
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

    def placeholder(self) -> str:
        return self.widget.placeholderText()

    def set_placeholder(self, text: str) -> None:
        self.widget.setPlaceholderText(text)


class SpinBinding(Binding):
    widget: QSpinBox
    EMPTY = None

    def __init__(self, doc, path, widget: QSpinBox, label=""):
        super().__init__(doc, path, widget, label)
        widget.valueChanged.connect(lambda v: self.push(int(v), merge=True))

    def show_value(self, value) -> None:
        if self.widget.value() != value:
            self.widget.setValue(int(value))
