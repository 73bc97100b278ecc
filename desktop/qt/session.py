"""The editing session: which declaration is open, and getting its edits to disk.

Owns open / save / autosave / retry / dirty and the rule that editing a final
form returns it to draft; the window only shows what happens (status bar,
list row, dialogs). Needs a Qt event loop for its timers, not a widget, so
it is tested without a window.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand

from desktop.domain.model import Declaration, Status
from desktop.qt.commands import CompositeCommand, SetFieldCommand
from desktop.qt.document import DeclarationDocument
from desktop.services import declarations as service
from desktop.store.database import DatabaseDamaged
from desktop.store.repository import NotFound, Repository
from desktop.store.write_errors import is_write_error, reason as write_reason

AUTOSAVE_MS = 600  # "every change is saved within a second"
SAVE_RETRY_MS = 3000  # after a failed write (disk full, read-only folder), try again this often


class UnsavedEdits(Exception):
    """The open declaration's edits could not be written; leaving it would lose them."""


class EditingSession(QObject):
    saved = Signal(object)  # the Declaration as written
    saveFailed = Signal(int, str)  # declaration id, why (磁盘空间不足 …)
    saveRecovered = Signal(int)  # a save succeeded after failures
    damaged = Signal(str)  # the database's pages are damaged: nothing may be written

    def __init__(self, repo: Repository, doc: DeclarationDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.repo = repo
        self.doc = doc
        self.dirty = False
        self.save_error: str | None = None  # why the open declaration's edits are not on disk
        # Asked before the first edit of a final (定稿) declaration; True goes on
        # (the declaration returns to 草稿). The window sets a dialog here.
        self.confirm_edit_final: Callable[[], bool] = lambda: True
        doc.edit_policy = self._edit_policy
        doc.changed.connect(self._mark_dirty)
        self.autosave_timer = self._timer(AUTOSAVE_MS)
        self.retry_timer = self._timer(SAVE_RETRY_MS)

    def _timer(self, ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(self.save)
        return timer

    @property
    def declaration(self) -> Declaration | None:
        return self.doc.declaration

    # -- edits ---------------------------------------------------------------------
    def _edit_policy(self, command: QUndoCommand) -> QUndoCommand | None:
        if self.doc.declaration is None or self.doc.declaration.status != service.FINAL:
            return command
        if not self.confirm_edit_final():
            return None
        back_to_draft = SetFieldCommand(self.doc, "status", service.DRAFT, "退回草稿", merge=False)
        return CompositeCommand(command.text(), [back_to_draft, command])

    def _mark_dirty(self) -> None:
        self.dirty = True
        # Not restarted by later changes: steady typing is saved every
        # AUTOSAVE_MS instead of waiting for a pause that may never come.
        if not self.autosave_timer.isActive():
            self.autosave_timer.start()

    # -- saving --------------------------------------------------------------------
    def save(self) -> bool:
        """Write the open declaration now (Ctrl+S, autosave, switching, closing).

        False when the write failed (full disk, read-only folder): the edits
        stay in memory and a retry is scheduled."""
        self.autosave_timer.stop()
        self.retry_timer.stop()
        d = self.doc.declaration
        if d is None or not self.dirty:
            return True
        try:
            saved = service.save(self.repo, d, self.doc.problems)
        except DatabaseDamaged as exc:  # found by the deferred page check of a large file
            self.stop()
            self.damaged.emit(str(exc))
            return False
        except Exception as exc:
            if not is_write_error(exc):
                raise
            self.save_error = write_reason(exc)
            try:
                self.repo.db.engine.dispose()  # a connection that failed mid-write is not reused
            except Exception:
                pass
            self.retry_timer.start()
            self.saveFailed.emit(d.id, self.save_error)
            return False
        d.updated_at = saved.updated_at
        self.dirty = False
        if self.save_error is not None:
            self.save_error = None
            self.saveRecovered.emit(d.id)
        self.saved.emit(saved)
        return True

    def _leave(self) -> None:
        """Before the open declaration is replaced: its edits must be on disk."""
        if not self.save():
            raise UnsavedEdits(self.save_error)

    # -- opening and making declarations ---------------------------------------------
    def open(self, decl_id: int) -> bool:
        """Open a declaration (False if it no longer exists). Raises UnsavedEdits."""
        self._leave()
        try:
            decl = self.repo.load(decl_id)
        except NotFound:
            return False
        self.doc.load(decl)
        return True

    def close_declaration(self) -> None:
        self._leave()
        self.doc.load(None)

    def create(self) -> Declaration:
        self._leave()
        return service.new_draft(self.repo)

    def duplicate(self) -> Declaration | None:
        if self.doc.declaration is None:
            return None
        self._leave()
        return service.duplicate(self.repo, self.doc.declaration)

    def copy_forward(self) -> Declaration | None:
        if self.doc.declaration is None:
            return None
        self._leave()
        return service.copy_forward(self.repo, self.doc.declaration)

    # -- final / draft ---------------------------------------------------------------
    def set_status(self, status: Status) -> bool:
        """定稿 / 退回草稿 as one undo step, saved at once; False if nothing changed."""
        d = self.doc.declaration
        if d is None or d.status == status:
            return False
        text = "定稿" if status == service.FINAL else "退回草稿"
        self.doc.undo_stack.push(SetFieldCommand(self.doc, "status", status, text, merge=False))
        self.save()
        return True

    def stop(self) -> None:
        self.autosave_timer.stop()
        self.retry_timer.stop()
