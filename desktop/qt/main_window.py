"""The main window: declaration list beside the tabbed editor.

The window starts in two steps. The constructor builds the list from a
standard-library read and the window can show at once; ``finish_start`` then
loads the editor (pydantic models, SQLAlchemy, the rules) from a zero-delay
timer and opens the last declaration. Start-up figures: benchmarks/startup.py.
"""
from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow,
    QMessageBox, QPushButton, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from desktop.domain.problems import TABS, tab_of
from desktop.qt.declaration_list import ID_ROLE, DeclarationFilter, DeclarationListModel
from desktop.qt.settings import AppSettings
from desktop.store.backup import backup_to, daily_backup, inspect_backup, restore_from
from desktop import paths
from desktop.io.output import OutputRefused, check_output, disk_message
from desktop.store.database import Database, DatabaseError
from desktop.store.summaries import read_summaries
from desktop.store.write_errors import is_write_error, reason as write_reason, write_error_message

# The editor's modules pull in pydantic, SQLAlchemy and QtPdf; finish_start
# imports them after the window has shown (see the module docstring).

AUTOSAVE_MS = 600  # "every change is saved within a second"
SAVE_RETRY_MS = 3000  # after a failed write (disk full, read-only folder), try again this often
STYLE = """
*[problem="error"] { border: 2px solid #d32f2f; background: #fff3f3; }
*[problem="warning"] { border: 2px solid #e0a800; background: #fffbea; }
QLabel#cost-total[problem="warning"], QLabel#cost-total[problem="error"] { padding: 4px; }
"""


