"""Problems shown while typing: marks in place, tab counts, the problems panel, 定稿."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import edit_cell, type_into


def open_sample(window_factory, db_path, decl):
    with open_database(db_path) as db:
        saved = Repository(db).save(decl)
    window = window_factory()
    # Wide enough for the spelt-out tab titles (基本信息（1错）); narrower windows
    # show the short ones (基本信息 1), see test_editor_layout.py.
    window.resize(1600, 1000)
    window.open_declaration(saved.id)
    return window


def test_a_bad_amount_is_marked_and_counted_then_clears_when_fixed(qtbot, window_factory, db_path, samples):
    window = open_sample(window_factory, db_path, samples[0])
    field = window.header_tab.widgets["header.annual_amount"]
    assert field.property("problem") in ("", None)
    assert window.tabs.tabText(0) == "基本信息"

    type_into(qtbot, field, "600,000.00")
    assert field.property("problem") == "error"
    assert "超过项目总金额" in field.toolTip()
    assert window.tabs.tabText(0) == "基本信息（1错）"
    assert "错误 1" in window.problems.windowTitle()

    type_into(qtbot, field, "536,200.00")
    assert field.property("problem") in ("", None)
    assert field.toolTip() == ""
    assert window.tabs.tabText(0) == "基本信息"


def test_a_bad_target_cell_is_marked_and_the_indicator_tab_counts_it(qtbot, window_factory, db_path, samples):
    window = open_sample(window_factory, db_path, samples[0])
    window.tabs.setCurrentWidget(window.indicator_tab)
    view = window.indicator_tab.view
    assert window.tabs.tabText(4) == "绩效指标（2警）"
    edit_cell(qtbot, view, 2, 3, "120%")
    index = view.model().index(2, 3)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "超过 100%" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert window.tabs.tabText(4) == "绩效指标（1错 2警）"
    edit_cell(qtbot, view, 2, 3, "100%")
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert window.tabs.tabText(4) == "绩效指标（2警）"


def test_clicking_a_problem_focuses_its_field(qtbot, window_factory, db_path, samples):
    d = samples[1]
    d.texts.policy_basis = ""
    d.indicators[3].target = "**"
    window = open_sample(window_factory, db_path, d)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    items = [window.problems.list.item(i) for i in range(window.problems.list.count())]
    policy = next(i for i in items if "政策依据" in i.text())
    window.problems.list.itemClicked.emit(policy)
    assert window.tabs.currentWidget() is window.policy_tab
    qtbot.waitUntil(window.field_widgets["texts.policy_basis"].hasFocus, timeout=1000)

    target = next(i for i in items if "占位符" in i.text())
    window.problems.list.itemClicked.emit(target)
    assert window.tabs.currentWidget() is window.indicator_tab
    current = window.indicator_tab.view.currentIndex()
    assert (current.row(), current.column()) == (3, 3)


def test_the_list_shows_each_declarations_error_count(qtbot, window_factory, db_path, samples):
    window = open_sample(window_factory, db_path, samples[0])
    row = window.list_model.row_of(window.doc.declaration.id)
    assert window.list_model.index(row, 5).data() == "4 警告"  # with text.vague (issue 12)
    type_into(qtbot, window.header_tab.widgets["header.project_name"], "")
    window.save()
    assert window.list_model.index(row, 5).data() == "1 错"


def test_final_needs_no_errors_and_confirmation_of_warnings(qtbot, window_factory, db_path, samples, monkeypatch):
    d = samples[0]
    d.header.project_name = ""
    window = open_sample(window_factory, db_path, d)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    window.final_action.trigger()
    assert warned and "错误" in warned[0]
    assert window.doc.declaration.status == "草稿"

    type_into(qtbot, window.header_tab.widgets["header.project_name"], "民意速办工作经费")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.final_action.trigger()
    assert window.doc.declaration.status == "草稿"  # the warnings were not confirmed
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.final_action.trigger()
    assert window.doc.declaration.status == "定稿"
    assert window.repo.load(window.doc.declaration.id).status == "定稿"
    assert window.header_tab.status_label.text() == "定稿"


def test_editing_a_final_declaration_asks_then_returns_it_to_draft(qtbot, window_factory, db_path, samples, monkeypatch):
    d = samples[1]
    d.status = "定稿"
    window = open_sample(window_factory, db_path, d)
    name = window.header_tab.widgets["header.project_name"]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    type_into(qtbot, name, "改名")
    assert window.doc.declaration.status == "定稿"
    assert window.doc.declaration.header.project_name == "车辆租赁费"
    assert name.text() == "车辆租赁费"  # the refused edit is not left on screen

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    type_into(qtbot, name, "车辆租赁费用")
    assert window.doc.declaration.status == "草稿"
    assert window.doc.declaration.header.project_name == "车辆租赁费用"


def test_characters_the_print_font_lacks_are_reported_as_you_type(qtbot, window_factory, db_path, samples):
    window = open_sample(window_factory, db_path, samples[0])
    name = window.header_tab.widgets["header.project_name"]
    type_into(qtbot, name, "民意速办𠀋工作经费")  # Extension B: the bundled fallback font prints it
    assert not [p for p in window.doc.problems if p.code == "print.glyph_missing"]
    type_into(qtbot, name, "\U0001F600")  # an emoji: no bundled font has it
    assert name.property("problem") == "warning"
    texts = [window.problems.list.item(i).text() for i in range(window.problems.list.count())]
    assert any("打印字体无法显示" in t and "\U0001F600" in t for t in texts)
