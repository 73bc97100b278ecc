"""Issue 15, the declaration list: selection painted as it is, nothing cut without a
tooltip, readable at 1024×700, columns to choose, 项目编码, and the 汇总 of what
the list shows (items 2, 6 and 9)."""
from __future__ import annotations

import sqlite3
import time

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from conftest import close_window
from desktop.qt.declaration_list import (
    CODE_COLUMN, COLUMNS, NAME_COLUMN, PROBLEMS_COLUMN, UNIT_COLUMN, YEAR_COLUMN,
)
from desktop.qt.list_panel import yuan
from desktop.store.database import open_database
from desktop.domain.amounts import parse_amount
from desktop.store.listing import Listing, ListQuery, Totals
from desktop.store.repository import Repository
from qt_helpers import type_into

UNIT = "深圳市深汕特别合作区应急指挥中心（深圳市深汕特别合作区网格管理中心）"  # the samples' unit


def many(samples, n=12):
    out = []
    for i in range(n):
        d = samples[i % 5].model_copy(deep=True)
        d.fiscal_year = 2024 + i % 2
        if i % 3 == 0:
            d.header.applicant_unit = "深圳市深汕特别合作区财政局"
        out.append(d)
    return out


@pytest.fixture
def filled(db_path, samples):
    with open_database(db_path) as db:
        return Repository(db).save_all(many(samples))


def at(window, width, height):
    window.resize(width, height)
    QApplication.processEvents()
    return window


# -- item 2: the selection is painted as it is -----------------------------------------
def painted_on_screen(window):
    """The list's viewport as the screen shows it now (the offscreen platform's backing
    store: what was last painted, stale regions included; grab() would repaint all)."""
    view = window.list_view
    image = QGuiApplication.primaryScreen().grabWindow(window.winId()).toImage()
    origin = view.viewport().mapTo(window, QPoint(0, 0))
    return image.copy(origin.x(), origin.y(), view.viewport().width(), view.viewport().height())


def highlighted_cells(window) -> set[tuple[int, int]]:
    """(row, column) of every shown cell painted in the selection colour."""
    view = window.list_view
    image = painted_on_screen(window)
    colours = [view.palette().color(group, QPalette.ColorRole.Highlight)
               for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)]

    def selected_colour(c) -> bool:  # the current cell is shaded a little (Fusion)
        return any(max(abs(c.red() - h.red()), abs(c.green() - h.green()), abs(c.blue() - h.blue())) < 24
                   for h in colours)

    found = set()
    for row in range(window.list_model.rowCount()):
        for col in window.list_panel.shown_columns():
            rect = view.visualRect(window.list_model.index(row, col))
            # above the text, inside the focus frame of the current cell
            if rect.isValid() and selected_colour(image.pixelColor(rect.center().x(), rect.top() + 3)):
                found.add((row, col))
    return found


def click(qtbot, window, row, col=YEAR_COLUMN, modifier=Qt.KeyboardModifier.NoModifier):
    view = window.list_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                     view.visualRect(window.list_model.index(row, col)).center())
    qtbot.wait(30)  # the repaint


def test_clicking_another_row_repaints_the_old_and_the_new_row_whole(qtbot, window_factory, filled):
    # Regression: ListPanel.select changed the selection with the selection model's
    # signals blocked, so the old row stayed painted as selected and the new one
    # lit only the clicked cell — several rows looked selected before 删除.
    window = at(window_factory(), 1600, 1000)
    click(qtbot, window, 1)
    click(qtbot, window, 3)
    shown = window.list_panel.shown_columns()
    assert [i.row() for i in window.list_view.selectionModel().selectedRows()] == [3]
    assert window.list_model.row_of(window.open_id) == 3
    qtbot.waitUntil(lambda: highlighted_cells(window) == {(3, c) for c in shown})


def test_ctrl_and_shift_clicks_select_several_rows(qtbot, window_factory, filled):
    window = at(window_factory(), 1600, 1000)
    click(qtbot, window, 1)
    click(qtbot, window, 3, modifier=Qt.KeyboardModifier.ControlModifier)
    assert sorted(i.row() for i in window.list_view.selectionModel().selectedRows()) == [1, 3]
    click(qtbot, window, 5, modifier=Qt.KeyboardModifier.ShiftModifier)  # from 3 on, 1 kept
    assert sorted(i.row() for i in window.list_view.selectionModel().selectedRows()) == [1, 3, 4, 5]
    assert window.list_panel.selected_count() == 4
    shown = window.list_panel.shown_columns()
    qtbot.waitUntil(lambda: highlighted_cells(window) == {(r, c) for r in (1, 3, 4, 5) for c in shown})
    # the actions say what they will do with them
    assert window.print_action.text() == "打印所选 4 份…"
    assert window.delete_action.text() == "删除所选 4 份申报表（移到回收站）…"


