"""Printing from the window: preview, printer, PDF export, batch with cancel."""
from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog
from pypdf import PdfReader

from desktop.qt import printing_ui
from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import type_into


def saved_window(window_factory, db_path, samples):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    return window_factory()


def test_the_preview_shows_the_pages_and_follows_edits(qtbot, window_factory, db_path, samples):
    window = saved_window(window_factory, db_path, samples)
    window.open_declaration(1)
    window.tabs.setCurrentWidget(window.preview_tab)
    preview = window.preview_tab
    qtbot.waitUntil(lambda: preview.pdf_document.pageCount() == 2)
    assert preview.status.text() == "共 2 页"

    window.tabs.setCurrentWidget(window.header_tab)
    type_into(qtbot, window.header_tab.widgets["header.annual_amount"], "9,999,999.00")
    window.tabs.setCurrentWidget(preview)
    qtbot.waitUntil(lambda: "草稿" in preview.status.text())
    text = PdfReader(io.BytesIO(preview.pdf)).pages[0].extract_text()
    assert "9,999,999.00" in text


def test_export_of_several_selected_declarations_makes_one_pdf(qtbot, window_factory, db_path, samples, tmp_path,
                                                               monkeypatch):
    window = saved_window(window_factory, db_path, samples)
    window.list_view.selectAll()
    target = tmp_path / "批量.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_pdf_action.trigger()
    assert len(PdfReader(target).pages) == 10


def test_a_cancelled_batch_writes_nothing(qtbot, window_factory, db_path, samples, tmp_path, monkeypatch):
    window = saved_window(window_factory, db_path, samples)
    window.list_view.selectAll()
    target = tmp_path / "cancelled.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    window.export_pdf_action.trigger()
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))


def test_ctrl_p_opens_the_print_dialog(qtbot, window_factory, db_path, samples, monkeypatch):
    window = saved_window(window_factory, db_path, samples)
    shown = []
    monkeypatch.setattr(printing_ui.QPrintDialog, "exec", lambda self: shown.append(self) or 0)
    window.print_action.trigger()
    assert shown and window.print_action.shortcut().toString() == "Ctrl+P"


def test_a_very_long_preview_shows_one_page_at_a_time_with_page_buttons(qtbot, window_factory, db_path, samples,
                                                                          monkeypatch):
    """Laying out every page of a 1,700-page preview froze the window for 0.2-0.3 s."""
    from PySide6.QtPdfWidgets import QPdfView

    monkeypatch.setattr(printing_ui, "MULTI_PAGE_LIMIT", 1)  # the 2-page sample counts as very long
    window = saved_window(window_factory, db_path, samples)
    window.open_declaration(1)
    window.tabs.setCurrentWidget(window.preview_tab)
    preview = window.preview_tab
    qtbot.waitUntil(lambda: preview.pdf_document.pageCount() == 2)
    assert preview.view.pageMode() == QPdfView.PageMode.SinglePage
    assert preview.page_box.value() == 1 and preview.page_label.text().strip() == "/ 2 页"
    assert not preview.previous_page.isEnabled()
    qtbot.mouseClick(preview.next_page, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preview.view.pageNavigator().currentPage() == 1)
    assert preview.page_box.value() == 2 and not preview.next_page.isEnabled()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)  # one page at a time: PgUp turns the page
    qtbot.waitUntil(lambda: preview.view.pageNavigator().currentPage() == 0)
    monkeypatch.setattr(printing_ui, "MULTI_PAGE_LIMIT", 200)
    window.open_declaration(2)
    assert preview._stale
    qtbot.waitUntil(lambda: not preview._stale, timeout=10000)
    assert preview.view.pageMode() == QPdfView.PageMode.MultiPage