class MainWindow(QMainWindow):
    def __init__(self, db: Database, settings: AppSettings | None = None, glyph_check=None):
        super().__init__()
        self.db = db
        self.settings = settings or AppSettings()
        self._glyph_check = glyph_check
        self.editor_ready = False
        self.save_error: str | None = None  # why the open declaration's edits are not on disk
        self.setWindowTitle(f"绩效目标申报表 — {db.path.name}")
        self.setStyleSheet(STYLE)
        self.setAcceptDrops(True)

        self._build_list()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("editor-tabs")
        loading = QLabel("正在载入编辑器…")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tabs.addTab(loading, TABS[0])
        splitter = QSplitter(self)
        splitter.setObjectName("main-splitter")
        splitter.addWidget(self.list_panel)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 940])
        self.setCentralWidget(splitter)
        self.file_menu = self.menuBar().addMenu("文件(&F)")
        self.edit_menu = self.menuBar().addMenu("编辑(&E)")
        self.decl_menu = self.menuBar().addMenu("申报(&D)")
        self.view_menu = self.menuBar().addMenu("视图(&V)")

        # Stays in the status bar (temporary messages do not hide it) until a save succeeds.
        self.unsaved_label = QLabel()
        self.unsaved_label.setObjectName("unsaved-warning")
        self.unsaved_label.setStyleSheet("color: #b71c1c; font-weight: bold; padding: 0 6px;")
        self.unsaved_label.hide()
        self.statusBar().addPermanentWidget(self.unsaved_label)

        self.list_model.set_items(read_summaries(db))
        self._refresh_filter_choices()
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
        from desktop.qt.document import DeclarationDocument
        from desktop.qt.problems_panel import ProblemsPanel
        from desktop.store.repository import Repository

        self.repo = Repository(self.db)
        glyph_check = self._glyph_check
        if glyph_check is None:
            from desktop.printing.fonts import missing_glyphs as glyph_check
        self.doc = DeclarationDocument(self, glyph_check=glyph_check)
        self.doc.confirm_edit_final = self._confirm_edit_final
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.setInterval(SAVE_RETRY_MS)
        self.retry_timer.timeout.connect(self.save)
        self.doc.changed.connect(self._mark_dirty)

        self._build_tabs()
        self.problems = ProblemsPanel(self.doc, self)
        self.problems.problemActivated.connect(self.focus_field)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.problems)
        self.problems.show()  # added after the window showed: not shown by itself
        self._build_actions()
        self.doc.problemsChanged.connect(self._update_tab_titles)
        self.doc.reset.connect(self._update_enabled)
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
        elif self.list_model.items:
            self.open_declaration(self.list_model.items[0].id)
        else:
            self.doc.load(None)

    # -- construction --------------------------------------------------------
    def _build_list(self) -> None:
        self.list_model = DeclarationListModel(self)
        self.list_filter = DeclarationFilter(self)
        self.list_filter.setSourceModel(self.list_model)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索项目名称、单位、年度、金额…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda t: self.list_filter.set_filters(text=t))
        self.year_filter = QComboBox()
        self.unit_filter = QComboBox()
        self.status_filter = QComboBox()
        self.status_filter.addItems(["全部状态", "草稿", "定稿"])
        self.year_filter.currentIndexChanged.connect(self._apply_filters)
        self.unit_filter.currentIndexChanged.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.list_view = QTableView()
        self.list_view.setObjectName("declaration-list")
        self.list_view.setModel(self.list_filter)
        self.list_view.setSortingEnabled(True)
        self.list_view.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.verticalHeader().hide()
        # Fixed widths: sizing columns or rows to their contents would read
        # every row of a long list at start-up.
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate((0, 80, 62, 100, 40, 56, 80)):
            if width:
                header.resizeSection(col, width)
        self.list_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list_view.selectionModel().currentRowChanged.connect(self._list_current_changed)

        self.new_button = QPushButton("新建")
        self.copy_button = QPushButton("复制")
        self.delete_button = QPushButton("删除")
        self.new_button.clicked.connect(self.new_declaration)
        self.copy_button.clicked.connect(self.duplicate_declaration)
        self.delete_button.clicked.connect(self.delete_declaration)

        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        filters = QHBoxLayout()
        for w in (self.year_filter, self.unit_filter, self.status_filter):
            filters.addWidget(w)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.copy_button, self.delete_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.list_panel = panel

    def _build_tabs(self) -> None:
        from desktop.qt.cost_tab import CostTab
        from desktop.qt.header_tab import HeaderTab
        from desktop.qt.indicator_tab import IndicatorEditor
        from desktop.qt.printing_ui import PreviewTab
        from desktop.qt.text_tab import TextTab

        self.tabs.setUpdatesEnabled(False)
        self.tabs.removeTab(0)  # the "loading" page
        self.header_tab = HeaderTab(self.doc)
        self.policy_tab = TextTab(self.doc, [("texts.policy_basis", "列出政策文件名称、文号及年度主要工作")])
        self.cost_tab = CostTab(self.doc)
        self.goals_tab = TextTab(self.doc, [
            ("texts.annual_goals", "本年度要达到的目标，可分条填写"),
            ("texts.long_term_goals", "实施期限超过 1 年的项目必须填写"),
        ])
        self.indicator_tab = IndicatorEditor(self.doc)
        for widget, title in zip((self.header_tab, self.policy_tab, self.cost_tab, self.goals_tab, self.indicator_tab), TABS):
            self.tabs.addTab(widget, title)
        self.preview_tab = PreviewTab(self.doc)
        self.preview_tab.print_button.clicked.connect(self.print_current)
        self.preview_tab.export_button.clicked.connect(self.export_selected_pdf)
        self.tabs.addTab(self.preview_tab, "打印预览")
        self.tabs.setUpdatesEnabled(True)
        self.field_widgets = {**self.header_tab.widgets, **self.policy_tab.widgets, **self.goals_tab.widgets}

    def _build_actions(self) -> None:
        def action(text, slot, shortcut=None, menu=None):
            a = QAction(text, self)
            if shortcut:
                a.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
            a.triggered.connect(slot)
            if menu is not None:
                menu.addAction(a)
            self.addAction(a)
            return a

        file_menu = self.file_menu
        self.new_action = action("新建申报表", self.new_declaration, QKeySequence.StandardKey.New, file_menu)
        self.copy_action = action("复制申报表", self.duplicate_declaration, None, file_menu)
        self.delete_action = action("删除申报表…", self.delete_declaration, None, file_menu)
        file_menu.addSeparator()
        self.save_action = action("保存", self.save, QKeySequence.StandardKey.Save, file_menu)
        self.save_copy_action = action("另存为文件（JSON）…", self.save_copy_dialog, None, file_menu)
        file_menu.addSeparator()
        self.import_action = action("导入…", self.import_dialog, QKeySequence("Ctrl+I"), file_menu)
        self.export_action = action("导出（JSON / Excel，可多选）…", self.export_dialog, None, file_menu)
        file_menu.addSeparator()
        self.print_action = action("打印…", self.print_current, QKeySequence.StandardKey.Print, file_menu)
        self.preview_action = action("打印预览", lambda: self.tabs.setCurrentWidget(self.preview_tab), None, file_menu)
        self.export_pdf_action = action("导出 PDF（可多选）…", self.export_selected_pdf, None, file_menu)
        file_menu.addSeparator()
        self.backup_action = action("备份数据库…", self.backup_dialog, None, file_menu)
        self.restore_action = action("从备份恢复…", self.restore_dialog, None, file_menu)
        file_menu.addSeparator()
        action("退出", self.close, QKeySequence.StandardKey.Quit, file_menu)

        edit_menu = self.edit_menu
        self.undo_action = self.doc.undo_stack.createUndoAction(self, "撤销")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.doc.undo_stack.createRedoAction(self, "重做")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

        self.final_action = action("定稿", self.mark_final, None, self.decl_menu)
        self.draft_action = action("退回草稿", self.mark_draft, None, self.decl_menu)
        self.view_menu.addAction(self.problems.toggleViewAction())

    # -- list ------------------------------------------------------------------
    def reload_list(self) -> None:
        self.list_model.set_items(read_summaries(self.db))
        self._refresh_filter_choices()
        self._refresh_unit_choices()

    def _refresh_filter_choices(self) -> None:
        years = sorted({str(s.fiscal_year) for s in self.list_model.items}, reverse=True)
        units = sorted({s.applicant_unit for s in self.list_model.items if s.applicant_unit})
        for combo, first, values in ((self.year_filter, "全部年度", years), (self.unit_filter, "全部单位", units)):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first)
            combo.addItems(values)
            i = combo.findText(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def _refresh_unit_choices(self) -> None:
        """Offer the units of earlier declarations in the editor's unit fields."""
        if self.editor_ready:
            self.header_tab.set_previous_values(
                self.repo.previous_values("applicant_unit"), self.repo.previous_values("budget_unit"))

    def _apply_filters(self) -> None:
        def value(combo):
            return combo.currentText() if combo.currentIndex() > 0 else ""

        self.list_filter.set_filters(year=value(self.year_filter), unit=value(self.unit_filter),
                                     status=value(self.status_filter))

    def _list_current_changed(self, current, _previous) -> None:
        if not current.isValid() or not self.editor_ready:
            return
        decl_id = current.data(ID_ROLE)
        if self.doc.declaration is None or decl_id != self.doc.declaration.id:
            self.open_declaration(decl_id)

    def selected_ids(self) -> list[int]:
        rows = self.list_view.selectionModel().selectedRows()
        return [r.data(ID_ROLE) for r in rows]

    def _select_in_list(self, decl_id: int) -> None:
        row = self.list_model.row_of(decl_id)
        if row < 0:
            return
        proxy_index = self.list_filter.mapFromSource(self.list_model.index(row, 0))
        if proxy_index.isValid():
            sm = self.list_view.selectionModel()
            sm.blockSignals(True)
            sm.setCurrentIndex(proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                               | QItemSelectionModel.SelectionFlag.Rows)
            sm.blockSignals(False)
            self.list_view.scrollTo(proxy_index)

    # -- declarations ----------------------------------------------------------
    def open_declaration(self, decl_id: int) -> None:
        from desktop.store.repository import NotFound

        if not self._saved_or_warn():
            if self.doc.declaration is not None:
                self._select_in_list(self.doc.declaration.id)  # stay on the unsaved one
            return
        try:
            decl = self.repo.load(decl_id)
        except NotFound:
            return
        self.doc.load(decl)
        self.settings.set_last_declaration(str(self.db.path), decl_id)
        self._select_in_list(decl_id)

    def new_declaration(self) -> None:
        from desktop.domain.model import Declaration
        from desktop.domain.template import registry

        if not self._saved_or_warn():
            return
        units = self.repo.previous_values("applicant_unit")
        budget = self.repo.previous_values("budget_unit")
        decl = Declaration(template_id=registry().default.id)
        decl.header.applicant_unit = units[0] if units else ""
        decl.header.budget_unit = budget[0] if budget else ""
        saved = self.repo.save(decl)
        self.list_model.upsert(self.repo.summary(saved.id))
        self.open_declaration(saved.id)
        self.tabs.setCurrentIndex(0)
        self.header_tab.widgets["header.project_name"].setFocus()

    def duplicate_declaration(self) -> None:
        if self.doc.declaration is None or not self._saved_or_warn():
            return
        copy = self.doc.declaration.model_copy(deep=True)
        copy.id = copy.created_at = copy.updated_at = None
        copy.status = "草稿"
        copy.header.project_name = f"{copy.header.project_name}（副本）"
        saved = self.repo.save(copy)
        self.list_model.upsert(self.repo.summary(saved.id))
        self.open_declaration(saved.id)

    def delete_declaration(self) -> None:
        ids = self.selected_ids() or ([self.doc.declaration.id] if self.doc.declaration else [])
        if not ids:
            return
        names = [s.project_name or "（未命名）" for s in self.list_model.items if s.id in ids]
        answer = QMessageBox.question(
            self, "删除申报表",
            f"确定删除以下 {len(ids)} 份申报表吗？删除后不能恢复。\n\n" + "\n".join(names[:10]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.autosave_timer.stop()
        for decl_id in ids:
            try:
                self.repo.delete(decl_id)
            except Exception as exc:
                if not is_write_error(exc):
                    raise
                QMessageBox.critical(self, "删除失败", write_error_message(exc, "删除"))
                break
            self.list_model.remove(decl_id)
        if self.doc.declaration is not None and self.doc.declaration.id in ids:
            self.doc.load(None)
            if self.list_model.items:
                self.open_declaration(self.list_model.items[0].id)
        self._refresh_filter_choices()

    def save(self) -> bool:
        """Write the open declaration now (Ctrl+S, autosave, switching, closing).

        False when the write failed (full disk, read-only folder): the edits
        stay in memory, the window says so until a retry succeeds."""
        self.autosave_timer.stop()
        self.retry_timer.stop()
        d = self.doc.declaration
        if d is None or not self._dirty:
            return True
        errors = self.doc.error_count
        try:
            saved = self.repo.save(d, counts=(errors, len(self.doc.problems) - errors))
        except Exception as exc:
            if not is_write_error(exc):
                raise
            self._save_failed(d.id, write_reason(exc))
            return False
        d.updated_at = saved.updated_at
        self._dirty = False
        recovered = self.save_error is not None
        self._save_succeeded(d.id)
        self.list_model.upsert(self.repo.summary(d.id))
        note = "（之前未能保存的修改已全部保存）" if recovered else ""
        self.statusBar().showMessage(f"已保存 {saved.updated_at:%H:%M:%S}{note}", 8000 if recovered else 3000)
        return True

    def _save_failed(self, decl_id: int, why: str) -> None:
        self.save_error = why
        self.unsaved_label.setText(f"⚠ 修改尚未保存：{why}。程序会自动重试；也可“文件 → 另存为文件”。")
        self.unsaved_label.show()
        self.list_model.set_unsaved(decl_id, why)
        try:
            self.db.engine.dispose()  # a connection that failed mid-write is not reused
        except Exception:
            pass
        self.retry_timer.start()

    def _save_succeeded(self, decl_id: int) -> None:
        if self.save_error is None:
            return
        self.save_error = None
        self.unsaved_label.hide()
        self.list_model.set_unsaved(decl_id, None)

    def _saved_or_warn(self) -> bool:
        """Save before an action that leaves the open declaration; if that fails, say so and stop."""
        if self.save():
            return True
        QMessageBox.warning(
            self, "修改尚未保存",
            f"当前申报表的修改还没能保存（{self.save_error}），为免丢失，暂不进行这个操作。\n\n"
            "请腾出磁盘空间或让文件夹可写，程序会自动重试；也可以用“文件 → 另存为文件（JSON）”把它保存到别处。")
        return False

    def save_copy_dialog(self) -> bool:
        """Save the open declaration, as it is in the window, to a JSON exchange file of the user's choice."""
        from desktop.io.json_io import export_json

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
            path = check_output(path, "json", paths.database_files(self.db.path))
            export_json([d], path)
        except OutputRefused as exc:
            QMessageBox.warning(self, "不能保存到这里", str(exc))
            return False
        except OSError as exc:
            QMessageBox.critical(self, "另存失败", disk_message(exc, path))
            return False
        self.statusBar().showMessage(f"已另存到 {path}（可用“导入”取回）", 8000)
        return True

    _dirty = False

    def _mark_dirty(self) -> None:
        self._dirty = True
        # Not restarted by later changes: steady typing is saved every
        # AUTOSAVE_MS instead of waiting for a pause that may never come.
        if not self.autosave_timer.isActive():
            self.autosave_timer.start()

    # -- backups ------------------------------------------------------------------------
    def daily_backup(self) -> None:
        try:
            made = daily_backup(self.db)
        except (OSError, sqlite3.Error, DatabaseError) as exc:  # never in the user's way, but say so
            self.statusBar().showMessage(f"自动备份失败：{exc}", 15000)
            return
        if made:
            self.statusBar().showMessage(f"已自动备份到 {made}", 5000)

    def backup_dialog(self) -> None:
        if not self._saved_or_warn():
            return
        suggested = self.db.path.parent / f"{self.db.path.stem}-备份-{date.today():%Y%m%d}.sqlite3"
        name, _ = QFileDialog.getSaveFileName(self, "备份数据库", str(suggested), "数据库备份 (*.sqlite3)")
        if not name:
            return
        try:
            target = check_output(Path(name), "backup", paths.database_files(self.db.path))
            backup_to(self.db, target)
        except OutputRefused as exc:
            QMessageBox.warning(self, "不能备份到这里", str(exc))
            return
        except (OSError, sqlite3.Error, DatabaseError) as exc:
            QMessageBox.critical(self, "备份失败", f"{write_error_message(exc, '备份')}\n（{name}）")
            return
        self.statusBar().showMessage(f"已备份到 {name}", 5000)

    def restore_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "从备份恢复", str(self.db.path.parent / "backups"),
                                              "数据库备份 (*.sqlite3 *.db);;所有文件 (*)")
        if not name:
            return
        try:
            info = inspect_backup(Path(name))
        except DatabaseError as exc:
            QMessageBox.warning(self, "不能恢复", str(exc))
            return
        answer = QMessageBox.question(
            self, "从备份恢复",
            f"用备份 {Path(name).name}（{info.declarations} 份申报表）替换当前的全部数据吗？\n"
            "恢复前会先把当前数据另存一份。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes or not self._saved_or_warn():
            return
        self.doc.load(None)
        try:
            safety = restore_from(self.db, Path(name))
        except (DatabaseError, OSError, sqlite3.Error) as exc:
            QMessageBox.critical(self, "恢复失败", f"{exc}\n当前数据没有改变。")
            self.reload_list()
            return
        self.reload_list()
        if self.list_model.items:
            self.open_declaration(self.list_model.items[0].id)
        QMessageBox.information(self, "恢复完成", f"已从备份恢复 {info.declarations} 份申报表。\n恢复前的数据另存在 {safety}。")

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
            self.reload_list()
            self.open_declaration(saved[0].id)

    def _chosen_declarations(self) -> tuple[list, str]:
        """The selected declarations (or the open one) and a file name for them.

        The open declaration is taken as the window holds it, so an export
        carries its edits even when they could not be saved (disk full)."""
        self.save()
        open_decl = self.doc.declaration
        ids = self.selected_ids() or ([open_decl.id] if open_decl else [])
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
        if path is not None and export_to(self, decls, path, paths.database_files(self.db.path)):
            self.statusBar().showMessage(f"已导出 {len(decls)} 份申报表到 {path}", 5000)

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
        from desktop.qt.printing_ui import print_with_dialog

        if self.doc.declaration is None:
            return
        self.save()
        pdf = self.preview_tab.current_pdf()
        if pdf and print_with_dialog(self, pdf):
            self.statusBar().showMessage("已发送到打印机", 3000)

    def export_selected_pdf(self) -> None:
        """Export the selected declarations (or the open one) into one PDF."""
        from desktop.qt.printing_ui import ask_pdf_path, export_pdf

        decls, stem = self._chosen_declarations()
        if not decls:
            return
        path = ask_pdf_path(self, stem + ".pdf")
        if path is not None and export_pdf(self, decls, path, paths.database_files(self.db.path)):
            self.statusBar().showMessage(f"已导出 {path}", 5000)

    # -- final / draft -----------------------------------------------------------
    def mark_final(self) -> None:
        d = self.doc.declaration
        if d is None or d.status == "定稿":
            return
        errors = [p for p in self.doc.problems if p.is_error]
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
        from desktop.qt.commands import SetFieldCommand

        self.doc.undo_stack.push(SetFieldCommand(self.doc, "status", "定稿", "定稿", merge=False))
        self.save()

    def mark_draft(self) -> None:
        d = self.doc.declaration
        if d is None or d.status != "定稿":
            return
        from desktop.qt.commands import SetFieldCommand

        self.doc.undo_stack.push(SetFieldCommand(self.doc, "status", "草稿", "退回草稿", merge=False))
        self.save()

    def _confirm_edit_final(self) -> bool:
        answer = QMessageBox.question(
            self, "修改已定稿的申报表", "这份申报表已定稿。修改后将退回草稿状态，需要重新定稿。继续修改吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # -- problems -----------------------------------------------------------------
    def _update_tab_titles(self) -> None:
        counts = [[0, 0] for _ in TABS]
        for p in self.doc.problems:
            counts[p.tab][0 if p.is_error else 1] += 1
        for i, title in enumerate(TABS):
            e, w = counts[i]
            parts = ([f"{e}错"] if e else []) + ([f"{w}警"] if w else [])
            text = f"{title}（{' '.join(parts)}）" if parts else title
            if self.tabs.tabText(i) != text:
                self.tabs.setTabText(i, text)

    def focus_field(self, path: str) -> None:
        """Show the tab of a field and put the cursor in it (or in its table cell)."""
        self.tabs.setCurrentIndex(tab_of(path))
        if path in self.field_widgets:
            self.field_widgets[path].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        for editor in (self.cost_tab.editor, self.indicator_tab):
            if path.startswith(editor.kind + "["):
                row = int(path[len(editor.kind) + 1:path.index("]")])
                field = path.rsplit(".", 1)[1]
                col = next((i for i, (f, _t) in enumerate(editor.model.columns) if f == field), 0)
                editor.select(row, col)
                return
        if path == "indicators":
            self.indicator_tab.view.setFocus()
        elif path == "cost_basis":
            self.cost_tab.editor.view.setFocus()

    def _resolve_unsaved_on_close(self) -> bool:
        """The last edits are not on disk: offer to save them elsewhere. True when closing may go on."""
        while True:
            name = self.doc.declaration.header.project_name or "（未命名）"
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

    def _update_enabled(self) -> None:
        has = self.doc.declaration is not None
        self.tabs.setEnabled(has)
        for a in (self.copy_action, self.delete_action, self.save_action, self.final_action, self.draft_action,
                  self.print_action, self.preview_action):
            a.setEnabled(has)

    # -- closing ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.finish_start()  # closing during start-up still saves settings consistently
        if not self.save() and not self._resolve_unsaved_on_close():
            event.ignore()
            return
        self.retry_timer.stop()
        self.settings.geometry = self.saveGeometry()
        self.settings.state = self.saveState()
        self.settings.set_last_declaration(str(self.db.path), self.doc.declaration.id if self.doc.declaration else None)
        self.settings.sync()
        super().closeEvent(event)