def test_the_list_stays_on_a_form_whose_edits_could_not_be_saved(qtbot, window_factory, filled, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.qt.session import UnsavedEdits

    window = at(window_factory(), 1600, 1000)
    click(qtbot, window, 1)

    def full_disk(_decl_id):
        raise UnsavedEdits("磁盘空间不足")

    monkeypatch.setattr(window.session, "open", full_disk)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a))
    click(qtbot, window, 3)
    assert warned and window.list_model.row_of(window.open_id) == 1
    qtbot.waitUntil(lambda: [i.row() for i in window.list_view.selectionModel().selectedRows()] == [1])
    assert window.list_view.currentIndex().row() == 1
    shown = window.list_panel.shown_columns()
    qtbot.waitUntil(lambda: highlighted_cells(window) == {(1, c) for c in shown})


def test_the_keys_move_and_extend_the_selection(qtbot, window_factory, filled):
    window = at(window_factory(), 1600, 1000)
    click(qtbot, window, 1)
    qtbot.keyClick(window.list_view, Qt.Key.Key_Down)
    assert window.list_model.row_of(window.open_id) == 2
    qtbot.keyClick(window.list_view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(i.row() for i in window.list_view.selectionModel().selectedRows()) == [2, 3]
    assert window.list_model.row_of(window.open_id) == 3


# -- item 6: nothing cut without a tooltip; readable at 1024×700 -------------------------------
def tooltip_at(window, row, col, monkeypatch) -> str:
    """The tooltip the list shows over a cell ("" for none); QToolTip itself is not shown
    (offscreen, raising its window is a Qt warning)."""
    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda pos, text, *a: shown.append(text))
    monkeypatch.setattr(QToolTip, "hideText", lambda: shown.append(""))
    view = window.list_view
    rect = view.visualRect(window.list_model.index(row, col))
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(view.viewport(), event)
    assert len(shown) == 1
    return shown[0]


def test_a_cut_cell_shows_its_whole_text_as_a_tooltip(qtbot, window_factory, filled, monkeypatch):
    window = at(window_factory(), 1024, 700)
    window.list_panel.show_column(UNIT_COLUMN, True)
    QApplication.processEvents()
    model = window.list_model
    row = next(r for r in range(model.rowCount()) if model.index(r, UNIT_COLUMN).data() == UNIT)
    assert tooltip_at(window, row, UNIT_COLUMN, monkeypatch) == UNIT  # cut in the middle, whole in the tooltip
    assert tooltip_at(window, row, YEAR_COLUMN, monkeypatch) == ""  # "2025" fits: no tooltip
    assert tooltip_at(window, row, PROBLEMS_COLUMN, monkeypatch).startswith("错误 0 个")  # the model's own stays
    # a name cut at the list's width
    long = next(r for r in range(model.rowCount()) if model.index(r, NAME_COLUMN).data() == "应急值班值守综合业务经费")
    assert tooltip_at(window, long, NAME_COLUMN, monkeypatch) == "应急值班值守综合业务经费"


def test_the_list_is_readable_at_1024x700(qtbot, window_factory, filled):
    window = at(window_factory(), 1024, 700)
    panel, view = window.list_panel, window.list_view
    header = view.horizontalHeader()
    shown = panel.shown_columns()
    assert shown[0] == NAME_COLUMN and {YEAR_COLUMN, PROBLEMS_COLUMN} <= set(shown)
    fm = view.fontMetrics()
    for col in shown[1:]:  # every other column holds its values whole
        for row in range(window.list_model.rowCount()):
            text = window.list_model.index(row, col).data()
            assert fm.horizontalAdvance(text) + 6 <= header.sectionSize(col), (COLUMNS[col], text)
        label = window.list_model.headerData(col, Qt.Orientation.Horizontal)
        assert header.fontMetrics().horizontalAdvance(label) + 16 <= header.sectionSize(col), label
    assert header.sectionSize(NAME_COLUMN) >= fm.horizontalAdvance("应急值班值守综合")
    assert not view.horizontalScrollBar().isVisible()  # nothing off to the side
    assert fm.horizontalAdvance(panel.search.placeholderText()) <= panel.search.width() - 10


def test_a_wider_list_shows_the_whole_project_code(qtbot, window_factory, filled):
    window = at(window_factory(), 1600, 1000)
    header = window.list_view.horizontalHeader()
    assert window.list_panel.shown_columns()[:2] == [NAME_COLUMN, CODE_COLUMN]  # 项目编码 second
    code = window.list_model.index(0, CODE_COLUMN).data()
    assert len(code) == 21 and window.list_view.fontMetrics().horizontalAdvance(code) + 6 <= header.sectionSize(CODE_COLUMN)
    # sorted by 项目编码 in SQL, like the other columns
    window.list_view.sortByColumn(CODE_COLUMN, Qt.SortOrder.AscendingOrder)
    codes = [window.list_model.index(r, CODE_COLUMN).data() for r in range(window.list_model.rowCount())]
    assert codes == sorted(codes)


