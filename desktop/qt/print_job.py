"""Printing off the UI thread, with a progress dialog and 取消.

Two ways to paper, chosen by what the print dialog returned:

- 打印到文件 (a PDF printer with a file name): the file is our own vector PDF,
  written by the same service function as `jixiao print`
  (desktop.services.outputs.print_pdf) - the same pages, the same size, text
  that can be copied - never page images.
- A printer: each page is rendered by QtPdf at ``PRINT_DPI`` (or the printer's
  resolution, if lower) and painted on the printer a band at a time. QPainter
  may paint on a QPrinter outside the UI thread; rendering a page (~50 ms) and
  painting a band (~15 ms) are each short, so the window keeps repainting
  (painting a whole page image at once held the interpreter for 0.2 s).

The work runs on a thread of its own that shares nothing with the window but
its progress counters (read by a timer, as the preview does); 取消 stops it at
the next band, aborts the print job and leaves no file behind.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from PySide6.QtCore import QEventLoop, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.domain.model import Declaration
from desktop.qt.printing_ui import _full_collections_deferred, load_pdf
from desktop.services.errors import Cancelled, ServiceError
from desktop.store.repository import Repository

PRINT_DPI = 300  # enough for 10.5 pt text and hairlines; 1200 dpi pages weigh 16 times as much
BAND_ROWS = 256  # a page is rendered and painted this many pixel rows at a time
POLL_MS = 30
SHOW_AFTER_MS = 300  # a print done sooner shows no dialog
SENDING = "正在发送到打印机…"
YIELD_S = 0.002  # the worker's pause after each band, for the UI thread

log = logging.getLogger(__name__)


def output_file(printer: QPrinter) -> Path | None:
    """The PDF file the print dialog asked for (打印到文件), else None (a printer)."""
    name = printer.outputFileName()
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def page_order(printer: QPrinter, count: int) -> list[int]:
    """0-based page numbers to paint: the page range the user chose, the copies the printer cannot make."""
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        if printer.fromPage() > count:
            raise ServiceError(f"所选的页码范围（从第 {printer.fromPage()} 页起）超出了打印稿的页数（共 {count} 页），"
                               "没有打印。请重新选择页码范围。")
        first = printer.fromPage() - 1
        last = min(max(printer.toPage(), printer.fromPage()), count) - 1
    one = list(range(first, last + 1))
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    if printer.collateCopies():
        return one * copies
    return [p for p in one for _ in range(copies)]


def on_paper(band: QImage, gray: bool = False) -> QImage:
    """QtPdf renders on a transparent ground: put the band on white paper, without alpha
    (sent as is, a transparent ground turns black in RGB, or doubles the data as a mask).
    ``gray``: the print dialog asked for 灰度, a third of the data of colour."""
    paper = QImage(band.size(), QImage.Format.Format_Grayscale8 if gray else QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, band)
    painter.end()
    return paper


def paint_pages(pdf: bytes, printer: QPrinter, progress: Callable[[int, int], bool] | None = None,
                dpi: int = PRINT_DPI) -> int:
    """Paint the PDF's pages on the printer as images of ``dpi`` (capped at the printer's).

    ``progress(done, total)`` is called before each band; False aborts the print
    job and raises Cancelled. Returns the number of pages painted. Any thread.
    """
    document = QPdfDocument()
    buffer = load_pdf(document, pdf)
    try:
        pages = page_order(printer, document.pageCount())
        dpi = max(min(printer.resolution(), dpi), 72)
        printer.setFullPage(True)  # the PDF has its own margins: paper coordinates, page for page
        gray = printer.colorMode() == QPrinter.ColorMode.GrayScale
        painter = QPainter()
        if not painter.begin(printer):
            raise ServiceError("无法连接打印机。请检查打印机是否已开启、已连接，然后重试。")
        try:
            paper = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            rendered: tuple[int, QImage] = (-1, QImage())
            for n, page in enumerate(pages):
                if n:
                    printer.newPage()
                size = document.pagePointSize(page)
                width, height = round(size.width() * dpi / 72), round(size.height() * dpi / 72)
                scale = min(paper.width() / width, paper.height() / height)
                left = paper.left() + (paper.width() - width * scale) / 2
                top = paper.top() + (paper.height() - height * scale) / 2
                if progress is not None and progress(n, len(pages)) is False:
                    stop(printer, n)
                if rendered[0] != page:  # copies not collated: the same page again
                    # The whole page at once: rendering a clip of it (scaledClipRect) comes out
                    # 0.4 % smaller than the page, so bands would not line up with each other.
                    rendered = (page, document.render(page, QSize(width, height)))
                image = rendered[1]
                for y in range(0, height, BAND_ROWS):
                    if progress is not None and progress(n, len(pages)) is False:
                        stop(printer, n)
                    rows = min(BAND_ROWS, height - y)
                    painter.drawImage(QRectF(left, top + y * scale, width * scale, rows * scale),
                                      on_paper(image.copy(0, y, width, rows), gray))
                    # Qt's calls keep the GIL: without a pause the UI thread hardly ever gets it
                    # back between bands (measured: 2 ticks of a 10 ms timer in 1.3 s).
                    time.sleep(YIELD_S)
            if progress is not None:
                progress(len(pages), len(pages))
        finally:
            painter.end()
        if printer.printerState() == QPrinter.PrinterState.Error:
            raise ServiceError("打印机报告错误，打印没有完成。请检查打印机后重试。")
        return len(pages)
    finally:
        buffer.close()


class PartlyCancelled(Cancelled):
    """Cancelled, but the printer could not take back the pages already sent."""

    def __init__(self, pages: int):
        super().__init__(pages)
        self.pages = pages


def stop(printer: QPrinter, pages_sent: int) -> NoReturn:
    """取消 while painting: abort the print job (raises Cancelled, or PartlyCancelled when it cannot be)."""
    if not printer.abort():  # a PDF-based engine (CUPS) sends what it has at end()
        raise PartlyCancelled(pages_sent)
    raise Cancelled()


@dataclass
class PrintOutcome:
    ok: bool = False
    cancelled: bool = False
    error: str | None = None
    note: str | None = None  # something the user should know although nothing failed
    pages: int = 0
    path: Path | None = None  # 打印到文件: the PDF written
    drafts: list[int] = field(default_factory=list)


class PrintJob:
    """Declarations to a printer (or to a PDF file) on a worker thread.

    ``pdf``, when given, is the rendering of ``decls`` already at hand (the
    preview's); a printer gets it as is. A file is always written through the
    service, so it is the PDF `jixiao print` writes (only its creation time differs).
    """

    def __init__(self, printer: QPrinter, decls: list[Declaration], pdf: bytes | None = None,
                 protected: Sequence[Path] = (), repo: Repository | None = None):
        self.printer = printer
        self.repo = repo  # the units' signature blocks (and, to a file, the revision kept as `jixiao print` does)
        self.path = output_file(printer)
        self.decls = decls
        self.pdf = pdf
        self.protected = list(protected)
        self.cancelled = False
        self.stage = "正在生成打印稿…"
        self.done_count, self.total = 0, 0  # total 0: not known yet
        self.outcome = PrintOutcome(path=self.path)
        self._thread = threading.Thread(target=self._run, name="print", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()

    def cancel(self) -> None:
        self.cancelled = True

    def _step(self, stage: str) -> Callable[[int, int], bool]:
        def progress(done: int, total: int) -> bool:
            self.stage, self.done_count, self.total = stage, done, total
            return not self.cancelled
        return progress

    def _run(self) -> None:
        outcome = self.outcome
        try:
            with _full_collections_deferred:
                if self.path is not None:
                    self._to_file(self.path)
                else:
                    self._to_printer()
            outcome.ok = True
        except PartlyCancelled as exc:
            outcome.cancelled = True
            if exc.pages:
                outcome.note = (f"打印已取消。这台打印机不能撤回已发送的内容，前 {exc.pages} 页可能仍会打印出来；"
                                "如不需要，请在打印机或系统的打印队列中删除该任务。")
        except Cancelled:
            outcome.cancelled = True
        except ServiceError as exc:
            outcome.error = str(exc)
        except Exception as exc:  # reported in the window; the log keeps the trace
            log.exception("printing failed")
            outcome.error = f"打印失败：{exc}"

    def _to_file(self, path: Path) -> None:
        from desktop.services.outputs import print_pdf

        result = print_pdf(self.decls, path, self.protected, progress=self._step("正在生成 PDF…"), repo=self.repo)
        self.outcome.pages, self.outcome.drafts = result.pages, list(result.drafts)
        if self.printer.printRange() == QPrinter.PrintRange.PageRange:
            self.outcome.note = (f"已输出全部 {result.pages} 页到 {path}：打印到文件时写入与“导出 PDF”相同的完整 PDF，"
                                 "不按所选的页码范围。")

    def _to_printer(self) -> None:
        pdf = self.pdf
        if pdf is None:
            from desktop.printing.render import Cancelled as RenderCancelled, render
            from desktop.services.outputs import signatures_for

            signatures = signatures_for(self.repo.db, self.decls) if self.repo is not None else None
            try:
                result = render(self.decls, progress=self._step("正在生成打印稿…"), signatures=signatures)
            except RenderCancelled:
                raise Cancelled() from None
            pdf, self.outcome.drafts = result.pdf, list(result.drafts)
        self.outcome.pages = paint_pages(pdf, self.printer, self._step(SENDING))


def run_print_job(parent: QWidget | None, job: PrintJob) -> PrintOutcome:
    """Start the job and wait for it behind a progress dialog with 取消; the window keeps repainting."""
    dialog = QProgressDialog(job.stage, "取消", 0, 0, parent)
    dialog.setObjectName("print-progress")
    dialog.setWindowTitle("打印")
    dialog.setMinimumWidth(360)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(POLL_MS)

    def check() -> None:
        if dialog.wasCanceled() and not job.cancelled:
            job.cancel()  # the dialog hides; the job stops at its next band or page
        elif not job.cancelled:
            total = job.total
            if total <= 1 and job.stage != SENDING:
                total = 0  # one form: its pages are not counted while laid out; busy, not a full bar
            if dialog.maximum() != total:
                dialog.setRange(0, total)  # 0, 0: busy, the count not known yet
            label = job.stage
            if total:
                unit = "页" if job.stage == SENDING else "份"  # pages sent, or forms laid out
                label = f"{job.stage}（第 {min(job.done_count + 1, total)} / {total} {unit}）"
            if dialog.labelText() != label:
                dialog.setLabelText(label)
            if total:
                dialog.setValue(min(job.done_count, total))
        if job.done:
            poll.stop()
            loop.quit()

    poll.timeout.connect(check)
    show = QTimer()
    show.setSingleShot(True)
    show.timeout.connect(lambda: None if job.done or job.cancelled else dialog.show())
    job.start()
    poll.start()
    show.start(SHOW_AFTER_MS)
    check()
    if not job.done:
        loop.exec()
    job.wait()
    show.stop()
    dialog.reset()
    dialog.hide()
    dialog.deleteLater()
    return job.outcome
