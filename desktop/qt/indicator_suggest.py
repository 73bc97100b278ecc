"""Suggestions while typing a 三级指标: the popup under the cell editor, and the library's access.

The library and the user's history are read on first use (the first 三级指标
editor opened), never at start-up, and read again after another declaration is
opened or the library changed. Every keystroke ranks through the same service
function as ``jixiao library search`` (desktop.services.library.suggest).

Keyboard: ↓/↑ move in the list, Enter takes the chosen one, Esc closes the list
and leaves the typed text; Enter with nothing chosen keeps the typed text.
"""
from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoCommand
from PySide6.QtWidgets import QAbstractItemDelegate, QFrame, QLineEdit, QListWidget, QListWidgetItem, QWidget

from desktop.qt.rows_editor import CellDelegate

if TYPE_CHECKING:
    from desktop.domain.library import SuggestIndex, Suggestion

POPUP_ROWS = 8


class LibraryAccess(QObject):
    """The suggestion index of one database, built on first use and again when stale."""

    changed = Signal()  # the library itself changed (an import, 加入指标库)

    def __init__(self, database: Callable[[], object | None], parent: QObject | None = None):
        super().__init__(parent)
        self._database = database
        self._index: SuggestIndex | None = None
        self._warming: threading.Thread | None = None
        self._warmed: tuple[int, SuggestIndex] | None = None
        self._generation = 0  # bumped when what was read is out of date
        self.load_ms = 0.0  # how long the first use waited

    @property
    def db(self):
        return self._database()

    def _load(self) -> SuggestIndex:
        from desktop.domain.library import SuggestIndex

        db = self.db
        if db is None:  # no database (a bare editor in a test): the starter library alone
            from desktop.services.library import starter_entries

            return SuggestIndex(starter_entries()[1])
        from desktop.services.library import load_index

        index = load_index(db)
        # Settle the collector's books now, with the new objects, while nobody types: a full
        # collection in the middle of typing would take 50-150 ms with a large history.
        gc.collect()
        return index

    def warm(self) -> None:
        """Start reading on a thread (the indicator tab was shown): the first key then finds it
        ready. Never at start-up; a failure there is left to the first use to report."""
        if self._index is not None or (self._warming is not None and self._warming.is_alive()):
            return
        generation = self._generation

        def run() -> None:
            try:
                built = self._load()
            except Exception:  # reported by the first use, which reads again
                return
            self._warmed = (generation, built)

        self._warmed = None
        self._warming = threading.Thread(target=run, name="jixiao-library", daemon=True)
        self._warming.start()

    def index(self) -> SuggestIndex:
        if self._index is None:
            started = time.perf_counter()
            if self._warming is not None:
                self._warming.join()
                self._warming = None
                warmed, self._warmed = self._warmed, None
                if warmed is not None and warmed[0] == self._generation:
                    self._index = warmed[1]
            if self._index is None:
                self._index = self._load()
            self.load_ms = (time.perf_counter() - started) * 1000
        return self._index

    def stale(self) -> None:
        """Read again on next use (another declaration opened: its rows were saved)."""
        self._generation += 1
        self._index = None

    def library_changed(self) -> None:
        self.stale()
        self.changed.emit()

    def wait(self) -> None:
        """Let a reading thread finish (the window closing)."""
        if self._warming is not None:
            self._warming.join()


