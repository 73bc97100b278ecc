"""The main window driven through its widgets (pytest-qt, offscreen)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from conftest import close_window
from desktop.domain.model import Indicator
from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import choose, choose_in_cell, edit_cell, type_into


def fill_from(qtbot, window, decl) -> None:
    """Enter a whole declaration through the widgets, tab by tab."""
    h = window.header_tab.widgets
    for path in ("header.project_code", "header.project_name", "header.applicant_unit", "header.budget_unit",
                 "header.duration_years", "header.project_type", "header.total_amount", "header.annual_amount"):
        type_into(qtbot, h[path], decl.get(path))
    choose(h["header.is_new"], decl.header.is_new)
    choose(h["header.allocation_method"], decl.header.allocation_method)
    h["fiscal_year"].setValue(decl.fiscal_year)
    for path in ("texts.policy_basis", "texts.annual_goals", "texts.long_term_goals"):
        window.tabs.setCurrentWidget(window.policy_tab if "policy" in path else window.goals_tab)
        type_into(qtbot, window.field_widgets[path], decl.get(path))
    window.tabs.setCurrentWidget(window.cost_tab)
    cost = window.cost_tab.editor
    for i, item in enumerate(decl.cost_items):
        qtbot.mouseClick(cost.add_button, Qt.MouseButton.LeftButton)
        edit_cell(qtbot, cost.view, i, 0, item.text)
        edit_cell(qtbot, cost.view, i, 1, item.amount)
    ind = window.indicator_tab
    window.tabs.setCurrentWidget(ind)
    for i, row in enumerate(decl.indicators):
        qtbot.mouseClick(ind.add_button, Qt.MouseButton.LeftButton)
        choose_in_cell(qtbot, ind.view, i, 0, row.level1)
        choose_in_cell(qtbot, ind.view, i, 1, row.level2)
        edit_cell(qtbot, ind.view, i, 2, row.name)
        edit_cell(qtbot, ind.view, i, 3, row.target)
        edit_cell(qtbot, ind.view, i, 4, row.explanation)


def test_the_first_sample_form_typed_in_survives_a_restart(qtbot, window_factory, samples):
    sample = samples[0]
    window = window_factory()
    qtbot.mouseClick(window.new_button, Qt.MouseButton.LeftButton)
    fill_from(qtbot, window, sample)
    assert window.doc.declaration.content_equals(sample)
    close_window(window)

    again = window_factory()
    assert again.doc.declaration is not None, "the last open declaration is reopened"
    assert again.doc.declaration.content_equals(sample)
    # and the widgets show it
    assert again.header_tab.widgets["header.total_amount"].text() == "536,200.00"
    assert again.field_widgets["texts.policy_basis"].toPlainText() == sample.texts.policy_basis
    assert again.indicator_tab.model.rowCount() == len(sample.indicators)


def test_autosave_writes_within_a_second_without_ctrl_s(qtbot, window_factory, db_path):
    window = window_factory()
    window.new_declaration()
    type_into(qtbot, window.header_tab.widgets["header.project_name"], "自动保存测试")
    reader = open_database(db_path, write=False)
    try:
        qtbot.waitUntil(lambda: Repository(reader).list_summaries()[0].project_name == "自动保存测试", timeout=1500)
    finally:
        reader.close()


def test_undo_and_redo_text_combo_and_table_edits(qtbot, window_factory):
    window = window_factory()
    window.new_declaration()
    undo, redo = window.undo_action, window.redo_action
    name = window.header_tab.widgets["header.project_name"]
    type_into(qtbot, name, "车辆租赁费")
    alloc = window.header_tab.widgets["header.allocation_method"]
    choose(alloc, "项目法")
    ind = window.indicator_tab
    window.tabs.setCurrentWidget(ind)
    qtbot.mouseClick(ind.add_button, Qt.MouseButton.LeftButton)
    edit_cell(qtbot, ind.view, 0, 2, "培训次数")

    undo.trigger()  # the cell edit
    assert window.doc.declaration.indicators[0].name == ""
    undo.trigger()  # the added row
    assert ind.model.rowCount() == 0
    undo.trigger()  # the combo
    assert alloc.currentText() == "" and window.doc.declaration.header.allocation_method == ""
    undo.trigger()  # typing in one field merges into one step
    assert name.text() == "" and window.doc.declaration.header.project_name == ""

    for _ in range(4):
        redo.trigger()
    assert name.text() == "车辆租赁费"
    assert alloc.currentText() == "项目法"
    assert ind.model.index(0, 2).data() == "培训次数"


def test_undo_of_multiline_text(qtbot, window_factory):
    window = window_factory()
    window.new_declaration()
    edit = window.field_widgets["texts.annual_goals"]
    type_into(qtbot, edit, "1.第一条\n2.第二条")
    window.undo_action.trigger()
    assert edit.toPlainText() == "" and window.doc.declaration.texts.annual_goals == ""
    window.redo_action.trigger()
    assert edit.toPlainText() == "1.第一条\n2.第二条"


def test_rows_move_and_core_rows_are_added_in_template_order(qtbot, window_factory):
    window = window_factory()
    window.new_declaration()
    ind = window.indicator_tab
    qtbot.mouseClick(ind.core_button, Qt.MouseButton.LeftButton)
    cats = [(r.level1, r.level2) for r in window.doc.declaration.indicators]
    assert cats == list(window.doc.template.core_categories)
    ind.select(0)
    qtbot.mouseClick(ind.down_button, Qt.MouseButton.LeftButton)
    assert window.doc.declaration.indicators[1].level2 == "数量指标"
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.doc.declaration.indicators == []


def test_search_filters_the_list_as_you_type(qtbot, window_factory, db_path, samples):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    window = window_factory()
    assert window.list_filter.rowCount() == 5
    type_into(qtbot, window.search, "车辆")
    assert window.list_filter.rowCount() == 1
    assert window.list_filter.index(0, 0).data() == "车辆租赁费"
    type_into(qtbot, window.search, "3,318,800")  # amounts as typed are searched too
    assert window.list_filter.rowCount() == 1
    window.search.clear()
    choose(window.status_filter, "定稿")
    assert window.list_filter.rowCount() == 0


def test_duplicate_and_delete_after_asking(qtbot, window_factory, monkeypatch, samples, db_path):
    with open_database(db_path) as db:
        Repository(db).save(samples[1])
    window = window_factory()
    qtbot.mouseClick(window.copy_button, Qt.MouseButton.LeftButton)
    assert window.list_model.rowCount() == 2
    assert window.doc.declaration.header.project_name == "车辆租赁费（副本）"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    assert window.list_model.rowCount() == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    assert window.list_model.rowCount() == 1
    assert window.repo.count() == 1


def test_window_geometry_is_remembered(qtbot, window_factory):
    window = window_factory()
    window.resize(1234, 700)
    close_window(window)
    again = window_factory()
    assert (again.width(), again.height()) == (1234, 700)


def test_item_models_pass_the_model_tester(qtmodeltester, window_factory, samples, db_path):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    window = window_factory()
    window.open_declaration(window.list_model.items[0].id)
    qtmodeltester.check(window.list_model)
    qtmodeltester.check(window.list_filter)
    qtmodeltester.check(window.cost_tab.editor.model)
    qtmodeltester.check(window.indicator_tab.model)
    window.indicator_tab.add_row()  # models stay consistent across inserts too
    window.doc.insert_row("indicators", 0, Indicator(name="x"))
    qtmodeltester.check(window.indicator_tab.model)


def test_a_second_window_on_the_same_database_is_refused(qtbot, window_factory, db_path, monkeypatch):
    from desktop.qt import app as app_module

    window_factory()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert app_module.run_window(db_path) == 2
    assert shown and "已被另一个窗口打开" in shown[0]


def test_steady_typing_is_saved_without_waiting_for_a_pause(qtbot, window_factory, db_path):
    window = window_factory()
    window.new_declaration()
    name = window.header_tab.widgets["header.project_name"]
    reader = open_database(db_path, write=False)
    saved_while_typing = []
    try:
        for _ in range(30):  # a key every 50 ms for 1.5 s
            qtbot.keyClicks(name, "a")
            qtbot.wait(50)
            saved_while_typing.append(Repository(reader).list_summaries()[0].project_name)
    finally:
        reader.close()
    assert any(len(s) >= 5 for s in saved_while_typing), "nothing was saved during 1.5 s of typing"
