"""The editing session: which declaration is open, and getting its edits to disk.

Owns open / save / autosave / retry / dirty and the rule that editing a final
form returns it to draft; the window only shows what happens (status bar,
list row, dialogs). Needs a Qt event loop for its timers, not a widget, so
it is tested without a window.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand

from desktop.domain.check_context import CheckContext
from desktop.domain.model import Declaration, Status
from desktop.services.check_context import contexts_for, forget_known_options, key_of
from desktop.qt.commands import CompositeCommand, SetFieldCommand
from desktop.qt.document import DeclarationDocument
from desktop.services import declarations as service
from desktop.store.database import DatabaseDamaged, is_damage
from desktop.store.repository import NotFound, Repository
from desktop.store.write_errors import is_write_error, reason as write_reason

CONTEXT_MS = 300  # after the 项目编码 or 申报年度 changed: look up last year and duplicates again
AUTOSAVE_MS = 600  # "every change is saved within a second"
# An editing burst ends after this long without an edit: its state becomes a revision
# (desktop.services.revisions), as it does when another declaration is opened or the window closes.
BURST_MS = 5000
SAVE_RETRY_MS = 3000  # after a failed write (disk full, read-only folder), try again this often


class UnsavedEdits(Exception):
    """The open declaration's edits could not be written; leaving it would lose them."""


class EditingSession(QObject):
    saved = Signal(object)  # the Declaration as written
    saveFailed = Signal(int, str)  # declaration id, why (磁盘空间不足 …)
    saveRecovered = Signal(int)  # a save succeeded after failures
    damaged = Signal(str)  # the database's pages are damaged: nothing may be written
    neighboursRecounted = Signal(list)  # ids of other declarations whose problem counts a save changed
    revisionMade = Signal(int)  # declaration id: its history has a new revision

    def __init__(self, repo: Repository, doc: DeclarationDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.repo = repo
        self.doc = doc
        self.dirty = False
        self.burst_pending = False
        self._started: int | None = None  # the declaration whose state before editing is checked
        self.save_error: str | None = None  # why the open declaration's edits are not on disk
        # Asked before the first edit of a final (定稿) declaration; True goes on
        # (the declaration returns to 草稿). The window sets a dialog here.
        self.confirm_edit_final: Callable[[], bool] = lambda: True
        doc.edit_policy = self._edit_policy
        # The rules' context (desktop.services.check_context), kept per open declaration:
        # gathered again when its 项目编码 or 申报年度 change (after a pause) and after a save.
        self._saved_key: tuple[str, int] | None = None  # (项目编码, 申报年度) as last stored
        self.context_timer = QTimer(self)
        self.context_timer.setSingleShot(True)
        self.context_timer.setInterval(CONTEXT_MS)
        self.context_timer.timeout.connect(self.refresh_context)
        doc.fieldChanged.connect(self._key_edited)
        doc.changed.connect(self._mark_dirty)
        self.autosave_timer = self._timer(AUTOSAVE_MS)
        self.retry_timer = self._timer(SAVE_RETRY_MS)
        self.burst_timer = QTimer(self)  # restarted by every edit
        self.burst_timer.setSingleShot(True)
        self.burst_timer.setInterval(BURST_MS)
        self.burst_timer.timeout.connect(self.end_burst)

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
        self.burst_timer.start()
        self.burst_pending = True  # edits not yet kept as a revision
        d = self.doc.declaration
        if d is not None and d.id is not None and self._started != d.id:  # its first edit since opened
            from desktop.services.revisions import keep_before_editing

            self._started = d.id
            keep_before_editing(self.repo, d.id)  # the stored state, if no revision holds it yet

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
        if self.context_timer.isActive():  # the 项目编码 or 申报年度 just changed: counts stored as shown
            self.refresh_context()
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
        self._after_save(d)
        return True

    def end_burst(self, reason: str = "编辑") -> bool:
        """The editing burst is over (a pause, switching, closing): save, and keep the
        saved state as a revision. False when the edits could not be saved."""
        from desktop.services.revisions import record_quietly

        self.burst_timer.stop()
        if not self.save():
            return False
        d = self.doc.declaration
        if self.burst_pending and d is not None and d.id is not None and record_quietly(self.repo, [d.id], reason):
            self.burst_pending = False
            self.revisionMade.emit(d.id)
        return True

    def _leave(self) -> None:
        """Before the open declaration is replaced: its edits must be on disk."""
        if not self.end_burst():
            raise UnsavedEdits(self.save_error)

    # -- the rules' context ------------------------------------------------------------
    def _context_of(self, decl: Declaration) -> CheckContext:
        try:
            return contexts_for(self.repo, [decl])[0]  # the known options are read once per repository
        except sqlite3.DatabaseError as exc:
            # A large file's pages are still being checked (open_database's PageCheck): a
            # damaged page met first here is reported by that check; check without context.
            if not is_damage(exc):
                raise
            return CheckContext()

    def forget_known_options(self) -> None:
        """After an import or a restore: the options used may have changed."""
        forget_known_options(self.repo)

    def _key_edited(self, path: str) -> None:
        if path in ("header.project_code", "fiscal_year"):
            self.context_timer.start()

    def refresh_context(self) -> None:
        """Gather the open declaration's context again; re-run the rules if it changed."""
        self.context_timer.stop()
        d = self.doc.declaration
        context = None if d is None else self._context_of(d)
        if context != self.doc.context:
            self.doc.context = context
            self.doc.recheck()

    def _after_save(self, d: Declaration) -> None:
        """The others a save touches (duplicates of the old and new 项目编码 + 申报年度, next
        year's declaration) get their problem counts again; this one its context."""
        key = key_of(d)
        keys = [key] if self._saved_key in (None, key) else [key, self._saved_key]
        self._saved_key = key
        others = service.refresh_neighbours(self.repo, [k for k in keys if k is not None], [d.id] if d.id else [])
        if others:
            self.neighboursRecounted.emit(others)
        if keys != [key] or others:
            self.refresh_context()

    def open(self, decl_id: int) -> bool:
        """Open a declaration (False if it no longer exists). Raises UnsavedEdits."""
        self._leave()
        try:
            decl = self.repo.load(decl_id)
        except NotFound:
            return False
        self.context_timer.stop()
        self.doc.context = self._context_of(decl)
        self._saved_key = key_of(decl)
        self.doc.load(decl)
        self._started = None
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
        self.end_burst()  # the edits before it are a revision of their own
        self.doc.undo_stack.push(SetFieldCommand(self.doc, "status", status, text, merge=False))
        self.end_burst(text)
        return True

    def stop(self) -> None:
        self.autosave_timer.stop()
        self.retry_timer.stop()
        self.burst_timer.stop()
