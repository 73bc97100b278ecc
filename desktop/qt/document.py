"""The open declaration as a Qt object: one place that changes it and says so.

Widgets and item models never own form data; they read it from here and
change it through undo commands (``desktop.qt.commands``), which call the mutators
below. Every change re-runs the rules, so marks and counts follow each key.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.domain.model import CostItem, Declaration, Indicator
from desktop.domain.problems import Problem
from desktop.domain.template import Template, registry
from desktop.services.checking import check

ROW_TYPES = {"cost_items": CostItem, "indicators": Indicator}


class DeclarationDocument(QObject):
    reset = Signal()  # another declaration was loaded (or none)
    fieldChanged = Signal(str)  # a field path, e.g. "indicators[3].target"
    rowsAboutToBeInserted = Signal(str, int)
    rowsInserted = Signal(str, int)
    rowsAboutToBeRemoved = Signal(str, int)
    rowsRemoved = Signal(str, int)
    rowsAboutToBeMoved = Signal(str, int, int)
    rowsMoved = Signal(str, int, int)
    changed = Signal()  # any edit (for autosave)
    problemsChanged = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.declaration: Declaration | None = None
        self.problems: list[Problem] = []
        self.problems_by_field: dict[str, list[Problem]] = {}
        # Set by the editing controller: sees every edit before it runs and
        # returns the command to push (possibly wrapped), or None to decline
        # it. Rules such as "editing a final form returns it to draft" live
        # there, so the document knows no commands.
        self.edit_policy: Callable[[QUndoCommand], QUndoCommand | None] = lambda command: command

    def push(self, command: QUndoCommand) -> bool:
        """Run an edit through the undo stack; False when it was declined."""
        if self.declaration is None:
            return False
        allowed = self.edit_policy(command)
        if allowed is None:
            return False
        self.undo_stack.push(allowed)
        return True

    @property
    def template(self) -> Template:
        tid = self.declaration.template_id if self.declaration else ""
        return registry().get(tid)

    def load(self, decl: Declaration | None) -> None:
        self.undo_stack.clear()
        self.declaration = decl
        self.reset.emit()
        self.recheck()

    # -- mutators (called by undo commands) ---------------------------------
    @property
    def _open(self) -> Declaration:
        """The open declaration; commands and bindings act only while one is open."""
        assert self.declaration is not None
        return self.declaration

    def get(self, path: str):
        return self._open.get(path)

    def set_field(self, path: str, value) -> None:
        if self._open.get(path) == value:
            return
        self._open.set(path, value)
        self.fieldChanged.emit(path)
        if path == "template_id":
            self.reset.emit()  # categories and option lists change with the template
        self._edited()

    def rows(self, kind: str) -> list:
        return getattr(self.declaration, kind)

    def insert_row(self, kind: str, index: int, row) -> None:
        self.rowsAboutToBeInserted.emit(kind, index)
        self.rows(kind).insert(index, row)
        self.rowsInserted.emit(kind, index)
        self._edited()

    def remove_row(self, kind: str, index: int):
        self.rowsAboutToBeRemoved.emit(kind, index)
        row = self.rows(kind).pop(index)
        self.rowsRemoved.emit(kind, index)
        self._edited()
        return row

    def move_row(self, kind: str, src: int, dst: int) -> None:
        """Move row src so that it ends up at index dst."""
        self.rowsAboutToBeMoved.emit(kind, src, dst)
        rows = self.rows(kind)
        rows.insert(dst, rows.pop(src))
        self.rowsMoved.emit(kind, src, dst)
        self._edited()

    def _edited(self) -> None:
        self.changed.emit()
        self.recheck()

    # -- problems ------------------------------------------------------------
    def recheck(self) -> None:
        if self.declaration is None:
            self.problems = []
        else:
            self.problems = check(self.declaration)
        by_field: dict[str, list[Problem]] = defaultdict(list)
        for p in self.problems:
            by_field[p.field].append(p)
        self.problems_by_field = dict(by_field)
        self.problemsChanged.emit()

    def problems_for(self, path: str) -> list[Problem]:
        return self.problems_by_field.get(path, [])

    @property
    def error_count(self) -> int:
        return sum(p.is_error for p in self.problems)
