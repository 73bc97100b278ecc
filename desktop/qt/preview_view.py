"""The print preview's page view: zoom (Ctrl+wheel, buttons, 适合宽度 / 适合页面 / 100%) and page navigation.

QPdfView draws the pages; this subclass owns the zoom. It always runs QPdfView
in its Custom zoom mode and computes the fit factors itself, so ``zoom()`` is
the factor on screen whatever the mode, and 适合宽度 can keep text readable:
in a narrow window it stops at ``MIN_FIT_ZOOM`` and the page scrolls sideways
instead of shrinking its text to a few pixels.
"""
from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtPdfWidgets import QPdfView

MIN_ZOOM = 0.1
MAX_ZOOM = 5.0
# 适合宽度 goes no smaller: the body text (10.5 pt) is then 8-9 px high on a 96 dpi screen.
MIN_FIT_ZOOM = 0.6
# The factors 放大 / 缩小 step through (as in PDF readers).
ZOOM_STEPS = (0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0)
WHEEL_STEP = 120  # angleDelta of one notch of a mouse wheel


class Fit(Enum):
    WIDTH = "适合宽度"
    PAGE = "适合页面"
    NONE = ""  # a factor the user chose


class PreviewView(QPdfView):
    """A QPdfView with fit modes that follow the window's size, Ctrl+wheel zoom and page keys."""

    zoomed = Signal(float)  # the factor now on screen (1.0 = the paper's size at the screen's dpi)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fit = Fit.WIDTH
        # The viewport's width then depends on nothing the zoom changes: no flicker between two fits.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        super().setZoomMode(QPdfView.ZoomMode.Custom)

    # -- the factor -----------------------------------------------------------------------
    def zoom(self) -> float:
        return self.zoomFactor()

    def _pixels_per_point(self) -> float:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.logicalDotsPerInchY() / 72.0 if screen is not None else 96 / 72

    def _page_points(self):
        document = self.document()
        if document is None or document.pageCount() == 0:
            return None
        size = document.pagePointSize(max(self.pageNavigator().currentPage(), 0))
        return size if size.width() > 0 and size.height() > 0 else None

    def fit_factor(self, fit: Fit) -> float | None:
        """The factor that fits the current page's width (or whole page) into the viewport."""
        size = self._page_points()
        if size is None or fit is Fit.NONE:
            return None
        margins = self.documentMargins()
        ppp = self._pixels_per_point()
        width = (self.viewport().width() - margins.left() - margins.right()) / (size.width() * ppp)
        if fit is Fit.WIDTH:
            return max(width, MIN_FIT_ZOOM)
        height = (self.viewport().height() - margins.top() - margins.bottom()) / (size.height() * ppp)
        return max(min(width, height), MIN_ZOOM)

    def set_fit(self, fit: Fit) -> None:
        self.fit = fit
        self._apply(self.fit_factor(fit) or self.zoom())

    def set_zoom(self, factor: float) -> None:
        """A factor the user chose; it stays when the window is resized."""
        self.fit = Fit.NONE
        self._apply(factor)

    def _apply(self, factor: float, anchor: QPointF | None = None) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        old = self.zoom()
        if abs(factor - old) < 1e-6:
            self.zoomed.emit(factor)
            return
        # Keep the point under the anchor (the mouse, else the viewport's centre) where it is.
        if anchor is None:
            anchor = QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        doc_x, doc_y = (h.value() + anchor.x()) / old, (v.value() + anchor.y()) / old
        self.setZoomFactor(factor)
        h.setValue(round(doc_x * factor - anchor.x()))
        v.setValue(round(doc_y * factor - anchor.y()))
        self.zoomed.emit(factor)

    def zoom_in(self, anchor: QPointF | None = None) -> None:
        current = self.zoom()
        self.fit = Fit.NONE
        self._apply(next((s for s in ZOOM_STEPS if s > current + 1e-3), MAX_ZOOM), anchor)

    def zoom_out(self, anchor: QPointF | None = None) -> None:
        current = self.zoom()
        self.fit = Fit.NONE
        self._apply(next((s for s in reversed(ZOOM_STEPS) if s < current - 1e-3), MIN_ZOOM), anchor)

    def refit(self) -> None:
        """After a resize or a new document: a fit mode follows the viewport."""
        factor = self.fit_factor(self.fit)
        if factor is not None:
            self._apply(factor)

    # -- pages --------------------------------------------------------------------------
    def page_count(self) -> int:
        document = self.document()
        return document.pageCount() if document is not None else 0

    def current_page(self) -> int:
        return self.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        """Show page ``page`` (0-based) from its top."""
        count = self.page_count()
        if count == 0:
            return
        page = min(max(page, 0), count - 1)
        navigator = self.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())

    # -- events -------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit is not Fit.NONE:
            self.refit()

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            notches = event.angleDelta().y() / WHEEL_STEP
            if notches:
                self.fit = Fit.NONE
                # A touchpad sends small deltas: zoom smoothly by them rather than a step each.
                factor = self.zoom() * (1.25 ** notches) if abs(notches) < 1 else None
                if factor is not None:
                    self._apply(factor, event.position())
                elif notches > 0:
                    for _ in range(int(notches)):
                        self.zoom_in(event.position())
                else:
                    for _ in range(int(-notches)):
                        self.zoom_out(event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        # One page at a time (a very long preview): PgUp / PgDn turn the page. In the
        # multi-page view they scroll, as in any scroll area. Ctrl+PgUp/PgDn stay the window's.
        if self.pageMode() == QPdfView.PageMode.SinglePage and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if event.key() == Qt.Key.Key_PageDown:
                self.go_to(self.current_page() + 1)
                return
            if event.key() == Qt.Key.Key_PageUp:
                self.go_to(self.current_page() - 1)
                return
        super().keyPressEvent(event)
