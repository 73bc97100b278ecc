"""The 指标库 in the window: the popup while typing a 三级指标 (input-method commits and
pinyin), choosing with the keyboard, one undo per insertion, the 指标库… picker and 加入指标库."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.domain.model import Declaration, Header, Indicator
from desktop.store.database import open_database
from desktop.store.repository import Repository
from qt_helpers import open_editor, type_text

UNIT = "深圳市深汕特别合作区应急指挥中心（深圳市深汕特别合作区网格管理中心）"


def _declaration(rows, unit=UNIT, template="shenshan-2024") -> Declaration:
    return Declaration(template_id=template, header=Header(project_name="应急演练与培训经费", applicant_unit=unit),
                       indicators=[Indicator(level1=a, level2=b, name=n, target=t, explanation=e)
                                   for a, b, n, t, e in rows])


def open_with(window_factory, db_path, decl, history=()):
    with open_database(db_path) as db:
        repo = Repository(db)
        for h in history:
            repo.save(h)
        saved = repo.save(decl)
    window = window_factory()
    window.resize(1400, 900)
    window.open_declaration(saved.id)
    window.tabs.setCurrentWidget(window.indicator_tab)
    return window


def start_typing(qtbot, window, row: int) -> QLineEdit:
    view = window.indicator_tab.view
    index = view.model().index(row, 2)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = open_editor(view, (QLineEdit,))
    assert isinstance(editor, QLineEdit)
    return editor


def popup_of(window):
    return window.indicator_tab.library_ui.delegate.popup


def row_of(window, i):
    return window.doc.rows("indicators")[i]


def test_chinese_from_an_input_method_offers_the_units_own_rows_first_and_enter_inserts(
        qtbot, window_factory, db_path, samples):
    decl = _declaration([("满意度指标", "服务对象满意度指标", "", "", "")])
    window = open_with(window_factory, db_path, decl, history=samples)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "满意度")  # one input-method commit, as a Chinese IME sends it
    popup = popup_of(window)
    assert popup.isVisible()
    shown = [popup.item(i).text() for i in range(popup.count())]
    # The unit's own past rows (本人历史) first, then library entries; all in the row's category.
    assert popup.suggestions[0].source == "本人历史"
    assert any("〔通用〕" in t for t in shown)
    assert {s.level2 for s in popup.suggestions} == {"服务对象满意度指标"}
    assert all("满意度" in s.name for s in popup.suggestions)
    first = popup.suggestions[0]
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    row = row_of(window, 0)
    assert row.name == first.name
    assert row.target == first.target and row.explanation == first.explanation
    assert not popup.isVisible()
    # One undo removes the whole insertion: name, target and explanation together.
    window.doc.undo_stack.undo()
    row = row_of(window, 0)
    assert (row.name, row.target, row.explanation) == ("", "", "")


@pytest.mark.parametrize("typed", ["manyidu", "myd"])
def test_pinyin_and_initials_find_satisfaction_and_down_down_enter_takes_the_second(
        qtbot, window_factory, db_path, typed):
    decl = _declaration([("满意度指标", "服务对象满意度指标", "", "", "")])
    window = open_with(window_factory, db_path, decl)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, typed)  # ASCII typed key by key
    popup = popup_of(window)
    assert popup.isVisible() and popup.count() >= 2
    assert all("满意度" in s.name for s in popup.suggestions)
    second = popup.suggestions[1]
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Return):
        qtbot.keyClick(editor, key)
    QApplication.processEvents()
    assert row_of(window, 0).name == second.name
    assert row_of(window, 0).explanation == second.explanation


def test_escape_closes_the_popup_and_keeps_the_typed_text(qtbot, window_factory, db_path):
    decl = _declaration([("产出指标", "数量指标", "", "", "")])
    window = open_with(window_factory, db_path, decl)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "培训")
    popup = popup_of(window)
    assert popup.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert editor.isVisible() and editor.text() == "培训"  # the editor stays, with what was typed
    type_text(qtbot, editor, "场地费用")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # nothing chosen: Enter keeps the typed text
    QApplication.processEvents()
    row = row_of(window, 0)
    assert (row.name, row.target, row.explanation) == ("培训场地费用", "", "")


def test_a_placeholder_target_leaves_the_number_to_the_user(qtbot, window_factory, db_path):
    decl = _declaration([("产出指标", "数量指标", "", "", "")])
    window = open_with(window_factory, db_path, decl)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "yjylcs")  # 应急演练次数
    popup = popup_of(window)
    assert popup.suggestions[0].name == "应急演练次数"
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    row = row_of(window, 0)
    assert row.name == "应急演练次数"
    assert row.target == "≥__次"  # symbol and unit from the library, the number left open
    assert row.explanation == "反映年度组织开展应急演练的次数"
    assert any("占位符" in p.message for p in window.doc.problems_for("indicators[0].target"))
    # The target cell is open with the placeholder selected: typing the number replaces it.
    target_editor = open_editor(window.indicator_tab.view, (QLineEdit,))
    assert target_editor.selectedText() == "__"
    type_text(qtbot, target_editor, "4")
    qtbot.keyClick(target_editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert row_of(window, 0).target == "≥4次"
    assert not window.doc.problems_for("indicators[0].target")
    window.doc.undo_stack.undo()  # the number
    assert row_of(window, 0).target == "≥__次"
    window.doc.undo_stack.undo()  # the whole insertion
    row = row_of(window, 0)
    assert (row.name, row.target, row.explanation) == ("", "", "")


def test_a_filled_target_and_explanation_are_kept(qtbot, window_factory, db_path):
    decl = _declaration([("产出指标", "数量指标", "", "≥3次", "我写的解释")])
    window = open_with(window_factory, db_path, decl)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "应急演练")
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    row = row_of(window, 0)
    assert (row.name, row.target, row.explanation) == ("应急演练次数", "≥3次", "我写的解释")


def test_suggestions_follow_the_rows_category_in_its_template(qtbot, window_factory, db_path):
    # 财预〔2021〕101号: 成本指标 is a 一级指标; the library's 产出指标/成本指标 entries belong there.
    decl = _declaration([("成本指标", "经济成本指标", "", "", ""), ("产出指标", "时效指标", "", "", "")],
                        template="caiyu-2021-101")
    window = open_with(window_factory, db_path, decl)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "renyuanjingfei")
    popup = popup_of(window)
    names = [s.name for s in popup.suggestions]
    assert "人员经费占项目总支出的比重" in names
    assert {(s.level1, s.level2) for s in popup.suggestions} == {("成本指标", "经济成本指标")}
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    editor = start_typing(qtbot, window, 1)
    type_text(qtbot, editor, "满意度")  # no 满意度 indicator is a 时效指标
    assert not popup_of(window).isVisible()


def test_nothing_is_read_at_start_up_and_the_library_is_seeded_on_first_use(qtbot, window_factory, db_path):
    decl = _declaration([("产出指标", "数量指标", "", "", "")])
    with open_database(db_path) as db:
        saved = Repository(db).save(decl)
    window = window_factory()
    window.open_declaration(saved.id)
    access = window.indicator_tab.library_ui.library
    assert access._index is None and access._warming is None  # nothing read while the tab is not shown
    with open_database(db_path, write=False) as db:
        con = db.connect()
        assert con.execute("SELECT count(*) FROM library_entries").fetchone()[0] == 0
        con.close()
    window.tabs.setCurrentWidget(window.indicator_tab)  # reading starts on a thread
    assert access._warming is not None
    start_typing(qtbot, window, 0)  # first use
    assert access._index is not None
    with open_database(db_path, write=False) as db:
        con = db.connect()
        assert con.execute("SELECT count(*) FROM library_entries").fetchone()[0] >= 250
        con.close()


def test_the_picker_inserts_checked_entries_into_their_categories_in_one_undo(qtbot, window_factory, db_path):
    decl = _declaration([("产出指标", "数量指标", "应急演练次数", "≥4次", "反映年度组织开展应急演练的次数"),
                         ("产出指标", "时效指标", "", "", ""),
                         ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "")])
    window = open_with(window_factory, db_path, decl)
    tab = window.indicator_tab
    qtbot.mouseClick(tab.library_ui.picker_button, Qt.MouseButton.LeftButton)
    picker = tab.library_ui.picker
    qtbot.waitExposed(picker)
    picker.select_category("产出指标", "数量指标")
    shown = [s.name for s in picker.shown]
    assert "应急演练次数" in shown
    marked = picker.model.item(shown.index("应急演练次数"), 0)
    assert "已在表中" in marked.text() and not marked.isCheckable()
    # Search across every category, by pinyin initials.
    picker.select_category("", "")
    type_text(qtbot, picker.search, "yjxy")  # 应急响应时间 (时效指标)
    qtbot.waitUntil(lambda: bool(picker.shown) and picker.shown[0].name == "应急响应时间")
    picker.set_checked(0)
    assert "应急响应时间" in picker.preview.toPlainText()
    picker.search.clear()
    type_text(qtbot, picker.search, "xtzc")  # 系统正常运行率 (质量指标)
    qtbot.waitUntil(lambda: bool(picker.shown) and picker.shown[0].name == "系统正常运行率")
    picker.set_checked(0)
    picker.search.clear()
    type_text(qtbot, picker.search, "cxrymyd")  # 参训人员满意度
    qtbot.waitUntil(lambda: bool(picker.shown) and picker.shown[0].name == "参训人员满意度")
    picker.set_checked(0)
    assert picker.insert_button.text() == "插入所选（3）"
    before = [r.model_copy() for r in window.doc.rows("indicators")]
    qtbot.mouseClick(picker.insert_button, Qt.MouseButton.LeftButton)
    rows = [(r.level1, r.level2, r.name, r.target) for r in window.doc.rows("indicators")]
    assert rows == [
        ("产出指标", "数量指标", "应急演练次数", "≥4次"),
        ("产出指标", "质量指标", "系统正常运行率", "≥99%"),  # a new row where 质量指标 goes
        ("产出指标", "时效指标", "应急响应时间", "≤__分钟"),  # the empty 时效指标 row filled
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥__%"),  # after its category's last row
    ]
    window.doc.undo_stack.undo()
    assert window.doc.rows("indicators") == before


def test_a_row_put_into_the_library_is_suggested_and_searchable(qtbot, window_factory, db_path, monkeypatch,
                                                               capsys):
    from PySide6.QtWidgets import QMessageBox

    from cli_helpers import run

    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    decl = _declaration([("效益指标", "社会效益指标", "森林火灾受害率", "≤0.9‰", "反映森林火灾受害面积占森林面积的比例"),
                         ("效益指标", "社会效益指标", "", "", "")])
    window = open_with(window_factory, db_path, decl)
    tab = window.indicator_tab
    tab.select(0, 2)
    assert tab.library_ui.add_action in tab.view.actions()  # on the row's context menu
    tab.library_ui.add_action.trigger()
    assert said and "已把“森林火灾受害率”加入指标库" in said[-1]
    editor = start_typing(qtbot, window, 1)
    type_text(qtbot, editor, "slhz")
    assert popup_of(window).suggestions[0].name == "森林火灾受害率"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    window.close()
    window.db.close()
    code, out, _err = run(capsys, "--db", db_path, "library", "search", "森林火灾")
    assert code == 0 and out.splitlines()[0].split("\t")[:2] == ["森林火灾受害率", "≤0.9‰"]
    code, out, _err = run(capsys, "--db", db_path, "library", "list", "--json")
    mine = [e for e in json.loads(out) if e["name"] == "森林火灾受害率"]
    assert mine == [{"level1": "效益指标", "level2": "社会效益指标", "name": "森林火灾受害率", "target": "≤0.9‰",
                     "explanation": "反映森林火灾受害面积占森林面积的比例", "keywords": "", "source": "本人"}]


def test_the_picker_imports_and_exports_libraries_through_the_commands_services(
        qtbot, window_factory, db_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from test_library_cli import bureau_xlsx

    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append("!" + text))
    decl = _declaration([("产出指标", "数量指标", "", "", "")])
    window = open_with(window_factory, db_path, decl)
    tab = window.indicator_tab
    qtbot.mouseClick(tab.library_ui.picker_button, Qt.MouseButton.LeftButton)
    picker = tab.library_ui.picker
    source = bureau_xlsx(tmp_path / "区财政局指标库.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(source), ""))
    qtbot.mouseClick(picker.import_button, Qt.MouseButton.LeftButton)
    assert said[-1].startswith("指标库“区财政局指标库”：新增 4 条，更新 1 条")
    assert "救灾物资发放批次" in [s.name for s in picker.shown]  # listed at once, in the row's category
    # and suggested while typing
    picker.close()
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "jzwzff")
    assert popup_of(window).suggestions[0].name == "救灾物资发放批次"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    # A bad file: one message, nothing changed.
    qtbot.mouseClick(tab.library_ui.picker_button, Qt.MouseButton.LeftButton)
    picker = tab.library_ui.picker
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    count = len(picker.index)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), ""))
    qtbot.mouseClick(picker.import_button, Qt.MouseButton.LeftButton)
    assert said[-1].startswith("!bad.json：不是有效的 JSON")
    assert len(tab.library_ui.library.index()) == count
    out = tmp_path / "导出.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    qtbot.mouseClick(picker.export_button, Qt.MouseButton.LeftButton)
    assert said[-1].startswith("已导出 ") and out.exists()
    names = {e["name"] for e in json.loads(out.read_text(encoding="utf-8"))["entries"]}
    assert "救灾物资发放批次" in names and "培训次数" in names


def test_a_row_without_a_category_takes_the_chosen_entrys(qtbot, window_factory, db_path):
    decl = _declaration([("", "", "", "", "")], template="caiyu-2021-101")
    window = open_with(window_factory, db_path, decl)
    editor = start_typing(qtbot, window, 0)
    type_text(qtbot, editor, "rygf")  # no such initials
    assert not popup_of(window).isVisible()
    editor.clear()
    type_text(qtbot, editor, "项目成本控制率")
    popup = popup_of(window)
    assert popup.suggestions[0].name == "项目成本控制率"
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    row = row_of(window, 0)
    # the shenshan sample's 产出指标/成本指标, filed where this framework keeps costs
    assert (row.level1, row.level2, row.name) == ("成本指标", "经济成本指标", "项目成本控制率")
    window.doc.undo_stack.undo()
    assert (row_of(window, 0).level1, row_of(window, 0).level2, row_of(window, 0).name) == ("", "", "")
