"""Undo commands: they change the document, never widgets."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from desktop.qt.document import DeclarationDocument

_TYPING_ID = 1001


class SetFieldCommand(QUndoCommand):
    """One field set to a new value; consecutive typing in one field merges."""

    def __init__(self, doc: DeclarationDocument, path: str, new, text: str = "修改", merge: bool = True,
                 parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.doc, self.path = doc, path
        self.old, self.new = doc.get(path), new
        self.merge = merge

    def id(self) -> int:
        return _TYPING_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetFieldCommand) or other.path != self.path or not other.merge:
            return False
        self.new = other.new
        return True

    def focus_path(self) -> str:
        return self.path

    def redo(self) -> None:
        self.doc.set_field(self.path, self.new)

    def undo(self) -> None:
        self.doc.set_field(self.path, self.old)


class InsertRowCommand(QUndoCommand):
    def __init__(self, doc: DeclarationDocument, kind: str, index: int, row, text: str = "添加行",
                 parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.doc, self.kind, self.index, self.row = doc, kind, index, row

    def focus_path(self) -> str:
        return f"{self.kind}[{self.index}]"

    def redo(self) -> None:
        self.doc.insert_row(self.kind, self.index, self.row.model_copy())

    def undo(self) -> None:
        self.doc.remove_row(self.kind, self.index)


class RemoveRowCommand(QUndoCommand):
    def __init__(self, doc: DeclarationDocument, kind: str, index: int, text: str = "删除行",
                 parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.doc, self.kind, self.index = doc, kind, index
        self.row = doc.rows(kind)[index].model_copy()

    def focus_path(self) -> str:
        return f"{self.kind}[{self.index}]"

    def redo(self) -> None:
        self.doc.remove_row(self.kind, self.index)

    def undo(self) -> None:
        self.doc.insert_row(self.kind, self.index, self.row.model_copy())


class MoveRowCommand(QUndoCommand):
    def __init__(self, doc: DeclarationDocument, kind: str, src: int, dst: int, text: str = "移动行",
                 parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.doc, self.kind, self.src, self.dst = doc, kind, src, dst

    def focus_path(self) -> str:
        return f"{self.kind}[{self.dst}]"

    def redo(self) -> None:
        self.doc.move_row(self.kind, self.src, self.dst)

    def undo(self) -> None:
        self.doc.move_row(self.kind, self.dst, self.src)


class CompositeCommand(QUndoCommand):
    """Several commands as one undo step.

    Children are kept in a Python list rather than parented to this command:
    PySide would otherwise let their Python halves be collected while Qt still
    calls them.
    """

    def __init__(self, text: str, children: Sequence[QUndoCommand]):
        super().__init__(text)
        self.children = list(children)

    def focus_path(self) -> str | None:
        return focus_path_of(self.children[-1]) if self.children else None

    def redo(self) -> None:
        for c in self.children:
            c.redo()

    def undo(self) -> None:
        for c in reversed(self.children):
            c.undo()


def focus_path_of(command) -> str | None:
    """The field an undo step changed, so undo and redo can show it to the user."""
    focus = getattr(command, "focus_path", None)
    return focus() if focus is not None else None
