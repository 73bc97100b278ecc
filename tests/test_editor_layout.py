"""Issue 15, items 5 and 6: the editor is readable at 1024×700 and at 150 %.

Rows follow their wrapped text when the columns change width; nothing in the
editor is cut short (the 一级指标 chooser showed "满意度扌", the cost summary
broke "差额" in two, 打印预览 hid behind the tab bar's scroll arrows).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate, QAbstractItemView, QApplication, QComboBox, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, QStyle,
    QStyleOptionComboBox, QWidget,
)

from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import open_editor

SCALED = os.environ.get("JIXIAO_TEST_SCALED") == "1"  # set for the run at 150 % below


def opened(window_factory, db_path, samples, size=(1024, 700)):
    with open_database(db_path) as db:
        saved = Repository(db).save(samples[0])
    window = window_factory()
    window.resize(*size)
    window.open_declaration(saved.id)
    QApplication.processEvents()
    return window


def rows_fit(view: QAbstractItemView) -> bool:
    """Every row exactly as tall as its text wrapped at the present column widths."""
    vh = view.verticalHeader()
    return all(view.rowHeight(r) == max(view.sizeHintForRow(r), vh.sectionSizeHint(r), vh.minimumSectionSize())
               for r in range(view.model().rowCount()))


def settle(qtbot, view) -> None:
    qtbot.waitUntil(lambda: rows_fit(view), timeout=2000)


# -- item 5: row heights -------------------------------------------------------------
@pytest.mark.parametrize("tab", ["cost_tab", "indicator_tab"])
def test_rows_refit_when_the_columns_change_width(qtbot, window_factory, db_path, samples, tab):
    window = opened(window_factory, db_path, samples, (1600, 1000))
    page = getattr(window, tab)
    window.tabs.setCurrentWidget(page)
    view = (page.editor if tab == "cost_tab" else page).view
    settle(qtbot, view)
    tall = [view.rowHeight(r) for r in range(view.model().rowCount())]

    window.resize(1024, 700)  # a smaller window: narrower columns, taller rows
    settle(qtbot, view)
    assert sum(view.rowHeight(r) for r in range(len(tall))) > sum(tall)

    window.problems.hide()  # the editor gets the panel's room
    settle(qtbot, view)
    window.problems.show()
    settle(qtbot, view)
    splitter = window.findChild(QSplitter, "main-splitter")
    sizes = splitter.sizes()
    splitter.setSizes([sizes[0] - 150, sizes[1] + 150])  # the splitter moved
    settle(qtbot, view)
    header = view.horizontalHeader()
    header.resizeSection(header.count() - 2 if tab == "indicator_tab" else 1, 200)  # a column dragged
    settle(qtbot, view)


def test_a_longer_text_makes_its_row_taller(qtbot, window_factory, db_path, samples):
    window = opened(window_factory, db_path, samples)
    window.tabs.setCurrentWidget(window.cost_tab)
    view = window.cost_tab.editor.view
    settle(qtbot, view)
    before = view.rowHeight(3)
    window.doc.set_field("cost_items[3].text", samples[0].cost_items[3].text * 3)
    settle(qtbot, view)
    assert view.rowHeight(3) > before


# -- item 6: nothing cut short ---------------------------------------------------------
def combo_text_fits(combo: QComboBox) -> bool:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width()


def test_the_category_chooser_shows_whole_names(qtbot, window_factory, db_path, samples):
    window = opened(window_factory, db_path, samples)
    ind = window.indicator_tab
    window.tabs.setCurrentWidget(ind)
    view = ind.view
    row = next(i for i, r in enumerate(window.doc.declaration.indicators) if r.level1 == "满意度指标")
    for column in (0, 1):
        index = view.model().index(row, column)
        view.setCurrentIndex(index)
        view.edit(index)
        combo = open_editor(view, (QComboBox,))
        assert combo.currentText() in ("满意度指标", "*服务对象满意度指标")
        assert combo_text_fits(combo), f"{combo.currentText()!r} cut in a {combo.width()} px chooser"
        view.closeEditor(combo, QAbstractItemDelegate.EndEditHint.RevertModelCache)
        QApplication.processEvents()
    # and the cell shows 满意度指标 on one line
    rect = view.visualRect(view.model().index(row, 0))
    assert view.fontMetrics().horizontalAdvance("满意度指标") + 8 <= rect.width()


def test_the_cost_summary_breaks_only_between_figures(qtbot, window_factory, db_path, samples):
    window = opened(window_factory, db_path, samples)
    window.tabs.setCurrentWidget(window.cost_tab)
    label = window.cost_tab.total_label
    figures = ["合计：2,845,000.00 元（5/5 项有金额）", "本年度项目金额：536,200.00 元", "差额：2,308,800.00 元"]
    for width in (1600, 1024):
        window.resize(width, 700)
        QApplication.processEvents()
        lines = label.text().split("\n")
        for figure in figures:
            assert any(figure in line for line in lines), f"{figure} broken across lines: {lines}"
        room = label.contentsRect().width()
        assert all(label.fontMetrics().horizontalAdvance(line) <= room for line in lines), lines
    assert len(lines) > 1  # at 1024 × 700 the figures take two lines, each whole


def test_every_tab_is_in_sight_with_its_count(qtbot, window_factory, db_path, samples):
    window = opened(window_factory, db_path, samples, (1600, 1000))
    tabs = window.tabs
    assert tabs.tabText(4) == "绩效指标（2警）"  # spelt out where there is room
    window.resize(1024, 700)
    QApplication.processEvents()
    assert tabs.tabText(4) == "绩效指标 2"  # one number where there is not
    assert "2 个警告" in tabs.tabToolTip(4)
    assert_tabs_whole(tabs)
    window.new_declaration()  # a new form: counts on five tabs
    QApplication.processEvents()
    assert_tabs_whole(tabs)
    assert tabs.tabText(tabs.count() - 1) == "打印预览"


def assert_tabs_whole(tabs) -> None:
    bar = tabs.tabBar()
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        assert bar.rect().contains(rect), f"{bar.tabText(i)} is out of sight"
        assert rect.width() >= bar.tabSizeHint(i).width(), f"{bar.tabText(i)} is elided"


def cut_texts(page: QWidget) -> list[str]:
    """The texts on a page that do not fit their widgets (values typed by the user aside)."""
    cut = []
    for w in page.findChildren(QWidget):
        if not w.isVisible():
            continue
        fm = w.fontMetrics()
        if isinstance(w, QLabel) and w.text() and w.textFormat() != Qt.TextFormat.RichText:
            if w.wordWrap():
                if w.heightForWidth(w.width()) > w.height():
                    cut.append(f"label {w.text()!r}")
            elif max(fm.horizontalAdvance(t) for t in w.text().split("\n")) > w.contentsRect().width():
                cut.append(f"label {w.text()!r}")
        elif isinstance(w, QPushButton) and w.sizeHint().width() > w.width():
            cut.append(f"button {w.text()!r}")
        elif isinstance(w, QComboBox) and not w.isEditable() and not combo_text_fits(w):
            cut.append(f"chooser {w.currentText()!r}")
        elif isinstance(w, QLineEdit) and not w.text() and w.placeholderText():
            if fm.horizontalAdvance(w.placeholderText()) > w.width() - 10:  # frame and margins
                cut.append(f"hint {w.placeholderText()!r}")
        elif isinstance(w, QHeaderView) and w.orientation() == Qt.Orientation.Horizontal:
            margin = 2 * w.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
            for i in range(w.count()):
                text = w.model().headerData(i, Qt.Orientation.Horizontal)
                if fm.horizontalAdvance(text) + margin > w.sectionSize(i):
                    cut.append(f"column {text!r}")
    return cut


def assert_nothing_cut(qtbot, window) -> None:
    tabs = window.tabs
    assert_tabs_whole(tabs)
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        QApplication.processEvents()
        assert cut_texts(tabs.currentWidget()) == [], tabs.tabText(i)
    assert cut_texts(window.problems) == []


def test_nothing_in_the_editor_is_cut_at_1024x700(qtbot, window_factory, db_path, samples):
    window = opened(window_factory, db_path, samples)
    assert_nothing_cut(qtbot, window)
    window.new_declaration()
    assert_nothing_cut(qtbot, window)


@pytest.mark.skipif(not SCALED, reason="runs in its own process at 150 % (test_..._at_150_percent)")
def test_nothing_cut_scaled(qtbot, window_factory, db_path, samples):
    assert QApplication.primaryScreen().devicePixelRatio() == 1.5
    window = opened(window_factory, db_path, samples)
    assert (window.width(), window.height()) == (1024, 700)
    assert_nothing_cut(qtbot, window)
    window.new_declaration()
    assert_nothing_cut(qtbot, window)
    view = window.indicator_tab.view
    window.tabs.setCurrentWidget(window.indicator_tab)
    settle(qtbot, view)


def test_nothing_in_the_editor_is_cut_at_150_percent():
    """QT_SCALE_FACTOR is read when the QApplication is made: a process of its own."""
    here = Path(__file__)
    env = {**os.environ, "QT_SCALE_FACTOR": "1.5", "JIXIAO_TEST_SCALED": "1"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", f"{here}::test_nothing_cut_scaled"],
                         cwd=here.parent.parent, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
