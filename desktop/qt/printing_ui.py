"""打印预览 tab, printing to a printer, exporting PDF, batch export with progress.

The PDF comes from desktop.printing (the same code as `jixiao print`); Qt only
shows it (QtPdf, zoomed by desktop.qt.preview_view) and prints it off the UI
thread (desktop.qt.print_job).
"""
from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication, QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QProgressDialog, QPushButton, QSpinBox,
    QToolBar, QVBoxLayout, QWidget,
)

from desktop.domain.model import Declaration
from desktop.qt.bindings import _window_keys
from desktop.qt.preview_view import MAX_ZOOM, MIN_ZOOM, Fit, PreviewView

if TYPE_CHECKING:
    from desktop.domain.signature import Signature
    from desktop.printing.render import RenderResult  # ReportLab loads on first use, not at start-up
    from desktop.store.repository import Repository
    from desktop.qt.print_job import PrintOutcome

PREVIEW_DELAY_MS = 800
MULTI_PAGE_LIMIT = 200  # longer previews show one page at a time  # after the last keystroke
PREVIEW_POLL_MS = 30  # how often a rendering under way is checked for
ZOOM_CHOICES = (50, 75, 100, 125, 150, 200, 300)  # the zoom box's list, in per cent

log = logging.getLogger(__name__)


def load_pdf(document: QPdfDocument, pdf: bytes) -> QBuffer:
    """Load PDF bytes into a QPdfDocument; the returned buffer must stay alive with it."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


class _FullCollectionsDeferred:
    """While a rendering runs, Python's full garbage collections wait.

    Rendering makes millions of objects; each full collection then pauses
    every thread, the UI thread too, for ~100 ms. Young collections go on;
    the deferred full one comes after the rendering, when its objects are
    gone. Shared by overlapping renderings (a cancelled one may still run).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._users = 0
        self._saved: tuple[int, int, int] | None = None

    def __enter__(self):
        with self._lock:
            if self._users == 0:
                self._saved = gc.get_threshold()
                gc.set_threshold(self._saved[0], self._saved[1], 1 << 30)
            self._users += 1

    def __exit__(self, *_exc):
        with self._lock:
            self._users -= 1
            if self._users == 0:
                gc.set_threshold(*self._saved)


_full_collections_deferred = _FullCollectionsDeferred()


class PreviewJob:
    """One rendering of a copy of the declaration, on a worker thread.

    The thread touches no Qt object (the tab polls ``done``), so closing the
    window while it runs needs no coordination; ``cancel`` stops it at the
    next page and its result is dropped.
    """

    def __init__(self, decl: Declaration, signatures: Mapping[str, Signature] | None = None):
        self.cancelled = False
        self.result: RenderResult | None = None
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(decl, signatures), name="print-preview",
                                        daemon=True)
        self._thread.start()

    def _run(self, decl: Declaration, signatures: Mapping[str, Signature] | None) -> None:
        from desktop.printing.render import render  # ReportLab loads on first use, not at start-up

        try:
            with _full_collections_deferred:
                self.result = render([decl], progress=lambda _done, _total: not self.cancelled,
                                     signatures=signatures)
        except Exception as exc:  # cancelled, or a failure the tab reports on the UI thread
            self.error = exc

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()

    def cancel(self) -> None:
        self.cancelled = True