def test_columns_chosen_on_the_header_are_remembered(qtbot, window_factory, filled):
    window = at(window_factory(), 1024, 700)
    menu = window.list_panel.column_menu()
    by_text = {a.text(): a for a in menu.actions() if a.text()}
    assert by_text["按宽度自动选择列"].isChecked()
    assert not by_text["项目名称"].isEnabled()  # the name always stays
    by_text["项目编码"].setChecked(True)
    assert CODE_COLUMN in window.list_panel.shown_columns()
    # a column that does not fit: 项目名称 keeps its minimum and the list scrolls sideways
    assert window.list_view.horizontalHeader().sectionSize(NAME_COLUMN) >= window.list_panel.name_min
    chosen = window.list_panel.shown_columns()
    close_window(window)
    again = at(window_factory(), 1024, 700)
    assert again.list_panel.shown_columns() == chosen
    menu = again.list_panel.column_menu()
    next(a for a in menu.actions() if a.text() == "按宽度自动选择列").setChecked(True)
    assert CODE_COLUMN not in again.list_panel.shown_columns()


# -- item 9: the 汇总 of what the list shows -----------------------------------------------------
def expected(db_path, where: str = "") -> tuple[int, int, int]:
    con = sqlite3.connect(db_path)
    try:
        count, cents, errors = con.execute(
            "SELECT count(*), sum(CAST(round(annual_amount_value * 100) AS INTEGER)), sum(error_count > 0) "
            f"FROM declarations WHERE deleted_at IS NULL {where}").fetchone()
    finally:
        con.close()
    return count, cents or 0, errors or 0


def test_the_summary_counts_and_sums_what_the_list_shows(qtbot, window_factory, filled, db_path):
    window = at(window_factory(), 1024, 700)
    summary = window.list_panel.summary
    qtbot.waitUntil(lambda: summary.label.text().startswith("共 12 份"))
    count, cents, _ = expected(db_path)
    assert summary.label.text() == f"共 {count} 份，合计 {yuan(cents)} 元，均无错误"
    # a filter and a search: the totals follow
    window.year_filter.setCurrentText("2024")
    window.search.setText("工作经费")
    summary.refresh()
    count, cents, _ = expected(db_path, "AND fiscal_year = 2024 AND project_name LIKE '%工作经费%'")
    assert count == window.list_model.rowCount() and count > 0
    assert summary.label.text() == f"共 {count} 份，合计 {yuan(cents)} 元，均无错误"
    # by unit and by year
    window.search.clear()
    window.year_filter.setCurrentIndex(0)
    summary.refresh()
    summary.toggle.setChecked(True)
    units = {summary.table.item(r, 0).text(): summary.table.item(r, 1).text() for r in range(summary.table.rowCount())}
    assert units == {"深圳市深汕特别合作区财政局": "4", UNIT: "8"}
    summary.group_by.setCurrentIndex(1)
    years = [summary.table.item(r, 0).text() for r in range(summary.table.rowCount())]
    assert years == ["2025", "2024"]
    # an edit that makes an error is counted once saved
    window.open_declaration(window.list_model.id_at(0))
    type_into(qtbot, window.header_tab.widgets["header.project_name"], "")  # 项目名称 is required
    window.save()
    qtbot.waitUntil(lambda: summary.label.text().endswith("1 份有错误"))


def test_groups_are_exact_and_quick(repo, samples):
    """Listing.groups sums amounts in fen (exact), per year and unit, for a filter or a search."""
    decls = many(samples, 50)
    decls[0].header.annual_amount = "0.10"
    decls[1].header.annual_amount = "0.20"
    decls[2].header.annual_amount = "五十万左右"  # does not parse: counted apart
    repo.save_all(decls)
    listing = Listing(repo.db)
    groups = listing.groups(ListQuery())
    assert sum(g.count for g in groups) == 50 and sum(g.unpriced for g in groups) == 1
    assert len({(g.fiscal_year, g.applicant_unit) for g in groups}) == len(groups) == 4
    total = sum(parse_amount(d.header.annual_amount).value or 0 for d in decls)
    assert sum(g.amount_cents for g in groups) == int(total * 100)
    assert listing.totals(ListQuery()) == Totals(50, int(total * 100), 1, 1)  # the amount that does not parse is an error
    query = ListQuery(year=2024, text="车辆")
    ids = listing.ids(query)
    assert sum(g.count for g in listing.groups(query)) == listing.totals(query).count == len(ids) > 0
    assert listing.groups(ListQuery(text="没有这个词")) == [] and listing.totals(ListQuery(text="没有这个词")).count == 0
    start = time.perf_counter()
    for _ in range(20):
        listing.groups(ListQuery(unit="深圳市深汕特别合作区财政局"))
    assert (time.perf_counter() - start) / 20 < 0.05
