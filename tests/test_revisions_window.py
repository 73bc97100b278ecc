"""Revisions in the window (issue 13): made when an editing burst ends, not on every
keystroke; the 修订记录 panel lists, shows, compares and restores them."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from cli_helpers import db_dump
from desktop.domain.revision_code import revision_code
from desktop.qt import session as session_module
from desktop.services import revisions
from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import type_into, type_text


@pytest.fixture
def stored(db_path, samples):
    """Two sample forms, imported as the command line does (each with revision 1, 导入)."""
    with open_database(db_path) as db:
        repo = Repository(db)
        saved = repo.save_all(samples[:2])
        revisions.record(repo, [d.id for d in saved], revisions.IMPORT)
    return [d.id for d in saved]


def history_of(db_path: Path, decl_id: int) -> list[revisions.RevisionInfo]:
    """What the database holds, read as another program would (not through the window)."""
    with open_database(db_path, write=False) as db:
        return revisions.history(Repository(db), decl_id)


def test_typing_makes_one_revision_when_the_burst_ends_not_one_per_keystroke(
        qtbot, window_factory, db_path, stored, monkeypatch):
    monkeypatch.setattr(session_module, "BURST_MS", 800)
    window = window_factory()
    window.open_declaration(stored[0])
    name = window.header_tab.widgets["header.project_name"]
    name.setFocus()
    name.end(False)
    for ch in "一二三四五六七八":  # a key every 150 ms for 1.2 s: autosave writes, the burst goes on
        type_text(qtbot, name, ch)
        qtbot.wait(150)
    assert [i.reason for i in history_of(db_path, stored[0])] == ["导入"], "no revision while typing"
    with open_database(db_path, write=False) as db:
        assert Repository(db).load(stored[0]).header.project_name.startswith("民意速办工作经费一二"), "but saved"
    qtbot.waitUntil(lambda: len(history_of(db_path, stored[0])) == 2, timeout=3000)
    qtbot.wait(300)
    history = history_of(db_path, stored[0])
    assert [i.reason for i in history] == ["编辑", "导入"], "eight keystrokes, one revision"
    assert history[0].summary == "改了 项目名称"
    assert history[0].code == revision_code(window.doc.declaration)
    assert window.history_panel.table.topLevelItemCount() == 2, "the panel shows it at once"


def test_switching_declarations_and_closing_the_window_end_the_burst(
        qtbot, window_factory, db_path, stored, monkeypatch):
    monkeypatch.setattr(session_module, "BURST_MS", 60_000)  # no pause is long enough here
    window = window_factory()
    window.open_declaration(stored[0])
    type_into(qtbot, window.header_tab.widgets["header.project_code"], "4403")
    window.open_declaration(stored[1])
    assert [i.reason for i in history_of(db_path, stored[0])] == ["编辑", "导入"]
    type_into(qtbot, window.header_tab.widgets["header.project_code"], "5500")
    assert [i.reason for i in history_of(db_path, stored[1])] == ["导入"]
    window.close()
    assert [i.reason for i in history_of(db_path, stored[1])] == ["编辑", "导入"]
    assert revisions.load_revision(Repository(window.db), stored[1], 2).header.project_code == "5500"


def test_final_and_back_to_draft_in_the_window_are_revisions(qtbot, window_factory, db_path, stored, monkeypatch):
    monkeypatch.setattr(session_module, "BURST_MS", 60_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)  # warnings: go on
    window = window_factory()
    window.open_declaration(stored[1])
    type_into(qtbot, window.header_tab.widgets["header.project_code"], "440313241071500300099")
    window.final_action.trigger()
    assert window.doc.declaration.status == "定稿"
    history = history_of(db_path, stored[1])
    assert [(i.reason, i.summary) for i in history] == [
        ("定稿", "改为定稿"), ("编辑", "改了 项目编码"), ("导入", "第一个版本")]
    window.draft_action.trigger()
    assert [i.reason for i in history_of(db_path, stored[1])][0] == "退回草稿"
    # undo still works within the session, as before
    window.undo_action.trigger()
    assert window.doc.declaration.status == "定稿"


def test_the_history_panel_shows_compares_and_restores(qtbot, window_factory, db_path, stored, monkeypatch):
    with open_database(db_path) as db:
        repo = Repository(db)
        for goals in ("第二稿的年度目标", "第三稿的年度目标"):
            d = repo.load(stored[0])
            d.texts.annual_goals = goals
            repo.save(d)
            revisions.record(repo, [d.id], revisions.EDIT)
        original = revisions.load_revision(repo, stored[0], 1)
    window = window_factory()
    window.open_declaration(stored[0])
    window.show_history()
    panel = window.history_panel
    assert panel.isVisible()
    rows = [[panel.table.topLevelItem(k).text(c) for c in (0, 2, 4)] for k in range(panel.table.topLevelItemCount())]
    assert rows == [["3", "编辑", "改了 年度目标"], ["2", "编辑", "改了 年度目标"], ["1", "导入", "第一个版本"]]

    panel.select(1)
    qtbot.mouseClick(panel.view_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialogs[-1]
    assert dialog.view.isReadOnly()
    assert original.texts.annual_goals.splitlines()[0] in dialog.view.toPlainText()
    dialog.close()

    panel.select(1, 3)
    assert panel.compare_button.isEnabled() and not panel.restore_button.isEnabled()
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    compared = panel.dialogs[-1]
    assert "第 1 版" in compared.windowTitle() and "第 3 版" in compared.windowTitle()
    if compared.objectName() == "compare-view":  # desktop.qt.compare_view, with changes highlighted
        assert "第 1 版" in compared.summary.text() and "第 3 版" in compared.summary.text()
        assert [(f.label, f.new) for f in compared.comparison.texts if f.changed] == [("年度目标", "第三稿的年度目标")]
        assert "第三稿" in compared.browser.toPlainText()
    else:  # the textual comparison, where the comparison view is not installed
        text = compared.view.toPlainText()
        assert "+ 第三稿的年度目标" in text and "- " + original.texts.annual_goals.splitlines()[0] in text
    compared.close()

    # asked first; No changes nothing
    before = db_dump(db_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    panel.select(1)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert db_dump(db_path) == before
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert window.doc.declaration.texts.annual_goals == original.texts.annual_goals
    assert window.field_widgets["texts.annual_goals"].toPlainText() == original.texts.annual_goals
    assert [panel.table.topLevelItem(k).text(2) for k in range(panel.table.topLevelItemCount())] == \
        ["恢复", "编辑", "编辑", "导入"], "the third draft was kept already: nothing else to keep"
    assert revisions.load_revision(window.repo, stored[0], 3).texts.annual_goals == "第三稿的年度目标"

    # undo still works within the session
    goals = window.field_widgets["texts.annual_goals"]
    window.tabs.setCurrentWidget(window.goals_tab)
    type_into(qtbot, goals, "恢复后又改")
    window.undo_action.trigger()
    assert window.doc.declaration.texts.annual_goals != "恢复后又改"


def test_restore_keeps_unsaved_typing_as_a_revision_first(qtbot, window_factory, db_path, stored, monkeypatch):
    monkeypatch.setattr(session_module, "BURST_MS", 60_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = window_factory()
    window.open_declaration(stored[0])
    window.tabs.setCurrentWidget(window.goals_tab)
    type_into(qtbot, window.field_widgets["texts.annual_goals"], "刚刚打的字")
    window.history_panel.select(1)
    assert window.history_panel.restore_selected()
    history = history_of(db_path, stored[0])
    assert [i.reason for i in history] == ["恢复", "编辑", "导入"]
    assert revisions.load_revision(window.repo, stored[0], 2).texts.annual_goals == "刚刚打的字"


def test_the_search_box_finds_a_declaration_by_its_revision_code(qtbot, window_factory, db_path, stored):
    with open_database(db_path, write=False) as db:
        code = revisions.history(Repository(db), stored[1])[0].code
    window = window_factory()
    type_into(qtbot, window.search, code.lower())
    qtbot.waitUntil(lambda: window.list_filter.rowCount() == 1)
    assert window.list_model.id_at(0) == stored[1]


def test_exporting_a_pdf_from_the_window_is_a_revision(qtbot, window_factory, db_path, stored, monkeypatch, tmp_path):
    import desktop.qt.printing_ui as printing_ui

    monkeypatch.setattr(session_module, "BURST_MS", 60_000)
    window = window_factory()
    window.open_declaration(stored[0])
    type_into(qtbot, window.header_tab.widgets["header.duration_years"], "2")
    monkeypatch.setattr(printing_ui, "ask_pdf_path", lambda *a, **k: tmp_path / "out.pdf")
    window.export_selected_pdf()
    assert (tmp_path / "out.pdf").exists()
    history = history_of(db_path, stored[0])
    assert history[0].reason == "打印"
    assert history[0].code == revision_code(window.doc.declaration)


def test_the_textual_comparison_marks_lines_of_each_side(samples):
    from desktop.qt.history_panel import text_comparison

    old, new = samples[0], samples[0].model_copy(deep=True)
    new.header.project_name = "民意速办工作经费（第二稿）"
    text = text_comparison(old, new)
    assert "- 项目名称：民意速办工作经费" in text and "+ 项目名称：民意速办工作经费（第二稿）" in text
    assert text_comparison(old, old) == "两者内容相同。"


def test_exporting_with_history_from_the_window(qtbot, window_factory, db_path, stored, monkeypatch, tmp_path):
    import json

    from PySide6.QtWidgets import QFileDialog

    window = window_factory()
    window.open_declaration(stored[1])
    out = tmp_path / "带修订记录.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.export_history_action.trigger()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert [(h["revision"], h["reason"]) for h in data["declarations"][0]["history"]] == [(1, "导入")]


def test_a_declaration_without_history_keeps_its_state_before_the_first_edit(
        qtbot, window_factory, db_path, samples, monkeypatch):
    monkeypatch.setattr(session_module, "BURST_MS", 60_000)
    with open_database(db_path) as db:  # as a database from before revisions existed holds it
        old = Repository(db).save(samples[3])
    window = window_factory()
    window.open_declaration(old.id)
    type_into(qtbot, window.header_tab.widgets["header.project_code"], "440313231071500300099")
    history = history_of(db_path, old.id)
    assert [i.reason for i in history] == ["编辑前"], "kept before the edit reached the disk"
    assert revisions.load_revision(window.repo, old.id, 1).content_equals(old)
    window.new_declaration()  # leaving it ends the burst; a new, empty draft gets no 编辑前
    assert [i.reason for i in history_of(db_path, old.id)] == ["编辑", "编辑前"]
    type_into(qtbot, window.header_tab.widgets["header.project_name"], "新项目")
    window.close()
    assert [i.reason for i in history_of(db_path, window.doc.declaration.id)] == ["编辑"]
