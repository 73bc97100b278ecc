"""The main window: declaration list beside the tabbed editor.

The window starts in two steps. The constructor builds the list from a
standard-library read and the window can show at once; ``finish_start`` then
loads the editor (pydantic models, SQLAlchemy, the rules) from a zero-delay
timer and opens the last declaration. Start-up figures: benchmarks/startup.py.

What happens lives elsewhere: the editing session (open, save, autosave,
retry) in ``session``, the tabs in ``editor_tabs``, the actions as data in
``actions``, every change of data in ``desktop.services``. This class wires
them together and shows the outcome.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QLabel, QMainWindow,
    QMessageBox, QSplitter,
)

from desktop import paths
from desktop.qt.list_panel import SPLITTER_KEY, ListPanel
from desktop.qt import backup_ui
from desktop.qt.editor_tabs import EditorTabs
from desktop.qt.settings import AppSettings
from desktop.store.database import Database

if TYPE_CHECKING:
    from desktop.qt.cost_tab import CostTab
    from desktop.qt.header_tab import HeaderTab
    from desktop.qt.indicator_tab import IndicatorEditor
    from desktop.qt.printing_ui import PreviewTab
    from desktop.qt.text_tab import TextTab

# The editor's modules pull in pydantic, SQLAlchemy and QtPdf; finish_start
# imports them after the window has shown (see the module docstring).

STYLE = """
*[problem="error"] { border: 2px solid #d32f2f; background: #fff3f3; }
*[problem="warning"] { border: 2px solid #e0a800; background: #fffbea; }
QLabel#cost-total[problem="warning"], QLabel#cost-total[problem="error"] { padding: 4px; }
"""


class MainWindow(QMainWindow):
    # Set by finish_start (second step of start-up), from self.tabs.
    header_tab: HeaderTab
    policy_tab: TextTab
    cost_tab: CostTab
    goals_tab: TextTab
    indicator_tab: IndicatorEditor
    preview_tab: PreviewTab

    def __init__(self, db: Database, settings: AppSettings | None = None):
        super().__init__()
        self.db = db
        self.settings = settings or AppSettings()
        self.editor_ready = False
        # The platform adds the application's name ("… — 绩效目标申报表") itself.
        self.setWindowTitle(db.path.name)
        self.setStyleSheet(STYLE)
        self.setAcceptDrops(True)

        self.list_panel = ListPanel(db, self, settings=self.settings)
        self.list_panel.currentDeclarationChanged.connect(self._list_current_changed)
        self.list_panel.keep_selected = lambda: self.open_id if self.editor_ready else None
        self.list_panel.new_button.clicked.connect(self.new_declaration)
        self.list_panel.copy_button.clicked.connect(self.duplicate_declaration)
        self.list_panel.delete_button.clicked.connect(self.delete_declaration)
        # The panel's parts under the names the rest of the window (and its tests) use.
        panel = self.list_panel
        self.list_model, self.list_view, self.search = panel.list_model, panel.list_view, panel.search
        self.year_filter, self.unit_filter, self.status_filter = panel.year_filter, panel.unit_filter, panel.status_filter
        self.new_button, self.copy_button, self.delete_button = panel.new_button, panel.copy_button, panel.delete_button
        self.list_filter = self.list_model  # the model filters itself (queries in desktop.store.listing)
        self.tabs = EditorTabs()
        splitter = QSplitter(self)
        splitter.setObjectName("main-splitter")
        splitter.addWidget(self.list_panel)
        splitter.addWidget(self.tabs)
        splitter.setChildrenCollapsible(False)
        # Both grow and shrink with the window (2 : 3), so a wide window gives the
        # list room for 项目编码 and 金额; where the user put the divider is remembered.
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 840])
        remembered = self.settings.q.value(SPLITTER_KEY)
        if isinstance(remembered, QByteArray) and not remembered.isEmpty():
            splitter.restoreState(remembered)
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self.menus = {"file": self.menuBar().addMenu("文件(&F)"), "edit": self.menuBar().addMenu("编辑(&E)"),
                      "decl": self.menuBar().addMenu("申报(&D)"), "view": self.menuBar().addMenu("视图(&V)"),
                      "settings": self.menuBar().addMenu("设置(&S)")}
        # Stays in the status bar (temporary messages do not hide it) until a save succeeds.
        self.unsaved_label = QLabel()
        self.unsaved_label.setObjectName("unsaved-warning")
        self.unsaved_label.setStyleSheet("color: #b71c1c; font-weight: bold; padding: 0 6px;")
        self.unsaved_label.hide()
        self.statusBar().addPermanentWidget(self.unsaved_label)

        self.list_panel.reload()
        for b in (self.new_button, self.copy_button, self.delete_button):
            b.setEnabled(False)  # until the editor has loaded
        if self.settings.geometry:
            self.restoreGeometry(self.settings.geometry)
        else:
            self.resize(1400, 860)
        QTimer.singleShot(0, self.finish_start)

    def finish_start(self) -> None:
        """Second step of start-up: the editor, the problems panel, the menus, the last declaration."""
        if self.editor_ready:
            return
        from desktop.qt.actions import build_actions
        from desktop.qt.document import DeclarationDocument
        from desktop.qt.problems_panel import ProblemsPanel
        from desktop.qt.session import EditingSession
        from desktop.store.repository import Repository

        self.repo = Repository(self.db)
        self.doc = DeclarationDocument(self)
        self.session = EditingSession(self.repo, self.doc, self)
        self.session.confirm_edit_final = self._confirm_edit_final
        self.session.saved.connect(self._saved)
        self.session.saveFailed.connect(self._save_failed)
        self.session.saveRecovered.connect(self._save_recovered)
        self.session.damaged.connect(self._database_damaged)
        self.session.neighboursRecounted.connect(self.list_model.refresh_rows)  # duplicates, next year
        if self.db.page_check is not None:  # a large file: its pages are checked on a thread
            self._check_timer = QTimer(self)
            self._check_timer.timeout.connect(self._page_check_done)
            self._check_timer.start(100)

        self.tabs.build(self.doc)
        for name in ("header_tab", "policy_tab", "cost_tab", "goals_tab", "indicator_tab", "preview_tab"):
            setattr(self, name, getattr(self.tabs, name))
        self.field_widgets = self.tabs.field_widgets
        self.preview_tab.print_button.clicked.connect(self.print_current)
        self.preview_tab.export_button.clicked.connect(self.export_selected_pdf)
        self.preview_tab.signatures_for = self._signatures  # the preview prints the units' signature blocks
        self.problems = ProblemsPanel(self.doc, self)
        self.problems.problemActivated.connect(self.focus_field)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.problems)
        self.problems.show()  # added after the window showed: not shown by itself
        self.actions_by_id = build_actions(self, self.menus)
        self._build_undo_actions()
        self.menus["view"].addAction(self.problems.toggleViewAction())
        self._build_history_panel()
        self.doc.reset.connect(self._update_enabled)
        self.doc.fieldChanged.connect(self._field_changed)
        self.list_panel.selectionChanged.connect(self._update_enabled)  # actions name how many are selected
        if self.settings.state:
            self.restoreState(self.settings.state)
        self.editor_ready = True
        for b in (self.new_button, self.copy_button, self.delete_button):
            b.setEnabled(True)
        self._refresh_unit_choices()
        QTimer.singleShot(3000, self.daily_backup)  # after start-up, out of the way
        last = self.settings.last_declaration(str(self.db.path))
        if last is not None and self.list_model.row_of(last) >= 0:
            self.open_declaration(last)
        elif self.list_model.rowCount():
            self.open_declaration(self.list_model.id_at(0))
        else:
            self.doc.load(None)

    # -- construction --------------------------------------------------------
    def _build_undo_actions(self) -> None:
        edit_menu = self.menus["edit"]
        self.undo_action = self.doc.undo_stack.createUndoAction(self, "撤销")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.doc.undo_stack.createRedoAction(self, "重做")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        for a in (self.undo_action, self.redo_action):
            edit_menu.addAction(a)
            self.addAction(a)
        # After the step has run: show the user the field it changed.
        self.undo_action.triggered.connect(lambda: self._show_step(self.doc.undo_stack.index()))
        self.redo_action.triggered.connect(lambda: self._show_step(self.doc.undo_stack.index() - 1))

    def _build_history_panel(self) -> None:
        """修订记录 (desktop.qt.history_panel): a dock beside the problems, as a tab of its own."""
        from desktop.qt.history_panel import HistoryPanel

        self.history_panel = HistoryPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_panel)
        self.tabifyDockWidget(self.problems, self.history_panel)
        self.problems.raise_()
        self.menus["view"].addAction(self.history_panel.toggleViewAction())

    def compare_declaration(self):
        """申报 → 与上年度比较: the open declaration beside last year's (or another one, or a revision)."""
        from desktop.qt.compare_view import CompareView

        d = self.doc.declaration
        if d is None:
            return None
        self.save()
        view = CompareView(self.repo, d.model_copy(deep=True), self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        self.compare_window = view
        return view

    def show_history(self) -> None:
        self.history_panel.show()
        self.history_panel.raise_()
        self.history_panel.table.setFocus()

    def _show_step(self, index: int) -> None:
        from desktop.qt.commands import focus_path_of

        path = focus_path_of(self.doc.undo_stack.command(index)) if index >= 0 else None
        if path:
            self.tabs.focus_field(path)

    def next_tab(self) -> None:
        self.tabs.step(1)

    def previous_tab(self) -> None:
        self.tabs.step(-1)

    # -- list ------------------------------------------------------------------
    def reload_list(self) -> None:
        self.list_panel.reload()
        self._refresh_unit_choices()

    def _refresh_filter_choices(self) -> None:
        self.list_panel.refresh_filter_choices()

    def _refresh_unit_choices(self) -> None:
        """Offer the units of earlier declarations in the editor's unit fields."""
        if self.editor_ready:
            self.header_tab.set_previous_values(
                self.repo.previous_values("applicant_unit"), self.repo.previous_values("budget_unit"))

    def _list_current_changed(self, decl_id: int) -> None:
        if self.editor_ready and decl_id != self.open_id:
            self.open_declaration(decl_id)

    def selected_ids(self) -> list[int]:
        return self.list_panel.selected_ids()

    def _select_in_list(self, decl_id: int) -> None:
        self.list_panel.select(decl_id)

    def _reselect_open(self) -> None:
        if self.open_id is not None:
            self._select_in_list(self.open_id)

    # -- declarations ----------------------------------------------------------
    @property
    def save_error(self) -> str | None:
        return self.session.save_error

    @property
    def autosave_timer(self):
        return self.session.autosave_timer

    @property
    def _dirty(self) -> bool:
        return self.session.dirty

    @property
    def open_id(self) -> int | None:
        d = self.doc.declaration
        return d.id if d is not None else None

    def _saved_or_warn(self) -> bool:
        """Save before an action that leaves the open declaration; if that fails, say so and stop."""
        if self.session.save():
            return True
        self._warn_unsaved()
        return False

    def _warn_unsaved(self) -> None:
        QMessageBox.warning(
            self, "修改尚未保存",
            f"当前申报表的修改还没能保存（{self.save_error}），为免丢失，暂不进行这个操作。\n\n"
            "请腾出磁盘空间或让文件夹可写，程序会自动重试；也可以用“文件 → 另存为文件（JSON）”把它保存到别处。")

    def open_declaration(self, decl_id: int) -> None:
        from desktop.qt.session import UnsavedEdits

        try:
            opened = self.session.open(decl_id)
        except UnsavedEdits:
            self._warn_unsaved()
            if self.open_id is not None:
                # Stay on the unsaved one, also after the click that asked for another
                # has made its own selection (it lands after this returns).
                self._select_in_list(self.open_id)
                QTimer.singleShot(0, self._reselect_open)
            return
        if opened:
            self.settings.set_last_declaration(str(self.db.path), decl_id)
            self._select_in_list(decl_id)

    def _made(self, make) -> None:
        """Run a session action that makes a declaration, then show it in the list and open it."""
        from desktop.qt.session import UnsavedEdits
        from desktop.services.errors import ServiceError

        try:
            made = make()
        except UnsavedEdits:
            self._warn_unsaved()
            return
        except ServiceError as exc:
            QMessageBox.critical(self, "操作失败", str(exc))
            return
        if made is None:
            return
        self.list_model.upsert(self.repo.summary(made.id))
        self.list_model.refresh_rows()  # a copy may have made others duplicates (duplicate.code_year)
        self._refresh_filter_choices()
        self.open_declaration(made.id)

    def new_declaration(self) -> None:
        self._made(self.session.create)
        self.tabs.setCurrentIndex(0)
        self.header_tab.widgets["header.project_name"].setFocus()

    def duplicate_declaration(self) -> None:
        self._made(self.session.duplicate)

    def copy_forward_declaration(self) -> None:
        self._made(self.session.copy_forward)

    def _chosen_ids(self) -> list[int]:
        """The selected declarations, or the open one."""
        return self.selected_ids() or ([self.open_id] if self.open_id is not None else [])

    @staticmethod
    def _named(names: list[str], total: int) -> str:
        more = f"\n……另有 {total - len(names)} 份" if total > len(names) else ""
        return "\n".join(names) + more

    def delete_declaration(self) -> None:
        """Move the selected declarations (or the open one) to the 回收站, after asking (also the Delete key)."""
        from desktop.services.errors import ServiceError
        from desktop.services.trash import move_to_trash

        ids = self._chosen_ids()
        if not ids:
            return
        names = [s.project_name or "（未命名）" for s in self.list_model.summaries(ids[:10])]
        answer = QMessageBox.question(
            self, "删除申报表",
            f"把以下 {len(ids)} 份申报表移到回收站吗？\n\n{self._named(names, len(ids))}\n\n"
            "移到回收站的申报表可以在“文件 → 回收站”中恢复。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        open_id = self.open_id
        if open_id in ids and not self._saved_or_warn():  # its last edits go to the trash with it
            return
        rows = [r for r in map(self.list_model.row_of, ids) if r >= 0]
        try:
            moved = move_to_trash(self.repo, ids)
        except ServiceError as exc:
            QMessageBox.critical(self, "删除失败", str(exc))
            return
        if open_id in ids:
            self.session.stop()
            self.doc.load(None)
        self.list_panel.remove(ids)
        if self.open_id is not None:
            self._select_in_list(self.open_id)
        elif self.list_model.rowCount():
            # the row that took the place of the first one deleted
            self.open_declaration(self.list_model.id_at(min(min(rows, default=0), self.list_model.rowCount() - 1)))
        self.statusBar().showMessage(f"已把 {moved} 份申报表移到回收站（可在“文件 → 回收站”中恢复）", 8000)

    def trash_dialog(self):
        """文件 → 回收站: the trashed declarations, to restore or to purge (desktop.qt.trash_ui)."""
        from desktop.qt.trash_ui import TrashDialog

        dialog = TrashDialog(self)
        dialog.restored.connect(self._restored_from_trash)
        dialog.open()
        self.trash_window = dialog
        return dialog

    def _restored_from_trash(self, ids: list) -> None:
        self.list_panel.reload()
        if ids and self.list_model.row_of(ids[0]) >= 0:
            self.open_declaration(ids[0])
        self.statusBar().showMessage(f"已恢复 {len(ids)} 份申报表", 5000)

    def save(self) -> bool:
        """Write the open declaration now (Ctrl+S, autosave, switching, closing); False if the write failed."""
        return self.session.save()

    def _saved(self, saved) -> None:
        self.list_model.upsert(self.repo.summary(saved.id))
        self.statusBar().showMessage(f"已保存 {saved.updated_at:%H:%M:%S}", 3000)

    def _save_failed(self, decl_id: int, why: str) -> None:
        self.unsaved_label.setText(f"⚠ 修改尚未保存：{why}。程序会自动重试；也可“文件 → 另存为文件”。")
        self.unsaved_label.show()
        self.list_model.set_unsaved(decl_id, why)

    _damaged = False

    def _page_check_done(self) -> None:
        check = self.db.page_check
        if check is None or not check.done:
            return
        self._check_timer.stop()
        from desktop.store.database import DatabaseDamaged

        try:
            self.db.ensure_sound()
        except DatabaseDamaged as exc:
            self._database_damaged(str(exc))

    def _database_damaged(self, message: str) -> None:
        """Found after the window showed (large files are checked on a thread): nothing
        was or will be written; say how to restore, and close."""
        if self._damaged:
            return
        self._damaged = True
        self.session.stop()
        QMessageBox.critical(self, "数据库已损坏", message + "\n\n窗口将关闭，没有写入任何内容。")
        self.close()

    def _save_recovered(self, decl_id: int) -> None:
        self.unsaved_label.hide()
        self.list_model.set_unsaved(decl_id, None)
        self.statusBar().showMessage("之前未能保存的修改已全部保存", 8000)

    def save_copy_dialog(self) -> bool:
        """Save the open declaration, as it is in the window, to a JSON exchange file of the user's choice."""
        from desktop.services.errors import ServiceError
        from desktop.services.outputs import export

        d = self.doc.declaration
        if d is None:
            return False
        stem = self._file_stem([d])
        name, _ = QFileDialog.getSaveFileName(self, "另存为文件", str(Path.home() / f"{stem}.json"),
                                              "交换文件 JSON (*.json)")
        if not name:
            return False
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(".json")
        try:
            path = export([d], path, paths.database_files(self.db.path), repo=self.repo)
        except ServiceError as exc:
            QMessageBox.warning(self, "不能保存到这里", str(exc))
            return False
        self.statusBar().showMessage(f"已另存到 {path}（可用“导入”取回）", 8000)
        return True

    # -- backups (desktop.qt.backup_ui) ------------------------------------------------
    def daily_backup(self) -> None:
        backup_ui.daily(self)

    def backup_dialog(self) -> None:
        backup_ui.backup_dialog(self)

    def _signatures(self, decls: list) -> dict:
        from desktop.services.outputs import signatures_for

        return signatures_for(self.db, decls)

    def signature_dialog(self):
        """设置 → 签字栏…: the block printed under the forms, per 申请单位 (desktop.qt.signature_ui)."""
        from desktop.qt.signature_ui import SignatureDialog

        d = self.doc.declaration
        dialog = SignatureDialog(self.db, d.header.applicant_unit if d is not None else "", self)
        dialog.accepted.connect(self.preview_tab.refresh_if_shown)  # a printed block may have changed
        dialog.open()
        self.signature_window = dialog
        return dialog

    def restore_dialog(self) -> None:
        backup_ui.restore_dialog(self)

    # -- import / export ------------------------------------------------------------
    def import_dialog(self) -> None:
        from desktop.qt.import_export_ui import ask_import_files

        files = ask_import_files(self)
        if files:
            self.import_paths(files)

    def import_paths(self, files: list[Path]) -> None:
        from desktop.qt.import_export_ui import import_into

        if not self._saved_or_warn():
            return
        saved = import_into(self, self.repo, files)
        if saved:
            self.session.forget_known_options()
            self.reload_list()
            self.open_declaration(saved[0].id or 0)

    def _chosen_declarations(self) -> tuple[list, str]:
        """The selected declarations (or the open one) and a file name for them.

        The open declaration is taken as the window holds it, so an export
        carries its edits even when they could not be saved (disk full)."""
        self.save()
        open_decl = self.doc.declaration
        ids = self.selected_ids() or ([self.open_id] if self.open_id is not None else [])
        decls = [open_decl if open_decl is not None and i == open_decl.id else self.repo.load(i) for i in ids]
        if not decls:
            return [], ""
        return decls, str(Path.home() / self._file_stem(decls))

    @staticmethod
    def _file_stem(decls: list) -> str:
        name = decls[0].header.project_name if len(decls) == 1 else f"{len(decls)}份申报表"
        return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "申报表"  # a project name is no path

    def export_dialog(self) -> None:
        from desktop.qt.import_export_ui import ask_export_path, export_to

        decls, stem = self._chosen_declarations()
        if not decls:
            return
        path = ask_export_path(self, stem + ".json")
        if path is not None and export_to(self, decls, path, paths.database_files(self.db.path), repo=self.repo):
            self.statusBar().showMessage(f"已导出 {len(decls)} 份申报表到 {path}", 5000)

    def export_history_dialog(self) -> None:
        """导出 JSON（带修订记录）: as `jixiao export --with-history` (desktop.qt.history_panel's data)."""
        from desktop.qt.import_export_ui import export_to

        decls, stem = self._chosen_declarations()
        if not decls:
            return
        name, _ = QFileDialog.getSaveFileName(self, "导出 JSON（带修订记录）", stem + "-修订记录.json", "交换文件 JSON (*.json)")
        if not name:
            return
        path = Path(name).with_suffix(".json")
        if export_to(self, decls, path, paths.database_files(self.db.path), repo=self.repo, with_history=True):
            self.statusBar().showMessage(f"已导出 {len(decls)} 份申报表及其修订记录到 {path}", 5000)

    @staticmethod
    def _dropped_files(event) -> list[Path]:
        """The local files of a drag, if every one of them can be imported."""
        from desktop.qt.import_export_ui import importable

        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        return paths if paths and all(importable(p) for p in paths) else []

    def dragEnterEvent(self, event) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = self._dropped_files(event)
        if paths and self.editor_ready:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- printing ---------------------------------------------------------------
    def print_current(self) -> None:
        """打印… (Ctrl+P): the open declaration, or every selected one in one print job."""
        if len(self.selected_ids()) > 1:
            self.print_selected()
            return
        if self.doc.declaration is None:
            return
        self.save()
        self._print([self.doc.declaration.model_copy(deep=True)], self.preview_tab.fresh_pdf())

    def print_selected(self) -> None:
        """The selected declarations in one print job: the printer dialog first, then rendered and sent off the UI thread."""
        decls, _stem = self._chosen_declarations()
        if decls:
            self._print([d.model_copy(deep=True) for d in decls], None)

    def _print(self, decls: list, pdf: bytes | None) -> None:
        from desktop.qt.printing_ui import print_with_dialog

        done = print_with_dialog(self, decls, pdf, paths.database_files(self.db.path), repo=self.repo)
        if done is None or not done.ok:
            return
        self._printed(decls)
        drafts = f"，其中 {len(done.drafts)} 份有错误，带“草稿”标记" if done.drafts else ""
        if done.path is not None:  # 打印到文件: the same PDF as 导出 PDF
            text = f"已输出 {len(decls)} 份申报表，共 {done.pages} 页：{done.path}{drafts}"
        else:
            text = f"已把 {len(decls)} 份申报表（共 {done.pages} 页）发送到打印机{drafts}"
        self.statusBar().showMessage(text, 8000)

    def export_selected_pdf(self) -> None:
        """Export the selected declarations (or the open one) into one PDF."""
        from desktop.qt.printing_ui import ask_pdf_path, export_pdf

        decls, stem = self._chosen_declarations()
        if not decls:
            return
        path = ask_pdf_path(self, stem + ".pdf")
        if path is not None and export_pdf(self, decls, path, paths.database_files(self.db.path), repo=self.repo):
            self._printed(decls)
            self.statusBar().showMessage(f"已导出 {path}", 5000)

    def _printed(self, decls: list) -> None:
        """What was printed is kept as revisions: the code in each page's footer leads back to it."""
        from desktop.services.revisions import PRINT, record_quietly

        if record_quietly(self.repo, [], PRINT, decls=decls) and self.open_id in {d.id for d in decls}:
            self.session.revisionMade.emit(self.open_id)

    # -- final / draft -----------------------------------------------------------
    def mark_final(self) -> None:
        from desktop.services.checking import finalize_blockers
        from desktop.services.declarations import FINAL

        d = self.doc.declaration
        if d is None or d.status == FINAL:
            return
        self.doc.visited.reveal_all()  # asking for 定稿: every empty required field is marked red now
        errors = finalize_blockers(self.doc.problems)
        if errors:
            QMessageBox.warning(self, "不能定稿", f"还有 {len(errors)} 个错误，改正后才能定稿：\n\n"
                                + "\n".join(p.message for p in errors[:8]))
            return
        warnings = self.doc.problems
        if warnings:
            answer = QMessageBox.question(
                self, "确认定稿", f"还有 {len(warnings)} 个警告：\n\n" + "\n".join(p.message for p in warnings[:8])
                + "\n\n仍然定稿吗？", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.session.set_status(FINAL)

    def finalize_selected(self) -> None:
        """定稿所选: each selected declaration without errors is marked final; those with errors are listed."""
        from desktop.services.declarations import FINAL, set_status_many
        from desktop.services.errors import ServiceError

        ids = self._chosen_ids()
        if not ids:
            return
        if ids == [self.open_id]:
            self.mark_final()  # one, the open one: with its warnings shown first
            return
        answer = QMessageBox.question(
            self, "定稿所选", f"把所选的 {len(ids)} 份申报表定稿吗？\n\n有错误的申报表不会定稿，完成后会一一列出。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes or not self._saved_or_warn():
            return
        try:
            done = set_status_many(self.repo, ids, FINAL)
        except ServiceError as exc:
            QMessageBox.critical(self, "定稿失败", str(exc))
            self.list_panel.reload()  # batches written before the failure stay final
            return
        changed = [i for i, _name in done.changed]
        if len(changed) > 50:
            self.list_panel.reload()
        else:
            for decl_id in changed:
                self.list_model.upsert(self.repo.summary(decl_id))
        if self.open_id in changed:
            self.session.open(self.open_id)  # the editor shows it final (its undo history starts again)
        lines = [f"已定稿 {len(done.changed)} 份申报表。"]
        if done.unchanged:
            lines.append(f"{len(done.unchanged)} 份原来就是定稿。")
        if done.refused:
            refused = [f"· {name}（{why}）" for _i, name, why in done.refused[:12]]
            lines.append(f"以下 {len(done.refused)} 份有错误，没有定稿，改正后再定稿：\n"
                         + self._named(refused, len(done.refused)))
            QMessageBox.warning(self, "定稿所选", "\n\n".join(lines))
        else:
            QMessageBox.information(self, "定稿所选", "\n\n".join(lines))

    def mark_draft(self) -> None:
        from desktop.services.declarations import DRAFT

        self.session.set_status(DRAFT)

    def _confirm_edit_final(self) -> bool:
        answer = QMessageBox.question(
            self, "修改已定稿的申报表", "这份申报表已定稿。修改后将退回草稿状态，需要重新定稿。继续修改吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def focus_field(self, path: str) -> None:
        """Show the tab of a field and put the cursor in it (or in its table cell)."""
        self.tabs.focus_field(path)

    def show_preview(self) -> None:
        self.tabs.setCurrentWidget(self.preview_tab)

    def _resolve_unsaved_on_close(self) -> bool:
        """The last edits are not on disk: offer to save them elsewhere. True when closing may go on."""
        while True:
            d = self.doc.declaration
            name = (d.header.project_name if d else "") or "（未命名）"
            box = QMessageBox(QMessageBox.Icon.Warning, "修改尚未保存",
                              f"《{name}》最近的修改没能保存：{self.save_error}。\n\n"
                              "关闭前可以把它另存为文件（JSON 交换文件，以后用“导入”取回），以免丢失。", parent=self)
            box.setObjectName("unsaved-on-close")
            save_as = box.addButton("另存为文件…", QMessageBox.ButtonRole.AcceptRole)
            retry = box.addButton("重试保存", QMessageBox.ButtonRole.ActionRole)
            discard = box.addButton("放弃修改并关闭", QMessageBox.ButtonRole.DestructiveRole)
            cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(save_as)
            box.setEscapeButton(cancel)
            box.exec()
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked is save_as:
                if self.save_copy_dialog():
                    return True
            elif clicked is retry:
                if self.save():
                    return True
            elif clicked is discard:
                return True
            else:
                return False

    def _field_changed(self, path: str) -> None:
        if path == "status":
            self._update_enabled()

    def _update_enabled(self) -> None:
        from desktop.qt.actions import update_enabled

        self.tabs.setEnabled(self.doc.declaration is not None)
        update_enabled(self, self.actions_by_id)

    # -- closing ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.finish_start()  # closing during start-up still saves settings consistently
        if self._damaged:
            self.session.stop()
        elif not self.session.end_burst() and not self._resolve_unsaved_on_close():
            event.ignore()
            return
        self.session.stop()
        self.list_model.listing.close()  # its read connection (Windows keeps open files locked)
        self.settings.q.setValue(SPLITTER_KEY, self.splitter.saveState())
        self.settings.geometry = self.saveGeometry()
        self.settings.state = self.saveState()
        self.settings.set_last_declaration(str(self.db.path), self.doc.declaration.id if self.doc.declaration else None)
        self.settings.sync()
        super().closeEvent(event)

