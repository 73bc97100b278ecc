"""打印预览 tab, printing to a printer, exporting PDF, batch export with progress.

The PDF comes from desktop.printing (the same code as `jixiao print`); Qt only
shows it (QtPdf) and sends its pages to the printer at the printer's resolution.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QProgressDialog, QPushButton, QVBoxLayout, QWidget,
)

from desktop.domain.model import Declaration

PREVIEW_DELAY_MS = 800


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


class PreviewTab(QWidget):
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
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._buffer: QBuffer | None = None
        self.pdf: bytes | None = None
        self._stale = True
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        doc.changed.connect(self._changed)
        doc.reset.connect(self._changed)

    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Render the open declaration and show it (only when shown: rendering costs ~0.1 s)."""
        self.timer.stop()
        d = self.doc.declaration
        if d is None:
            self.pdf_document.close()
            self.status.setText("没有打开的申报表")
            return
        from desktop.printing.render import render  # ReportLab loads on first use, not at start-up

        result = render([d])
        self.pdf = result.pdf
        self.pdf_document.close()
        old = self._buffer
        self._buffer = load_pdf(self.pdf_document, result.pdf)
        if old is not None:
            old.close()
        self._stale = False
        note = "（有错误，打印稿将带“草稿”标记）" if result.drafts else ""
        self.status.setText(f"共 {result.pages} 页{note}")

    def current_pdf(self) -> bytes | None:
        if self._stale or self.pdf is None:
            self.refresh()
        return self.pdf


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "导出 PDF", suggested, "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def export_pdf(parent: QWidget, decls: list[Declaration], path: Path) -> bool:
    """Render (with a cancellable progress dialog for batches) and write atomically."""
    from desktop.printing.render import Cancelled, render

    progress = QProgressDialog("正在生成 PDF…", "取消", 0, len(decls), parent)
    progress.setWindowTitle("导出 PDF")
    progress.setMinimumDuration(300)

    def step(done: int, total: int) -> bool:
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        result = render(decls, progress=step)
    except Cancelled:
        return False
    finally:
        progress.reset()
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(result.pdf)
        tmp.replace(path)
    except OSError as exc:
        QMessageBox.critical(parent, "导出失败", f"无法写入 {path}：{exc.strerror}")
        return False
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