class PreviewTab(QWidget):
    """The open declaration as it prints, rendered off the UI thread while the tab is shown.

    Rendering a big declaration takes seconds; the window must not freeze
    meanwhile. A change cancels the rendering under way (its result would be
    stale) and renders again after a pause in typing. The tool bar zooms
    (Ctrl+wheel, Ctrl+= / Ctrl+-, 适合宽度, 适合页面, 100%) and turns pages.
    """

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.pdf_document = QPdfDocument(self)
        self.view = PreviewView(self)
        self.view.setObjectName("print-preview")
        self.view.setDocument(self.pdf_document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.status = QLabel(self)
        self.print_button = QPushButton("打印…", self)
        self.export_button = QPushButton("导出 PDF…", self)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self._tool_bar())
        layout.addWidget(self.view, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.view.zoomed.connect(self._zoomed)
        self._buffer: QBuffer | None = None
        self.pdf: bytes | None = None
        self._stale = True
        self._job: PreviewJob | None = None
        # The signature blocks of the declarations' units (set by the window, which has the database).
        self.signatures_for: Callable[[list[Declaration]], Mapping[str, Signature]] | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        self.poll = QTimer(self)
        self.poll.setInterval(PREVIEW_POLL_MS)
        self.poll.timeout.connect(self._collect)
        doc.changed.connect(self._changed)
        doc.reset.connect(self._changed)
        self._page_changed(0)
        self._zoomed(self.view.zoom())

    def _tool_bar(self) -> QToolBar:
        """上一页 [n] / N 下一页 · － [85%] ＋ · 适合宽度 适合页面 100%, with their keys (in this tab only)."""
        tools = self.tools = QToolBar("预览", self)
        tools.setObjectName("preview-tools")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        def action(text: str, tip: str, slot, keys=()) -> QAction:
            a = QAction(text, self)
            a.setToolTip(tip)
            if keys:
                a.setShortcuts([QKeySequence(k) for k in keys])
                a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(a)  # the keys work anywhere in this tab, nowhere else
            a.triggered.connect(lambda _checked=False: slot())
            tools.addAction(a)
            return a

        self.previous_action = action("上一页", "上一页（在页面上按 PgUp 翻页）", lambda: self._go(-1))
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("preview-page")
        self.page_box.setToolTip("输入页码后按回车跳到该页")
        self.page_box.setKeyboardTracking(False)
        self.page_box.setRange(1, 1)
        self.page_box.installEventFilter(_window_keys)  # Ctrl+PgUp/PgDn still switch tabs from here
        self.page_box.valueChanged.connect(lambda n: self.view.go_to(n - 1))
        tools.addWidget(self.page_box)
        self.page_label = QLabel(self)
        tools.addWidget(self.page_label)
        self.next_action = action("下一页", "下一页（在页面上按 PgDn 翻页）", lambda: self._go(1))
        tools.addSeparator()
        self.zoom_out_action = action("－", "缩小（Ctrl+-，或按住 Ctrl 滚动鼠标滚轮）", self.view.zoom_out,
                                      ("Ctrl+-",))
        self.zoom_box = QComboBox(self)
        self.zoom_box.setObjectName("preview-zoom")
        self.zoom_box.setToolTip("缩放比例：可选择，也可输入后按回车")
        self.zoom_box.setEditable(True)
        self.zoom_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zoom_box.addItems([f"{p}%" for p in ZOOM_CHOICES])
        typed = self.zoom_box.lineEdit()
        assert typed is not None  # editable
        typed.installEventFilter(_window_keys)
        self.zoom_box.textActivated.connect(self._zoom_typed)  # chosen from the list
        typed.returnPressed.connect(lambda: self._zoom_typed(self.zoom_box.currentText()))
        tools.addWidget(self.zoom_box)
        self.zoom_in_action = action("＋", "放大（Ctrl+=，或按住 Ctrl 滚动鼠标滚轮）", self.view.zoom_in,
                                     ("Ctrl+=", "Ctrl++"))
        tools.addSeparator()
        self.fit_width_action = action("适合宽度", "页面宽度与窗口一致（Ctrl+2）",
                                       lambda: self.view.set_fit(Fit.WIDTH), ("Ctrl+2",))
        self.fit_page_action = action("适合页面", "整页显示在窗口中（Ctrl+1）",
                                      lambda: self.view.set_fit(Fit.PAGE), ("Ctrl+1",))
        self.actual_size_action = action("100%", "实际大小（Ctrl+0）", lambda: self.view.set_zoom(1.0), ("Ctrl+0",))
        for a in (self.fit_width_action, self.fit_page_action):
            a.setCheckable(True)
        # The tool bar's buttons for 上一页 / 下一页, as a user clicks them.
        self.previous_page = tools.widgetForAction(self.previous_action)
        self.next_page = tools.widgetForAction(self.next_action)
        return tools

    def _zoom_typed(self, text: str) -> None:
        try:
            percent = float(text.replace("%", "").replace("％", "").strip())
        except ValueError:
            self._zoomed(self.view.zoom())  # not a number: show the factor in use again
            return
        self.view.set_zoom(percent / 100)

    def _zoomed(self, factor: float) -> None:
        self.zoom_box.setEditText(f"{round(factor * 100)}%")
        self.fit_width_action.setChecked(self.view.fit is Fit.WIDTH)
        self.fit_page_action.setChecked(self.view.fit is Fit.PAGE)
        self.zoom_out_action.setEnabled(factor > MIN_ZOOM + 1e-6)
        self.zoom_in_action.setEnabled(factor < MAX_ZOOM - 1e-6)

    def _changed(self) -> None:
        self._stale = True
        self._cancel_job()
        if self.isVisible():
            self.timer.start()

    def refresh_if_shown(self) -> None:
        """Something printed besides the declaration changed (the signature block): render again when shown."""
        self._stale = True
        self._cancel_job()
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self._job is None:
            self.refresh()

    def hideEvent(self, event) -> None:
        # Rendering only while shown: a rendering in the background would slow typing in the other tabs.
        self.timer.stop()
        self._collect()  # a finished one is kept
        self._cancel_job()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Start rendering the open declaration; it shows when done."""
        self.timer.stop()
        self._cancel_job()
        d = self.doc.declaration
        if d is None:
            self.pdf = None
            self.pdf_document.close()
            self.status.setText("没有打开的申报表")
            self._page_changed(0)
            return
        signatures = self.signatures_for([d]) if self.signatures_for is not None else None
        self._job = PreviewJob(d.model_copy(deep=True), signatures)  # the worker must not see later edits
        self.status.setText("正在生成预览…")
        self.poll.start()

    def current_pdf(self) -> bytes | None:
        """The PDF of the declaration as it is now (for printing): waits for the rendering.

        None when there is no declaration or the rendering failed (never an out-of-date PDF).
        """
        if self._stale:
            if self._job is None:
                self.refresh()
            if self._job is not None:
                self._job.wait()
                self._collect()
        return None if self._stale else self.pdf

    def fresh_pdf(self) -> bytes | None:
        """The PDF shown, if it is of the declaration as it is now; None rather than wait for one."""
        self._collect()
        return None if self._stale else self.pdf

    def _cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
            self.poll.stop()

    def _collect(self) -> None:
        """Show the rendering once it is done (a job still running is checked again at the next poll)."""
        job = self._job
        if job is None or not job.done:
            return
        self._job = None
        self.poll.stop()
        if job.result is None:
            log.error("print preview failed", exc_info=job.error)
            self.status.setText(f"无法生成预览：{job.error}")
            return
        self._show(job.result)

    def _show(self, result: RenderResult) -> None:
        self.pdf = result.pdf
        page = self.view.current_page()  # an edit keeps the reader on the page being read
        self.pdf_document.close()
        # Laying out every page of a multi-page view costs the UI thread ~0.1 ms a page
        # (0.2-0.3 s for 1,700 pages); a very long preview shows one page at a time.
        single = result.pages > MULTI_PAGE_LIMIT
        self.view.setPageMode(QPdfView.PageMode.SinglePage if single else QPdfView.PageMode.MultiPage)
        old = self._buffer
        self._buffer = load_pdf(self.pdf_document, result.pdf)
        if old is not None:
            old.close()
        self._stale = False
        note = "（有错误，打印稿将带“草稿”标记）" if result.drafts else ""
        self.status.setText(f"共 {result.pages} 页{note}")
        self.view.refit()
        if 0 < page < result.pages:
            self.view.go_to(page)
        self._page_changed(self.view.current_page())

    def _go(self, step: int) -> None:
        self.view.go_to(self.view.current_page() + step)

    def go_to_page(self, number: int) -> None:
        """Show page ``number`` (1-based), as typing it into the page box does."""
        self.page_box.setValue(number)
        self.view.go_to(number - 1)

    def _page_changed(self, page: int) -> None:
        count = self.pdf_document.pageCount()
        page = min(max(page, 0), max(count - 1, 0))
        blocked = self.page_box.blockSignals(True)  # following the view, not moving it
        self.page_box.setRange(1, max(count, 1))
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(blocked)
        self.page_box.setEnabled(count > 1)
        self.page_label.setText(f" / {count} 页 ")
        self.previous_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < count - 1)


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "导出 PDF", suggested, "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def export_pdf(parent: QWidget, decls: list[Declaration], path: Path, protected: Sequence[Path] = (),
               repo: Repository | None = None) -> bool:
    """Render (with a cancellable progress dialog for batches) and write atomically.

    ``repo``: the units' signature blocks are printed, as `jixiao print` does."""
    from desktop.services.errors import Cancelled, ServiceError
    from desktop.services.outputs import print_pdf

    progress = QProgressDialog("正在生成 PDF…", "取消", 0, len(decls), parent)
    progress.setWindowTitle("导出 PDF")
    progress.setMinimumDuration(300)

    def step(done: int, total: int) -> bool:
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        print_pdf(decls, path, list(protected), progress=step, repo=repo)
    except Cancelled:
        return False
    except ServiceError as exc:
        QMessageBox.warning(parent, "不能导出", str(exc))
        return False
    finally:
        progress.reset()
    return True


def print_with_dialog(parent: QWidget, decls: list[Declaration], pdf: bytes | None = None,
                      protected: Sequence[Path] = (), repo: Repository | None = None) -> PrintOutcome | None:
    """Ask for the printer, then print off the UI thread behind a progress dialog with 取消.

    ``pdf`` is the rendering of ``decls`` when one is at hand (the preview's);
    otherwise it is made after the dialog. None when the dialog was cancelled;
    otherwise what happened (failures are also told to the user here).
    """
    from desktop.qt.print_job import PrintJob, run_print_job

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))  # the form's paper, whatever the locale's default
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印申报表")
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    if pdf is not None:
        pages = pdf_page_count(pdf)
        if pages:
            dialog.setMinMax(1, pages)
    accepted = dialog.exec() == QPrintDialog.DialogCode.Accepted
    dialog.deleteLater()  # the printer is ours; the dialog would stay a child of the window
    if not accepted:
        return None
    outcome = run_print_job(parent, PrintJob(printer, decls, pdf, protected, repo))
    if outcome.error:
        QMessageBox.critical(parent, "打印失败", outcome.error)
    elif outcome.note:
        QMessageBox.information(parent, "打印", outcome.note)
    return outcome


def pdf_page_count(pdf: bytes) -> int:
    document = QPdfDocument()
    buffer = load_pdf(document, pdf)
    try:
        return document.pageCount()
    finally:
        document.close()
        buffer.close()