class SuggestPopup(QListWidget):
    """The list under the cell editor. Never takes the focus: the editor keeps it and the
    delegate passes ↓ ↑ Enter Esc here."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("indicator-suggestions")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.Box)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.suggestions: list[Suggestion] = []
        self.hide()

    def show_for(self, editor: QWidget, suggestions: list[Suggestion]) -> None:
        self.suggestions = suggestions
        self.clear()
        if not suggestions:
            self.hide()
            return
        for s in suggestions:
            target = f"　{s.target}" if s.target else ""
            source = f"{s.source} {s.uses} 次" if s.is_history and s.uses else s.source
            item = QListWidgetItem(f"{s.name}{target}　〔{source}〕")
            item.setToolTip(f"{s.level1} / {s.level2}\n{s.explanation}" if s.explanation else f"{s.level1} / {s.level2}")
            self.addItem(item)
        self.setCurrentRow(-1)  # nothing chosen until ↓: Enter keeps what was typed
        win = self.parentWidget()
        assert win is not None
        rows = min(POPUP_ROWS, len(suggestions))
        height = self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 2
        width = max(editor.width(), 460)
        below = editor.mapTo(win, QPoint(0, editor.height()))
        x = max(0, min(below.x(), win.width() - width))
        y = below.y() if below.y() + height <= win.height() else editor.mapTo(win, QPoint(0, 0)).y() - height
        self.setGeometry(x, max(0, y), width, height)
        self.raise_()
        self.show()

    def step(self, delta: int) -> None:
        n = self.count()
        if n:
            row = self.currentRow()
            self.setCurrentRow(0 if row < 0 and delta > 0 else max(0, min(n - 1, row + delta)))

    def chosen(self) -> Suggestion | None:
        row = self.currentRow()
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None


class NameDelegate(CellDelegate):
    """The 三级指标 cell's editor, with suggestions while typing (Chinese, pinyin, initials)."""

    def __init__(self, editor_tab, library: LibraryAccess, parent=None):
        super().__init__(parent)
        self.tab = editor_tab  # IndicatorEditor: the rows and the insertion
        self.library = library
        self.popup: SuggestPopup | None = None
        self.editor: QLineEdit | None = None
        self.row = -1
        self.last_ms = 0.0  # keystroke -> popup filled, for the benchmark
        self.closeEditor.connect(self._closed)

    def createEditor(self, parent, option, index):
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            self.editor, self.row = editor, index.row()
            editor.textEdited.connect(self._typed)
            editor.destroyed.connect(self._hide)
            self.tab.library_ui.prepare(index.row())  # read on first use, before the first key
        return editor

    def _popup(self) -> SuggestPopup:
        if self.popup is None:
            self.popup = SuggestPopup(self.tab.window())
            self.popup.itemClicked.connect(lambda _item: self.choose())
        return self.popup

    def _typed(self, text: str) -> None:
        started = time.perf_counter()
        editor = self.editor
        if editor is None:
            return
        found = self.tab.library_ui.suggestions(self.row, text)
        self._popup().show_for(editor, found)
        self.last_ms = (time.perf_counter() - started) * 1000

    def _hide(self, *_args) -> None:
        if self.popup is not None:
            self.popup.hide()

    def _closed(self, editor, _hint=None) -> None:
        if editor is self.editor:
            self.editor = None
        self._hide()

    def eventFilter(self, obj, event) -> bool:
        popup = self.popup
        if (obj is self.editor and popup is not None and popup.isVisible()
                and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                popup.step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key == Qt.Key.Key_Escape:
                popup.hide()  # the typed text stays, the editor stays open
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and popup.chosen() is not None:
                self.choose()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                popup.hide()
        return super().eventFilter(obj, event)

    def choose(self) -> None:
        """Take the chosen suggestion: the editor closes without writing what was typed,
        and the row gets the name (plus target and explanation where empty) in one undo step."""
        popup = self.popup
        chosen = popup.chosen() if popup is not None else None
        editor, row = self.editor, self.row
        if chosen is None or editor is None:
            return
        self._hide()
        self.editor = None
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self.tab.library_ui.insert_suggestion(row, chosen)


class IndicatorLibrary(QObject):
    """What the 指标库 adds to the indicator table: the popup on 三级指标, the 指标库…
    picker and 加入指标库. Edits go through undo commands: one insertion, one undo step."""

    NAME_COLUMN = 2
    TARGET_COLUMN = 3

    def __init__(self, editor):
        super().__init__(editor)
        self.editor = editor
        self.doc = editor.doc
        self.library = LibraryAccess(lambda: getattr(editor.window(), "db", None), self)
        self.delegate = NameDelegate(editor, self.library, editor.view)
        editor.view.setItemDelegateForColumn(self.NAME_COLUMN, self.delegate)
        self.doc.reset.connect(self._declaration_opened)
        editor.installEventFilter(self)  # shown: start reading the library
        editor.destroyed.connect(self.library.wait)
        # Under the table, not in the button bar: that bar already fills 1024 px at 150 %.
        from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

        self.picker_button = QPushButton("指标库…", editor)
        self.picker_button.setObjectName("library-picker-button")
        self.picker_button.clicked.connect(self.open_picker)
        hint = QLabel("填三级指标时会提示；右键一行可加入指标库", editor)
        hint.setStyleSheet("color: #666;")
        bar = QHBoxLayout()
        bar.addWidget(self.picker_button)
        bar.addWidget(hint)
        bar.addStretch(1)
        editor.layout().addLayout(bar)
        self.picker_button.setToolTip("从指标库（含本单位填过的指标）选择指标，一次插入多行；"
                                      "在某一行上单击右键可把它“加入指标库”")
        # A row action, on the row's context menu (the button bar must fit 1024 px at 150 %).
        from PySide6.QtGui import QAction

        self.add_action = QAction("加入指标库", editor.view)
        self.add_action.setObjectName("add-to-library")
        self.add_action.setToolTip("把这一行（类别、名称、目标值、指标解释）加入指标库")
        self.add_action.triggered.connect(self.add_current_to_library)
        self.pick_action = QAction("从指标库选择…", editor.view)
        self.pick_action.triggered.connect(self.open_picker)
        editor.view.addActions([self.pick_action, self.add_action])
        editor.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _declaration_opened(self) -> None:
        """Another declaration: the one left was saved, its rows are history now."""
        self.library.stale()
        if self.editor.isVisible() and self.doc.declaration is not None:
            self.library.warm()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.editor and event.type() == QEvent.Type.Show and self.doc.declaration is not None:
            self.library.warm()
        return False

    # -- finding -------------------------------------------------------------------------
    def _filter(self, row: int) -> dict:
        rows = self.doc.rows("indicators") if self.doc.declaration is not None else []
        current = rows[row] if 0 <= row < len(rows) else None
        level2 = current.level2 if current is not None else ""
        return {"template": self.doc.template, "level1": current.level1 if current is not None and level2 else "",
                "level2": level2}

    def prepare(self, row: int) -> None:
        """Read the library (first use) and key the row's category, before the first key."""
        self.library.index().subset(**self._filter(row))

    def suggestions(self, row: int, text: str, limit: int = POPUP_ROWS) -> list[Suggestion]:
        from desktop.services.library import suggest

        unit = self.doc.declaration.header.applicant_unit.strip() if self.doc.declaration is not None else ""
        return suggest(self.library.index(), text, unit=unit, limit=limit, **self._filter(row))

    # -- inserting -----------------------------------------------------------------------
    def insert_suggestion(self, row: int, s: Suggestion) -> None:
        """The row takes the name; where empty, the target and the explanation; the category
        when it has none. One undo step."""
        from desktop.domain.library import placeholder_span
        from desktop.qt.commands import CompositeCommand, SetFieldCommand

        if self.doc.declaration is None or not 0 <= row < len(self.doc.rows("indicators")):
            return
        current = self.doc.rows("indicators")[row]
        values = {"name": s.name}
        if not current.level2.strip():
            values.update(level1=s.level1, level2=s.level2)
        if not current.target.strip() and s.target:
            values["target"] = s.target
        if not current.explanation.strip() and s.explanation:
            values["explanation"] = s.explanation
        children = [SetFieldCommand(self.doc, f"indicators[{row}].{f}", v, merge=False)
                    for f, v in values.items() if getattr(current, f) != v]
        if not children:
            return
        self.doc.push(CompositeCommand(f"插入指标“{s.name}”", children))
        span = placeholder_span(values.get("target", ""))
        if span is not None:
            self._edit_number(row, span)
        else:
            self.editor.select(row, self.NAME_COLUMN)

    def _edit_number(self, row: int, span: tuple[int, int]) -> None:
        """Open the target cell with the placeholder selected: the number is typed over it."""
        view = self.editor.view
        index = self.editor.model.index(row, self.TARGET_COLUMN)
        view.setCurrentIndex(index)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        view.edit(index)
        editors = [w for w in view.findChildren(QLineEdit) if w.isVisible()]
        if editors:
            editors[-1].setSelection(span[0], span[1] - span[0])

    def insert_many(self, chosen: list[Suggestion]) -> int:
        """Rows for the chosen entries, each in its category of this declaration's template:
        an empty row of that category is filled first, else a row is added after the
        category's last row (or where the category goes). One undo step; the rows added."""
        from desktop.domain.model import Indicator
        from desktop.qt.commands import CompositeCommand, InsertRowCommand, SetFieldCommand

        if self.doc.declaration is None or not chosen:
            return 0
        template = self.doc.template
        order = template.category_order
        rows = self.doc.rows("indicators")
        sim = [((r.level1, r.level2), r.is_blank()) for r in rows]
        fills: list[QUndoCommand] = []
        inserts: list[QUndoCommand] = []
        for s in chosen:
            pair = (s.level1, s.level2)
            blank = next((i for i, (p, b) in enumerate(sim) if b and p == pair), None)
            if blank is not None:
                sim[blank] = (pair, False)
                fills += [SetFieldCommand(self.doc, f"indicators[{blank}].{f}", v, merge=False)
                          for f, v in (("name", s.name), ("target", s.target), ("explanation", s.explanation))]
                continue
            rank = order.get(pair, len(order))
            at = 0
            for i, (p, _b) in enumerate(sim):
                if order.get(p, len(order)) <= rank:
                    at = i + 1
            sim.insert(at, (pair, False))
            inserts.append(InsertRowCommand(self.doc, "indicators", at, Indicator(
                level1=s.level1, level2=s.level2, name=s.name, target=s.target, explanation=s.explanation)))
        self.doc.push(CompositeCommand(f"从指标库插入 {len(chosen)} 个指标", fills + inserts))
        return len(chosen)

    # -- the picker and 加入指标库 -----------------------------------------------------------
    def open_picker(self) -> None:
        from desktop.qt.library_picker import LibraryPicker

        if self.doc.declaration is None:
            return
        dialog = LibraryPicker(self, self.editor.window())
        self.picker = dialog  # tests find it here
        dialog.open()

    def add_current_to_library(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from desktop.services.errors import ServiceError
        from desktop.services.library import add_entry

        row = self.editor.current_row()
        rows = self.doc.rows("indicators") if self.doc.declaration is not None else []
        if not 0 <= row < len(rows):
            QMessageBox.information(self.editor.window(), "加入指标库", "请先在表中选择要加入指标库的一行。")
            return
        r = rows[row]
        db = self.library.db
        if db is None:
            return
        try:
            report = add_entry(db, r.level1, r.level2, r.name, r.target, r.explanation)
        except ServiceError as exc:
            QMessageBox.warning(self.editor.window(), "加入指标库", str(exc))
            return
        self.library.library_changed()
        if report.added:
            text = f"已把“{r.name}”加入指标库（{r.level1}/{r.level2}）。"
        elif report.changes:
            text = "指标库中已有同类别同名的指标，已更新：\n" + "\n".join(report.changes)
        else:
            text = f"指标库中已有“{r.name}”，内容相同，未做改动。"
        QMessageBox.information(self.editor.window(), "加入指标库", text)
