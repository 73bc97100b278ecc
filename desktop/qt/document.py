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

from desktop.domain.check_context import CheckContext
from desktop.domain.model import CostItem, Declaration, Indicator
from desktop.domain.problems import Problem
from desktop.domain.template import Template, registry
from desktop.qt.visited import VisitedFields
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
    # What the editor shows of the problems changed: they did, or a field was
    # visited and its "fill me in" problem is no longer quiet (desktop.qt.visited).
    marksChanged = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.declaration: Declaration | None = None
        self.problems: list[Problem] = []
        # What the store knows for the rules (last year's declaration, duplicates, known
        # options): gathered by the editing session when a declaration opens and when its
        # 项目编码 or 申报年度 change, so a keystroke costs no query.
        self.context: CheckContext | None = None
        self.problems_by_field: dict[str, list[Problem]] = {}
        self.visited = VisitedFields(self)
        self.visited.changed.connect(self.marksChanged)
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
        self.visited.follow(None if decl is None else (decl.id if decl.id is not None else id(decl)))
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
        self.visited.row_inserted(kind, index)
        self._edited()

    def remove_row(self, kind: str, index: int):
        self.rowsAboutToBeRemoved.emit(kind, index)
        row = self.rows(kind).pop(index)
        self.rowsRemoved.emit(kind, index)
        self.visited.row_removed(kind, index)
        self._edited()
        return row

    def move_row(self, kind: str, src: int, dst: int) -> None:
        """Move row src so that it ends up at index dst."""
        self.rowsAboutToBeMoved.emit(kind, src, dst)
        rows = self.rows(kind)
        rows.insert(dst, rows.pop(src))
        self.rowsMoved.emit(kind, src, dst)
        self.visited.row_moved(kind, src, dst)
        self._edited()

    def _edited(self) -> None:
        self.changed.emit()
        self.recheck()

    # -- problems ------------------------------------------------------------
    def recheck(self) -> None:
        if self.declaration is None:
            self.problems = []
        else:
            self.problems = check(self.declaration, self.context)
        by_field: dict[str, list[Problem]] = defaultdict(list)
        for p in self.problems:
            by_field[p.field].append(p)
        self.problems_by_field = dict(by_field)
        self.problemsChanged.emit()
        self.marksChanged.emit()

    def problems_for(self, path: str) -> list[Problem]:
        return self.problems_by_field.get(path, [])

    def is_quiet(self, problem: Problem) -> bool:
        """A required field still empty that the user has not been to yet: shown softly."""
        return self.visited.is_quiet(problem)

    def marks_for(self, path: str) -> tuple[list[Problem], list[Problem]]:
        """The field's problems to mark as they are, and those still quiet (待填写)."""
        shown: list[Problem] = []
        quiet: list[Problem] = []
        for p in self.problems_by_field.get(path, ()):
            (quiet if self.visited.is_quiet(p) else shown).append(p)
        return shown, quiet

    @property
    def error_count(self) -> int:
        return sum(p.is_error for p in self.problems)
