"""The print preview's zoom and page navigation (issue 14).

Before: the preview could not be zoomed, and in a small window its text was 5 px high.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.qt.preview_view import MIN_FIT_ZOOM, Fit
from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import type_into

BODY_PT = 10.5  # desktop.printing.layout.BODY_STYLE


@pytest.fixture
def preview(qtbot, window_factory, db_path, samples):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    window = window_factory()
    window.resize(1400, 900)
    window.open_declaration(3)
    window.tabs.setCurrentWidget(window.preview_tab)
    tab = window.preview_tab
    qtbot.waitUntil(lambda: tab.pdf_document.pageCount() == 2)
    qtbot.wait(50)
    return tab


def wheel(view, notches: int, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    pos = QPointF(view.viewport().width() / 2, view.viewport().height() / 2)
    event = QWheelEvent(pos, view.viewport().mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def page_width_on_screen(view) -> int:
    """The widest run of white (the page's blank top margin) across the viewport near its top, in pixels."""
    view.verticalScrollBar().setValue(0)
    image = view.viewport().grab().toImage()
    y = view.documentMargins().top() + 4
    best = run = 0
    for x in range(image.width()):
        run = run + 1 if image.pixelColor(x, y).lightness() > 250 else 0
        best = max(best, run)
    return best


def test_the_preview_opens_fitted_to_the_width(preview):
    view = preview.view
    assert view.fit is Fit.WIDTH and preview.fit_width_action.isChecked()
    margins = view.documentMargins().left() + view.documentMargins().right()
    assert abs(page_width_on_screen(view) - (view.viewport().width() - margins)) <= 2
    assert view.horizontalScrollBar().maximum() == 0
    assert preview.zoom_box.currentText() == f"{round(view.zoom() * 100)}%"


def test_ctrl_wheel_zooms_and_the_wheel_alone_scrolls(qtbot, preview):
    view = preview.view
    before = view.zoom()
    wheel(view, 1)
    assert view.zoom() > before and view.fit is Fit.NONE
    assert not preview.fit_width_action.isChecked()
    assert view.horizontalScrollBar().maximum() > 0  # wider than the window now: it scrolls sideways
    wheel(view, -2)
    assert view.zoom() < before
    zoom, top = view.zoom(), view.verticalScrollBar().value()
    wheel(view, -1, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > top)
    assert view.zoom() == zoom


def test_zoom_buttons_keys_and_typed_percentages(qtbot, preview):
    view = preview.view
    tools = preview.tools
    before = view.zoom()
    qtbot.mouseClick(tools.widgetForAction(preview.zoom_in_action), Qt.MouseButton.LeftButton)
    assert view.zoom() > before
    qtbot.mouseClick(tools.widgetForAction(preview.actual_size_action), Qt.MouseButton.LeftButton)
    assert view.zoom() == pytest.approx(1.0) and preview.zoom_box.currentText() == "100%"
    # 100%: the page as wide on screen as on paper at the screen's dpi (96 here), plus the margins
    bar = view.horizontalScrollBar()
    assert bar.maximum() + bar.pageStep() == pytest.approx(595.28 * 96 / 72 + 12, abs=2)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.1)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(0.9)
    type_into(qtbot, preview.zoom_box, "150%")
    qtbot.keyClick(preview.zoom_box.lineEdit(), Qt.Key.Key_Return)
    assert view.zoom() == pytest.approx(1.5)
    type_into(qtbot, preview.zoom_box, "很大")  # not a number: the factor in use is shown again
    qtbot.keyClick(preview.zoom_box.lineEdit(), Qt.Key.Key_Return)
    assert view.zoom() == pytest.approx(1.5) and preview.zoom_box.currentText() == "150%"


def test_fit_page_shows_a_whole_page(qtbot, preview):
    view = preview.view
    qtbot.mouseClick(preview.tools.widgetForAction(preview.fit_page_action), Qt.MouseButton.LeftButton)
    assert view.fit is Fit.PAGE and preview.fit_page_action.isChecked() and not preview.fit_width_action.isChecked()
    page_height = preview.pdf_document.pagePointSize(0).height() * 96 / 72 * view.zoom()
    margins = view.documentMargins()
    room = view.viewport().height() - margins.top() - margins.bottom()
    assert room - 2 <= page_height <= room + 1
    preview.fit_width_action.trigger()
    assert view.fit is Fit.WIDTH and preview.fit_width_action.isChecked() and not preview.fit_page_action.isChecked()


def standalone_view(qtbot, preview, width: int):
    """The preview's page view on its own, as narrow as a small window can make it."""
    from desktop.qt.preview_view import PreviewView

    view = PreviewView()
    qtbot.addWidget(view)
    view.setDocument(preview.pdf_document)
    view.resize(width, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_fit_width_follows_the_window(qtbot, preview):
    view = standalone_view(qtbot, preview, 900)
    qtbot.waitUntil(lambda: abs(page_width_on_screen(view) - (view.viewport().width() - 12)) <= 2)
    wide = view.zoom()
    view.resize(700, 500)
    qtbot.waitUntil(lambda: view.zoom() < wide)
    assert abs(page_width_on_screen(view) - (view.viewport().width() - 12)) <= 2


def test_a_narrow_window_keeps_the_text_readable(qtbot, preview):
    """Fitted to the width of a narrow window, 10.5 pt text was 5 px high."""
    view = standalone_view(qtbot, preview, 320)
    qtbot.waitUntil(lambda: view.zoom() == pytest.approx(MIN_FIT_ZOOM))
    assert view.fit is Fit.WIDTH
    assert BODY_PT * 96 / 72 * view.zoom() >= 8  # pixels
    assert view.horizontalScrollBar().maximum() > 0  # the page scrolls sideways instead of shrinking


def test_page_navigation_by_buttons_and_page_number(qtbot, preview):
    view = preview.view
    navigator = view.pageNavigator()
    assert preview.page_box.value() == 1 and not preview.previous_action.isEnabled()
    qtbot.mouseClick(preview.next_page, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: navigator.currentPage() == 1)
    assert view.verticalScrollBar().value() > 0 and preview.page_box.value() == 2
    assert not preview.next_action.isEnabled()
    qtbot.mouseClick(preview.previous_page, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: navigator.currentPage() == 0)
    assert view.verticalScrollBar().value() <= view.documentMargins().top()
    type_into(qtbot, preview.page_box.findChild(QLineEdit), "2")
    qtbot.keyClick(preview.page_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: navigator.currentPage() == 1)
    # scrolling by hand moves the page number with it
    view.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: preview.page_box.value() == 1)


def test_ctrl_pgdn_still_switches_tabs_from_the_preview(qtbot, preview):
    window = preview.window()
    for widget in (preview.view, preview.page_box):
        window.tabs.setCurrentWidget(preview)
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentWidget() is not preview


def test_the_zoom_stays_when_the_form_changes(qtbot, preview):
    window = preview.window()
    preview.view.set_zoom(1.25)
    preview.go_to_page(2)
    window.tabs.setCurrentWidget(window.header_tab)
    type_into(qtbot, window.header_tab.widgets["header.annual_amount"], "1,000.00")
    window.tabs.setCurrentWidget(preview)
    qtbot.waitUntil(lambda: not preview._stale)
    assert preview.view.zoom() == pytest.approx(1.25) and preview.view.fit is Fit.NONE
    qtbot.waitUntil(lambda: preview.view.pageNavigator().currentPage() == 1)
