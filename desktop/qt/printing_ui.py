"""打印预览 tab, printing to a printer, exporting PDF, batch export with progress.

The PDF comes from desktop.printing (the same code as `jixiao print`); Qt only
shows it (QtPdf) and sends its pages to the printer at the printer's resolution.
"""
from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QProgressDialog, QPushButton, QVBoxLayout, QWidget,
)

from desktop.domain.model import Declaration

if TYPE_CHECKING:
    from desktop.printing.render import RenderResult  # ReportLab loads on first use, not at start-up

PREVIEW_DELAY_MS = 800
MULTI_PAGE_LIMIT = 200  # longer previews show one page at a time  # after the last keystroke
PREVIEW_POLL_MS = 30  # how often a rendering under way is checked for

log = logging.getLogger(__name__)


def load_pdf(document: QPdfDocument, pdf: bytes) -> QBuffer:
    """Load PDF bytes into a QPdfDocument; the returned buffer must stay alive with it."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Send every page to the printer, rendered at its resolution; returns the page count."""
    doc = QPdfDocument()
    buffer = load_pdf(doc, pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法连接打印机")
    try:
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            target = painter.viewport()
            size_pt = doc.pagePointSize(i)
            scale = min(target.width() / size_pt.width(), target.height() / size_pt.height())
            image = doc.render(i, QSize(int(size_pt.width() * scale), int(size_pt.height() * scale)))
            painter.drawImage(0, 0, image)
    finally:
        painter.end()
        buffer.close()
    return doc.pageCount()


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

    def __init__(self, decl: Declaration):
        self.cancelled = False
        self.result: RenderResult | None = None
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(decl,), name="print-preview", daemon=True)
        self._thread.start()

    def _run(self, decl: Declaration) -> None:
        from desktop.printing.render import render  # ReportLab loads on first use, not at start-up

        try:
            with _full_collections_deferred:
                self.result = render([decl], progress=lambda _done, _total: not self.cancelled)
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
    stale) and renders again after a pause in typing.
    """

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.pdf_document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("print-preview")
        self.view.setDocument(self.pdf_document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel(self)
        self.print_button = QPushButton("打印…", self)
        self.export_button = QPushButton("导出 PDF…", self)
        # Page buttons for very long previews, shown one page at a time (see _show).
        self.previous_page = QPushButton("上一页", self)
        self.next_page = QPushButton("下一页", self)
        self.page_label = QLabel(self)
        self.previous_page.clicked.connect(lambda: self._go(-1))
        self.next_page.clicked.connect(lambda: self._go(1))
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        for w in (self.previous_page, self.page_label, self.next_page):
            bar.addWidget(w)
            w.hide()
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._buffer: QBuffer | None = None
        self.pdf: bytes | None = None
        self._stale = True
        self._job: PreviewJob | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        self.poll = QTimer(self)
        self.poll.setInterval(PREVIEW_POLL_MS)
        self.poll.timeout.connect(self._collect)
        doc.changed.connect(self._changed)
        doc.reset.connect(self._changed)

    def _changed(self) -> None:
        self._stale = True
        self._cancel_job()
        if self.isVisible():
            self.timer.start()

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
            return
        self._job = PreviewJob(d.model_copy(deep=True))  # the worker must not see later edits
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
        self.pdf_document.close()
        # Laying out every page of a multi-page view costs the UI thread ~0.1 ms a page
        # (0.2-0.3 s for 1,700 pages); a very long preview shows one page at a time.
        single = result.pages > MULTI_PAGE_LIMIT
        self.view.setPageMode(QPdfView.PageMode.SinglePage if single else QPdfView.PageMode.MultiPage)
        for w in (self.previous_page, self.page_label, self.next_page):
            w.setVisible(single)
        old = self._buffer
        self._buffer = load_pdf(self.pdf_document, result.pdf)
        if old is not None:
            old.close()
        self._stale = False
        note = "（有错误，打印稿将带“草稿”标记）" if result.drafts else ""
        self.status.setText(f"共 {result.pages} 页{note}")
        self._page_changed(self.view.pageNavigator().currentPage())

    def _go(self, step: int) -> None:
        navigator = self.view.pageNavigator()
        page = min(max(navigator.currentPage() + step, 0), self.pdf_document.pageCount() - 1)
        navigator.jump(page, QPointF(), navigator.currentZoom())

    def _page_changed(self, page: int) -> None:
        count = self.pdf_document.pageCount()
        self.page_label.setText(f"第 {page + 1} / {count} 页")
        self.previous_page.setEnabled(page > 0)
        self.next_page.setEnabled(page < count - 1)


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "导出 PDF", suggested, "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def export_pdf(parent: QWidget, decls: list[Declaration], path: Path, protected: Sequence[Path] = ()) -> bool:
    """Render (with a cancellable progress dialog for batches) and write atomically."""
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
        print_pdf(decls, path, list(protected), progress=step)
    except Cancelled:
        return False
    except ServiceError as exc:
        QMessageBox.warning(parent, "不能导出", str(exc))
        return False
    finally:
        progress.reset()
    return True


def print_with_dialog(parent: QWidget, pdf: bytes) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印申报表")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    try:
        print_pdf(pdf, printer)
    except RuntimeError as exc:
        QMessageBox.critical(parent, "打印失败", str(exc))
        return False
    return True
